//! The compiled ruleset: every id interned to a small integer, every
//! qualification flattened into conjunctions of requirement atoms held as bit
//! sets, and lookup tables for the names and aliases a profile may use.

pub mod audit;
pub mod compile;
pub mod diff;
pub mod doc;
pub mod impact;
pub mod include;
pub(crate) mod raw;
pub mod testing;
pub mod wechat_import;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::bits::Bits;
use crate::l10n::Text;
pub use crate::normalize::normalize;
use crate::normalize::normalize_into;

pub use crate::findings::CheckKind;

/// Subject types as a bit mask (at most 32 subject types).
pub type SubjectMask = u32;

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub id: String,
    pub version: String,
    pub as_of: String,
    pub name: Text,
    pub source: String,
    pub authority: Option<String>,
    pub notice: Option<Text>,
}

/// An entry of a vocabulary (subject types, scenarios, goods, services, attribute values).
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub id: String,
    pub code: Option<String>,
    pub name: Text,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectType {
    pub id: String,
    pub verify_type: Option<u8>,
    pub name: Text,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub id: String,
    pub name: Text,
    pub values: Vec<Term>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentKind {
    pub id: String,
    pub name: Text,
    pub aliases: Vec<String>,
    /// Indexes into [`Ruleset::attributes`].
    pub attributes: Vec<usize>,
    pub number_format: Option<NumberFormat>,
    /// What the document is, in the source's words (its examples).
    pub description: Option<Text>,
    /// Who makes it: an authority, the applicant, or a partner.
    pub issued_by: IssuedBy,
    /// Its holder need not be the subject (WeChat asks for another party's).
    pub holder_may_differ: bool,
}

/// Who makes a document: what ranks one alternative nearer than another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssuedBy {
    /// A licence, filing or approval to apply for from an authority: the
    /// slowest to get.
    #[default]
    Authority,
    /// The subject's own registration certificate, which it holds by being
    /// registered (a business licence, a credit code certificate).
    Registration,
    /// Written by the applicant itself.
    Applicant,
    /// Another party's document, obtained from it.
    Partner,
}

impl IssuedBy {
    pub const ALL: [(&'static str, IssuedBy); 4] = [
        ("authority", IssuedBy::Authority),
        ("registration", IssuedBy::Registration),
        ("applicant", IssuedBy::Applicant),
        ("partner", IssuedBy::Partner),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IssuedBy::Authority => "authority",
            IssuedBy::Registration => "registration",
            IssuedBy::Applicant => "applicant",
            IssuedBy::Partner => "partner",
        }
    }
}

/// A first level as WeChat names it today, and the names it had before.
#[derive(Debug, Clone, Serialize)]
pub struct FirstLevel {
    pub name: String,
    /// An English gloss of the name (livegate's translation), if the ruleset gives one.
    pub en: Option<String>,
    pub aliases: Vec<String>,
    pub sources: Vec<String>,
}

/// A ruleset's first levels with the lookup from each of their names,
/// current or older; what compiling and answering both read names by.
#[derive(Debug, Clone, Copy)]
pub struct FirstNames<'a> {
    pub list: &'a [FirstLevel],
    pub lookup: &'a Lookup,
}

impl<'a> FirstNames<'a> {
    /// A first level as WeChat names it today; a name not known stays.
    pub fn current<'b>(self, first: &'b str) -> &'b str
    where
        'a: 'b,
    {
        let first = first.trim();
        match self.lookup.get(first) {
            Some(i) => &self.list[i].name,
            None => first,
        }
    }

    /// A label under every name of its first level, today's first
    /// (`医疗/互联网医院` → `医疗服务/互联网医院`, `医疗/互联网医院`); a
    /// label whose first level is not known stays alone.
    pub fn variants(self, label: &str) -> Vec<String> {
        let Some((first, rest)) = label.split_once('/') else {
            return vec![label.to_string()];
        };
        match self.lookup.get(first.trim()) {
            Some(f) => {
                let fl = &self.list[f];
                std::iter::once(&fl.name)
                    .chain(&fl.aliases)
                    .map(|n| format!("{n}/{rest}"))
                    .collect()
            }
            None => vec![label.to_string()],
        }
    }
}

/// The format a document's number must have (a reviewer checks it).
#[derive(Debug, Clone, Serialize)]
pub struct NumberFormat {
    pub pattern: String,
    #[serde(skip)]
    pub regex: regex::Regex,
    pub example: String,
    pub description: Text,
    /// Where the format was seen.
    pub sources: Vec<String>,
}

/// What the first two characters of a credit code say about its holder.
#[derive(Debug, Clone, Serialize)]
pub struct CreditPrefix {
    pub prefix: String,
    pub name: Text,
    pub subjects: SubjectMask,
}

/// A test case the ruleset carries: a profile and what it must give.
#[derive(Debug, Clone, Serialize)]
pub struct RulesetTest {
    pub name: String,
    pub line: usize,
    pub profile: String,
    pub as_of: Option<String>,
    pub expect: Expect,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Expect {
    pub verdict: Option<String>,
    pub paths: Vec<(String, String)>,
    pub findings: Vec<String>,
    pub no_findings: Vec<String>,
    pub plan_path: Option<String>,
    pub missing_documents: Vec<(String, Vec<String>)>,
    /// Per path, the ids of the categories it says to add.
    pub adds: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub expiry_margin_days: u32,
}

/// A document requirement: a document kind, optionally with an attribute
/// constraint. Interned: each distinct (kind, constraint) is one bit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Atom {
    /// The ruleset's document kind the atom asks for.
    pub doc: crate::ids::DocKind,
    pub constraint: Option<Constraint>,
}

/// The document's attribute must include at least one of `any_of`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Constraint {
    pub attribute: usize,
    pub any_of: Vec<usize>,
}

/// A requirement expression as written, kept for rendering and for the report.
#[derive(Debug, Clone, Serialize)]
pub enum Expr {
    Doc {
        atom: usize,
        /// `None`: every subject type.
        subjects: Option<SubjectMask>,
        optional: bool,
    },
    Group(usize),
    AllOf(Vec<Expr>),
    AnyOf(Vec<Expr>),
}

/// One way to satisfy an expression: all these atoms, for these subject types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conj {
    pub atoms: Bits,
    pub subjects: SubjectMask,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub id: String,
    pub name: Text,
    pub expr: Expr,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    pub id: String,
    pub label: Text,
    pub subjects: SubjectMask,
    pub expr: Expr,
    /// The expression in disjunctive normal form; evaluation takes the term missing fewest atoms.
    #[serde(skip)]
    pub terms: Vec<Conj>,
    /// Documents listed as notes (`optional = true`): shown, never counted as missing.
    pub optional_docs: Vec<usize>,
    pub notes: Vec<Text>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub first: String,
    pub second: String,
    /// An English gloss of `first/second` (livegate's translation), if the
    /// ruleset gives one for both levels.
    pub en: Option<String>,
    /// WeChat's ids of the second and first level, where known.
    pub wechat_id: Option<u32>,
    pub wechat_first: Option<u32>,
    pub aliases: Vec<String>,
    /// Indexes into [`Ruleset::scenarios`].
    pub scenarios: Vec<usize>,
    pub scope: Text,
    pub source: String,
    pub alternatives: Vec<Alternative>,
    /// Whether a source gives its documents (its `alternatives`). When not,
    /// the category is never taken as qualified on documents unless the
    /// person confirms they hold what WeChat asks for, and adding it
    /// counts one action more for those documents.
    pub documents_sourced: bool,
    /// WeChat asks for no qualification (its catalogue says "/").
    pub no_qualification: bool,
    /// Where the qualification (or its absence) was read.
    pub qualification_source: String,
    /// The day the qualification was last checked against its source.
    pub verified: Option<String>,
}

impl Category {
    /// The category as users write it: `first/second`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.first, self.second)
    }
}

/// A category a path or a rule requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum CategoryReq {
    Category(usize),
    /// Any category with this first level (`医疗/*`).
    FirstLevel(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Way {
    pub id: String,
    /// `None`: every subject type.
    pub subjects: Option<SubjectMask>,
    pub categories: Vec<usize>,
    /// The scenarios this way opens the path for (its categories' by
    /// default). With declared scenarios, a path needs a way for each.
    pub scenarios: Vec<usize>,
    /// The regions whose subjects it serves; `None`: every region.
    pub regions: Option<Vec<usize>>,
}

impl Way {
    /// Whether the way serves a subject of this type and region.
    pub fn serves(&self, subject_bit: SubjectMask, region: Option<usize>) -> bool {
        self.subjects.is_none_or(|s| s & subject_bit != 0)
            && self
                .regions
                .as_ref()
                .is_none_or(|rs| region.is_some_and(|r| rs.contains(&r)))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Path {
    pub id: String,
    pub name: Text,
    pub guide: Option<String>,
    pub source: String,
    pub ways: Vec<Way>,
    /// Indexes into [`Ruleset::steps`], in order.
    pub steps: Vec<usize>,
}

/// A setup step between an open path and a first stream.
#[derive(Debug, Clone, Serialize)]
pub struct SetupStep {
    pub id: String,
    pub name: Text,
    /// Indexes into the path's ways; empty: every way.
    pub ways: Vec<usize>,
    pub days: u32,
    pub working_days: bool,
    pub note: Option<Text>,
    pub source: String,
}

/// At most this many setup steps in a ruleset: the decision keeps them as a bit mask.
pub const MAX_STEPS: usize = 64;

/// Whose rule a rule or a check is: WeChat's (or Tencent's) published
/// rule, or a judgement of livegate's own (a margin, a number format, a
/// holder match). Every finding says which, and the two read differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    #[default]
    Wechat,
    Livegate,
}

impl Basis {
    pub const ALL: [(&'static str, Basis); 2] =
        [("wechat", Basis::Wechat), ("livegate", Basis::Livegate)];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Wechat => "wechat",
            Basis::Livegate => "livegate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub const ALL: [&'static str; 3] = ["error", "warning", "info"];

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct When {
    pub subjects: Option<SubjectMask>,
    pub goods: Vec<usize>,
    pub services: Vec<usize>,
    pub scenarios: Vec<usize>,
    pub categories: Vec<usize>,
    pub categories_not_approved: Vec<usize>,
    pub multi_merchant: Option<bool>,
    /// The subject's region is one of these.
    pub regions: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub when: When,
    pub block: bool,
    pub prohibit: bool,
    pub action: Option<String>,
    pub require: Option<CategoryReq>,
    /// `None`: every path.
    pub paths: Option<Vec<usize>>,
    /// Ways a `block` leaves open, as (path, way).
    pub spare_ways: Vec<(usize, usize)>,
    pub days: Option<u32>,
    pub message: Text,
    pub source: String,
    pub basis: Basis,
    pub shown_with: Vec<usize>,
}

impl Rule {
    pub fn applies_to_path(&self, path: usize) -> bool {
        self.paths.as_ref().is_none_or(|p| p.contains(&path))
    }

    /// Whether a `block` leaves path `path` open through some way.
    pub fn spares(&self, path: usize) -> bool {
        self.spare_ways.iter().any(|&(p, _)| p == path)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    pub id: String,
    pub severity: Severity,
    pub message: Text,
    pub source: String,
    pub basis: Basis,
}

/// The actions the engine itself proposes; a rule may name further ones.
pub const ENGINE_ACTIONS: [&str; 4] = [
    "add_category",
    "resubmit_category",
    "confirm_documents",
    "provide_document",
];

/// Lookup from every name a profile may use (id, Chinese and English name,
/// aliases, code) to an index. Keys are normalised with [`normalize`].
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    exact: HashMap<String, usize>,
    map: HashMap<String, usize>,
    /// Every name, for "did you mean" suggestions.
    pub names: Vec<String>,
    /// `names`, lowercased once for the suggestions.
    lowered: Vec<String>,
}

impl Lookup {
    pub fn insert(&mut self, name: &str, index: usize) {
        let key = normalize(name);
        if key.is_empty() {
            return;
        }
        self.map.entry(key).or_insert(index);
        self.exact.entry(name.to_string()).or_insert(index);
        self.names.push(name.to_string());
        self.lowered.push(name.to_lowercase());
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        // Most names arrive exactly as the ruleset writes them: try that
        // before normalising (which allocates).
        if let Some(i) = self.exact.get(name) {
            return Some(*i);
        }
        thread_local! {
            static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        BUF.with(|b| {
            let mut b = b.borrow_mut();
            b.clear();
            normalize_into(name, &mut b);
            self.map.get(b.as_str()).copied()
        })
    }

    pub fn nearest(&self, name: &str) -> Option<&str> {
        crate::fuzzy::nearest_lowered(
            name,
            self.names
                .iter()
                .zip(&self.lowered)
                .map(|(n, l)| (n.as_str(), std::borrow::Cow::Borrowed(l.as_str()))),
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct Lookups {
    pub subject_types: Lookup,
    pub scenarios: Lookup,
    pub regions: Lookup,
    pub goods: Lookup,
    pub services: Lookup,
    pub documents: Lookup,
    pub attributes: Lookup,
    /// One lookup per attribute, for its values.
    pub values: Vec<Lookup>,
    /// `first/second`, id and aliases.
    pub categories: Lookup,
    /// First-level names, current and older, to their [`FirstLevel`].
    pub first_levels: Lookup,
    /// Setup steps by id and name.
    pub steps: Lookup,
}

/// A validated, compiled ruleset, ready to evaluate profiles.
#[derive(Debug, Clone)]
pub struct Ruleset {
    pub meta: Meta,
    pub subject_types: Vec<SubjectType>,
    pub scenarios: Vec<Term>,
    /// Where a subject is registered; the first is assumed when a profile names none.
    pub regions: Vec<Term>,
    pub goods: Vec<Term>,
    pub services: Vec<Term>,
    pub attributes: Vec<Attribute>,
    pub documents: Vec<DocumentKind>,
    pub groups: Vec<Group>,
    /// First levels with their older names.
    pub first_levels: Vec<FirstLevel>,
    pub atoms: Vec<Atom>,
    /// For each document kind, the atoms that name it.
    pub atoms_by_doc: Vec<Vec<usize>>,
    /// The atoms whose document an authority issues: what ranks an
    /// alternative as further away than its count of documents.
    pub authority_atoms: Bits,
    pub categories: Vec<Category>,
    pub paths: Vec<Path>,
    /// Every path's setup steps, in path order.
    pub steps: Vec<SetupStep>,
    pub rules: Vec<Rule>,
    pub checks: Vec<Check>,
    pub actions: BTreeMap<String, Text>,
    pub lookups: Lookups,
    /// Every subject type's bit.
    pub all_subjects: SubjectMask,
    pub settings: Settings,
    pub credit_code_prefixes: Vec<CreditPrefix>,
    pub tests: Vec<RulesetTest>,
    /// For each category, the extra review days a rule announces while it is not approved.
    pub review_days: Vec<Option<u32>>,
    /// For each document kind, the categories whose qualification names it.
    pub categories_by_doc: Vec<Vec<usize>>,
}

impl Ruleset {
    /// The category a profile names by its two levels.
    pub fn category_by_levels(&self, first: &str, second: &str) -> Option<usize> {
        thread_local! {
            static KEY: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        KEY.with(|k| {
            let mut k = k.borrow_mut();
            k.clear();
            k.push_str(first.trim());
            k.push('/');
            k.push_str(second.trim());
            self.lookups.categories.get(&k)
        })
    }

    /// The first levels and every name they are known by.
    pub fn first_names(&self) -> FirstNames<'_> {
        FirstNames {
            list: &self.first_levels,
            lookup: &self.lookups.first_levels,
        }
    }

    /// A first level as WeChat names it today (`医疗` → `医疗服务`); a name
    /// the ruleset does not know stays as it is.
    pub fn current_first<'a>(&'a self, first: &'a str) -> &'a str {
        self.first_names().current(first)
    }

    /// The other labels a category is written with, each once: its own
    /// aliases, then its label and aliases under the older names of its
    /// first level (`医疗/互联网医院` for `医疗服务/互联网医院`).
    pub fn older_labels(&self, c: &Category) -> Vec<String> {
        let current = c.label();
        let mut out: Vec<String> = Vec::new();
        let firsts = self.first_names();
        let written = std::iter::once(&current).chain(&c.aliases);
        let variants = written.flat_map(|l| firsts.variants(l));
        for l in c.aliases.iter().cloned().chain(variants) {
            if l != current && !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }

    /// Every document kind an expression names (groups and notes
    /// included), each once, in the order it names them.
    pub fn expr_documents(&self, e: &Expr) -> Vec<usize> {
        fn walk(rs: &Ruleset, e: &Expr, out: &mut Vec<usize>) {
            match e {
                Expr::Doc { atom, .. } => {
                    let d = rs.atoms[*atom].doc.0;
                    if !out.contains(&d) {
                        out.push(d);
                    }
                }
                Expr::Group(g) => walk(rs, &rs.groups[*g].expr, out),
                Expr::AllOf(items) | Expr::AnyOf(items) => {
                    items.iter().for_each(|i| walk(rs, i, out));
                }
            }
        }
        let mut out = Vec::new();
        walk(self, e, &mut out);
        out
    }

    /// Every document kind the alternatives of `categories` name, each
    /// once, in the order they name them.
    pub fn documents_of(&self, categories: &[usize]) -> Vec<usize> {
        self.documents_for(categories, SubjectMask::MAX)
    }

    /// [`Ruleset::documents_of`], of the alternatives open to `subjects` only.
    pub fn documents_for(&self, categories: &[usize], subjects: SubjectMask) -> Vec<usize> {
        let mut out = Vec::new();
        let alternatives = categories
            .iter()
            .flat_map(|&c| &self.categories[c].alternatives)
            .filter(|a| a.subjects & subjects != 0);
        for d in alternatives.flat_map(|a| self.expr_documents(&a.expr)) {
            if !out.contains(&d) {
                out.push(d);
            }
        }
        out
    }

    pub fn check(&self, kind: CheckKind) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(move |c| c.kind == kind)
    }

    pub fn category_req_label(&self, req: &CategoryReq) -> String {
        match req {
            CategoryReq::Category(c) => self.categories[*c].label(),
            CategoryReq::FirstLevel(f) => format!("{f}/*"),
        }
    }

    /// The catalogue as data (for `rules show --format json` and renderers).
    pub fn catalogue(&self) -> serde_json::Value {
        serde_json::json!({
            "ruleset": &self.meta,
            "subject_types": &self.subject_types,
            "scenarios": &self.scenarios,
            "regions": &self.regions,
            "goods": &self.goods,
            "services": &self.services,
            "attributes": &self.attributes,
            "documents": &self.documents,
            "groups": &self.groups,
            "first_levels": &self.first_levels,
            "atoms": &self.atoms,
            "categories": &self.categories,
            "paths": &self.paths,
            "steps": &self.steps,
            "rules": &self.rules,
            "checks": &self.checks,
            "actions": &self.actions,
            "settings": &self.settings,
            "credit_code_prefixes": &self.credit_code_prefixes,
        })
    }
}
