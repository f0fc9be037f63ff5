//! The mix file: what share of a portfolio is what, by the ruleset's ids.
//! [`Mix::parse`] reads it, and [`Plan::new`] checks every id against a
//! ruleset and turns it into indexes, so that generating never looks a
//! name up.

use std::collections::BTreeMap;

use livegate_core::ruleset::{CategoryReq, Lookup};
use livegate_core::{Lang, Ruleset};
use serde::Deserialize;

/// The mix `livegate gen` uses unless given another.
pub const DEFAULT_MIX: &str = include_str!("../mix.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mix {
    subjects: BTreeMap<String, u32>,
    people: People,
    spelling: Spelling,
    statuses: BTreeMap<String, u32>,
    categories: CategoryMix,
    businesses: Vec<Business>,
    #[serde(default)]
    subject_scenarios: Vec<SubjectScenarios>,
    #[serde(default)]
    goods: BTreeMap<String, f64>,
    #[serde(default)]
    services: BTreeMap<String, f64>,
    rules: Qualify,
    unknown: Unknown,
    documents: DocumentMix,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct People {
    subject_types: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Spelling {
    pub id: u32,
    pub name: u32,
    pub alias: u32,
    pub code: u32,
    pub brackets: f64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CategoryMix {
    pub slash: f64,
    pub reverse: f64,
    /// The share of listed categories whose documents the ruleset does not
    /// list that the merchant says it holds (`documents_confirmed`).
    #[serde(default)]
    pub confirmed: f64,
}

impl CategoryMix {
    fn checked(self) -> Result<CategoryMix, MixError> {
        chance(self.slash, "categories.slash")?;
        chance(self.reverse, "categories.reverse")?;
        chance(self.confirmed, "categories.confirmed")?;
        Ok(self)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Business {
    id: String,
    weight: u32,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    from_ways: bool,
    #[serde(default)]
    unknown_categories: Vec<[String; 2]>,
    listed: f64,
    scenario: f64,
    #[serde(default)]
    stray_scenario: f64,
    #[serde(flatten)]
    qualify: QualifyOnly,
    #[serde(default = "one")]
    goods: f64,
    multi_merchant: Option<MultiMerchant>,
}

fn one() -> f64 {
    1.0
}

/// How far a merchant has got with a category's qualification.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QualifyOnly {
    pub qualify: f64,
    pub document: f64,
    pub constraint: f64,
}

/// The same, with the chance a rule's category is listed at all.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Qualify {
    pub listed: f64,
    pub qualify: f64,
    pub document: f64,
    pub constraint: f64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MultiMerchant {
    pub p: f64,
    pub yes: u32,
    pub no: u32,
    pub absent: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectScenarios {
    subject: String,
    scenarios: Vec<String>,
    p: f64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Names {
    pub p: f64,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Unknown {
    #[serde(default)]
    scenarios: Names,
    #[serde(default)]
    goods: Names,
    #[serde(default)]
    documents: Names,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DocumentMix {
    pub number: f64,
    pub number_fits: f64,
    pub valid_until: f64,
    pub lapsed: f64,
    pub valid_from: f64,
    pub not_yet: f64,
    pub holder: Holder,
    pub as_of: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Holder {
    pub absent: u32,
    pub subject: u32,
    pub other: u32,
}

/// What is wrong with a mix: where, and what, as a message of the
/// catalogue (`batch_mix_{fault}`) phrased in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixError {
    /// The key in the mix file (`businesses[2].categories`), or empty for
    /// a file that is not a mix at all.
    pub path: String,
    pub fault: &'static str,
    /// The name or value at fault (or the TOML reader's own words).
    pub value: String,
}

impl MixError {
    pub fn phrase(&self, lang: Lang) -> String {
        crate::msg(
            lang,
            &format!("mix_{}", self.fault),
            &[("value", &self.value)],
        )
    }
}

impl std::fmt::Display for MixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.phrase(Lang::En))
    }
}

impl std::error::Error for MixError {}

fn fault(path: impl Into<String>, fault: &'static str, value: impl Into<String>) -> MixError {
    MixError {
        path: path.into(),
        fault,
        value: value.into(),
    }
}

impl Mix {
    /// Reads a mix file's text.
    pub fn parse(text: &str) -> Result<Mix, MixError> {
        toml::from_str(text).map_err(|e| fault("", "not_toml", e.to_string().trim().to_string()))
    }

    /// The mix `livegate gen` uses unless given another.
    pub fn default_mix() -> Mix {
        Mix::parse(DEFAULT_MIX).expect("the embedded mix parses")
    }
}

/// One business of the plan, by index.
#[derive(Debug, Clone)]
pub(super) struct BusinessPlan {
    pub weight: u32,
    pub categories: Vec<usize>,
    /// Categories a way names that no other business lists (`from_ways`).
    pub pool: Vec<usize>,
    pub unknown_categories: Vec<[String; 2]>,
    pub listed: f64,
    pub scenario: f64,
    pub stray_scenario: f64,
    pub qualify: QualifyOnly,
    pub goods: f64,
    pub multi_merchant: Option<MultiMerchant>,
}

/// A rule a profile's goods or services set off, and the categories that
/// meet what it requires.
#[derive(Debug, Clone)]
pub(super) struct RulePlan {
    pub goods: Vec<usize>,
    pub services: Vec<usize>,
    pub categories: Vec<usize>,
}

/// A mix checked against a ruleset: every id an index.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub subjects: Vec<(usize, u32)>,
    /// Subject types that are people (no company name, no credit code).
    pub people: Vec<usize>,
    pub spelling: Spelling,
    pub statuses: Vec<(Option<&'static str>, u32)>,
    pub categories: CategoryMix,
    pub businesses: Vec<BusinessPlan>,
    pub subject_scenarios: Vec<(usize, Vec<usize>, f64)>,
    pub goods: Vec<(usize, f64)>,
    pub services: Vec<(usize, f64)>,
    pub rules: Vec<RulePlan>,
    pub follow: Qualify,
    pub unknown_scenarios: Names,
    pub unknown_goods: Names,
    pub unknown_documents: Names,
    pub documents: DocumentMix,
}

const STATUSES: [&str; 4] = ["approved", "pending", "rejected", "planned"];

/// Looks every name of a list up; the first unknown one is the error.
fn indexes(
    lookup: &Lookup,
    names: &[String],
    path: &str,
    what: &'static str,
) -> Result<Vec<usize>, MixError> {
    names
        .iter()
        .map(|n| lookup.get(n).ok_or_else(|| fault(path, what, n.as_str())))
        .collect()
}

fn weighted_ids(
    lookup: &Lookup,
    map: &BTreeMap<String, f64>,
    path: &str,
    what: &'static str,
) -> Result<Vec<(usize, f64)>, MixError> {
    let mut out = Vec::new();
    for (name, &p) in map {
        let i = indexes(lookup, std::slice::from_ref(name), path, what)?[0];
        out.push((i, chance(p, &format!("{path}.{name}"))?));
    }
    Ok(out)
}

fn chance(p: f64, path: &str) -> Result<f64, MixError> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(fault(path, "chance", p.to_string()))
    }
}

/// Names an unknown list gives must be unknown to the ruleset.
fn unknown(names: &Names, lookup: &Lookup, path: &str) -> Result<Names, MixError> {
    chance(names.p, &format!("{path}.p"))?;
    if let Some(n) = names.names.iter().find(|n| lookup.get(n).is_some()) {
        return Err(fault(path, "known_name", n.as_str()));
    }
    if names.p > 0.0 && names.names.is_empty() {
        return Err(fault(path, "no_names", ""));
    }
    Ok(names.clone())
}

impl Plan {
    pub(super) fn new(rs: &Ruleset, mix: &Mix) -> Result<Plan, MixError> {
        let l = &rs.lookups;
        let mut subjects = Vec::new();
        for (name, &w) in &mix.subjects {
            let i = indexes(
                &l.subject_types,
                std::slice::from_ref(name),
                "subjects",
                "unknown_subject",
            )?[0];
            subjects.push((i, w));
        }
        if subjects.iter().all(|(_, w)| *w == 0) {
            return Err(fault("subjects", "no_weight", ""));
        }
        let mut subject_scenarios = Vec::new();
        for (i, s) in mix.subject_scenarios.iter().enumerate() {
            let path = format!("subject_scenarios[{i}]");
            let subject = indexes(
                &l.subject_types,
                std::slice::from_ref(&s.subject),
                &path,
                "unknown_subject",
            )?[0];
            let scenarios = indexes(&l.scenarios, &s.scenarios, &path, "unknown_scenario")?;
            subject_scenarios.push((subject, scenarios, chance(s.p, &format!("{path}.p"))?));
        }
        let people = indexes(
            &l.subject_types,
            &mix.people.subject_types,
            "people.subject_types",
            "unknown_subject",
        )?;
        Ok(Plan {
            subjects,
            people,
            spelling: mix.spelling,
            statuses: statuses(&mix.statuses)?,
            categories: mix.categories.checked()?,
            businesses: businesses(rs, &mix.businesses)?,
            subject_scenarios,
            goods: weighted_ids(&l.goods, &mix.goods, "goods", "unknown_goods")?,
            services: weighted_ids(&l.services, &mix.services, "services", "unknown_service")?,
            rules: rules(rs),
            follow: mix.rules,
            unknown_scenarios: unknown(&mix.unknown.scenarios, &l.scenarios, "unknown.scenarios")?,
            unknown_goods: unknown(&mix.unknown.goods, &l.goods, "unknown.goods")?,
            unknown_documents: unknown(&mix.unknown.documents, &l.documents, "unknown.documents")?,
            documents: documents(&mix.documents)?,
        })
    }
}

fn statuses(map: &BTreeMap<String, u32>) -> Result<Vec<(Option<&'static str>, u32)>, MixError> {
    let mut out = Vec::new();
    for (name, &w) in map {
        let status = match STATUSES.iter().find(|s| *s == name) {
            Some(s) => Some(*s),
            None if name == "absent" => None,
            None => {
                return Err(fault("statuses", "status", name.as_str()));
            }
        };
        out.push((status, w));
    }
    if out.iter().all(|(_, w)| *w == 0) {
        return Err(fault("statuses", "no_weight", ""));
    }
    Ok(out)
}

fn documents(d: &DocumentMix) -> Result<DocumentMix, MixError> {
    for (key, p) in [
        ("number", d.number),
        ("number_fits", d.number_fits),
        ("valid_until", d.valid_until),
        ("lapsed", d.lapsed),
        ("valid_from", d.valid_from),
        ("not_yet", d.not_yet),
    ] {
        chance(p, &format!("documents.{key}"))?;
    }
    if let Some(bad) = d
        .as_of
        .iter()
        .find(|a| livegate_core::dates::parse(a).is_none())
    {
        return Err(fault("documents.as_of", "date", bad.as_str()));
    }
    if d.as_of.is_empty() {
        return Err(fault("documents.as_of", "no_dates", ""));
    }
    Ok(d.clone())
}

fn businesses(rs: &Ruleset, list: &[Business]) -> Result<Vec<BusinessPlan>, MixError> {
    if list.iter().all(|b| b.weight == 0) {
        return Err(fault("businesses", "no_weight", ""));
    }
    let mut named: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for (i, b) in list.iter().enumerate() {
        let path = format!("businesses[{i}]");
        let categories = indexes(
            &rs.lookups.categories,
            &b.categories,
            &format!("{path}.categories"),
            "unknown_category",
        )?;
        named.extend(&categories);
        for (key, p) in [
            ("listed", b.listed),
            ("scenario", b.scenario),
            ("stray_scenario", b.stray_scenario),
            ("qualify", b.qualify.qualify),
            ("document", b.qualify.document),
            ("constraint", b.qualify.constraint),
            ("goods", b.goods),
        ] {
            chance(p, &format!("{path}.{key}"))?;
        }
        if let Some([first, second]) = b
            .unknown_categories
            .iter()
            .find(|[f, s]| rs.category_by_levels(f, s).is_some())
        {
            return Err(fault(
                format!("{path}.unknown_categories"),
                "known_name",
                format!("{first}/{second}"),
            ));
        }
        out.push(BusinessPlan {
            weight: b.weight,
            categories,
            pool: Vec::new(),
            unknown_categories: b.unknown_categories.clone(),
            listed: b.listed,
            scenario: b.scenario,
            stray_scenario: b.stray_scenario,
            qualify: b.qualify,
            goods: b.goods,
            multi_merchant: b.multi_merchant,
        });
    }
    let pool = way_categories(rs, &named);
    for (b, raw) in out.iter_mut().zip(list) {
        if raw.from_ways {
            if pool.is_empty() {
                return Err(fault(
                    format!("businesses.{}", raw.id),
                    "no_way_category",
                    "",
                ));
            }
            b.pool = pool.clone();
        }
    }
    Ok(out)
}

/// The categories the paths' ways name, other than `named`, in ruleset order.
fn way_categories(rs: &Ruleset, named: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = rs
        .paths
        .iter()
        .flat_map(|p| &p.ways)
        .flat_map(|w| w.categories.iter().copied())
        .filter(|c| !named.contains(c))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Rules that goods or services set off and that require a category.
fn rules(rs: &Ruleset) -> Vec<RulePlan> {
    rs.rules
        .iter()
        .filter(|r| !r.when.goods.is_empty() || !r.when.services.is_empty())
        .filter_map(|r| {
            let categories: Vec<usize> = match r.require.as_ref()? {
                CategoryReq::Category(c) => vec![*c],
                CategoryReq::FirstLevel(first) => (0..rs.categories.len())
                    .filter(|&c| rs.categories[c].first == *first)
                    .collect(),
            };
            (!categories.is_empty()).then(|| RulePlan {
                goods: r.when.goods.clone(),
                services: r.when.services.clone(),
                categories,
            })
        })
        .collect()
}
