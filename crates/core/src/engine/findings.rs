//! Every kind of finding in one room: the [`CheckKind`]s the engine makes
//! (each named by a `[[checks]]` entry of the ruleset), the [`Note`] the
//! decision records for each, and the method, named after the check, that
//! phrases a note in the reader's language with the ruleset's check (its
//! id, severity, message, source and basis).
//!
//! Adding an engine check touches this file (a line in `check_kinds!`, a
//! `Note` variant, its arm in `note` and its method) and the decision phase
//! that finds it, plus its `[[checks]]` entry in the ruleset. Nothing else:
//! the compiler fails on a `Note` without an arm, the lint on a check kind
//! without `[[checks]]`, and `every_check_reached` on a check the curated
//! ruleset never reaches.

use serde::{Serialize, Serializer};

use crate::catalog::{join, msg};
use crate::credit::CodeError;
use crate::fuzzy;
use crate::ids::{DocKind, Entry};
use crate::l10n::fill;
use crate::report::build::Renderer;
use crate::report::*;
use crate::ruleset::Lookup;
use jiff::civil::Date;

/// Declares [`CheckKind`] and its table of ids from one list.
macro_rules! check_kinds {
    ($($kind:ident = $id:literal,)*) => {
        /// The checks the engine itself makes; the ruleset names the
        /// finding each emits.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CheckKind {
            $($kind,)*
        }

        impl CheckKind {
            /// Every check kind with its id, as `[[checks]] kind` names it.
            pub const ALL: [(&'static str, CheckKind); [$($id,)*].len()] =
                [$(($id, CheckKind::$kind),)*];
        }
    };
}

check_kinds! {
    ScenarioMismatch = "scenario_mismatch",
    ScenarioUncovered = "scenario_uncovered",
    CategoryRejected = "category_rejected",
    StatusAssumed = "status_assumed",
    UnknownCategory = "unknown_category",
    UnknownDocument = "unknown_document",
    UnknownValue = "unknown_value",
    ConstraintUnmet = "constraint_unmet",
    DocumentExpired = "document_expired",
    DocumentNotYetValid = "document_not_yet_valid",
    DocumentExpiring = "document_expiring",
    HolderMismatch = "holder_mismatch",
    CreditCodeHolderMismatch = "credit_code_holder_mismatch",
    InvalidCreditCode = "invalid_credit_code",
    CreditCodeSubjectMismatch = "credit_code_subject_mismatch",
    NumberFormat = "number_format",
    DuplicateDocument = "duplicate_document",
    DocumentsUnsourced = "documents_unsourced",
}

impl CheckKind {
    pub fn parse(s: &str) -> Option<CheckKind> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, k)| *k)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("", |(n, _)| n)
    }
}

impl Serialize for CheckKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What the decision found, before it becomes a message: which check or
/// rule, and where in the profile.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// A conditional rule fired, with the goods and services that made it.
    Rule {
        rule: usize,
        goods: Vec<usize>,
        services: Vec<usize>,
    },
    UnknownCategory {
        category: usize,
    },
    /// A rejected category (index into the profile's), with the document
    /// kinds its nearest alternative still lacks when the ruleset knows it.
    CategoryRejected {
        category: usize,
        missing: Vec<usize>,
    },
    /// Categories listed without a status, taken as approved (indexes into
    /// the profile's categories).
    StatusAssumed {
        categories: Vec<usize>,
    },
    UnknownScenario {
        index: usize,
    },
    UnknownGoods {
        index: usize,
    },
    UnknownService {
        index: usize,
    },
    UnknownDocument {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
    },
    /// An attribute the document's kind does not have.
    UnknownAttribute {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        key: usize,
    },
    UnknownAttributeValue {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        key: usize,
        value: usize,
    },
    ScenarioMismatch {
        category: usize,
    },
    ScenarioUncovered {
        scenario: usize,
    },
    /// Categories the plan needs whose documents no source gives.
    DocumentsUnsourced {
        categories: Vec<usize>,
    },
    ConstraintUnmet {
        atom: usize,
    },
    DocumentExpired {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        kind: DocKind,
        date: Date,
    },
    DocumentNotYetValid {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        kind: DocKind,
        date: Date,
    },
    DocumentExpiring {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        kind: DocKind,
        date: Date,
        days: i64,
        window: i64,
    },
    HolderMismatch {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        kind: DocKind,
    },
    CreditCodeHolderMismatch {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        kind: DocKind,
    },
    /// `entry: None` is the subject's own code.
    InvalidCreditCode {
        entry: Option<Entry>,
        error: CodeError,
    },
    CreditCodeSubjectMismatch {
        prefix: usize,
    },
    NumberFormat {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        kind: DocKind,
    },
    DuplicateDocument {
        /// Index into the profile's documents (its kind is `kind`).
        entry: Entry,
        kind: DocKind,
        best: Option<Entry>,
    },
}

impl Renderer<'_> {
    /// The findings of one note: each kind phrased by the method named
    /// after it (`Note::CategoryRejected` by `category_rejected`).
    pub(crate) fn note(&self, n: &Note) -> Vec<Finding> {
        match n {
            Note::Rule {
                rule,
                goods,
                services,
            } => self.rule(rule, goods, services),
            Note::UnknownCategory { category } => self.unknown_category(category),
            Note::StatusAssumed { categories } => self.status_assumed(categories),
            Note::CategoryRejected { category, missing } => {
                self.category_rejected(category, missing)
            }
            Note::UnknownScenario { index } => self.unknown_scenario(index),
            Note::UnknownGoods { index } => self.unknown_goods(index),
            Note::UnknownService { index } => self.unknown_service(index),
            Note::UnknownDocument { entry } => self.unknown_document(entry),
            Note::UnknownAttribute { entry, key } => self.unknown_attribute(entry, key),
            Note::UnknownAttributeValue { entry, key, value } => {
                self.unknown_attribute_value(entry, key, value)
            }
            Note::ScenarioMismatch { category } => self.scenario_mismatch(category),
            Note::ScenarioUncovered { scenario } => self.scenario_uncovered(scenario),
            Note::DocumentsUnsourced { categories } => self.documents_unsourced(categories),
            Note::ConstraintUnmet { atom } => self.constraint_unmet(atom),
            Note::DocumentExpired { entry, kind, date } => self.document_expired(entry, kind, date),
            Note::DocumentNotYetValid { entry, kind, date } => {
                self.document_not_yet_valid(entry, kind, date)
            }
            Note::DocumentExpiring {
                entry,
                kind,
                date,
                days,
                window,
            } => self.document_expiring(entry, kind, date, days, window),
            Note::HolderMismatch { entry, kind } => self.holder_mismatch(entry, kind),
            Note::CreditCodeHolderMismatch { entry, kind } => {
                self.credit_code_holder_mismatch(entry, kind)
            }
            Note::InvalidCreditCode { entry, error } => self.invalid_credit_code(entry, error),
            Note::CreditCodeSubjectMismatch { prefix } => self.credit_code_subject_mismatch(prefix),
            Note::NumberFormat { entry, kind } => self.number_format(entry, kind),
            Note::DuplicateDocument { entry, kind, best } => {
                self.duplicate_document(entry, kind, best)
            }
        }
    }

    fn rule(&self, rule: &usize, goods: &[usize], services: &[usize]) -> Vec<Finding> {
        let rs = self.rs;
        let lang = self.lang;
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

    fn unknown_category(&self, category: &usize) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let label = p.categories[*category].label();
        self.unknown(
            CheckKind::UnknownCategory,
            "categories",
            &label,
            rs.lookups.categories.nearest(&label),
            format!("categories[{category}]"),
        )
    }

    fn status_assumed(&self, categories: &[usize]) -> Vec<Finding> {
        let p = self.p;
        let lang = self.lang;
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

    fn category_rejected(&self, category: &usize, missing: &[usize]) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let lang = self.lang;
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

    fn unknown_scenario(&self, index: &usize) -> Vec<Finding> {
        let l = &self.rs.lookups.scenarios;
        self.unknown_in_list("scenarios", &self.p.scenarios, l, *index)
    }

    fn unknown_goods(&self, index: &usize) -> Vec<Finding> {
        self.unknown_in_list("goods", &self.p.goods, &self.rs.lookups.goods, *index)
    }

    fn unknown_service(&self, index: &usize) -> Vec<Finding> {
        let l = &self.rs.lookups.services;
        self.unknown_in_list("services", &self.p.services, l, *index)
    }

    /// A value of one of the profile's lists (`scenarios`, `goods`,
    /// `services`) that the ruleset does not know, with the nearest name.
    fn unknown_in_list(
        &self,
        list: &str,
        values: &[String],
        lookup: &Lookup,
        index: usize,
    ) -> Vec<Finding> {
        let v = &values[index];
        let field = msg(&format!("field_{list}"), self.lang, &[]);
        self.unknown(
            CheckKind::UnknownValue,
            &field,
            v,
            lookup.nearest(v),
            format!("{list}[{index}]"),
        )
    }

    fn unknown_document(&self, entry: &Entry) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let v = &p.documents[*entry].kind;
        self.unknown(
            CheckKind::UnknownDocument,
            "documents",
            v,
            rs.lookups.documents.nearest(v),
            format!("documents[{entry}]"),
        )
    }

    fn unknown_attribute(&self, entry: &Entry, key: &usize) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let lang = self.lang;
        let d = &p.documents[*entry];
        let Some((name, _)) = d.attributes.iter().nth(*key) else {
            return Vec::new();
        };
        let path = format!("documents[{entry}].{name}");
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

    fn unknown_attribute_value(&self, entry: &Entry, key: &usize, value: &usize) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let lang = self.lang;
        let d = &p.documents[*entry];
        let Some((name, vals)) = d.attributes.iter().nth(*key) else {
            return Vec::new();
        };
        let v = &vals.0[*value];
        let path = format!("documents[{entry}].{name}");
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

    fn scenario_mismatch(&self, category: &usize) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let lang = self.lang;
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

    fn scenario_uncovered(&self, scenario: &usize) -> Vec<Finding> {
        let rs = self.rs;
        let lang = self.lang;
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

    fn documents_unsourced(&self, categories: &[usize]) -> Vec<Finding> {
        let rs = self.rs;
        let lang = self.lang;
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
                ("source", &rs.categories[categories[0]].qualification_source),
            ],
            |f| f.subject = Some(first.clone()),
        )
    }

    fn constraint_unmet(&self, atom: &usize) -> Vec<Finding> {
        let rs = self.rs;
        let lang = self.lang;
        let a = &rs.atoms[*atom];
        let lacks = rs.constraint_text(*atom, lang).unwrap_or_default();
        let id = rs.documents[a.doc].id.clone();
        self.checks(
            CheckKind::ConstraintUnmet,
            &[("document", self.doc_name(a.doc.0)), ("lacks", &lacks)],
            |f| f.subject = Some(id.clone()),
        )
    }

    fn document_expired(&self, entry: &Entry, kind: &DocKind, date: &Date) -> Vec<Finding> {
        let d = date.to_string();
        self.doc_finding(
            CheckKind::DocumentExpired,
            *entry,
            *kind,
            &[("date", &d)],
            |f| f.date = Some(d.clone()),
        )
    }

    fn document_not_yet_valid(&self, entry: &Entry, kind: &DocKind, date: &Date) -> Vec<Finding> {
        let d = date.to_string();
        self.doc_finding(
            CheckKind::DocumentNotYetValid,
            *entry,
            *kind,
            &[("date", &d)],
            |f| f.date = Some(d.clone()),
        )
    }

    fn document_expiring(
        &self,
        entry: &Entry,
        kind: &DocKind,
        date: &Date,
        days: &i64,
        window: &i64,
    ) -> Vec<Finding> {
        let d = date.to_string();
        self.doc_finding(
            CheckKind::DocumentExpiring,
            *entry,
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

    fn holder_mismatch(&self, entry: &Entry, kind: &DocKind) -> Vec<Finding> {
        let p = self.p;
        let holder = p.documents[*entry].holder.clone().unwrap_or_default();
        let subject = p.subject.name.clone().unwrap_or_default();
        self.doc_finding(
            CheckKind::HolderMismatch,
            *entry,
            *kind,
            &[("holder", &holder), ("subject", &subject)],
            |_| {},
        )
    }

    fn credit_code_holder_mismatch(&self, entry: &Entry, kind: &DocKind) -> Vec<Finding> {
        let p = self.p;
        let code =
            crate::credit::normalize(p.documents[*entry].credit_code.as_deref().unwrap_or(""));
        let subject = crate::credit::normalize(p.subject.credit_code.as_deref().unwrap_or(""));
        self.doc_finding(
            CheckKind::CreditCodeHolderMismatch,
            *entry,
            *kind,
            &[("code", &code), ("subject_code", &subject)],
            |f| {
                f.path = Some(format!("documents[{entry}].credit_code"));
                f.expected = Some(subject.clone());
            },
        )
    }

    fn invalid_credit_code(&self, entry: &Option<Entry>, error: &CodeError) -> Vec<Finding> {
        let p = self.p;
        let lang = self.lang;
        let (code, path) = match entry {
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

    fn credit_code_subject_mismatch(&self, prefix: &usize) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let lang = self.lang;
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

    fn number_format(&self, entry: &Entry, kind: &DocKind) -> Vec<Finding> {
        let rs = self.rs;
        let p = self.p;
        let lang = self.lang;
        let Some(format) = rs.documents[*kind].number_format.as_ref() else {
            return Vec::new();
        };
        let number = p.documents[*entry].number.clone().unwrap_or_default();
        self.doc_finding(
            CheckKind::NumberFormat,
            *entry,
            *kind,
            &[
                ("number", &number),
                ("format", format.description.get(lang)),
                ("example", &format.example),
            ],
            |f| {
                f.path = Some(format!("documents[{entry}].number"));
                f.expected = Some(format.example.clone());
                if let Some(s) = format.sources.first() {
                    f.source = s.clone();
                }
            },
        )
    }

    fn duplicate_document(
        &self,
        entry: &Entry,
        kind: &DocKind,
        best: &Option<Entry>,
    ) -> Vec<Finding> {
        let best = best.map(|b| format!("documents[{b}]")).unwrap_or_default();
        self.doc_finding(
            CheckKind::DuplicateDocument,
            *entry,
            *kind,
            &[("best", &best)],
            |_| {},
        )
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
        entry: Entry,
        doc_kind: DocKind,
        extra: &[(&str, &str)],
        set: impl Fn(&mut Finding),
    ) -> Vec<Finding> {
        let path = format!("documents[{}]", entry.0);
        let name = self.doc_name(doc_kind.0);
        let mut vars: Vec<(&str, &str)> = vec![("document", name), ("path", &path)];
        vars.extend_from_slice(extra);
        let id = self.rs.documents[doc_kind].id.clone();
        self.checks(kind, &vars, |f| {
            f.subject = Some(id.clone());
            f.path = Some(path.clone());
            set(f);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CheckKind;

    #[test]
    fn every_check_kind_has_one_id_that_names_it_everywhere() {
        for (i, (id, kind)) in CheckKind::ALL.iter().enumerate() {
            assert_eq!(CheckKind::parse(id), Some(*kind));
            assert_eq!(kind.as_str(), *id);
            let json = serde_json::to_string(kind).expect("a check kind serialises");
            assert_eq!(json, format!("\"{id}\""));
            assert!(
                CheckKind::ALL[..i].iter().all(|(other, _)| other != id),
                "{id} is listed twice"
            );
        }
    }
}
