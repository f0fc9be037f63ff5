//! Access paths: the ways that open each (subject types and categories),
//! the scenarios each way serves, and the setup steps after them.

use std::collections::HashSet;

use super::Cx;
use super::vocab::{Vocab, ids};
use crate::raw::*;
use crate::ruleset::*;

impl Cx<'_> {
    /// Paths with their ways and setup steps; `used` marks the categories a
    /// way names.
    pub(super) fn paths(
        &mut self,
        raw: &[RawPath],
        v: &Vocab,
        categories: &[Category],
        used: &mut [bool],
    ) -> (Vec<Path>, Vec<SetupStep>, Lookup) {
        let mut seen = HashSet::new();
        let mut paths = Vec::new();
        let mut steps = Vec::new();
        let mut step_seen = HashSet::new();
        let mut step_lookup = Lookup::default();
        for (i, p) in raw.iter().enumerate() {
            let k = format!("paths[{i}]");
            let id = self.id(&p.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&p.name, &format!("{k}.name"));
            let source = self.source(p.source.as_ref(), p.id.span(), &format!("{k}.source"));
            if let Some(g) = &p.guide {
                self.source(Some(g), g.span(), &format!("{k}.guide"));
            }
            let ways = self.ways(p, &k, v, categories, used);
            let first = steps.len();
            for (j, st) in p.steps.iter().enumerate() {
                let step = self.step(st, &format!("{k}.steps[{j}]"), &ways, &mut step_seen);
                step_lookup.insert(&step.id, steps.len());
                step_lookup.insert(&step.name.zh, steps.len());
                step_lookup.insert(&step.name.en, steps.len());
                steps.push(step);
            }
            paths.push(Path {
                id,
                name,
                guide: p.guide.as_ref().map(|g| g.get_ref().clone()),
                source,
                ways,
                steps: (first..steps.len()).collect(),
            });
        }
        if paths.is_empty() {
            self.error(0..0, "paths", "the ruleset declares no access paths");
        }
        if steps.len() > MAX_STEPS {
            let m = format!(
                "at most {MAX_STEPS} setup steps in a ruleset, not {}",
                steps.len()
            );
            self.error(0..0, "paths", m);
        }
        (paths, steps, step_lookup)
    }

    fn ways(
        &mut self,
        p: &RawPath,
        k: &str,
        v: &Vocab,
        categories: &[Category],
        used: &mut [bool],
    ) -> Vec<Way> {
        if p.ways.is_empty() {
            self.error(p.id.span(), k, "a path needs at least one way to open it");
        }
        if p.ways.len() > 64 {
            self.error(p.id.span(), k, "a path may have at most 64 ways");
        }
        let mut seen = HashSet::new();
        p.ways
            .iter()
            .enumerate()
            .map(|(j, w)| self.way(w, &format!("{k}.ways[{j}]"), v, categories, used, &mut seen))
            .collect()
    }

    fn way(
        &mut self,
        w: &toml::Spanned<RawWay>,
        wk: &str,
        v: &Vocab,
        categories: &[Category],
        used: &mut [bool],
        seen: &mut HashSet<String>,
    ) -> Way {
        let (subject_ids, scenario_ids) = (
            ids(&v.subject_types, |s| &s.id),
            ids(&v.scenarios, |s| &s.id),
        );
        let category_ids = ids(categories, |c| &c.id);
        let wr = w.get_ref();
        let id = self.id(&wr.id, &format!("{wk}.id"), seen);
        let subjects = wr
            .subject_types
            .as_ref()
            .map(|l| self.subject_mask(l, &format!("{wk}.subject_types"), &subject_ids));
        if subjects.is_none() && wr.categories.is_empty() {
            self.warn(
                w.span(),
                wk,
                "this way opens the path for every subject with no category",
            );
        }
        let cats_key = format!("{wk}.categories");
        let cats = self.resolve_all(&wr.categories, &cats_key, "category", &category_ids);
        for &c in &cats {
            used[c] = true;
        }
        let scenarios = match &wr.scenarios {
            Some(l) => self.resolve_all(l, &format!("{wk}.scenarios"), "scenario", &scenario_ids),
            None => way_scenarios(categories, &cats),
        };
        let region_ids = ids(&v.regions, |r| &r.id);
        let regions = (wr.regions.as_ref())
            .map(|l| self.resolve_all(l, &format!("{wk}.regions"), "region", &region_ids));
        Way {
            id,
            subjects,
            categories: cats,
            scenarios,
            regions,
        }
    }

    /// One setup step of a path whose ways are `ways`.
    fn step(
        &mut self,
        st: &RawStep,
        key: &str,
        ways: &[Way],
        seen: &mut HashSet<String>,
    ) -> SetupStep {
        let way_ids: Vec<&str> = ways.iter().map(|w| w.id.as_str()).collect();
        let id = self.id(&st.id, &format!("{key}.id"), seen);
        SetupStep {
            name: self.text(&st.name, &format!("{key}.name")),
            ways: self.resolve_all(&st.ways, &format!("{key}.ways"), "way", &way_ids),
            days: st.days,
            working_days: st.working_days,
            note: st
                .note
                .as_ref()
                .map(|t| self.text(t, &format!("{key}.note"))),
            source: self.source(st.source.as_ref(), st.id.span(), &format!("{key}.source")),
            id,
        }
    }
}

/// The scenarios a way opens by default: those of its categories, in
/// vocabulary order.
fn way_scenarios(categories: &[Category], cats: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = cats
        .iter()
        .flat_map(|&c| categories[c].scenarios.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
