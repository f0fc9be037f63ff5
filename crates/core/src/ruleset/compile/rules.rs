//! Actions and conditional rules: when a rule fires (subject types, goods,
//! services, scenarios, categories, regions), and what it does to the
//! paths (block, prohibit until an action, require a category, add days).

use std::collections::{BTreeMap, HashSet};

use super::Cx;
use super::vocab::{Vocab, ids};
use crate::l10n::Text;
use crate::raw::*;
use crate::ruleset::*;

/// What a rule may refer to.
pub(super) struct Refs<'a> {
    pub v: &'a Vocab,
    pub categories: &'a [Category],
    pub category_lookup: &'a Lookup,
    pub paths: &'a [Path],
    pub actions: &'a BTreeMap<String, Text>,
    pub firsts: FirstNames<'a>,
}

impl Cx<'_> {
    /// The actions' messages; the engine's own actions must have one.
    pub(super) fn actions(&mut self, raw: &BTreeMap<String, RawAction>) -> BTreeMap<String, Text> {
        let mut actions = BTreeMap::new();
        for (name, a) in raw {
            let t = self.text(&a.message, &format!("actions.{name}.message"));
            actions.insert(name.clone(), t);
        }
        for engine in ENGINE_ACTIONS {
            if !actions.contains_key(engine) {
                self.error(
                    0..0,
                    format!("actions.{engine}"),
                    format!("missing the message of engine action `{engine}`"),
                );
            }
        }
        actions
    }

    /// The rules; `used` marks the categories they name.
    pub(super) fn rules(&mut self, raw: &[RawRule], refs: &Refs, used: &mut [bool]) -> Vec<Rule> {
        let mut seen = HashSet::new();
        raw.iter()
            .enumerate()
            .map(|(i, r)| self.rule(r, &format!("rules[{i}]"), refs, used, &mut seen))
            .collect()
    }

    fn rule(
        &mut self,
        r: &RawRule,
        k: &str,
        refs: &Refs,
        used: &mut [bool],
        seen: &mut HashSet<String>,
    ) -> Rule {
        let id = self.id(&r.id, &format!("{k}.id"), seen);
        let severity = self.severity(&r.severity, &format!("{k}.severity"));
        let when = self.when(r.when.get_ref(), &format!("{k}.when"), refs);
        for &c in when.categories.iter().chain(&when.categories_not_approved) {
            used[c] = true;
        }
        let require = r
            .require_category
            .as_ref()
            .and_then(|s| self.require(s, k, refs));
        if let Some(CategoryReq::Category(c)) = require {
            used[c] = true;
        }
        let path_ids = ids(refs.paths, |p| &p.id);
        let paths = (r.paths.as_ref())
            .map(|l| self.resolve_all(l, &format!("{k}.paths"), "path", &path_ids));
        self.rule_action(r, k, refs);
        let spare_ways = self.spare_ways(r, k, refs);
        let category_ids = ids(refs.categories, |c| &c.id);
        let shown_key = format!("{k}.shown_with");
        let shown_with = self.resolve_all(&r.shown_with, &shown_key, "category", &category_ids);
        Rule {
            shown_with,
            id,
            severity,
            when,
            block: r.block,
            prohibit: r.prohibit,
            action: r.action.as_ref().map(|a| a.get_ref().clone()),
            require,
            paths,
            spare_ways,
            days: r.days,
            message: self.text(&r.message, &format!("{k}.message")),
            source: self.source(r.source.as_ref(), r.id.span(), &format!("{k}.source")),
            basis: self.basis(r.basis.as_ref(), r.id.span(), &format!("{k}.basis")),
        }
    }

    /// The ways (`PATH.WAY`) a blocking rule leaves open.
    fn spare_ways(&mut self, r: &RawRule, k: &str, refs: &Refs) -> Vec<(usize, usize)> {
        if !r.spare_ways.is_empty() && !r.block {
            let key = format!("{k}.spare_ways");
            self.error(r.id.span(), key, "only a rule that blocks spares ways");
        }
        let ways: Vec<(String, (usize, usize))> = refs
            .paths
            .iter()
            .enumerate()
            .flat_map(|(pi, p)| {
                let ways = p.ways.iter().enumerate();
                ways.map(move |(wi, w)| (format!("{}.{}", p.id, w.id), (pi, wi)))
            })
            .collect();
        let ids: Vec<&str> = ways.iter().map(|(id, _)| id.as_str()).collect();
        r.spare_ways
            .iter()
            .enumerate()
            .filter_map(|(n, s)| {
                let key = format!("{k}.spare_ways[{n}]");
                let i = self.resolve(s, &key, "way (`path.way`)", &ids)?;
                Some(ways[i].1)
            })
            .collect()
    }

    /// A rule's action exists; a prohibiting rule must name one.
    fn rule_action(&mut self, r: &RawRule, k: &str, refs: &Refs) {
        let action_ids: Vec<&str> = refs.actions.keys().map(String::as_str).collect();
        if let Some(a) = &r.action {
            self.resolve(a, &format!("{k}.action"), "action", &action_ids);
        } else if r.prohibit {
            self.error(
                r.id.span(),
                format!("{k}.action"),
                "a prohibiting rule names the action that lifts it",
            );
        }
    }

    /// When a rule fires: every list given must match.
    fn when(&mut self, w: &RawWhen, wk: &str, refs: &Refs) -> When {
        let v = refs.v;
        let list = |cx: &mut Self, l: &[S], name: &str, ids: &[&str], what: &str| {
            l.iter()
                .enumerate()
                .filter_map(|(n, s)| cx.resolve(s, &format!("{wk}.{name}[{n}]"), what, ids))
                .collect::<Vec<_>>()
        };
        let category_ids = ids(refs.categories, |c| &c.id);
        let subject_ids = ids(&v.subject_types, |s| &s.id);
        When {
            subjects: (!w.subject_types.is_empty()).then(|| {
                self.subject_mask(
                    &w.subject_types,
                    &format!("{wk}.subject_types"),
                    &subject_ids,
                )
            }),
            goods: list(self, &w.goods, "goods", &ids(&v.goods, |s| &s.id), "goods"),
            services: list(
                self,
                &w.services,
                "services",
                &ids(&v.services, |s| &s.id),
                "service",
            ),
            scenarios: list(
                self,
                &w.scenarios,
                "scenarios",
                &ids(&v.scenarios, |s| &s.id),
                "scenario",
            ),
            categories: list(self, &w.categories, "categories", &category_ids, "category"),
            regions: list(
                self,
                &w.regions,
                "regions",
                &ids(&v.regions, |s| &s.id),
                "region",
            ),
            categories_not_approved: list(
                self,
                &w.categories_not_approved,
                "categories_not_approved",
                &category_ids,
                "category",
            ),
            multi_merchant: w.multi_merchant,
        }
    }

    /// The category a rule requires: one category, or any of a first level
    /// (`医疗/*`).
    fn require(&mut self, s: &S, k: &str, refs: &Refs) -> Option<CategoryReq> {
        let v = s.get_ref();
        if let Some(first) = v.strip_suffix("/*") {
            if first.trim().is_empty() {
                let key = format!("{k}.require_category");
                self.error(s.span(), key, "`/*` needs a first level before it");
                return None;
            }
            // Written with an older name, it still means today's.
            let current = refs.firsts.current(first).to_string();
            return Some(CategoryReq::FirstLevel(current));
        }
        let category_ids = ids(refs.categories, |c| &c.id);
        let i = match refs.category_lookup.get(v) {
            Some(i) => Some(i),
            None => self.resolve(
                s,
                &format!("{k}.require_category"),
                "category",
                &category_ids,
            ),
        }?;
        Some(CategoryReq::Category(i))
    }
}
