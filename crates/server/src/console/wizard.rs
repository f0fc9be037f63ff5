//! The controls of the profile form, step by step: subject, categories,
//! scenarios with goods and services, and the documents checklist that the
//! ruleset's "N 选 1" alternatives generate for the categories in play.
//! Every control has a label; errors sit next to their field and what the
//! person typed stays.

use std::collections::BTreeMap;

use livegate_core::ruleset::{Category, Expr, SubjectMask, Term};
use livegate_core::{Lang, Report, Ruleset};
use maud::{Markup, html};

use super::form::Form;
use super::i18n::{Key, t, tf};
use super::profile_form::{DOC_FIELDS, statuses};
use super::report::{doc_title, rm, source_link};

/// Errors of the form, by field name.
pub type Errors = BTreeMap<String, String>;

fn error_for(errors: &Errors, field: &str) -> Markup {
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

/// Step 2: the ruleset's categories under their first levels (一级类目), in
/// the ruleset's order, as WeChat's own 服务类目 page adds them: a group
/// opens on its first level, the groups with a chosen category are open,
/// and the search opens the groups it finds something in.
pub fn categories(l: Lang, rs: &Ruleset, f: &Form, errors: &Errors) -> Markup {
    let mut firsts: Vec<&str> = Vec::new();
    for c in &rs.categories {
        if !firsts.contains(&c.first.as_str()) {
            firsts.push(&c.first);
        }
    }
    html! {
        fieldset.step id="step-categories" {
            legend { "2 · " (t(l, Key::StepCategories)) }
            p.hint { (t(l, Key::CategoriesHint)) }
            (error_for(errors, "categories"))
            div.field.js-only hidden {
                label for="category-filter" { (t(l, Key::CategoryFilter)) }
                input type="search" id="category-filter" data-filter=".cat-row" autocomplete="off";
            }
            @for first in firsts { (first_level(l, rs, f, first)) }
        }
    }
}

fn first_level(l: Lang, rs: &Ruleset, f: &Form, first: &str) -> Markup {
    let cats: Vec<_> = rs.categories.iter().filter(|c| c.first == first).collect();
    let chosen = cats
        .iter()
        .filter(|c| f.get(&format!("c.{}", c.id)).is_some_and(|v| !v.is_empty()))
        .count();
    html! {
        details.first-level data-first=(first) open[chosen > 0] data-chosen=(chosen) {
            summary {
                span lang="zh-CN" { (first) } " "
                span.hint { (tf(l, Key::FirstLevelCount, &[("n", &cats.len().to_string()), ("chosen", &chosen.to_string())])) }
            }
            table.cats {
                thead { tr { th scope="col" { (t(l, Key::Category)) } th scope="col" { (t(l, Key::CategoryStatus)) } } }
                tbody {
                    @for c in cats {
                        @let name = format!("c.{}", c.id);
                        tr.cat-row data-search={ (c.label()) " " (c.id) " " (c.aliases.join(" ")) " " (c.en.as_deref().unwrap_or("")) } {
                            th scope="row" { label for=(name) { (category_label(l, c)) } }
                            td { (status_select(l, f, &name)) }
                        }
                    }
                }
            }
        }
    }
}

/// A category's name as WeChat writes it, marked as Chinese, with
/// livegate's English gloss after it on an English page.
pub fn category_label(l: Lang, c: &Category) -> Markup {
    html! {
        span lang="zh-CN" { (c.label()) }
        @if let (Lang::En, Some(en)) = (l, &c.en) { " (" (en) ")" }
    }
}

fn status_select(l: Lang, f: &Form, name: &str) -> Markup {
    let current = f.get(name).unwrap_or("");
    html! {
        select id=(name) name=(name) {
            option value="" selected[current.is_empty()] { (t(l, Key::StatusNotChosen)) }
            @for s in statuses() {
                option value=(s) selected[current == s] { (rm(l, &format!("profile_status_{s}"))) }
            }
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

/// The categories whose qualifications the checklist shows: those chosen,
/// and those a path of the report needs.
pub fn checklist_categories(rs: &Ruleset, f: &Form, report: Option<&Report>) -> Vec<usize> {
    let mut out: Vec<usize> = (0..rs.categories.len())
        .filter(|&i| f.get(&format!("c.{}", rs.categories[i].id)).is_some())
        .collect();
    let needed = report
        .into_iter()
        .flat_map(|r| &r.paths)
        .flat_map(|p| &p.categories);
    for c in needed.filter_map(|c| c.id.as_deref()) {
        if let Some(i) = rs.categories.iter().position(|k| k.id == c)
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    out
}

/// Step 4: the documents, as the checklist of the categories in play.
pub fn documents(l: Lang, rs: &Ruleset, f: &Form, cats: &[usize], errors: &Errors) -> Markup {
    let open = rs.documents_for(cats, subject_mask(rs, f));
    // A document already entered stays, even if the subject type changed.
    let docs: Vec<usize> = rs
        .documents_of(cats)
        .into_iter()
        .filter(|d| open.contains(d) || entered(f, &format!("d.{}", rs.documents[*d].id)))
        .collect();
    let mut key: Vec<&str> = cats.iter().map(|&c| rs.categories[c].id.as_str()).collect();
    key.push(f.get("subject").unwrap_or(""));
    html! {
        fieldset.step id="step-documents" data-key=(key.join(","))
            data-ticked=(t(l, Key::Ticked)) data-not-ticked=(t(l, Key::NotTicked)) {
            legend { "4 · " (t(l, Key::StepDocuments)) }
            @if cats.is_empty() {
                p.hint { (t(l, Key::DocumentsNoneYet)) }
            }
            @for &c in cats { (qualification(l, rs, c, f)) }
            @if !docs.is_empty() {
                h2 { (t(l, Key::YourDocuments)) }
                ul.docs { @for d in docs { (document(l, rs, d, f, errors)) } }
            }
        }
    }
}

/// The subject types the checklist is for: the one chosen, or all.
fn subject_mask(rs: &Ruleset, f: &Form) -> SubjectMask {
    f.get("subject")
        .and_then(|s| rs.subject_types.iter().position(|t| t.id == s))
        .map_or(SubjectMask::MAX, |i| 1 << i)
}

fn qualification(l: Lang, rs: &Ruleset, c: usize, f: &Form) -> Markup {
    let cat = &rs.categories[c];
    let n = cat.alternatives.len().to_string();
    let subjects = subject_mask(rs, f);
    let (applies, other): (Vec<_>, Vec<_>) = cat
        .alternatives
        .iter()
        .partition(|a| a.subjects & subjects != 0);
    html! {
        section.qual {
            @if cat.documents_sourced {
                h2 { (category_label(l, cat)) " · " (rm_n(l, &n)) }
            } @else {
                h2 { (category_label(l, cat)) }
            }
            p.hint { (cat.scope.get(l)) " " (source_link(l, &cat.source)) }
            @if !cat.documents_sourced {
                p.unsourced { (rm(l, "doc_unsourced")) }
                @let name = format!("cc.{}", cat.id);
                p.confirm {
                    input type="checkbox" id=(name) name=(name) value="1" checked[f.get(&name).is_some()];
                    " " label for=(name) { (t(l, Key::DocumentsConfirmed)) }
                }
            }
            @if let Some(day) = &cat.verified {
                p.hint {
                    (tf(l, Key::QualificationVerified, &[("date", day)])) " "
                    (source_link(l, &cat.qualification_source))
                }
            }
            @if !other.is_empty() {
                p.hint { (tf(l, Key::AlternativesNotApplicable, &[("n", &other.len().to_string())])) }
            }
            ol.alts {
                @for a in applies {
                    li {
                        strong { (a.label.get(l)) }
                        (expr(l, rs, &a.expr, f))
                        @for note in &a.notes { p.hint { (note.get(l)) } }
                    }
                }
            }
        }
    }
}

fn rm_n(l: Lang, n: &str) -> String {
    livegate_core::catalog::msg("qualification_n", l, &[("n", n)])
}

/// A requirement as a nested list; each document links to its checklist entry
/// and says whether it is ticked.
fn expr(l: Lang, rs: &Ruleset, e: &Expr, f: &Form) -> Markup {
    match e {
        Expr::Doc {
            atom,
            subjects,
            optional,
        } => {
            let doc = &rs.documents[rs.atoms[*atom].doc];
            let held = f.has(&format!("d.{}", doc.id), "on");
            let text = rs.requirement_text(*atom, *subjects, *optional, l);
            html! { ul { li class=(if held { "held" } else { "lacking" }) {
                span.mark { (if held { t(l, Key::Ticked) } else { t(l, Key::NotTicked) }) } " "
                a href={ "#doc-" (doc.id) } { (text) }
            } } }
        }
        Expr::Group(g) => {
            let g = &rs.groups[*g];
            html! { ul { li { (g.name.get(l)) (expr(l, rs, &g.expr, f)) } } }
        }
        Expr::AllOf(items) => html! { @for i in items { (expr(l, rs, i, f)) } },
        Expr::AnyOf(items) => html! { ul { li {
            (rm_n(l, &items.len().to_string()))
            @for i in items { (expr(l, rs, i, f)) }
        } } },
    }
}

/// Whether the form ticks or fills in the document `base` (`d.<id>`).
fn entered(f: &Form, base: &str) -> bool {
    f.has(base, "on")
        || DOC_FIELDS
            .iter()
            .any(|s| f.get(&format!("{base}.{s}")).is_some())
}

fn document(l: Lang, rs: &Ruleset, d: usize, f: &Form, errors: &Errors) -> Markup {
    let doc = &rs.documents[d];
    let base = format!("d.{}", doc.id);
    let filled = DOC_FIELDS
        .iter()
        .any(|s| f.get(&format!("{base}.{s}")).is_some())
        || errors.keys().any(|k| k.starts_with(&base));
    html! {
        li.doc id={ "doc-" (doc.id) } {
            label.choice {
                input type="checkbox" name=(base) value="on" checked[f.has(&base, "on")];
                " " (doc_title(rs, l, &doc.id))
            }
            (error_for(errors, &base))
            details open[filled] {
                summary { (t(l, Key::DocumentDetails)) }
                @if let Some(fmt) = &doc.number_format {
                    (doc_input(l, f, errors, &base, "number", Some(&fmt.example)))
                }
                (doc_input(l, f, errors, &base, "holder", None))
                (doc_input(l, f, errors, &base, "valid_from", None))
                (doc_input(l, f, errors, &base, "valid_until", None))
                @for &a in &doc.attributes { (attribute(l, rs, a, &base, f)) }
            }
        }
    }
}

fn doc_label(l: Lang, field: &str) -> String {
    match field {
        "number" => t(l, Key::DocNumber),
        "holder" => t(l, Key::DocHolder),
        "valid_from" => t(l, Key::DocValidFrom),
        _ => t(l, Key::DocValidUntil),
    }
}

fn doc_input(
    l: Lang,
    f: &Form,
    errors: &Errors,
    base: &str,
    field: &str,
    hint: Option<&str>,
) -> Markup {
    let name = format!("{base}.{field}");
    let kind = if field.starts_with("valid_") {
        "date"
    } else {
        "text"
    };
    let described = errors.contains_key(&name).then(|| format!("err-{name}"));
    html! {
        div.field {
            label for=(name) { (doc_label(l, field)) }
            input type=(kind) id=(name) name=(name) value=[f.get(&name)] placeholder=[hint]
                aria-invalid=[described.as_ref().map(|_| "true")] aria-describedby=[described];
            (error_for(errors, &name))
        }
    }
}

fn attribute(l: Lang, rs: &Ruleset, a: usize, base: &str, f: &Form) -> Markup {
    let attr = &rs.attributes[a];
    let name = format!("{base}.{}", attr.id);
    html! {
        fieldset.sub {
            legend { (attr.name.get(l)) }
            div.choices {
                @for v in &attr.values {
                    label.choice {
                        input type="checkbox" name=(name) value=(v.id) checked[f.has(&name, &v.id)];
                        " " @if let Some(code) = &v.code { (code) " " } (v.name.get(l))
                    }
                }
            }
        }
    }
}
