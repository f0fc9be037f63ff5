//! Evaluation, phase two: a [`Decision`] rendered into a [`Report`], with
//! every name and message in the language asked for, from the ruleset and
//! the message catalogue.

use crate::catalog::{join, msg};
use crate::credit::CodeError;
use crate::decide::{CategoryEval, Decision, Note, PathDecision, RequiredBy, best_term};
use crate::fuzzy;
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
        paths,
        findings,
        plan,
    }
}

struct Renderer<'a> {
    rs: &'a Ruleset,
    p: &'a Profile,
    d: &'a Decision,
    lang: Lang,
}

impl Renderer<'_> {
    fn doc_name(&self, kind: usize) -> &str {
        self.rs.documents[kind].name.get(self.lang)
    }

    fn action(&self, id: &str, vars: &[(&str, &str)]) -> String {
        self.rs
            .actions
            .get(id)
            .map_or_else(|| id.to_string(), |t| fill(t.get(self.lang), vars))
    }

    fn label(&self, req: &CategoryReq, e: &CategoryEval) -> String {
        match (req, e.known) {
            (CategoryReq::FirstLevel(f), _) if e.first_level => format!("{f}/*"),
            (_, Some(k)) => self.rs.categories[k].label(),
            (req, None) => self.rs.category_req_label(req),
        }
    }

    /// The missing atoms of an alternative's best term, in ruleset document order.
    fn alternative_missing(&self, alt: &Alternative) -> Option<Vec<usize>> {
        let subject_bit = 1 << self.d.subject;
        let (t, _) = best_term(alt, &self.d.held, subject_bit)?;
        let mut m: Vec<usize> = alt.terms[t].atoms.missing(&self.d.held).collect();
        m.sort_by_key(|&a| self.rs.atoms[a].doc);
        Some(m)
    }

    /// A way covering a scenario in words; with equally good options, all
    /// of them.
    fn cover_text(&self, pd: &PathDecision, way: &Way, w: usize) -> String {
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

    fn way_text(&self, w: &Way) -> String {
        self.rs
            .way_lines(w, self.lang)
            .join(&msg("list_sep", self.lang, &[]))
    }

    fn scenario(&self, s: usize) -> Named {
        let sc = &self.rs.scenarios[s];
        Named {
            id: sc.id.clone(),
            name: sc.name.get(self.lang).to_string(),
        }
    }

    fn path(&self, pi: usize, pd: &PathDecision) -> PathReport {
        let rs = self.rs;
        let path = &rs.paths[pi];
        let mut report = PathReport {
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
        };
        if pd.way.is_none() {
            return report;
        };
        let mut doc_actions: Vec<Action> = Vec::new();
        for q in &pd.requirements {
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
            });
            let Some(k) = e.known else { continue };
            let cat = &rs.categories[k];
            for (i, alt) in cat.alternatives.iter().enumerate() {
                let missing = self.alternative_missing(alt);
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
                            category: Some(label.clone()),
                            document: Some(doc.id.clone()),
                            goods: Vec::new(),
                            message: self.action(
                                "provide_document",
                                &[
                                    ("document", doc.name.get(self.lang)),
                                    ("lacks", &lacks),
                                    ("category", &label),
                                    ("alternative", alt.label.get(self.lang)),
                                ],
                            ),
                        });
                    }
                }
                report.alternatives.push(AlternativeReport {
                    category: label.clone(),
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
                    notes: alt
                        .optional_docs
                        .iter()
                        .map(|&d| rs.documents[d].id.clone())
                        .collect(),
                });
            }
        }
        report.actions.extend(doc_actions);
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
        report
    }

    /// The setup steps of a mask, in ruleset order.
    fn setup(&self, mask: u64) -> Vec<SetupReport> {
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

    /// The findings of every engine check of `kind`, with `vars` filled into their messages.
    fn checks(
        &self,
        kind: CheckKind,
        vars: &[(&str, &str)],
        set: impl Fn(&mut Finding),
    ) -> Vec<Finding> {
        self.rs
            .check(kind)
            .map(|c| {
                let mut f = Finding {
                    id: c.id.clone(),
                    severity: c.severity,
                    message: fill(c.message.get(self.lang), vars),
                    source: c.source.clone(),
                    basis: c.basis,
                    subject: None,
                    nearest: None,
                    days: None,
                    path: None,
                    date: None,
                    expected: None,
                };
                set(&mut f);
                f
            })
            .collect()
    }

    fn unknown(
        &self,
        kind: CheckKind,
        field: &str,
        value: &str,
        nearest: Option<&str>,
        path: String,
    ) -> Vec<Finding> {
        let hint = nearest
            .map(|n| msg("nearest", self.lang, &[("nearest", n)]))
            .unwrap_or_default();
        self.checks(
            kind,
            &[
                ("field", field),
                ("value", value),
                ("nearest", &hint),
                ("as_of", &self.rs.meta.as_of),
            ],
            |f| {
                f.subject = Some(value.to_string());
                f.nearest = nearest.map(str::to_string);
                f.path = Some(path.clone());
            },
        )
    }

    fn doc_finding(
        &self,
        kind: CheckKind,
        doc: usize,
        doc_kind: usize,
        extra: &[(&str, &str)],
        set: impl Fn(&mut Finding),
    ) -> Vec<Finding> {
        let path = format!("documents[{doc}]");
        let name = self.doc_name(doc_kind);
        let mut vars: Vec<(&str, &str)> = vec![("document", name), ("path", &path)];
        vars.extend_from_slice(extra);
        let id = self.rs.documents[doc_kind].id.clone();
        self.checks(kind, &vars, |f| {
            f.subject = Some(id.clone());
            f.path = Some(path.clone());
            set(f);
        })
    }

    fn note(&self, n: &Note) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let lang = self.lang;
        match n {
            Note::Rule {
                rule,
                goods,
                services,
            } => {
                let message = rs.rule_message(*rule, goods, services, lang);
                let rule = &rs.rules[*rule];
                vec![Finding {
                    id: rule.id.clone(),
                    severity: rule.severity,
                    message,
                    source: rule.source.clone(),
                    basis: rule.basis,
                    subject: rule.require.as_ref().map(|q| rs.category_req_label(q)),
                    nearest: None,
                    days: rule.days.map(i64::from),
                    path: None,
                    date: None,
                    expected: None,
                }]
            }
            Note::UnknownCategory { category } => {
                let label = p.categories[*category].label();
                self.unknown(
                    CheckKind::UnknownCategory,
                    "categories",
                    &label,
                    rs.lookups.categories.nearest(&label),
                    format!("categories[{category}]"),
                )
            }
            Note::StatusAssumed { categories } => {
                let labels: Vec<String> = categories
                    .iter()
                    .map(|&c| p.categories[c].label())
                    .collect();
                let list = join(&labels, lang);
                self.checks(CheckKind::StatusAssumed, &[("categories", &list)], |f| {
                    f.subject = Some(list.clone());
                    f.path = Some(format!("categories[{}]", categories[0]));
                })
            }
            Note::CategoryRejected { category, missing } => {
                let label = p.categories[*category].label();
                let reason = p.categories[*category]
                    .audit_reason
                    .as_deref()
                    .map(|r| msg("audit_reason", lang, &[("reason", r)]))
                    .unwrap_or_default();
                let names: Vec<String> = missing
                    .iter()
                    .map(|&d| crate::text::doc_title(rs.documents[d].name.get(lang), lang))
                    .collect();
                let missing = match names.is_empty() {
                    true => String::new(),
                    false => msg("rejected_missing", lang, &[("list", &join(&names, lang))]),
                };
                let vars = [
                    ("category", label.as_str()),
                    ("reason", reason.as_str()),
                    ("missing", missing.as_str()),
                ];
                self.checks(CheckKind::CategoryRejected, &vars, |f| {
                    f.subject = Some(label.clone());
                    f.path = Some(format!("categories[{category}]"));
                })
            }
            Note::UnknownScenario { index } => {
                let v = &p.scenarios[*index];
                let field = msg("field_scenarios", lang, &[]);
                self.unknown(
                    CheckKind::UnknownValue,
                    &field,
                    v,
                    rs.lookups.scenarios.nearest(v),
                    format!("scenarios[{index}]"),
                )
            }
            Note::UnknownGoods { index } => {
                let v = &p.goods[*index];
                let field = msg("field_goods", lang, &[]);
                self.unknown(
                    CheckKind::UnknownValue,
                    &field,
                    v,
                    rs.lookups.goods.nearest(v),
                    format!("goods[{index}]"),
                )
            }
            Note::UnknownService { index } => {
                let v = &p.services[*index];
                let field = msg("field_services", lang, &[]);
                self.unknown(
                    CheckKind::UnknownValue,
                    &field,
                    v,
                    rs.lookups.services.nearest(v),
                    format!("services[{index}]"),
                )
            }
            Note::UnknownDocument { doc } => {
                let v = &p.documents[*doc].kind;
                self.unknown(
                    CheckKind::UnknownDocument,
                    "documents",
                    v,
                    rs.lookups.documents.nearest(v),
                    format!("documents[{doc}]"),
                )
            }
            Note::UnknownAttribute { doc, key } => {
                let d = &p.documents[*doc];
                let Some((name, _)) = d.attributes.iter().nth(*key) else {
                    return Vec::new();
                };
                let path = format!("documents[{doc}].{name}");
                let own: Vec<&str> = rs
                    .lookups
                    .documents
                    .get(&d.kind)
                    .map(|k| {
                        rs.documents[k]
                            .attributes
                            .iter()
                            .map(|&a| rs.attributes[a].id.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                let field = msg("field_attribute", lang, &[("path", &path)]);
                self.unknown(
                    CheckKind::UnknownValue,
                    &field,
                    name,
                    fuzzy::nearest(name, own.iter().copied()),
                    path,
                )
            }
            Note::UnknownAttributeValue { doc, key, value } => {
                let d = &p.documents[*doc];
                let Some((name, vals)) = d.attributes.iter().nth(*key) else {
                    return Vec::new();
                };
                let v = &vals.0[*value];
                let path = format!("documents[{doc}].{name}");
                let nearest = rs
                    .lookups
                    .attributes
                    .get(name)
                    .and_then(|a| rs.lookups.values[a].nearest(v));
                let field = msg("field_attribute", lang, &[("path", &path)]);
                self.unknown(
                    CheckKind::UnknownValue,
                    &field,
                    v,
                    nearest,
                    format!("{path}[{value}]"),
                )
            }
            Note::ScenarioMismatch { category } => {
                let label = p.categories[*category].label();
                let Some(k) = rs
                    .category_by_levels(
                        &p.categories[*category].first,
                        p.categories[*category].second.as_deref().unwrap_or(""),
                    )
                    .or_else(|| rs.lookups.categories.get(&p.categories[*category].first))
                else {
                    return Vec::new();
                };
                let names = |ids: &[usize]| {
                    let v: Vec<String> = ids
                        .iter()
                        .map(|&s| rs.scenarios[s].name.get(lang).to_string())
                        .collect();
                    join(&v, lang)
                };
                let declared: Vec<usize> = p
                    .scenarios
                    .iter()
                    .filter_map(|s| rs.lookups.scenarios.get(s))
                    .collect();
                let expected = names(&rs.categories[k].scenarios);
                self.checks(
                    CheckKind::ScenarioMismatch,
                    &[
                        ("category", &label),
                        ("expected", &expected),
                        ("scenarios", &names(&declared)),
                    ],
                    |f| f.subject = Some(label.clone()),
                )
            }
            Note::ScenarioUncovered { scenario } => {
                let candidates: Vec<String> = rs
                    .categories
                    .iter()
                    .filter(|c| c.scenarios.contains(scenario))
                    .map(|c| c.label())
                    .collect();
                let name = rs.scenarios[*scenario].name.get(lang).to_string();
                let id = rs.scenarios[*scenario].id.clone();
                self.checks(
                    CheckKind::ScenarioUncovered,
                    &[("scenarios", &name), ("expected", &join(&candidates, lang))],
                    |f| f.subject = Some(id.clone()),
                )
            }
            Note::DocumentsUnsourced { categories } => {
                let labels: Vec<String> = categories
                    .iter()
                    .map(|&c| crate::text::quote(&rs.categories[c].label(), lang))
                    .collect();
                let list = join(&labels, lang);
                let first = rs.categories[categories[0]].label();
                self.checks(
                    CheckKind::DocumentsUnsourced,
                    &[
                        ("categories", &list),
                        ("source", &rs.categories[categories[0]].source),
                    ],
                    |f| f.subject = Some(first.clone()),
                )
            }
            Note::ConstraintUnmet { atom } => {
                let a = &rs.atoms[*atom];
                let lacks = rs.constraint_text(*atom, lang).unwrap_or_default();
                let id = rs.documents[a.doc].id.clone();
                self.checks(
                    CheckKind::ConstraintUnmet,
                    &[("document", self.doc_name(a.doc)), ("lacks", &lacks)],
                    |f| f.subject = Some(id.clone()),
                )
            }
            Note::DocumentExpired { doc, kind, date } => {
                let d = date.to_string();
                self.doc_finding(
                    CheckKind::DocumentExpired,
                    *doc,
                    *kind,
                    &[("date", &d)],
                    |f| f.date = Some(d.clone()),
                )
            }
            Note::DocumentNotYetValid { doc, kind, date } => {
                let d = date.to_string();
                self.doc_finding(
                    CheckKind::DocumentNotYetValid,
                    *doc,
                    *kind,
                    &[("date", &d)],
                    |f| f.date = Some(d.clone()),
                )
            }
            Note::DocumentExpiring {
                doc,
                kind,
                date,
                days,
                window,
            } => {
                let d = date.to_string();
                self.doc_finding(
                    CheckKind::DocumentExpiring,
                    *doc,
                    *kind,
                    &[
                        ("date", &d),
                        ("days", &days.to_string()),
                        ("window", &window.to_string()),
                    ],
                    |f| {
                        f.date = Some(d.clone());
                        f.days = Some(*days);
                    },
                )
            }
            Note::HolderMismatch { doc, kind } => {
                let holder = p.documents[*doc].holder.clone().unwrap_or_default();
                let subject = p.subject.name.clone().unwrap_or_default();
                self.doc_finding(
                    CheckKind::HolderMismatch,
                    *doc,
                    *kind,
                    &[("holder", &holder), ("subject", &subject)],
                    |_| {},
                )
            }
            Note::CreditCodeHolderMismatch { doc, kind } => {
                let code = crate::credit::normalize(
                    p.documents[*doc].credit_code.as_deref().unwrap_or(""),
                );
                let subject =
                    crate::credit::normalize(p.subject.credit_code.as_deref().unwrap_or(""));
                self.doc_finding(
                    CheckKind::CreditCodeHolderMismatch,
                    *doc,
                    *kind,
                    &[("code", &code), ("subject_code", &subject)],
                    |f| {
                        f.path = Some(format!("documents[{doc}].credit_code"));
                        f.expected = Some(subject.clone());
                    },
                )
            }
            Note::InvalidCreditCode { doc, error } => {
                let (code, path) = match doc {
                    Some(i) => (
                        p.documents[*i].credit_code.clone().unwrap_or_default(),
                        format!("documents[{i}].credit_code"),
                    ),
                    None => (
                        p.subject.credit_code.clone().unwrap_or_default(),
                        "subject.credit_code".to_string(),
                    ),
                };
                let (reason, expected) = match error {
                    CodeError::Length(n) => (
                        msg("credit_reason_length", lang, &[("n", &n.to_string())]),
                        None,
                    ),
                    CodeError::Character { position, found } => (
                        msg(
                            "credit_reason_character",
                            lang,
                            &[
                                ("position", &position.to_string()),
                                ("found", &found.to_string()),
                            ],
                        ),
                        None,
                    ),
                    CodeError::Check { expected, found } => (
                        msg(
                            "credit_reason_check",
                            lang,
                            &[
                                ("expected", &expected.to_string()),
                                ("found", &found.to_string()),
                            ],
                        ),
                        Some(expected.to_string()),
                    ),
                };
                self.checks(
                    CheckKind::InvalidCreditCode,
                    &[("code", &code), ("reason", &reason), ("path", &path)],
                    |f| {
                        f.subject = Some(code.clone());
                        f.path = Some(path.clone());
                        f.expected = expected.clone();
                    },
                )
            }
            Note::CreditCodeSubjectMismatch { prefix } => {
                let known = &rs.credit_code_prefixes[*prefix];
                let code = crate::credit::normalize(p.subject.credit_code.as_deref().unwrap_or(""));
                let st = rs.subject_types[self.d.subject].name.get(lang);
                self.checks(
                    CheckKind::CreditCodeSubjectMismatch,
                    &[
                        ("code", &code),
                        ("prefix", &known.prefix),
                        ("prefix_name", known.name.get(lang)),
                        ("subject_type", st),
                    ],
                    |f| {
                        f.subject = Some(code.clone());
                        f.path = Some("subject.credit_code".into());
                    },
                )
            }
            Note::NumberFormat { doc, kind } => {
                let Some(format) = rs.documents[*kind].number_format.as_ref() else {
                    return Vec::new();
                };
                let number = p.documents[*doc].number.clone().unwrap_or_default();
                self.doc_finding(
                    CheckKind::NumberFormat,
                    *doc,
                    *kind,
                    &[
                        ("number", &number),
                        ("format", format.description.get(lang)),
                        ("example", &format.example),
                    ],
                    |f| {
                        f.path = Some(format!("documents[{doc}].number"));
                        f.expected = Some(format.example.clone());
                        if let Some(s) = format.sources.first() {
                            f.source = s.clone();
                        }
                    },
                )
            }
            Note::DuplicateDocument { doc, kind, best } => {
                let best = best.map(|b| format!("documents[{b}]")).unwrap_or_default();
                self.doc_finding(
                    CheckKind::DuplicateDocument,
                    *doc,
                    *kind,
                    &[("best", &best)],
                    |_| {},
                )
            }
        }
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
