//! A profile with several mistakes is told all of them at once: each with
//! its own path, line, column and suggestion, in the order found, and none
//! that only follows from another.

use livegate_core::{Lang, ProfileError, decide_text, default_ruleset, further_errors};

fn all(text: &str) -> Vec<ProfileError> {
    let rs = default_ruleset().expect("ruleset");
    let Err(first) = decide_text(&rs, text, None, Lang::Zh) else {
        return Vec::new();
    };
    let mut out = vec![first.clone()];
    out.extend(further_errors(&rs, text, &first, None, Lang::Zh));
    out
}

#[test]
fn every_mistake_of_a_profile_is_found_with_its_own_place_and_suggestion() {
    let text = r#"{"subject": {"type": "enterprise"},
 "catgories": [],
 "categories": [{"first": "电商平台", "second": "电商平台", "status": "aproved"}],
 "documents": [{"kind": "business_license", "valid_until": "2026-13-01"}],
 "multi_merchant": "yes"}"#;
    let errors = all(text);
    let mut places: Vec<(&str, Option<usize>, Option<&str>)> = errors
        .iter()
        .map(|e| (e.path.as_str(), e.line, e.suggestion.as_deref()))
        .collect();
    places.sort();
    assert_eq!(
        places,
        vec![
            ("categories[0].status", Some(3), Some("approved")),
            ("catgories", Some(2), Some("categories")),
            ("documents[0].valid_until", Some(4), None),
            ("multi_merchant", Some(5), None),
        ],
        "{errors:#?}"
    );
}

#[test]
fn a_valid_profile_and_a_single_mistake_give_no_further_errors() {
    assert!(all(r#"{"subject": {"type": "enterprise"}}"#).is_empty());
    let one = all(r#"{"subject": {"type": "enterprise"}, "scenario": []}"#);
    assert_eq!(one.len(), 1, "{one:?}");
    assert_eq!(one[0].suggestion.as_deref(), Some("scenarios"));
}

#[test]
fn text_that_is_not_json_has_one_error_and_a_missing_field_none_after_it() {
    assert_eq!(all(r#"{"subject": {"type": "enterprise"},"#).len(), 1);
    // The subject type is wrong: nothing after it can be decided without one.
    let errors = all(r#"{"subject": {"type": "company"}, "catgories": []}"#);
    assert!(errors.iter().all(|e| !e.path.is_empty()), "{errors:?}");
    assert!(errors.len() <= 2, "{errors:?}");
}
