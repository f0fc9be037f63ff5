//! What a report was made from, in words: the subject, the categories with
//! their statuses, the scenarios, goods and services. A viewer reads it in
//! place of the form, and every printed 预审报告 lists it.

use livegate_core::ruleset::Term;
use livegate_core::{Lang, Profile, Ruleset};
use maud::{Markup, html};

use super::i18n::{Key, t};
use super::profile_form::statuses;
use super::report::{category_name, rm};

/// A profile as a read-only list: for a viewer, and on every printed report.
pub fn summary(l: Lang, rs: &Ruleset, profile: &Profile) -> Markup {
    let kind = profile.subject.kind.0.as_str();
    let subject = rs
        .subject_types
        .iter()
        .find(|s| {
            s.id == kind
                || s.name.zh == kind
                || s.aliases.iter().any(|a| a == kind)
                || s.verify_type.is_some_and(|v| v.to_string() == kind)
        })
        .map_or_else(|| kind.to_string(), |s| s.name.get(l).to_string());
    let status = |s: Option<&str>| match s {
        Some(s) if statuses().any(|k| k == s) => rm(l, &format!("profile_status_{s}")),
        Some(s) => s.to_string(),
        None => "—".to_string(),
    };
    let names = |ids: &[String], terms: &[Term]| -> String {
        let words: Vec<&str> = ids
            .iter()
            .map(|i| {
                terms
                    .iter()
                    .find(|t| &t.id == i)
                    .map_or(i.as_str(), |t| t.name.get(l))
            })
            .collect();
        if words.is_empty() {
            "—".to_string()
        } else {
            words.join(&rm(l, "list_sep"))
        }
    };
    html! {
        dl.summary {
            dt { (t(l, Key::StepSubject)) } dd { (subject) }
            dt { (t(l, Key::StepCategories)) }
            dd { @if profile.categories.is_empty() { "—" } @else { ul { @for c in &profile.categories {
                @let label = match &c.second { Some(second) => format!("{}/{second}", c.first), None => c.first.clone() };
                li { (category_name(l, rs, &label)) (rm(l, "colon")) (status(c.status.as_deref())) }
            } } } }
            dt { (t(l, Key::Scenarios)) } dd { (names(&profile.scenarios, &rs.scenarios)) }
            dt { (t(l, Key::Goods)) } dd { (names(&profile.goods, &rs.goods)) }
            dt { (t(l, Key::Services)) } dd { (names(&profile.services, &rs.services)) }
        }
    }
}
