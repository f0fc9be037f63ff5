//! A category's qualification: which alternative is nearest, what it
//! lacks, and the category's state on a path.

use super::*;

impl<'r> Decider<'r> {
    /// One known category's qualification and state.
    pub(super) fn eval_category(
        &self,
        c: usize,
        st: Option<CategoryStatus>,
        r: &Resolved,
    ) -> CategoryEval {
        let cat = &self.rs.categories[c];
        let nearest = self.nearest_alternative(c, r);
        // Without a sourced list, documents can neither qualify nor fail
        // it: the person confirms they hold what WeChat's page asks for.
        let unsourced = !cat.documents_sourced;
        let confirm = unsourced && !r.confirmed[c] && st != Some(CategoryStatus::Approved);
        let qualified = if unsourced {
            !confirm
        } else {
            cat.alternatives.is_empty() || nearest.is_some_and(|(.., e)| e.missing == 0)
        };
        let can_qualify = unsourced || cat.alternatives.is_empty() || nearest.is_some();
        let (state, action) = match st {
            Some(CategoryStatus::Approved) => (CategoryState::Held, None),
            Some(CategoryStatus::Pending) if qualified => (CategoryState::Pending, None),
            Some(CategoryStatus::Pending) if can_qualify => (CategoryState::Actionable, None),
            Some(CategoryStatus::Rejected) if can_qualify => {
                (CategoryState::Actionable, Some(CategoryAction::Resubmit))
            }
            None | Some(CategoryStatus::Planned) if can_qualify => {
                (CategoryState::Actionable, Some(CategoryAction::Add))
            }
            _ => (CategoryState::Blocked, None),
        };
        CategoryEval {
            state,
            action,
            known: Some(c),
            nearest: nearest.map(|(a, t, _)| (a, t)),
            profile_status: st,
            first_level: false,
            confirm,
        }
    }

    /// The alternative nearest for the subject, by [`Effort`] (the first
    /// listed among equals): (alternative, term, effort).
    pub(super) fn nearest_alternative(
        &self,
        c: usize,
        r: &Resolved,
    ) -> Option<(usize, usize, Effort)> {
        let mut nearest: Option<(usize, usize, Effort)> = None;
        for (i, alt) in self.rs.categories[c].alternatives.iter().enumerate() {
            let docs = (&r.held, &r.given);
            if let Some((t, e)) = best_term(alt, docs, r.subject_bit, &self.rs.authority_atoms)
                && nearest.is_none_or(|(.., b)| e < b)
            {
                nearest = Some((i, t, e));
            }
        }
        nearest
    }

    pub(super) fn eval_req(&self, req: &CategoryReq, r: &Resolved) -> CategoryEval {
        match req {
            CategoryReq::Category(c) => self.eval_category(*c, r.status[*c], r),
            CategoryReq::FirstLevel(first) => {
                // The listed category of that first level, known or not,
                // that is furthest along (then the best status, then the
                // first listed); none listed: add one.
                let best = r
                    .listed
                    .iter()
                    .filter(|(f, ..)| *f == first.as_str())
                    .map(|(_, k, st)| self.eval_listed(*k, *st, r))
                    .min_by_key(|e| {
                        (
                            e.state.path_status(),
                            e.profile_status.map_or(u8::MAX, status_rank),
                        )
                    });
                best.unwrap_or(CategoryEval {
                    state: CategoryState::Actionable,
                    action: Some(CategoryAction::Add),
                    known: None,
                    nearest: None,
                    profile_status: None,
                    first_level: true,
                    confirm: false,
                })
            }
        }
    }

    /// A listed category met through a first-level requirement: a known
    /// one by its qualification, an unknown one by its status alone.
    pub(super) fn eval_listed(
        &self,
        known: Option<usize>,
        st: CategoryStatus,
        r: &Resolved,
    ) -> CategoryEval {
        if let Some(k) = known {
            let mut e = self.eval_category(k, Some(st), r);
            e.first_level =
                e.action == Some(CategoryAction::Add) || e.state == CategoryState::Blocked;
            return e;
        }
        let (state, action) = match st {
            CategoryStatus::Approved => (CategoryState::Held, None),
            CategoryStatus::Pending => (CategoryState::Pending, None),
            CategoryStatus::Rejected => (CategoryState::Actionable, Some(CategoryAction::Resubmit)),
            CategoryStatus::Planned => (CategoryState::Actionable, Some(CategoryAction::Add)),
        };
        CategoryEval {
            state,
            action,
            known: None,
            nearest: None,
            profile_status: Some(st),
            first_level: true,
            confirm: false,
        }
    }

    /// The missing atoms of a category's nearest alternative.
    pub(super) fn nearest_atoms<'a>(
        &'a self,
        e: &CategoryEval,
        held: &'a Bits,
    ) -> impl Iterator<Item = usize> + 'a {
        let term = match (e.known, e.nearest) {
            (Some(k), Some((a, t))) if e.state == CategoryState::Actionable => {
                Some(&self.rs.categories[k].alternatives[a].terms[t])
            }
            _ => None,
        };
        term.into_iter().flat_map(move |t| t.atoms.missing(held))
    }

    /// For each rejected category the ruleset knows, the document kinds its
    /// nearest alternative lacks: what to complete before resubmitting.
    pub(super) fn rejected_missing(&mut self, p: &Profile, r: &Resolved) {
        let mut found = Vec::new();
        for (n, note) in self.notes.iter().enumerate() {
            let Note::CategoryRejected { category, .. } = note else {
                continue;
            };
            let c = &p.categories[*category];
            let known = match &c.second {
                Some(second) => self.rs.category_by_levels(&c.first, second),
                None => self.rs.lookups.categories.get(&c.first),
            };
            let Some(k) = known else { continue };
            let e = self.eval_category(k, Some(CategoryStatus::Rejected), r);
            let mut docs: Vec<usize> = self
                .nearest_atoms(&e, &r.held)
                .map(|a| self.rs.atoms[a].doc.0)
                .collect();
            docs.dedup();
            found.push((n, docs));
        }
        for (n, docs) in found {
            if let Note::CategoryRejected { missing, .. } = &mut self.notes[n] {
                *missing = docs;
            }
        }
    }
}
