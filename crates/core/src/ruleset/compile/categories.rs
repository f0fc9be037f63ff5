//! Service categories and their qualification: the "N 选 1" alternatives,
//! each an expression over documents, expanded for evaluation.

use std::collections::HashSet;

use super::expr::{ExprCx, collect_optional, dnf, same_terms};
use super::vocab::{Vocab, ids};
use super::{Cx, MAX_TERMS};
use crate::l10n::Text;
use crate::raw::*;
use crate::ruleset::*;

/// What every alternative of the ruleset is compiled against.
struct AltCx<'a, 'r> {
    ex: &'a mut ExprCx<'r>,
    groups: &'a [Group],
    subject_ids: &'a [&'a str],
    all_subjects: SubjectMask,
}

/// The first levels: each name, current or older, is one first level.
pub(super) struct Firsts {
    pub list: Vec<FirstLevel>,
    pub lookup: Lookup,
}

impl Firsts {
    pub(super) fn names(&self) -> FirstNames<'_> {
        FirstNames {
            list: &self.list,
            lookup: &self.lookup,
        }
    }
}

impl Cx<'_> {
    /// The first levels and their older names; a name is one first level's.
    pub(super) fn first_levels(&mut self, raw: &[RawFirstLevel]) -> Firsts {
        let mut list = Vec::new();
        let mut lookup = Lookup::default();
        let mut seen = HashSet::new();
        for (i, f) in raw.iter().enumerate() {
            let k = format!("first_levels[{i}]");
            for n in std::iter::once(&f.name).chain(&f.aliases) {
                let name = n.get_ref().trim();
                if name.is_empty() || name.contains('/') {
                    self.error(n.span(), &k, "a first level is a name without `/`");
                } else if !seen.insert(normalize(name)) {
                    self.error(n.span(), &k, format!("first level `{name}` is named twice"));
                }
                lookup.insert(name, i);
            }
            list.push(FirstLevel {
                name: f.name.get_ref().trim().to_string(),
                en: gloss(f.en.as_ref()),
                aliases: f
                    .aliases
                    .iter()
                    .map(|a| a.get_ref().trim().to_string())
                    .collect(),
                sources: self.sources(&f.sources, &format!("{k}.sources")),
            });
        }
        Firsts { list, lookup }
    }

    /// Categories from the ruleset and its included fragments, looked up
    /// by `first/second` (under every name of the first level), id and
    /// aliases.
    pub(super) fn categories(
        &mut self,
        raw: &[RawCategory],
        v: &Vocab,
        ex: &mut ExprCx,
        groups: &[Group],
        firsts: &Firsts,
    ) -> (Vec<Category>, Lookup) {
        let scenario_ids = ids(&v.scenarios, |s| &s.id);
        let subject_ids = ids(&v.subject_types, |s| &s.id);
        let mut acx = AltCx {
            ex,
            groups,
            subject_ids: &subject_ids,
            all_subjects: v.all_subjects,
        };
        let mut seen = HashSet::new();
        let mut seen_labels = HashSet::new();
        let mut categories = Vec::new();
        let mut lookup = Lookup::default();
        for (i, c) in raw.iter().enumerate() {
            let k = self.enter("categories", i);
            let place = self.place(c.id.span());
            self.category_places.push(place);
            let id = self.id(&c.id, &format!("{k}.id"), &mut seen);
            let label = format!("{}/{}", c.first.get_ref(), c.second.get_ref());
            self.check_label(c, &k, &label, &mut seen_labels);
            self.check_current_first(c, &k, firsts);
            for l in firsts.names().variants(&label) {
                lookup.insert(&l, i);
            }
            lookup.insert(&id, i);
            for a in &c.aliases {
                for l in firsts.names().variants(a.get_ref()) {
                    lookup.insert(&l, i);
                }
            }
            let mut cat = self.category(c, &k, id, &scenario_ids, &mut acx);
            cat.en = english(c, firsts);
            categories.push(cat);
        }
        self.leave();
        (categories, lookup)
    }

    /// A category names its first level as WeChat does today.
    fn check_current_first(&mut self, c: &RawCategory, k: &str, firsts: &Firsts) {
        let first = c.first.get_ref().trim();
        let current = firsts.names().current(first);
        if current != first {
            let m = format!(
                "`{first}` is an older name of the first level `{current}`: write the current one (the older name still matches)"
            );
            self.warn(c.first.span(), format!("{k}.first"), m);
        }
    }

    fn check_label(&mut self, c: &RawCategory, k: &str, label: &str, seen: &mut HashSet<String>) {
        if c.first.get_ref().trim().is_empty() || c.second.get_ref().trim().is_empty() {
            self.error(
                c.first.span(),
                k,
                "a category needs its first and second level",
            );
        } else if !seen.insert(normalize(label)) {
            self.error(
                c.first.span(),
                k,
                format!("category {label} is defined twice"),
            );
        }
    }

    fn category(
        &mut self,
        c: &RawCategory,
        k: &str,
        id: String,
        scenario_ids: &[&str],
        acx: &mut AltCx,
    ) -> Category {
        let scenarios = self.resolve_all(
            &c.scenarios,
            &format!("{k}.scenarios"),
            "scenario",
            scenario_ids,
        );
        let source = self.source(c.source.as_ref(), c.id.span(), &format!("{k}.source"));
        let scope = match &c.scope {
            Some(s) => self.text(s, &format!("{k}.scope")),
            None => Text::default(),
        };
        let mut seen = HashSet::new();
        let mut alternatives: Vec<Alternative> = Vec::new();
        for (j, a) in c.alternatives.iter().enumerate() {
            let alt = self.alternative(a, &format!("{k}.alternatives[{j}]"), &mut seen, acx);
            if let Some(prev) = alternatives
                .iter()
                .find(|p| same_terms(&p.terms, &alt.terms))
            {
                let key = format!("{k}.alternatives[{j}]");
                self.warn(
                    a.id.span(),
                    key,
                    format!("alternative is identical to `{}`", prev.id),
                );
            }
            alternatives.push(alt);
        }
        if let Some(d) = c.drop_alternatives.first() {
            let key = format!("{k}.drop_alternatives");
            self.error(
                d.span(),
                key,
                "drop_alternatives belongs in a fragment that replaces",
            );
        }
        let unsourced = self.qualification_kind(c, k, alternatives.is_empty());
        let qualification_source = match &c.qualification_source {
            Some(q) => self.source(Some(q), q.span(), &format!("{k}.qualification_source")),
            None => source.clone(),
        };
        let verified = c.verified.as_ref().and_then(|d| self.verified(d, k));
        Category {
            id,
            first: c.first.get_ref().clone(),
            second: c.second.get_ref().clone(),
            en: None,
            wechat_id: c.wechat_id,
            wechat_first: c.wechat_first,
            aliases: c.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            scenarios,
            scope,
            source,
            alternatives,
            documents_sourced: !unsourced,
            no_qualification: c.no_qualification.as_ref().is_some_and(|b| *b.get_ref()),
            qualification_source,
            verified,
        }
    }

    /// The day a qualification was checked: a date without a time (`rules
    /// lint` compares it with the day: [`super::Loaded::staleness`]).
    fn verified(&mut self, d: &toml::Spanned<toml::value::Datetime>, k: &str) -> Option<String> {
        let v = d.get_ref();
        if v.date.is_none() || v.time.is_some() {
            let key = format!("{k}.verified");
            self.error(d.span(), key, "verified must be a date such as 2026-12-03");
            return None;
        }
        Some(v.to_string())
    }

    /// Whether the category says no source gives its documents; checks
    /// that it says so, or that none are needed, only without alternatives.
    fn qualification_kind(&mut self, c: &RawCategory, k: &str, no_alternatives: bool) -> bool {
        let unsourced = c.documents_unsourced.as_ref().is_some_and(|b| *b.get_ref());
        if unsourced && !no_alternatives {
            self.error(
                c.id.span(),
                format!("{k}.documents_unsourced"),
                "a category with documents_unsourced = true cannot list alternatives",
            );
        }
        let none_needed = c.no_qualification.as_ref().is_some_and(|b| *b.get_ref());
        if none_needed && (unsourced || !no_alternatives) {
            self.error(
                c.id.span(),
                format!("{k}.no_qualification"),
                "a category with no_qualification = true has neither alternatives nor documents_unsourced",
            );
        }
        if !unsourced && !none_needed && no_alternatives {
            self.warn(
                c.id.span(),
                k,
                "no alternatives: the category counts as qualified without documents; \
                 if no source gives its documents, say documents_unsourced = true",
            );
        }
        unsourced
    }

    /// One alternative: its expression, expanded to the combinations of
    /// documents that satisfy it for the subject types it admits.
    fn alternative(
        &mut self,
        a: &RawAlternative,
        ak: &str,
        seen: &mut HashSet<String>,
        acx: &mut AltCx,
    ) -> Alternative {
        let id = self.id(&a.id, &format!("{ak}.id"), seen);
        let label = self.text(&a.label, &format!("{ak}.label"));
        let subjects = match &a.subject_types {
            Some(l) => self.subject_mask(l, &format!("{ak}.subject_types"), acx.subject_ids),
            None => acx.all_subjects,
        };
        let expr = acx.ex.list(self, &a.all_of, &a.any_of, a.id.span(), ak);
        let notes = a
            .notes
            .iter()
            .enumerate()
            .map(|(n, t)| self.text(t, &format!("{ak}.notes[{n}]")))
            .collect();
        let mut optional_docs = Vec::new();
        collect_optional(&expr, acx.groups, &acx.ex.atoms, &mut optional_docs);
        let terms = match dnf(&expr, acx.groups, acx.ex.atoms.len(), acx.all_subjects) {
            Ok(t) => t
                .into_iter()
                .filter_map(|mut t| {
                    t.subjects &= subjects;
                    (t.subjects != 0).then_some(t)
                })
                .collect::<Vec<_>>(),
            Err(n) => {
                let m = format!(
                    "the requirement expands to more than {MAX_TERMS} combinations ({n}); split it"
                );
                self.error(a.id.span(), ak, m);
                Vec::new()
            }
        };
        if terms.is_empty() && subjects != 0 {
            self.warn(
                a.id.span(),
                ak,
                "unreachable alternative: its subject-type restrictions exclude every subject type",
            );
        }
        Alternative {
            id,
            label,
            subjects,
            expr,
            terms,
            optional_docs,
            notes,
        }
    }
}

/// The English gloss of `first/second`, when the ruleset glosses both levels.
fn english(c: &RawCategory, firsts: &Firsts) -> Option<String> {
    let first = firsts
        .lookup
        .get(c.first.get_ref())
        .and_then(|i| firsts.list[i].en.as_deref())?;
    Some(format!("{first}/{}", gloss(c.en.as_ref())?))
}

/// An English gloss as written, or none when blank.
fn gloss(en: Option<&toml::Spanned<String>>) -> Option<String> {
    en.map(|e| e.get_ref().trim().to_string())
        .filter(|e| !e.is_empty())
}
