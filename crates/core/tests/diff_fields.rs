//! `rules diff` reports every field that can change a verdict or a text:
//! one edit at a time, each must be named, and the same ruleset gives
//! nothing.

use livegate_core::diff::diff;
use livegate_core::{DEFAULT_RULESET, Lang, load};

fn changes_after(from: &str, to: &str) -> Vec<(String, String)> {
    assert!(
        DEFAULT_RULESET.contains(from),
        "fixture text not found: {from}"
    );
    let old = load(DEFAULT_RULESET, "old.toml")
        .expect("the curated ruleset")
        .ruleset;
    let edited = DEFAULT_RULESET.replacen(from, to, 1);
    let new = load(&edited, "new.toml").expect("the edit loads").ruleset;
    diff(&old, &new, Lang::En)
        .into_iter()
        .map(|c| (c.area, c.message))
        .collect()
}

#[test]
fn every_field_that_can_change_an_answer_is_reported() {
    let cases = [
        (
            "expiry_margin_days = 30",
            "expiry_margin_days = 45",
            "expiry margin",
        ),
        (
            "id = \"media\"\nverify_type = 3",
            "id = \"media\"\nverify_type = 4",
            "verify_type",
        ),
        (
            "prefix = \"92\"\nname = { zh = \"个体工商户\", en = \"an individually-owned business\" }\nsubject_types = [\"enterprise\"]",
            "prefix = \"92\"\nname = { zh = \"个体工商户\", en = \"an individually-owned business\" }\nsubject_types = [\"other_org\"]",
            "credit-code prefixes",
        ),
        (
            "aliases = [\"医疗服务/私立医疗机构\"]",
            "aliases = [\"医疗服务/私立医疗机构\", \"私立医疗机构\"]",
            "aliases",
        ),
        (
            "name = \"医疗服务\"\nen = \"Medical services\"\naliases = [\"医疗\"]",
            "name = \"医疗服务\"\nen = \"Medical services\"\naliases = [\"医疗\", \"医疗卫生\"]",
            "aliases",
        ),
        (
            "id = \"situation_letter\"\nname = { zh = \"情况说明函件\", en = \"Letter of explanation\" }\naliases = [\"情况说明函\"]\nissued_by = \"applicant\"",
            "id = \"situation_letter\"\nname = { zh = \"情况说明函件\", en = \"Letter of explanation\" }\naliases = [\"情况说明函\"]\nissued_by = \"authority\"",
            "who issues it",
        ),
        (
            "id = \"notary\"\nfirst = \"商业服务\"\nsecond = \"公证\"\nen = \"Notarisation\"\nscenarios = [\"notary_online\"]\nscope = { zh = \"适用于提供在线办理公证申请、预约、办理进度查询等\", en = \"Applying for, booking and tracking notarisations online\" }\nsource = \"https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html\"\nqualification_source = \"https://developers.weixin.qq.com/miniprogram/product/material/\"\nverified = 2026-12-03",
            "id = \"notary\"\nfirst = \"商业服务\"\nsecond = \"公证\"\nen = \"Notarisation\"\nscenarios = [\"notary_online\"]\nscope = { zh = \"适用于提供在线办理公证申请、预约、办理进度查询等\", en = \"Applying for, booking and tracking notarisations online\" }\nsource = \"https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html\"\nqualification_source = \"https://developers.weixin.qq.com/miniprogram/product/material/shangye/gongzheng.html\"\nverified = 2027-01-04",
            "day the qualification was checked",
        ),
        (
            "spare_ways = [\"standard_live_tags.hk_macao_transport_category\"]",
            "spare_ways = []",
            "ways a block leaves open",
        ),
        (
            "regions = [\"hong_kong\", \"macao\"], categories = [\"gov_transport\"]",
            "regions = [\"hong_kong\"], categories = [\"gov_transport\"]",
            "registered in",
        ),
        (
            "{ id = \"online_course_category\", categories = [\"edu_online_course\"] },\n]",
            "{ id = \"online_course_category\", categories = [\"edu_online_course\"], scenarios = [\"online_class\", \"ecommerce_selling\"] },\n]",
            "scenarios",
        ),
        (
            "verified = 2026-12-03\ndocuments_unsourced = true",
            "verified = 2026-12-03\ndocuments_unsourced = true\n\n[[categories.alternatives]]\nid = \"performance_licence\"\nlabel = { zh = \"营业执照\", en = \"Business licence\" }\nall_of = [{ doc = \"audiovisual_program_license\" }]",
            "documents' source",
        ),
    ];
    for (from, to, named) in cases {
        let to = to.replace(
            "documents_unsourced = true\n\n[[categories.alternatives]]",
            "\n[[categories.alternatives]]",
        );
        let got = changes_after(from, &to);
        assert!(
            got.iter().any(|(_, m)| m.contains(named)),
            "an edit of {named} is reported: {got:?}"
        );
    }
    let old = load(DEFAULT_RULESET, "a").unwrap().ruleset;
    let same = load(DEFAULT_RULESET, "b").unwrap().ruleset;
    assert!(
        diff(&old, &same, Lang::En).is_empty(),
        "the same ruleset: no change"
    );
}

#[test]
fn a_rules_paths_and_effect_are_reported() {
    let rule = "id = \"individual_not_supported\"\nseverity = \"error\"\nwhen = { subject_types = [\"individual\"] }\nblock = true";
    let got = changes_after(
        rule,
        &rule.replace(
            "block = true",
            "block = true\npaths = [\"cloud_live_plugin\"]",
        ),
    );
    assert!(
        got.iter().any(|(_, m)| m.contains("paths it applies to")),
        "{got:?}"
    );
    let got = changes_after(rule, &rule.replace("block = true", "block = false"));
    assert!(got.iter().any(|(_, m)| m.contains("effect")), "{got:?}");
}

#[test]
fn where_a_rule_fires_by_region_is_reported() {
    let got = changes_after(
        "when = { regions = [\"hong_kong\", \"macao\", \"taiwan\", \"overseas\"] }",
        "when = { regions = [\"hong_kong\", \"macao\", \"taiwan\"] }",
    );
    assert!(got.iter().any(|(a, _)| a == "rule"), "{got:?}");
}

#[test]
fn wechat_ids_and_a_checks_message_are_reported() {
    let got = changes_after(
        "id = \"social_live\"\n",
        "id = \"social_live\"\nwechat_first = 1003\nwechat_id = 1004\n",
    );
    assert!(
        got.iter().any(|(_, m)| m.contains("WeChat category ids")),
        "{got:?}"
    );
    let got = changes_after(
        "complete its qualification and resubmit{missing}.",
        "complete its qualification, then resubmit{missing}.",
    );
    assert!(
        got.iter()
            .any(|(a, m)| a == "check" && m.contains("message")),
        "{got:?}"
    );
}
