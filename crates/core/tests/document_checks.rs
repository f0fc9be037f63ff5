//! The checks a reviewer makes on documents and on the subject: dates,
//! holder, unified social credit code (GB 32100-2015), licence numbers,
//! documents given twice. Each both ways.

use livegate_core::credit::{CodeError, check_char, validate};
use livegate_core::report::{Finding, PathStatus, Report};
use livegate_core::ruleset::Severity;
use livegate_core::{Lang, Options, default_ruleset, evaluate_text};
use serde_json::{Value, json};

const NAME: &str = "深圳市示例科技有限公司";

fn eval_at(v: &Value, as_of: Option<&str>) -> Report {
    let rs = default_ruleset().unwrap();
    let opts = Options {
        lang: Lang::En,
        as_of: as_of.map(|d| d.parse().unwrap()),
    };
    evaluate_text(&rs, &v.to_string(), &opts).expect("evaluates")
}

fn eval(v: &Value) -> Report {
    eval_at(v, Some("2026-11-28"))
}

fn findings<'a>(r: &'a Report, id: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.id == id).collect()
}

/// A pending 电商平台 applicant whose licence is `license`, with the three platform documents.
fn with_license(license: Value) -> Value {
    json!({
        "subject": {"type": "enterprise", "name": NAME, "credit_code": "91440300708461136T"},
        "categories": [{"first": "电商平台", "second": "电商平台", "status": "pending"}],
        "scenarios": ["ecommerce_selling"],
        "multi_merchant": true,
        "documents": [
            license,
            {"kind": "platform_service_agreement"},
            {"kind": "merchant_admission_rules"},
            {"kind": "dispute_resolution_mechanism"}
        ]
    })
}

fn license(extra: Value) -> Value {
    let mut l =
        json!({"kind": "telecom_value_added_license", "service_items": ["online_data_processing"]});
    for (k, v) in extra.as_object().unwrap() {
        l[k] = v.clone();
    }
    l
}

fn cloud(r: &Report) -> PathStatus {
    r.path("cloud_live_plugin").unwrap().status
}

// Dates -----------------------------------------------------------------

#[test]
fn an_expired_document_does_not_count_and_is_an_error_with_its_date() {
    let r = eval(&with_license(license(json!({"valid_until": "2026-11-27"}))));
    assert_eq!(cloud(&r), PathStatus::Actionable);
    let f = findings(&r, "document_expired");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f[0].date.as_deref(), Some("2026-11-27"));
    assert_eq!(f[0].path.as_deref(), Some("documents[0]"));
    assert_eq!(
        r.path("cloud_live_plugin").unwrap().missing_documents,
        vec!["telecom_value_added_license"]
    );
}

#[test]
fn a_document_valid_until_the_evaluation_date_still_counts() {
    // Valid through the 28th, reviewed within 30 days: it counts, with a warning.
    let r = eval(&with_license(license(json!({"valid_until": "2026-11-28"}))));
    assert_eq!(cloud(&r), PathStatus::Pending);
    assert!(findings(&r, "document_expired").is_empty());
    assert_eq!(findings(&r, "document_expiring").len(), 1);
}

#[test]
fn a_document_not_yet_valid_does_not_count() {
    let r = eval(&with_license(license(json!({"valid_from": "2026-12-01"}))));
    assert_eq!(cloud(&r), PathStatus::Actionable);
    let f = findings(&r, "document_not_yet_valid");
    assert_eq!(f[0].date.as_deref(), Some("2026-12-01"));
    let r = eval(&with_license(license(json!({"valid_from": "2026-11-28"}))));
    assert_eq!(cloud(&r), PathStatus::Pending);
    assert!(findings(&r, "document_not_yet_valid").is_empty());
}

#[test]
fn expiring_warns_inside_the_margin_and_not_outside_it() {
    // The margin is 30 days; 电商平台 announces no extra review.
    let inside = eval(&with_license(license(json!({"valid_until": "2026-12-28"}))));
    let f = findings(&inside, "document_expiring");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].days, Some(30));
    assert_eq!(f[0].date.as_deref(), Some("2026-12-28"));
    assert_eq!(
        cloud(&inside),
        PathStatus::Pending,
        "an expiring document still counts"
    );
    let outside = eval(&with_license(license(json!({"valid_until": "2026-12-29"}))));
    assert!(findings(&outside, "document_expiring").is_empty());
}

#[test]
fn the_authority_review_days_widen_the_expiry_window_while_social_live_is_not_approved() {
    let profile = |status: &str, until: &str| {
        json!({
            "subject": {"type": "enterprise", "name": NAME},
            "categories": [{"first": "社交", "second": "直播", "status": status}],
            "scenarios": ["entertainment"],
            "documents": [{"kind": "audiovisual_program_license", "valid_until": until}]
        })
    };
    // 30 days of margin + 7 days of authority review = 37.
    let r = eval(&profile("pending", "2027-01-04"));
    assert_eq!(findings(&r, "document_expiring")[0].days, Some(37));
    assert!(
        findings(
            &eval(&profile("pending", "2027-01-05")),
            "document_expiring"
        )
        .is_empty()
    );
    // Once approved, no review is ahead: the plain 30-day margin applies.
    assert!(
        findings(
            &eval(&profile("approved", "2027-01-04")),
            "document_expiring"
        )
        .is_empty()
    );
}

#[test]
fn the_profile_as_of_wins_over_the_option_and_without_either_dates_are_not_checked() {
    let mut p = with_license(license(json!({"valid_until": "2026-06-30"})));
    assert_eq!(cloud(&eval_at(&p, None)), PathStatus::Pending);
    assert!(eval_at(&p, None).as_of.is_none());
    p["as_of"] = json!("2026-01-01");
    let r = eval_at(&p, Some("2026-11-28"));
    assert_eq!(r.as_of.as_deref(), Some("2026-01-01"));
    assert!(findings(&r, "document_expired").is_empty());
}

#[test]
fn an_invalid_date_is_a_profile_error_naming_the_field() {
    let rs = default_ruleset().unwrap();
    let text = with_license(license(json!({"valid_until": "2026-02-30"}))).to_string();
    let e = evaluate_text(&rs, &text, &Options::default()).unwrap_err();
    assert_eq!(e.path, "documents[0].valid_until");
    assert!(e.line.is_some());
    let text = json!({"subject": {"type": "enterprise"}, "as_of": "next week"}).to_string();
    let e = evaluate_text(&rs, &text, &Options::default()).unwrap_err();
    assert_eq!(e.path, "as_of");
}

// Holder ----------------------------------------------------------------

#[test]
fn a_document_of_another_holder_does_not_count() {
    let r = eval(&with_license(license(
        json!({"holder": "深圳市另一科技有限公司"}),
    )));
    assert_eq!(cloud(&r), PathStatus::Actionable);
    let f = findings(&r, "holder_mismatch");
    assert_eq!(f[0].severity, Severity::Error);
    assert!(f[0].message.contains("深圳市另一科技有限公司"));
}

#[test]
fn a_holder_differing_only_in_space_brackets_or_width_matches() {
    for holder in [" 深圳市示例科技有限公司 ", "深圳市示例科技有限公司\u{3000}"]
    {
        let r = eval(&with_license(license(json!({"holder": holder}))));
        assert_eq!(cloud(&r), PathStatus::Pending, "{holder:?}");
        assert!(findings(&r, "holder_mismatch").is_empty());
    }
    let mut p = with_license(license(json!({"holder": "示例（深圳）科技有限公司ＡＢ１"})));
    p["subject"]["name"] = json!("示例(深圳)科技有限公司AB1");
    assert_eq!(cloud(&eval(&p)), PathStatus::Pending);
}

#[test]
fn a_document_credit_code_must_be_the_subjects() {
    let r = eval(&with_license(license(
        json!({"credit_code": "91110000802100433B"}),
    )));
    assert_eq!(cloud(&r), PathStatus::Actionable);
    let f = findings(&r, "holder_mismatch");
    assert_eq!(f[0].expected.as_deref(), Some("91440300708461136T"));
    let r = eval(&with_license(license(
        json!({"credit_code": "91440300708461136t"}),
    )));
    assert_eq!(cloud(&r), PathStatus::Pending);
}

// Unified social credit code --------------------------------------------

// Worked by hand from GB 32100-2015 (values: 0-9 → 0-9, A → 10, … T → 26, …):
// 9 1 4 4 0 3 0 0 7 0 8 4 6 1 1 3 6 weighted by 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
// = 9+3+36+108+0+78+0+0+140+0+200+52+48+24+10+90+168 = 966; 966 mod 31 = 5; 31 − 5 = 26 → T.
const ENTERPRISE: &str = "91440300708461136T";
// 1 1 4 4 0 3 0 0 0 0 7 5 4 2 4 4 0 weighted likewise
// = 1+3+36+108+0+78+0+0+0+0+175+65+32+48+40+120+0 = 706; 706 mod 31 = 24; 31 − 24 = 7 → 7.
const GOVERNMENT: &str = "114403000075424407";

#[test]
fn credit_codes_computed_by_hand_validate() {
    assert_eq!(validate(ENTERPRISE), Ok(()));
    assert_eq!(validate(GOVERNMENT), Ok(()));
    assert_eq!(check_char("91440300708461136"), Some('T'));
    assert_eq!(check_char("11440300007542440"), Some('7'));
}

#[test]
fn one_wrong_character_in_each_position_class_is_caught() {
    // Registration authority (position 1): 5 instead of 9 → check should be Y.
    assert_eq!(
        validate("51440300708461136T"),
        Err(CodeError::Check {
            expected: 'Y',
            found: 'T'
        })
    );
    // Organisation type (position 2): 2 instead of 1 → P.
    assert_eq!(
        validate("92440300708461136T"),
        Err(CodeError::Check {
            expected: 'P',
            found: 'T'
        })
    );
    // Administrative division (positions 3-8): 440301 instead of 440300 → 9.
    assert_eq!(
        validate("91440301708461136T"),
        Err(CodeError::Check {
            expected: '9',
            found: 'T'
        })
    );
    // Organisation code (positions 9-17): last digit 7 instead of 6 → X.
    assert_eq!(
        validate("91440300708461137T"),
        Err(CodeError::Check {
            expected: 'X',
            found: 'T'
        })
    );
    // Check character (position 18).
    assert_eq!(
        validate("91440300708461136U"),
        Err(CodeError::Check {
            expected: 'T',
            found: 'U'
        })
    );
    // Characters outside the set, and the wrong length.
    assert_eq!(
        validate("9144030070846113IT"),
        Err(CodeError::Character {
            position: 17,
            found: 'I'
        })
    );
    assert_eq!(validate("91440300708461136"), Err(CodeError::Length(17)));
}

#[test]
fn an_invalid_subject_credit_code_is_an_error_with_the_expected_check_character() {
    let r = eval(&json!({"subject": {"type": "enterprise", "credit_code": "91440300708461136U"}}));
    let f = findings(&r, "invalid_credit_code");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f[0].expected.as_deref(), Some("T"));
    assert_eq!(f[0].path.as_deref(), Some("subject.credit_code"));
    let ok = eval(&json!({"subject": {"type": "enterprise", "credit_code": ENTERPRISE}}));
    assert!(findings(&ok, "invalid_credit_code").is_empty());
}

#[test]
fn a_credit_code_whose_prefix_contradicts_the_subject_type_is_warned() {
    let r = eval(&json!({"subject": {"type": "government", "credit_code": ENTERPRISE}}));
    let f = findings(&r, "credit_code_subject_mismatch");
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("91"));
    for (t, code) in [("government", GOVERNMENT), ("enterprise", ENTERPRISE)] {
        let r = eval(&json!({"subject": {"type": t, "credit_code": code}}));
        assert!(
            findings(&r, "credit_code_subject_mismatch").is_empty(),
            "{t}"
        );
    }
    let r = eval(&json!({"subject": {"type": "enterprise", "credit_code": GOVERNMENT}}));
    assert_eq!(findings(&r, "credit_code_subject_mismatch").len(), 1);
}

// Licence numbers ---------------------------------------------------------

#[test]
fn telecom_licence_numbers_follow_the_format_with_or_without_a_province() {
    for ok in [
        "粤B2-20201234",
        "B2-20190001",
        "京B1-12345678",
        "粤Ｂ２－２０２０１２３４",
        // Real licences as their holders print them.
        "沪B2-20090028",
        "琼 B2-20090005",
        "京ICP证030173号",
        "京ICP证030173号-1",
    ] {
        let r = eval(&with_license(license(json!({"number": ok}))));
        assert!(findings(&r, "document_number_format").is_empty(), "{ok}");
    }
    for bad in [
        "粤B3-20201234",
        "粤B2-2020123",
        "B2 20190001",
        "ICP备12345678号",
        "港B2-20201234",
        "京ICP备12345678号",
        "ICP证030173号",
        "京ICP证号",
    ] {
        let r = eval(&with_license(license(json!({"number": bad}))));
        let f = findings(&r, "document_number_format");
        assert_eq!(f.len(), 1, "{bad}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            cloud(&r),
            PathStatus::Pending,
            "a malformed number still counts: {bad}"
        );
    }
}

#[test]
fn culture_licence_numbers_follow_the_format() {
    let profile = |number: &str| {
        json!({
            "subject": {"type": "enterprise"},
            "categories": [{"first": "社交", "second": "直播", "status": "pending"}],
            "scenarios": ["entertainment"],
            "documents": [{"kind": "network_culture_license", "scope": ["online_performance"], "number": number}]
        })
    };
    for ok in [
        "京网文〔2019〕1234-123号",
        "川网文[2021]1234-056号",
        "京网文【2013】0934-983号",
        // Issued by the ministry itself, before provinces took over.
        "文网文〔2009〕105号",
        "文网文[2009]221号",
    ] {
        assert!(
            findings(&eval(&profile(ok)), "document_number_format").is_empty(),
            "{ok}"
        );
    }
    for bad in [
        "京网文2019-1234号",
        "网文〔2019〕1234-123号",
        "京网文〔19〕1234-123号",
        "京网文〔2019〕1234号",
        "文网文〔2009〕号",
        "京文网〔2019〕1234-123号",
    ] {
        assert_eq!(
            findings(&eval(&profile(bad)), "document_number_format").len(),
            1,
            "{bad}"
        );
    }
}

// Documents given twice ---------------------------------------------------

#[test]
fn of_a_document_given_twice_the_valid_one_counts_and_the_other_is_reported() {
    let mut p = with_license(license(json!({"valid_until": "2025-01-01"})));
    p["documents"]
        .as_array_mut()
        .unwrap()
        .push(license(json!({"valid_until": "2029-01-01"})));
    let r = eval(&p);
    assert_eq!(cloud(&r), PathStatus::Pending);
    assert_eq!(findings(&r, "document_expired").len(), 1);
    let d = findings(&r, "duplicate_document");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].path.as_deref(), Some("documents[0]"));
    assert!(d[0].message.contains("documents[4]"), "{}", d[0].message);
}

#[test]
fn of_two_valid_copies_the_later_expiry_counts_and_its_expiry_is_watched() {
    let mut p = with_license(license(json!({"valid_until": "2026-12-01"})));
    p["documents"]
        .as_array_mut()
        .unwrap()
        .push(license(json!({"valid_until": "2029-01-01"})));
    let r = eval(&p);
    assert!(
        findings(&r, "document_expiring").is_empty(),
        "the later copy is the one that counts"
    );
    assert_eq!(
        findings(&r, "duplicate_document")[0].path.as_deref(),
        Some("documents[0]")
    );
    let single = eval(&with_license(license(json!({}))));
    assert!(findings(&single, "duplicate_document").is_empty());
}

#[test]
fn a_number_format_finding_is_livegates_own_check_and_names_where_the_format_was_seen() {
    use livegate_core::ruleset::Basis;
    let r = eval(&with_license(license(json!({"number": "粤B3-20201234"}))));
    let f = findings(&r, "document_number_format");
    assert_eq!(
        f[0].basis,
        Basis::Livegate,
        "a format is livegate's judgement, not WeChat's rule"
    );
    assert!(!f[0].source.contains("weixin.qq.com"), "{}", f[0].source);
}

/// A valid credit code of `prefix`: the prefix, a region and an
/// organisation code, and its check character.
fn code_with_prefix(prefix: &str) -> String {
    let first17 = format!("{prefix}440300MA5FXXXX0");
    let c = check_char(&first17).expect("a check character");
    format!("{first17}{c}")
}

#[test]
fn justice_administration_prefixes_fit_the_subjects_they_register() {
    // 32: a notary office (公证处), registered by justice administration.
    let notary = code_with_prefix("32");
    assert!(validate(&notary).is_ok());
    let r = eval(&json!({"subject": {"type": "other_org", "credit_code": notary}}));
    assert!(findings(&r, "credit_code_subject_mismatch").is_empty());
    let r = eval(&json!({"subject": {"type": "media", "credit_code": notary}}));
    let f = findings(&r, "credit_code_subject_mismatch");
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("notary office"), "{}", f[0].message);
}

#[test]
fn an_individually_owned_business_code_fits_an_enterprise_subject_as_wechat_verifies_it() {
    let business = code_with_prefix("92");
    let r = eval(&json!({"subject": {"type": "enterprise", "credit_code": business}}));
    assert!(findings(&r, "credit_code_subject_mismatch").is_empty());
    let r = eval(&json!({"subject": {"type": "government", "credit_code": business}}));
    assert_eq!(findings(&r, "credit_code_subject_mismatch").len(), 1);
}
