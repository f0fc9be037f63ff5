//! What an attacker or a careless client meets at the edge: strong ETag
//! comparison, malformed cursors, unreadable paths answered as problems,
//! the headers every answer carries, uploads sniffed by their structure,
//! and query parameters the OpenAPI document declares where they are.

mod common;

use common::{Backend, Server, backends};
use serde_json::json;

fn applicant(s: &Server, token: &str) -> String {
    let body = json!({"appid": "wx00000000000000f1", "subject": {"type": "enterprise"}});
    let r = s.json("POST", "/v1/applicants", token, &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_str().expect("id").to_string()
}

#[test]
fn if_match_compares_strongly_a_weak_or_unquoted_tag_never_matches() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let id = applicant(&s, &t.editor);
        let path = format!("/v1/applicants/{id}");
        let body =
            json!({"appid": "wx00000000000000f1", "name": "改", "subject": {"type": "enterprise"}});
        let weak = s
            .json_if("PUT", &path, &t.editor, "W/\"1\"", &body)
            .problem(412);
        assert!(
            weak["detail"].as_str().unwrap_or("").contains("弱 ETag"),
            "Chinese by default: {weak}"
        );
        let weak_en = s
            .json_if(
                "PUT",
                &format!("{path}?lang=en"),
                &t.editor,
                "W/\"1\"",
                &body,
            )
            .problem(412);
        assert!(
            weak_en["detail"].as_str().unwrap_or("").contains("weak"),
            "{weak_en}"
        );
        s.json_if("PUT", &path, &t.editor, "1", &body).problem(400);
        assert_eq!(
            s.get(&path, &t.editor).json()["version"],
            1,
            "nothing changed"
        );
        assert_eq!(
            s.json_if("PUT", &path, &t.editor, "\"1\"", &body).status,
            200
        );
    }
}

#[test]
fn a_malformed_cursor_is_a_400_problem_naming_it_on_every_list() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let id = applicant(&s, &t.admin);
    for path in [
        "/v1/applicants?cursor=garbage".to_string(),
        format!("/v1/applicants/{id}/evaluations?cursor=app_01ABC"),
        "/v1/audit?cursor=aud_../../x".to_string(),
    ] {
        let p = s.get(&path, &t.admin).problem(400);
        assert!(
            p["detail"].as_str().unwrap_or("").contains("cursor"),
            "{path}: {p}"
        );
    }
    assert_eq!(
        s.get("/v1/applicants?cursor=app_0", &t.admin).status,
        200,
        "a well-formed cursor pages"
    );
}

#[test]
fn a_path_the_router_cannot_read_is_a_problem_not_plain_text() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let r = s.get("/v1/applicants/%ff", &t.viewer);
    assert!(r.status == 400 || r.status == 404, "{}", r.status);
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.text()
    );
    assert_eq!(r.json()["status"], r.status);
}

#[test]
fn every_answer_says_nosniff_and_authenticated_ones_are_not_cached() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    for (path, token) in [
        ("/healthz", None),
        ("/v1/audit", Some(t.admin.as_str())),
        ("/v1/applicants", Some(t.viewer.as_str())),
    ] {
        let r = s.call("GET", path, token, &[], b"");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        if token.is_some() {
            assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        }
    }
    let refused = s.call("GET", "/v1/audit", Some("lg_wrong"), &[], b"");
    assert_eq!(refused.header("cache-control"), Some("no-store"));
}

#[test]
fn an_upload_must_have_the_structure_of_its_type_not_only_its_first_bytes() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let id = applicant(&s, &t.editor);
    let doc = s.json(
        "POST",
        &format!("/v1/applicants/{id}/documents"),
        &t.editor,
        &json!({"kind": "business_license"}),
    );
    let doc = doc.json()["id"].as_str().expect("id").to_string();
    let put = |bytes: &[u8]| {
        s.call(
            "PUT",
            &format!("/v1/applicants/{id}/documents/{doc}/file?name=a.pdf"),
            Some(&t.editor),
            &[("Content-Type", "application/pdf"), ("If-Match", "\"1\"")],
            bytes,
        )
    };
    put(b"%PDF-").problem(415);
    put(b"%PDF-1.7\n%%EOF\n").problem(415);
    assert_eq!(
        put(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").status,
        200
    );
}

#[test]
fn the_openapi_document_declares_query_parameters_in_the_query() {
    let s = Server::start(&Backend::Sqlite);
    let doc = s.call("GET", "/openapi.json", None, &[], b"").json();
    let params = doc["paths"]["/v1/applicants"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    for p in params {
        assert_eq!(p["in"], "query", "{p}");
        assert_ne!(p["required"], true, "{p}");
    }
    let lang = &doc["paths"]["/v1/evaluate"]["post"]["parameters"][0];
    assert_eq!(lang["in"], "query", "{lang}");
}

#[test]
fn documents_and_expiring_documents_page_by_cursor_without_repeats() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let id = applicant(&s, &t.editor);
        let today = livegate_store::clock::today();
        for (i, days) in [5, 3, 3, 9].into_iter().enumerate() {
            let until = livegate_store::clock::format_date(today + days);
            let kind = [
                "business_license",
                "situation_letter",
                "credit_code_certificate",
                "network_security_measures",
            ][i];
            let r = s.json(
                "POST",
                &format!("/v1/applicants/{id}/documents"),
                &t.editor,
                &json!({"kind": kind, "valid_until": until}),
            );
            assert_eq!(r.status, 201, "{}", r.text());
        }
        let walk = |first: &str| {
            let mut seen: Vec<String> = Vec::new();
            let mut url = first.to_string();
            loop {
                let p = s.get(&url, &t.viewer).json();
                let items = p["items"].as_array().unwrap();
                assert!(items.len() <= 2);
                seen.extend(items.iter().map(|i| {
                    i["document_id"]
                        .as_str()
                        .or(i["id"].as_str())
                        .unwrap()
                        .to_string()
                }));
                match p["next_cursor"].as_str() {
                    Some(c) => url = format!("{first}&cursor={c}"),
                    None => break seen,
                }
            }
        };
        let docs = walk(&format!("/v1/applicants/{id}/documents?limit=2"));
        assert_eq!(docs.len(), 4);
        let expiring = walk("/v1/expiring?within=30d&limit=2");
        assert_eq!(expiring.len(), 4, "{expiring:?}");
        let mut unique = expiring.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 4, "no repeats");
        let all = s.get("/v1/expiring?within=30d", &t.viewer).json();
        let dates: Vec<&str> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["valid_until"].as_str().unwrap())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(dates, sorted, "by date");
        s.get("/v1/expiring?cursor=nope", &t.viewer).problem(400);
    }
}

/// What the server may put in a `Location`: printable ASCII, not too long.
fn fit_for_a_header(location: &str) -> bool {
    location.len() <= 2 * 2048 + 16 && location.bytes().all(|b| b.is_ascii_graphic())
}

#[test]
fn no_user_input_reaches_a_header_unchecked() {
    use common::console::{cookie_value, csrf_of, form};
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let long = format!("/{}", "a".repeat(5000));
    // A control character in any request header is refused before livegate reads it.
    for (name, value) in [
        ("x-request-id", "a\u{1}b"),
        ("if-match", "\"1\u{7f}\""),
        ("accept-language", "en\u{0}"),
        ("cookie", "lg_lang=en\u{1}"),
        ("authorization", "Bearer x\u{8}"),
    ] {
        let r = s.call("GET", "/v1/applicants", None, &[(name, value)], b"");
        assert!((400..500).contains(&r.status), "{name}: {}", r.status);
    }
    // A request id that is not a plain token, or too long, is not echoed.
    for id in [long.as_str(), "a b", "<script>", "x;y"] {
        let r = s.call("GET", "/v1/nope", None, &[("x-request-id", id)], b"");
        assert_eq!(r.status, 404);
        let echoed = r.header("x-request-id").expect("a request id");
        assert!(echoed != id && echoed.len() <= 128, "{id:?} came back");
        assert_eq!(
            r.json()["request_id"],
            echoed,
            "the problem names the same id"
        );
    }
    let plain = s.call(
        "GET",
        "/healthz",
        None,
        &[("x-request-id", "ci-42.a:b_c")],
        b"",
    );
    assert_eq!(plain.header("x-request-id"), Some("ci-42.a:b_c"));
    // The language switch: control characters are encoded, an over-long
    // or foreign address goes home, the path's language is one of two.
    let enc = |v: &str| -> String { form_urlencoded::byte_serialize(v.as_bytes()).collect() };
    for next in [
        "/?a=\u{1}\r\nSet-Cookie: x=1",
        long.as_str(),
        "//evil.example",
        "/\u{7f}",
    ] {
        let r = s.call(
            "GET",
            &format!("/lang/en?next={}", enc(next)),
            None,
            &[],
            b"",
        );
        assert_eq!(r.status, 303, "{next:?}");
        let at = r.header("location").expect("a location");
        assert!(fit_for_a_header(at) && at.len() <= 2048 * 3, "{at:?}");
        assert!(r.header("set-cookie").is_some_and(|c| !c.contains("x=1")));
    }
    let odd = s.call("GET", "/lang/%01%0D%0A", None, &[], b"");
    assert_eq!(odd.status, 303);
    assert!(
        odd.header("set-cookie")
            .is_some_and(|c| c.starts_with("lg_lang=zh;"))
    );
    // Signing in goes back to `next`, checked the same way.
    for next in ["/?q=\u{1}", long.as_str()] {
        let r = s.call("GET", "/signin", None, &[], b"");
        let pre = cookie_value(&r, "lg_signin").expect("the sign-in token");
        let body = format!(
            "csrf={}&token={}&next={}",
            csrf_of(&r.text()),
            t.editor,
            enc(next)
        );
        let r = form(&s, "/signin", &format!("lg_signin={pre}"), &body);
        assert_eq!(r.status, 303, "{}", r.text());
        let at = r.header("location").expect("a location");
        assert!(fit_for_a_header(at) && at.len() <= 2048 * 3, "{at:?}");
    }
    // A stranger on a long address is sent to sign in without it.
    let q = format!("/applicants?q={}", "深".repeat(1500));
    let r = s.call("GET", &enc_path(&q), None, &[("Accept", "text/html")], b"");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/signin"));
    // Ids in paths that end in a header are looked up first: a 404.
    let cookie = common::console::sign_in(&s, &t.editor);
    for id in ["%01", &"b".repeat(3000)] {
        let r = common::console::page(&s, &format!("/batch/{id}/summary.csv"), &cookie);
        assert_eq!(r.status, 404, "{id}");
        assert!(r.header("content-disposition").is_none());
    }
}

/// A path with its query's non-ASCII percent-encoded, as a browser sends it.
fn enc_path(p: &str) -> String {
    p.bytes()
        .map(|b| match b.is_ascii() {
            true => char::from(b).to_string(),
            false => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn applicant_and_document_refusals_are_in_the_language_asked_for() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let cjk = |v: &serde_json::Value| {
        v.to_string()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    };
    let app = applicant(&s, &t.editor);
    let cases = [
        ("/v1/applicants", json!({"subject": {"type": "enterprise"}})),
        (
            "/v1/applicants",
            json!({"appid": "wx1", "subject": {"type": "enterprise"}}),
        ),
        (
            &format!("/v1/applicants/{app}/documents") as &str,
            json!({"kind": " "}),
        ),
        (
            &format!("/v1/applicants/{app}/documents"),
            json!({"kind": "business_license", "valid_until": "2026-13-01"}),
        ),
    ];
    for (path, body) in cases {
        for (lang, chinese) in [("zh", true), ("en", false)] {
            let r = s.json("POST", &format!("{path}?lang={lang}"), &t.editor, &body);
            let p = r.problem(422);
            assert_eq!(cjk(&p["errors"]), chinese, "{lang} {path} {body}: {p}");
            assert_eq!(cjk(&p["title"]), chinese, "{lang}: {p}");
        }
    }
    // WeChat's getcategory response: an errcode, no list, another shape.
    let etag = s.get(&format!("/v1/applicants/{app}"), &t.editor);
    let etag = etag.header("etag").expect("an ETag").to_string();
    for body in [
        json!({"errcode": 40001, "errmsg": "invalid credential"}),
        json!({"errcode": 0}),
        json!({"categories": [{"first": "x"}]}),
        json!({"categories": [{"first": 1, "first_name": "a", "second": 2, "second_name": "b", "audit_status": 9}]}),
    ] {
        for (lang, chinese) in [("zh", true), ("en", false)] {
            let path = format!("/v1/applicants/{app}/wechat/categories?lang={lang}");
            let headers = [
                ("If-Match", etag.as_str()),
                ("Content-Type", "application/json"),
            ];
            let r = s.call(
                "PUT",
                &path,
                Some(&t.editor),
                &headers,
                body.to_string().as_bytes(),
            );
            let p = r.problem(422);
            assert_eq!(cjk(&p["errors"]), chinese, "{lang} {body}: {p}");
        }
    }
}
