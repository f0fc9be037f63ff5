//! The ways that open a path: which categories each needs, the scenarios
//! each serves, and the best ways for the declared scenarios.

use super::*;

/// What a path's requirements add up to: its furthest status, the actions
/// that open it and the longest review still ahead.
struct Tally {
    status: PathStatus,
    actions: usize,
    authority: usize,
    review_days: Option<u32>,
}

impl<'r> Decider<'r> {
    /// The path opened by `ways` together (their categories, each once),
    /// with the rules' extra requirements and prohibitions.
    pub(super) fn eval_ways(
        &self,
        path: usize,
        ways: &[usize],
        fx: &Effects,
        r: &Resolved,
        docs: &mut Bits,
    ) -> PathDecision {
        let prohibit = &fx.prohibit;
        let requirements = self.requirements(path, ways, &fx.extra, r);
        let Tally {
            mut status,
            mut actions,
            authority,
            review_days,
        } = self.tally(&requirements, r, docs);
        if !prohibit.is_empty() {
            status = status.max(PathStatus::Actionable);
            actions += prohibit.len();
        }
        PathDecision {
            status,
            way: ways.first().copied(),
            ways: ways.iter().fold(0, |m, &w| m | (1 << w)),
            covers: Vec::new(),
            unserved: Vec::new(),
            blocked_by: None,
            requirements,
            prohibit: prohibit.to_vec(),
            // Filled for the chosen ways only (`missing_documents`): the
            // candidates that lose never need the list.
            missing: Vec::new(),
            actions,
            authority,
            review_days,
            setup: 0,
            go_live: None,
        }
    }

    /// What `ways` require: their categories, then the rules' extras, each once.
    fn requirements(
        &self,
        path: usize,
        ways: &[usize],
        extra: &[(usize, &CategoryReq)],
        r: &Resolved,
    ) -> Vec<Requirement> {
        let rs = self.rs;
        let mut requirements: Vec<Requirement> = Vec::with_capacity(2 + extra.len());
        for &w in ways {
            for &c in &rs.paths[path].ways[w].categories {
                if requirements.iter().any(|q| q.category == Some(c)) {
                    continue;
                }
                requirements.push(Requirement {
                    by: RequiredBy::Way(w),
                    eval: self.eval_category(c, r.status[c], r),
                    category: Some(c),
                    options: Vec::new(),
                });
            }
        }
        for &(rule, req) in extra {
            let same = |x: &Requirement| match (req, x.category, x.by) {
                (CategoryReq::Category(c), Some(xc), _) => *c == xc,
                (_, None, RequiredBy::Rule(xr)) => rs.rules[xr].require.as_ref() == Some(req),
                _ => false,
            };
            if requirements.iter().any(same) {
                continue;
            }
            let category = match req {
                CategoryReq::Category(c) => Some(*c),
                CategoryReq::FirstLevel(_) => None,
            };
            requirements.push(Requirement {
                by: RequiredBy::Rule(rule),
                eval: self.eval_req(req, r),
                category,
                options: Vec::new(),
            });
        }
        requirements
    }

    /// The status, actions and review days of `requirements` (documents in `docs`).
    fn tally(&self, requirements: &[Requirement], r: &Resolved, docs: &mut Bits) -> Tally {
        let rs = self.rs;
        let mut status = PathStatus::Available;
        let mut actions = 0;
        let mut review_days: Option<u32> = None;
        docs.clear();
        for q in requirements {
            let e = &q.eval;
            status = status.max(e.state.path_status());
            actions += usize::from(e.action.is_some());
            // The documents WeChat will ask for, unknown here: one action more.
            actions += usize::from(e.state == CategoryState::Actionable && e.confirm);
            for a in self.nearest_atoms(e, &r.held) {
                docs.insert(rs.atoms[a].doc.0);
            }
            if e.state != CategoryState::Held
                && let Some(k) = e.known
            {
                review_days = review_days.max(rs.review_days[k]);
            }
        }
        actions += docs.len() as usize;
        let authority = docs
            .iter()
            .filter(|&d| rs.documents[d].issued_by == IssuedBy::Authority)
            .count();
        Tally {
            status,
            actions,
            authority,
            review_days,
        }
    }

    /// The document kinds the chosen ways still lack, in ruleset order.
    pub(super) fn missing_documents(
        &self,
        d: &PathDecision,
        r: &Resolved,
        docs: &mut Bits,
    ) -> Vec<usize> {
        docs.clear();
        for q in &d.requirements {
            for a in self.nearest_atoms(&q.eval, &r.held) {
                docs.insert(self.rs.atoms[a].doc.0);
            }
        }
        docs.iter().collect()
    }

    /// The declared scenarios some way of some path opens; the others
    /// (none in the curated ruleset) do not shape the paths.
    pub(super) fn live_scenarios(&self, r: &Resolved) -> Vec<usize> {
        let opens = |s: &usize| {
            self.rs
                .paths
                .iter()
                .any(|p| p.ways.iter().any(|w| w.scenarios.contains(s)))
        };
        r.scenarios.iter().copied().filter(opens).collect()
    }

    /// One path's decision. With no declared scenario (that a way opens),
    /// its best way. Otherwise each declared scenario needs a way that
    /// opens it, the best one for each, counted together; a scenario no way
    /// of the path opens blocks the path.
    pub(super) fn choose(
        &self,
        pi: usize,
        fx: &Effects,
        live: &[usize],
        r: &Resolved,
        docs: &mut Bits,
    ) -> PathDecision {
        let path = &self.rs.paths[pi];
        let open = |w: &usize| {
            fx.allowed & (1 << *w) != 0 && path.ways[*w].serves(r.subject_bit, r.region)
        };
        if live.is_empty() {
            let mut all = (0..path.ways.len()).filter(open);
            return self
                .best_ways(pi, &mut all, false, fx, r, docs)
                .map_or_else(|| blocked(None), |(d, _)| d);
        }
        let (mut chosen, mut covers, mut unserved) = (Vec::new(), Vec::new(), Vec::new());
        let mut options: Vec<(usize, Vec<usize>)> = Vec::new();
        for &s in live {
            let mut opening = (0..path.ways.len())
                .filter(open)
                .filter(|&w| path.ways[w].scenarios.contains(&s));
            let Some((d, ties)) = self.best_ways(pi, &mut opening, true, fx, r, docs) else {
                unserved.push(s);
                continue;
            };
            let w = d.way.unwrap_or_default();
            covers.push((s, w));
            if !chosen.contains(&w) {
                chosen.push(w);
                options.push((w, ties));
            }
        }
        let mut d = if unserved.is_empty() {
            self.eval_ways(pi, &chosen, fx, r, docs)
        } else {
            blocked(None)
        };
        for q in &mut d.requirements {
            let ties = options.iter().find(|o| Some(o.0) == q.by_way());
            if let Some((_, ties)) = ties.filter(|t| !t.1.is_empty()) {
                q.options = self.option_categories(pi, ties);
            }
        }
        d.covers = covers;
        d.unserved = unserved;
        d
    }

    /// The best of `ways`, each alone, and the others exactly as good that
    /// each add one category the profile does not list (the business
    /// decides between them). Best: the furthest status, then the fewest
    /// categories to add (a category the profile already lists comes
    /// first), then as `key` says: the least effort (authority-issued
    /// documents, then actions; livegate's ranking).
    pub(super) fn best_ways(
        &self,
        pi: usize,
        ways: &mut dyn Iterator<Item = usize>,
        specific: bool,
        fx: &Effects,
        r: &Resolved,
        docs: &mut Bits,
    ) -> Option<(PathDecision, Vec<usize>)> {
        let path = &self.rs.paths[pi];
        // For a declared scenario, among equals the way made for fewest
        // scenarios; with none, a way whose category is still to add is
        // suggested in ruleset order (the general ways come first), and
        // the profile's own categories compete on actions.
        // Ways that only add a category the profile lists nowhere are not
        // told apart by their documents: the category must fit what the
        // mini program does, which the business decides.
        let key = |d: &PathDecision, w: usize| {
            let (a, n) = (adds(d), path.ways[w].scenarios.len());
            match (specific, a) {
                (true, _) if self.only_adds(d) => (d.status, a, 0, 0, n),
                (true, _) => (d.status, a, d.authority, d.actions, n),
                (false, 0) => (d.status, a, d.authority, d.actions, w),
                (false, _) => (d.status, a, 0, 0, w),
            }
        };
        let mut best: Option<(PathDecision, Vec<usize>)> = None;
        // With no scenario, ways whose categories the profile does not list
        // all stand equal (the same rules apply to each), so the first that
        // is not blocked is the only one of them that can win.
        let mut unlisted_open = false;
        for w in ways {
            let listed = path.ways[w]
                .categories
                .iter()
                .all(|&c| r.status[c].is_some());
            if !specific && !listed && unlisted_open {
                continue;
            }
            let e = self.eval_ways(pi, &[w], fx, r, docs);
            unlisted_open |= !listed && e.status != PathStatus::Blocked;
            let Some((b, ties)) = &mut best else {
                best = Some((e, Vec::new()));
                continue;
            };
            let bw = b.way.unwrap_or_default();
            if key(&e, w) < key(b, bw) {
                best = Some((e, Vec::new()));
            } else if key(&e, w) == key(b, bw) && self.only_adds(&e) && self.only_adds(b) {
                ties.push(w);
            }
        }
        best
    }

    /// Whether a way's decision only adds one category the profile lists nowhere.
    pub(super) fn only_adds(&self, d: &PathDecision) -> bool {
        d.requirements
            .iter()
            .filter(|q| q.by_way().is_some())
            .count()
            == 1
            && d.requirements
                .iter()
                .filter(|q| q.by_way().is_some())
                .all(|q| q.eval.profile_status.is_none())
    }

    /// The categories of the tied ways, one each.
    pub(super) fn option_categories(&self, pi: usize, ways: &[usize]) -> Vec<usize> {
        let path = &self.rs.paths[pi];
        ways.iter()
            .filter_map(|&w| path.ways[w].categories.first().copied())
            .collect()
    }
}
