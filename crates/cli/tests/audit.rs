//! `livegate rules audit --catalogue FILE`: the curated ruleset beside the
//! copy of WeChat's catalogue it was verified on reads the same; an edited
//! copy is found out, said in words, and the profiles the edit would
//! change are named.

mod common;

use common::{ROOT, err, livegate, out};
use serde_json::{Value, json};

const PAGE: &str = "docs/sources/wechat-categories-2026-02.txt";

#[test]
fn the_ruleset_reads_as_the_catalogue_it_was_verified_on() {
    let o = livegate(&["rules", "audit", "--catalogue", PAGE]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let text = out(&o);
    assert!(text.contains("0 个不同"), "{text}");
    assert!(
        text.contains("社交/直播表演"),
        "the category with no row is named: {text}"
    );
}

#[test]
fn a_changed_list_is_found_and_the_profiles_it_changes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let page = std::fs::read_to_string(format!("{ROOT}/{PAGE}")).unwrap();
    // WeChat drops the filing from 社交/直播.
    let edited = page.replacen(
        "1、《信息网络传播视听节目许可证》\n2、《全国网络视听平台信息登记管理系统》备案\n3、《统一社会信用代码》",
        "1、《信息网络传播视听节目许可证》\n2、《统一社会信用代码》",
        1,
    );
    assert_ne!(edited, page, "the edit applies");
    let catalogue = dir.path().join("catalogue.txt");
    std::fs::write(&catalogue, edited).unwrap();
    let social = |id: &str, kind: &str| {
        json!({"id": id, "subject": {"type": "enterprise"}, "scenarios": ["entertainment"],
               "categories": [{"first": "社交", "second": "直播", "status": "pending"}],
               "documents": [{"kind": kind}]})
        .to_string()
    };
    let profiles = dir.path().join("p.jsonl");
    let lines = [
        social("relied", "audiovisual_platform_filing"),
        social("licensed", "audiovisual_program_license"),
    ];
    std::fs::write(&profiles, lines.join("\n")).unwrap();
    let args = |format: &'static str, lang: &'static str| {
        let mut a = vec!["rules", "audit", "--catalogue"];
        a.push(catalogue.to_str().unwrap());
        a.extend(["--profiles", profiles.to_str().unwrap()]);
        a.extend(["--format", format, "--lang", lang]);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| livegate(&a.iter().map(String::as_str).collect::<Vec<_>>());

    let o = run(args("json", "en"));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let differing: Vec<&Value> = j["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["state"] == "differs")
        .collect();
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert_eq!(differing[0]["id"], "social_live");
    assert_eq!(
        differing[0]["only_ruleset"][0][0]["id"],
        "audiovisual_platform_filing"
    );
    let changed: Vec<&str> = j["impact"]["profiles_changed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["profile_id"].as_str())
        .collect();
    assert_eq!(changed, ["relied"], "the profile that relied on the filing");

    let t = run(args("text", "en"));
    assert_eq!(t.status.code(), Some(1));
    let text = out(&t);
    assert!(
        text.contains("社交/直播") && text.contains("WeChat no longer lists"),
        "{text}"
    );
    assert!(text.contains("relied"), "{text}");
}

#[test]
fn a_file_that_is_no_catalogue_is_refused_and_nothing_is_said_of_the_ruleset() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.txt");
    std::fs::write(&bad, "服务类目\n电商平台\n").unwrap();
    for file in [bad.to_str().unwrap(), "no/such/catalogue.json"] {
        let o = livegate(&["rules", "audit", "--catalogue", file]);
        assert_eq!(o.status.code(), Some(2), "{file}: {}", err(&o));
        assert!(o.stdout.is_empty(), "{}", out(&o));
        assert!(!err(&o).contains("panicked"), "{}", err(&o));
    }
    let bad_json = dir.path().join("bad.json");
    std::fs::write(
        &bad_json,
        r#"{"errcode": 40001, "errmsg": "invalid credential"}"#,
    )
    .unwrap();
    let o = livegate(&["rules", "audit", "--catalogue", bad_json.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
}
