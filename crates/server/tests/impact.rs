//! POST /v1/rules/impact over HTTP, on SQLite and PostgreSQL: a new
//! ruleset's effect on every applicant of the tenant, stored documents
//! included; admins only; a ruleset that does not load is a 422 naming its
//! keys; nothing changes.

mod common;

use common::{Server, backends};
use serde_json::{Value, json};

const RULESET: &str = include_str!("../../../rules/wechat-live.toml");

fn applicant(s: &Server, token: &str, appid: &str, doc: Value) -> String {
    let a = s.json(
        "POST",
        "/v1/applicants",
        token,
        &json!({"appid": appid, "subject": {"type": "enterprise"}, "scenarios": ["entertainment"],
                "categories": [{"first": "社交", "second": "直播", "status": "pending"}]}),
    );
    assert_eq!(a.status, 201, "{}", a.text());
    let id = a.json()["id"].as_str().unwrap().to_string();
    let d = s.json(
        "POST",
        &format!("/v1/applicants/{id}/documents"),
        token,
        &doc,
    );
    assert_eq!(d.status, 201, "{}", d.text());
    id
}

fn post(s: &Server, token: &str, body: &str) -> common::Resp {
    s.call(
        "POST",
        "/v1/rules/impact?lang=en",
        Some(token),
        &[("Content-Type", "application/toml")],
        body.as_bytes(),
    )
}

#[test]
fn a_new_rulesets_impact_on_every_applicant_changes_nothing() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let relied = applicant(
            &s,
            &t.editor,
            "wx0000000000000001",
            json!({"kind": "audiovisual_program_license"}),
        );
        applicant(
            &s,
            &t.editor,
            "wx0000000000000002",
            json!({"kind": "audiovisual_platform_filing"}),
        );
        let before = s.snapshot(&t);

        let edited = RULESET.replacen(
            "all_of = [{ doc = \"audiovisual_program_license\" }]",
            "all_of = [{ doc = \"audiovisual_program_license\" }, { doc = \"business_license\" }]",
            1,
        );
        assert_eq!(post(&s, &t.editor, &edited).status, 403, "admins only");
        let r = post(&s, &t.admin, &edited);
        assert_eq!(r.status, 200, "{}", r.text());
        let j = r.json();
        assert_eq!(j["applicants"], 2);
        assert_eq!(j["changed"], 1);
        assert_eq!(j["applicants_changed"][0]["id"], relied.as_str());
        assert_eq!(
            j["applicants_changed"][0]["to_prepare"],
            json!(["business_license"])
        );
        assert_eq!(j["groups"][0]["change"]["area"], "alternative");
        assert_eq!(j["groups"][0]["applicants"], json!([relied]));

        let same = post(&s, &t.admin, RULESET).json();
        assert_eq!(same["changed"], 0);

        let broken = post(&s, &t.admin, &RULESET.replacen("[[paths]]", "[[pathz]]", 1));
        let p = broken.problem(422);
        assert!(p["errors"][0]["path"].is_string(), "{p}");
        assert_eq!(s.snapshot(&t), before, "an impact run changes nothing");
    }
}
