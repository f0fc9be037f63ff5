//! Evaluation, phase one: the decision. Ids and bit sets only, no text, so
//! that a batch that needs verdicts and statuses pays for nothing else.
//! [`crate::eval`] renders a decision into a [`crate::Report`].
//!
//! Resolution interns the profile (subject type, categories, documents) into
//! the ruleset's ids and a bit set of the requirement atoms its documents
//! satisfy; every qualification check is then a popcount of `term & !held`.

use jiff::civil::Date;

use crate::bits::Bits;
use crate::catalog::msg;
use crate::credit::{self, CodeError};
use crate::docs::{fold_width, names_equal};
use crate::err::ProfileError;
use crate::fuzzy;
use crate::golive;
use crate::l10n::Lang;
use crate::profile::{CategoryStatus, Profile};
use crate::report::{CategoryState, PathStatus, Verdict};
use crate::ruleset::*;

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
        doc: usize,
    },
    /// An attribute the document's kind does not have.
    UnknownAttribute {
        doc: usize,
        key: usize,
    },
    UnknownAttributeValue {
        doc: usize,
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
        doc: usize,
        kind: usize,
        date: Date,
    },
    DocumentNotYetValid {
        doc: usize,
        kind: usize,
        date: Date,
    },
    DocumentExpiring {
        doc: usize,
        kind: usize,
        date: Date,
        days: i64,
        window: i64,
    },
    HolderMismatch {
        doc: usize,
        kind: usize,
    },
    CreditCodeHolderMismatch {
        doc: usize,
        kind: usize,
    },
    /// `doc: None` is the subject's own code.
    InvalidCreditCode {
        doc: Option<usize>,
        error: CodeError,
    },
    CreditCodeSubjectMismatch {
        prefix: usize,
    },
    NumberFormat {
        doc: usize,
        kind: usize,
    },
    DuplicateDocument {
        doc: usize,
        kind: usize,
        best: Option<usize>,
    },
}

/// What a required category needs: add it, or resubmit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryAction {
    Add,
    Resubmit,
}

impl CategoryAction {
    pub fn id(self) -> &'static str {
        match self {
            CategoryAction::Add => "add_category",
            CategoryAction::Resubmit => "resubmit_category",
        }
    }
}

/// Where one category stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryEval {
    pub state: CategoryState,
    pub action: Option<CategoryAction>,
    /// The ruleset's category, when it knows it.
    pub known: Option<usize>,
    /// The nearest alternative and the term of it missing fewest atoms.
    pub nearest: Option<(usize, usize)>,
    pub profile_status: Option<CategoryStatus>,
    /// Shown as `first/*`: a first-level requirement not met by a listed category.
    pub first_level: bool,
}

/// Why a path needs a category: the way that opens it, or a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredBy {
    /// A way of the path (its index).
    Way(usize),
    Rule(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub by: RequiredBy,
    pub eval: CategoryEval,
    /// The category a way names (`by` is then [`RequiredBy::Way`]).
    pub category: Option<usize>,
    /// Other categories that would serve as well (ways of the same path
    /// for the same scenario, equally far): add whichever fits the business.
    pub options: Vec<usize>,
}

impl Requirement {
    /// The way that names this requirement, if a way does.
    pub fn by_way(&self) -> Option<usize> {
        match self.by {
            RequiredBy::Way(w) => Some(w),
            RequiredBy::Rule(_) => None,
        }
    }

    /// What is required: the way's category, or the rule's requirement.
    pub fn req<'a>(&self, rs: &'a Ruleset) -> std::borrow::Cow<'a, CategoryReq> {
        match (self.category, self.by) {
            (Some(c), _) => std::borrow::Cow::Owned(CategoryReq::Category(c)),
            (None, RequiredBy::Rule(r)) => match &rs.rules[r].require {
                Some(q) => std::borrow::Cow::Borrowed(q),
                None => std::borrow::Cow::Owned(CategoryReq::FirstLevel(String::new())),
            },
            (None, RequiredBy::Way(_)) => {
                std::borrow::Cow::Owned(CategoryReq::FirstLevel(String::new()))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathDecision {
    pub status: PathStatus,
    /// The way that opens (or would open) the path: the first of `ways`.
    pub way: Option<usize>,
    /// Every way the decision counts on (a bit per way of the path; at
    /// most one per declared scenario).
    pub ways: u64,
    /// Each declared scenario a way of this path opens: (scenario, way).
    pub covers: Vec<(usize, usize)>,
    /// Declared scenarios no way of this path opens: it is blocked for them.
    pub unserved: Vec<usize>,
    /// The rule that blocks the path.
    pub blocked_by: Option<usize>,
    pub requirements: Vec<Requirement>,
    /// Prohibiting rules in force: (rule, goods).
    pub prohibit: Vec<(usize, Vec<usize>)>,
    /// Document kinds still missing, in ruleset order.
    pub missing: Vec<usize>,
    /// How many actions open the path.
    pub actions: usize,
    pub review_days: Option<u32>,
    /// Setup steps still to do once the path is open: a bit per step of
    /// [`Ruleset::steps`](crate::ruleset::Ruleset::steps).
    pub setup: u64,
    /// The earliest date those steps can be done, from the evaluation date.
    pub go_live: Option<Date>,
}

/// The decision on one profile.
#[derive(Debug, Clone)]
pub struct Decision {
    pub subject: usize,
    /// The evaluation date in force.
    pub date: Option<Date>,
    pub verdict: Verdict,
    pub paths: Vec<PathDecision>,
    pub plan_path: Option<usize>,
    pub notes: Vec<Note>,
    /// Atoms the counting documents satisfy.
    pub held: Bits,
    /// The best status of each ruleset category the profile lists.
    pub status: Vec<Option<CategoryStatus>>,
}

/// Values to type, as a message lists them: `a`, `b`.
fn quoted(values: &[&str]) -> String {
    let v: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    v.join(", ")
}

/// The names of a vocabulary in `lang`, for a message listing the choices.
fn names<T>(list: &[T], name: impl Fn(&T) -> &crate::l10n::Text, lang: Lang) -> Vec<String> {
    list.iter().map(|x| name(x).get(lang).to_string()).collect()
}

/// Parses a `YYYY-MM-DD` date of the profile.
pub(crate) fn parse_date(
    value: &str,
    path: impl FnOnce() -> String,
    lang: Lang,
) -> Result<Date, ProfileError> {
    let v = value.trim();
    if let Some(date) = crate::dates::parse(v) {
        return Ok(date);
    }
    v.parse::<Date>().map_err(|_| ProfileError {
        kind: crate::err::ErrorKind::Value,
        path: path(),
        line: None,
        column: None,
        message: msg("invalid_date", lang, &[("value", value)]),
        suggestion: None,
    })
}

pub(crate) fn status_rank(s: CategoryStatus) -> u8 {
    match s {
        CategoryStatus::Approved => 0,
        CategoryStatus::Pending => 1,
        CategoryStatus::Rejected => 2,
        CategoryStatus::Planned => 3,
    }
}

/// The term of an alternative missing fewest atoms for this subject, and how
/// many it misses; `None` when no term applies to the subject type.
pub(crate) fn best_term(
    alt: &Alternative,
    held: &Bits,
    subject_bit: SubjectMask,
) -> Option<(usize, u32)> {
    let mut best: Option<(usize, u32)> = None;
    for (i, t) in alt.terms.iter().enumerate() {
        if t.subjects & subject_bit == 0 {
            continue;
        }
        let n = t.atoms.count_missing(held);
        if best.is_none_or(|(_, b)| n < b) {
            best = Some((i, n));
        }
    }
    best
}

/// The profile interned into the ruleset's ids.
struct Resolved<'p> {
    /// Setup steps the profile says are done: a bit per step.
    done: u64,
    subject: usize,
    subject_bit: SubjectMask,
    /// The subject's region (`None` only when the ruleset has no regions).
    region: Option<usize>,
    status: Vec<Option<CategoryStatus>>,
    /// Every listed category: first level, known id, status.
    listed: Vec<(&'p str, Option<usize>, CategoryStatus)>,
    scenarios: Vec<usize>,
    goods: Vec<usize>,
    services: Vec<usize>,
    held: Bits,
    present: Vec<bool>,
}

struct Decider<'r> {
    rs: &'r Ruleset,
    lang: Lang,
    notes: Vec<Note>,
}

/// Decides a profile: everything the report says, as ids.
pub fn decide(
    rs: &Ruleset,
    p: &Profile,
    as_of: Option<Date>,
    lang: Lang,
) -> Result<Decision, ProfileError> {
    let mut d = Decider {
        rs,
        lang,
        notes: Vec::new(),
    };
    let date = match &p.as_of {
        Some(v) => Some(parse_date(v, || "as_of".into(), lang)?),
        None => as_of,
    };
    let r = d.resolve(p, date)?;
    Ok(d.run(p, r, date))
}

fn intern(
    values: &[String],
    lookup: &Lookup,
    notes: &mut Vec<Note>,
    note: fn(usize) -> Note,
) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match lookup.get(v) {
            Some(x) => {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
            None => notes.push(note(i)),
        }
    }
    out
}

impl<'r> Decider<'r> {
    /// The subject's region: as given, or the ruleset's first when absent.
    fn region(&self, p: &Profile) -> Result<Option<usize>, ProfileError> {
        let rs = self.rs;
        let Some(given) = p.subject.region.as_deref() else {
            return Ok((!rs.regions.is_empty()).then_some(0));
        };
        rs.lookups.regions.get(given).map(Some).ok_or_else(|| {
            let ids: Vec<&str> = rs.regions.iter().map(|r| r.id.as_str()).collect();
            self.unknown_term(
                (
                    &rs.lookups.regions,
                    &ids,
                    names(&rs.regions, |r| &r.name, self.lang),
                ),
                given,
                "subject.region",
                "unknown_region",
            )
        })
    }

    /// The setup steps the profile says are done, as a bit per step.
    fn steps_done(&self, p: &Profile) -> Result<u64, ProfileError> {
        let rs = self.rs;
        let mut done = 0u64;
        for (i, name) in p.steps_done.iter().enumerate() {
            let Some(s) = rs.lookups.steps.get(name) else {
                let ids: Vec<&str> = rs.steps.iter().map(|s| s.id.as_str()).collect();
                let path = format!("steps_done[{i}]");
                return Err(self.unknown_term(
                    (
                        &rs.lookups.steps,
                        &ids,
                        names(&rs.steps, |s| &s.name, self.lang),
                    ),
                    name,
                    &path,
                    "unknown_step",
                ));
            };
            done |= 1 << s;
        }
        Ok(done)
    }

    /// A name a vocabulary does not know: the field, the choices (by name,
    /// in the reader's language; ids and names are both accepted) and the
    /// nearest id.
    fn unknown_term(
        &self,
        (lookup, ids, names): (&crate::ruleset::Lookup, &[&str], Vec<String>),
        given: &str,
        path: &str,
        key: &str,
    ) -> ProfileError {
        let expected = crate::catalog::join(&names, self.lang);
        ProfileError {
            kind: crate::err::ErrorKind::Value,
            path: path.into(),
            line: None,
            column: None,
            message: msg(key, self.lang, &[("value", given), ("expected", &expected)]),
            suggestion: lookup
                .nearest(given)
                .map(|n| lookup.get(n).map_or(n.to_string(), |i| ids[i].to_string())),
        }
    }

    fn resolve<'p>(
        &mut self,
        p: &'p Profile,
        date: Option<Date>,
    ) -> Result<Resolved<'p>, ProfileError>
    where
        'r: 'p,
    {
        let rs = self.rs;
        let given = p.subject.kind.0.as_str();
        let subject = rs.lookups.subject_types.get(given).ok_or_else(|| {
            let ids: Vec<&str> = rs.subject_types.iter().map(|s| s.id.as_str()).collect();
            let shown = names(&rs.subject_types, |s| &s.name, self.lang);
            let vocab = (&rs.lookups.subject_types, ids.as_slice(), shown);
            self.unknown_term(vocab, given, "subject.type", "unknown_subject_type")
        })?;
        let region = self.region(p)?;
        let done = self.steps_done(p)?;

        let mut status: Vec<Option<CategoryStatus>> = vec![None; rs.categories.len()];
        let mut listed = Vec::with_capacity(p.categories.len());
        let mut assumed = Vec::new();
        for (i, c) in p.categories.iter().enumerate() {
            let st = match &c.status {
                None => CategoryStatus::Approved,
                Some(s) => match CategoryStatus::ALL.iter().find(|(n, _)| *n == s.trim()) {
                    Some((_, st)) => *st,
                    None => {
                        let names: Vec<&str> =
                            CategoryStatus::ALL.iter().map(|(n, _)| *n).collect();
                        return Err(ProfileError {
                            kind: crate::err::ErrorKind::Value,
                            path: format!("categories[{i}].status"),
                            line: None,
                            column: None,
                            message: msg(
                                "unknown_status",
                                self.lang,
                                &[("value", s), ("expected", &quoted(&names))],
                            ),
                            suggestion: fuzzy::nearest(s, names.iter().copied())
                                .map(str::to_string),
                        });
                    }
                },
            };
            let known = match &c.second {
                Some(second) => rs.category_by_levels(&c.first, second),
                None => rs.lookups.categories.get(&c.first),
            };
            match known {
                Some(k) => {
                    if status[k].is_none_or(|old| status_rank(st) < status_rank(old)) {
                        status[k] = Some(st);
                    }
                }
                None => self.notes.push(Note::UnknownCategory { category: i }),
            }
            if st == CategoryStatus::Rejected {
                self.notes.push(Note::CategoryRejected {
                    category: i,
                    missing: Vec::new(),
                });
            }
            if c.status.is_none() {
                assumed.push(i);
            }
            let first = match known {
                Some(k) => rs.categories[k].first.as_str(),
                None => c.first_level(),
            };
            listed.push((first, known, st));
        }
        if !assumed.is_empty() {
            self.notes.push(Note::StatusAssumed {
                categories: assumed,
            });
        }

        let scenarios = intern(
            &p.scenarios,
            &rs.lookups.scenarios,
            &mut self.notes,
            |index| Note::UnknownScenario { index },
        );
        let goods = intern(&p.goods, &rs.lookups.goods, &mut self.notes, |index| {
            Note::UnknownGoods { index }
        });
        let services = intern(
            &p.services,
            &rs.lookups.services,
            &mut self.notes,
            |index| Note::UnknownService { index },
        );

        let subject_code = self.subject_checks(p, subject);

        let mut held = Bits::new(rs.atoms.len());
        let mut present = vec![false; rs.documents.len()];
        // Documents by kind: (index, counts, valid_until).
        let mut docs: Vec<(usize, usize, bool, Option<Date>)> =
            Vec::with_capacity(p.documents.len());
        self.notes.reserve(8);
        for (i, d) in p.documents.iter().enumerate() {
            let valid_from = d
                .valid_from
                .as_deref()
                .map(|v| parse_date(v, || format!("documents[{i}].valid_from"), self.lang))
                .transpose()?;
            let valid_until = d
                .valid_until
                .as_deref()
                .map(|v| parse_date(v, || format!("documents[{i}].valid_until"), self.lang))
                .transpose()?;
            let Some(kind) = rs.lookups.documents.get(&d.kind) else {
                self.notes.push(Note::UnknownDocument { doc: i });
                continue;
            };
            present[kind] = true;
            let doc = &rs.documents[kind];
            let mut counts = true;
            if let Some(date) = date {
                if let Some(until) = valid_until.filter(|u| *u < date) {
                    counts = false;
                    self.notes.push(Note::DocumentExpired {
                        doc: i,
                        kind,
                        date: until,
                    });
                }
                if let Some(from) = valid_from.filter(|f| *f > date) {
                    counts = false;
                    self.notes.push(Note::DocumentNotYetValid {
                        doc: i,
                        kind,
                        date: from,
                    });
                }
            }
            if let (Some(holder), Some(subject)) = (d.holder.as_deref(), p.subject.name.as_deref())
                && !names_equal(holder, subject)
            {
                counts = false;
                self.notes.push(Note::HolderMismatch { doc: i, kind });
            }
            if let Some(code) = d.credit_code.as_deref() {
                let norm = credit::normalized(code);
                match credit::validate(&norm) {
                    Err(error) => self.notes.push(Note::InvalidCreditCode {
                        doc: Some(i),
                        error,
                    }),
                    Ok(()) => {
                        if subject_code
                            .as_deref()
                            .is_some_and(|sc| sc != norm.as_ref())
                        {
                            counts = false;
                            self.notes
                                .push(Note::CreditCodeHolderMismatch { doc: i, kind });
                        }
                    }
                }
            }
            if let (Some(number), Some(format)) = (d.number.as_deref(), doc.number_format.as_ref())
                && !number_fits(&format.regex, number)
            {
                self.notes.push(Note::NumberFormat { doc: i, kind });
            }
            // The values of each attribute of this document, interned.
            let mut values: Vec<(usize, Vec<usize>)> = Vec::new();
            for (key, (name, vals)) in d.attributes.iter().enumerate() {
                let attr = rs
                    .lookups
                    .attributes
                    .get(name)
                    .filter(|a| doc.attributes.contains(a));
                let Some(attr) = attr else {
                    self.notes.push(Note::UnknownAttribute { doc: i, key });
                    continue;
                };
                let lookup = &rs.lookups.values[attr];
                let mut ids = Vec::with_capacity(vals.0.len());
                for (value, v) in vals.0.iter().enumerate() {
                    match lookup.get(v) {
                        Some(x) => ids.push(x),
                        None => self
                            .notes
                            .push(Note::UnknownAttributeValue { doc: i, key, value }),
                    }
                }
                values.push((attr, ids));
            }
            docs.push((kind, i, counts, valid_until));
            if !counts {
                continue;
            }
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
        self.duplicates_and_expiry(&mut docs, &status, date);

        Ok(Resolved {
            done,
            subject,
            subject_bit: 1 << subject,
            region,
            status,
            listed,
            scenarios,
            goods,
            services,
            held,
            present,
        })
    }

    /// A kind given more than once: the best document counts (valid, the
    /// right holder, the latest expiry) and the others are reported. The best
    /// one's expiry is watched against the review time plus the margin.
    fn duplicates_and_expiry(
        &mut self,
        docs: &mut [(usize, usize, bool, Option<Date>)],
        status: &[Option<CategoryStatus>],
        date: Option<Date>,
    ) {
        let rs = self.rs;
        docs.sort_by_key(|(kind, i, ..)| (*kind, *i));
        let mut start = 0;
        while start < docs.len() {
            let kind = docs[start].0;
            let end = start + docs[start..].iter().take_while(|d| d.0 == kind).count();
            let group = &docs[start..end];
            let best = group
                .iter()
                .filter(|d| d.2)
                .enumerate()
                .max_by_key(|(n, d)| (d.3.is_none(), d.3, std::cmp::Reverse(*n)))
                .map(|(_, d)| (d.1, d.3));
            if group.len() > 1 {
                for d in group {
                    if best.is_some_and(|(b, _)| b == d.1) {
                        continue;
                    }
                    self.notes.push(Note::DuplicateDocument {
                        doc: d.1,
                        kind,
                        best: best.map(|(b, _)| b),
                    });
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
                let days = date
                    .until(until)
                    .map(|s| i64::from(s.get_days()))
                    .unwrap_or(0);
                if days <= window {
                    self.notes.push(Note::DocumentExpiring {
                        doc: i,
                        kind,
                        date: until,
                        days,
                        window,
                    });
                }
            }
            start = end;
        }
    }

    /// The subject's own credit code: valid, and consistent with the subject
    /// type. Returns it, normalised, when it is valid.
    fn subject_checks(&mut self, p: &Profile, subject: usize) -> Option<String> {
        let code = p.subject.credit_code.as_deref()?;
        let norm = credit::normalize(code);
        if let Err(error) = credit::validate(&norm) {
            self.notes
                .push(Note::InvalidCreditCode { doc: None, error });
            return None;
        }
        let prefix = &norm[..2];
        if let Some(i) = self
            .rs
            .credit_code_prefixes
            .iter()
            .position(|c| c.prefix == prefix)
            && self.rs.credit_code_prefixes[i].subjects & (1 << subject) == 0
        {
            self.notes
                .push(Note::CreditCodeSubjectMismatch { prefix: i });
        }
        Some(norm)
    }

    /// One known category's qualification and state.
    fn eval_category(&self, c: usize, st: Option<CategoryStatus>, r: &Resolved) -> CategoryEval {
        let cat = &self.rs.categories[c];
        let mut nearest: Option<(usize, usize, u32)> = None;
        for (i, alt) in cat.alternatives.iter().enumerate() {
            if let Some((t, n)) = best_term(alt, &r.held, r.subject_bit)
                && nearest.is_none_or(|(.., b)| n < b)
            {
                nearest = Some((i, t, n));
            }
        }
        // Without a sourced list, documents can neither qualify nor fail it.
        let unsourced = !cat.documents_sourced;
        let qualified =
            !unsourced && (cat.alternatives.is_empty() || nearest.is_some_and(|(.., n)| n == 0));
        let can_qualify = unsourced || cat.alternatives.is_empty() || nearest.is_some();
        let (state, action) = match st {
            Some(CategoryStatus::Approved) => (CategoryState::Held, None),
            Some(CategoryStatus::Pending) if qualified || unsourced => {
                (CategoryState::Pending, None)
            }
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
        }
    }

    fn eval_req(&self, req: &CategoryReq, r: &Resolved) -> CategoryEval {
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
                })
            }
        }
    }

    /// A listed category met through a first-level requirement: a known
    /// one by its qualification, an unknown one by its status alone.
    fn eval_listed(&self, known: Option<usize>, st: CategoryStatus, r: &Resolved) -> CategoryEval {
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
        }
    }

    /// The missing atoms of a category's nearest alternative.
    fn nearest_atoms<'a>(
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
    fn rejected_missing(&mut self, p: &Profile, r: &Resolved) {
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
                .map(|a| self.rs.atoms[a].doc)
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

    /// The path opened by `ways` together (their categories, each once),
    /// with the rules' extra requirements and prohibitions.
    fn eval_ways(
        &self,
        path: usize,
        ways: &[usize],
        fx: &Effects,
        r: &Resolved,
        docs: &mut Bits,
    ) -> PathDecision {
        let rs = self.rs;
        let (extra, prohibit) = (&fx.extra, &fx.prohibit);
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
        for &(rule, req) in extra.iter() {
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
        let mut status = PathStatus::Available;
        let mut actions = 0;
        let mut review_days: Option<u32> = None;
        docs.clear();
        for q in &requirements {
            let e = &q.eval;
            status = status.max(e.state.path_status());
            actions += usize::from(e.action.is_some());
            // The documents WeChat will ask for, unknown here: one action more.
            actions += usize::from(
                e.state == CategoryState::Actionable
                    && e.known.is_some_and(|k| !rs.categories[k].documents_sourced),
            );
            for a in self.nearest_atoms(e, &r.held) {
                docs.insert(rs.atoms[a].doc);
            }
            if e.state != CategoryState::Held
                && let Some(k) = e.known
            {
                review_days = review_days.max(rs.review_days[k]);
            }
        }
        actions += docs.len() as usize;
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
            missing: if docs.is_empty() {
                Vec::new()
            } else {
                docs.iter().collect()
            },
            actions,
            review_days,
            setup: 0,
            go_live: None,
        }
    }

    /// The declared scenarios some way of some path opens; the others
    /// (none in the curated ruleset) do not shape the paths.
    fn live_scenarios(&self, r: &Resolved) -> Vec<usize> {
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
    fn choose(
        &self,
        pi: usize,
        fx: &Effects,
        live: &[usize],
        r: &Resolved,
        docs: &mut Bits,
    ) -> PathDecision {
        let path = &self.rs.paths[pi];
        let open = |w: &usize| {
            path.ways[*w]
                .subjects
                .is_none_or(|s| s & r.subject_bit != 0)
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
    /// first), then as `key` says.
    fn best_ways(
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
        let key = |d: &PathDecision, w: usize| {
            let (a, n) = (adds(d), path.ways[w].scenarios.len());
            match (specific, a) {
                (true, _) => (d.status, a, d.actions, n),
                (false, 0) => (d.status, a, d.actions, w),
                (false, _) => (d.status, a, 0, w),
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
    fn only_adds(&self, d: &PathDecision) -> bool {
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
    fn option_categories(&self, pi: usize, ways: &[usize]) -> Vec<usize> {
        let path = &self.rs.paths[pi];
        ways.iter()
            .filter_map(|&w| path.ways[w].categories.first().copied())
            .collect()
    }

    fn run(mut self, p: &Profile, r: Resolved, date: Option<Date>) -> Decision {
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
        // The plan's path: the furthest status, the fewest actions, then the
        // shortest setup after them (livegate's tie-break), then ruleset order.
        let mut plan: Option<(PathStatus, usize, u32, usize)> = None;
        for (pi, path) in rs.paths.iter().enumerate() {
            let blocked_by = rs
                .rules
                .iter()
                .zip(&fired)
                .position(|(rule, m)| m.is_some() && rule.block && rule.applies_to_path(pi));
            if blocked_by.is_some() {
                paths.push(blocked(blocked_by));
                continue;
            }
            let mut extra = Vec::new();
            let mut prohibit = Vec::new();
            for (ri, (rule, m)) in rs.rules.iter().zip(&fired).enumerate() {
                let Some(m) = m else { continue };
                if !rule.applies_to_path(pi) {
                    continue;
                }
                if let Some(req) = &rule.require {
                    extra.push((ri, req));
                }
                if rule.prohibit && rule.action.is_some() {
                    prohibit.push((ri, m.goods.clone()));
                }
            }
            let fx = Effects { extra, prohibit };
            let mut d = self.choose(pi, &fx, &live, &r, &mut docs);
            if d.status != PathStatus::Blocked {
                d.setup = golive::remaining(path, rs, d.ways, r.done);
                d.go_live = date.and_then(|start| golive::earliest(rs, d.setup, start));
            }
            if d.status != PathStatus::Blocked {
                let key = (d.status, d.actions, golive::days(rs, d.setup), pi);
                if plan.is_none_or(|c| key < c) {
                    plan = Some(key);
                }
            }
            paths.push(d);
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
        let plan_path = plan.map(|(.., pi)| pi);

        // Rule findings, now that the plan is known.
        for (ri, rule) in rs.rules.iter().enumerate() {
            let m = if rule.when.categories_not_approved.is_empty() {
                fired[ri].clone()
            } else {
                self.matches(rule, p, &r, plan_path.map(|pi| &paths[pi]))
            };
            let Some(m) = m else { continue };
            if let Some(req) = &rule.require
                && self.eval_req(req, &r).state == CategoryState::Held
            {
                continue;
            }
            self.notes.push(Note::Rule {
                rule: ri,
                goods: m.goods,
                services: m.services,
            });
        }
        self.scenario_checks(&r);
        self.constraint_checks(&paths, &r);
        if let Some(pi) = plan_path {
            self.unsourced_checks(&paths[pi]);
        }

        Decision {
            subject: r.subject,
            date,
            verdict,
            paths,
            plan_path,
            notes: self.notes,
            held: r.held,
            status: r.status,
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

    /// The plan's categories still to obtain whose documents no source gives.
    fn unsourced_checks(&mut self, plan: &PathDecision) {
        let categories: Vec<usize> = plan
            .requirements
            .iter()
            .filter(|q| q.eval.state != CategoryState::Held)
            .flat_map(|q| q.category.into_iter().chain(q.options.iter().copied()))
            .filter(|&c| !self.rs.categories[c].documents_sourced)
            .collect();
        if !categories.is_empty() {
            self.notes.push(Note::DocumentsUnsourced { categories });
        }
    }

    fn scenario_checks(&mut self, r: &Resolved) {
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

    /// A held document whose attribute constraint fails counts as missing:
    /// say what it lacks, once per requirement, for the categories the paths show.
    fn constraint_checks(&mut self, paths: &[PathDecision], r: &Resolved) {
        let rs = self.rs;
        let mut seen: Vec<usize> = Vec::new();
        for pd in paths {
            for q in &pd.requirements {
                let Some(k) = q.eval.known else { continue };
                for alt in &rs.categories[k].alternatives {
                    let Some((t, _)) = best_term(alt, &r.held, r.subject_bit) else {
                        continue;
                    };
                    for atom in alt.terms[t].atoms.missing(&r.held) {
                        let a = &rs.atoms[atom];
                        if a.constraint.is_none() || !r.present[a.doc] || seen.contains(&atom) {
                            continue;
                        }
                        seen.push(atom);
                        self.notes.push(Note::ConstraintUnmet { atom });
                    }
                }
            }
        }
    }
}

/// Whether a licence number fits its format, once full-width characters are folded.
fn number_fits(regex: &regex::Regex, number: &str) -> bool {
    let n = number.trim();
    if n.is_ascii()
        || !n
            .chars()
            .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}')
    {
        regex.is_match(n)
    } else {
        regex.is_match(&fold_width(n))
    }
}

/// How many categories a decision adds that the profile does not list.
fn adds(d: &PathDecision) -> usize {
    d.requirements
        .iter()
        .filter(|q| q.eval.action == Some(CategoryAction::Add))
        .count()
}

/// What the rules in force add to every way of a path: categories to
/// require, goods to remove.
struct Effects<'a> {
    extra: Vec<(usize, &'a CategoryReq)>,
    prohibit: Vec<(usize, Vec<usize>)>,
}

fn blocked(by: Option<usize>) -> PathDecision {
    PathDecision {
        status: PathStatus::Blocked,
        way: None,
        ways: 0,
        covers: Vec::new(),
        unserved: Vec::new(),
        blocked_by: by,
        requirements: Vec::new(),
        prohibit: Vec::new(),
        missing: Vec::new(),
        actions: 0,
        review_days: None,
        setup: 0,
        go_live: None,
    }
}

#[derive(Debug, Clone)]
struct Matched {
    goods: Vec<usize>,
    services: Vec<usize>,
}
