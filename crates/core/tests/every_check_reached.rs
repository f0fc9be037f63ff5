//! Every engine check and every rule of the curated ruleset is reached by
//! some profile: the ruleset's own test cases, the examples, and a few
//! written here for the checks they miss. A check whose note is never
//! raised, or never phrased, fails this test.

use std::collections::BTreeSet;

use livegate_core::{Lang, Options, dates, default_ruleset, evaluate_text};

/// Profiles for the checks the ruleset's cases and the examples do not reach.
const MORE: &[&str] = &[
    // The subject's credit code belongs to another subject type.
    r#"{"subject": {"type": "enterprise", "credit_code": "114403000075424407"}}"#,
    // The same document twice.
    r#"{"subject": {"type": "enterprise"}, "categories": [{"first": "社交", "second": "直播", "status": "pending"}],
        "documents": [{"kind": "audiovisual_program_license", "valid_until": "2025-01-01"},
                      {"kind": "audiovisual_program_license", "valid_until": "2029-01-01"}]}"#,
    // Registered outside mainland China.
    r#"{"subject": {"type": "enterprise", "region": "hong_kong"}}"#,
    // A rejected category; a document not yet in force, with a number of
    // the wrong form; a document and a scenario the ruleset does not know.
    r#"{"subject": {"type": "enterprise"}, "categories": [{"first": "社交", "second": "直播", "status": "rejected"}],
        "scenarios": ["karaoke"],
        "documents": [{"kind": "telecom_value_added_license", "number": "B2-1", "valid_from": "2027-01-01"},
                      {"kind": "diploma"}]}"#,
];

/// A new engine check needs its `[[checks]]` entry in the curated ruleset
/// (the lint warns too); with it, the test below asks that it be raised.
#[test]
fn every_engine_check_kind_has_a_checks_entry_in_the_curated_ruleset() {
    let rs = default_ruleset().unwrap();
    for (id, kind) in livegate_core::ruleset::CheckKind::ALL {
        assert!(
            rs.checks.iter().any(|c| c.kind == kind),
            "the engine's check `{id}` has no [[checks]] entry in rules/wechat-live.toml"
        );
    }
}

#[test]
fn every_check_and_rule_of_the_curated_ruleset_is_reached() {
    let rs = default_ruleset().unwrap();
    let mut profiles: Vec<String> = rs.tests.iter().map(|t| t.profile.clone()).collect();
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            profiles.push(std::fs::read_to_string(path).unwrap());
        }
    }
    profiles.extend(MORE.iter().map(|s| s.to_string()));
    let opts = Options {
        lang: Lang::En,
        as_of: dates::parse("2026-11-28"),
    };
    let mut seen = BTreeSet::new();
    for p in &profiles {
        if let Ok(report) = evaluate_text(&rs, p, &opts) {
            seen.extend(report.findings.iter().map(|f| f.id.clone()));
        }
    }
    let expected: BTreeSet<String> = rs
        .checks
        .iter()
        .map(|c| c.id.clone())
        .chain(rs.rules.iter().map(|r| r.id.clone()))
        .collect();
    let missing: Vec<&String> = expected.difference(&seen).collect();
    assert!(missing.is_empty(), "never reached: {missing:?}");
}
