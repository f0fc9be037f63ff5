//! The report: what the engine says of one profile. Its keys are a contract
//! that clients depend on; add to it, do not rename.

pub mod build;

pub use build::render;

use serde::Serialize;

use crate::l10n::Lang;
use crate::ruleset::{Basis, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Eligible,
    Pending,
    NeedsAction,
    Ineligible,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Eligible,
        Verdict::Pending,
        Verdict::NeedsAction,
        Verdict::Ineligible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::Pending => "pending",
            Verdict::NeedsAction => "needs_action",
            Verdict::Ineligible => "ineligible",
        }
    }
}

/// A path's status, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathStatus {
    Available,
    Pending,
    Actionable,
    Blocked,
}

impl PathStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PathStatus::Available => "available",
            PathStatus::Pending => "pending",
            PathStatus::Actionable => "actionable",
            PathStatus::Blocked => "blocked",
        }
    }
}

/// Where a category stands for a path: held (approved), pending (submitted and
/// qualified), actionable (something to do) or blocked (nothing to do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryState {
    Held,
    Pending,
    Actionable,
    Blocked,
}

impl CategoryState {
    pub fn path_status(self) -> PathStatus {
        match self {
            CategoryState::Held => PathStatus::Available,
            CategoryState::Pending => PathStatus::Pending,
            CategoryState::Actionable => PathStatus::Actionable,
            CategoryState::Blocked => PathStatus::Blocked,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesetRef {
    pub id: String,
    pub version: String,
    pub as_of: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub profile_id: Option<String>,
    pub ruleset: RulesetRef,
    pub lang: Lang,
    /// The evaluation date documents were checked against, when there was
    /// one (the ruleset's own date is `ruleset.as_of`).
    pub as_of: Option<String>,
    /// Categories listed without a status, which were taken as approved.
    pub assumed_approved: Vec<String>,
    pub subject_type: String,
    pub subject_type_name: String,
    pub verdict: Verdict,
    pub paths: Vec<PathReport>,
    pub findings: Vec<Finding>,
    /// The path the plan leads to: the one closest to available.
    pub plan_path: Option<String>,
    /// Why the plan leads there: livegate's ranking of effort, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_reason: Option<Reason>,
    pub plan: Vec<Action>,
    /// Documents on file that the evaluation did not count because a
    /// person has not verified them (or rejected them). The service fills
    /// it from its review states; the engine alone never does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awaiting_review: Vec<AwaitingReview>,
}

/// A document on file that was not counted, and why.
#[derive(Debug, Clone, Serialize)]
pub struct AwaitingReview {
    /// The stored document's id.
    pub document_id: String,
    /// Its kind's id, and its name in the report's language.
    pub kind: String,
    pub name: String,
    /// `submitted` (awaiting review) or `rejected`.
    pub review: String,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Why livegate chose something (the plan's path, a category's nearest
/// alternative): its own ranking, never WeChat's rule.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub message: String,
    /// Always `livegate`: the ranking is livegate's judgement.
    pub basis: Basis,
    /// Where livegate explains the ranking.
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathReport {
    pub id: String,
    pub name: String,
    pub status: PathStatus,
    /// The way that opens (or would open) the path.
    pub via: Option<String>,
    /// That way in words, in the report's language ("类目：社交/直播").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_by: Option<String>,
    /// The rule that blocks the path, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
    /// For each declared scenario this path opens, the way and its
    /// categories that cover it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<ScenarioCover>,
    /// Declared scenarios no way of this path opens: the path is blocked
    /// for the profile.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unserved_scenarios: Vec<Named>,
    /// Categories still to add or resubmit (`医疗/*` for a first level).
    pub required_categories: Vec<String>,
    /// Document ids still missing, in ruleset order.
    pub missing_documents: Vec<String>,
    pub categories: Vec<CategoryReport>,
    pub alternatives: Vec<AlternativeReport>,
    pub actions: Vec<Action>,
    /// Extra review time on the way to this path, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
    pub source: String,
    /// Setup steps still to do once the path is open, in order.
    pub setup: Vec<SetupReport>,
    /// The earliest date those steps can be done, counted from the
    /// evaluation date (working days skip weekends; livegate's estimate:
    /// public holidays and the category reviews themselves are not counted).
    pub go_live: Option<String>,
}

/// A vocabulary entry: its id, and its name in the report's language.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// How a path covers one declared scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioCover {
    pub scenario: Named,
    /// The way of the path that opens it.
    pub via: String,
    /// The way's categories (`first/second`); none for a subject-type way.
    pub categories: Vec<String>,
    /// The way in words, in the report's language.
    pub opened_by: String,
}

/// A setup step still to do.
#[derive(Debug, Clone, Serialize)]
pub struct SetupReport {
    pub id: String,
    pub name: String,
    pub days: u32,
    pub working_days: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryReport {
    /// `first/second`, or `first/*`.
    pub category: String,
    /// The ruleset's id, when it knows the category.
    pub id: Option<String>,
    /// As the profile gives it: approved, pending, rejected, planned, or absent.
    pub profile_status: String,
    pub state: CategoryState,
    /// Categories that would serve as well (`first/second`): the one that
    /// fits the business is the one to add.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Why the path needs it: the way, or the rule that adds it.
    pub required_by: String,
    /// Where the category's qualification was read (WeChat's catalogue),
    /// and the day it was last checked there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualification_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<String>,
    /// Why its nearest alternative is the one named, when it has several
    /// that apply and it still lacks something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_reason: Option<Reason>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlternativeReport {
    pub category: String,
    pub id: String,
    pub label: String,
    pub applicable: bool,
    pub satisfied: bool,
    pub nearest: bool,
    pub missing: Vec<String>,
    /// Of `missing`, the documents an authority issues (a licence, a
    /// filing): the slow ones.
    pub missing_from_authority: Vec<String>,
    /// Documents listed as notes, never counted as missing.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goods: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub message: String,
    pub source: String,
    /// `wechat`: WeChat's (or Tencent's) published rule, at `source`;
    /// `livegate`: a reviewer's judgement of livegate's own, whose basis
    /// `source` names.
    pub basis: Basis,
    /// What the finding is about: a category, a document kind, a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// The profile field the finding is about, such as `documents[1]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A date the finding names (an expiry, a start of validity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What was expected instead (the right check character).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

impl Report {
    pub fn path(&self, id: &str) -> Option<&PathReport> {
        self.paths.iter().find(|p| p.id == id)
    }

    pub fn has_finding(&self, id: &str) -> bool {
        self.findings.iter().any(|f| f.id == id)
    }
}
