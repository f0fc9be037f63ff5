//! WeChat's formats through the API, on SQLite and PostgreSQL: an
//! applicant's categories from a getcategory response, under the ETag
//! rules, with an audit entry; a bad response changes nothing.

mod common;

use common::{Server, backends};
use serde_json::{Value, json};

const FIXTURE: &str = include_str!("../../../examples/wechat/getcategory.json");

fn categories(v: &Value) -> Vec<(String, String)> {
    v["profile"]["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| {
            let label = format!(
                "{}/{}",
                c["first"].as_str().unwrap_or(""),
                c["second"].as_str().unwrap_or("")
            );
            (label, c["status"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

fn put(s: &Server, token: &str, id: &str, etag: Option<&str>, body: &str) -> common::Resp {
    let mut h = vec![("Content-Type", "application/json")];
    if let Some(e) = etag {
        h.push(("If-Match", e));
    }
    s.call(
        "PUT",
        &format!("/v1/applicants/{id}/wechat/categories"),
        Some(token),
        &h,
        body.as_bytes(),
    )
}

#[test]
fn an_applicants_categories_come_from_getcategory_under_the_etag_rules() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let created = s.json(
            "POST",
            "/v1/applicants",
            &t.editor,
            &json!({"appid": "wx0123456789abcdef", "subject": {"type": "enterprise"},
                    "categories": [{"first": "社交", "second": "直播", "status": "pending"},
                                   {"first": "教育", "second": "在线视频课程", "status": "planned"}]}),
        );
        assert_eq!(created.status, 201, "{}", created.text());
        let id = created.json()["id"].as_str().unwrap().to_string();
        let etag = created.header("etag").unwrap().to_string();

        assert_eq!(put(&s, &t.editor, &id, None, FIXTURE).status, 428);
        for bad in [
            r#"{"errcode": 40001, "errmsg": "invalid credential"}"#,
            r#"{"errcode": 0, "categories": [{"first": 1}]}"#,
            "[]",
        ] {
            let r = put(&s, &t.editor, &id, Some(&etag), bad);
            let p = r.problem(422);
            assert!(p["errors"][0]["path"].is_string(), "{p}");
        }
        assert_eq!(put(&s, &t.viewer, &id, Some(&etag), FIXTURE).status, 403);
        let unchanged = s.get(&format!("/v1/applicants/{id}"), &t.viewer);
        assert_eq!(
            unchanged.header("etag"),
            Some(etag.as_str()),
            "a refused body changes nothing"
        );

        let r = put(&s, &t.editor, &id, Some(&etag), FIXTURE);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_ne!(r.header("etag"), Some(etag.as_str()));
        let a = r.json();
        assert_eq!(
            categories(&a),
            vec![
                ("教育/出国移民".to_string(), "approved".to_string()),
                ("电商平台/电商平台".to_string(), "pending".to_string()),
                ("社交/直播".to_string(), "rejected".to_string()),
                ("教育/在线视频课程".to_string(), "planned".to_string()),
            ],
            "WeChat's categories replace the profile's; the planned one stays"
        );
        assert_eq!(a["profile"]["categories"][2]["wechat_first"], 1003);
        assert!(
            a["profile"]["categories"][2]["audit_reason"]
                .as_str()
                .is_some_and(|r| r.contains("视听"))
        );
        assert_eq!(
            put(&s, &t.editor, &id, Some(&etag), FIXTURE).status,
            412,
            "the old ETag no longer matches"
        );

        // The addcategory body for the plan: resubmit 社交/直播 with WeChat's ids.
        let doc = s.json(
            "POST",
            &format!("/v1/applicants/{id}/documents"),
            &t.editor,
            &json!({"kind": "audiovisual_platform_filing"}),
        );
        assert_eq!(doc.status, 201, "{}", doc.text());
        let plan = s.get(
            &format!("/v1/applicants/{id}/wechat/addcategory?lang=en"),
            &t.viewer,
        );
        assert_eq!(plan.status, 200, "{}", plan.text());
        let p = plan.json();
        assert_eq!(p["addcategory"]["categories"][0]["first"], 1003, "{p}");
        assert_eq!(p["addcategory"]["categories"][0]["second"], 1004);
        assert_eq!(
            p["addcategory"]["categories"][0]["certicates"][0]["key"],
            "《全国网络视听平台信息登记管理系统备案》"
        );
        assert_eq!(
            s.get("/v1/applicants/app_nope/wechat/addcategory", &t.viewer)
                .status,
            404
        );

        let audit = s.get("/v1/audit?limit=50", &t.admin).json();
        let entries = audit["items"].as_array().unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e["target"].as_str().is_some_and(|x| x.contains(&id))
                    && e["action"].as_str().is_some_and(|a| a.contains("update"))),
            "{audit}"
        );
    }
}
