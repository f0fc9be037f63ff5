//! The review loop over HTTP, on SQLite and PostgreSQL: an editor makes an
//! upload link, the merchant uploads a scan with no account, the scan waits
//! in the queue and is not counted, an editor verifies or rejects it, and
//! the evaluation follows. Refusals change nothing.

mod common;

use common::console::{csrf_of, form, page, sign_in};
use common::{Server, backends};
use serde_json::{Value, json};

const SUBJECT: &str = "深圳市示例科技有限公司";

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&[0; 17]);
    b
}

fn applicant(s: &Server, token: &str) -> String {
    let body = json!({
        "appid": "wx00000000000000c1",
        "name": "示例商城",
        "subject": {"type": "enterprise", "name": SUBJECT},
        "categories": [{"first": "电商平台", "second": "电商平台", "status": "planned"}],
        "scenarios": ["ecommerce_selling"],
        "multi_merchant": true
    });
    let r = s.json("POST", "/v1/applicants", token, &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

/// A multipart form of text fields and one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "lgtestboundary7";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn merchant_upload(
    s: &Server,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> common::Resp {
    let (ct, body) = multipart(fields, file.map(|b| ("licence.png", b)));
    s.call("POST", path, None, &[("Content-Type", &ct)], &body)
}

/// The plan's path needs this licence: the merchant uploads it.
const KIND: &str = "audiovisual_program_license";

fn licence_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("kind", KIND),
        ("number", "1234567"),
        ("holder", SUBJECT),
        ("valid_until", "2029-01-01"),
    ]
}

fn plan_missing(s: &Server, token: &str, app: &str) -> (Value, Vec<String>) {
    let r = s.json(
        "POST",
        &format!("/v1/applicants/{app}/evaluate"),
        token,
        &json!({}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let report = r.json()["report"].clone();
    let plan = report["plan_path"].as_str().unwrap_or("").to_string();
    let missing = report["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == plan.as_str())
        .map(|p| {
            p["missing_documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (report, missing)
}

#[test]
fn a_merchant_uploads_by_link_and_the_scan_counts_only_once_verified() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let app = applicant(&s, &t.editor);
        let (_, before) = plan_missing(&s, &t.editor, &app);
        assert!(before.contains(&KIND.to_string()), "{before:?}");

        // Viewers cannot make links; another tenant cannot see the applicant.
        let links = format!("/v1/applicants/{app}/upload-links");
        assert_eq!(s.json("POST", &links, &t.viewer, &json!({})).status, 403);
        let other = s.tenant("globex");
        assert_eq!(
            s.json("POST", &links, &other.editor, &json!({})).status,
            404
        );
        let bad = s.json("POST", &links, &t.editor, &json!({"expires_in_days": 400}));
        assert_eq!(bad.status, 422, "{}", bad.text());

        let made = s.json(
            "POST",
            &links,
            &t.editor,
            &json!({"note": "微信群里发给王经理"}),
        );
        assert_eq!(made.status, 201, "{}", made.text());
        let path = made.json()["path"].as_str().unwrap().to_string();
        let secret = path.trim_start_matches("/u/").to_string();
        assert!(secret.len() >= 32, "at least 128 bits: {secret}");
        let listed = s.get(&links, &t.editor).text();
        assert!(!listed.contains(&secret), "a list never shows the secret");

        // The merchant's page: the needed document, in Chinese, nothing of staff.
        let p = s.call("GET", &path, None, &[], b"");
        assert_eq!(p.status, 200);
        let html = p.text();
        assert!(html.contains("信息网络传播视听节目许可证"), "{html}");
        assert!(
            !html.contains("微信群里发给王经理"),
            "staff notes stay with staff"
        );
        assert!(!html.contains("/applicants"), "no way into the console");

        // A file that is no scan is refused and nothing is stored.
        let r = merchant_upload(&s, &path, &licence_fields(), Some(b"MZ\x90\0 not a scan"));
        assert_eq!(r.status, 422, "{}", r.text());
        let docs = format!("/v1/applicants/{app}/documents");
        assert_eq!(
            s.get(&docs, &t.editor).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            0
        );

        let r = merchant_upload(&s, &path, &licence_fields(), Some(&png()));
        assert_eq!(r.status, 303, "{}", r.text());
        let listed = s.get(&docs, &t.editor).json();
        let d = listed["items"][0].clone();
        assert_eq!(d["source"], "link");
        assert_eq!(d["review"]["state"], "submitted");
        let doc_id = d["id"].as_str().unwrap().to_string();

        // Awaiting review: not counted, named, and first in the plan.
        let (report, missing) = plan_missing(&s, &t.editor, &app);
        assert!(missing.contains(&KIND.to_string()));
        assert_eq!(report["awaiting_review"][0]["document_id"], doc_id.as_str());
        assert_eq!(report["plan"][0]["id"], "review_scan", "{}", report["plan"]);
        let queue = s.get("/v1/reviews", &t.viewer).json();
        assert_eq!(queue["items"][0]["document"]["id"], doc_id.as_str());
        assert_eq!(
            s.get("/v1/reviews", &other.editor).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            0
        );

        // A rejection needs a reason; a stale version changes nothing.
        let review = format!("/v1/applicants/{app}/documents/{doc_id}/review");
        let etag = s
            .get(&format!("{docs}/{doc_id}"), &t.editor)
            .header("etag")
            .unwrap()
            .to_string();
        let r = s.json_if(
            "POST",
            &review,
            &t.editor,
            &etag,
            &json!({"decision": "rejected"}),
        );
        assert_eq!(r.status, 422, "{}", r.text());
        let r = s.json_if(
            "POST",
            &review,
            &t.viewer,
            &etag,
            &json!({"decision": "verified"}),
        );
        assert_eq!(r.status, 403);
        let r = s.json_if(
            "POST",
            &review,
            &t.editor,
            "\"99\"",
            &json!({"decision": "verified"}),
        );
        assert_eq!(r.status, 412, "{}", r.text());
        let r = s.json_if(
            "POST",
            &review,
            &t.editor,
            &etag,
            &json!({"decision": "verified"}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["review"]["state"], "verified");
        // The upload and the review each wrote their webhook event with them.
        assert_eq!(s.rt.block_on(s.store.outbox_len(&t.id)).unwrap(), 2);
        assert!(
            r.json()["review"]["by"]
                .as_str()
                .is_some_and(|b| b.starts_with("tok_"))
        );

        let (report, missing) = plan_missing(&s, &t.editor, &app);
        assert!(!missing.contains(&KIND.to_string()), "{missing:?}");
        assert!(report.get("awaiting_review").is_none());
        assert_eq!(
            s.get("/v1/reviews", &t.editor).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            0
        );

        // The audit trail names the link for the upload and the editor for the review.
        let audit = s.get("/v1/audit", &t.admin).text();
        assert!(
            audit.contains("document.submit") && audit.contains("document.verify"),
            "{audit}"
        );

        // Revoked, the link opens no more, and uploads are refused.
        let link_id = made.json()["link"]["id"].as_str().unwrap().to_string();
        let r = s.call(
            "DELETE",
            &format!("{links}/{link_id}"),
            Some(&t.editor),
            &[],
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(s.call("GET", &path, None, &[], b"").status, 404);
        let r = merchant_upload(&s, &path, &licence_fields(), Some(&png()));
        assert_eq!(r.status, 404);
        assert_eq!(
            s.get(&docs, &t.editor).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

#[test]
fn a_rejection_is_shown_to_the_merchant_and_an_expired_link_opens_nothing() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let app = applicant(&s, &t.editor);
        let made = s.json(
            "POST",
            &format!("/v1/applicants/{app}/upload-links"),
            &t.editor,
            &json!({"expires_in_days": 1}),
        );
        let path = made.json()["path"].as_str().unwrap().to_string();
        let r = merchant_upload(&s, &path, &licence_fields(), Some(&png()));
        assert_eq!(r.status, 303);

        // In the console: the queue lists it, and an editor rejects it with a reason.
        let cookie = sign_in(&s, &t.editor);
        let q = page(&s, "/reviews", &cookie);
        assert_eq!(q.status, 200);
        let html = q.text();
        assert!(html.contains("data-shortcut=\"verify\""), "{html}");
        let doc_id = s
            .get(&format!("/v1/applicants/{app}/documents"), &t.editor)
            .json()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let csrf = csrf_of(&html);
        let action = format!("/applicants/{app}/documents/{doc_id}/review");
        let r = form(
            &s,
            &action,
            &cookie,
            &format!("csrf={csrf}&version=1&decision=rejected&reason=&back=queue"),
        );
        assert_eq!(r.status, 422, "an empty reason is refused");
        let r = form(
            &s,
            &action,
            &cookie,
            &format!(
                "csrf={csrf}&version=1&decision=rejected&reason=%E8%AF%81%E7%85%A7%E6%A8%A1%E7%B3%8A&back=queue"
            ),
        );
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(r.header("location"), Some("/reviews"));

        let merchant = s.call("GET", &path, None, &[], b"").text();
        assert!(
            merchant.contains("证照模糊"),
            "the merchant sees why: {merchant}"
        );
        assert!(merchant.contains("重新上传"));

        // A link past its expiry opens nothing.
        let who = livegate_store::Principal {
            tenant_id: t.id.clone(),
            token_id: "tok_test".into(),
            role: livegate_store::Role::Editor,
        };
        let (_, secret) =
            s.rt.block_on(
                s.store
                    .create_upload_link(&who, &app, "2020-01-01T00:00:00.000Z", None),
            )
            .unwrap();
        assert_eq!(
            s.call("GET", &format!("/u/{secret}"), None, &[], b"")
                .status,
            404
        );
        let r = merchant_upload(&s, &format!("/u/{secret}"), &licence_fields(), Some(&png()));
        assert_eq!(r.status, 404);
    }
}

#[test]
fn console_refusals_of_a_review_or_a_link_change_nothing() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let other = s.tenant("globex");
        let app = applicant(&s, &t.editor);
        let links = format!("/v1/applicants/{app}/upload-links");
        let made = s.json("POST", &links, &t.editor, &json!({}));
        let path = made.json()["path"].as_str().unwrap().to_string();
        assert_eq!(
            merchant_upload(&s, &path, &licence_fields(), Some(&png())).status,
            303
        );
        let docs = format!("/v1/applicants/{app}/documents");
        let doc_id = s.get(&docs, &t.editor).json()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let before = (
            s.get(&docs, &t.editor).text(),
            s.get(&links, &t.editor).text(),
        );

        let action = format!("/applicants/{app}/documents/{doc_id}/review");
        let make = format!("/applicants/{app}/upload-links");
        for (token, want) in [(&t.viewer, 403), (&other.editor, 404)] {
            let cookie = sign_in(&s, token);
            let csrf = csrf_of(&page(&s, "/applicants", &cookie).text());
            let r = form(
                &s,
                &action,
                &cookie,
                &format!("csrf={csrf}&version=1&decision=verified"),
            );
            assert_eq!(r.status, want, "review by {token}");
            let r = form(&s, &make, &cookie, &format!("csrf={csrf}&days=7"));
            assert_eq!(r.status, want, "link by {token}");
        }
        let cookie = sign_in(&s, &t.editor);
        let r = form(&s, &action, &cookie, "version=1&decision=verified");
        assert_eq!(r.status, 403, "no CSRF token");
        let csrf = csrf_of(&page(&s, "/applicants", &cookie).text());
        let r = form(&s, &make, &cookie, &format!("csrf={csrf}&days=365"));
        assert_eq!(r.status, 422, "a year is past the 90 days a link may live");
        assert_eq!(
            (
                s.get(&docs, &t.editor).text(),
                s.get(&links, &t.editor).text()
            ),
            before
        );
    }
}
