//! The HTTP API end to end: a real server on a free port, driven over HTTP,
//! on SQLite and (when `LIVEGATE_TEST_POSTGRES_URL` is set) on PostgreSQL.

mod common;

use common::{Backend, Server, backends};
use livegate_server::{FileStore, Settings};
use livegate_store::clock;
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn on_every_backend(test: impl Fn(&Backend)) {
    for b in backends() {
        eprintln!("backend: {b:?}");
        test(&b);
    }
}

fn profile(appid: &str) -> Value {
    json!({
        "appid": appid,
        "name": "示例商城",
        "subject": {"type": "enterprise", "name": "深圳市示例科技有限公司"},
        "categories": [{"first": "电商平台", "second": "电商平台", "status": "pending"}],
        "scenarios": ["ecommerce_selling"],
        "multi_merchant": true
    })
}

fn create(s: &Server, token: &str, appid: &str) -> (String, String) {
    let r = s.json("POST", "/v1/applicants", token, &profile(appid));
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    (id, r.header("etag").expect("etag").to_string())
}

fn add_document(s: &Server, token: &str, app: &str, doc: Value) -> (String, String) {
    let r = s.json(
        "POST",
        &format!("/v1/applicants/{app}/documents"),
        token,
        &doc,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    (
        r.json()["id"].as_str().expect("id").to_string(),
        r.header("etag").expect("etag").to_string(),
    )
}

fn upload(
    s: &Server,
    token: &str,
    app: &str,
    doc: &str,
    etag: &str,
    name: &str,
    bytes: &[u8],
) -> common::Resp {
    s.call(
        "PUT",
        &format!("/v1/applicants/{app}/documents/{doc}/file?name={name}"),
        Some(token),
        &[("Content-Type", "application/pdf"), ("If-Match", etag)],
        bytes,
    )
}

fn date_in(days: i64) -> String {
    clock::format_date(clock::today() + days)
}

#[test]
fn applicants_are_created_read_listed_by_cursor_replaced_and_deleted() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let ids: Vec<String> = [
            "wx0000000000000001",
            "wx0000000000000002",
            "wx0000000000000003",
        ]
        .iter()
        .map(|a| create(&s, &t.editor, a).0)
        .collect();

        let r = s.get(&format!("/v1/applicants/{}", ids[0]), &t.viewer);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("etag"), Some("\"1\""));
        let a = r.json();
        assert_eq!(a["appid"], "wx0000000000000001");
        assert_eq!(a["name"], "示例商城");
        assert_eq!(a["profile"]["subject"]["type"], "enterprise");

        let p1 = s.get("/v1/applicants?limit=2", &t.viewer).json();
        assert_eq!(p1["items"].as_array().map(Vec::len), Some(2));
        let cursor = p1["next_cursor"].as_str().expect("a next page");
        let p2 = s
            .get(
                &format!("/v1/applicants?limit=2&cursor={cursor}"),
                &t.viewer,
            )
            .json();
        assert_eq!(p2["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(p2["next_cursor"], Value::Null);
        let listed: Vec<&str> = p1["items"]
            .as_array()
            .into_iter()
            .chain(p2["items"].as_array())
            .flatten()
            .filter_map(|a| a["id"].as_str())
            .collect();
        assert_eq!(listed, ids.iter().map(String::as_str).collect::<Vec<_>>());

        let mut changed = profile("wx0000000000000001");
        changed["subject"]["type"] = json!("media");
        let r = s.json_if(
            "PUT",
            &format!("/v1/applicants/{}", ids[0]),
            &t.editor,
            "\"1\"",
            &changed,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("etag"), Some("\"2\""));
        assert_eq!(
            s.get(&format!("/v1/applicants/{}", ids[0]), &t.viewer)
                .json()["profile"]["subject"]["type"],
            "media"
        );

        let r = s.call(
            "DELETE",
            &format!("/v1/applicants/{}", ids[0]),
            Some(&t.editor),
            &[("If-Match", "\"2\"")],
            b"",
        );
        assert_eq!(r.status, 204, "{}", r.text());
        s.get(&format!("/v1/applicants/{}", ids[0]), &t.viewer)
            .problem(404);

        // The same appid twice in a tenant is a conflict.
        let r = s.json(
            "POST",
            "/v1/applicants",
            &t.editor,
            &profile("wx0000000000000002"),
        );
        r.problem(409);
    });
}

#[test]
fn stateless_evaluate_returns_the_engines_report_and_stores_nothing() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let before = s.snapshot(&t);
        let example = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/ecommerce-needs-documents.json"
        ))
        .expect("example");
        let mut v: Value = serde_json::from_str(&example).expect("json");
        v["as_of"] = json!("2026-11-28");
        let text = v.to_string();
        let r = s.call(
            "POST",
            "/v1/evaluate?lang=en",
            Some(&t.viewer),
            &[("Content-Type", "application/json")],
            text.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let rs = livegate_core::default_ruleset().expect("ruleset");
        let expected = livegate_core::evaluate_text(
            &rs,
            &text,
            &livegate_core::Options {
                lang: livegate_core::Lang::En,
                ..Default::default()
            },
        )
        .expect("report");
        assert_eq!(r.json(), serde_json::to_value(&expected).expect("json"));
        assert_eq!(r.json()["verdict"], "needs_action");
        assert_eq!(s.snapshot(&t), before);
    });
}

#[test]
fn stored_evaluation_uses_the_documents_and_history_keeps_each_verdict_with_its_ruleset() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let (app, _) = create(&s, &t.editor, "wx00000000000000aa");
        let r = s.call(
            "POST",
            &format!("/v1/applicants/{app}/evaluate"),
            Some(&t.editor),
            &[],
            b"",
        );
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["verdict"], "needs_action");

        for doc in [
            json!({"kind": "telecom_value_added_license", "service_items": ["online_data_processing"], "valid_until": "2099-01-01"}),
            json!({"kind": "platform_service_agreement"}),
            json!({"kind": "merchant_admission_rules"}),
            json!({"kind": "dispute_resolution_mechanism"}),
        ] {
            add_document(&s, &t.editor, &app, doc);
        }
        let r = s.call(
            "POST",
            &format!("/v1/applicants/{app}/evaluate"),
            Some(&t.editor),
            &[],
            b"",
        );
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["verdict"], "pending");

        let h = s
            .get(&format!("/v1/applicants/{app}/evaluations"), &t.viewer)
            .json();
        let items = h["items"].as_array().expect("items");
        let verdicts: Vec<&str> = items.iter().filter_map(|e| e["verdict"].as_str()).collect();
        assert_eq!(verdicts, ["needs_action", "pending"]);
        let rs = livegate_core::default_ruleset().expect("ruleset");
        for e in items {
            assert_eq!(e["ruleset_version"], rs.meta.version.as_str());
            assert_eq!(e["ruleset_as_of"], rs.meta.as_of.as_str());
            assert_eq!(e["report"]["verdict"], e["verdict"]);
            assert!(e["created_at"].as_str().is_some_and(|c| c.ends_with('Z')));
        }
        let m = s.call("GET", "/metrics", None, &[], b"").text();
        assert!(
            m.contains("livegate_evaluations_total{verdict=\"pending\"} 1"),
            "{m}"
        );
    });
}

#[test]
fn expiring_lists_the_tenants_documents_that_expire_within_the_window_only() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let other = s.tenant("other");
        let (app, _) = create(&s, &t.editor, "wx00000000000000aa");
        let (soon, _) = add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "platform_service_agreement", "valid_until": date_in(10)}),
        );
        let (later, _) = add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "merchant_admission_rules", "valid_until": date_in(45)}),
        );
        add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "dispute_resolution_mechanism", "valid_until": date_in(-1)}),
        );
        add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "dispute_resolution_mechanism"}),
        );
        let (app2, _) = create(&s, &other.editor, "wx00000000000000bb");
        add_document(
            &s,
            &other.editor,
            &app2,
            json!({"kind": "platform_service_agreement", "valid_until": date_in(5)}),
        );

        let ids = |r: Value| -> Vec<String> {
            r["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["document_id"].as_str().map(String::from))
                .collect()
        };
        let r = s.get("/v1/expiring?within=30d", &t.viewer);
        assert_eq!(r.status, 200, "{}", r.text());
        let j = r.json();
        assert_eq!(j["from"], date_in(0));
        assert_eq!(j["until"], date_in(30));
        assert_eq!(j["items"][0]["appid"], "wx00000000000000aa");
        assert_eq!(ids(j), std::slice::from_ref(&soon));
        assert_eq!(
            ids(s.get("/v1/expiring?within=60d", &t.viewer).json()),
            [soon, later]
        );
        s.get("/v1/expiring?within=soon", &t.viewer).problem(400);
    });
}

#[test]
fn expiring_pages_by_date_then_document_and_a_cursor_keeps_its_place() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let (t, other) = (s.tenant("acme"), s.tenant("other"));
        let (app, _) = create(&s, &t.editor, "wx00000000000000ac");
        let mut made = Vec::new();
        for days in [9, 3, 9, 3, 20, 9, 3] {
            let body = json!({"kind": "platform_service_agreement", "valid_until": date_in(days)});
            let (id, etag) = add_document(&s, &t.editor, &app, body);
            made.push((date_in(days), id, etag));
        }
        let mut want: Vec<(String, String)> = made
            .iter()
            .map(|(d, id, _)| (d.clone(), id.clone()))
            .collect();
        want.sort();
        let page = |cursor: &str| -> Value {
            let q = if cursor.is_empty() {
                String::new()
            } else {
                format!("&cursor={cursor}")
            };
            s.get(&format!("/v1/expiring?within=30d&limit=2{q}"), &t.viewer)
                .json()
        };
        let (mut seen, mut cursor) = (Vec::new(), String::new());
        for _ in 0..10 {
            let j = page(&cursor);
            for e in j["items"].as_array().into_iter().flatten() {
                let at = (
                    e["valid_until"].as_str().unwrap_or("").to_string(),
                    e["document_id"].as_str().unwrap_or("").to_string(),
                );
                seen.push(at);
            }
            match j["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        assert_eq!(
            seen, want,
            "every document once, by date then id, two a page"
        );
        // A cursor whose document was deleted since keeps its place.
        let (_, id, etag) = &made[0];
        let del = s.call(
            "DELETE",
            &format!("/v1/applicants/{app}/documents/{id}"),
            Some(&t.editor),
            &[("If-Match", etag)],
            b"",
        );
        assert_eq!(del.status, 204);
        let after: Vec<String> = page(id)["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["document_id"].as_str().map(String::from))
            .collect();
        let at = want.iter().position(|(_, w)| w == id).unwrap_or(0);
        let next: Vec<String> = want
            .iter()
            .skip(at + 1)
            .take(2)
            .map(|(_, w)| w.clone())
            .collect();
        assert_eq!(after, next);
        // Another tenant's document is no place in this tenant's list.
        let theirs = s
            .get(
                &format!("/v1/expiring?within=30d&cursor={}", made[1].1),
                &other.viewer,
            )
            .json();
        assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));
    });
}

#[test]
fn audit_log_records_every_write_with_token_action_target_and_diff() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let (app, etag) = create(&s, &t.editor, "wx00000000000000aa");
        let mut changed = profile("wx00000000000000aa");
        changed["subject"]["type"] = json!("media");
        assert_eq!(
            s.json_if(
                "PUT",
                &format!("/v1/applicants/{app}"),
                &t.editor,
                &etag,
                &changed
            )
            .status,
            200
        );
        let (doc, detag) = add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "platform_service_agreement"}),
        );
        assert_eq!(
            upload(&s, &t.editor, &app, &doc, &detag, "协议.pdf", PDF).status,
            200
        );

        let page = s.get("/v1/audit?limit=500", &t.admin).json();
        let entries: Vec<&Value> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|e| e["token_id"] != Value::Null)
            .collect();
        let actions: Vec<&str> = entries
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "applicant.create",
                "applicant.update",
                "document.create",
                "document.upload"
            ]
        );
        let update = entries[1];
        assert_eq!(update["target"], app.as_str());
        assert_eq!(
            update["diff"],
            json!([{"path": "/subject/type", "before": "enterprise", "after": "media"}])
        );
        let tokens: std::collections::BTreeSet<&str> = entries
            .iter()
            .filter_map(|e| e["token_id"].as_str())
            .collect();
        assert_eq!(tokens.len(), 1, "one editor token made every write");
        assert!(entries[3]["diff"].to_string().contains("协议.pdf"));

        // Paged by cursor, nothing lost or repeated.
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let p = s
                .get(&format!("/v1/audit?limit=2&cursor={cursor}"), &t.admin)
                .json();
            seen.extend(
                p["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["id"].as_str().map(String::from)),
            );
            match p["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        let all: Vec<String> = page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["id"].as_str().map(String::from))
            .collect();
        assert_eq!(seen, all);

        // Append-only: no route changes or removes an entry.
        for m in ["PUT", "DELETE", "POST", "PATCH"] {
            let r = s.call(
                m,
                "/v1/audit",
                Some(&t.admin),
                &[("Content-Type", "application/json")],
                b"{}",
            );
            r.problem(405);
        }
    });
}

#[test]
fn another_tenants_ids_are_not_found_on_every_route_and_nothing_changes() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let a = s.tenant("a");
        let intruder = s.tenant("b");
        let (app, etag) = create(&s, &a.editor, "wx00000000000000aa");
        let (doc, detag) = add_document(
            &s,
            &a.editor,
            &app,
            json!({"kind": "platform_service_agreement", "valid_until": date_in(3)}),
        );
        let r = upload(&s, &a.editor, &app, &doc, &detag, "a.pdf", PDF);
        assert_eq!(r.status, 200);
        let detag = r.header("etag").expect("etag").to_string();
        let before = s.snapshot(&a);

        let body = profile("wx00000000000000aa").to_string();
        let docbody = json!({"kind": "merchant_admission_rules"}).to_string();
        let routes: Vec<(&str, String, &str, &str)> = vec![
            ("GET", format!("/v1/applicants/{app}"), "", ""),
            ("PUT", format!("/v1/applicants/{app}"), &body, &etag),
            ("DELETE", format!("/v1/applicants/{app}"), "", &etag),
            ("POST", format!("/v1/applicants/{app}/evaluate"), "", ""),
            ("GET", format!("/v1/applicants/{app}/evaluations"), "", ""),
            ("GET", format!("/v1/applicants/{app}/documents"), "", ""),
            (
                "POST",
                format!("/v1/applicants/{app}/documents"),
                &docbody,
                "",
            ),
            (
                "GET",
                format!("/v1/applicants/{app}/documents/{doc}"),
                "",
                "",
            ),
            (
                "PUT",
                format!("/v1/applicants/{app}/documents/{doc}"),
                &docbody,
                &detag,
            ),
            (
                "DELETE",
                format!("/v1/applicants/{app}/documents/{doc}"),
                "",
                &detag,
            ),
            (
                "GET",
                format!("/v1/applicants/{app}/documents/{doc}/file"),
                "",
                "",
            ),
        ];
        for (m, path, body, etag) in &routes {
            let mut h = vec![("Content-Type", "application/json")];
            if !etag.is_empty() {
                h.push(("If-Match", etag));
            }
            let r = s.call(m, path, Some(&intruder.admin), &h, body.as_bytes());
            r.problem(404);
        }
        let r = s.call(
            "PUT",
            &format!("/v1/applicants/{app}/documents/{doc}/file?name=x.pdf"),
            Some(&intruder.admin),
            &[("If-Match", &detag)],
            PDF,
        );
        r.problem(404);
        // Lists and the watch show nothing of the other tenant.
        assert_eq!(
            s.get("/v1/applicants", &intruder.admin).json()["items"],
            json!([])
        );
        assert_eq!(
            s.get("/v1/expiring?within=30d", &intruder.admin).json()["items"],
            json!([])
        );
        let audit = s.get("/v1/audit?limit=500", &intruder.admin).json();
        assert!(!audit.to_string().contains(&app), "{audit}");
        assert_eq!(s.snapshot(&a), before);
    });
}

#[test]
fn viewers_cannot_write_only_admins_read_the_audit_log_and_unknown_tokens_are_401() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let (app, etag) = create(&s, &t.editor, "wx00000000000000aa");
        let (doc, detag) = add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "platform_service_agreement"}),
        );
        let before = s.snapshot(&t);

        s.json(
            "POST",
            "/v1/applicants",
            &t.viewer,
            &profile("wx00000000000000bb"),
        )
        .problem(403);
        s.json_if(
            "PUT",
            &format!("/v1/applicants/{app}"),
            &t.viewer,
            &etag,
            &profile("wx00000000000000aa"),
        )
        .problem(403);
        s.call(
            "DELETE",
            &format!("/v1/applicants/{app}"),
            Some(&t.viewer),
            &[("If-Match", &etag)],
            b"",
        )
        .problem(403);
        s.call(
            "POST",
            &format!("/v1/applicants/{app}/evaluate"),
            Some(&t.viewer),
            &[],
            b"",
        )
        .problem(403);
        s.json(
            "POST",
            &format!("/v1/applicants/{app}/documents"),
            &t.viewer,
            &json!({"kind": "x"}),
        )
        .problem(403);
        s.json_if(
            "PUT",
            &format!("/v1/applicants/{app}/documents/{doc}"),
            &t.viewer,
            &detag,
            &json!({"kind": "x"}),
        )
        .problem(403);
        s.call(
            "DELETE",
            &format!("/v1/applicants/{app}/documents/{doc}"),
            Some(&t.viewer),
            &[("If-Match", &detag)],
            b"",
        )
        .problem(403);
        upload(&s, &t.viewer, &app, &doc, &detag, "a.pdf", PDF).problem(403);
        assert_eq!(s.snapshot(&t), before);

        // Viewers read; stateless evaluation is a read.
        assert_eq!(
            s.get(&format!("/v1/applicants/{app}"), &t.viewer).status,
            200
        );
        assert_eq!(
            s.json(
                "POST",
                "/v1/evaluate",
                &t.viewer,
                &json!({"subject": {"type": "government"}})
            )
            .status,
            200
        );
        // The audit log is the admins'.
        s.get("/v1/audit", &t.editor).problem(403);
        s.get("/v1/audit", &t.viewer).problem(403);
        assert_eq!(s.get("/v1/audit", &t.admin).status, 200);

        let r = s.call("GET", "/v1/applicants", None, &[], b"");
        r.problem(401);
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        s.get("/v1/applicants", "lg_not_a_token").problem(401);
        s.call(
            "GET",
            "/v1/applicants",
            None,
            &[("Authorization", &format!("Basic {}", t.admin))],
            b"",
        )
        .problem(401);
    });
}

#[test]
fn a_stale_if_match_is_412_with_the_current_etag_and_a_missing_one_is_428() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let (app, etag) = create(&s, &t.editor, "wx00000000000000aa");
        let mut first = profile("wx00000000000000aa");
        first["subject"]["type"] = json!("media");
        let mut second = profile("wx00000000000000aa");
        second["subject"]["type"] = json!("government");
        // Two editors read version 1; the first write wins, the second is refused.
        assert_eq!(
            s.json_if(
                "PUT",
                &format!("/v1/applicants/{app}"),
                &t.editor,
                &etag,
                &first
            )
            .status,
            200
        );
        let r = s.json_if(
            "PUT",
            &format!("/v1/applicants/{app}"),
            &t.admin,
            &etag,
            &second,
        );
        r.problem(412);
        assert_eq!(r.header("etag"), Some("\"2\""));
        assert_eq!(
            s.get(&format!("/v1/applicants/{app}"), &t.viewer).json()["profile"]["subject"]["type"],
            "media"
        );
        s.json("PUT", &format!("/v1/applicants/{app}"), &t.editor, &second)
            .problem(428);
        s.call(
            "DELETE",
            &format!("/v1/applicants/{app}"),
            Some(&t.editor),
            &[("If-Match", &etag)],
            b"",
        )
        .problem(412);
        s.call(
            "DELETE",
            &format!("/v1/applicants/{app}"),
            Some(&t.editor),
            &[],
            b"",
        )
        .problem(428);

        let (doc, detag) = add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "platform_service_agreement"}),
        );
        let path = format!("/v1/applicants/{app}/documents/{doc}");
        assert_eq!(
            s.json_if(
                "PUT",
                &path,
                &t.editor,
                &detag,
                &json!({"kind": "merchant_admission_rules"})
            )
            .status,
            200
        );
        s.json_if(
            "PUT",
            &path,
            &t.editor,
            &detag,
            &json!({"kind": "dispute_resolution_mechanism"}),
        )
        .problem(412);
        upload(&s, &t.editor, &app, &doc, &detag, "a.pdf", PDF).problem(412);
        assert_eq!(s.stored_files(), 0, "a refused upload stores no file");
        assert_eq!(
            s.get(&path, &t.viewer).json()["document"]["kind"],
            "merchant_admission_rules"
        );
    });
}

#[test]
fn bad_inputs_are_answered_with_the_right_4xx_and_nothing_is_stored() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let (app, etag) = create(&s, &t.editor, "wx00000000000000aa");
        let (doc, detag) = add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "platform_service_agreement"}),
        );
        let before = s.snapshot(&t);
        let json_h = [("Content-Type", "application/json")];
        let post = |path: &str, body: &[u8]| s.call("POST", path, Some(&t.editor), &json_h, body);

        // Malformed JSON.
        let p = post("/v1/applicants", b"{\"appid\": ").problem(400);
        assert_eq!(p["type"], "urn:livegate:problem:malformed_json");
        post("/v1/evaluate", b"not json").problem(400);
        post(&format!("/v1/applicants/{app}/documents"), b"{,}").problem(400);
        // Wrong types, unknown fields and invalid values: 422 naming the field.
        let p = post(
            "/v1/applicants",
            json!({"appid": "wx00000000000000cc", "subject": {"type": "enterprise"}, "goods": "x"})
                .to_string()
                .as_bytes(),
        )
        .problem(422);
        assert_eq!(p["errors"][0]["path"], "goods");
        let p = post(
            "/v1/applicants",
            json!({"appid": "wx00000000000000cc", "subject": {"type": "enterprize"}})
                .to_string()
                .as_bytes(),
        )
        .problem(422);
        assert_eq!(p["errors"][0]["path"], "subject.type");
        assert_eq!(p["errors"][0]["suggestion"], "enterprise");
        let p = post("/v1/applicants", json!({"appid": "wx00000000000000cc", "subject": {"type": "enterprise"}, "catgories": []}).to_string().as_bytes()).problem(422);
        assert_eq!(p["errors"][0]["suggestion"], "categories");
        let p = post(
            "/v1/applicants",
            json!({"appid": "wx123", "subject": {"type": "enterprise"}})
                .to_string()
                .as_bytes(),
        )
        .problem(422);
        assert_eq!(p["errors"][0]["path"], "appid");
        let p = post(
            "/v1/applicants",
            json!({"subject": {"type": "enterprise"}})
                .to_string()
                .as_bytes(),
        )
        .problem(422);
        assert_eq!(p["errors"][0]["path"], "appid");
        let p = post("/v1/applicants", json!({"appid": "wx00000000000000cc", "subject": {"type": "enterprise"}, "documents": [{"kind": "x"}]}).to_string().as_bytes()).problem(422);
        assert_eq!(p["errors"][0]["path"], "documents");
        post("/v1/applicants", b"[]").problem(422);
        let p = post(
            "/v1/evaluate",
            json!({"subject": {"type": ["enterprise"]}})
                .to_string()
                .as_bytes(),
        )
        .problem(422);
        assert_eq!(p["errors"][0]["path"], "subject.type");
        let p = post(
            &format!("/v1/applicants/{app}/documents"),
            json!({"kind": "platform_service_agreement", "valid_until": 3})
                .to_string()
                .as_bytes(),
        )
        .problem(422);
        assert_eq!(p["errors"][0]["path"], "valid_until");
        let p = post(
            &format!("/v1/applicants/{app}/documents"),
            json!({"kind": "platform_service_agreement", "valid_until": "2026-02-30"})
                .to_string()
                .as_bytes(),
        )
        .problem(422);
        assert_eq!(p["errors"][0]["path"], "valid_until");
        post(&format!("/v1/applicants/{app}/documents"), b"[1]").problem(422);
        // Not declared as JSON.
        s.call(
            "POST",
            "/v1/applicants",
            Some(&t.editor),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            profile("wx00000000000000cc").to_string().as_bytes(),
        )
        .problem(415);
        // Bad query values.
        s.get("/v1/applicants?limit=0", &t.viewer).problem(400);
        s.get("/v1/applicants?limit=many", &t.viewer).problem(400);
        s.call(
            "POST",
            "/v1/evaluate?lang=fr",
            Some(&t.viewer),
            &json_h,
            b"{\"subject\":{\"type\":\"government\"}}",
        )
        .problem(400);
        s.json_if(
            "PUT",
            &format!("/v1/applicants/{app}"),
            &t.editor,
            "yesterday",
            &profile("wx00000000000000aa"),
        )
        .problem(400);

        // Oversized bodies: a JSON body over 1 MiB, declared or streamed.
        let mut big = profile("wx00000000000000cc");
        big["name"] = json!("x".repeat(1 << 20));
        post("/v1/applicants", big.to_string().as_bytes()).problem(413);
        let chunked = format!(
            "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            t.editor
        );
        let body = big.to_string();
        let mut chunks = Vec::new();
        for c in body.as_bytes().chunks(64 * 1024) {
            chunks.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            chunks.extend_from_slice(c);
            chunks.extend_from_slice(b"\r\n");
        }
        chunks.extend_from_slice(b"0\r\n\r\n");
        common::raw(s.addr, chunked.as_bytes(), &chunks).problem(413);
        // A 2 GB Content-Length is refused before the body is read.
        let head = format!(
            "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n",
            t.editor
        );
        common::raw(s.addr, head.as_bytes(), b"{\"appid\":").problem(413);
        let head = format!(
            "PUT /v1/applicants/{app}/documents/{doc}/file HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {}\r\nIf-Match: {detag}\r\nContent-Length: 2147483648\r\n\r\n",
            t.editor
        );
        common::raw(s.addr, head.as_bytes(), b"%PDF-").problem(413);
        // An upload over 10 MiB.
        let mut huge = PDF.to_vec();
        huge.resize((10 << 20) + 1, b' ');
        upload(&s, &t.editor, &app, &doc, &detag, "big.pdf", &huge).problem(413);
        // A disguised executable: named .pdf, declared application/pdf, bytes of a PE.
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
        exe.extend_from_slice(b"This program cannot be run in DOS mode. %PDF-1.7");
        upload(&s, &t.editor, &app, &doc, &detag, "scan.pdf", &exe).problem(415);
        upload(&s, &t.editor, &app, &doc, &detag, "empty.pdf", b"").problem(415);
        // Path-traversal file names.
        for name in [
            "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd",
            "a%5C..%5Cb.pdf",
            "%2E%2E",
            "x%00.pdf",
        ] {
            let p = upload(&s, &t.editor, &app, &doc, &detag, name, PDF).problem(422);
            assert_eq!(p["errors"][0]["path"], "name", "{name}");
        }

        assert_eq!(s.snapshot(&t), before, "a refused request changes nothing");
        assert_eq!(s.stored_files(), 0, "a refused upload stores no file");
        assert_eq!(
            s.get(&format!("/v1/applicants/{app}"), &t.viewer)
                .header("etag"),
            Some(etag.as_str())
        );

        // And the good upload works, stored by digest, read back as sent.
        let r = upload(
            &s,
            &t.editor,
            &app,
            &doc,
            &detag,
            "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf",
            PDF,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let f = &r.json()["file"];
        assert_eq!(f["content_type"], "application/pdf");
        assert_eq!(f["name"], "营业执照.pdf");
        assert_eq!(s.stored_files(), 1);
        let sha = f["sha256"].as_str().expect("sha");
        assert!(
            s.dir
                .path()
                .join("data/files")
                .join(&sha[..2])
                .join(sha)
                .is_file()
        );
        let got = s.get(
            &format!("/v1/applicants/{app}/documents/{doc}/file"),
            &t.viewer,
        );
        assert_eq!(got.status, 200);
        assert_eq!(got.body, PDF);
        assert_eq!(got.header("content-type"), Some("application/pdf"));
    });
}

#[test]
fn a_token_over_its_rate_is_refused_with_429_and_retry_after() {
    let s = Server::start_with(
        &Backend::Sqlite,
        Settings {
            rate_limit: 1,
            rate_burst: 3,
            ..Settings::default()
        },
    );
    let t = s.tenant("acme");
    for _ in 0..3 {
        assert_eq!(s.get("/v1/applicants", &t.viewer).status, 200);
    }
    let r = s.get("/v1/applicants", &t.viewer);
    r.problem(429);
    assert!(
        r.header("retry-after")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n >= 1)
    );
    // Another token of the same tenant has its own budget.
    assert_eq!(s.get("/v1/applicants", &t.editor).status, 200);
}

#[test]
fn operations_endpoints_answer_without_a_token() {
    on_every_backend(|b| {
        let s = Server::start(b);
        let r = s.call("GET", "/healthz", None, &[], b"");
        assert_eq!((r.status, r.text().as_str()), (200, "ok"));
        assert_eq!(s.call("GET", "/readyz", None, &[], b"").status, 200);
        let doc = s.call("GET", "/openapi.json", None, &[], b"").json();
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1"))
        );
        assert!(doc["paths"]["/v1/applicants/{id}/evaluate"].is_object());
        let m = s.call("GET", "/metrics", None, &[], b"").text();
        assert!(
            m.contains(
                "livegate_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"
            ),
            "{m}"
        );
        assert!(
            m.contains(
                "livegate_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"
            ),
            "{m}"
        );
        s.call("GET", "/v1/nothing-here", None, &[], b"")
            .problem(404);
    });
}

#[test]
fn scans_kept_in_the_database_are_read_back_and_nothing_is_written_to_the_data_dir() {
    on_every_backend(|b| {
        let s = Server::start_with(
            b,
            Settings {
                file_store: FileStore::Database,
                ..Settings::default()
            },
        );
        let t = s.tenant("acme");
        let (app, _) = create(&s, &t.editor, "wx00000000000000aa");
        let (doc, detag) = add_document(
            &s,
            &t.editor,
            &app,
            json!({"kind": "platform_service_agreement"}),
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";
        let r = upload(&s, &t.editor, &app, &doc, &detag, "scan.png", png);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["file"]["content_type"], "image/png");
        // The same bytes again (another version) are one blob, not two.
        let etag2 = r.header("etag").expect("etag").to_string();
        assert_eq!(
            upload(&s, &t.editor, &app, &doc, &etag2, "again.png", png).status,
            200
        );
        assert_eq!(s.stored_files(), 0);
        let got = s.get(
            &format!("/v1/applicants/{app}/documents/{doc}/file"),
            &t.viewer,
        );
        assert_eq!(got.status, 200);
        assert_eq!(got.body, png);
        assert_eq!(got.header("content-type"), Some("image/png"));
    });
}

#[test]
fn a_request_that_outlasts_the_timeout_is_answered_503_and_stores_nothing() {
    let s = Server::start_with(
        &Backend::Sqlite,
        Settings {
            request_timeout: std::time::Duration::from_millis(300),
            ..Settings::default()
        },
    );
    let t = s.tenant("acme");
    let before = s.snapshot(&t);
    // The body never arrives in full, so only the timeout can answer.
    let head = format!(
        "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        t.editor
    );
    let p = common::raw(s.addr, head.as_bytes(), b"{\"appid\":").problem(503);
    assert_eq!(p["type"], "urn:livegate:problem:timeout");
    assert_eq!(s.snapshot(&t), before);
}

#[test]
fn readiness_is_503_once_the_database_does_not_answer_while_liveness_stays_200() {
    on_every_backend(|b| {
        let s = Server::start(b);
        assert_eq!(s.call("GET", "/readyz", None, &[], b"").status, 200);
        s.rt.block_on(s.store.close());
        s.call("GET", "/readyz", None, &[], b"").problem(503);
        assert_eq!(s.call("GET", "/healthz", None, &[], b"").status, 200);
    });
}
