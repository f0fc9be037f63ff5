//! The ruleset against WeChat's current catalogue: every live category of
//! the live-player table has its list from a source (or a sourced "no list
//! published"), a category with no list is never pending on nothing,
//! current and older names give the same answers, and the nearest
//! alternative is the least effort.

use livegate_core::report::{CategoryState, PathStatus, Report};
use livegate_core::ruleset::Basis;
use livegate_core::wechat::profile_from_getcategory;
use livegate_core::{Lang, Options, Profile, Ruleset, default_ruleset, evaluate, evaluate_text};
use proptest::prelude::*;
use serde_json::{Value, json};

fn rs() -> Ruleset {
    static RS: std::sync::OnceLock<Ruleset> = std::sync::OnceLock::new();
    RS.get_or_init(|| default_ruleset().expect("the embedded ruleset loads"))
        .clone()
}

fn eval(rs: &Ruleset, v: &Value) -> Report {
    let o = Options {
        lang: Lang::En,
        as_of: livegate_core::dates::parse("2026-12-03"),
    };
    evaluate_text(rs, &v.to_string(), &o).expect("the profile evaluates")
}

/// The live categories of WeChat's live-player/live-pusher table
/// (https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html,
/// 使用限制), as the table writes them.
const LIVE_PLAYER_TABLE: &[&str] = &[
    "社交/直播",
    "社交/直播表演",
    "教育/在线视频课程",
    "医疗/互联网医院",
    "医疗/公立医疗机构",
    "医疗/三级私立医疗机构",
    "医疗/其他私立医疗机构",
    "金融/银行",
    "金融/信托",
    "金融/公募基金",
    "金融/私募基金",
    "金融/证券/期货",
    "金融/证券、期货投资咨询",
    "金融/保险",
    "金融/企业征信",
    "金融/新三板信息服务平台",
    "金融/股票信息服务平台",
    "金融/股票信息服务平台(港股/美股)",
    "金融/消费金融",
    "金融/融资担保",
    "金融/汽车金融/融资租赁",
    "汽车/汽车预售",
    "IT科技/多方通信",
    "IT科技/音视频设备",
    "房地产服务/房地产营销",
    "商业服务/公证",
    "公共服务/交通运输",
];

#[test]
fn every_live_category_of_wechats_table_has_a_sourced_list_or_a_sourced_no_list() {
    let rs = rs();
    let named: Vec<usize> = rs
        .paths
        .iter()
        .flat_map(|p| &p.ways)
        .flat_map(|w| w.categories.clone())
        .collect();
    for label in LIVE_PLAYER_TABLE {
        let k = rs
            .lookups
            .categories
            .get(label)
            .unwrap_or_else(|| panic!("{label} is a category of the ruleset"));
        assert!(named.contains(&k), "{label} opens a path");
    }
    for &k in &named {
        let c = &rs.categories[k];
        let listed = !c.alternatives.is_empty() || c.no_qualification;
        let said_unlisted = !c.documents_sourced;
        assert!(
            listed || said_unlisted,
            "{}: neither a list nor a sourced 'no list published'",
            c.label()
        );
        assert!(
            c.qualification_source.starts_with("https://"),
            "{}: where its list (or its absence) was read: {}",
            c.label(),
            c.qualification_source
        );
        assert!(
            c.verified.is_some(),
            "{}: the day it was checked",
            c.label()
        );
    }
}

/// A category's state in a report, on every path that requires it.
fn states(r: &Report, id: &str) -> Vec<CategoryState> {
    r.paths
        .iter()
        .flat_map(|p| &p.categories)
        .filter(|c| c.id.as_deref() == Some(id))
        .map(|c| c.state)
        .collect()
}

fn kinds(rs: &Ruleset) -> Vec<String> {
    rs.documents.iter().map(|d| d.id.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Pending means the documents satisfy the qualification: for a
    /// category with a list, its nearest alternative lacks nothing; for one
    /// without, the person confirmed holding what WeChat asks.
    #[test]
    fn no_category_is_pending_on_documents_it_does_not_have(
        k in 0usize..64,
        subject in prop::sample::select(vec!["enterprise", "government", "media", "other_org"]),
        status in prop::sample::select(vec!["pending", "approved", "rejected", "planned"]),
        confirmed in any::<bool>(),
        picks in prop::collection::vec(0usize..256, 0..6),
    ) {
        let rs = rs();
        let k = k % rs.categories.len();
        let c = &rs.categories[k];
        let all = kinds(&rs);
        let docs: Vec<Value> = picks.iter().map(|&i| json!({"kind": all[i % all.len()]})).collect();
        let mut cat = json!({"first": c.first, "second": c.second, "status": status});
        if confirmed {
            cat["documents_confirmed"] = json!(true);
        }
        let profile = json!({"subject": {"type": subject}, "categories": [cat],
                             "scenarios": c.scenarios.iter().map(|&s| rs.scenarios[s].id.clone()).collect::<Vec<_>>(),
                             "documents": docs});
        let r = eval(&rs, &profile);
        for p in &r.paths {
            let Some(cr) = p.categories.iter().find(|x| x.id.as_deref() == Some(c.id.as_str())) else { continue };
            if cr.state != CategoryState::Pending {
                continue;
            }
            prop_assert_eq!(status, "pending");
            if c.documents_sourced {
                let alts: Vec<_> = p.alternatives.iter().filter(|a| a.category == cr.category).collect();
                prop_assert!(alts.is_empty() || alts.iter().any(|a| a.satisfied),
                    "{} pending without a satisfied alternative", c.label());
            } else {
                prop_assert!(confirmed, "{} pending on documents nobody confirmed", c.label());
            }
        }
    }
}

#[test]
fn a_category_with_no_list_waits_for_the_confirmation_before_it_is_pending() {
    let rs = rs();
    let performance = |confirmed: bool| {
        json!({"subject": {"type": "enterprise"}, "scenarios": ["performance"],
               "categories": [{"first": "社交", "second": "直播表演", "status": "pending",
                               "documents_confirmed": confirmed}]})
    };
    let r = eval(&rs, &performance(false));
    assert_eq!(
        states(&r, "social_live_performance"),
        [CategoryState::Actionable]
    );
    assert!(
        r.plan.iter().any(|a| a.id == "confirm_documents"),
        "{:?}",
        r.plan
    );
    assert!(r.has_finding("documents_unsourced"));
    let r = eval(&rs, &performance(true));
    assert_eq!(
        states(&r, "social_live_performance"),
        [CategoryState::Pending]
    );
    assert!(!r.has_finding("documents_unsourced"));
}

/// The category as a profile writes it: as the ruleset does, then under
/// each other label (its aliases, its first level's older names).
fn spellings(rs: &Ruleset, k: usize) -> Vec<(String, String)> {
    let c = &rs.categories[k];
    let mut out = vec![(c.first.clone(), c.second.clone())];
    for label in rs.older_labels(c) {
        let (first, second) = label.split_once('/').expect("a label has two levels");
        out.push((first.to_string(), second.to_string()));
    }
    out
}

/// What a report answers, without the words that carry the category's name.
fn answer(r: &Report) -> Value {
    json!({
        "verdict": r.verdict,
        "plan_path": r.plan_path,
        "paths": r.paths.iter().map(|p| json!({"id": p.id, "status": p.status, "missing": p.missing_documents})).collect::<Vec<_>>(),
        "findings": r.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
    })
}

#[test]
fn every_live_category_gives_the_same_answer_under_its_current_and_its_older_name() {
    let rs = rs();
    let mut renamed = 0;
    for (k, c) in rs.categories.iter().enumerate() {
        let first_docs: Vec<Value> = c
            .alternatives
            .first()
            .map(|a| {
                rs.expr_documents(&a.expr)
                    .into_iter()
                    .map(|d| json!({"kind": rs.documents[d].id}))
                    .collect()
            })
            .unwrap_or_default();
        let answers: Vec<(String, Value)> = spellings(&rs, k)
            .into_iter()
            .map(|(first, second)| {
                let p = json!({"subject": {"type": "enterprise"},
                               "categories": [{"first": first, "second": second, "status": "pending"}],
                               "documents": first_docs});
                let r = eval(&rs, &p);
                assert!(!r.has_finding("unknown_category"), "{first}/{second}");
                (format!("{first}/{second}"), answer(&r))
            })
            .collect();
        renamed += usize::from(answers.len() > 1);
        for (label, a) in &answers[1..] {
            assert_eq!(a, &answers[0].1, "{label} answers as {}", answers[0].0);
        }
    }
    assert!(
        renamed >= 20,
        "the renamed first levels are exercised: {renamed}"
    );
}

#[test]
fn a_getcategory_answer_with_either_naming_gives_the_same_answer() {
    let rs = rs();
    let response = |first: &str| {
        json!({"errcode": 0, "categories": [
            {"first": 1, "first_name": first, "second": 2, "second_name": "互联网医院", "audit_status": 1, "audit_reason": ""}
        ]})
        .to_string()
    };
    let answers: Vec<Value> = ["医疗服务", "医疗"]
        .iter()
        .map(|first| {
            let mut p: Profile =
                profile_from_getcategory(&response(first), Some(1), None, livegate_core::Lang::Zh)
                    .unwrap();
            p.scenarios = vec!["medical_consultation".into()];
            let o = Options {
                lang: Lang::En,
                ..Default::default()
            };
            answer(&evaluate(&rs, &p, &o).unwrap())
        })
        .collect();
    assert_eq!(answers[0], answers[1]);
}

#[test]
fn the_report_names_a_category_as_wechat_names_it_today() {
    let rs = rs();
    let r = eval(
        &rs,
        &json!({"subject": {"type": "enterprise"}, "scenarios": ["online_class"],
                "categories": [{"first": "教育", "second": "在线视频课程", "status": "planned"}]}),
    );
    let labels: Vec<&str> = r
        .paths
        .iter()
        .flat_map(|p| &p.categories)
        .map(|c| c.category.as_str())
        .collect();
    assert!(labels.contains(&"教育服务/在线视频课程"), "{labels:?}");
    assert!(!labels.iter().any(|l| l.starts_with("教育/")), "{labels:?}");
}

#[test]
fn the_nearest_is_the_least_effort_and_says_so_as_livegates_ranking() {
    let rs = rs();
    // A platform holding its licence: the plugin path (three documents it
    // writes itself), not the standard path (a licence to obtain).
    let r = eval(
        &rs,
        &json!({"subject": {"type": "enterprise"}, "scenarios": ["ecommerce_selling"], "multi_merchant": true,
                "categories": [{"first": "电商平台", "second": "电商平台", "status": "planned"}],
                "documents": [{"kind": "telecom_value_added_license", "service_items": ["B21"]}]}),
    );
    assert_eq!(r.plan_path.as_deref(), Some("cloud_live_plugin"));
    let why = r.plan_reason.as_ref().expect("the plan says why");
    assert_eq!(why.basis, Basis::Livegate);
    assert!(
        why.message.contains("livegate's ranking"),
        "{}",
        why.message
    );
    // A government subject: its own credit code and letter, not a licence.
    let r = eval(
        &rs,
        &json!({"subject": {"type": "government"}, "scenarios": ["entertainment"],
                "categories": [{"first": "社交", "second": "直播", "status": "pending"}]}),
    );
    let p = r.path("standard_live_tags").unwrap();
    let nearest: Vec<&str> = p
        .alternatives
        .iter()
        .filter(|a| a.nearest)
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(nearest, ["government_letter"]);
    let reason = p
        .categories
        .iter()
        .find_map(|c| c.nearest_reason.as_ref())
        .expect("the nearest alternative says why");
    assert_eq!(reason.basis, Basis::Livegate);
    // A tie on every measure: the first listed.
    let r = eval(
        &rs,
        &json!({"subject": {"type": "enterprise"}, "scenarios": ["finance_service"],
                "categories": [{"first": "金融业", "second": "信托", "status": "pending"}]}),
    );
    let p = r.path("standard_live_tags").unwrap();
    assert_eq!(p.status, PathStatus::Actionable);
    assert!(
        p.alternatives
            .iter()
            .any(|a| a.nearest && a.id == "financial_license")
    );
}

#[test]
fn every_category_and_first_level_has_an_english_gloss_for_english_readers() {
    let rs = rs();
    for c in &rs.categories {
        let en = c.en.as_deref().unwrap_or_default();
        assert!(
            en.contains('/') && en.is_ascii(),
            "{}: gloss {en:?}",
            c.label()
        );
    }
    for f in &rs.first_levels {
        assert!(f.en.as_deref().is_some_and(str::is_ascii), "{}", f.name);
    }
}
