//! Every line of a report is true and says where it comes from: whose rule
//! each finding is (WeChat's, or a judgement of livegate's own), the
//! ruleset's fixes of what no source supported, the names people write, and
//! what the report assumed. Each both ways.

use livegate_core::report::{PathStatus, Report};
use livegate_core::ruleset::Basis;
use livegate_core::{Lang, Options, default_ruleset, evaluate_text, load};
use serde_json::{Value, json};

fn eval(v: &Value) -> Report {
    let rs = default_ruleset().unwrap();
    let opts = Options {
        lang: Lang::En,
        as_of: Some("2026-11-28".parse().unwrap()),
    };
    evaluate_text(&rs, &v.to_string(), &opts).expect("evaluates")
}

#[test]
fn every_rule_and_check_of_the_curated_ruleset_states_its_basis_and_source() {
    let loaded = load(livegate_core::DEFAULT_RULESET, "wechat-live.toml").unwrap();
    let missing: Vec<_> = loaded
        .warnings
        .iter()
        .filter(|d| d.message.contains("basis"))
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
    for r in &loaded.ruleset.rules {
        assert!(!r.source.is_empty(), "rule {}", r.id);
    }
    for c in &loaded.ruleset.checks {
        assert!(!c.source.is_empty(), "check {}", c.id);
        if c.basis == Basis::Wechat {
            assert!(
                c.source.starts_with("http"),
                "a WeChat rule links its page: {}",
                c.id
            );
        }
    }
}

#[test]
fn a_rule_or_check_without_a_basis_is_warned_about_and_taken_as_wechats() {
    let text = livegate_core::DEFAULT_RULESET.replacen("\nbasis = \"wechat\"\n", "\n", 1);
    let loaded = load(&text, "edited.toml").unwrap();
    let warned: Vec<_> = loaded
        .warnings
        .iter()
        .filter(|d| d.message.contains("missing `basis`"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", loaded.warnings);
    let bad = livegate_core::DEFAULT_RULESET.replacen(
        "\nbasis = \"wechat\"\n",
        "\nbasis = \"wechatt\"\n",
        1,
    );
    let Err(err) = load(&bad, "edited.toml") else {
        panic!("an unknown basis is refused");
    };
    let err = err.to_string();
    assert!(
        err.contains("wechat"),
        "the nearest basis is suggested: {err}"
    );
}

#[test]
fn findings_of_wechats_rules_and_of_livegates_checks_say_which_they_are() {
    let r = eval(&json!({
        "subject": {"type": "individual", "name": "张三"},
        "documents": [{"kind": "audiovisual_program_license", "holder": "李四", "valid_until": "2020-01-01"}]
    }));
    let basis = |id: &str| r.findings.iter().find(|f| f.id == id).map(|f| f.basis);
    assert_eq!(basis("individual_not_supported"), Some(Basis::Wechat));
    assert_eq!(basis("document_expired"), Some(Basis::Livegate));
    // 「涉小程序提交类目资质主体需与小程序注册主体一致」: WeChat's rule.
    assert_eq!(basis("holder_mismatch"), Some(Basis::Wechat));
    let json = serde_json::to_value(&r).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["basis"].is_string())
    );
}

fn political_news(documents: Value) -> Value {
    json!({
        "subject": {"type": "government"},
        "categories": [{"first": "时政信息", "second": "时政信息", "status": "pending"}],
        "services": ["political_news"],
        "documents": documents
    })
}

fn news_alternative_satisfied(r: &Report) -> bool {
    r.paths
        .iter()
        .flat_map(|p| &p.alternatives)
        .any(|a| a.id == "government_filing" && a.satisfied)
}

#[test]
fn a_government_files_political_news_with_its_credit_code_certificate_not_the_old_organisation_code()
 {
    let with =
        |kind: &str| political_news(json!([{"kind": "non_commercial_icp_filing"}, {"kind": kind}]));
    assert!(news_alternative_satisfied(&eval(&with(
        "credit_code_certificate"
    ))));
    // WeChat's current list names the credit code certificate: since
    // three-in-one the organisation code certificate is no longer issued.
    assert!(!news_alternative_satisfied(&eval(&with(
        "organization_code_certificate"
    ))));
    assert!(!news_alternative_satisfied(&eval(&political_news(
        json!([{"kind": "non_commercial_icp_filing"}])
    ))));
    let rs = default_ruleset().unwrap();
    let alt = rs
        .categories
        .iter()
        .flat_map(|c| &c.alternatives)
        .find(|a| a.id == "government_filing")
        .unwrap();
    assert!(
        alt.notes
            .iter()
            .any(|n| n.zh.contains("三证合一") && n.zh.contains("http"))
    );
}

#[test]
fn articles_of_association_alone_are_not_the_shareholder_tracing_materials() {
    let r = eval(&json!({"subject": {"type": "enterprise"}, "documents": [{"kind": "公司章程"}]}));
    assert!(
        r.findings.iter().any(|f| f.id == "unknown_document"),
        "no longer an alias"
    );
    let r =
        eval(&json!({"subject": {"type": "enterprise"}, "documents": [{"kind": "股东追溯材料"}]}));
    assert!(!r.findings.iter().any(|f| f.id == "unknown_document"));
    let rs = default_ruleset().unwrap();
    let doc = rs
        .documents
        .iter()
        .position(|d| d.id == "shareholder_tracing_materials")
        .unwrap();
    let lines = rs.requirement_text(rs.atoms_by_doc[doc][0], None, false, Lang::Zh);
    assert!(
        lines.contains("公司章程"),
        "the seed's examples describe it: {lines}"
    );
}

fn social_live(region: Option<&str>) -> Value {
    let mut p = json!({
        "subject": {"type": "enterprise", "name": "示例文化传媒有限公司"},
        "categories": [{"first": "社交", "second": "直播", "status": "approved"}],
        "scenarios": ["entertainment"],
        "documents": [{"kind": "audiovisual_program_license"}]
    });
    if let Some(r) = region {
        p["subject"]["region"] = json!(r);
    }
    p
}

#[test]
fn only_mainland_subjects_can_go_live_and_mainland_is_assumed_when_unstated() {
    for region in [None, Some("mainland"), Some("中国大陆")] {
        let r = eval(&social_live(region));
        assert_eq!(r.verdict.as_str(), "eligible", "{region:?}");
        assert!(!r.has_finding("mainland_subjects_only"));
    }
    for region in ["hong_kong", "香港", "overseas", "台湾"] {
        let r = eval(&social_live(Some(region)));
        assert_eq!(r.verdict.as_str(), "ineligible", "{region}");
        let f = r
            .findings
            .iter()
            .find(|f| f.id == "mainland_subjects_only")
            .unwrap();
        assert_eq!(f.basis, Basis::Wechat);
        assert!(f.source.starts_with("https://"));
    }
}

#[test]
fn an_unknown_region_is_a_profile_error_naming_the_field_and_the_nearest_region() {
    let rs = default_ruleset().unwrap();
    let text = social_live(Some("hongkng")).to_string();
    let e = evaluate_text(&rs, &text, &Options::default()).unwrap_err();
    assert_eq!(e.path, "subject.region");
    assert_eq!(e.suggestion.as_deref(), Some("hong_kong"));
    assert!(e.line.is_some(), "the error points at the line");
}

#[test]
fn a_scenario_written_without_its_explanation_in_brackets_is_understood() {
    let p = |scenario: &str| {
        json!({
            "subject": {"type": "enterprise"},
            "categories": [{"first": "社交", "second": "直播", "status": "approved"}],
            "scenarios": ["电商类直播带货", scenario]
        })
    };
    let r = eval(&p("娱乐性质直播"));
    assert!(!r.has_finding("unknown_value"), "{:?}", r.findings);
    let r = eval(&p("娱乐性质直播（明星直播、生活趣事直播、宠物直播等）"));
    assert!(!r.has_finding("unknown_value"));
    let r = eval(&p("娱乐直播带货秀"));
    assert!(
        r.has_finding("unknown_value"),
        "an unknown scenario is still reported"
    );
}

#[test]
fn a_category_without_a_status_is_taken_as_approved_and_the_report_says_so() {
    let r = eval(&json!({
        "subject": {"type": "enterprise"},
        "categories": [{"first": "社交", "second": "直播"}, {"first": "电商平台", "second": "电商平台", "status": "planned"}],
        "scenarios": ["entertainment"]
    }));
    assert_eq!(r.assumed_approved, ["社交/直播"]);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "category_status_assumed")
        .unwrap();
    assert_eq!(f.basis, Basis::Livegate);
    assert!(f.message.contains("社交/直播") && !f.message.contains("电商平台"));
    let r = eval(&json!({
        "subject": {"type": "enterprise"},
        "categories": [{"first": "社交", "second": "直播", "status": "approved"}]
    }));
    assert!(r.assumed_approved.is_empty());
    assert!(!r.has_finding("category_status_assumed"));
}

#[test]
fn the_report_keeps_the_evaluation_date_apart_from_the_rulesets_date() {
    let r = eval(&json!({"subject": {"type": "government"}}));
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["as_of"], "2026-11-28", "the evaluation date");
    assert_eq!(v["ruleset"]["as_of"], default_ruleset().unwrap().meta.as_of);
}

fn eval_on(v: &Value, as_of: &str) -> Report {
    let rs = default_ruleset().unwrap();
    let opts = Options {
        lang: Lang::En,
        as_of: Some(as_of.parse().unwrap()),
    };
    evaluate_text(&rs, &v.to_string(), &opts).expect("evaluates")
}

fn go_live(r: &Report, path: &str) -> Option<String> {
    r.path(path).and_then(|p| p.go_live.clone())
}

fn steps(r: &Report, path: &str) -> Vec<String> {
    r.path(path).map_or(Vec::new(), |p| {
        p.setup.iter().map(|s| s.id.clone()).collect()
    })
}

fn plugin_profile(done: &[&str]) -> Value {
    json!({
        "subject": {"type": "enterprise"},
        "categories": [{"first": "电商平台", "second": "电商平台", "status": "approved"}],
        "multi_merchant": true,
        "steps_done": done
    })
}

#[test]
fn the_cloud_plugin_goes_live_five_working_days_later_skipping_the_weekend() {
    // 2026-11-27 is a Friday: five working days end on Friday 2026-12-04.
    let r = eval_on(&plugin_profile(&[]), "2026-11-27");
    assert_eq!(
        r.verdict.as_str(),
        "eligible",
        "the steps do not change the verdict"
    );
    assert_eq!(
        steps(&r, "cloud_live_plugin"),
        [
            "add_live_plugin",
            "plugin_authorisation",
            "plugin_payment",
            "bind_play_domain"
        ]
    );
    assert_eq!(
        go_live(&r, "cloud_live_plugin").as_deref(),
        Some("2026-12-04")
    );
    // From Wednesday 2026-11-25: Thu, Fri, Mon, Tue, Wed.
    let r = eval_on(&plugin_profile(&[]), "2026-11-25");
    assert_eq!(
        go_live(&r, "cloud_live_plugin").as_deref(),
        Some("2026-12-02")
    );
    let setup = &r.path("cloud_live_plugin").unwrap().setup;
    assert!(setup.iter().all(|s| s.source.starts_with("https://")));
    assert!(
        setup.iter().any(|s| s.note.is_some()),
        "the play domain cannot be unbound"
    );
}

#[test]
fn steps_already_done_are_left_out_of_the_plan_and_the_date() {
    let r = eval_on(
        &plugin_profile(&["plugin_authorisation", "add_live_plugin"]),
        "2026-11-27",
    );
    assert_eq!(
        steps(&r, "cloud_live_plugin"),
        ["plugin_payment", "bind_play_domain"]
    );
    assert_eq!(
        go_live(&r, "cloud_live_plugin").as_deref(),
        Some("2026-11-27")
    );
}

#[test]
fn standard_live_via_social_live_waits_about_seven_days_for_the_first_code_review() {
    let social = json!({
        "subject": {"type": "enterprise"},
        "categories": [{"first": "社交", "second": "直播", "status": "approved"}],
        "scenarios": ["entertainment"]
    });
    let r = eval_on(&social, "2026-11-27");
    assert_eq!(
        steps(&r, "standard_live_tags"),
        ["first_code_review", "enable_live_components"]
    );
    assert_eq!(
        go_live(&r, "standard_live_tags").as_deref(),
        Some("2026-12-04"),
        "7 calendar days"
    );
    // A government opens the path by its subject type: no authority review.
    let r = eval_on(&json!({"subject": {"type": "government"}}), "2026-11-27");
    assert_eq!(steps(&r, "standard_live_tags"), ["enable_live_components"]);
    assert_eq!(
        go_live(&r, "standard_live_tags").as_deref(),
        Some("2026-11-27")
    );
}

#[test]
fn a_path_still_lacking_documents_gives_its_steps_but_no_date() {
    // 社交/直播 to add, its licence still to obtain: no day can be counted
    // from today, though the steps after it are known.
    let social = json!({
        "subject": {"type": "enterprise"},
        "categories": [{"first": "社交", "second": "直播", "status": "planned"}],
        "scenarios": ["entertainment"]
    });
    let r = eval_on(&social, "2026-11-27");
    let p = r.path("standard_live_tags").unwrap();
    assert_eq!(p.status, PathStatus::Actionable);
    assert!(!p.setup.is_empty(), "the steps are still listed");
    assert_eq!(p.go_live, None);
}

#[test]
fn a_blocked_path_has_no_steps_and_no_date() {
    let r = eval_on(&json!({"subject": {"type": "individual"}}), "2026-11-27");
    for p in &r.paths {
        assert!(p.setup.is_empty() && p.go_live.is_none(), "{}", p.id);
    }
}

#[test]
fn an_unknown_step_done_is_a_profile_error_with_the_nearest_step() {
    let rs = default_ruleset().unwrap();
    let text = plugin_profile(&["plugin_authorization"]).to_string();
    let e = evaluate_text(&rs, &text, &Options::default()).unwrap_err();
    assert_eq!(e.path, "steps_done[0]");
    assert_eq!(e.suggestion.as_deref(), Some("plugin_authorisation"));
}

#[test]
fn every_category_alternative_and_setup_step_carries_a_source() {
    let rs = default_ruleset().unwrap();
    for c in &rs.categories {
        assert!(c.source.starts_with("https://"), "category {}", c.id);
    }
    for p in &rs.paths {
        assert!(p.source.starts_with("https://"), "path {}", p.id);
    }
    for s in &rs.steps {
        assert!(s.source.starts_with("https://"), "step {}", s.id);
    }
    for n in rs
        .categories
        .iter()
        .flat_map(|c| &c.alternatives)
        .flat_map(|a| &a.notes)
    {
        assert!(
            n.zh.contains("http") || !n.zh.contains("来源"),
            "a note that cites names its URL"
        );
    }
}
