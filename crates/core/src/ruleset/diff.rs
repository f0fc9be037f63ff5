//! What changed between two rulesets, in words a compliance person reads:
//! categories, their alternatives and documents, documents, attribute
//! values, paths and their ways, conditional rules, engine checks.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::catalog::{join, msg};
use crate::l10n::Lang;
use crate::ruleset::{Category, Check, DocumentKind, Expr, Path, Rule, Ruleset, Way};

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

/// Lists the differences from `old` to `new`; empty when they say the same.
/// Every field that can change a verdict or a text is compared.
pub fn diff(old: &Ruleset, new: &Ruleset, lang: Lang) -> Vec<Change> {
    let mut o = Out {
        lang,
        changes: Vec::new(),
    };
    let id = &new.meta.id;
    o.field(
        "ruleset",
        id,
        id,
        "what_version",
        &old.meta.version,
        &new.meta.version,
    );
    o.field(
        "ruleset",
        id,
        id,
        "what_as_of",
        &old.meta.as_of,
        &new.meta.as_of,
    );
    settings_and_codes(&mut o, old, new);
    vocabularies(&mut o, old, new);
    attribute_values(&mut o, old, new);
    documents(&mut o, old, new);
    first_levels(&mut o, old, new);
    categories(&mut o, old, new);
    paths(&mut o, old, new);
    rules(&mut o, old, new);
    checks(&mut o, old, new);
    o.changes
}

impl Out {
    fn m(&self, key: &str) -> String {
        msg(key, self.lang, &[])
    }

    /// `(id, name)` entries of `new` not in `old` are added, of `old` not in
    /// `new` removed.
    fn added_removed(
        &mut self,
        area: &str,
        area_key: &str,
        old: &[(String, String)],
        new: &[(String, String)],
    ) {
        let label = self.m(area_key);
        for (id, name) in new
            .iter()
            .filter(|(id, _)| !old.iter().any(|(x, _)| x == id))
        {
            self.push(
                ChangeKind::Added,
                area,
                id,
                "diff_added",
                &[("area", &label), ("name", name)],
            );
        }
        for (id, name) in old
            .iter()
            .filter(|(id, _)| !new.iter().any(|(x, _)| x == id))
        {
            self.push(
                ChangeKind::Removed,
                area,
                id,
                "diff_removed",
                &[("area", &label), ("name", name)],
            );
        }
    }
}

/// `(id, name)` of a list, names in the reader's language.
fn named<T>(list: &[T], f: impl Fn(&T) -> (String, String)) -> Vec<(String, String)> {
    list.iter().map(f).collect()
}

fn vocabularies(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let lang = o.lang;
    let term = |t: &crate::ruleset::Term| (t.id.clone(), t.name.get(lang).to_string());
    let subject = |t: &crate::ruleset::SubjectType| (t.id.clone(), t.name.get(lang).to_string());
    let lists = [
        (
            "area_subject_type",
            named(&old.subject_types, subject),
            named(&new.subject_types, subject),
        ),
        (
            "area_scenario",
            named(&old.scenarios, term),
            named(&new.scenarios, term),
        ),
        (
            "area_goods",
            named(&old.goods, term),
            named(&new.goods, term),
        ),
        (
            "area_service",
            named(&old.services, term),
            named(&new.services, term),
        ),
    ];
    for (key, a, b) in lists {
        o.added_removed("vocabulary", key, &a, &b);
    }
}

fn attribute_values(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let lang = o.lang;
    for attr in &new.attributes {
        let Some(old_attr) = old.attributes.iter().find(|a| a.id == attr.id) else {
            continue;
        };
        let value = |v: &crate::ruleset::Term| {
            (
                v.id.clone(),
                format!("{}: {}", attr.name.get(lang), v.name.get(lang)),
            )
        };
        o.added_removed(
            "value",
            "area_value",
            &named(&old_attr.values, value),
            &named(&attr.values, value),
        );
    }
}

fn documents(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let lang = o.lang;
    let title = |d: &DocumentKind| (d.id.clone(), crate::text::doc_title(d.name.get(lang), lang));
    o.added_removed(
        "document",
        "area_document",
        &named(&old.documents, title),
        &named(&new.documents, title),
    );
    let fmt = |d: &DocumentKind| {
        d.number_format
            .as_ref()
            .map(|f| f.pattern.clone())
            .unwrap_or_default()
    };
    for d in &new.documents {
        let Some(od) = old.documents.iter().find(|x| x.id == d.id) else {
            continue;
        };
        let name = crate::text::doc_title(d.name.get(lang), lang);
        o.field(
            "document",
            &d.id,
            &name,
            "what_name",
            od.name.get(lang),
            d.name.get(lang),
        );
        o.field(
            "document",
            &d.id,
            &name,
            "what_number_format",
            &fmt(od),
            &fmt(d),
        );
        let issuer = |d: &DocumentKind| {
            let may_differ = if d.holder_may_differ { " *" } else { "" };
            format!("{}{may_differ}", d.issued_by.as_str())
        };
        o.field(
            "document",
            &d.id,
            &name,
            "what_issued_by",
            &issuer(od),
            &issuer(d),
        );
    }
}

/// The first levels and their older names: which names mean one category.
fn first_levels(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let name = |f: &crate::ruleset::FirstLevel| (f.name.clone(), f.name.clone());
    o.added_removed(
        "first_level",
        "area_first_level",
        &named(&old.first_levels, name),
        &named(&new.first_levels, name),
    );
    for f in &new.first_levels {
        if let Some(of) = old.first_levels.iter().find(|x| x.name == f.name) {
            let (a, b) = (of.aliases.join(" | "), f.aliases.join(" | "));
            o.field("first_level", &f.name, &f.name, "what_aliases", &a, &b);
        }
    }
}

fn categories(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let label = |c: &Category| (c.id.clone(), c.label());
    o.added_removed(
        "category",
        "area_category",
        &named(&old.categories, label),
        &named(&new.categories, label),
    );
    for c in &new.categories {
        if let Some(oc) = old.categories.iter().find(|x| x.id == c.id) {
            category_fields(o, (old, oc), (new, c));
            alternatives(o, (old, oc), (new, c));
        }
    }
}

/// A category's own fields: name, scenarios, scope, aliases, whether its
/// documents are sourced, source, WeChat's ids.
fn category_fields(o: &mut Out, (old, oc): (&Ruleset, &Category), (new, c): (&Ruleset, &Category)) {
    let lang = o.lang;
    let name = c.label();
    let scen = |rs: &Ruleset, l: &[usize]| {
        let v: Vec<String> = l
            .iter()
            .map(|&s| rs.scenarios[s].name.get(lang).to_string())
            .collect();
        join(&v, lang)
    };
    let sourced = |s: bool| {
        o.m(if s {
            "documents_sourced_yes"
        } else {
            "documents_sourced_no"
        })
    };
    let (sourced_old, sourced_new) = (sourced(oc.documents_sourced), sourced(c.documents_sourced));
    let ids = |c: &Category| match (c.wechat_first, c.wechat_id) {
        (None, None) => String::new(),
        (f, s) => format!(
            "{}/{}",
            f.map_or("-".into(), |v| v.to_string()),
            s.map_or("-".into(), |v| v.to_string())
        ),
    };
    let f =
        |o: &mut Out, what: &str, a: &str, b: &str| o.field("category", &c.id, &name, what, a, b);
    f(o, "what_name", &oc.label(), &name);
    f(
        o,
        "what_scenarios",
        &scen(old, &oc.scenarios),
        &scen(new, &c.scenarios),
    );
    f(o, "what_scope", oc.scope.get(lang), c.scope.get(lang));
    f(
        o,
        "what_aliases",
        &oc.aliases.join(" | "),
        &c.aliases.join(" | "),
    );
    f(o, "what_documents_sourced", &sourced_old, &sourced_new);
    f(o, "what_source", &oc.source, &c.source);
    f(
        o,
        "what_qualification_source",
        &oc.qualification_source,
        &c.qualification_source,
    );
    let day = |v: &Option<String>| v.clone().unwrap_or_default();
    f(o, "what_verified", &day(&oc.verified), &day(&c.verified));
    f(o, "what_wechat_ids", &ids(oc), &ids(c));
    if oc.alternatives.len() != c.alternatives.len() {
        let (a, b) = (
            oc.alternatives.len().to_string(),
            c.alternatives.len().to_string(),
        );
        f(o, "what_n_alternatives", &a, &b);
    }
}

/// A category's alternatives: added, removed, and for each kept one the
/// documents it gained or lost, its structure and its subject types.
fn alternatives(o: &mut Out, (old, oc): (&Ruleset, &Category), (new, c): (&Ruleset, &Category)) {
    let lang = o.lang;
    let name = c.label();
    for a in &c.alternatives {
        let alabel = a.label.get(lang).to_string();
        let vars = [("category", name.as_str()), ("name", alabel.as_str())];
        let Some(oa) = oc.alternatives.iter().find(|x| x.id == a.id) else {
            o.push(
                ChangeKind::Added,
                "alternative",
                &a.id,
                "diff_alt_added",
                &vars,
            );
            continue;
        };
        let (mut before, mut after) = (BTreeSet::new(), BTreeSet::new());
        leaves(old, &oa.expr, lang, &mut before);
        leaves(new, &a.expr, lang, &mut after);
        for (key, docs) in [
            ("diff_alt_doc_added", after.difference(&before)),
            ("diff_alt_doc_removed", before.difference(&after)),
        ] {
            for d in docs {
                let vars = [vars[0], vars[1], ("doc", d.as_str())];
                o.push(ChangeKind::Changed, "alternative", &a.id, key, &vars);
            }
        }
        if before == after && oa.terms.len() != a.terms.len() {
            o.push(
                ChangeKind::Changed,
                "alternative",
                &a.id,
                "diff_alt_structure",
                &vars,
            );
        }
        let subj = |rs: &Ruleset, mask| {
            if mask == rs.all_subjects {
                String::new()
            } else {
                rs.subject_names(mask, lang)
            }
        };
        let (s_old, s_new) = (subj(old, oa.subjects), subj(new, a.subjects));
        o.field(
            "alternative",
            &a.id,
            &format!("{name} · {alabel}"),
            "what_subjects",
            &s_old,
            &s_new,
        );
    }
    for a in oc
        .alternatives
        .iter()
        .filter(|a| !c.alternatives.iter().any(|x| x.id == a.id))
    {
        let vars = [("category", name.as_str()), ("name", a.label.get(lang))];
        o.push(
            ChangeKind::Removed,
            "alternative",
            &a.id,
            "diff_alt_removed",
            &vars,
        );
    }
}

fn paths(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let lang = o.lang;
    let pname = |p: &Path| (p.id.clone(), p.name.get(lang).to_string());
    o.added_removed(
        "path",
        "area_path",
        &named(&old.paths, pname),
        &named(&new.paths, pname),
    );
    for p in &new.paths {
        if let Some(op) = old.paths.iter().find(|x| x.id == p.id) {
            ways(o, (old, op), (new, p));
        }
    }
}

/// A path's ways: added, removed, and for each kept one what opens it and
/// the scenarios it serves.
fn ways(o: &mut Out, (old, op): (&Ruleset, &Path), (new, p): (&Ruleset, &Path)) {
    let lang = o.lang;
    let name = p.name.get(lang).to_string();
    let text = |rs: &Ruleset, w: &Way| rs.way_lines(w, lang).join(" + ");
    let scen = |rs: &Ruleset, w: &Way| {
        let v: Vec<String> = w
            .scenarios
            .iter()
            .map(|&s| rs.scenarios[s].name.get(lang).to_string())
            .collect();
        join(&v, lang)
    };
    for w in &p.ways {
        let Some(ow) = op.ways.iter().find(|x| x.id == w.id) else {
            let vars = [("path", name.as_str()), ("way", &text(new, w))];
            o.push(ChangeKind::Added, "way", &w.id, "diff_way_added", &vars);
            continue;
        };
        o.field(
            "way",
            &w.id,
            &name,
            "what_way",
            &text(old, ow),
            &text(new, w),
        );
        let label = format!("{name} · {}", w.id);
        o.field(
            "way",
            &w.id,
            &label,
            "what_scenarios",
            &scen(old, ow),
            &scen(new, w),
        );
    }
    for w in op
        .ways
        .iter()
        .filter(|w| !p.ways.iter().any(|x| x.id == w.id))
    {
        let vars = [("path", name.as_str()), ("way", &text(old, w))];
        o.push(ChangeKind::Removed, "way", &w.id, "diff_way_removed", &vars);
    }
}

fn rules(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let id = |r: &Rule| (r.id.clone(), r.id.clone());
    o.added_removed(
        "rule",
        "area_rule",
        &named(&old.rules, id),
        &named(&new.rules, id),
    );
    for r in &new.rules {
        if let Some(or) = old.rules.iter().find(|x| x.id == r.id) {
            rule_fields(o, (old, or), (new, r));
        }
    }
}

/// A rule's fields: severity, message, paths, action, days, required
/// category, and when it fires.
fn rule_fields(o: &mut Out, (old, or): (&Ruleset, &Rule), (new, r): (&Ruleset, &Rule)) {
    let lang = o.lang;
    let all_paths = o.m("all_paths");
    let paths = |rs: &Ruleset, r: &Rule| match &r.paths {
        None => all_paths.clone(),
        Some(l) => join(
            &l.iter()
                .map(|&p| rs.paths[p].name.get(lang).to_string())
                .collect::<Vec<_>>(),
            lang,
        ),
    };
    let action = |r: &Rule| {
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
    let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
    let req = |rs: &Ruleset, r: &Rule| {
        r.require
            .as_ref()
            .map(|q| rs.category_req_label(q))
            .unwrap_or_default()
    };
    let f = |o: &mut Out, what: &str, a: &str, b: &str| o.field("rule", &r.id, &r.id, what, a, b);
    f(
        o,
        "what_severity",
        or.severity.as_str(),
        r.severity.as_str(),
    );
    f(o, "what_message", or.message.get(lang), r.message.get(lang));
    f(o, "what_paths", &paths(old, or), &paths(new, r));
    f(o, "what_action", &action(or), &action(r));
    f(o, "what_days", &days(or.days), &days(r.days));
    f(o, "what_require", &req(old, or), &req(new, r));
    let spared = |rs: &Ruleset, r: &Rule| {
        let v: Vec<String> = r
            .spare_ways
            .iter()
            .map(|&(p, w)| format!("{}.{}", rs.paths[p].id, rs.paths[p].ways[w].id))
            .collect();
        v.join(" | ")
    };
    f(o, "what_spare_ways", &spared(old, or), &spared(new, r));
    if when_key(old, or, lang) != when_key(new, r, lang) {
        o.push(
            ChangeKind::Changed,
            "rule",
            &r.id,
            "diff_rule_when",
            &[("name", &r.id)],
        );
    }
}

/// When a rule fires, as one comparable string of ids.
fn when_key(rs: &Ruleset, r: &Rule, lang: Lang) -> String {
    let w = &r.when;
    let ids = |l: &[usize], v: &dyn Fn(usize) -> String| {
        l.iter().map(|&i| v(i)).collect::<Vec<_>>().join("|")
    };
    format!(
        "{}/{}/{}/{}/{}/{}/{}/{:?}/{}/{}",
        w.subjects
            .map(|s| rs.subject_names(s, lang))
            .unwrap_or_default(),
        ids(&w.goods, &|i| rs.goods[i].id.clone()),
        ids(&w.services, &|i| rs.services[i].id.clone()),
        ids(&w.scenarios, &|i| rs.scenarios[i].id.clone()),
        ids(&w.categories, &|i| rs.categories[i].id.clone()),
        ids(&w.categories_not_approved, &|i| rs.categories[i].id.clone()),
        ids(&w.regions, &|i| rs.regions[i].id.clone()),
        w.multi_merchant,
        r.block,
        r.prohibit,
    )
}

/// Engine checks, by id and kind: added, removed, severity.
fn checks(o: &mut Out, old: &Ruleset, new: &Ruleset) {
    let label = o.m("area_check");
    let same = |a: &Check, b: &Check| a.id == b.id && a.kind == b.kind;
    for c in &new.checks {
        match old.checks.iter().find(|x| same(x, c)) {
            None => o.push(
                ChangeKind::Added,
                "check",
                &c.id,
                "diff_added",
                &[("area", &label), ("name", &c.id)],
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
        if let Some(oc) = old.checks.iter().find(|x| same(x, c)) {
            o.field(
                "check",
                &c.id,
                &c.id,
                "what_message",
                oc.message.get(o.lang),
                c.message.get(o.lang),
            );
        }
    }
    for c in old
        .checks
        .iter()
        .filter(|c| !new.checks.iter().any(|x| same(x, c)))
    {
        o.push(
            ChangeKind::Removed,
            "check",
            &c.id,
            "diff_removed",
            &[("area", &label), ("name", &c.id)],
        );
    }
}
