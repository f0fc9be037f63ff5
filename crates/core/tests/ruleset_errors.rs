//! A broken ruleset is refused with every error located by line, column and
//! key, and a typo gets the nearest valid id.

use livegate_core::{DEFAULT_RULESET, Level, RulesetError, load};

fn broken(from: &str, to: &str) -> RulesetError {
    assert!(
        DEFAULT_RULESET.contains(from),
        "fixture text not found: {from}"
    );
    let text = DEFAULT_RULESET.replacen(from, to, 1);
    match load(&text, "edited.toml") {
        Ok(_) => panic!("ruleset with `{to}` should not load"),
        Err(e) => e,
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn the_curated_ruleset_loads_without_errors_or_warnings() {
    let l = load(DEFAULT_RULESET, "wechat-live.toml").unwrap();
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.ruleset.paths.len(), 2);
    // Every qualification expands to a handful of terms over the atoms.
    assert!(l.ruleset.atoms.len() <= 256, "{}", l.ruleset.atoms.len());
}

#[test]
fn a_misspelt_document_reference_names_line_key_and_nearest_id() {
    let e = broken(
        "{ doc = \"merchant_admission_rules\" }",
        "{ doc = \"merchant_admision_rules\" }",
    );
    let d = &e.diagnostics[0];
    assert_eq!(d.level, Level::Error);
    let text = DEFAULT_RULESET.replacen(
        "merchant_admission_rules\" }",
        "merchant_admision_rules\" }",
        1,
    );
    assert_eq!(d.line, line_of(&text, "merchant_admision_rules"));
    assert_eq!(d.key, "groups[0].all_of[1].doc");
    assert_eq!(d.suggestion.as_deref(), Some("merchant_admission_rules"));
    let shown = e.to_string();
    assert!(shown.starts_with("edited.toml:"), "{shown}");
    assert!(
        shown.contains("did you mean `merchant_admission_rules`"),
        "{shown}"
    );
}

#[test]
fn an_unknown_key_is_refused_with_the_nearest_known_key() {
    let e = broken(
        "scenarios = [\"ecommerce_selling\"]\nscope",
        "scenarioz = [\"ecommerce_selling\"]\nscope",
    );
    let d = &e.diagnostics[0];
    assert!(d.message.contains("unknown field"), "{}", d.message);
    assert_eq!(d.suggestion.as_deref(), Some("scenarios"));
    assert!(d.line > 1);
}

#[test]
fn a_toml_syntax_error_is_located() {
    let e = broken(
        "[[paths]]\nid = \"cloud_live_plugin\"",
        "[[paths]\nid = \"cloud_live_plugin\"",
    );
    assert_eq!(e.diagnostics.len(), 1);
    assert_eq!(
        e.diagnostics[0].line,
        line_of(DEFAULT_RULESET, "[[paths]]\nid = \"cloud_live_plugin\"")
    );
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let text = DEFAULT_RULESET
        .replacen(
            "categories = [\"ecommerce_platform\"] }",
            "categories = [\"ecommerce_platfrom\"] }",
            1,
        )
        .replacen(
            "when = { goods = [\"medical_device\", \"otc_drug\"] }",
            "when = { goods = [\"medical_devise\", \"otc_drug\"] }",
            1,
        );
    let e = load(&text, "x.toml").err().expect("refused");
    assert_eq!(e.diagnostics.len(), 2, "{e}");
    let s: Vec<_> = e
        .diagnostics
        .iter()
        .filter_map(|d| d.suggestion.as_deref())
        .collect();
    assert_eq!(s, vec!["ecommerce_platform", "medical_device"]);
}

#[test]
fn a_duplicate_id_is_refused() {
    let e = broken(
        "id = \"situation_letter\"",
        "id = \"credit_code_certificate\"",
    );
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.message.contains("defined twice")),
        "{e}"
    );
}

#[test]
fn a_rule_without_a_source_is_refused() {
    let start = DEFAULT_RULESET
        .find("[[rules]]\nid = \"ecommerce_platform_scope\"")
        .unwrap();
    let src = start + DEFAULT_RULESET[start..].find("source = ").unwrap();
    let end = src + DEFAULT_RULESET[src..].find('\n').unwrap();
    let text = format!("{}{}", &DEFAULT_RULESET[..src], &DEFAULT_RULESET[end + 1..]);
    let e = load(&text, "x.toml").err().expect("refused");
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.key.starts_with("rules[") && d.key.ends_with("].source")),
        "{e}"
    );
}

#[test]
fn groups_that_refer_to_each_other_in_a_cycle_are_refused() {
    let one_edge = DEFAULT_RULESET.replacen(
        "  { doc = \"dispute_resolution_mechanism\" },\n]",
        "  { doc = \"dispute_resolution_mechanism\" },\n  { group = \"telecom_license_application\" },\n]",
        1,
    );
    assert!(
        load(&one_edge, "x.toml").is_ok(),
        "one reference is no cycle"
    );
    let cycle = one_edge.replacen(
        "  { doc = \"other_authority_materials\", optional = true },\n]",
        "  { doc = \"other_authority_materials\", optional = true },\n  { group = \"ecommerce_platform_rules\" },\n]",
        1,
    );
    let e = load(&cycle, "x.toml").err().expect("cycle refused");
    assert!(
        e.diagnostics.iter().any(|d| d.message.contains("cycle")),
        "{e}"
    );
}

#[test]
fn an_attribute_value_outside_the_list_is_refused() {
    let e = broken(
        "service_items = [\"domestic_multiparty_communication\"]",
        "service_items = [\"domestic_multiparty_comunication\"]",
    );
    assert_eq!(
        e.diagnostics[0].suggestion.as_deref(),
        Some("domestic_multiparty_communication")
    );
}

#[test]
fn a_constraint_on_an_attribute_the_document_lacks_is_refused() {
    let e = broken(
        "practice_scope = [\"internet_diagnosis\", \"internet_hospital_name\"]",
        "practise_scope = [\"internet_diagnosis\"]",
    );
    assert!(e.diagnostics[0].message.contains("has no attribute"), "{e}");
    assert_eq!(
        e.diagnostics[0].suggestion.as_deref(),
        Some("practice_scope")
    );
}

#[test]
fn a_requirement_with_two_kinds_is_refused() {
    let e = broken(
        "{ doc = \"situation_letter\" }",
        "{ doc = \"situation_letter\", group = \"ecommerce_platform_rules\" }",
    );
    assert!(e.diagnostics[0].message.contains("exactly one"), "{e}");
}

#[test]
fn an_unknown_severity_and_engine_check_suggest_the_nearest() {
    let e = broken("severity = \"warning\"", "severity = \"warn\"");
    assert_eq!(e.diagnostics[0].suggestion.as_deref(), Some("warning"));
    let e = broken(
        "check = \"scenario_mismatch\"",
        "check = \"scenario_mismatsh\"",
    );
    assert_eq!(
        e.diagnostics[0].suggestion.as_deref(),
        Some("scenario_mismatch")
    );
}

#[test]
fn an_as_of_that_is_not_a_date_is_refused() {
    let e = broken("as_of = 2026-12-03", "as_of = 2026-12-03T10:00:00");
    assert_eq!(e.diagnostics[0].key, "ruleset.as_of");
}

#[test]
fn lint_warns_of_a_missing_translation_an_unused_category_and_an_identical_alternative() {
    let text = DEFAULT_RULESET
        .replacen(
            "name = { zh = \"医疗器械\", en = \"Medical devices\" }",
            "name = { zh = \"医疗器械\" }",
            1,
        )
        .replacen(
            "[[categories]]\nid = \"political_news\"",
            "[[categories]]\nid = \"tools\"\nfirst = \"工具\"\nsecond = \"信息查询\"\nsource = \"https://developers.weixin.qq.com/miniprogram/product/material/\"\n\n[[categories]]\nid = \"political_news\"",
            1,
        )
        .replacen(
            "[[categories.alternatives]]\nid = \"audiovisual_platform_filing\"",
            "[[categories.alternatives]]\nid = \"audiovisual_again\"\nlabel = { zh = \"重复\", en = \"again\" }\nall_of = [{ doc = \"audiovisual_program_license\" }]\n\n[[categories.alternatives]]\nid = \"audiovisual_platform_filing\"",
            1,
        );
    let l = load(&text, "x.toml").expect("warnings do not stop loading");
    let msgs: Vec<&str> = l.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("missing en translation")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("`tools` is used by no path")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("identical to `audiovisual_license`")),
        "{msgs:?}"
    );
}

#[test]
fn an_alternative_no_subject_type_can_use_is_warned_unreachable() {
    let text = DEFAULT_RULESET.replacen(
        "all_of = [{ doc = \"credit_code_certificate\" }, { doc = \"situation_letter\" }]",
        "all_of = [{ doc = \"credit_code_certificate\", subject_types = [\"enterprise\"] }, { doc = \"situation_letter\" }]",
        1,
    );
    let l = load(&text, "x.toml").unwrap();
    assert!(
        l.warnings.iter().any(|w| w.message.contains("unreachable")),
        "{:?}",
        l.warnings
    );
}

#[test]
fn an_empty_ruleset_is_refused_not_panicked_on() {
    let e = load("", "empty.toml").err().unwrap();
    assert!(e.to_string().contains("missing field `ruleset`"), "{e}");
    let e = load("\u{0}\u{1}garbage", "bin.toml").err().unwrap();
    assert!(!e.diagnostics.is_empty());
}

#[test]
fn lint_warns_of_an_engine_check_with_no_entry_and_a_category_without_documents() {
    let start = DEFAULT_RULESET
        .find("[[checks]]\ncheck = \"number_format\"")
        .expect("the number_format check");
    let end = start
        + DEFAULT_RULESET[start + 1..]
            .find("\n[[")
            .expect("the next table")
        + 2;
    let mut text = format!("{}{}", &DEFAULT_RULESET[..start], &DEFAULT_RULESET[end..]);
    text = text.replacen("documents_unsourced = true\n", "", 1);
    let l = load(&text, "x.toml").expect("warnings do not stop loading");
    let msgs: Vec<&str> = l.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("`number_format` has no [[checks]] entry")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("no alternatives: the category counts as qualified")),
        "{msgs:?}"
    );
    // Both ways: a category cannot be unsourced and list alternatives.
    let both = DEFAULT_RULESET.replacen(
        "source = \"https://developers.weixin.qq.com/miniprogram/product/material/shejiao/zhibo.html\"",
        "source = \"https://developers.weixin.qq.com/miniprogram/product/material/shejiao/zhibo.html\"\ndocuments_unsourced = true",
        1,
    );
    assert_ne!(both, DEFAULT_RULESET);
    let Err(e) = load(&both, "x.toml") else {
        panic!("unsourced with alternatives is an error");
    };
    assert!(e.to_string().contains("cannot list alternatives"), "{e}");
}
