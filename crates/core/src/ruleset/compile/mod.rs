//! Validation and compilation of a ruleset: TOML text to [`Ruleset`].
//!
//! Every error is collected (not only the first) and located by line, column
//! and key path, with the nearest valid id for a typo.

use std::collections::HashSet;
use std::ops::Range;

use toml::Spanned;

use crate::err::{Diagnostic, Level, RulesetError, line_col};
use crate::fuzzy;
use crate::l10n::Text;
use crate::raw::*;
use crate::ruleset::*;

mod categories;
mod checks;
mod expr;
mod lint;
mod paths;
mod rules;
mod tests;
mod vocab;

use expr::ExprCx;
use vocab::{Vocab, ids};

/// The most conjunctions one alternative may expand to; beyond it the
/// ruleset is rejected rather than made slow.
pub const MAX_TERMS: usize = 4096;

/// A loaded ruleset with the warnings its linting found.
pub struct Loaded {
    pub ruleset: Ruleset,
    pub warnings: Vec<Diagnostic>,
    /// Where each category is written (for the warnings that depend on
    /// the day: [`Loaded::staleness`]).
    pub category_places: Vec<Place>,
}

/// A place in the ruleset or in one of its fragments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The fragment; the ruleset's own file when `None`.
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// How long a category's qualification may go unchecked against its
/// source before `rules lint` warns (livegate's judgement: WeChat adjusts
/// its catalogue a few times a year).
pub const STALE_AFTER_DAYS: i64 = 180;

impl Loaded {
    /// Warnings about qualifications not checked against their source in
    /// the last `max_days` days before `today`, verified on a day still to
    /// come, or (in the ruleset's own categories) with no day at all.
    pub fn staleness(&self, today: jiff::civil::Date, max_days: i64) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, c) in self.ruleset.categories.iter().enumerate() {
            let Some(place) = self.category_places.get(i) else {
                continue;
            };
            let message = match c.verified.as_deref().and_then(crate::dates::parse_trimmed) {
                None if c.verified.is_none() && place.file.is_none() => format!(
                    "{}: no `verified` day: say when its qualification was last checked against {}",
                    c.label(),
                    c.qualification_source
                ),
                Some(day) if day > today => format!(
                    "{}: verified on {day}, a day still to come (today is {today})",
                    c.label()
                ),
                Some(day) => match day.until(today).map(|s| i64::from(s.get_days())) {
                    Ok(age) if age > max_days => format!(
                        "{}: its qualification was last checked on {day}, {age} days ago (over {max_days}): check it against {} and update `verified`, or compare with `livegate rules audit --catalogue FILE`",
                        c.label(),
                        c.qualification_source
                    ),
                    _ => continue,
                },
                None => continue,
            };
            let key = format!("categories[{i}].verified");
            out.push(Diagnostic {
                level: Level::Warning,
                file: place.file.clone(),
                line: place.line,
                column: place.column,
                key,
                message,
                suggestion: None,
            });
        }
        out
    }
}

/// Parses, validates and compiles a ruleset that includes no fragment.
/// `origin` names it in diagnostics.
pub fn load(text: &str, origin: &str) -> Result<Loaded, RulesetError> {
    load_with(text, origin, &mut |name| {
        Err(format!(
            "cannot read `{name}`: this ruleset was not loaded from a file, so it cannot include fragments"
        ))
    })
}

/// Parses, validates and compiles a ruleset, reading the fragments it
/// includes with `read` (given the path as the ruleset writes it).
pub fn load_with(
    text: &str,
    origin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Loaded, RulesetError> {
    load_inner(text, origin, read, &[])
}

/// As [`load_with`], with more fragments included after the ruleset's
/// own (`--include`, or a new fragment checked before it is written).
pub fn load_including(
    text: &str,
    origin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    extra: &[String],
) -> Result<Loaded, RulesetError> {
    load_inner(text, origin, read, extra)
}

fn load_inner(
    text: &str,
    origin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    extra: &[String],
) -> Result<Loaded, RulesetError> {
    let mut cx = Cx::new(text);
    let mut raw: RawRuleset = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            cx.toml_error(&e);
            return Err(cx.into_error(origin));
        }
    };
    for name in extra {
        raw.ruleset.include.push(Spanned::new(0..0, name.clone()));
    }
    let texts = crate::include::read_all(&mut cx, &raw, read);
    let fragments = crate::include::parse_all(&mut cx, &texts);
    if cx.diags.iter().any(|d| d.level == Level::Error) {
        return Err(cx.into_error(origin));
    }
    crate::include::merge(&mut cx, &mut raw, fragments);
    let ruleset = cx.compile(raw);
    let has_errors = cx.diags.iter().any(|d| d.level == Level::Error);
    match ruleset {
        Some(ruleset) if !has_errors => {
            let mut warnings = cx.diags;
            warnings.sort_by_key(|d| (d.line, d.column));
            Ok(Loaded {
                ruleset,
                warnings,
                category_places: cx.category_places,
            })
        }
        _ => Err(cx.into_error(origin)),
    }
}

/// toml's messages for unknown fields and variants list what was expected:
/// turn that list into a suggestion.
fn explain_toml_error(message: &str) -> (String, Option<String>) {
    let message = message.trim().to_string();
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if (message.starts_with("unknown field") || message.starts_with("unknown variant"))
        && let Some((given, expected)) = quoted.split_first()
    {
        let s = fuzzy::nearest(given, expected.iter().copied()).map(str::to_string);
        return (message, s);
    }
    (message, None)
}

pub(crate) struct Cx<'a> {
    /// The text spans point into: the ruleset's, or a fragment's while its
    /// documents and categories compile.
    text: &'a str,
    main: &'a str,
    /// The fragment `text` is, if any.
    file: Option<String>,
    /// The included fragments and which documents and categories are theirs.
    pub(crate) parts: Vec<Part<'a>>,
    pub(crate) diags: Vec<Diagnostic>,
    /// Where each category is written, in compile order.
    pub(crate) category_places: Vec<Place>,
}

/// An included fragment: its file, text, and the indexes its documents and
/// categories took in the merged ruleset.
pub(crate) struct Part<'a> {
    pub file: String,
    pub text: &'a str,
    pub documents: Range<usize>,
    pub categories: Range<usize>,
}

pub(crate) type Spans = Range<usize>;

impl<'a> Cx<'a> {
    fn new(text: &'a str) -> Self {
        Cx {
            text,
            main: text,
            file: None,
            parts: Vec::new(),
            diags: Vec::new(),
            category_places: Vec::new(),
        }
    }

    pub(crate) fn toml_error(&mut self, e: &toml::de::Error) {
        let span = e.span().unwrap_or(0..0);
        let (message, suggestion) = explain_toml_error(e.message());
        self.push(Level::Error, span, "", message, suggestion);
    }

    /// Points spans at the fragment (or the ruleset) that defines the
    /// `i`th document or category, and returns its key there.
    fn enter(&mut self, list: &str, i: usize) -> String {
        let found = self.parts.iter().find(|p| {
            let r = if list == "documents" {
                &p.documents
            } else {
                &p.categories
            };
            r.contains(&i)
        });
        match found {
            Some(p) => {
                let start = if list == "documents" {
                    p.documents.start
                } else {
                    p.categories.start
                };
                self.text = p.text;
                self.file = Some(p.file.clone());
                format!("{list}[{}]", i - start)
            }
            None => {
                self.leave();
                format!("{list}[{i}]")
            }
        }
    }

    /// Records where a value is written, in the text spans now point into.
    pub(crate) fn place(&self, span: Spans) -> Place {
        let (line, column) = line_col(self.text, span.start);
        Place {
            file: self.file.clone(),
            line,
            column,
        }
    }

    /// Points spans back at the ruleset's own text.
    pub(crate) fn leave(&mut self) {
        self.text = self.main;
        self.file = None;
    }

    /// Whether the `i`th category comes from an included fragment.
    fn is_included(&self, i: usize) -> bool {
        self.parts.iter().any(|p| p.categories.contains(&i))
    }

    /// Points spans at an included fragment's text.
    pub(crate) fn enter_file(&mut self, file: &str, text: &'a str) {
        self.text = text;
        self.file = Some(file.to_string());
    }

    fn push(
        &mut self,
        level: Level,
        span: Spans,
        key: impl Into<String>,
        message: impl Into<String>,
        suggestion: Option<String>,
    ) {
        let (line, column) = line_col(self.text, span.start);
        self.diags.push(Diagnostic {
            level,
            file: self.file.clone(),
            line,
            column,
            key: key.into(),
            message: message.into(),
            suggestion,
        });
    }

    pub(crate) fn error(
        &mut self,
        span: Spans,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Level::Error, span, key, message, None);
    }

    pub(crate) fn warn(&mut self, span: Spans, key: impl Into<String>, message: impl Into<String>) {
        self.push(Level::Warning, span, key, message, None);
    }

    fn into_error(mut self, origin: &str) -> RulesetError {
        self.diags.sort_by_key(|d| (d.level, d.line, d.column));
        RulesetError {
            origin: origin.to_string(),
            diagnostics: self.diags,
        }
    }

    /// Checks that a text has both languages.
    fn text(&mut self, t: &Spanned<Text>, key: &str) -> Text {
        let v = t.get_ref();
        if v.zh.trim().is_empty() && v.en.trim().is_empty() {
            self.error(t.span(), key, "text is empty in both zh and en");
        } else if v.zh.trim().is_empty() {
            self.warn(t.span(), key, "missing zh translation");
        } else if v.en.trim().is_empty() {
            self.warn(t.span(), key, "missing en translation");
        }
        v.clone()
    }

    fn id(&mut self, s: &S, key: &str, seen: &mut HashSet<String>) -> String {
        let id = s.get_ref();
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            self.error(
                s.span(),
                key,
                format!("id `{id}` must be snake_case: a-z, 0-9 and _"),
            );
        } else if !seen.insert(id.clone()) {
            self.error(s.span(), key, format!("id `{id}` is defined twice"));
        }
        id.clone()
    }

    pub(crate) fn source(&mut self, s: Option<&S>, span: Spans, key: &str) -> String {
        match s {
            None => {
                self.error(
                    span,
                    key,
                    "missing `source`: every rule carries the URL it comes from",
                );
                String::new()
            }
            Some(s) => {
                let url = s.get_ref();
                if !is_source(url) {
                    self.error(
                        s.span(),
                        key,
                        format!("source `{url}` is neither an http(s) URL nor a document of the livegate repository (`README.md#…`, `docs/…`)"),
                    );
                }
                url.clone()
            }
        }
    }

    /// A list of sources, each checked as [`Self::source`] checks one.
    fn sources(&mut self, list: &[S], key: &str) -> Vec<String> {
        list.iter()
            .enumerate()
            .map(|(i, s)| self.source(Some(s), s.span(), &format!("{key}[{i}]")))
            .collect()
    }

    /// Whose rule it is; a missing basis is WeChat's, with a warning that says so.
    fn basis(&mut self, s: Option<&S>, span: Spans, key: &str) -> Basis {
        let names: Vec<&str> = Basis::ALL.iter().map(|(n, _)| *n).collect();
        match s {
            None => {
                self.warn(
                    span,
                    key,
                    "missing `basis`: say whether this is WeChat's rule (`wechat`) or livegate's own judgement (`livegate`); taken as `wechat`",
                );
                Basis::Wechat
            }
            Some(s) => self
                .resolve(s, key, "basis", &names)
                .map_or(Basis::Wechat, |i| Basis::ALL[i].1),
        }
    }

    /// Resolves a reference to an id in `ids`, or records an error with the nearest id.
    fn resolve(&mut self, s: &S, key: &str, what: &str, ids: &[&str]) -> Option<usize> {
        let name = s.get_ref();
        if let Some(i) = ids.iter().position(|x| x == name) {
            return Some(i);
        }
        let suggestion = fuzzy::nearest(name, ids.iter().copied()).map(str::to_string);
        self.push(
            Level::Error,
            s.span(),
            key,
            format!("unknown {what} `{name}`"),
            suggestion,
        );
        None
    }

    /// Each name of `list` resolved as [`Cx::resolve`] does, keyed
    /// `{key}[n]`; the unknown ones are errors and left out.
    fn resolve_all(&mut self, list: &[S], key: &str, what: &str, ids: &[&str]) -> Vec<usize> {
        list.iter()
            .enumerate()
            .filter_map(|(n, s)| self.resolve(s, &format!("{key}[{n}]"), what, ids))
            .collect()
    }

    fn subject_mask(&mut self, list: &[S], key: &str, subjects: &[&str]) -> SubjectMask {
        let mut mask = 0;
        for (i, s) in list.iter().enumerate() {
            if let Some(j) = self.resolve(s, &format!("{key}[{i}]"), "subject type", subjects) {
                mask |= 1 << j;
            }
        }
        mask
    }

    /// The sections in the order they depend on each other: vocabulary,
    /// groups, categories, paths, actions and rules, checks, tests.
    fn compile(&mut self, raw: RawRuleset) -> Option<Ruleset> {
        let meta = self.meta(&raw.ruleset);
        let v = self.vocabulary(&raw);
        let subject_ids = ids(&v.subject_types, |s| &s.id);
        let doc_ids = ids(&v.documents, |d| &d.id);
        let mut ex = ExprCx::new(&subject_ids, &doc_ids, &v, &raw.groups);
        let groups = self.groups(&raw.groups, &mut ex)?;
        let firsts = self.first_levels(&raw.first_levels);
        let (categories, category_lookup) =
            self.categories(&raw.categories, &v, &mut ex, &groups, &firsts);
        let mut used = vec![false; categories.len()];
        let (paths, steps, step_lookup) = self.paths(&raw.paths, &v, &categories, &mut used);
        let actions = self.actions(&raw.actions);
        let refs = rules::Refs {
            v: &v,
            categories: &categories,
            category_lookup: &category_lookup,
            paths: &paths,
            actions: &actions,
            firsts: firsts.names(),
        };
        let rules = self.rules(&raw.rules, &refs, &mut used);
        let checks = self.checks(&raw.checks);
        self.lint_unused(&raw, &categories, &used, &ex.used_groups, &checks);
        let credit_code_prefixes = self.credit_prefixes(&raw.credit_code_prefixes, &subject_ids);
        let tests = self.tests(
            &raw.tests,
            &tests::Vocab::new(&rules, &checks, &paths, &doc_ids, &categories),
        );
        let settings = Settings {
            expiry_margin_days: raw.settings.expiry_margin_days.unwrap_or(30),
        };
        let atoms = ex.atoms;
        Some(assemble(Parts {
            meta,
            v,
            groups,
            atoms,
            categories,
            category_lookup,
            firsts,
            paths,
            steps,
            step_lookup,
            rules,
            checks,
            actions,
            settings,
            credit_code_prefixes,
            tests,
        }))
    }

    fn severity(&mut self, s: &S, key: &str) -> Severity {
        match Severity::parse(s.get_ref()) {
            Some(v) => v,
            None => {
                self.resolve(s, key, "severity", &Severity::ALL);
                Severity::Error
            }
        }
    }
}

/// Every compiled section, before the indexes derived from them.
struct Parts {
    meta: Meta,
    v: Vocab,
    groups: Vec<Group>,
    atoms: Vec<Atom>,
    categories: Vec<Category>,
    category_lookup: Lookup,
    firsts: categories::Firsts,
    paths: Vec<Path>,
    steps: Vec<SetupStep>,
    step_lookup: Lookup,
    rules: Vec<Rule>,
    checks: Vec<Check>,
    actions: std::collections::BTreeMap<String, Text>,
    settings: Settings,
    credit_code_prefixes: Vec<CreditPrefix>,
    tests: Vec<RulesetTest>,
}

/// The ruleset with its derived indexes: the review days of each category,
/// the atoms of each document kind, the categories each document serves.
fn assemble(p: Parts) -> Ruleset {
    let mut review_days: Vec<Option<u32>> = vec![None; p.categories.len()];
    for r in &p.rules {
        for &c in &r.when.categories_not_approved {
            review_days[c] = review_days[c].max(r.days);
        }
    }
    let mut atoms_by_doc = vec![Vec::new(); p.v.documents.len()];
    let mut authority_atoms = crate::bits::Bits::new(p.atoms.len());
    for (i, a) in p.atoms.iter().enumerate() {
        atoms_by_doc[a.doc.0].push(i);
        if p.v.documents[a.doc.0].issued_by == IssuedBy::Authority {
            authority_atoms.insert(i);
        }
    }
    let mut categories_by_doc: Vec<Vec<usize>> = vec![Vec::new(); p.v.documents.len()];
    for (c, cat) in p.categories.iter().enumerate() {
        let atoms = cat
            .alternatives
            .iter()
            .flat_map(|a| &a.terms)
            .flat_map(|t| t.atoms.iter());
        for a in atoms {
            let d = p.atoms[a].doc.0;
            if !categories_by_doc[d].contains(&c) {
                categories_by_doc[d].push(c);
            }
        }
    }
    let v = p.v;
    Ruleset {
        settings: p.settings,
        credit_code_prefixes: p.credit_code_prefixes,
        tests: p.tests,
        review_days,
        categories_by_doc,
        meta: p.meta,
        subject_types: v.subject_types,
        scenarios: v.scenarios,
        regions: v.regions,
        goods: v.goods,
        services: v.services,
        attributes: v.attributes,
        documents: v.documents,
        groups: p.groups,
        first_levels: p.firsts.list,
        atoms: p.atoms,
        atoms_by_doc,
        authority_atoms,
        categories: p.categories,
        paths: p.paths,
        steps: p.steps,
        rules: p.rules,
        checks: p.checks,
        actions: p.actions,
        lookups: Lookups {
            subject_types: v.subject_lookup,
            scenarios: v.scenario_lookup,
            regions: v.region_lookup,
            goods: v.goods_lookup,
            services: v.services_lookup,
            documents: v.document_lookup,
            attributes: v.attribute_lookup,
            values: v.value_lookups,
            categories: p.category_lookup,
            first_levels: p.firsts.lookup,
            steps: p.step_lookup,
        },
        all_subjects: v.all_subjects,
    }
}

/// A source is a web page, or a document of the livegate repository (for
/// livegate's own judgements, which no outside page states).
fn is_source(s: &str) -> bool {
    s.starts_with("https://")
        || s.starts_with("http://")
        || ((s.starts_with("docs/") || s.starts_with("README.md")) && !s.contains(".."))
}
