//! Steps 2 and 4 of the profile form, shaped like WeChat's own 服务类目 page:
//! categories are added through a first → second level picker, each added
//! category is a card with its status and its "N 选 1" alternatives, and a
//! document is ticked inside the alternative that asks for it. Step 4 holds
//! the categories the result needs that were not added (each with a button
//! to add it) and the details of the documents in play.
//!
//! A document asked for by several alternatives has one checkbox, at its
//! first place on the page; its other places show whether it is ticked.

use std::cell::RefCell;
use std::collections::HashSet;

use livegate_core::ruleset::{Category, Expr, SubjectMask};
use livegate_core::{Lang, Report, Ruleset};
use maud::{Markup, html};

use super::form::Form;
use super::i18n::{Key, t, tf};
use super::profile_form::{DOC_FIELDS, statuses};
use super::report::{doc_title, first_level_en, rm, source_link};
use super::wizard::{Errors, error_for};

/// The documents whose checkbox is already on the page.
#[derive(Default)]
pub struct Ticks(RefCell<HashSet<usize>>);

impl Ticks {
    /// Whether `doc` gets its checkbox here: the first time it is asked.
    fn first(&self, doc: usize) -> bool {
        self.0.borrow_mut().insert(doc)
    }

    fn placed(&self, doc: usize) -> bool {
        self.0.borrow().contains(&doc)
    }
}

/// Applies the category buttons of a submitted form: `do=add` adds the
/// category chosen in the picker (`add`), `do=add:ID` and `do=remove:ID`
/// add or take out one category (the script may send several at once).
/// Added categories start as planned. Whether a button changed the
/// categories: such a submission saves nothing.
pub fn apply_buttons(rs: &Ruleset, f: &mut Form) -> bool {
    let acts = f.all("do");
    let picked = f.text("add");
    f.remove("do");
    f.remove("add");
    let known = |id: &str| rs.categories.iter().any(|c| c.id == id);
    let mut changed = false;
    for act in &acts {
        let (verb, id) = act.split_once(':').unwrap_or((act, ""));
        let id = if id.is_empty() {
            picked.as_deref().unwrap_or("")
        } else {
            id
        };
        if !known(id) {
            // Enter in a text field presses the first button, the picker's:
            // with nothing picked, that is a plain submission.
            continue;
        }
        match verb {
            "add" if f.get(&format!("c.{id}")).is_none() => f.set(&format!("c.{id}"), "planned"),
            "remove" => {
                f.remove(&format!("c.{id}"));
                f.remove(&format!("cc.{id}"));
            }
            _ => {}
        }
        changed = true;
    }
    // A category picked but not added by its button is added all the same.
    if let Some(id) = picked.filter(|id| acts.is_empty() && known(id))
        && f.get(&format!("c.{id}")).is_none()
    {
        f.set(&format!("c.{id}"), "planned");
    }
    changed
}

/// The categories the form has added, in the ruleset's (WeChat's) order.
fn chosen(rs: &Ruleset, f: &Form) -> Vec<usize> {
    (0..rs.categories.len())
        .filter(|&i| f.get(&format!("c.{}", rs.categories[i].id)).is_some())
        .collect()
}

/// The heading level of the cards: below the page's title (`H2`) or
/// below a section's heading (`H3`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    H2,
    H3,
}

/// Step 2: the picker and a card for each category added. With `ticks`,
/// the cards carry the documents' checkboxes (the pre-check); without,
/// they only list what each alternative asks (a stored applicant, whose
/// documents have their own section).
pub fn categories(
    l: Lang,
    rs: &Ruleset,
    f: &Form,
    errors: &Errors,
    (ticks, level): (Option<&Ticks>, Level),
) -> Markup {
    let chosen = chosen(rs, f);
    let mut key: Vec<&str> = chosen
        .iter()
        .map(|&c| rs.categories[c].id.as_str())
        .collect();
    key.push(f.get("subject").unwrap_or(""));
    html! {
        fieldset.step id="step-categories" {
            legend { "2 · " (t(l, Key::StepCategories)) }
            p.hint { (t(l, Key::CategoriesHint)) }
            (error_for(errors, "categories"))
            (picker(l, rs, &chosen))
            div id="chosen-categories" data-key=(key.join(",")) {
                @if chosen.is_empty() { p.hint { (t(l, Key::CategoriesNoneYet)) } }
                @for &c in &chosen { (card(l, rs, c, f, (ticks, level), true)) }
            }
        }
    }
}

/// The first → second level picker: a select grouped by first level, in
/// the ruleset's order, and a search that narrows it (with the script).
fn picker(l: Lang, rs: &Ruleset, chosen: &[usize]) -> Markup {
    let mut firsts: Vec<&str> = Vec::new();
    for c in &rs.categories {
        if !firsts.contains(&c.first.as_str()) {
            firsts.push(&c.first);
        }
    }
    html! {
        div.picker {
            div.field.js-only hidden {
                label for="category-filter" { (t(l, Key::CategoryFilter)) }
                input type="search" id="category-filter" data-picker="#add-category" autocomplete="off";
            }
            div.field {
                label for="add-category" { (t(l, Key::AddCategoryLabel)) }
                select id="add-category" name="add" {
                    option value="" { (t(l, Key::AddCategoryChoose)) }
                    @for first in firsts {
                        optgroup label=(first_name(l, rs, first)) {
                            @for (i, c) in rs.categories.iter().enumerate().filter(|(_, c)| c.first == first) {
                                option value=(c.id) disabled[chosen.contains(&i)]
                                    data-search={ (c.label()) " " (c.aliases.join(" ")) " " (c.en.as_deref().unwrap_or("")) } {
                                    (c.second)
                                    @if let (Lang::En, Some(en)) = (l, &c.en) { " (" (en.rsplit('/').next().unwrap_or(en)) ")" }
                                }
                            }
                        }
                    }
                }
            }
            button.secondary type="submit" name="do" value="add" { (t(l, Key::AddCategory)) }
        }
    }
}

/// A first level as the picker names it, glossed on an English page.
fn first_name(l: Lang, rs: &Ruleset, first: &str) -> String {
    match (l, first_level_en(rs, first)) {
        (Lang::En, Some(en)) => format!("{first} ({en})"),
        _ => first.to_string(),
    }
}

/// A category's card: its name, its status and a remove button when it is
/// added, an add button when only the result needs it, and its "N 选 1".
fn card(
    l: Lang,
    rs: &Ruleset,
    c: usize,
    f: &Form,
    (ticks, level): (Option<&Ticks>, Level),
    added: bool,
) -> Markup {
    let cat = &rs.categories[c];
    let name = format!("c.{}", cat.id);
    let label = cat.label();
    html! {
        article.cat-card id={ "cat-" (cat.id) } data-category=(cat.id) {
            @if level == Level::H2 { h2 { (category_label(l, cat)) } } @else { h3 { (category_label(l, cat)) } }
            @if added {
                div.card-controls {
                    div.field {
                        label for=(name) { (t(l, Key::CategoryStatus)) }
                        (status_select(l, f, &name))
                    }
                    button.secondary type="submit" name="do" value={ "remove:" (cat.id) }
                        aria-label=(tf(l, Key::RemoveCategoryNamed, &[("category", &label)])) { (t(l, Key::RemoveCategory)) }
                }
            } @else {
                div.card-controls {
                    p.hint { (t(l, Key::CategoryNeededByResult)) }
                    button.secondary type="submit" name="do" value={ "add:" (cat.id) }
                        aria-label=(tf(l, Key::AddCategoryNamed, &[("category", &label)])) { (t(l, Key::AddThisCategory)) }
                }
            }
            (qualification(l, rs, c, f, ticks))
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
    let current = f.get(name).unwrap_or("planned");
    html! {
        select id=(name) name=(name) {
            @for s in statuses() {
                option value=(s) selected[current == s] { (rm(l, &format!("profile_status_{s}"))) }
            }
        }
    }
}

/// The categories whose qualifications the checklist shows: those added,
/// and those a path of the report needs.
pub fn checklist_categories(rs: &Ruleset, f: &Form, report: Option<&Report>) -> Vec<usize> {
    let mut out = chosen(rs, f);
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

/// Step 4: the categories the result needs that were not added, and the
/// details of the documents in play (ticked ones, and those the checklist
/// asks for).
pub fn documents(
    l: Lang,
    rs: &Ruleset,
    f: &Form,
    cats: &[usize],
    errors: &Errors,
    ticks: &Ticks,
) -> Markup {
    let open = rs.documents_for(cats, subject_mask(rs, f));
    // A document already entered stays, even if the subject type changed.
    let docs: Vec<usize> = rs
        .documents_of(cats)
        .into_iter()
        .filter(|d| open.contains(d) || entered(f, &format!("d.{}", rs.documents[*d].id)))
        .collect();
    let added = chosen(rs, f);
    let needed: Vec<usize> = cats
        .iter()
        .copied()
        .filter(|c| !added.contains(c))
        .collect();
    // Which categories are added decides where each checkbox stands (a card
    // of step 2 or of this step), so it is part of the key.
    let ids = |list: &[usize]| -> String {
        let ids: Vec<&str> = list.iter().map(|&c| rs.categories[c].id.as_str()).collect();
        ids.join(",")
    };
    let key = format!(
        "{}|{}|{}",
        ids(&added),
        ids(&needed),
        f.get("subject").unwrap_or("")
    );
    html! {
        fieldset.step id="step-documents" data-key=(key)
            data-ticked=(t(l, Key::Ticked)) data-not-ticked=(t(l, Key::NotTicked)) {
            legend { "4 · " (t(l, Key::StepDocuments)) }
            @if cats.is_empty() {
                p.hint { (t(l, Key::DocumentsNoneYet)) }
            }
            @if !needed.is_empty() {
                h2 { (t(l, Key::NeededCategories)) }
                @for &c in &needed { (card(l, rs, c, f, (Some(ticks), Level::H3), false)) }
            }
            @if !docs.is_empty() {
                h2 { (t(l, Key::YourDocuments)) }
                ul.docs { @for d in docs { (document(l, rs, d, f, errors, ticks)) } }
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

fn qualification(l: Lang, rs: &Ruleset, c: usize, f: &Form, ticks: Option<&Ticks>) -> Markup {
    let cat = &rs.categories[c];
    let subjects = subject_mask(rs, f);
    let (applies, other): (Vec<_>, Vec<_>) = cat
        .alternatives
        .iter()
        .partition(|a| a.subjects & subjects != 0);
    html! {
        section.qual {
            @if cat.documents_sourced && !cat.alternatives.is_empty() {
                p.n-of { (rm_n(l, &cat.alternatives.len().to_string())) }
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
                        (expr(l, rs, &a.expr, f, ticks))
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

/// A requirement as a nested list. With `ticks`, a document's first place
/// has its checkbox and the others say whether it is ticked.
fn expr(l: Lang, rs: &Ruleset, e: &Expr, f: &Form, ticks: Option<&Ticks>) -> Markup {
    match e {
        Expr::Doc {
            atom,
            subjects,
            optional,
        } => {
            let d = rs.atoms[*atom].doc.0;
            let text = rs.requirement_text(*atom, *subjects, *optional, l);
            html! { ul { li { @match ticks {
                Some(ticks) if ticks.first(d) => { (tick_box(rs, d, f, &text)) }
                Some(_) => { (mark(l, rs, d, f)) " " a href={ "#tick-" (rs.documents[d].id) } { (text) } }
                None => { (text) }
            } } } }
        }
        Expr::Group(g) => {
            let g = &rs.groups[*g];
            html! { ul { li { (g.name.get(l)) (expr(l, rs, &g.expr, f, ticks)) } } }
        }
        Expr::AllOf(items) => html! { @for i in items { (expr(l, rs, i, f, ticks)) } },
        Expr::AnyOf(items) => html! { ul { li {
            (rm_n(l, &items.len().to_string()))
            @for i in items { (expr(l, rs, i, f, ticks)) }
        } } },
    }
}

/// A document's one checkbox, labelled with what the alternative asks of it.
fn tick_box(rs: &Ruleset, d: usize, f: &Form, text: &str) -> Markup {
    let base = format!("d.{}", rs.documents[d].id);
    html! {
        label.choice {
            input type="checkbox" id={ "tick-" (rs.documents[d].id) } name=(base) value="on" checked[f.has(&base, "on")];
            " " (text)
        }
    }
}

/// Whether a document is ticked, where its checkbox is elsewhere.
fn mark(l: Lang, rs: &Ruleset, d: usize, f: &Form) -> Markup {
    let held = f.has(&format!("d.{}", rs.documents[d].id), "on");
    html! {
        span.mark data-doc=(rs.documents[d].id) data-held=(held) {
            (if held { t(l, Key::Ticked) } else { t(l, Key::NotTicked) })
        }
    }
}

/// Whether the form ticks or fills in the document `base` (`d.<id>`).
fn entered(f: &Form, base: &str) -> bool {
    f.has(base, "on")
        || DOC_FIELDS
            .iter()
            .any(|s| f.get(&format!("{base}.{s}")).is_some())
}

fn document(l: Lang, rs: &Ruleset, d: usize, f: &Form, errors: &Errors, ticks: &Ticks) -> Markup {
    let doc = &rs.documents[d];
    let base = format!("d.{}", doc.id);
    let filled = DOC_FIELDS
        .iter()
        .any(|s| f.get(&format!("{base}.{s}")).is_some())
        || errors.keys().any(|k| k.starts_with(&base));
    html! {
        li.doc id={ "doc-" (doc.id) } {
            @if ticks.placed(d) {
                p.doc-title { (mark(l, rs, d, f)) " " a href={ "#tick-" (doc.id) } { (doc_title(rs, l, &doc.id)) } }
            } @else {
                @let _ = ticks.first(d);
                (tick_box(rs, d, f, &doc_title(rs, l, &doc.id)))
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
