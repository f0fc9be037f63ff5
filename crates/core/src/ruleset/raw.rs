//! The ruleset as written in TOML, before validation. Every reference keeps its
//! source span so that a validation error can name the line and the key.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::l10n::Text;

pub type S = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuleset {
    pub ruleset: RawMeta,
    #[serde(default)]
    pub subject_types: Vec<RawSubjectType>,
    #[serde(default)]
    pub scenarios: Vec<RawTerm>,
    /// Where a subject is registered; the first is assumed when a profile names none.
    #[serde(default)]
    pub regions: Vec<RawTerm>,
    #[serde(default)]
    pub goods: Vec<RawTerm>,
    #[serde(default)]
    pub services: Vec<RawTerm>,
    #[serde(default)]
    pub attributes: Vec<RawAttribute>,
    #[serde(default)]
    pub documents: Vec<RawDocument>,
    #[serde(default)]
    pub groups: Vec<RawGroup>,
    /// First-level category names WeChat has used: the current name and
    /// its older ones, so that a category written either way is one.
    #[serde(default)]
    pub first_levels: Vec<RawFirstLevel>,
    #[serde(default)]
    pub categories: Vec<RawCategory>,
    #[serde(default)]
    pub paths: Vec<RawPath>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
    #[serde(default)]
    pub checks: Vec<RawCheck>,
    #[serde(default)]
    pub actions: BTreeMap<String, RawAction>,
    #[serde(default)]
    pub settings: RawSettings,
    #[serde(default)]
    pub credit_code_prefixes: Vec<RawPrefix>,
    #[serde(default)]
    pub tests: Vec<Spanned<RawTest>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    /// Days a document must stay valid beyond the expected review time.
    #[serde(default)]
    pub expiry_margin_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrefix {
    pub prefix: S,
    pub name: Spanned<Text>,
    pub subject_types: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNumberFormat {
    pub pattern: S,
    pub example: S,
    pub description: Spanned<Text>,
    /// Where the format was seen: URLs or documents of this repository.
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTest {
    pub name: S,
    /// The profile, as JSON.
    pub profile: S,
    #[serde(default)]
    pub as_of: Option<Spanned<toml::value::Datetime>>,
    pub expect: RawExpect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    #[serde(default)]
    pub verdict: Option<S>,
    #[serde(default)]
    pub paths: BTreeMap<String, S>,
    #[serde(default)]
    pub findings: Vec<S>,
    #[serde(default)]
    pub no_findings: Vec<S>,
    #[serde(default)]
    pub plan_path: Option<S>,
    #[serde(default)]
    pub missing_documents: BTreeMap<String, Vec<S>>,
    /// Per path, the ids of the categories it says to add.
    #[serde(default)]
    pub adds: BTreeMap<String, Vec<S>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: S,
    pub version: S,
    pub as_of: Spanned<toml::value::Datetime>,
    pub name: Spanned<Text>,
    pub source: S,
    #[serde(default)]
    pub authority: Option<S>,
    #[serde(default)]
    pub notice: Option<Spanned<Text>>,
    /// Fragments (such as a WeChat catalogue imported by `rules
    /// import-wechat`) whose documents and categories join this ruleset's;
    /// paths are relative to the ruleset's file. Where both define a
    /// category, this ruleset's wins.
    #[serde(default)]
    pub include: Vec<S>,
}

/// A ruleset fragment: documents and categories only, included by a
/// ruleset.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFragment {
    pub fragment: RawFragmentMeta,
    #[serde(default)]
    pub documents: Vec<RawDocument>,
    #[serde(default)]
    pub categories: Vec<RawCategory>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFragmentMeta {
    /// Where its facts come from.
    pub source: S,
    /// The file it was made from, if generated: for its readers.
    #[allow(dead_code)]
    #[serde(default)]
    pub imported_from: Option<S>,
    /// Its qualifications replace the ruleset's for the categories both
    /// define (what `rules audit` asks: the ruleset with WeChat's lists).
    #[serde(default)]
    pub replaces: bool,
}

/// A first level (一级类目) as WeChat names it today, with the names it
/// had before.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFirstLevel {
    pub name: S,
    /// An English gloss of the name, livegate's translation (WeChat names
    /// its categories in Chinese only).
    #[serde(default)]
    pub en: Option<S>,
    #[serde(default)]
    pub aliases: Vec<S>,
    /// Where the current name and the older ones are read.
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubjectType {
    pub id: S,
    #[serde(default)]
    pub verify_type: Option<u8>,
    pub name: Spanned<Text>,
    #[serde(default)]
    pub aliases: Vec<S>,
}

/// An entry of a vocabulary: scenarios, goods, services and attribute values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    pub id: S,
    #[serde(default)]
    pub code: Option<S>,
    pub name: Spanned<Text>,
    #[serde(default)]
    pub aliases: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAttribute {
    pub id: S,
    pub name: Spanned<Text>,
    pub values: Vec<RawTerm>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocument {
    pub id: S,
    pub name: Spanned<Text>,
    #[serde(default)]
    pub aliases: Vec<S>,
    #[serde(default)]
    pub attributes: Vec<S>,
    #[serde(default)]
    pub number_format: Option<RawNumberFormat>,
    /// What the document is, in the words of the source (examples of it).
    #[serde(default)]
    pub description: Option<Spanned<Text>>,
    /// Who makes it: `authority` (a licence, filing or approval to apply
    /// for), `registration` (the subject's own registration certificate:
    /// a business licence, a credit code certificate), `applicant`
    /// (written by the applicant: rules, agreements, letters, forms,
    /// screenshots) or `partner` (another party's document the applicant
    /// obtains from it). Ranks the nearest alternative; `authority` when
    /// absent.
    #[serde(default)]
    pub issued_by: Option<S>,
    /// WeChat asks for this document as another party holds it (a
    /// manufacturer's permit, a partner's licence): its holder need not be
    /// the subject. Always so for `issued_by = "partner"`.
    #[serde(default)]
    pub holder_may_differ: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub id: S,
    pub name: Spanned<Text>,
    #[serde(default)]
    pub all_of: Option<Vec<Spanned<RawExpr>>>,
    #[serde(default)]
    pub any_of: Option<Vec<Spanned<RawExpr>>>,
}

/// One node of a requirement expression. Exactly one of `doc`, `group`,
/// `all_of` and `any_of` is set; the compiler checks it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpr {
    #[serde(default)]
    pub doc: Option<S>,
    #[serde(default, rename = "where")]
    pub constraint: Option<BTreeMap<String, Spanned<Vec<S>>>>,
    #[serde(default)]
    pub subject_types: Option<Vec<S>>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub group: Option<S>,
    #[serde(default)]
    pub all_of: Option<Vec<Spanned<RawExpr>>>,
    #[serde(default)]
    pub any_of: Option<Vec<Spanned<RawExpr>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub id: S,
    pub first: S,
    pub second: S,
    /// An English gloss of the second level, livegate's translation.
    #[serde(default)]
    pub en: Option<S>,
    /// WeChat's id of the second level.
    #[serde(default)]
    pub wechat_id: Option<u32>,
    /// WeChat's id of the first level.
    #[serde(default)]
    pub wechat_first: Option<u32>,
    #[serde(default)]
    pub aliases: Vec<S>,
    #[serde(default)]
    pub scenarios: Vec<S>,
    #[serde(default)]
    pub scope: Option<Spanned<Text>>,
    #[serde(default)]
    pub source: Option<S>,
    #[serde(default)]
    pub alternatives: Vec<RawAlternative>,
    /// No public source gives the category's documents: it has no
    /// alternatives, and a report says WeChat shows them when it is added.
    #[serde(default)]
    pub documents_unsourced: Option<Spanned<bool>>,
    /// WeChat asks for no qualification (its catalogue's `sensitive_type`
    /// 0): no alternatives, and no warning for it.
    #[serde(default)]
    pub no_qualification: Option<Spanned<bool>>,
    /// Where the qualification (or its absence) was read, when another
    /// page than `source`: WeChat's category catalogue.
    #[serde(default)]
    pub qualification_source: Option<S>,
    /// The day the qualification was last checked against that source.
    #[serde(default)]
    pub verified: Option<Spanned<toml::value::Datetime>>,
    /// In a fragment that replaces (`replaces = true`, as `rules audit`
    /// writes): the ruleset's alternatives of this category it takes away;
    /// its own alternatives are added to those left.
    #[serde(default)]
    pub drop_alternatives: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlternative {
    pub id: S,
    pub label: Spanned<Text>,
    #[serde(default)]
    pub subject_types: Option<Vec<S>>,
    #[serde(default)]
    pub all_of: Option<Vec<Spanned<RawExpr>>>,
    #[serde(default)]
    pub any_of: Option<Vec<Spanned<RawExpr>>>,
    #[serde(default)]
    pub notes: Vec<Spanned<Text>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPath {
    pub id: S,
    pub name: Spanned<Text>,
    #[serde(default)]
    pub guide: Option<S>,
    #[serde(default)]
    pub source: Option<S>,
    pub ways: Vec<Spanned<RawWay>>,
    /// What stands between an open path and a first stream, in order.
    #[serde(default)]
    pub steps: Vec<RawStep>,
}

/// A setup step after the categories: enabling a component, a review, a
/// purchase. `ways` limits it to the ways that open the path so (all when
/// empty); `days` is how long it takes, in working days when
/// `working_days`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: S,
    pub name: Spanned<Text>,
    #[serde(default)]
    pub ways: Vec<S>,
    pub days: u32,
    #[serde(default)]
    pub working_days: bool,
    #[serde(default)]
    pub note: Option<Spanned<Text>>,
    #[serde(default)]
    pub source: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWay {
    pub id: S,
    #[serde(default)]
    pub subject_types: Option<Vec<S>>,
    #[serde(default)]
    pub categories: Vec<S>,
    /// The live scenarios this way opens the path for; by default, those of
    /// its categories.
    #[serde(default)]
    pub scenarios: Option<Vec<S>>,
    /// The regions whose subjects this way serves; every region when absent.
    #[serde(default)]
    pub regions: Option<Vec<S>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: S,
    pub severity: S,
    pub when: Spanned<RawWhen>,
    #[serde(default)]
    pub block: bool,
    #[serde(default)]
    pub prohibit: bool,
    #[serde(default)]
    pub action: Option<S>,
    #[serde(default)]
    pub require_category: Option<S>,
    #[serde(default)]
    pub paths: Option<Vec<S>>,
    /// Ways (`PATH.WAY`) a `block` leaves open: the path stays open
    /// through them alone.
    #[serde(default)]
    pub spare_ways: Vec<S>,
    #[serde(default)]
    pub days: Option<u32>,
    pub message: Spanned<Text>,
    #[serde(default)]
    pub source: Option<S>,
    /// `wechat` (WeChat's or Tencent's published rule) or `livegate` (a
    /// reviewer's judgement of livegate's own).
    #[serde(default)]
    pub basis: Option<S>,
    /// Categories under which rendered documentation shows this rule as a note.
    #[serde(default)]
    pub shown_with: Vec<S>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    #[serde(default)]
    pub subject_types: Vec<S>,
    #[serde(default)]
    pub goods: Vec<S>,
    #[serde(default)]
    pub services: Vec<S>,
    #[serde(default)]
    pub scenarios: Vec<S>,
    #[serde(default)]
    pub categories: Vec<S>,
    #[serde(default)]
    pub categories_not_approved: Vec<S>,
    #[serde(default)]
    pub multi_merchant: Option<bool>,
    #[serde(default)]
    pub regions: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub check: S,
    pub id: S,
    pub severity: S,
    pub message: Spanned<Text>,
    #[serde(default)]
    pub source: Option<S>,
    /// As for rules: `wechat` or `livegate`.
    #[serde(default)]
    pub basis: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub message: Spanned<Text>,
}
