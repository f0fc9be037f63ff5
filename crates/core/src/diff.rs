//! What changed between two rulesets, in words a compliance person reads:
//! categories, their alternatives and documents, documents, attribute
//! values, paths and their ways, conditional rules, engine checks.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::catalog::{join, msg};
use crate::l10n::Lang;
use crate::ruleset::{Expr, Ruleset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// `ruleset`, `category`, `alternative`, `document`, `value`, `path`, `way`, `rule`, `check`, `vocabulary`.
    pub area: String,
    pub id: String,
    pub message: String,
}

/// The document requirements of an expression, as a person reads them.
fn leaves(rs: &Ruleset, e: &Expr, lang: Lang, out: &mut BTreeSet<String>) {
    match e {
        Expr::Doc {
            atom,
            subjects,
            optional,
        } => {
            out.insert(rs.requirement_text(*atom, *subjects, *optional, lang));
        }
        Expr::Group(g) => leaves(rs, &rs.groups[*g].expr, lang, out),
        Expr::AllOf(l) | Expr::AnyOf(l) => {
            for x in l {
                leaves(rs, x, lang, out);
            }
        }
    }
}

struct Out {
    lang: Lang,
    changes: Vec<Change>,
}

impl Out {
    fn push(&mut self, kind: ChangeKind, area: &str, id: &str, key: &str, vars: &[(&str, &str)]) {
        let message = msg(key, self.lang, vars);
        self.changes.push(Change {
            kind,
            area: area.to_string(),
            id: id.to_string(),
            message,
        });
    }

    /// Reports a changed field: `{what}: 「old」 → 「new」`.
    fn field(&mut self, area: &str, id: &str, name: &str, what: &str, old: &str, new: &str) {
        if old != new {
            let what = msg(what, self.lang, &[]);
            self.push(
                ChangeKind::Changed,
                area,
                id,
                "diff_field",
                &[("name", name), ("what", &what), ("old", old), ("new", new)],
            );
        }
    }
}

/// Lists the differences from `old` to `new`; empty when they say the same.
/// The settings, WeChat's verify_type of each subject type, and the
/// credit-code prefixes: each can change a verdict.
fn settings_and_codes(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let id = &new.meta.id;
    o.field(
        "ruleset",
        id,
        id,
        "what_expiry_margin",
        &old.settings.expiry_margin_days.to_string(),
        &new.settings.expiry_margin_days.to_string(),
    );
    for t in &new.subject_types {
        if let Some(ot) = old.subject_types.iter().find(|x| x.id == t.id) {
            let v = |x: Option<u8>| x.map(|v| v.to_string()).unwrap_or_default();
            let name = t.name.get(o.lang).to_string();
            o.field(
                "vocabulary",
                &t.id,
                &name,
                "what_verify_type",
                &v(ot.verify_type),
                &v(t.verify_type),
            );
        }
    }
    let codes = |rs: &Ruleset| {
        let v: Vec<String> = rs
            .credit_code_prefixes
            .iter()
            .map(|c| format!("{} {}", c.prefix, rs.subject_names(c.subjects, o.lang)))
            .collect();
        v.join("; ")
    };
    o.field(
        "ruleset",
        id,
        id,
        "what_credit_prefixes",
        &codes(old),
        &codes(new),
    );
}

pub fn diff(old: &Ruleset, new: &Ruleset, lang: Lang) -> Vec<Change> {
    let mut o = Out {
        lang,
        changes: Vec::new(),
    };
    let m = |k: &str| msg(k, lang, &[]);
    o.field(
        "ruleset",
        &new.meta.id,
        &new.meta.id,
        "what_version",
        &old.meta.version,
        &new.meta.version,
    );
    o.field(
        "ruleset",
        &new.meta.id,
        &new.meta.id,
        "what_as_of",
        &old.meta.as_of,
        &new.meta.as_of,
    );

    settings_and_codes(&mut o, old, new);

    // Vocabularies.
    for (area_key, a, b) in [
        (
            "area_subject_type",
            old.subject_types
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect::<Vec<_>>(),
            new.subject_types
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect::<Vec<_>>(),
        ),
        (
            "area_scenario",
            old.scenarios
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect(),
            new.scenarios
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect(),
        ),
        (
            "area_goods",
            old.goods
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect(),
            new.goods
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect(),
        ),
        (
            "area_service",
            old.services
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect(),
            new.services
                .iter()
                .map(|t| (t.id.clone(), t.name.get(lang).to_string()))
                .collect(),
        ),
    ] {
        let area = m(area_key);
        for (id, name) in &b {
            if !a.iter().any(|(x, _)| x == id) {
                o.push(
                    ChangeKind::Added,
                    "vocabulary",
                    id,
                    "diff_added",
                    &[("area", &area), ("name", name)],
                );
            }
        }
        for (id, name) in &a {
            if !b.iter().any(|(x, _)| x == id) {
                o.push(
                    ChangeKind::Removed,
                    "vocabulary",
                    id,
                    "diff_removed",
                    &[("area", &area), ("name", name)],
                );
            }
        }
    }

    // Attribute values.
    for attr in &new.attributes {
        let Some(old_attr) = old.attributes.iter().find(|a| a.id == attr.id) else {
            continue;
        };
        for v in &attr.values {
            if !old_attr.values.iter().any(|x| x.id == v.id) {
                let name = format!("{}: {}", attr.name.get(lang), v.name.get(lang));
                o.push(
                    ChangeKind::Added,
                    "value",
                    &v.id,
                    "diff_added",
                    &[("area", &m("area_value")), ("name", &name)],
                );
            }
        }
        for v in &old_attr.values {
            if !attr.values.iter().any(|x| x.id == v.id) {
                let name = format!("{}: {}", attr.name.get(lang), v.name.get(lang));
                o.push(
                    ChangeKind::Removed,
                    "value",
                    &v.id,
                    "diff_removed",
                    &[("area", &m("area_value")), ("name", &name)],
                );
            }
        }
    }

    // Documents.
    let area = m("area_document");
    for d in &new.documents {
        match old.documents.iter().find(|x| x.id == d.id) {
            None => o.push(
                ChangeKind::Added,
                "document",
                &d.id,
                "diff_added",
                &[
                    ("area", &area),
                    ("name", &crate::text::doc_title(d.name.get(lang), lang)),
                ],
            ),
            Some(od) => {
                let name = crate::text::doc_title(d.name.get(lang), lang);
                o.field(
                    "document",
                    &d.id,
                    &name,
                    "what_name",
                    od.name.get(lang),
                    d.name.get(lang),
                );
                let fmt = |d: &crate::ruleset::DocumentKind| {
                    d.number_format
                        .as_ref()
                        .map(|f| f.pattern.clone())
                        .unwrap_or_default()
                };
                o.field(
                    "document",
                    &d.id,
                    &name,
                    "what_number_format",
                    &fmt(od),
                    &fmt(d),
                );
            }
        }
    }
    for d in &old.documents {
        if !new.documents.iter().any(|x| x.id == d.id) {
            o.push(
                ChangeKind::Removed,
                "document",
                &d.id,
                "diff_removed",
                &[
                    ("area", &area),
                    ("name", &crate::text::doc_title(d.name.get(lang), lang)),
                ],
            );
        }
    }

    // Categories and their alternatives.
    let area = m("area_category");
    for c in &new.categories {
        let name = c.label();
        let Some(oc) = old.categories.iter().find(|x| x.id == c.id) else {
            o.push(
                ChangeKind::Added,
                "category",
                &c.id,
                "diff_added",
                &[("area", &area), ("name", &name)],
            );
            continue;
        };
        o.field("category", &c.id, &name, "what_name", &oc.label(), &name);
        let scen = |rs: &Ruleset, l: &[usize]| {
            let v: Vec<String> = l
                .iter()
                .map(|&s| rs.scenarios[s].name.get(lang).to_string())
                .collect();
            join(&v, lang)
        };
        o.field(
            "category",
            &c.id,
            &name,
            "what_scenarios",
            &scen(old, &oc.scenarios),
            &scen(new, &c.scenarios),
        );
        o.field(
            "category",
            &c.id,
            &name,
            "what_scope",
            oc.scope.get(lang),
            c.scope.get(lang),
        );
        o.field(
            "category",
            &c.id,
            &name,
            "what_aliases",
            &oc.aliases.join(" | "),
            &c.aliases.join(" | "),
        );
        let sourced = |s: bool| {
            m(if s {
                "documents_sourced_yes"
            } else {
                "documents_sourced_no"
            })
        };
        o.field(
            "category",
            &c.id,
            &name,
            "what_documents_sourced",
            &sourced(oc.documents_sourced),
            &sourced(c.documents_sourced),
        );
        o.field(
            "category",
            &c.id,
            &name,
            "what_source",
            &oc.source,
            &c.source,
        );
        if oc.alternatives.len() != c.alternatives.len() {
            o.field(
                "category",
                &c.id,
                &name,
                "what_n_alternatives",
                &oc.alternatives.len().to_string(),
                &c.alternatives.len().to_string(),
            );
        }
        for a in &c.alternatives {
            let alabel = a.label.get(lang).to_string();
            let Some(oa) = oc.alternatives.iter().find(|x| x.id == a.id) else {
                o.push(
                    ChangeKind::Added,
                    "alternative",
                    &a.id,
                    "diff_alt_added",
                    &[("category", &name), ("name", &alabel)],
                );
                continue;
            };
            let mut before = BTreeSet::new();
            leaves(old, &oa.expr, lang, &mut before);
            let mut after = BTreeSet::new();
            leaves(new, &a.expr, lang, &mut after);
            for d in after.difference(&before) {
                o.push(
                    ChangeKind::Changed,
                    "alternative",
                    &a.id,
                    "diff_alt_doc_added",
                    &[("category", &name), ("name", &alabel), ("doc", d)],
                );
            }
            for d in before.difference(&after) {
                o.push(
                    ChangeKind::Changed,
                    "alternative",
                    &a.id,
                    "diff_alt_doc_removed",
                    &[("category", &name), ("name", &alabel), ("doc", d)],
                );
            }
            if before == after && oa.terms.len() != a.terms.len() {
                o.push(
                    ChangeKind::Changed,
                    "alternative",
                    &a.id,
                    "diff_alt_structure",
                    &[("category", &name), ("name", &alabel)],
                );
            }
            let subj = |rs: &Ruleset, mask| {
                if mask == rs.all_subjects {
                    String::new()
                } else {
                    rs.subject_names(mask, lang)
                }
            };
            o.field(
                "alternative",
                &a.id,
                &format!("{name} · {alabel}"),
                "what_subjects",
                &subj(old, oa.subjects),
                &subj(new, a.subjects),
            );
        }
        for a in &oc.alternatives {
            if !c.alternatives.iter().any(|x| x.id == a.id) {
                o.push(
                    ChangeKind::Removed,
                    "alternative",
                    &a.id,
                    "diff_alt_removed",
                    &[("category", &name), ("name", a.label.get(lang))],
                );
            }
        }
    }
    for c in &old.categories {
        if !new.categories.iter().any(|x| x.id == c.id) {
            o.push(
                ChangeKind::Removed,
                "category",
                &c.id,
                "diff_removed",
                &[("area", &area), ("name", &c.label())],
            );
        }
    }

    // Paths and their ways.
    let area = m("area_path");
    let way_text = |rs: &Ruleset, w: &crate::ruleset::Way| rs.way_lines(w, lang).join(" + ");
    for p in &new.paths {
        let name = p.name.get(lang).to_string();
        let Some(op) = old.paths.iter().find(|x| x.id == p.id) else {
            o.push(
                ChangeKind::Added,
                "path",
                &p.id,
                "diff_added",
                &[("area", &area), ("name", &name)],
            );
            continue;
        };
        for w in &p.ways {
            match op.ways.iter().find(|x| x.id == w.id) {
                None => o.push(
                    ChangeKind::Added,
                    "way",
                    &w.id,
                    "diff_way_added",
                    &[("path", &name), ("way", &way_text(new, w))],
                ),
                Some(ow) => {
                    o.field(
                        "way",
                        &w.id,
                        &name,
                        "what_way",
                        &way_text(old, ow),
                        &way_text(new, w),
                    );
                    let scen = |rs: &Ruleset, w: &crate::ruleset::Way| {
                        let v: Vec<String> = w
                            .scenarios
                            .iter()
                            .map(|&s| rs.scenarios[s].name.get(lang).to_string())
                            .collect();
                        join(&v, lang)
                    };
                    o.field(
                        "way",
                        &w.id,
                        &format!("{name} · {}", w.id),
                        "what_scenarios",
                        &scen(old, ow),
                        &scen(new, w),
                    );
                }
            }
        }
        for w in &op.ways {
            if !p.ways.iter().any(|x| x.id == w.id) {
                o.push(
                    ChangeKind::Removed,
                    "way",
                    &w.id,
                    "diff_way_removed",
                    &[("path", &name), ("way", &way_text(old, w))],
                );
            }
        }
    }
    for p in &old.paths {
        if !new.paths.iter().any(|x| x.id == p.id) {
            o.push(
                ChangeKind::Removed,
                "path",
                &p.id,
                "diff_removed",
                &[("area", &area), ("name", p.name.get(lang))],
            );
        }
    }

    // Conditional rules and checks.
    let area = m("area_rule");
    for r in &new.rules {
        let Some(or) = old.rules.iter().find(|x| x.id == r.id) else {
            o.push(
                ChangeKind::Added,
                "rule",
                &r.id,
                "diff_added",
                &[("area", &area), ("name", &r.id)],
            );
            continue;
        };
        o.field(
            "rule",
            &r.id,
            &r.id,
            "what_severity",
            or.severity.as_str(),
            r.severity.as_str(),
        );
        o.field(
            "rule",
            &r.id,
            &r.id,
            "what_message",
            or.message.get(lang),
            r.message.get(lang),
        );
        let paths = |rs: &Ruleset, r: &crate::ruleset::Rule| match &r.paths {
            None => m("all_paths"),
            Some(l) => {
                let v: Vec<String> = l
                    .iter()
                    .map(|&p| rs.paths[p].name.get(lang).to_string())
                    .collect();
                join(&v, lang)
            }
        };
        o.field(
            "rule",
            &r.id,
            &r.id,
            "what_paths",
            &paths(old, or),
            &paths(new, r),
        );
        let action = |r: &crate::ruleset::Rule| {
            let what = if r.block {
                "block"
            } else if r.prohibit {
                "prohibit"
            } else {
                ""
            };
            format!("{what} {}", r.action.clone().unwrap_or_default())
                .trim()
                .to_string()
        };
        o.field("rule", &r.id, &r.id, "what_action", &action(or), &action(r));
        let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
        o.field(
            "rule",
            &r.id,
            &r.id,
            "what_days",
            &days(or.days),
            &days(r.days),
        );
        let req = |rs: &Ruleset, r: &crate::ruleset::Rule| {
            r.require
                .as_ref()
                .map(|q| rs.category_req_label(q))
                .unwrap_or_default()
        };
        o.field(
            "rule",
            &r.id,
            &r.id,
            "what_require",
            &req(old, or),
            &req(new, r),
        );
        let when = |rs: &Ruleset, r: &crate::ruleset::Rule| {
            let w = &r.when;
            let ids = |l: &[usize], v: &dyn Fn(usize) -> String| {
                l.iter().map(|&i| v(i)).collect::<Vec<_>>().join("|")
            };
            format!(
                "{}/{}/{}/{}/{}/{}/{:?}/{}/{}",
                w.subjects
                    .map(|s| rs.subject_names(s, lang))
                    .unwrap_or_default(),
                ids(&w.goods, &|i| rs.goods[i].id.clone()),
                ids(&w.services, &|i| rs.services[i].id.clone()),
                ids(&w.scenarios, &|i| rs.scenarios[i].id.clone()),
                ids(&w.categories, &|i| rs.categories[i].id.clone()),
                ids(&w.categories_not_approved, &|i| rs.categories[i].id.clone()),
                w.multi_merchant,
                r.block,
                r.prohibit,
            )
        };
        if when(old, or) != when(new, r) {
            o.push(
                ChangeKind::Changed,
                "rule",
                &r.id,
                "diff_rule_when",
                &[("name", &r.id)],
            );
        }
    }
    for r in &old.rules {
        if !new.rules.iter().any(|x| x.id == r.id) {
            o.push(
                ChangeKind::Removed,
                "rule",
                &r.id,
                "diff_removed",
                &[("area", &area), ("name", &r.id)],
            );
        }
    }
    let area = m("area_check");
    for c in &new.checks {
        match old.checks.iter().find(|x| x.id == c.id && x.kind == c.kind) {
            None => o.push(
                ChangeKind::Added,
                "check",
                &c.id,
                "diff_added",
                &[("area", &area), ("name", &c.id)],
            ),
            Some(oc) => o.field(
                "check",
                &c.id,
                &c.id,
                "what_severity",
                oc.severity.as_str(),
                c.severity.as_str(),
            ),
        }
    }
    for c in &old.checks {
        if !new.checks.iter().any(|x| x.id == c.id && x.kind == c.kind) {
            o.push(
                ChangeKind::Removed,
                "check",
                &c.id,
                "diff_removed",
                &[("area", &area), ("name", &c.id)],
            );
        }
    }
    o.changes
}
