//! The `livegate` binary as a user runs it: exit codes, formats, languages,
//! custom rulesets, and every class of bad input (exit 2, one clear message,
//! nothing on stdout).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn livegate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_livegate"))
        .args(args)
        .current_dir(ROOT)
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_livegate"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn ruleset_text() -> String {
    std::fs::read_to_string(format!("{ROOT}/rules/wechat-live.toml")).unwrap()
}

#[test]
fn every_example_gets_its_expected_verdict_and_exit_code() {
    let cases = [
        ("ecommerce-platform", "eligible", 0),
        ("ecommerce-needs-documents", "needs_action", 1),
        ("ecommerce-license-not-accepted", "pending", 1),
        ("ecommerce-and-social-live", "eligible", 0),
        ("social-live-pending", "pending", 1),
        ("social-live-culture-license", "needs_action", 1),
        ("government", "eligible", 0),
        ("government-political-news", "needs_action", 1),
        ("individual", "ineligible", 1),
        ("medical-goods", "needs_action", 1),
        ("prohibited-goods", "needs_action", 1),
        ("single-merchant-store", "needs_action", 1),
        ("education-online-classes", "needs_action", 1),
        ("public-hospital-consultations", "pending", 1),
        ("car-dealer-presale", "needs_action", 1),
    ];
    let listed = std::fs::read_dir(format!("{ROOT}/examples"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert_eq!(listed, cases.len(), "every example has an expectation here");
    for (name, verdict, exit) in cases {
        let file = format!("examples/{name}.json");
        let o = livegate(&["check", &file, "--format", "json"]);
        assert_eq!(code(&o), exit, "{name}: {}", stderr(&o));
        assert_eq!(json(&o)["verdict"], verdict, "{name}");
        let t = livegate(&["check", &file]);
        assert_eq!(code(&t), exit, "{name} text");
    }
}

#[test]
fn text_output_is_zh_by_default_en_on_request_and_plain_in_a_pipe() {
    let zh = livegate(&["check", "examples/ecommerce-needs-documents.json"]);
    let out = stdout(&zh);
    assert!(
        out.contains("结论") && out.contains("《电商平台服务协议、交易规则》"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "no colour in a pipe");
    let en = livegate(&[
        "check",
        "examples/ecommerce-needs-documents.json",
        "--lang",
        "en",
    ]);
    assert!(stdout(&en).contains("Verdict") && stdout(&en).contains("Platform service agreement"));
}

#[test]
fn dash_reads_the_profile_from_stdin() {
    let o = with_stdin(
        &["check", "-", "--format", "json"],
        br#"{"subject": {"type": "government"}}"#,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json(&o)["verdict"], "eligible");
}

#[test]
fn a_custom_ruleset_with_rules_changes_the_verdict() {
    let text = ruleset_text();
    // Accept the culture licence (网络表演) for 社交/直播 again, as the seed
    // page did before WeChat's catalogue dropped it.
    let edited = text.replacen(
        "[[categories.alternatives]]\nid = \"government_letter\"",
        "[[categories.alternatives]]\nid = \"culture_license_performance\"\nlabel = { zh = \"《网络文化经营许可证》（经营范围含网络表演）\", en = \"Online culture licence covering online performance\" }\nall_of = [{ doc = \"network_culture_license\", where = { scope = [\"online_performance\"] } }]\n\n[[categories.alternatives]]\nid = \"government_letter\"",
        1,
    );
    assert_ne!(text, edited);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("custom.toml");
    std::fs::write(&file, edited).unwrap();
    let profile = "examples/social-live-culture-license.json";
    let before = livegate(&["check", profile, "--format", "json"]);
    let after = livegate(&[
        "check",
        profile,
        "--format",
        "json",
        "--rules",
        file.to_str().unwrap(),
    ]);
    assert_eq!(
        json(&before)["paths"][1]["missing_documents"][0],
        "audiovisual_program_license"
    );
    assert_eq!(
        json(&after)["paths"][1]["missing_documents"],
        Value::Array(vec![])
    );
}

fn bad(args: &[&str], input: Option<&[u8]>) -> String {
    let o = match input {
        Some(i) => with_stdin(args, i),
        None => livegate(args),
    };
    assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "no partial report: {}", stdout(&o));
    let e = stderr(&o);
    assert!(
        !e.contains("panicked") && !e.contains("RUST_BACKTRACE"),
        "{e}"
    );
    e
}

#[test]
fn malformed_json_names_line_and_column() {
    let e = bad(
        &["check", "-", "--lang", "en"],
        Some(b"{\n  \"subject\": {\"type\": \"enterprise\"},\n  \"goods\": [\"a\",]\n}"),
    );
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("column"), "{e}");
}

#[test]
fn a_wrong_type_names_the_field_path() {
    let e = bad(
        &["check", "-"],
        Some(br#"{"subject": {"type": "enterprise"}, "categories": [{"first": 3}]}"#),
    );
    assert!(e.contains("categories[0].first"), "{e}");
    assert!(
        e.contains("类型不对：这里是整数 3，应为字符串"),
        "in Chinese: {e}"
    );
    let en = bad(
        &["check", "-", "--lang", "en"],
        Some(br#"{"subject": {"type": "enterprise"}, "categories": [{"first": 3}]}"#),
    );
    assert!(en.contains("invalid type"), "{en}");
}

#[test]
fn a_missing_subject_or_subject_type_is_refused() {
    let e = bad(&["check", "-"], Some(br#"{"categories": []}"#));
    assert!(e.contains("subject"), "{e}");
    let e = bad(&["check", "-"], Some(br#"{"subject": {"name": "x"}}"#));
    assert!(e.contains("subject") && e.contains("type"), "{e}");
}

#[test]
fn an_unknown_subject_type_suggests_the_nearest_with_its_place() {
    let e = bad(
        &["check", "-", "--lang", "en"],
        Some(b"{\n\"subject\": {\"type\": \"enterprize\"}}"),
    );
    assert!(e.contains("subject.type"), "{e}");
    assert!(e.contains("did you mean `enterprise`"), "{e}");
    assert!(e.contains("line 2, column 21"), "{e}");
}

#[test]
fn a_bad_profile_is_explained_in_chinese_by_default() {
    let e = bad(
        &["check", "-"],
        Some(b"{\n\"subject\": {\"type\": \"enterprize\"}}"),
    );
    assert!(e.contains("第 2 行第 21 列"), "{e}");
    assert!(e.contains("是否想写「enterprise」"), "{e}");
}

#[test]
fn an_unknown_category_status_suggests_the_nearest() {
    let e = bad(
        &["check", "-", "--lang", "en"],
        Some(
            r#"{"subject": {"type": "enterprise"}, "categories": [{"first": "社交", "second": "直播", "status": "aproved"}]}"#
                .as_bytes(),
        ),
    );
    assert!(e.contains("categories[0].status"), "{e}");
    assert!(e.contains("did you mean `approved`"), "{e}");
}

#[test]
fn an_unknown_top_level_field_is_refused_with_a_suggestion() {
    let e = bad(
        &["check", "-", "--lang", "en"],
        Some(br#"{"subject": {"type": "enterprise"}, "servises": []}"#),
    );
    assert!(e.contains("did you mean `services`"), "{e}");
}

#[test]
fn empty_unreadable_and_non_utf8_inputs_are_refused() {
    let e = bad(&["check", "-"], Some(b""));
    assert!(e.contains("资料为空"), "{e}");
    let e = bad(&["check", "does/not/exist.json"], None);
    assert!(e.contains("does/not/exist.json"), "{e}");
    let e = bad(&["check", "examples"], None);
    assert!(e.contains("examples"), "{e}");
    let e = bad(
        &["check", "-"],
        Some(b"{\"subject\": {\"type\": \"\xff\xfe\"}}"),
    );
    assert!(e.contains("UTF-8"), "{e}");
    let e = bad(&["check", "-"], Some(b"[1, 2]"));
    assert!(e.contains("类型不对"), "{e}");
}

#[test]
fn usage_errors_exit_2() {
    bad(&["check"], None);
    bad(&["check", "x.json", "--format", "yaml"], None);
    bad(&["frobnicate"], None);
}

#[test]
fn a_broken_ruleset_passed_with_rules_is_refused_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(
        &file,
        "[ruleset]\nid = \"x\"\nversion = \"1\"\nas_of = 2026-01-01\nname = { zh = \"x\", en = \"x\" }\nsource = \"https://example.org\"\n\n[[subject_types]]\nid = \"enterprise\"\nname = { zh = \"企业\", en = \"Enterprise\" }\n\n[[paths]]\nid = \"p\"\nname = { zh = \"p\", en = \"p\" }\nsource = \"https://example.org\"\nways = [{ id = \"w\", categories = [\"nope\"] }]\n",
    )
    .unwrap();
    let e = bad(
        &[
            "check",
            "examples/government.json",
            "--rules",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(e.contains("broken.toml:16:"), "{e}");
    assert!(e.contains("unknown category `nope`"), "{e}");
}

#[test]
fn rules_lint_accepts_the_curated_ruleset_and_locates_errors_in_a_broken_one() {
    let ok = livegate(&["rules", "lint", "rules/wechat-live.toml"]);
    assert_eq!(code(&ok), 0, "{}", stdout(&ok));
    let broken = ruleset_text().replacen(
        "{ doc = \"situation_letter\" }",
        "{ doc = \"situation_leter\" }",
        1,
    );
    let o = with_stdin(&["rules", "lint", "-"], broken.as_bytes());
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(
        out.contains("<stdin>:") && out.contains("did you mean `situation_letter`"),
        "{out}"
    );
    let j = with_stdin(
        &["rules", "lint", "-", "--format", "json"],
        broken.as_bytes(),
    );
    assert_eq!(json(&j)["valid"], false);
    assert_eq!(json(&j)["diagnostics"][0]["suggestion"], "situation_letter");
}

#[test]
fn rules_show_prints_every_seed_document_in_both_languages() {
    let zh = stdout(&livegate(&["rules", "show"]));
    for doc in [
        "增值电信业务经营许可证",
        "电商平台服务协议、交易规则",
        "电商平台对入驻经营者的审核要求或规范文件",
        "电商平台对用户交易纠纷处理的机制或方案",
        "行政许可不予受理通知书",
        "营业执照",
        "业务发展和实施计划及技术方案专用表格",
        "电信业务经营许可证申请表",
        "公司及人员情况表",
        "网络与信息安全保障措施",
        "股东追溯及其相关证明材料",
        "依法经营电信业务承诺书",
        "电信主管部门要求提交的其他材料",
        "信息网络传播视听节目许可证",
        "网络文化经营许可证",
        "统一社会信用代码",
        "情况说明函件",
    ] {
        assert!(zh.contains(doc), "rules show lacks {doc}");
    }
    assert!(zh.contains("小程序·云直播插件") && zh.contains("标准直播+直播标签"));
    let en = stdout(&livegate(&["rules", "show", "--lang", "en"]));
    assert!(en.contains("Access paths") && en.contains("Filing in the national"));
    let j = livegate(&["rules", "show", "--format", "json"]);
    let cats = json(&j)["categories"].as_array().unwrap().len();
    assert!(cats >= 28, "every live category of WeChat's table: {cats}");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_livegate"))
        .args(["rules", "show"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_ne!(o.status.code(), Some(101));
}

// Issue: document checks and ruleset tooling ---------------------------------

#[test]
fn rules_test_runs_the_curated_cases_and_closes_with_the_count() {
    let o = livegate(&["rules", "test", "--lang", "en"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let n: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(n >= 28, "cases for every seed rule both ways: {n}");
    let j = livegate(&[
        "rules",
        "test",
        "rules/wechat-live.toml",
        "--format",
        "json",
    ]);
    assert_eq!(json(&j)["failed"], 0);
}

#[test]
fn a_ruleset_test_that_does_not_hold_fails_with_its_line_and_exit_1() {
    let broken = ruleset_text().replacen(
        "expect = { verdict = \"ineligible\"",
        "expect = { verdict = \"eligible\"",
        1,
    );
    let o = with_stdin(&["rules", "test", "-", "--lang", "en"], broken.as_bytes());
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL rule 1: an individual is blocked on every path (<stdin>:"),
        "{out}"
    );
    assert!(
        out.contains("verdict: expected eligible, got ineligible"),
        "{out}"
    );
    assert!(out.lines().last().unwrap().ends_with(" passed, 1 failed"));
}

#[test]
fn docs_rules_zh_md_is_the_rendered_ruleset() {
    let o = livegate(&["rules", "render", "--format", "markdown", "--lang", "zh"]);
    assert_eq!(code(&o), 0);
    let committed = std::fs::read_to_string(format!("{ROOT}/docs/rules.zh.md")).unwrap();
    assert!(
        stdout(&o) == committed,
        "docs/rules.zh.md drifted from the ruleset: run `cargo run -- rules render > docs/rules.zh.md`"
    );
}

#[test]
fn the_rendered_tables_carry_every_document_of_the_seed() {
    let md = stdout(&livegate(&["rules", "render"]));
    let ecommerce = md
        .split("### 电商平台 - 电商平台")
        .nth(1)
        .unwrap()
        .split("### ")
        .next()
        .unwrap();
    for doc in [
        "《增值电信业务经营许可证》（核准服务项目须包含在线数据处理与交易处理业务）",
        "电商平台服务协议、交易规则",
        "电商平台对入驻经营者的审核要求或规范文件",
        "电商平台对用户交易纠纷处理的机制或方案",
        "行政许可不予受理通知书",
        "营业执照",
        "业务发展和实施计划及技术方案专用表格",
        "电信业务经营许可证申请表",
        "公司及人员情况表",
        "网络与信息安全保障措施",
        "股东追溯及其相关证明材料",
        "依法经营电信业务承诺书",
        "电信主管部门要求提交的其他材料",
        "资质要求（2选1）",
        "电商类直播带货",
        "如京东等",
        "医疗器械、非处方药品",
    ] {
        assert!(ecommerce.contains(doc), "e-commerce table lacks {doc}");
    }
    let social = md
        .split("### 社交 - 直播")
        .nth(1)
        .unwrap()
        .split("### ")
        .next()
        .unwrap();
    for doc in [
        "资质要求（3选1）",
        "《信息网络传播视听节目许可证》",
        "《全国网络视听平台信息登记管理系统》备案",
        "《统一社会信用代码》",
        "《情况说明函件》",
        "适用于政府主体",
        "适用于提供在线直播等服务",
        "7天左右",
        "时政信息",
    ] {
        assert!(social.contains(doc), "social-live table lacks {doc}");
    }
    let html = stdout(&livegate(&[
        "rules", "render", "--format", "html", "--lang", "en",
    ]));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<table>"));
    assert!(
        html.contains("Filing in the national online audiovisual platform registration system")
    );
}

#[test]
fn rules_diff_says_what_changed_in_words_and_nothing_for_the_same_ruleset() {
    let same = livegate(&[
        "rules",
        "diff",
        "rules/wechat-live.toml",
        "rules/wechat-live.toml",
    ]);
    assert_eq!(code(&same), 0);
    assert!(stdout(&same).contains("没有差别"));
    let edited = ruleset_text()
        .replacen("version = \"2026.12.3\"", "version = \"2026.12.9\"", 1)
        .replacen("  { doc = \"dispute_resolution_mechanism\" },\n]", "]", 1)
        .replacen(
            "{ id = \"government_subject\", subject_types = [\"government\"],",
            "{ id = \"government_subject\", subject_types = [\"government\", \"media\"],",
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.toml");
    std::fs::write(&file, edited).unwrap();
    let o = livegate(&[
        "rules",
        "diff",
        "rules/wechat-live.toml",
        file.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("version changed from \"2026.12.3\" to \"2026.12.9\""),
        "{out}"
    );
    assert!(
        out.contains("no longer requires Mechanism or plan for resolving users' trade disputes"),
        "{out}"
    );
    assert!(out.contains("way to open it changed"), "{out}");
    let j = livegate(&[
        "rules",
        "diff",
        "rules/wechat-live.toml",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        json(&j)
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["area"] == "alternative")
    );
}

#[test]
fn check_takes_the_evaluation_date_from_as_of() {
    let profile = r#"{"subject": {"type": "enterprise", "name": "A"}, "categories": [{"first": "社交", "second": "直播", "status": "pending"}], "scenarios": ["entertainment"], "documents": [{"kind": "audiovisual_program_license", "valid_until": "2027-06-30", "holder": "A"}]}"#.as_bytes();
    let before = with_stdin(
        &["check", "-", "--format", "json", "--as-of", "2027-01-01"],
        profile,
    );
    assert_eq!(json(&before)["verdict"], "pending");
    assert_eq!(json(&before)["as_of"], "2027-01-01");
    let after = with_stdin(
        &["check", "-", "--format", "json", "--as-of", "2027-07-01"],
        profile,
    );
    assert_eq!(json(&after)["verdict"], "needs_action");
    assert!(stdout(&after).contains("document_expired"));
    bad(&["check", "-", "--as-of", "2027-13-01"], Some(profile));
    let e = bad(&["check", "-"], Some(br#"{"subject": {"type": "enterprise"}, "documents": [{"kind": "x", "valid_until": "soon"}]}"#));
    assert!(e.contains("documents[0].valid_until"), "{e}");
}

#[test]
fn the_text_report_tells_wechats_rules_from_livegates_own_checks() {
    let profile = r#"{"subject": {"type": "individual", "name": "张三"},
        "documents": [{"kind": "audiovisual_program_license", "valid_until": "2020-01-01"}]}"#
        .as_bytes();
    let o = with_stdin(&["check", "-", "--as-of", "2026-11-28"], profile);
    let all = stdout(&o);
    let text = &all[all.find("发现").expect("a findings section")..];
    let line_after = |id: &str| {
        let at = text.find(id).unwrap_or_else(|| panic!("{id} in {text}"));
        text[at..].lines().nth(1).unwrap_or("").to_string()
    };
    assert!(
        line_after("个人主体认证的小程序暂不支持直播业务").contains("[微信规则]"),
        "{text}"
    );
    assert!(
        line_after("已于 2020-01-01 过期").contains("[livegate 审核经验]"),
        "{text}"
    );
    for id in ["individual_not_supported", "document_expired"] {
        assert!(!text.contains(id), "a person reads names, not ids: {text}");
    }
    let o = with_stdin(
        &["check", "-", "--as-of", "2026-11-28", "--lang", "en"],
        profile,
    );
    assert!(stdout(&o).contains("[livegate's own check]"));
    assert!(stdout(&o).contains("[WeChat rule]"));
}

#[test]
fn the_text_report_shows_the_evaluation_date_and_what_it_assumed_beside_the_verdict() {
    let profile = r#"{"subject": {"type": "enterprise"}, "categories": [{"first": "社交", "second": "直播"}]}"#;
    let o = with_stdin(&["check", "-", "--as-of", "2026-11-28"], profile.as_bytes());
    let text = stdout(&o);
    let verdict = text.lines().find(|l| l.starts_with("结论")).unwrap_or("");
    assert!(verdict.contains("按已通过计：社交/直播"), "{text}");
    assert!(text.contains("评估日期: 2026-11-28"), "{text}");
}

// profile from-wechat ---------------------------------------------------

fn wechat_fixture(name: &str) -> String {
    format!("{ROOT}/examples/wechat/{name}")
}

#[test]
fn a_getcategory_response_merges_into_a_profile_written_by_hand() {
    let o = livegate(&[
        "profile",
        "from-wechat",
        "--categories",
        &wechat_fixture("getcategory.json"),
        "--profile",
        &wechat_fixture("base-profile.json"),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let got = livegate_core::parse_profile(&stdout(&o)).expect("a profile");
    let want = std::fs::read_to_string(wechat_fixture("getcategory.profile.json")).unwrap();
    let want = livegate_core::parse_profile(&want).expect("the hand-written profile");
    assert_eq!(
        got, want,
        "WeChat's categories, ids and reason; the planned one kept"
    );
    // Its report shows WeChat's reason beside the rejected category.
    let r = with_stdin(
        &["check", "-", "--as-of", "2026-11-28", "--format", "json"],
        stdout(&o).as_bytes(),
    );
    let report = json(&r);
    let rejected = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "category_rejected")
        .expect("the rejected category is reported");
    assert!(
        rejected["message"]
            .as_str()
            .unwrap()
            .contains("微信驳回原因：请补充《信息网络传播视听节目许可证》"),
        "{rejected}"
    );
}

#[test]
fn a_getcategory_response_and_a_verify_type_make_a_profile() {
    let o = livegate(&[
        "profile",
        "from-wechat",
        "--categories",
        &wechat_fixture("getcategory.json"),
        "--verify-type",
        "2",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let p = json(&o);
    assert_eq!(
        p["subject"]["type"], "government",
        "WeChat's verify_type written as the ruleset's subject type"
    );
    assert_eq!(p["categories"][1]["status"], "pending");
    let r = with_stdin(
        &["check", "-", "--format", "json", "--as-of", "2026-11-28"],
        stdout(&o).as_bytes(),
    );
    assert_eq!(json(&r)["subject_type"], "government");
    let unknown = livegate(&[
        "profile",
        "from-wechat",
        "--categories",
        &wechat_fixture("getcategory.json"),
        "--verify-type",
        "9",
    ]);
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).contains("0..=4"), "{}", stderr(&unknown));
    assert!(stdout(&unknown).is_empty());
}

#[test]
fn a_bad_getcategory_response_is_a_clear_error_naming_where() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"{"errcode": 40001, "errmsg": "invalid credential"}"#,
            "40001",
        ),
        (
            r#"{"errcode": 0, "categories": [{"first": 1, "first_name": "a", "second": 2, "second_name": "b", "audit_status": "3"}]}"#,
            "categories[0].audit_status",
        ),
        (
            r#"{"errcode": 0, "categories": [{"first": 1, "first_name": "a", "second": 2, "second_name": "b", "audit_status": 7}]}"#,
            "categories[0].audit_status",
        ),
        (r#"{"errcode": 0}"#, "categories"),
        ("not json", "getcategory"),
    ];
    for (text, names) in cases {
        let f = dir.path().join("r.json");
        std::fs::write(&f, text).unwrap();
        let o = livegate(&[
            "profile",
            "from-wechat",
            "--categories",
            f.to_str().unwrap(),
            "--verify-type",
            "1",
            "--lang",
            "en",
        ]);
        assert_eq!(code(&o), 2, "{text}");
        assert!(stderr(&o).contains(names), "{text}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "nothing written for {text}");
    }
    let o = livegate(&[
        "profile",
        "from-wechat",
        "--categories",
        &wechat_fixture("getcategory.json"),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--verify-type"), "{}", stderr(&o));
}

// rules impact ----------------------------------------------------------

#[test]
fn rules_impact_finds_exactly_the_profiles_that_relied_on_a_changed_alternative() {
    // 社交/直播's audiovisual-licence alternative now also asks for the
    // business licence.
    let edited = ruleset_text().replacen(
        "all_of = [{ doc = \"audiovisual_program_license\" }]",
        "all_of = [{ doc = \"audiovisual_program_license\" }, { doc = \"business_license\" }]",
        1,
    );
    assert_ne!(edited, ruleset_text(), "the edit applies");
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.toml");
    std::fs::write(&new, edited).unwrap();
    let social = |id: &str, status: &str, doc: Value| {
        json!({"id": id, "subject": {"type": "enterprise"}, "scenarios": ["entertainment"],
               "categories": [{"first": "社交", "second": "直播", "status": status}], "documents": [doc]})
        .to_string()
    };
    let lines = [
        social(
            "relied",
            "pending",
            json!({"kind": "audiovisual_program_license"}),
        ),
        social(
            "filing",
            "pending",
            json!({"kind": "audiovisual_platform_filing"}),
        ),
        social(
            "approved",
            "approved",
            json!({"kind": "audiovisual_program_license"}),
        ),
        json!({"id": "individual", "subject": {"type": "individual"}}).to_string(),
        "not json".to_string(),
    ];
    let profiles = dir.path().join("p.jsonl");
    std::fs::write(&profiles, lines.join("\n")).unwrap();
    let args = |fmt: &'static str, lang: &'static str| {
        vec![
            "rules".to_string(),
            "impact".into(),
            "rules/wechat-live.toml".into(),
            new.to_str().unwrap().into(),
            "--profiles".into(),
            profiles.to_str().unwrap().into(),
            "--format".into(),
            fmt.into(),
            "--lang".into(),
            lang.into(),
        ]
    };
    let run = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        livegate(&refs)
    };
    let o = run(args("json", "en"));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["profiles"], 5);
    assert_eq!(j["bad_lines"], 1, "a bad line is counted and skipped");
    let changed = j["profiles_changed"].as_array().unwrap();
    let ids: Vec<&str> = changed
        .iter()
        .filter_map(|p| p["profile_id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec!["relied"],
        "exactly the profile that relied on the alternative"
    );
    assert_eq!(changed[0]["verdict_old"], "pending");
    assert_eq!(changed[0]["verdict_new"], "needs_action");
    assert_eq!(changed[0]["to_prepare"], json!(["business_license"]));
    let groups = j["groups"].as_array().unwrap();
    assert!(
        groups
            .iter()
            .any(|g| g["change"]["area"] == "alternative" && g["count"] == 1),
        "grouped under the alternative that changed: {groups:?}"
    );
    let t = run(args("text", "zh"));
    let out = stdout(&t);
    assert!(out.contains("5 份资料中 1 份"), "{out}");
    assert!(out.contains("需新准备: 《营业执照》"), "{out}");
    // The same ruleset twice: nothing changes, exit 0.
    let same = livegate(&[
        "rules",
        "impact",
        "rules/wechat-live.toml",
        "rules/wechat-live.toml",
        "--profiles",
        profiles.to_str().unwrap(),
    ]);
    assert_eq!(code(&same), 0, "{}", stdout(&same));
}

#[test]
fn rules_impact_gives_the_same_answer_on_one_thread_and_on_several() {
    let edited = ruleset_text().replacen(
        "all_of = [{ doc = \"audiovisual_program_license\" }]",
        "all_of = [{ doc = \"audiovisual_program_license\" }, { doc = \"business_license\" }]",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.toml");
    std::fs::write(&new, edited).unwrap();
    let generated = livegate(&["gen", "--count", "20000", "--seed", "7"]);
    let mut lines = stdout(&generated);
    lines.push_str("not json\n");
    let profiles = dir.path().join("p.jsonl");
    std::fs::write(&profiles, lines).unwrap();
    let run = |jobs: &str| {
        let (new, profiles) = (new.to_str().unwrap(), profiles.to_str().unwrap());
        livegate(&[
            "rules",
            "impact",
            "rules/wechat-live.toml",
            new,
            "--profiles",
            profiles,
            "--format",
            "json",
            "--jobs",
            jobs,
        ])
    };
    let (one, three) = (run("1"), run("3"));
    assert_eq!(code(&one), 1, "{}", stderr(&one));
    let j = json(&one);
    assert_eq!(j["profiles"], 20001);
    assert_eq!(j["bad_lines"], 1);
    assert!(j["changed"].as_u64().unwrap() > 0);
    assert_eq!(
        stdout(&one),
        stdout(&three),
        "lines in input order whatever the threads"
    );
}

#[test]
fn an_error_reads_in_the_language_asked_for() {
    let en = livegate(&["check", "/nonexistent/profile.json", "--lang", "en"]);
    assert_eq!(code(&en), 2);
    assert!(
        stderr(&en).starts_with("livegate: error:"),
        "{}",
        stderr(&en)
    );
    let zh = livegate(&["check", "/nonexistent/profile.json"]);
    assert!(
        stderr(&zh).starts_with("livegate: 错误:"),
        "{}",
        stderr(&zh)
    );
}

#[test]
fn plan_wechat_writes_the_addcategory_body_field_by_field() {
    let o = livegate(&[
        "plan",
        &wechat_fixture("resubmit-social-live.json"),
        "--wechat",
        "--as-of",
        "2026-11-28",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let got = json(&o);
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(wechat_fixture("resubmit-social-live.addcategory.json")).unwrap(),
    )
    .unwrap();
    let (g, w) = (
        &got["addcategory"]["categories"][0],
        &want["addcategory"]["categories"][0],
    );
    assert_eq!(
        g["first"], w["first"],
        "first: WeChat's id from the profile"
    );
    assert_eq!(g["second"], w["second"]);
    assert_eq!(
        g["certicates"], w["certicates"],
        "the nearest alternative's documents"
    );
    assert_eq!(got, want);
    // No known WeChat id: reported, never invented.
    let o = with_stdin(
        &["plan", "-", "--wechat", "--lang", "en"],
        br#"{"subject": {"type": "enterprise"}, "scenarios": ["online_class"]}"#,
    );
    let j = json(&o);
    assert_eq!(j["addcategory"]["categories"], json!([]));
    assert_eq!(j["unresolved"][0]["category"], "教育服务/在线视频课程");
    assert!(
        j["unresolved"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("does not guess")
    );
    // Without --wechat: the plan in words.
    let t = livegate(&[
        "plan",
        &wechat_fixture("resubmit-social-live.json"),
        "--as-of",
        "2026-11-28",
    ]);
    assert!(
        stdout(&t).contains("重新提交类目「社交/直播」"),
        "{}",
        stdout(&t)
    );
}

#[test]
fn a_file_that_cannot_be_read_is_explained_in_the_language_asked_for() {
    for (args, zh) in [
        (vec!["check", "/nonexistent/profile.json"], true),
        (
            vec!["check", "/nonexistent/profile.json", "--lang", "en"],
            false,
        ),
        (vec!["batch", "/nonexistent/profiles.jsonl", "-q"], true),
        (
            vec!["batch", "/nonexistent/profiles.jsonl", "-q", "--lang", "en"],
            false,
        ),
        (vec!["check", "/"], true),
    ] {
        let o = livegate(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("os error"), "the system's words: {err}");
        if zh {
            assert!(
                err.contains("不存在") || err.contains("目录"),
                "{args:?}: {err}"
            );
        } else {
            assert!(err.contains("no such file or directory"), "{args:?}: {err}");
        }
    }
}
