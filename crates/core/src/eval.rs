//! Evaluation: a profile against a compiled ruleset, into a report.
//!
//! Resolution interns the profile (subject type, categories, documents) into
//! the ruleset's ids and a bit set of the requirement atoms it holds; every
//! qualification check is then a popcount over `term & !held`.

use jiff::civil::Date;

use crate::bits::Bits;
use crate::catalog::{join, msg};
use crate::credit;
use crate::docs::{fold_width, normalize_name};
use crate::err::ProfileError;
use crate::fuzzy;
use crate::l10n::{Lang, fill};
use crate::profile::{CategoryStatus, Profile, Step, locate, parse_profile};
use crate::report::*;
use crate::ruleset::*;

/// How to evaluate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The language of messages in the report.
    pub lang: Lang,
    /// The evaluation date when the profile gives none (`as_of`); without
    /// either, document dates are not checked.
    pub as_of: Option<Date>,
}

/// Parses and evaluates a profile given as JSON text. Errors carry the field
/// path, line and column.
pub fn evaluate_text(rs: &Ruleset, text: &str, opts: &Options) -> Result<Report, ProfileError> {
    let profile = parse_profile(text)?;
    evaluate(rs, &profile, opts).map_err(|mut e| {
        if e.line.is_none() {
            let body = text.strip_prefix('\u{feff}').unwrap_or(text);
            let steps = path_steps(&e.path);
            let steps: Vec<Step> = steps
                .iter()
                .map(|s| match s {
                    OwnedStep::Key(k) => Step::Key(k),
                    OwnedStep::Index(i) => Step::Index(*i),
                })
                .collect();
            if let Some((l, c)) = locate(body, &steps) {
                e.line = Some(l);
                e.column = Some(c);
            }
        }
        e
    })
}

enum OwnedStep {
    Key(String),
    Index(usize),
}

fn path_steps(path: &str) -> Vec<OwnedStep> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(OwnedStep::Key(key.to_string()));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(OwnedStep::Index(i));
            }
        }
    }
    out
}

/// A profile interned into the ruleset's ids.
struct Resolved {
    subject: usize,
    subject_bit: SubjectMask,
    /// The best status of each ruleset category the profile lists.
    status: Vec<Option<CategoryStatus>>,
    /// Every category as listed: first level, label, known id, status.
    listed: Vec<(String, String, Option<usize>, CategoryStatus)>,
    scenarios: Vec<usize>,
    goods: Vec<usize>,
    services: Vec<usize>,
    /// Atoms the documents satisfy.
    held: Bits,
    /// Document kinds present, whatever their attributes.
    present: Vec<bool>,
}

/// A finding before rendering: kept apart from messages so that resolution
/// does not format text it may not need.
type Pending = Finding;

struct Ev<'r> {
    rs: &'r Ruleset,
    lang: Lang,
    as_of: Option<Date>,
    /// The evaluation date in force: the profile's, else the options'.
    date: Option<Date>,
    findings: Vec<Pending>,
}

/// Parses a `YYYY-MM-DD` date of the profile.
fn parse_date(value: &str, path: String, lang: Lang) -> Result<Date, ProfileError> {
    value.trim().parse::<Date>().map_err(|_| ProfileError {
        path,
        line: None,
        column: None,
        message: msg("invalid_date", lang, &[("value", value)]),
        suggestion: None,
    })
}

/// Evaluates a parsed profile. Fails only for what makes evaluation
/// meaningless: an unknown subject type or category status.
pub fn evaluate(rs: &Ruleset, profile: &Profile, opts: &Options) -> Result<Report, ProfileError> {
    let mut ev = Ev {
        rs,
        lang: opts.lang,
        as_of: opts.as_of,
        date: None,
        findings: Vec::new(),
    };
    let r = ev.resolve(profile)?;
    Ok(ev.run(profile, &r))
}

fn status_rank(s: CategoryStatus) -> u8 {
    match s {
        CategoryStatus::Approved => 0,
        CategoryStatus::Pending => 1,
        CategoryStatus::Rejected => 2,
        CategoryStatus::Planned => 3,
    }
}

/// One category, evaluated once per profile and shared by every path.
#[derive(Clone)]
struct CatEval {
    label: String,
    id: Option<String>,
    profile_status: Option<CategoryStatus>,
    state: CategoryState,
    /// add_category or resubmit_category, when the category itself needs an action.
    category_action: Option<&'static str>,
    /// (alternative index, missing atoms), one per alternative; `None` when not applicable.
    alternatives: Vec<Option<Vec<usize>>>,
    nearest: Option<usize>,
    known: Option<usize>,
}

impl CatEval {
    fn nearest_missing(&self) -> &[usize] {
        match self.nearest.and_then(|n| self.alternatives[n].as_ref()) {
            Some(m) => m,
            None => &[],
        }
    }
}

struct WayEval {
    way: usize,
    status: PathStatus,
    cats: Vec<(CatEval, String)>,
    actions: Vec<Action>,
    review_days: Option<u32>,
}

impl<'r> Ev<'r> {
    fn finding(
        &mut self,
        severity: Severity,
        id: &str,
        message: String,
        source: &str,
    ) -> &mut Pending {
        self.findings.push(Finding {
            id: id.to_string(),
            severity,
            message,
            source: source.to_string(),
            subject: None,
            nearest: None,
            days: None,
            path: None,
            date: None,
            expected: None,
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// Emits the findings of every engine check of `kind`.
    fn check(
        &mut self,
        kind: CheckKind,
        vars: &[(&str, &str)],
        subject: Option<&str>,
        nearest: Option<&str>,
    ) {
        self.check_with(kind, vars, |f| {
            f.subject = subject.map(str::to_string);
            f.nearest = nearest.map(str::to_string);
        });
    }

    /// Emits the findings of every engine check of `kind`, letting `set` fill their fields.
    fn check_with(&mut self, kind: CheckKind, vars: &[(&str, &str)], set: impl Fn(&mut Finding)) {
        let rs = self.rs;
        for c in rs.check(kind) {
            let message = fill(c.message.get(self.lang), vars);
            let f = self.finding(c.severity, &c.id, message, &c.source);
            set(f);
        }
    }

    fn unknown(&mut self, kind: CheckKind, field: &str, value: &str, nearest: Option<&str>) {
        let hint = nearest
            .map(|n| msg("nearest", self.lang, &[("nearest", n)]))
            .unwrap_or_default();
        self.check(
            kind,
            &[("field", field), ("value", value), ("nearest", &hint)],
            Some(value),
            nearest,
        );
    }

    fn vocab(&mut self, values: &[String], lookup: &Lookup, field_key: &str) -> Vec<usize> {
        let mut out = Vec::new();
        for v in values {
            match lookup.get(v) {
                Some(i) => {
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
                None => {
                    let field = msg(field_key, self.lang, &[]);
                    self.unknown(CheckKind::UnknownValue, &field, v, lookup.nearest(v));
                }
            }
        }
        out
    }

    fn resolve(&mut self, p: &Profile) -> Result<Resolved, ProfileError> {
        let rs = self.rs;
        let given = p.subject.kind.0.as_str();
        let subject = rs.lookups.subject_types.get(given).ok_or_else(|| {
            let expected: Vec<String> = rs.subject_types.iter().map(|s| s.id.clone()).collect();
            ProfileError {
                path: "subject.type".into(),
                line: None,
                column: None,
                message: msg(
                    "unknown_subject_type",
                    self.lang,
                    &[("value", given), ("expected", &expected.join(", "))],
                ),
                suggestion: rs.lookups.subject_types.nearest(given).map(|n| {
                    rs.lookups
                        .subject_types
                        .get(n)
                        .map_or(n.to_string(), |i| rs.subject_types[i].id.clone())
                }),
            }
        })?;

        let mut status: Vec<Option<CategoryStatus>> = vec![None; rs.categories.len()];
        let mut listed = Vec::with_capacity(p.categories.len());
        for (i, c) in p.categories.iter().enumerate() {
            let st = match &c.status {
                None => CategoryStatus::Approved,
                Some(s) => match CategoryStatus::ALL.iter().find(|(n, _)| *n == s.trim()) {
                    Some((_, st)) => *st,
                    None => {
                        let names: Vec<&str> =
                            CategoryStatus::ALL.iter().map(|(n, _)| *n).collect();
                        return Err(ProfileError {
                            path: format!("categories[{i}].status"),
                            line: None,
                            column: None,
                            message: msg(
                                "unknown_status",
                                self.lang,
                                &[("value", s), ("expected", &names.join(", "))],
                            ),
                            suggestion: fuzzy::nearest(s, names.iter().copied())
                                .map(str::to_string),
                        });
                    }
                },
            };
            let label = c.label();
            let known = rs.lookups.categories.get(&label);
            match known {
                Some(k) => {
                    if status[k].is_none_or(|old| status_rank(st) < status_rank(old)) {
                        status[k] = Some(st);
                    }
                }
                None => {
                    self.unknown(
                        CheckKind::UnknownCategory,
                        "categories",
                        &label,
                        rs.lookups.categories.nearest(&label),
                    );
                }
            }
            if st == CategoryStatus::Rejected {
                self.check(
                    CheckKind::CategoryRejected,
                    &[("category", &label)],
                    Some(&label),
                    None,
                );
            }
            let first = match known {
                Some(k) => rs.categories[k].first.clone(),
                None => c.first_level().to_string(),
            };
            listed.push((first, label, known, st));
        }

        let scenarios = self.vocab(&p.scenarios, &rs.lookups.scenarios, "field_scenarios");
        let goods = self.vocab(&p.goods, &rs.lookups.goods, "field_goods");
        let services = self.vocab(&p.services, &rs.lookups.services, "field_services");

        let date = match &p.as_of {
            Some(v) => Some(parse_date(v, "as_of".into(), self.lang)?),
            None => self.as_of,
        };
        self.date = date;
        self.subject_checks(p, subject);
        let subject_name = p.subject.name.as_deref().map(normalize_name);
        let subject_code = p.subject.credit_code.as_deref().map(credit::normalize);

        let mut held = Bits::new(rs.atoms.len());
        let mut present = vec![false; rs.documents.len()];
        // For each kind, the documents that count: (index, valid_until).
        let mut counting: Vec<Vec<(usize, Option<Date>)>> = vec![Vec::new(); rs.documents.len()];
        let mut given: Vec<Vec<usize>> = vec![Vec::new(); rs.documents.len()];
        for (i, d) in p.documents.iter().enumerate() {
            let path = format!("documents[{i}]");
            let valid_from = d
                .valid_from
                .as_deref()
                .map(|v| parse_date(v, format!("{path}.valid_from"), self.lang))
                .transpose()?;
            let valid_until = d
                .valid_until
                .as_deref()
                .map(|v| parse_date(v, format!("{path}.valid_until"), self.lang))
                .transpose()?;
            let Some(kind) = rs.lookups.documents.get(&d.kind) else {
                self.unknown(
                    CheckKind::UnknownDocument,
                    "documents",
                    &d.kind,
                    rs.lookups.documents.nearest(&d.kind),
                );
                continue;
            };
            present[kind] = true;
            given[kind].push(i);
            let doc = &rs.documents[kind];
            let name = doc.name.get(self.lang).to_string();
            let mut counts = true;
            if let Some(date) = date {
                if let Some(until) = valid_until.filter(|u| *u < date) {
                    counts = false;
                    let u = until.to_string();
                    self.check_with(
                        CheckKind::DocumentExpired,
                        &[("document", &name), ("date", &u), ("path", &path)],
                        |f| {
                            f.subject = Some(doc.id.clone());
                            f.path = Some(path.clone());
                            f.date = Some(u.clone());
                        },
                    );
                }
                if let Some(from) = valid_from.filter(|f| *f > date) {
                    counts = false;
                    let v = from.to_string();
                    self.check_with(
                        CheckKind::DocumentNotYetValid,
                        &[("document", &name), ("date", &v), ("path", &path)],
                        |f| {
                            f.subject = Some(doc.id.clone());
                            f.path = Some(path.clone());
                            f.date = Some(v.clone());
                        },
                    );
                }
            }
            if let (Some(holder), Some(subject)) = (d.holder.as_deref(), subject_name.as_deref())
                && normalize_name(holder) != subject
            {
                counts = false;
                let subject_raw = p.subject.name.clone().unwrap_or_default();
                self.check_with(
                    CheckKind::HolderMismatch,
                    &[
                        ("document", &name),
                        ("holder", holder),
                        ("subject", &subject_raw),
                        ("path", &path),
                    ],
                    |f| {
                        f.subject = Some(doc.id.clone());
                        f.path = Some(path.clone());
                    },
                );
            }
            if let Some(code) = d.credit_code.as_deref() {
                let code_path = format!("{path}.credit_code");
                let norm = credit::normalize(code);
                if self.credit_code_valid(code, &code_path)
                    && let Some(sc) = subject_code
                        .as_deref()
                        .filter(|sc| credit::validate(sc).is_ok())
                    && sc != norm
                {
                    counts = false;
                    self.check_with(
                        CheckKind::CreditCodeHolderMismatch,
                        &[
                            ("document", &name),
                            ("code", &norm),
                            ("subject_code", sc),
                            ("path", &path),
                        ],
                        |f| {
                            f.subject = Some(doc.id.clone());
                            f.path = Some(code_path.clone());
                            f.expected = Some(sc.to_string());
                        },
                    );
                }
            }
            if let (Some(number), Some(format)) = (d.number.as_deref(), doc.number_format.as_ref())
            {
                let folded = fold_width(number.trim());
                if !format.regex.is_match(&folded) {
                    let description = format.description.get(self.lang).to_string();
                    self.check_with(
                        CheckKind::NumberFormat,
                        &[
                            ("document", &name),
                            ("number", number),
                            ("format", &description),
                            ("example", &format.example),
                            ("path", &path),
                        ],
                        |f| {
                            f.subject = Some(doc.id.clone());
                            f.path = Some(format!("{path}.number"));
                            f.expected = Some(format.example.clone());
                        },
                    );
                }
            }
            // The values of each attribute of this document, interned.
            let mut values: Vec<(usize, Vec<usize>)> = Vec::new();
            for (attr_name, vals) in &d.attributes {
                let apath = format!("{path}.{attr_name}");
                let attr = rs
                    .lookups
                    .attributes
                    .get(attr_name)
                    .filter(|a| doc.attributes.contains(a));
                let Some(attr) = attr else {
                    let own: Vec<&str> = doc
                        .attributes
                        .iter()
                        .map(|&a| rs.attributes[a].id.as_str())
                        .collect();
                    let field = msg("field_attribute", self.lang, &[("path", &apath)]);
                    self.unknown(
                        CheckKind::UnknownValue,
                        &field,
                        attr_name,
                        fuzzy::nearest(attr_name, own.iter().copied()),
                    );
                    continue;
                };
                let lookup = &rs.lookups.values[attr];
                let mut ids = Vec::new();
                for v in &vals.0 {
                    match lookup.get(v) {
                        Some(x) => ids.push(x),
                        None => {
                            let field = msg("field_attribute", self.lang, &[("path", &apath)]);
                            self.unknown(CheckKind::UnknownValue, &field, v, lookup.nearest(v));
                        }
                    }
                }
                values.push((attr, ids));
            }
            if !counts {
                continue;
            }
            counting[kind].push((i, valid_until));
            for &a in &rs.atoms_by_doc[kind] {
                let ok = match &rs.atoms[a].constraint {
                    None => true,
                    Some(c) => values.iter().any(|(attr, ids)| {
                        *attr == c.attribute && ids.iter().any(|v| c.any_of.contains(v))
                    }),
                };
                if ok {
                    held.insert(a);
                }
            }
        }

        // A kind given more than once: the best document counts (valid, the
        // right holder, the latest expiry); the others are reported. The best
        // one is the one whose expiry is watched.
        for kind in 0..rs.documents.len() {
            let best = counting[kind]
                .iter()
                .enumerate()
                .max_by_key(|(n, (_, until))| (until.is_none(), *until, std::cmp::Reverse(*n)))
                .map(|(_, c)| *c);
            if given[kind].len() > 1 {
                let name = rs.documents[kind].name.get(self.lang).to_string();
                let best_path = best
                    .map(|(b, _)| format!("documents[{b}]"))
                    .unwrap_or_default();
                for &i in &given[kind] {
                    if best.is_some_and(|(b, _)| b == i) {
                        continue;
                    }
                    let path = format!("documents[{i}]");
                    self.check_with(
                        CheckKind::DuplicateDocument,
                        &[("document", &name), ("path", &path), ("best", &best_path)],
                        |f| {
                            f.subject = Some(rs.documents[kind].id.clone());
                            f.path = Some(path.clone());
                        },
                    );
                }
            }
            if let (Some(date), Some((i, Some(until)))) = (date, best) {
                let review = rs.categories_by_doc[kind]
                    .iter()
                    .filter(|&&c| status[c] != Some(CategoryStatus::Approved))
                    .filter_map(|&c| rs.review_days[c])
                    .max()
                    .unwrap_or(0);
                let window = i64::from(rs.settings.expiry_margin_days) + i64::from(review);
                let left = date
                    .until(until)
                    .map(|s| i64::from(s.get_days()))
                    .unwrap_or(0);
                if left <= window {
                    let name = rs.documents[kind].name.get(self.lang).to_string();
                    let path = format!("documents[{i}]");
                    let u = until.to_string();
                    self.check_with(
                        CheckKind::DocumentExpiring,
                        &[
                            ("document", &name),
                            ("date", &u),
                            ("days", &left.to_string()),
                            ("window", &window.to_string()),
                            ("path", &path),
                        ],
                        |f| {
                            f.subject = Some(rs.documents[kind].id.clone());
                            f.path = Some(path.clone());
                            f.date = Some(u.clone());
                            f.days = Some(left);
                        },
                    );
                }
            }
        }

        Ok(Resolved {
            subject,
            subject_bit: 1 << subject,
            status,
            listed,
            scenarios,
            goods,
            services,
            held,
            present,
        })
    }

    /// Checks a credit code's form and check character; reports and returns false when wrong.
    fn credit_code_valid(&mut self, code: &str, path: &str) -> bool {
        let norm = credit::normalize(code);
        let err = match credit::validate(&norm) {
            Ok(()) => return true,
            Err(e) => e,
        };
        let (reason, expected) = match err {
            credit::CodeError::Length(n) => (
                msg("credit_reason_length", self.lang, &[("n", &n.to_string())]),
                None,
            ),
            credit::CodeError::Character { position, found } => (
                msg(
                    "credit_reason_character",
                    self.lang,
                    &[
                        ("position", &position.to_string()),
                        ("found", &found.to_string()),
                    ],
                ),
                None,
            ),
            credit::CodeError::Check { expected, found } => (
                msg(
                    "credit_reason_check",
                    self.lang,
                    &[
                        ("expected", &expected.to_string()),
                        ("found", &found.to_string()),
                    ],
                ),
                Some(expected.to_string()),
            ),
        };
        self.check_with(
            CheckKind::InvalidCreditCode,
            &[("code", code), ("reason", &reason), ("path", path)],
            |f| {
                f.subject = Some(code.to_string());
                f.path = Some(path.to_string());
                f.expected = expected.clone();
            },
        );
        false
    }

    /// The subject's own credit code: valid, and consistent with the subject type.
    fn subject_checks(&mut self, p: &Profile, subject: usize) {
        let Some(code) = p.subject.credit_code.as_deref() else {
            return;
        };
        if !self.credit_code_valid(code, "subject.credit_code") {
            return;
        }
        let rs = self.rs;
        let norm = credit::normalize(code);
        let prefix: String = norm.chars().take(2).collect();
        let Some(known) = rs.credit_code_prefixes.iter().find(|c| c.prefix == prefix) else {
            return;
        };
        if known.subjects & (1 << subject) == 0 {
            let st = rs.subject_types[subject].name.get(self.lang).to_string();
            self.check_with(
                CheckKind::CreditCodeSubjectMismatch,
                &[
                    ("code", &norm),
                    ("prefix", &prefix),
                    ("prefix_name", known.name.get(self.lang)),
                    ("subject_type", &st),
                ],
                |f| {
                    f.subject = Some(norm.clone());
                    f.path = Some("subject.credit_code".into());
                },
            );
        }
    }

    /// Evaluates one known category's qualification.
    fn eval_category(&self, c: usize, st: Option<CategoryStatus>, r: &Resolved) -> CatEval {
        let cat = &self.rs.categories[c];
        let mut alternatives = Vec::with_capacity(cat.alternatives.len());
        let mut nearest: Option<(usize, usize)> = None;
        for (i, alt) in cat.alternatives.iter().enumerate() {
            let best = alt
                .terms
                .iter()
                .filter(|t| t.subjects & r.subject_bit != 0)
                .min_by_key(|t| t.atoms.count_missing(&r.held));
            match best {
                Some(t) => {
                    let mut missing: Vec<usize> = t.atoms.missing(&r.held).collect();
                    missing.sort_by_key(|&a| self.rs.atoms[a].doc);
                    if nearest.is_none_or(|(_, n)| missing.len() < n) {
                        nearest = Some((i, missing.len()));
                    }
                    alternatives.push(Some(missing));
                }
                None => alternatives.push(None),
            }
        }
        let qualified = cat.alternatives.is_empty() || nearest.is_some_and(|(_, n)| n == 0);
        let can_qualify = cat.alternatives.is_empty() || nearest.is_some();
        let (state, category_action) = match st {
            Some(CategoryStatus::Approved) => (CategoryState::Held, None),
            Some(CategoryStatus::Pending) if qualified => (CategoryState::Pending, None),
            Some(CategoryStatus::Pending) if can_qualify => (CategoryState::Actionable, None),
            Some(CategoryStatus::Rejected) if can_qualify => {
                (CategoryState::Actionable, Some("resubmit_category"))
            }
            None | Some(CategoryStatus::Planned) if can_qualify => {
                (CategoryState::Actionable, Some("add_category"))
            }
            _ => (CategoryState::Blocked, None),
        };
        CatEval {
            label: cat.label(),
            id: Some(cat.id.clone()),
            profile_status: st,
            state,
            category_action,
            alternatives,
            nearest: nearest.map(|(i, _)| i),
            known: Some(c),
        }
    }

    fn eval_req(&self, req: &CategoryReq, r: &Resolved) -> CatEval {
        match req {
            CategoryReq::Category(c) => self.eval_category(*c, r.status[*c], r),
            CategoryReq::FirstLevel(first) => {
                // The best listed category of that first level, known or not.
                let best = r
                    .listed
                    .iter()
                    .filter(|(f, ..)| f == first)
                    .min_by_key(|(.., st)| status_rank(*st));
                let label = format!("{first}/*");
                match best {
                    Some((_, _, Some(k), st)) => {
                        let mut e = self.eval_category(*k, Some(*st), r);
                        if matches!(e.category_action, Some("add_category"))
                            || e.state == CategoryState::Blocked
                        {
                            e.label = label;
                        }
                        e
                    }
                    Some((_, _, None, st)) => {
                        let (state, action) = match st {
                            CategoryStatus::Approved => (CategoryState::Held, None),
                            CategoryStatus::Pending => (CategoryState::Pending, None),
                            CategoryStatus::Rejected => {
                                (CategoryState::Actionable, Some("resubmit_category"))
                            }
                            CategoryStatus::Planned => {
                                (CategoryState::Actionable, Some("add_category"))
                            }
                        };
                        CatEval {
                            label,
                            id: None,
                            profile_status: Some(*st),
                            state,
                            category_action: action,
                            alternatives: Vec::new(),
                            nearest: None,
                            known: None,
                        }
                    }
                    None => CatEval {
                        label,
                        id: None,
                        profile_status: None,
                        state: CategoryState::Actionable,
                        category_action: Some("add_category"),
                        alternatives: Vec::new(),
                        nearest: None,
                        known: None,
                    },
                }
            }
        }
    }

    fn action(&self, id: &str, vars: &[(&str, &str)]) -> String {
        self.rs
            .actions
            .get(id)
            .map_or_else(|| id.to_string(), |t| fill(t.get(self.lang), vars))
    }

    fn doc_name(&self, d: usize) -> &str {
        self.rs.documents[d].name.get(self.lang)
    }

    /// What an atom's constraint asks, in words: "核准服务项目须包含 A 或 B".
    fn constraint_text(&self, atom: usize) -> Option<String> {
        let c = self.rs.atoms[atom].constraint.as_ref()?;
        let attr = &self.rs.attributes[c.attribute];
        let values: Vec<&str> = c
            .any_of
            .iter()
            .map(|&v| attr.values[v].name.get(self.lang))
            .collect();
        Some(msg(
            "constraint",
            self.lang,
            &[
                ("attribute", attr.name.get(self.lang)),
                ("values", &values.join(&msg("or", self.lang, &[]))),
            ],
        ))
    }

    fn eval_way(
        &self,
        path: usize,
        w: usize,
        extra: &[(CategoryReq, String)],
        prohibit: &[(String, Vec<usize>)],
        r: &Resolved,
    ) -> WayEval {
        let way = &self.rs.paths[path].ways[w];
        let mut reqs: Vec<(CategoryReq, String)> = way
            .categories
            .iter()
            .map(|&c| (CategoryReq::Category(c), way.id.clone()))
            .collect();
        for (req, by) in extra {
            if !reqs.iter().any(|(x, _)| x == req) {
                reqs.push((req.clone(), by.clone()));
            }
        }
        let mut status = PathStatus::Available;
        let mut cats = Vec::with_capacity(reqs.len());
        let mut actions = Vec::new();
        let mut doc_actions: Vec<Action> = Vec::new();
        let mut review_days: Option<u32> = None;
        for (req, by) in &reqs {
            let e = self.eval_req(req, r);
            status = status.max(e.state.path_status());
            if let Some(a) = e.category_action {
                actions.push(Action {
                    id: a.to_string(),
                    category: Some(e.label.clone()),
                    document: None,
                    goods: Vec::new(),
                    message: self.action(a, &[("category", &e.label)]),
                });
            }
            if e.state == CategoryState::Actionable
                && let (Some(k), Some(n)) = (e.known, e.nearest)
            {
                let alt = &self.rs.categories[k].alternatives[n];
                for &atom in e.nearest_missing() {
                    let doc = &self.rs.documents[self.rs.atoms[atom].doc];
                    if doc_actions
                        .iter()
                        .any(|a| a.document.as_deref() == Some(doc.id.as_str()))
                    {
                        continue;
                    }
                    let lacks = self
                        .constraint_text(atom)
                        .map(|c| msg("lacks", self.lang, &[("constraint", &c)]))
                        .unwrap_or_default();
                    doc_actions.push(Action {
                        id: "provide_document".into(),
                        category: Some(e.label.clone()),
                        document: Some(doc.id.clone()),
                        goods: Vec::new(),
                        message: self.action(
                            "provide_document",
                            &[
                                ("document", doc.name.get(self.lang)),
                                ("lacks", &lacks),
                                ("category", &e.label),
                                ("alternative", alt.label.get(self.lang)),
                            ],
                        ),
                    });
                }
            }
            if e.state != CategoryState::Held
                && let Some(k) = e.known
            {
                for rule in &self.rs.rules {
                    if rule.days.is_some() && rule.when.categories_not_approved.contains(&k) {
                        review_days = review_days.max(rule.days);
                    }
                }
            }
            cats.push((e, by.clone()));
        }
        actions.extend(doc_actions);
        for (action, goods) in prohibit {
            status = status.max(PathStatus::Actionable);
            let names: Vec<String> = goods
                .iter()
                .map(|&g| self.rs.goods[g].name.get(self.lang).to_string())
                .collect();
            actions.push(Action {
                id: action.clone(),
                category: None,
                document: None,
                goods: goods.iter().map(|&g| self.rs.goods[g].id.clone()).collect(),
                message: self.action(action, &[("goods", &join(&names, self.lang))]),
            });
        }
        WayEval {
            way: w,
            status,
            cats,
            actions,
            review_days,
        }
    }

    fn path_report(
        &self,
        p: usize,
        best: Option<WayEval>,
        blocked_by: Option<String>,
    ) -> PathReport {
        let path = &self.rs.paths[p];
        let mut report = PathReport {
            id: path.id.clone(),
            name: path.name.get(self.lang).to_string(),
            status: PathStatus::Blocked,
            via: None,
            blocked_by,
            required_categories: Vec::new(),
            missing_documents: Vec::new(),
            categories: Vec::new(),
            alternatives: Vec::new(),
            actions: Vec::new(),
            review_days: None,
            guide: path.guide.clone(),
            source: path.source.clone(),
        };
        let Some(w) = best else {
            return report;
        };
        report.status = w.status;
        report.via = Some(path.ways[w.way].id.clone());
        report.review_days = w.review_days;
        let mut missing_docs = vec![false; self.rs.documents.len()];
        for (e, by) in &w.cats {
            if e.category_action.is_some() {
                report.required_categories.push(e.label.clone());
            }
            if e.state != CategoryState::Held {
                for &a in e.nearest_missing() {
                    missing_docs[self.rs.atoms[a].doc] = true;
                }
            }
            report.categories.push(CategoryReport {
                category: e.label.clone(),
                id: e.id.clone(),
                profile_status: e
                    .profile_status
                    .map_or("absent", CategoryStatus::as_str)
                    .to_string(),
                state: e.state,
                required_by: by.clone(),
            });
            if let Some(k) = e.known {
                let cat = &self.rs.categories[k];
                for (i, alt) in cat.alternatives.iter().enumerate() {
                    let m = e.alternatives[i].as_ref();
                    report.alternatives.push(AlternativeReport {
                        category: e.label.clone(),
                        id: alt.id.clone(),
                        label: alt.label.get(self.lang).to_string(),
                        applicable: m.is_some(),
                        satisfied: m.is_some_and(|m| m.is_empty()),
                        nearest: e.nearest == Some(i),
                        missing: m
                            .map(|m| {
                                m.iter()
                                    .map(|&a| self.rs.documents[self.rs.atoms[a].doc].id.clone())
                                    .collect()
                            })
                            .unwrap_or_default(),
                        notes: alt
                            .optional_docs
                            .iter()
                            .map(|&d| self.rs.documents[d].id.clone())
                            .collect(),
                    });
                }
            }
        }
        report.missing_documents = missing_docs
            .iter()
            .enumerate()
            .filter(|(_, m)| **m)
            .map(|(d, _)| self.rs.documents[d].id.clone())
            .collect();
        report.actions = w.actions;
        report
    }

    fn run(mut self, p: &Profile, r: &Resolved) -> Report {
        let rs = self.rs;
        let lang = self.lang;

        // Which rules fire, before the paths (their effects shape the paths).
        let fired: Vec<Option<Matched>> = rs
            .rules
            .iter()
            .map(|rule| self.matches(rule, p, r, None))
            .collect();

        let mut paths = Vec::with_capacity(rs.paths.len());
        let mut plan_candidate: Option<(PathStatus, usize, usize)> = None;
        for (pi, path) in rs.paths.iter().enumerate() {
            let blocked_by = rs
                .rules
                .iter()
                .zip(&fired)
                .find(|(rule, m)| m.is_some() && rule.block && rule.applies_to_path(pi))
                .map(|(rule, _)| rule.id.clone());
            if blocked_by.is_some() {
                paths.push(self.path_report(pi, None, blocked_by));
                continue;
            }
            let mut extra = Vec::new();
            let mut prohibit = Vec::new();
            for (rule, m) in rs.rules.iter().zip(&fired) {
                let Some(m) = m else { continue };
                if !rule.applies_to_path(pi) {
                    continue;
                }
                if let Some(req) = &rule.require {
                    extra.push((req.clone(), rule.id.clone()));
                }
                if rule.prohibit
                    && let Some(a) = &rule.action
                {
                    prohibit.push((a.clone(), m.goods.clone()));
                }
            }
            let mut best: Option<WayEval> = None;
            for (wi, way) in path.ways.iter().enumerate() {
                if way.subjects.is_some_and(|s| s & r.subject_bit == 0) {
                    continue;
                }
                let e = self.eval_way(pi, wi, &extra, &prohibit, r);
                let better = best
                    .as_ref()
                    .is_none_or(|b| (e.status, e.actions.len()) < (b.status, b.actions.len()));
                if better {
                    best = Some(e);
                }
            }
            let report = self.path_report(pi, best, None);
            if report.status != PathStatus::Blocked {
                let key = (report.status, report.actions.len(), pi);
                if plan_candidate.is_none_or(|c| key < c) {
                    plan_candidate = Some(key);
                }
            }
            paths.push(report);
        }

        let verdict = if paths.iter().any(|p| p.status == PathStatus::Available) {
            Verdict::Eligible
        } else if paths.iter().any(|p| p.status == PathStatus::Pending) {
            Verdict::Pending
        } else if paths.iter().any(|p| p.status == PathStatus::Actionable) {
            Verdict::NeedsAction
        } else {
            Verdict::Ineligible
        };
        let plan_path = plan_candidate.map(|(_, _, pi)| pi);

        // Rule findings, now that the plan is known.
        for (ri, rule) in rs.rules.iter().enumerate() {
            let m = if rule.when.categories_not_approved.is_empty() {
                fired[ri].clone()
            } else {
                self.matches(rule, p, r, plan_path.map(|pi| &paths[pi]))
            };
            let Some(m) = m else { continue };
            if let Some(req) = &rule.require
                && self.eval_req(req, r).state == CategoryState::Held
            {
                continue;
            }
            let goods: Vec<String> = m
                .goods
                .iter()
                .map(|&g| rs.goods[g].name.get(lang).to_string())
                .collect();
            let services: Vec<String> = m
                .services
                .iter()
                .map(|&s| rs.services[s].name.get(lang).to_string())
                .collect();
            let days = rule.days.map(|d| d.to_string()).unwrap_or_default();
            let category = rule
                .require
                .as_ref()
                .map(|q| rs.category_req_label(q))
                .unwrap_or_default();
            let message = fill(
                rule.message.get(lang),
                &[
                    ("goods", &join(&goods, lang)),
                    ("services", &join(&services, lang)),
                    ("days", &days),
                    ("category", &category),
                ],
            );
            let f = self.finding(rule.severity, &rule.id, message, &rule.source);
            f.days = rule.days.map(i64::from);
            if !category.is_empty() {
                f.subject = Some(category);
            }
        }

        self.scenario_checks(r);
        self.constraint_checks(&paths, r);

        let plan = plan_path
            .map(|pi| paths[pi].actions.clone())
            .unwrap_or_default();
        let mut findings: Vec<Finding> = std::mem::take(&mut self.findings);
        findings.sort_by_key(|f| f.severity);

        Report {
            profile_id: p.id.clone(),
            ruleset: RulesetRef {
                id: rs.meta.id.clone(),
                version: rs.meta.version.clone(),
                as_of: rs.meta.as_of.clone(),
                source: rs.meta.source.clone(),
                authority: rs.meta.authority.clone(),
                notice: rs.meta.notice.as_ref().map(|n| n.get(lang).to_string()),
            },
            lang,
            as_of: self.date.map(|d| d.to_string()),
            subject_type: rs.subject_types[r.subject].id.clone(),
            subject_type_name: rs.subject_types[r.subject].name.get(lang).to_string(),
            verdict,
            plan_path: plan_path.map(|pi| paths[pi].id.clone()),
            paths,
            findings,
            plan,
        }
    }

    /// Whether a rule's `when` holds, and what matched. With `plan`, a
    /// `categories_not_approved` condition also holds for an absent category
    /// the plan's path needs.
    fn matches(
        &self,
        rule: &Rule,
        p: &Profile,
        r: &Resolved,
        plan: Option<&PathReport>,
    ) -> Option<Matched> {
        let w = &rule.when;
        if w.subjects.is_some_and(|s| s & r.subject_bit == 0) {
            return None;
        }
        let pick = |want: &[usize], have: &[usize]| -> Option<Vec<usize>> {
            if want.is_empty() {
                return Some(Vec::new());
            }
            let m: Vec<usize> = have.iter().copied().filter(|x| want.contains(x)).collect();
            (!m.is_empty()).then_some(m)
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
                    None => plan.is_some_and(|pr| {
                        pr.categories
                            .iter()
                            .any(|cr| cr.id.as_deref() == Some(self.rs.categories[c].id.as_str()))
                    }),
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

    fn scenario_checks(&mut self, r: &Resolved) {
        let rs = self.rs;
        let lang = self.lang;
        if r.scenarios.is_empty() {
            return;
        }
        let names = |ids: &[usize]| -> String {
            let v: Vec<String> = ids
                .iter()
                .map(|&s| rs.scenarios[s].name.get(lang).to_string())
                .collect();
            join(&v, lang)
        };
        let declared = names(&r.scenarios);
        let mut covered = vec![false; rs.scenarios.len()];
        for (_, label, known, _) in &r.listed {
            let Some(k) = known else { continue };
            let cat = &rs.categories[*k];
            if cat.scenarios.is_empty() {
                continue;
            }
            for &s in &cat.scenarios {
                covered[s] = true;
            }
            if !cat.scenarios.iter().any(|s| r.scenarios.contains(s)) {
                let expected = names(&cat.scenarios);
                self.check(
                    CheckKind::ScenarioMismatch,
                    &[
                        ("category", label),
                        ("expected", &expected),
                        ("scenarios", &declared),
                    ],
                    Some(label),
                    None,
                );
            }
        }
        for &s in &r.scenarios {
            if covered[s] {
                continue;
            }
            let candidates: Vec<String> = rs
                .categories
                .iter()
                .filter(|c| c.scenarios.contains(&s))
                .map(|c| c.label())
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let scenario = rs.scenarios[s].name.get(lang).to_string();
            self.check(
                CheckKind::ScenarioUncovered,
                &[
                    ("scenarios", &scenario),
                    ("expected", &join(&candidates, lang)),
                ],
                Some(&rs.scenarios[s].id.clone()),
                None,
            );
        }
    }

    /// A held document whose attribute constraint fails counts as missing:
    /// say what it lacks, once per requirement, for the alternatives the report shows.
    fn constraint_checks(&mut self, paths: &[PathReport], r: &Resolved) {
        let rs = self.rs;
        let mut seen = Vec::new();
        for pr in paths {
            for cr in &pr.categories {
                let Some(k) = cr
                    .id
                    .as_deref()
                    .and_then(|id| rs.categories.iter().position(|c| c.id == id))
                else {
                    continue;
                };
                let e = self.eval_category(k, r.status[k], r);
                for m in e.alternatives.iter().flatten() {
                    for &atom in m {
                        let a = &rs.atoms[atom];
                        if a.constraint.is_none() || !r.present[a.doc] || seen.contains(&atom) {
                            continue;
                        }
                        seen.push(atom);
                        let lacks = self.constraint_text(atom).unwrap_or_default();
                        let doc = self.doc_name(a.doc).to_string();
                        let id = rs.documents[a.doc].id.clone();
                        self.check(
                            CheckKind::ConstraintUnmet,
                            &[("document", &doc), ("lacks", &lacks)],
                            Some(&id),
                            None,
                        );
                    }
                }
            }
        }
    }
}

#[derive(Clone)]
struct Matched {
    goods: Vec<usize>,
    services: Vec<usize>,
}
