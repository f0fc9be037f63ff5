//! Evaluation, phase two: a [`Decision`] rendered into a [`Report`], with
//! every name and message in the language asked for, from the ruleset and
//! the message catalogue.

use crate::catalog::{join, msg};
use crate::decide::{CategoryEval, Decision, Effort, Note, PathDecision, RequiredBy, Requirement};
use crate::l10n::{Lang, fill};
use crate::profile::{CategoryStatus, Profile};
use crate::report::*;
use crate::ruleset::*;

/// Renders a decision on `profile` into a report in `lang`.
pub fn render(rs: &Ruleset, profile: &Profile, d: &Decision, lang: Lang) -> Report {
    let r = Renderer {
        rs,
        p: profile,
        d,
        lang,
    };
    let paths: Vec<PathReport> = d
        .paths
        .iter()
        .enumerate()
        .map(|(i, pd)| r.path(i, pd))
        .collect();
    let mut findings: Vec<Finding> = d.notes.iter().flat_map(|n| r.note(n)).collect();
    findings.sort_by_key(|f| f.severity);
    let plan = d
        .plan_path
        .map(|pi| paths[pi].actions.clone())
        .unwrap_or_default();
    let plan_reason = r.plan_reason();
    Report {
        profile_id: profile.id.clone(),
        ruleset: RulesetRef {
            id: rs.meta.id.clone(),
            version: rs.meta.version.clone(),
            as_of: rs.meta.as_of.clone(),
            source: rs.meta.source.clone(),
            authority: rs.meta.authority.clone(),
            notice: rs.meta.notice.as_ref().map(|n| n.get(lang).to_string()),
        },
        lang,
        as_of: d.date.map(|x| x.to_string()),
        assumed_approved: assumed_approved(profile, d),
        subject_type: rs.subject_types[d.subject].id.clone(),
        subject_type_name: rs.subject_types[d.subject].name.get(lang).to_string(),
        verdict: d.verdict,
        plan_path: d.plan_path.map(|pi| paths[pi].id.clone()),
        plan_reason,
        awaiting_review: Vec::new(),
        paths,
        findings,
        plan,
    }
}

/// Where the README explains livegate's ranking of effort.
pub const RANKING_SOURCE: &str = "README.md#nearest-livegates-ranking";

pub(crate) struct Renderer<'a> {
    pub(crate) rs: &'a Ruleset,
    pub(crate) p: &'a Profile,
    pub(crate) d: &'a Decision,
    pub(crate) lang: Lang,
}

impl Renderer<'_> {
    /// Why the plan takes its path, when another path was open to it.
    fn plan_reason(&self) -> Option<Reason> {
        let pi = self.d.plan_path?;
        let open = self
            .d
            .paths
            .iter()
            .filter(|p| p.status != PathStatus::Blocked);
        if open.count() < 2 || self.d.paths[pi].actions == 0 {
            return None;
        }
        let pd = &self.d.paths[pi];
        let (authority, actions) = (pd.authority.to_string(), pd.actions.to_string());
        let path = self.rs.paths[pi].name.get(self.lang);
        let vars = [
            ("path", path),
            ("authority", authority.as_str()),
            ("actions", actions.as_str()),
        ];
        Some(self.reason(msg("plan_reason", self.lang, &vars)))
    }

    fn reason(&self, message: String) -> Reason {
        Reason {
            message,
            basis: Basis::Livegate,
            source: RANKING_SOURCE.to_string(),
        }
    }

    /// Why a category's nearest alternative is the one named: when it lacks
    /// something and more than one alternative applies to the subject.
    fn nearest_reason(&self, k: usize, e: &CategoryEval) -> Option<Reason> {
        let (a, t) = e.nearest?;
        let cat = &self.rs.categories[k];
        let applicable = (0..cat.alternatives.len())
            .filter(|&i| self.d.term(k, i).is_some())
            .count();
        if e.state != CategoryState::Actionable || applicable < 2 {
            return None;
        }
        let alt = &cat.alternatives[a];
        let ef = Effort::of(
            &alt.terms[t].atoms,
            &self.d.held,
            &self.rs.authority_atoms,
            &self.d.given,
        );
        let (authority, missing, held) = (
            ef.authority.to_string(),
            ef.missing.to_string(),
            ef.held.0.to_string(),
        );
        let vars = [
            ("alternative", alt.label.get(self.lang)),
            ("authority", authority.as_str()),
            ("missing", missing.as_str()),
            ("held", held.as_str()),
        ];
        Some(self.reason(msg("nearest_reason", self.lang, &vars)))
    }

    pub(crate) fn doc_name(&self, kind: usize) -> &str {
        self.rs.documents[kind].name.get(self.lang)
    }

    pub(crate) fn action(&self, id: &str, vars: &[(&str, &str)]) -> String {
        self.rs
            .actions
            .get(id)
            .map_or_else(|| id.to_string(), |t| fill(t.get(self.lang), vars))
    }

    pub(crate) fn label(&self, req: &CategoryReq, e: &CategoryEval) -> String {
        match (req, e.known) {
            (CategoryReq::FirstLevel(f), _) if e.first_level => format!("{f}/*"),
            (_, Some(k)) => self.rs.categories[k].label(),
            (req, None) => self.rs.category_req_label(req),
        }
    }

    /// The missing atoms of an alternative's best term, in ruleset document order.
    pub(crate) fn alternative_missing(&self, k: usize, i: usize) -> Option<Vec<usize>> {
        let alt = &self.rs.categories[k].alternatives[i];
        let t = self.d.term(k, i)?;
        let mut m: Vec<usize> = alt.terms[t].atoms.missing(&self.d.held).collect();
        m.sort_by_key(|&a| self.rs.atoms[a].doc);
        Some(m)
    }

    /// A way covering a scenario in words; with equally good options, all
    /// of them.
    pub(crate) fn cover_text(&self, pd: &PathDecision, way: &Way, w: usize) -> String {
        let options = pd
            .requirements
            .iter()
            .find(|q| q.by_way() == Some(w) && !q.options.is_empty());
        let Some(q) = options else {
            return self.way_text(way);
        };
        let all: Vec<String> = q
            .category
            .iter()
            .chain(&q.options)
            .map(|&c| crate::text::quote(&self.rs.categories[c].label(), self.lang))
            .collect();
        let list = msg("one_of", self.lang, &[("list", &join(&all, self.lang))]);
        msg("way_categories", self.lang, &[("categories", &list)])
    }

    pub(crate) fn way_text(&self, w: &Way) -> String {
        self.rs
            .way_lines(w, self.lang)
            .join(&msg("list_sep", self.lang, &[]))
    }

    pub(crate) fn scenario(&self, s: usize) -> Named {
        let sc = &self.rs.scenarios[s];
        Named {
            id: sc.id.clone(),
            name: sc.name.get(self.lang).to_string(),
        }
    }

    /// One path's report: what opens it, each category it requires with
    /// its alternatives and documents, and the actions, in order.
    pub(crate) fn path(&self, pi: usize, pd: &PathDecision) -> PathReport {
        let mut report = self.path_head(pi, pd);
        if pd.way.is_none() {
            return report;
        }
        let mut doc_actions: Vec<Action> = Vec::new();
        for q in &pd.requirements {
            self.requirement(pi, q, &mut report, &mut doc_actions);
        }
        report.actions.extend(doc_actions);
        self.prohibitions(pd, &mut report);
        report
    }

    /// The path's own fields, before its categories.
    fn path_head(&self, pi: usize, pd: &PathDecision) -> PathReport {
        let rs = self.rs;
        let path = &rs.paths[pi];
        PathReport {
            id: path.id.clone(),
            name: path.name.get(self.lang).to_string(),
            status: pd.status,
            via: pd.way.map(|w| path.ways[w].id.clone()),
            opened_by: pd.way.map(|w| self.way_text(&path.ways[w])),
            blocked_by: pd.blocked_by.map(|r| rs.rules[r].id.clone()),
            scenarios: pd
                .covers
                .iter()
                .map(|&(s, w)| ScenarioCover {
                    scenario: self.scenario(s),
                    via: path.ways[w].id.clone(),
                    categories: path.ways[w]
                        .categories
                        .iter()
                        .map(|&c| rs.categories[c].label())
                        .collect(),
                    opened_by: self.cover_text(pd, &path.ways[w], w),
                })
                .collect(),
            unserved_scenarios: pd.unserved.iter().map(|&s| self.scenario(s)).collect(),
            required_categories: Vec::new(),
            missing_documents: pd
                .missing
                .iter()
                .map(|&d| rs.documents[d].id.clone())
                .collect(),
            categories: Vec::new(),
            alternatives: Vec::new(),
            actions: Vec::new(),
            review_days: pd.review_days,
            guide: path.guide.clone(),
            source: path.source.clone(),
            setup: self.setup(pd.setup),
            go_live: pd.go_live.map(|d| d.to_string()),
        }
    }

    /// A category the path requires: its action, its report, its alternatives.
    fn requirement(
        &self,
        pi: usize,
        q: &Requirement,
        report: &mut PathReport,
        doc_actions: &mut Vec<Action>,
    ) {
        let rs = self.rs;
        let path = &rs.paths[pi];
        let e = &q.eval;
        let options: Vec<String> = q
            .options
            .iter()
            .map(|&c| rs.categories[c].label())
            .collect();
        let label = if options.is_empty() {
            self.label(&q.req(rs), e)
        } else {
            let mut all = vec![self.label(&q.req(rs), e)];
            all.extend(options.iter().cloned());
            let quoted: Vec<String> = all
                .iter()
                .map(|l| crate::text::quote(l, self.lang))
                .collect();
            msg("one_of", self.lang, &[("list", &join(&quoted, self.lang))])
        };
        if let Some(a) = e.action {
            report.required_categories.push(label.clone());
            report.actions.push(Action {
                id: a.id().to_string(),
                category: Some(label.clone()),
                document: None,
                goods: Vec::new(),
                message: self.action(a.id(), &[("category", &label)]),
            });
        }
        if let (true, Some(k)) = (e.confirm && e.state == CategoryState::Actionable, e.known) {
            let source = &rs.categories[k].qualification_source;
            report.actions.push(Action {
                id: "confirm_documents".into(),
                category: Some(label.clone()),
                document: None,
                goods: Vec::new(),
                message: self.action(
                    "confirm_documents",
                    &[("category", &label), ("source", source)],
                ),
            });
        }
        report.categories.push(CategoryReport {
            category: label.clone(),
            id: e.known.map(|k| rs.categories[k].id.clone()),
            profile_status: e
                .profile_status
                .map_or("absent", CategoryStatus::as_str)
                .to_string(),
            state: e.state,
            options,
            required_by: match q.by {
                RequiredBy::Way(w) => path.ways[w].id.clone(),
                RequiredBy::Rule(r) => rs.rules[r].id.clone(),
            },
            qualification_source: e
                .known
                .map(|k| rs.categories[k].qualification_source.clone()),
            verified: e.known.and_then(|k| rs.categories[k].verified.clone()),
            nearest_reason: e.known.and_then(|k| self.nearest_reason(k, e)),
        });
        if let Some(k) = e.known {
            self.alternatives(k, e, &label, report, doc_actions);
        }
    }

    /// A known category's alternatives; the nearest one's missing documents
    /// become actions.
    fn alternatives(
        &self,
        k: usize,
        e: &CategoryEval,
        label: &str,
        report: &mut PathReport,
        doc_actions: &mut Vec<Action>,
    ) {
        let rs = self.rs;
        let cat = &rs.categories[k];
        for (i, alt) in cat.alternatives.iter().enumerate() {
            let missing = self.alternative_missing(k, i);
            let nearest = e.nearest.is_some_and(|(n, _)| n == i);
            if nearest && e.state == CategoryState::Actionable {
                for &atom in missing.iter().flatten() {
                    let doc = &rs.documents[rs.atoms[atom].doc];
                    if doc_actions
                        .iter()
                        .any(|a| a.document.as_deref() == Some(doc.id.as_str()))
                    {
                        continue;
                    }
                    let lacks = self
                        .rs
                        .constraint_text(atom, self.lang)
                        .map(|c| msg("lacks", self.lang, &[("constraint", &c)]))
                        .unwrap_or_default();
                    doc_actions.push(Action {
                        id: "provide_document".into(),
                        category: Some(label.to_string()),
                        document: Some(doc.id.clone()),
                        goods: Vec::new(),
                        message: self.action(
                            "provide_document",
                            &[
                                ("document", doc.name.get(self.lang)),
                                ("lacks", &lacks),
                                ("category", label),
                                ("alternative", alt.label.get(self.lang)),
                            ],
                        ),
                    });
                }
            }
            report.alternatives.push(AlternativeReport {
                category: label.to_string(),
                id: alt.id.clone(),
                label: alt.label.get(self.lang).to_string(),
                applicable: missing.is_some(),
                satisfied: missing.as_ref().is_some_and(Vec::is_empty),
                nearest,
                missing: missing
                    .iter()
                    .flatten()
                    .map(|&a| rs.documents[rs.atoms[a].doc].id.clone())
                    .collect(),
                missing_from_authority: missing
                    .iter()
                    .flatten()
                    .filter(|&&a| rs.authority_atoms.contains(a))
                    .map(|&a| rs.documents[rs.atoms[a].doc].id.clone())
                    .collect(),
                notes: alt
                    .optional_docs
                    .iter()
                    .map(|&d| rs.documents[d].id.clone())
                    .collect(),
            });
        }
    }

    /// The actions that lift the path's prohibitions (goods to remove).
    fn prohibitions(&self, pd: &PathDecision, report: &mut PathReport) {
        let rs = self.rs;
        for (rule, goods) in &pd.prohibit {
            let Some(action) = &rs.rules[*rule].action else {
                continue;
            };
            let names: Vec<String> = goods
                .iter()
                .map(|&g| rs.goods[g].name.get(self.lang).to_string())
                .collect();
            report.actions.push(Action {
                id: action.clone(),
                category: None,
                document: None,
                goods: goods.iter().map(|&g| rs.goods[g].id.clone()).collect(),
                message: self.action(action, &[("goods", &join(&names, self.lang))]),
            });
        }
    }

    /// The setup steps of a mask, in ruleset order.
    pub(crate) fn setup(&self, mask: u64) -> Vec<SetupReport> {
        self.rs
            .steps
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| SetupReport {
                id: s.id.clone(),
                name: s.name.get(self.lang).to_string(),
                days: s.days,
                working_days: s.working_days,
                note: s.note.as_ref().map(|n| n.get(self.lang).to_string()),
                source: s.source.clone(),
            })
            .collect()
    }
}

/// The categories the decision took as approved because the profile gave
/// them no status.
fn assumed_approved(p: &Profile, d: &Decision) -> Vec<String> {
    d.notes
        .iter()
        .find_map(|n| match n {
            Note::StatusAssumed { categories } => Some(
                categories
                    .iter()
                    .map(|&c| p.categories[c].label())
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default()
}
