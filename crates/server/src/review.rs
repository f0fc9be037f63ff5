//! The review loop's part of an evaluation: which stored documents count
//! under the tenant's policy, and what the report says of the others (each
//! named, and a plan step to review each scan still awaiting review).

use livegate_core::profile::ProfileDocument;
use livegate_core::report::{Action, AwaitingReview};
use livegate_core::{Lang, Report, Ruleset};
use livegate_store::{Document, ReviewPolicy, ReviewState};

use crate::console::i18n::{Key, tf};
use crate::console::report::doc_title;

/// The documents an evaluation counts, and the ones it holds back.
pub fn counted(
    policy: ReviewPolicy,
    docs: Vec<Document>,
) -> serde_json::Result<(Vec<ProfileDocument>, Vec<Document>)> {
    let (count, held): (Vec<Document>, Vec<Document>) =
        docs.into_iter().partition(|d| policy.counts(d));
    let count = count
        .into_iter()
        .map(|d| serde_json::from_value(d.document))
        .collect::<Result<_, _>>()?;
    Ok((count, held))
}

/// A stored document's kind id.
pub fn kind_of(d: &Document) -> &str {
    d.document
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
}

/// Says in the report which documents were held back, and puts "review the
/// merchant's scan" first in the plan for each that awaits review.
pub fn annotate(rs: &Ruleset, lang: Lang, report: &mut Report, held: &[Document]) {
    let mut steps = Vec::new();
    for d in held {
        let kind = kind_of(d);
        let title = doc_title(rs, lang, kind);
        report.awaiting_review.push(AwaitingReview {
            document_id: d.id.clone(),
            kind: kind.to_string(),
            name: crate::console::report::doc_name(rs, lang, kind),
            review: d.review.state.as_str().to_string(),
            reason: d.review.reason.clone(),
        });
        if d.review.state == ReviewState::Submitted {
            steps.push(Action {
                id: "review_scan".into(),
                category: None,
                document: Some(kind.to_string()),
                goods: Vec::new(),
                message: tf(lang, Key::PlanReviewScan, &[("document", &title)]),
            });
        }
    }
    report.plan.splice(0..0, steps);
}

#[cfg(test)]
mod tests {
    use super::*;
    use livegate_store::{Review, Source};

    fn doc(source: Source, state: ReviewState) -> Document {
        Document {
            id: "doc_1".into(),
            applicant_id: "app_1".into(),
            version: 1,
            document: serde_json::json!({"kind": "icp_license"}),
            file: None,
            source,
            review: Review {
                state,
                ..Review::default()
            },
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn the_policy_says_which_documents_count() {
        use ReviewPolicy::*;
        use ReviewState::*;
        let cases = [
            (Link, Source::Typed, Submitted, true),
            (Link, Source::Link, Submitted, false),
            (Link, Source::Link, Verified, true),
            (Link, Source::Typed, Rejected, false),
            (All, Source::Typed, Submitted, false),
            (All, Source::Typed, Verified, true),
            (None, Source::Link, Submitted, true),
            (None, Source::Link, Rejected, false),
        ];
        for (policy, source, state, counts) in cases {
            let (c, held) = counted(policy, vec![doc(source, state)]).expect("parse");
            assert_eq!(c.len() == 1, counts, "{policy:?} {source:?} {state:?}");
            assert_eq!(held.len() == 1, !counts);
        }
    }
}
