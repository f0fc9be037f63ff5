//! The controls of the profile form, step by step: subject (1), scenarios
//! with goods and services (3); the categories (2) and the documents
//! checklist (4) are [`super::checklist`]'s. Every control has a label;
//! errors sit next to their field and what the person typed stays.

use std::collections::BTreeMap;

use livegate_core::ruleset::Term;
use livegate_core::{Lang, Ruleset};
use maud::{Markup, html};

use super::form::Form;
use super::i18n::{Key, t};

/// Errors of the form, by field name.
pub type Errors = BTreeMap<String, String>;

pub(super) fn error_for(errors: &Errors, field: &str) -> Markup {
    html! {
        @if let Some(e) = errors.get(field) {
            p.error id={ "err-" (field) } role="alert" { (e) }
        }
    }
}

/// Step 1: who registered the mini program.
pub fn subject(l: Lang, rs: &Ruleset, f: &Form, errors: &Errors) -> Markup {
    html! {
        fieldset.step id="step-subject" {
            legend { "1 · " (t(l, Key::StepSubject)) }
            (error_for(errors, "subject"))
            div.choices {
                @for s in &rs.subject_types {
                    label.choice {
                        input type="radio" name="subject" value=(s.id) checked[f.has("subject", &s.id)] required;
                        " " (s.name.get(l))
                    }
                }
            }
            (text_input(f, errors, "subject_name", &t(l, Key::SubjectName), None))
            (text_input(f, errors, "credit_code", &t(l, Key::CreditCode), Some("91110000…")))
            @if !rs.regions.is_empty() {
                div.field {
                    label for="region" { (t(l, Key::Region)) }
                    select id="region" name="region" {
                        @for r in &rs.regions {
                            option value=(r.id) selected[f.get("region") == Some(r.id.as_str())] { (r.name.get(l)) }
                        }
                    }
                    (error_for(errors, "region"))
                }
            }
        }
    }
}

fn text_input(f: &Form, errors: &Errors, name: &str, label: &str, hint: Option<&str>) -> Markup {
    let described = errors.contains_key(name).then(|| format!("err-{name}"));
    html! {
        div.field {
            label for=(name) { (label) }
            input type="text" id=(name) name=(name) value=[f.get(name)] placeholder=[hint]
                aria-invalid=[described.as_ref().map(|_| "true")] aria-describedby=[described];
            (error_for(errors, name))
        }
    }
}

/// Step 3: the live scenarios, the goods sold and the services offered.
pub fn activities(l: Lang, rs: &Ruleset, f: &Form, errors: &Errors) -> Markup {
    html! {
        fieldset.step id="step-activities" {
            legend { "3 · " (t(l, Key::StepActivities)) }
            (checkboxes(l, "scenario", &t(l, Key::Scenarios), &rs.scenarios, f, errors))
            (checkboxes(l, "goods", &t(l, Key::Goods), &rs.goods, f, errors))
            (checkboxes(l, "service", &t(l, Key::Services), &rs.services, f, errors))
            fieldset.sub {
                legend { (t(l, Key::MultiMerchant)) }
                @for (v, word) in [("", t(l, Key::Unknown)), ("yes", t(l, Key::Yes)), ("no", t(l, Key::No))] {
                    label.choice {
                        input type="radio" name="multi_merchant" value=(v)
                            checked[f.get("multi_merchant").unwrap_or("") == v];
                        " " (word)
                    }
                }
            }
        }
    }
}

fn checkboxes(
    l: Lang,
    name: &str,
    title: &str,
    terms: &[Term],
    f: &Form,
    errors: &Errors,
) -> Markup {
    html! {
        fieldset.sub {
            legend { (title) }
            (error_for(errors, name))
            div.choices {
                @for term in terms {
                    label.choice {
                        input type="checkbox" name=(name) value=(term.id) checked[f.has(name, &term.id)];
                        " " (term.name.get(l))
                    }
                }
            }
        }
    }
}
