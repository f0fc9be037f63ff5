//! The decision itself: which rules fire, each path's status and what it
//! lacks, the plan's path, the verdict, and the checks that span paths.

use super::*;

impl<'r> Decider<'r> {
    pub(super) fn run(mut self, p: &Profile, r: Resolved, date: Option<Date>) -> Decision {
        let rs = self.rs;
        self.rejected_missing(p, &r);
        // Which rules fire, before the paths: their effects shape the paths.
        let fired: Vec<Option<Matched>> = rs
            .rules
            .iter()
            .map(|rule| self.matches(rule, p, &r, None))
            .collect();

        let mut docs = Bits::new(rs.documents.len());
        let live = self.live_scenarios(&r);
        let mut paths = Vec::with_capacity(rs.paths.len());
        // The plan's path: the furthest status, then the least effort (the
        // fewest authority-issued documents, then the fewest actions), then
        // the shortest setup after them (livegate's ranking), then ruleset
        // order.
        let mut plan: Option<(PathStatus, usize, usize, u32, usize)> = None;
        for (pi, path) in rs.paths.iter().enumerate() {
            let blocked_by = rs.rules.iter().zip(&fired).position(|(rule, m)| {
                m.is_some() && rule.block && rule.applies_to_path(pi) && !rule.spares(pi)
            });
            if blocked_by.is_some() {
                paths.push(blocked(blocked_by));
                continue;
            }
            let fx = self.effects(pi, &fired);
            let mut d = self.choose(pi, &fx, &live, &r, &mut docs);
            if d.status == PathStatus::Blocked && d.blocked_by.is_none() {
                d.blocked_by = fx.sparing;
            }
            if d.actions > 0 {
                d.missing = self.missing_documents(&d, &r, &mut docs);
            }
            if d.status != PathStatus::Blocked {
                d.setup = golive::remaining(path, rs, d.ways, r.done);
                // A date only when nothing is left to the applicant: with
                // documents or categories still to obtain, no day can be
                // counted from today.
                let ready = d.status != PathStatus::Actionable;
                d.go_live = date
                    .filter(|_| ready)
                    .and_then(|start| golive::earliest(rs, d.setup, start));
            }
            if d.status != PathStatus::Blocked {
                let key = (
                    d.status,
                    d.authority,
                    d.actions,
                    golive::days(rs, d.setup),
                    pi,
                );
                if plan.is_none_or(|c| key < c) {
                    plan = Some(key);
                }
            }
            paths.push(d);
        }

        let verdict = verdict(&paths);
        let plan_path = plan.map(|(.., pi)| pi);
        self.rule_notes(p, &r, &fired, plan_path.map(|pi| &paths[pi]));
        self.scenario_checks(&r);
        let alternatives = self.alternatives(&paths, &r);
        if let Some(pi) = plan_path {
            self.unsourced_checks(&paths[pi], &r);
        }

        Decision {
            subject: r.subject,
            date,
            verdict,
            paths,
            plan_path,
            notes: self.notes,
            held: r.held,
            given: r.given,
            alternatives,
            status: r.status,
        }
    }

    /// What the fired rules do to path `pi`: categories they require,
    /// goods they prohibit, and the ways a block leaves open.
    fn effects(&self, pi: usize, fired: &[Option<Matched>]) -> Effects<'r> {
        let mut extra = Vec::new();
        let mut prohibit = Vec::new();
        let (mut allowed, mut sparing) = (u64::MAX, None);
        for (ri, (rule, m)) in self.rs.rules.iter().zip(fired).enumerate() {
            let Some(m) = m else { continue };
            if !rule.applies_to_path(pi) {
                continue;
            }
            if rule.block && rule.spares(pi) {
                allowed &= rule
                    .spare_ways
                    .iter()
                    .filter(|(p, _)| *p == pi)
                    .fold(0, |mask, (_, w)| mask | (1 << w));
                sparing = sparing.or(Some(ri));
            }
            if let Some(req) = &rule.require {
                extra.push((ri, req));
            }
            if rule.prohibit && rule.action.is_some() {
                prohibit.push((ri, m.goods.clone()));
            }
        }
        Effects {
            extra,
            prohibit,
            allowed,
            sparing,
        }
    }

    /// A note for each rule that fires, now that the plan is known (a
    /// rule on categories not yet approved reads the plan's path), unless
    /// the category it requires is held.
    fn rule_notes(
        &mut self,
        p: &Profile,
        r: &Resolved,
        fired: &[Option<Matched>],
        plan: Option<&PathDecision>,
    ) {
        for (ri, rule) in self.rs.rules.iter().enumerate() {
            let m = if rule.when.categories_not_approved.is_empty() {
                fired[ri].clone()
            } else {
                self.matches(rule, p, r, plan)
            };
            let Some(m) = m else { continue };
            if let Some(req) = &rule.require
                && self.eval_req(req, r).state == CategoryState::Held
            {
                continue;
            }
            self.notes.push(Note::Rule {
                rule: ri,
                goods: m.goods,
                services: m.services,
            });
        }
    }

    /// Whether a rule's `when` holds, and what matched. With `plan`, a
    /// `categories_not_approved` condition also holds for an absent category
    /// the plan's path needs.
    pub(super) fn matches(
        &self,
        rule: &Rule,
        p: &Profile,
        r: &Resolved,
        plan: Option<&PathDecision>,
    ) -> Option<Matched> {
        let w = &rule.when;
        if w.subjects.is_some_and(|s| s & r.subject_bit == 0) {
            return None;
        }
        if !w.regions.is_empty() && !r.region.is_some_and(|x| w.regions.contains(&x)) {
            return None;
        }
        let pick = |want: &[usize], have: &[usize]| -> Option<Vec<usize>> {
            if want.is_empty() {
                return Some(Vec::new());
            }
            if !have.iter().any(|x| want.contains(x)) {
                return None;
            }
            Some(have.iter().copied().filter(|x| want.contains(x)).collect())
        };
        let goods = pick(&w.goods, &r.goods)?;
        let services = pick(&w.services, &r.services)?;
        pick(&w.scenarios, &r.scenarios)?;
        if !w.categories.is_empty() && !w.categories.iter().any(|&c| r.status[c].is_some()) {
            return None;
        }
        if !w.categories_not_approved.is_empty() {
            let hit = w
                .categories_not_approved
                .iter()
                .any(|&c| match r.status[c] {
                    Some(CategoryStatus::Approved) => false,
                    Some(_) => true,
                    None => plan
                        .is_some_and(|pd| pd.requirements.iter().any(|q| q.eval.known == Some(c))),
                });
            if !hit {
                return None;
            }
        }
        if let Some(v) = w.multi_merchant
            && p.multi_merchant != Some(v)
        {
            return None;
        }
        Some(Matched { goods, services })
    }

    /// The plan's categories still to obtain whose documents no source
    /// gives and whose holding the person has not confirmed.
    pub(super) fn unsourced_checks(&mut self, plan: &PathDecision, r: &Resolved) {
        let rs = self.rs;
        let categories: Vec<usize> = plan
            .requirements
            .iter()
            .filter(|q| q.eval.state != CategoryState::Held)
            .flat_map(|q| q.category.into_iter().chain(q.options.iter().copied()))
            .filter(|&c| !rs.categories[c].documents_sourced && !r.confirmed[c])
            .collect();
        if !categories.is_empty() {
            self.notes.push(Note::DocumentsUnsourced { categories });
        }
    }

    pub(super) fn scenario_checks(&mut self, r: &Resolved) {
        let rs = self.rs;
        if r.scenarios.is_empty() {
            return;
        }
        let mut covered = vec![false; rs.scenarios.len()];
        for (i, (_, known, _)) in r.listed.iter().enumerate() {
            let Some(k) = known else { continue };
            let cat = &rs.categories[*k];
            if cat.scenarios.is_empty() {
                continue;
            }
            for &s in &cat.scenarios {
                covered[s] = true;
            }
            if !cat.scenarios.iter().any(|s| r.scenarios.contains(s)) {
                self.notes.push(Note::ScenarioMismatch { category: i });
            }
        }
        for &s in &r.scenarios {
            if !covered[s] && rs.categories.iter().any(|c| c.scenarios.contains(&s)) {
                self.notes.push(Note::ScenarioUncovered { scenario: s });
            }
        }
    }

    /// Each alternative of the categories the paths require, with its
    /// term missing fewest atoms, which the report lists; and, for a held
    /// document whose attribute constraint fails (it counts as missing),
    /// what it lacks, once per requirement.
    pub(super) fn alternatives(
        &mut self,
        paths: &[PathDecision],
        r: &Resolved,
    ) -> Vec<AlternativeTerm> {
        let rs = self.rs;
        let mut out: Vec<AlternativeTerm> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for q in paths.iter().flat_map(|pd| &pd.requirements) {
            let Some(k) = q.eval.known else { continue };
            if out.iter().any(|a| a.category == k) {
                continue;
            }
            for (i, alt) in rs.categories[k].alternatives.iter().enumerate() {
                let docs = (&r.held, &r.given);
                let term = best_term(alt, docs, r.subject_bit, &rs.authority_atoms).map(|(t, _)| t);
                out.push(AlternativeTerm {
                    category: k,
                    alternative: i,
                    term,
                });
                let Some(t) = term else { continue };
                for atom in alt.terms[t].atoms.missing(&r.held) {
                    let a = &rs.atoms[atom];
                    if a.constraint.is_none() || !r.given.contains(atom) || seen.contains(&atom) {
                        continue;
                    }
                    seen.push(atom);
                    self.notes.push(Note::ConstraintUnmet { atom });
                }
            }
        }
        out
    }
}

/// The verdict: the furthest any path gets.
fn verdict(paths: &[PathDecision]) -> Verdict {
    let any = |st: PathStatus| paths.iter().any(|p| p.status == st);
    if any(PathStatus::Available) {
        Verdict::Eligible
    } else if any(PathStatus::Pending) {
        Verdict::Pending
    } else if any(PathStatus::Actionable) {
        Verdict::NeedsAction
    } else {
        Verdict::Ineligible
    }
}
