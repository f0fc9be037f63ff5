//! The web console over HTTP, on SQLite and PostgreSQL: sessions, CSRF,
//! tenant isolation, the ETag rules on a form, the applicants filters, and
//! the pre-check answering as the API does. (The browser suite in e2e/
//! drives the same pages in Chromium.)

mod common;

use std::time::Duration;

use common::console::{cookie_value, csrf_of, form, page, set_cookies, sign_in};
use common::{Backend, Server, backends};
use livegate_server::Settings;
use serde_json::json;

fn each_backend(f: impl Fn(&Backend)) {
    for b in backends() {
        f(&b);
    }
}

#[test]
fn sign_in_needs_its_own_csrf_token_and_sets_a_strict_session_cookie() {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let r = s.call("GET", "/signin", None, &[], b"");
        let pre = cookie_value(&r, "lg_signin").expect("token cookie");
        let forged = form(
            &s,
            "/signin",
            &format!("lg_signin={pre}"),
            &format!("csrf=nope&token={}", t.editor),
        );
        assert_eq!(
            forged.status, 403,
            "a sign-in without the page's token is refused"
        );
        let csrf = csrf_of(&r.text());
        let wrong = form(
            &s,
            "/signin",
            &format!("lg_signin={pre}"),
            &format!("csrf={csrf}&token=lg_nope"),
        );
        assert_eq!(wrong.status, 401);
        assert!(
            wrong.text().contains("这个令牌无效"),
            "the reason, in the reader's language"
        );
        let ok = form(
            &s,
            "/signin",
            &format!("lg_signin={pre}"),
            &format!("csrf={csrf}&token={}", t.editor),
        );
        let session = set_cookies(&ok)
            .into_iter()
            .find(|c| c.starts_with("lg_session="))
            .expect("session");
        for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(session.contains(attr), "{session} lacks {attr}");
        }
        assert!(
            !session.contains("Secure"),
            "plain HTTP on loopback: not Secure"
        );
    });
}

#[test]
fn the_session_cookie_is_secure_when_the_public_url_is_https() {
    let s = Server::start_with(
        &Backend::Sqlite,
        Settings {
            public_url: Some("https://livegate.example".into()),
            ..Settings::default()
        },
    );
    let t = s.tenant("acme");
    let r = s.call("GET", "/signin", None, &[], b"");
    let pre = cookie_value(&r, "lg_signin").expect("token cookie");
    let csrf = csrf_of(&r.text());
    let ok = form(
        &s,
        "/signin",
        &format!("lg_signin={pre}"),
        &format!("csrf={csrf}&token={}", t.editor),
    );
    let session = set_cookies(&ok)
        .into_iter()
        .find(|c| c.starts_with("lg_session="))
        .expect("session");
    assert!(session.contains("Secure"), "{session}");
}

#[test]
fn sign_out_revokes_the_session_on_the_server_and_needs_the_csrf_token() {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let cookie = sign_in(&s, &t.editor);
        let home = page(&s, "/applicants", &cookie);
        assert_eq!(home.status, 200);
        assert_eq!(form(&s, "/signout", &cookie, "csrf=wrong").status, 403);
        assert_eq!(
            page(&s, "/applicants", &cookie).status,
            200,
            "a refused sign-out changes nothing"
        );
        let out = form(
            &s,
            "/signout",
            &cookie,
            &format!("csrf={}", csrf_of(&home.text())),
        );
        assert_eq!(out.status, 303);
        let after = page(&s, "/applicants", &cookie);
        assert_eq!(after.status, 303, "the old cookie no longer signs in");
        assert!(
            after
                .header("location")
                .unwrap_or("")
                .starts_with("/signin")
        );
    });
}

#[test]
fn a_session_expires() {
    let s = Server::start_with(
        &Backend::Sqlite,
        Settings {
            session_ttl: Duration::from_secs(1),
            ..Settings::default()
        },
    );
    let t = s.tenant("acme");
    let cookie = sign_in(&s, &t.editor);
    assert_eq!(page(&s, "/applicants", &cookie).status, 200);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(page(&s, "/applicants", &cookie).status, 303);
}

fn create_applicant(s: &Server, token: &str, appid: &str, name: &str, status: &str) -> String {
    let body = json!({"appid": appid, "name": name, "subject": {"type": "enterprise"},
        "categories": [{"first": "电商平台", "second": "电商平台", "status": status}],
        "scenarios": ["ecommerce_selling"], "multi_merchant": true});
    let r = s.json("POST", "/v1/applicants", token, &body);
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    assert_eq!(
        s.call(
            "POST",
            &format!("/v1/applicants/{id}/evaluate"),
            Some(token),
            &[],
            b""
        )
        .status,
        201
    );
    id
}

#[test]
fn the_applicants_list_filters_by_verdict_path_status_category_expiry_and_text() {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let pending = create_applicant(&s, &t.editor, "wx00000000000000a1", "待审商城", "pending");
        let planned = create_applicant(&s, &t.editor, "wx00000000000000a2", "计划商城", "planned");
        let gov = json!({"appid": "wx00000000000000a3", "name": "政务", "subject": {"type": "government"}});
        let gov = s.json("POST", "/v1/applicants", &t.editor, &gov).json()["id"]
            .as_str()
            .expect("id")
            .to_string();
        assert_eq!(
            s.call(
                "POST",
                &format!("/v1/applicants/{gov}/evaluate"),
                Some(&t.editor),
                &[],
                b""
            )
            .status,
            201
        );
        let doc = json!({"kind": "platform_service_agreement", "valid_until": livegate_store::clock::format_date(livegate_store::clock::today() + 10)});
        assert_eq!(
            s.json(
                "POST",
                &format!("/v1/applicants/{planned}/documents"),
                &t.editor,
                &doc
            )
            .status,
            201
        );
        let cookie = sign_in(&s, &t.viewer);
        let ids = |q: &str| {
            let r = page(&s, &format!("/applicants?{q}"), &cookie);
            assert_eq!(r.status, 200);
            let text = r.text();
            [&pending, &planned, &gov]
                .into_iter()
                .filter(|id| text.contains(id.as_str()))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(""), [pending.clone(), planned.clone(), gov.clone()]);
        assert_eq!(
            ids("verdict=needs_action"),
            [pending.clone(), planned.clone()]
        );
        assert_eq!(ids("verdict=eligible"), vec![gov.clone()]);
        assert_eq!(
            ids("path_status=standard_live_tags%3Davailable"),
            vec![gov.clone()]
        );
        assert_eq!(
            ids("verdict=pending"),
            Vec::<String>::new(),
            "pending e-commerce still lacks documents"
        );
        assert_eq!(
            ids("path_status=cloud_live_plugin%3Dactionable"),
            [pending.clone(), planned.clone(), gov.clone()]
        );
        assert_eq!(
            ids("path_status=cloud_live_plugin%3Davailable"),
            Vec::<String>::new()
        );
        assert_eq!(
            ids("category=ecommerce_platform"),
            [pending.clone(), planned.clone()]
        );
        assert_eq!(ids("category=social_live"), Vec::<String>::new());
        assert_eq!(ids("expiring=30"), vec![planned.clone()]);
        assert_eq!(ids("expiring=5"), Vec::<String>::new());
        assert_eq!(
            ids("q=%E5%BE%85%E5%AE%A1"),
            vec![pending.clone()],
            "search by name"
        );
        assert_eq!(
            ids("q=A2"),
            vec![planned.clone()],
            "search by appid, any case"
        );
        assert_eq!(
            ids("q=%25"),
            Vec::<String>::new(),
            "a % is a character, not a wildcard"
        );
    });
}

#[test]
fn the_list_finds_a_subject_name_a_missing_document_and_an_expiry_week_and_counts_them() {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let named = json!({"appid": "wx00000000000000b1", "subject": {"type": "enterprise", "name": "深圳市示例科技有限公司"},
            "categories": [{"first": "电商平台", "second": "电商平台", "status": "planned"}],
            "scenarios": ["ecommerce_selling"], "multi_merchant": true});
        let named = s.json("POST", "/v1/applicants", &t.editor, &named).json()["id"]
            .as_str()
            .expect("id")
            .to_string();
        let other = create_applicant(&s, &t.editor, "wx00000000000000b2", "计划商城", "planned");
        let today = livegate_store::clock::today();
        let doc = json!({"kind": "platform_service_agreement", "valid_until": livegate_store::clock::format_date(today + 10)});
        let r = s.json(
            "POST",
            &format!("/v1/applicants/{other}/documents"),
            &t.editor,
            &doc,
        );
        assert_eq!(r.status, 201);
        // With its licence, the named one is sent the plugin's way, which lacks the agreement.
        let licence = json!({"kind": "telecom_value_added_license", "service_items": ["B21"]});
        let r = s.json(
            "POST",
            &format!("/v1/applicants/{named}/documents"),
            &t.editor,
            &licence,
        );
        assert_eq!(r.status, 201);
        for id in [&named, &other] {
            let r = s.call(
                "POST",
                &format!("/v1/applicants/{id}/evaluate"),
                Some(&t.editor),
                &[],
                b"",
            );
            assert_eq!(r.status, 201);
        }
        let cookie = sign_in(&s, &t.viewer);
        let list = |q: &str| {
            let r = page(&s, &format!("/applicants?{q}"), &cookie);
            assert_eq!(r.status, 200, "{q}");
            let text = r.text();
            let ids: Vec<&str> = [named.as_str(), other.as_str()]
                .into_iter()
                .filter(|id| text.contains(id))
                .collect();
            let total = text
                .split("共 ")
                .nth(1)
                .and_then(|x| x.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok());
            assert_eq!(total, Some(ids.len()), "{q}: the total is the rows");
            ids.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let q = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        assert_eq!(
            list(&format!("q={}", q("示例科技"))),
            vec![named.clone()],
            "by the subject's name"
        );
        assert!(
            page(&s, "/applicants", &cookie)
                .text()
                .contains("深圳市示例科技有限公司"),
            "a mini program without a name is shown by its subject's"
        );
        assert_eq!(
            list("missing=platform_service_agreement"),
            vec![named.clone()]
        );
        let week = |from: i64, until: i64| {
            let d = livegate_store::clock::format_date;
            list(&format!(
                "expiring_from={}&expiring_until={}",
                d(today + from),
                d(today + until)
            ))
        };
        assert_eq!(week(7, 13), vec![other.clone()]);
        assert_eq!(week(0, 6), Vec::<String>::new());
        // Filters that are not what they should be narrow nothing, and never fail.
        for bad in [
            "missing=%27%20OR%201%3D1--",
            "expiring_from=2026-02-30",
            "expiring_until=yesterday",
            "q=%00",
        ] {
            let r = page(&s, &format!("/applicants?{bad}"), &cookie);
            assert_eq!(r.status, 200, "{bad}");
        }
        assert_eq!(
            list("missing=%27%20OR%201%3D1--").len(),
            2,
            "an id that is no id is ignored"
        );
    });
}

#[test]
fn a_sorted_list_pages_through_equal_names_showing_each_applicant_once() {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let mut made = Vec::new();
        for i in 0..30 {
            let name = if i % 2 == 0 { "乙商城" } else { "甲商城" };
            let body = json!({"appid": format!("wx{i:016x}"), "name": name, "subject": {"type": "enterprise"}});
            let r = s.json("POST", "/v1/applicants", &t.editor, &body);
            assert_eq!(r.status, 201, "{}", r.text());
            made.push((r.json()["id"].as_str().expect("id").to_string(), name));
        }
        let cookie = sign_in(&s, &t.viewer);
        let ids =
            regex::Regex::new(r#"<th scope="row"><a href="/applicants/(app_[0-9A-Z]+)""#).unwrap();
        let next = regex::Regex::new(r#"<a href="(/applicants\?[^"]*)" rel="next""#).unwrap();
        let mut seen: Vec<String> = Vec::new();
        let mut url = "/applicants?sort=name".to_string();
        for _ in 0..5 {
            let r = page(&s, &url, &cookie);
            assert_eq!(r.status, 200);
            let text = r.text();
            seen.extend(ids.captures_iter(&text).map(|c| c[1].to_string()));
            match next.captures(&text) {
                Some(c) => url = c[1].replace("&amp;", "&"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 30, "every applicant once across the pages");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 30, "no applicant twice");
        let names: Vec<&str> = seen
            .iter()
            .map(|id| made.iter().find(|(m, _)| m == id).expect("made").1)
            .collect();
        // Names sort by pinyin on both databases (拼音排序): 甲 (jia) before
        // 乙 (yi), though 乙 comes first by code point (U+4E59 < U+7532).
        assert_eq!(names[0], "甲商城", "{names:?}");
        assert!(
            names
                .windows(2)
                .all(|w| w[0] == w[1] || w == ["甲商城", "乙商城"]),
            "{names:?}"
        );
        let r = page(
            &s,
            "/applicants?sort=name&cursor=nonsense%3A%27%3B--",
            &cookie,
        );
        assert_eq!(
            r.status, 200,
            "a cursor that is no cursor pages from wherever it points, never fails"
        );
    });
}

#[test]
fn a_console_save_on_a_stale_version_is_refused_and_changes_nothing() {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let id = create_applicant(&s, &t.editor, "wx00000000000000b1", "旧名", "pending");
        let cookie = sign_in(&s, &t.editor);
        let csrf = csrf_of(&page(&s, &format!("/applicants/{id}"), &cookie).text());
        // Someone else saves through the API after the form was read (at version 1).
        let theirs = json!({"appid": "wx00000000000000b1", "name": "原名", "subject": {"type": "enterprise"}});
        assert_eq!(
            s.json_if(
                "PUT",
                &format!("/v1/applicants/{id}"),
                &t.editor,
                "\"1\"",
                &theirs
            )
            .status,
            200
        );
        let stale = format!(
            "csrf={csrf}&version=1&appid=wx00000000000000b1&name=%E6%96%B0&subject=enterprise"
        );
        let r = form(&s, &format!("/applicants/{id}"), &cookie, &stale);
        assert_eq!(r.status, 409, "{}", r.text());
        assert!(
            r.text().contains("已被他人修改"),
            "the conflict is explained"
        );
        assert!(r.text().contains("已被他人修改"));
        assert!(
            r.text().contains(r#"value="新""#),
            "the refused edit stays in the form"
        );
        assert_eq!(
            s.get(&format!("/v1/applicants/{id}"), &t.editor).json()["name"],
            "原名"
        );
        let fresh = s.get(&format!("/v1/applicants/{id}"), &t.editor).json()["version"]
            .as_i64()
            .expect("version");
        let ok = format!(
            "csrf={csrf}&version={fresh}&appid=wx00000000000000b1&name=%E6%96%B0&subject=enterprise"
        );
        assert_eq!(
            form(&s, &format!("/applicants/{id}"), &cookie, &ok).status,
            303
        );
        assert_eq!(
            s.get(&format!("/v1/applicants/{id}"), &t.editor).json()["name"],
            "新"
        );
    });
}

#[test]
fn a_viewer_and_another_tenant_cannot_reach_an_applicant_through_the_console() {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let other = s.tenant("other");
        let id = create_applicant(&s, &t.editor, "wx00000000000000c1", "原名", "pending");
        let viewer = sign_in(&s, &t.viewer);
        let view = page(&s, &format!("/applicants/{id}"), &viewer);
        assert_eq!(view.status, 200);
        assert!(
            !view.text().contains(r#"<button type="submit">保存"#),
            "no save button for a viewer"
        );
        let body = format!(
            "csrf={}&version=2&appid=wx00000000000000c1&name=x&subject=enterprise",
            csrf_of(&view.text())
        );
        assert_eq!(
            form(&s, &format!("/applicants/{id}"), &viewer, &body).status,
            403
        );
        let stranger = sign_in(&s, &other.editor);
        let r = page(&s, &format!("/applicants/{id}"), &stranger);
        assert_eq!(r.status, 404);
        assert!(!r.text().contains("原名"));
        assert_eq!(
            s.get(&format!("/v1/applicants/{id}"), &t.editor).json()["name"],
            "原名"
        );
    });
}

#[test]
fn the_pre_check_gives_the_verdict_the_api_gives_for_the_same_profile() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let cases = [
        (
            "subject=government",
            json!({"subject": {"type": "government"}}),
        ),
        (
            "subject=individual",
            json!({"subject": {"type": "individual"}}),
        ),
        (
            "subject=enterprise&c.ecommerce_platform=pending&scenario=ecommerce_selling&multi_merchant=yes",
            json!({"subject": {"type": "enterprise"}, "categories": [{"first": "电商平台", "second": "电商平台", "status": "pending"}],
                   "scenarios": ["ecommerce_selling"], "multi_merchant": true}),
        ),
    ];
    for (query, profile) in cases {
        let html = s.call("GET", &format!("/?{query}"), None, &[], b"");
        assert_eq!(html.status, 200);
        let api = s.json("POST", "/v1/evaluate", &t.viewer, &profile).json();
        let verdict = api["verdict"].as_str().expect("verdict");
        assert!(
            html.text()
                .contains(&format!(r#"data-verdict="{verdict}""#)),
            "{query}: {verdict}"
        );
        let json = s.call(
            "GET",
            &format!("/precheck/report.json?{query}"),
            None,
            &[],
            b"",
        );
        assert_eq!(json.json()["verdict"], verdict);
        assert!(
            json.header("content-disposition")
                .unwrap_or("")
                .starts_with("attachment")
        );
    }
}

#[test]
fn a_bad_date_in_the_pre_check_is_shown_beside_its_field_with_what_was_typed() {
    let s = Server::start(&Backend::Sqlite);
    let q = "subject=enterprise&c.ecommerce_platform=approved&d.platform_service_agreement=on&d.platform_service_agreement.valid_until=2027-02-30";
    let r = s.call("GET", &format!("/?{q}"), None, &[], b"");
    assert_eq!(r.status, 422);
    let text = r.text();
    assert!(
        text.contains(r#"id="err-d.platform_service_agreement.valid_until""#),
        "the error sits beside the field"
    );
    assert!(
        text.contains(r#"value="2027-02-30""#),
        "what was typed stays"
    );
    assert!(!text.contains("panicked") && !text.contains("stack backtrace"));
}

#[test]
fn every_console_page_carries_the_security_headers() {
    let s = Server::start(&Backend::Sqlite);
    for path in ["/", "/rules", "/signin", "/no-such-page"] {
        let r = s.call("GET", path, None, &[("Accept", "text/html")], b"");
        let csp = r
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert!(r.header("referrer-policy").is_some());
        assert!(!r.text().contains("<script>"), "{path}: no inline script");
    }
    let api = s.call("GET", "/v1/nothing", None, &[("Accept", "text/html")], b"");
    assert_eq!(
        api.header("content-type"),
        Some("application/problem+json"),
        "the API keeps its problems"
    );
}

#[test]
fn the_language_switch_sets_a_cookie_and_goes_back_only_to_a_local_page() {
    let s = Server::start(&Backend::Sqlite);
    let r = s.call("GET", "/lang/en?next=%2Frules", None, &[], b"");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/rules"));
    assert!(set_cookies(&r).iter().any(|c| c.starts_with("lg_lang=en")));
    let away = s.call(
        "GET",
        "/lang/en?next=https%3A%2F%2Fevil.example",
        None,
        &[],
        b"",
    );
    assert_eq!(away.header("location"), Some("/"));
    let slashes = s.call("GET", "/lang/en?next=%2F%2Fevil.example", None, &[], b"");
    assert_eq!(slashes.header("location"), Some("/"));
    // A page whose query holds a control character or a typed Chinese name
    // comes back as it was, percent-encoded; never a 500.
    for (next, back) in [
        ("%2F%3Fa%3D%2501b", "/?a=%01b"),
        ("%2F%3Fa%3D%01b", "/?a=%01b"),
        (
            "%2F%3Fsubject_name%3D%E6%B7%B1%E5%9C%B3",
            "/?subject_name=%E6%B7%B1%E5%9C%B3",
        ),
        (
            "%2F%3Fq%3Da%20b%0D%0ALocation%3A%20x",
            "/?q=a%20b%0D%0ALocation:%20x",
        ),
    ] {
        let r = s.call("GET", &format!("/lang/en?next={next}"), None, &[], b"");
        assert_eq!(r.status, 303, "{next}");
        assert_eq!(r.header("location"), Some(back), "{next}");
    }
    let en = s.call("GET", "/", None, &[("Cookie", "lg_lang=en")], b"");
    assert!(en.text().contains(r#"<html lang="en">"#));
    assert!(en.text().contains("Live streaming pre-check"));
}

#[test]
fn failed_sign_ins_are_rate_limited_per_address_and_then_no_token_is_tried() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let r = s.call("GET", "/signin", None, &[], b"");
    let pre = cookie_value(&r, "lg_signin").expect("token cookie");
    let csrf = csrf_of(&r.text());
    let try_token = |token: &str| {
        form(
            &s,
            "/signin",
            &format!("lg_signin={pre}"),
            &format!("csrf={csrf}&token={token}"),
        )
    };
    let limited = (0..60)
        .map(|i| try_token(&format!("lg_guess{i}")))
        .find(|r| r.status != 401)
        .expect("guessing is slowed down");
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert!(limited.header("retry-after").is_some());
    assert!(
        limited.text().contains("登录失败次数过多"),
        "the reason, in the reader's language"
    );
    let right = try_token(&t.editor);
    assert_eq!(
        right.status, 429,
        "while paused, even the right token is not looked at"
    );
    assert!(
        set_cookies(&right)
            .iter()
            .all(|c| !c.starts_with("lg_session="))
    );
}

#[test]
fn the_applicant_actions_refuse_a_viewer_a_forgery_another_tenant_and_a_stale_version_and_change_nothing()
 {
    each_backend(|b| {
        let s = Server::start(b);
        let t = s.tenant("acme");
        let other = s.tenant("other");
        let id = create_applicant(&s, &t.editor, "wx00000000000000c1", "动作商城", "planned");
        let history = |s: &Server| {
            let r = s.get(&format!("/v1/applicants/{id}/evaluations"), &t.viewer);
            assert_eq!(r.status, 200);
            r.json()["items"].as_array().map_or(0, Vec::len)
        };
        let before = (s.snapshot(&t), history(&s));
        let viewer = sign_in(&s, &t.viewer);
        let csrf = csrf_of(&page(&s, &format!("/applicants/{id}"), &viewer).text());
        for action in ["evaluate", "clear-date", "delete"] {
            let path = format!("/applicants/{id}/{action}");
            let r = form(&s, &path, &viewer, &format!("csrf={csrf}&version=1"));
            assert_eq!(r.status, 403, "a viewer's {action}");
            let editor = sign_in(&s, &t.editor);
            let r = form(&s, &path, &editor, "version=1");
            assert_eq!(r.status, 403, "{action} without the form's token");
            let r = form(&s, &path, &editor, "\u{0}%%%&&=");
            assert_eq!(r.status, 403, "{action} with a body that is no form");
        }
        let r = form(
            &s,
            "/applicants/reevaluate",
            &viewer,
            &format!("csrf={csrf}"),
        );
        assert_eq!(r.status, 403, "a viewer's evaluate-all");
        // Another tenant's editor finds nothing to read or to delete.
        let stranger = sign_in(&s, &other.editor);
        for path in ["report.json", "addcategory.json", "delete"] {
            let r = page(&s, &format!("/applicants/{id}/{path}"), &stranger);
            assert_eq!(r.status, 404, "another tenant's {path}");
        }
        let their = csrf_of(&page(&s, "/applicants", &stranger).text());
        let r = form(
            &s,
            &format!("/applicants/{id}/delete"),
            &stranger,
            &format!("csrf={their}&version=1"),
        );
        assert_eq!(r.status, 404, "another tenant cannot delete it");
        // A delete under a stale version is a conflict, explained.
        let editor = sign_in(&s, &t.editor);
        let mine = csrf_of(&page(&s, "/applicants", &editor).text());
        let r = form(
            &s,
            &format!("/applicants/{id}/delete"),
            &editor,
            &format!("csrf={mine}&version=99"),
        );
        assert_eq!(r.status, 409, "{}", r.text());
        assert!(
            r.text().contains("已被他人修改"),
            "the conflict is explained"
        );
        assert_eq!((s.snapshot(&t), history(&s)), before, "nothing changed");
        // The refusal reads in the reader's language.
        let en = format!("{viewer}; lg_lang=en");
        let r = form(
            &s,
            &format!("/applicants/{id}/evaluate"),
            &en,
            &format!("csrf={csrf}"),
        );
        assert_eq!(r.status, 403);
        assert!(
            r.text().contains("This could not be done"),
            "an English refusal: {}",
            r.text()
        );
        assert!(!r.text().contains("无法完成此操作"));
    });
}

#[test]
fn a_deleted_document_is_restored_from_the_applicant_page_by_an_editor_only() {
    each_backend(|b| {
        let s = Server::start(b);
        let (t, other) = (s.tenant("acme"), s.tenant("other"));
        let id = create_applicant(&s, &t.editor, "wx00000000000000c2", "撤销商城", "planned");
        let doc = s.json(
            "POST",
            &format!("/v1/applicants/{id}/documents"),
            &t.editor,
            &serde_json::json!({"kind": "platform_service_agreement"}),
        );
        let doc_id = doc.json()["id"].as_str().unwrap_or_default().to_string();
        let editor = sign_in(&s, &t.editor);
        let mine = csrf_of(&page(&s, "/applicants", &editor).text());
        let r = form(
            &s,
            &format!("/applicants/{id}/documents/{doc_id}/delete"),
            &editor,
            &format!("csrf={mine}&version=1"),
        );
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(
            r.header("location"),
            Some(format!("/applicants/{id}#deleted-documents").as_str())
        );
        let shown = page(&s, &format!("/applicants/{id}"), &editor).text();
        assert!(
            shown.contains("最近删除的资质文件（24 小时内可撤销）"),
            "the undo is offered"
        );
        let restore = format!("/applicants/{id}/documents/{doc_id}/restore");
        let before = s.snapshot(&t);
        let viewer = sign_in(&s, &t.viewer);
        let vcsrf = csrf_of(&page(&s, "/applicants", &viewer).text());
        assert_eq!(
            form(&s, &restore, &viewer, &format!("csrf={vcsrf}")).status,
            403,
            "a viewer"
        );
        assert_eq!(
            form(&s, &restore, &editor, "").status,
            403,
            "without the form's token"
        );
        let stranger = sign_in(&s, &other.editor);
        let their = csrf_of(&page(&s, "/applicants", &stranger).text());
        assert_eq!(
            form(&s, &restore, &stranger, &format!("csrf={their}")).status,
            404,
            "another tenant"
        );
        assert_eq!(s.snapshot(&t), before, "no refusal changed anything");
        let r = form(&s, &restore, &editor, &format!("csrf={mine}"));
        assert_eq!(r.status, 303, "{}", r.text());
        let docs = s
            .get(&format!("/v1/applicants/{id}/documents"), &t.viewer)
            .json();
        assert_eq!(
            docs["items"][0]["id"],
            doc_id.as_str(),
            "back among the documents"
        );
        let again = form(&s, &restore, &editor, &format!("csrf={mine}"));
        assert_eq!(again.status, 404, "a deletion is undone once");
        let trail = page(&s, &format!("/applicants/{id}"), &editor).text();
        assert!(
            trail.contains("撤销删除资质文件"),
            "the audit trail says it in words"
        );
    });
}

#[test]
fn english_pages_gloss_chinese_category_names_and_chinese_pages_do_not() {
    let s = Server::start(&Backend::Sqlite);
    let query = "/?subject=enterprise&c.ecommerce_platform=planned&scenario=ecommerce_selling";
    let en = s
        .call("GET", query, None, &[("Cookie", "lg_lang=en")], b"")
        .text();
    assert!(
        en.contains(r#"<span lang="zh-CN">电商平台/电商平台</span> (E-commerce platform/E-commerce platform)"#),
        "the wizard's category, marked and glossed"
    );
    assert!(
        en.contains("电商平台/电商平台</span> (E-commerce platform/E-commerce platform)")
            && en
                .matches("(E-commerce platform/E-commerce platform)")
                .count()
                > 2,
        "the result's cards gloss it too"
    );
    let zh = s.call("GET", query, None, &[], b"").text();
    assert!(
        !zh.contains("(E-commerce platform/"),
        "no gloss for a Chinese reader"
    );
}

#[test]
fn the_category_buttons_change_the_form_and_never_save_it() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    // The pre-check without its script: the picker's button adds the category picked.
    let page1 = s
        .call(
            "GET",
            "/?subject=enterprise&add=social_live&do=add",
            None,
            &[],
            b"",
        )
        .text();
    assert!(
        page1.contains(r#"id="c.social_live""#),
        "a card with its status"
    );
    assert!(
        page1.contains(r#"<option value="social_live" disabled"#),
        "not offered twice"
    );
    let removed = s
        .call(
            "GET",
            "/?subject=enterprise&c.social_live=approved&do=remove%3Asocial_live",
            None,
            &[],
            b"",
        )
        .text();
    assert!(
        !removed.contains(r#"id="c.social_live""#),
        "the card is gone"
    );
    let unknown = s.call("GET", "/?subject=enterprise&do=add%3Anope", None, &[], b"");
    assert_eq!(
        unknown.status, 200,
        "an unknown category adds nothing and fails nothing"
    );
    // Adding a category to a new applicant's form creates nothing yet.
    let editor = sign_in(&s, &t.editor);
    let csrf = csrf_of(&page(&s, "/applicants/new", &editor).text());
    let r = form(
        &s,
        "/applicants",
        &editor,
        &format!(
            "csrf={csrf}&appid=wx00000000000000c3&subject=enterprise&add=ecommerce_platform&do=add"
        ),
    );
    assert_eq!(r.status, 200, "the form again, not a redirect");
    assert!(r.text().contains(r#"id="c.ecommerce_platform""#));
    let list = s.get("/v1/applicants", &t.viewer).json();
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "nothing stored"
    );
    // Enter in a field presses the picker's button with nothing picked: a plain create.
    let r = form(
        &s,
        "/applicants",
        &editor,
        &format!(
            "csrf={csrf}&appid=wx00000000000000c3&subject=enterprise&add=&do=add&c.ecommerce_platform=planned"
        ),
    );
    assert_eq!(r.status, 303, "{}", r.text());
}
