//! The service under a ruleset of its own: nothing in the API may assume
//! the embedded ruleset's ids. Here its subject type `enterprise` is renamed
//! `company` everywhere, as a provider's own ruleset may do.

mod common;

use common::{Server, backends};
use livegate_server::Settings;
use serde_json::json;

/// The embedded ruleset with `enterprise` renamed `company` everywhere (its
/// English name too, since a subject type may be given by name).
fn renamed_ruleset() -> livegate_core::Ruleset {
    let text = livegate_core::DEFAULT_RULESET
        .replace("enterprise", "company")
        .replace("Enterprise", "Company");
    let rs = livegate_core::load(&text, "renamed.toml")
        .expect("the renamed ruleset loads")
        .ruleset;
    let ids: Vec<&str> = rs.subject_types.iter().map(|s| s.id.as_str()).collect();
    assert!(
        ids.contains(&"company") && !ids.contains(&"enterprise"),
        "{ids:?}"
    );
    // The renamed type is not the first, so a document checked under any
    // fixed or assumed id but a declared one would be refused.
    assert_ne!(ids.first(), Some(&"company"));
    rs
}

#[test]
fn documents_are_checked_without_assuming_a_subject_type_the_ruleset_renamed() {
    for b in backends() {
        eprintln!("backend: {b:?}");
        let s = Server::start_with_ruleset(&b, Settings::default(), renamed_ruleset());
        let t = s.tenant("acme");

        // The old id is unknown here; the new one is an applicant's subject.
        let mut profile = json!({
            "appid": "wx0000000000000001",
            "subject": {"type": "enterprise", "name": "深圳市示例科技有限公司"},
            "categories": [{"first": "电商平台", "second": "电商平台", "status": "pending"}],
        });
        let p = s
            .json("POST", "/v1/applicants", &t.editor, &profile)
            .problem(422);
        assert_eq!(p["errors"][0]["path"], "subject.type", "{p}");
        profile["subject"]["type"] = json!("company");
        let r = s.json("POST", "/v1/applicants", &t.editor, &profile);
        assert_eq!(r.status, 201, "{}", r.text());
        let app = r.json()["id"].as_str().expect("id").to_string();
        let docs = format!("/v1/applicants/{app}/documents");

        // A good document is stored, and can be replaced.
        let good = json!({"kind": "platform_service_agreement", "valid_until": "2099-12-31"});
        let r = s.json("POST", &docs, &t.editor, &good);
        assert_eq!(r.status, 201, "{}", r.text());
        let doc = r.json()["id"].as_str().expect("id").to_string();
        let etag = r.header("etag").expect("etag").to_string();
        let r = s.json_if("PUT", &format!("{docs}/{doc}"), &t.editor, &etag, &good);
        assert_eq!(r.status, 200, "{}", r.text());

        // A bad one is still refused, naming its own field.
        let bad = json!({"kind": "platform_service_agreement", "valid_until": "2026-02-30"});
        let p = s.json("POST", &docs, &t.editor, &bad).problem(422);
        assert_eq!(p["errors"][0]["path"], "valid_until", "{p}");

        // And the applicant is evaluated with its document.
        let r = s.call(
            "POST",
            &format!("/v1/applicants/{app}/evaluate"),
            Some(&t.editor),
            &[],
            b"",
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
}
