//! Evaluation, phase one: the decision. Ids and bit sets, so that a batch
//! that needs verdicts and statuses pays for no report; the only text made
//! here is the message of an error that stops the decision (an unknown
//! subject type or status, a date that is no date), in the language asked
//! for. [`crate::report`] phrases a decision into a [`crate::Report`], and
//! [`crate::pipeline`] is the way in from text.
//!
//! Resolution interns the profile (subject type, categories, documents) into
//! the ruleset's ids and a bit set of the requirement atoms its documents
//! satisfy; every qualification check is then a popcount of `term & !held`.

use jiff::civil::Date;

use crate::bits::Bits;
use crate::catalog::msg;
use crate::credit;
use crate::err::ProfileError;
use crate::fuzzy;
use crate::golive;
use crate::l10n::Lang;
use crate::normalize::{fold_width, names_equal};
use crate::profile::{CategoryStatus, Profile, ProfileDocument};
use crate::report::{CategoryState, PathStatus, Verdict};
use crate::ruleset::*;

mod qualify;
mod resolve;
mod run;
mod ways;

pub use crate::findings::Note;

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
    /// Its documents are not in the ruleset and the person has not said
    /// they hold what WeChat's page asks for: that is still to do.
    pub confirm: bool,
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
    /// Of the documents still missing, those an authority issues: the
    /// first measure of effort (livegate's ranking).
    pub authority: usize,
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
    /// Atoms of the document kinds the profile gives, counting or not.
    pub given: Bits,
    /// The best status of each ruleset category the profile lists.
    pub status: Vec<Option<CategoryStatus>>,
    /// The alternatives of every category the paths require, each with
    /// the term the report shows as what it lacks.
    pub alternatives: Vec<AlternativeTerm>,
}

/// One alternative of a required category, and its term missing fewest
/// atoms for the subject type (`None`: no term applies to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlternativeTerm {
    pub category: usize,
    pub alternative: usize,
    pub term: Option<usize>,
}

impl Decision {
    /// The chosen term of a required category's alternative (`None` when
    /// no term applies to the subject type).
    pub fn term(&self, category: usize, alternative: usize) -> Option<usize> {
        self.alternatives
            .iter()
            .find(|a| a.category == category && a.alternative == alternative)
            .and_then(|a| a.term)
    }
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
    crate::dates::parse_trimmed(value).ok_or_else(|| ProfileError {
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

/// How far a combination of documents is from being complete, in the
/// order livegate ranks it (its own judgement, not WeChat's): first the
/// missing documents an authority issues (a licence takes months, a letter
/// the applicant writes a day), then every missing document, then the most
/// documents already held. The smallest is the nearest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Effort {
    pub authority: u32,
    pub missing: u32,
    pub held: std::cmp::Reverse<u32>,
    /// Missing documents the profile gives but that do not count (expired,
    /// another holder, short of a service item): mending one is nearer
    /// than starting one.
    pub given: std::cmp::Reverse<u32>,
}

impl Effort {
    /// The effort of `atoms`, with `held` counting and `given` written in
    /// the profile.
    pub fn of(atoms: &Bits, held: &Bits, authority: &Bits, given: &Bits) -> Effort {
        Effort {
            authority: atoms.count_missing_within(held, authority),
            missing: atoms.count_missing(held),
            held: std::cmp::Reverse(atoms.count_held(held)),
            given: std::cmp::Reverse(atoms.count_missing_within(held, given)),
        }
    }
}

/// The term of an alternative nearest for this subject (by [`Effort`]; the
/// first listed among equals), and its effort; `None` when no term applies
/// to the subject type.
pub(crate) fn best_term(
    alt: &Alternative,
    (held, given): (&Bits, &Bits),
    subject_bit: SubjectMask,
    authority: &Bits,
) -> Option<(usize, Effort)> {
    let mut best: Option<(usize, Effort)> = None;
    for (i, t) in alt.terms.iter().enumerate() {
        if t.subjects & subject_bit == 0 {
            continue;
        }
        let e = Effort::of(&t.atoms, held, authority, given);
        if best.is_none_or(|(_, b)| e < b) {
            best = Some((i, e));
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
    /// For each ruleset category, whether the person confirms holding what
    /// WeChat's page asks for it.
    confirmed: Vec<bool>,
    /// Every listed category: first level, known id, status.
    listed: Vec<(&'p str, Option<usize>, CategoryStatus)>,
    scenarios: Vec<usize>,
    goods: Vec<usize>,
    services: Vec<usize>,
    held: Bits,
    /// The atoms of every document kind the profile gives, counting or not.
    given: Bits,
}

/// The profile's categories as the ruleset knows them.
struct Listing<'p> {
    status: Vec<Option<CategoryStatus>>,
    confirmed: Vec<bool>,
    listed: Vec<(&'p str, Option<usize>, CategoryStatus)>,
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

/// How many categories a decision adds that the profile does not list (a
/// category it lists as planned is the business's own choice).
fn adds(d: &PathDecision) -> usize {
    d.requirements
        .iter()
        .filter(|q| q.eval.action == Some(CategoryAction::Add) && q.eval.profile_status.is_none())
        .count()
}

/// What the rules in force add to every way of a path: categories to
/// require, goods to remove.
struct Effects<'a> {
    extra: Vec<(usize, &'a CategoryReq)>,
    prohibit: Vec<(usize, Vec<usize>)>,
    /// The ways a blocking rule leaves open (a bit per way; all by default).
    allowed: u64,
    /// The first blocking rule that spares some ways.
    sparing: Option<usize>,
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
        authority: 0,
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
