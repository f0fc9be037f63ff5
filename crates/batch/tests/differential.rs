//! Differential test: livegate against an independent oracle, the seed's
//! rules written as a Rego policy (bench/peers/rego/livegate.rego) and run
//! with regorus, on generated profiles. Verdicts and every path's status must
//! be identical. A disagreement is a bug in one of the two.
//!
//! Size: `LIVEGATE_DIFF_COUNT` profiles (default 3,000; CI also runs 100,000).
//! Document validity (as_of, valid_from/valid_until, holder): on when the
//! engine honours it, which the test probes; `LIVEGATE_DIFF_VALIDITY=1` or
//! `=0` forces it.

use livegate_batch::generate::{GenOptions, Generator, Mix};
use livegate_core::{Lang, Options, Report, Ruleset, default_ruleset, evaluate_text};
use regorus::{Engine, Value};

const POLICY: &str = include_str!("../../../bench/peers/rego/livegate.rego");

fn oracle() -> Engine {
    let mut e = Engine::new();
    e.add_policy("livegate.rego".into(), POLICY.into())
        .expect("the Rego policy compiles");
    e
}

fn options() -> Options {
    Options {
        lang: Lang::En,
        ..Default::default()
    }
}

/// (verdict, [(path, status)]) as livegate says.
fn engine_says(rs: &Ruleset, text: &str) -> (String, Vec<(String, String)>) {
    let r: Report = evaluate_text(rs, text, &options()).expect("a generated profile evaluates");
    (
        r.verdict.as_str().to_string(),
        r.paths
            .iter()
            .map(|p| (p.id.clone(), p.status.as_str().to_string()))
            .collect(),
    )
}

/// The same, as the Rego policy says.
fn oracle_says(e: &mut Engine, text: &str) -> (String, Vec<(String, String)>) {
    e.set_input(Value::from_json_str(text).expect("generated JSON"));
    let v = e
        .eval_rule("data.livegate.result".into())
        .expect("the policy evaluates");
    let s = |v: &Value| {
        v.as_string()
            .map(|s| s.to_string())
            .unwrap_or_else(|_| format!("{v}"))
    };
    let verdict = s(&v["verdict"]);
    let mut paths = Vec::new();
    for id in ["cloud_live_plugin", "standard_live_tags"] {
        paths.push((id.to_string(), s(&v["paths"][id])));
    }
    (verdict, paths)
}

fn count() -> usize {
    std::env::var("LIVEGATE_DIFF_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

/// Whether the engine honours document validity: an expired licence must not
/// qualify a pending category.
fn engine_honours_validity(rs: &Ruleset) -> bool {
    let expired = serde_json::json!({
        "as_of": "2026-11-28",
        "subject": {"type": "enterprise", "name": "深圳市星云10网络科技有限公司"},
        "categories": [{"first": "社交", "second": "直播", "status": "pending"}],
        "documents": [{"kind": "audiovisual_program_license", "valid_until": "2020-01-01"}]
    });
    engine_says(rs, &expired.to_string()).0 != "pending"
}

fn validity(rs: &Ruleset) -> bool {
    match std::env::var("LIVEGATE_DIFF_VALIDITY").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => {
            let on = engine_honours_validity(rs);
            if !on {
                eprintln!(
                    "differential: the engine ignores document validity; generating profiles without dates and holders"
                );
            }
            on
        }
    }
}

/// Profiles on which livegate (with `rs`) and the oracle disagree, and the
/// verdicts livegate gave.
fn disagreements(
    rs: &Ruleset,
    seed: u64,
    n: usize,
    validity: bool,
) -> (Vec<String>, std::collections::BTreeMap<String, u64>) {
    let mut e = oracle();
    let mut g = Generator::new(
        rs,
        &Mix::default_mix(),
        GenOptions {
            seed,
            bad_ratio: 0.0,
            validity,
        },
    )
    .expect("the built-in mix fits the ruleset");
    let mut disagreements = Vec::new();
    let mut verdicts = std::collections::BTreeMap::new();
    for _ in 0..n {
        let text = g.profile().to_string();
        let ours = engine_says(rs, &text);
        let theirs = oracle_says(&mut e, &text);
        *verdicts.entry(ours.0.clone()).or_insert(0u64) += 1;
        if ours != theirs {
            disagreements.push(format!(
                "{text}\n  livegate: {ours:?}\n  rego:     {theirs:?}"
            ));
        }
    }
    (disagreements, verdicts)
}

fn differential(seed: u64, n: usize, validity: bool) {
    let rs = default_ruleset().expect("the embedded ruleset loads");
    let (disagreements, verdicts) = disagreements(&rs, seed, n, validity);
    assert!(
        disagreements.is_empty(),
        "{} of {n} profiles disagree (validity {validity}); the first:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The generator must exercise every verdict, or agreement proves little.
    assert_eq!(verdicts.len(), 4, "verdicts seen: {verdicts:?}");
}

#[test]
fn livegate_and_the_rego_oracle_agree_on_verdicts_and_path_statuses() {
    let rs = default_ruleset().expect("ruleset");
    differential(20261128, count(), validity(&rs));
}

#[test]
fn livegate_and_the_rego_oracle_agree_without_document_validity() {
    differential(7, count() / 3, false);
}

#[test]
fn the_oracle_is_not_vacuous_it_sees_each_seed_rule() {
    // The oracle must tell apart what the seed tells apart: otherwise the
    // differential test could pass with a policy that says one thing.
    let mut e = oracle();
    let says = |e: &mut Engine, v: serde_json::Value| oracle_says(e, &v.to_string());
    let gov = says(
        &mut e,
        serde_json::json!({"subject": {"type": "government"}}),
    );
    assert_eq!(gov.0, "eligible");
    let ind = says(&mut e, serde_json::json!({"subject": {"type": 0}}));
    assert_eq!(ind.0, "ineligible");
    let shop = serde_json::json!({
        "subject": {"type": "enterprise"},
        "categories": [{"first": "电商平台", "second": "电商平台", "status": "pending"}],
        "documents": [
            {"kind": "telecom_value_added_license", "service_items": ["B21"]},
            {"kind": "platform_service_agreement"},
            {"kind": "merchant_admission_rules"},
            {"kind": "dispute_resolution_mechanism"}
        ]
    });
    assert_eq!(says(&mut e, shop.clone()).0, "pending");
    let mut wrong_item = shop.clone();
    wrong_item["documents"][0]["service_items"] = serde_json::json!(["B11"]);
    assert_eq!(says(&mut e, wrong_item).0, "needs_action");
    let mut prohibited = shop.clone();
    prohibited["categories"][0]["status"] = serde_json::json!("approved");
    assert_eq!(says(&mut e, prohibited.clone()).0, "eligible");
    prohibited["goods"] = serde_json::json!(["催情香水"]);
    assert_eq!(says(&mut e, prohibited).0, "needs_action");
    let mut expired = shop;
    expired["as_of"] = serde_json::json!("2026-11-28");
    expired["documents"][1]["valid_until"] = serde_json::json!("2026-11-27");
    assert_eq!(says(&mut e, expired.clone()).0, "needs_action");
    expired["documents"][1]["valid_until"] = serde_json::json!("2026-11-28");
    expired["documents"][1]["holder"] = serde_json::json!("别家公司");
    expired["subject"]["name"] = serde_json::json!("本公司");
    assert_eq!(says(&mut e, expired).0, "needs_action");
}

#[test]
fn the_differential_catches_an_engine_whose_ruleset_drops_part_of_a_seed_rule() {
    // The same engine with aphrodisiacs no longer prohibited must disagree
    // with the oracle: the comparison is sensitive to one rule's condition.
    let text = livegate_core::DEFAULT_RULESET;
    let rule = "when = { goods = [\"aphrodisiac\", \"illegal_goods\"] }";
    assert!(
        text.contains(rule),
        "the prohibited-goods rule is in the ruleset"
    );
    let edited = text.replacen(rule, "when = { goods = [\"illegal_goods\"] }", 1);
    let rs = livegate_core::load(&edited, "edited.toml")
        .expect("the edited ruleset loads")
        .ruleset;
    let (d, _) = disagreements(&rs, 3, 2_000, false);
    assert!(!d.is_empty(), "no disagreement with aphrodisiacs allowed");
}
