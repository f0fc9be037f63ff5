//! Validation and compilation of a ruleset: TOML text to [`Ruleset`].
//!
//! Every error is collected (not only the first) and located by line, column
//! and key path, with the nearest valid id for a typo.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;

use crate::bits::Bits;
use crate::err::{Diagnostic, Level, RulesetError, line_col};
use crate::fuzzy;
use crate::l10n::Text;
use crate::raw::*;
use crate::ruleset::*;

/// The most conjunctions one alternative may expand to; beyond it the
/// ruleset is rejected rather than made slow.
pub const MAX_TERMS: usize = 4096;

/// A loaded ruleset with the warnings its linting found.
pub struct Loaded {
    pub ruleset: Ruleset,
    pub warnings: Vec<Diagnostic>,
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
            Ok(Loaded { ruleset, warnings })
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

    /// One setup step of a path whose ways are `ways`.
    fn step(
        &mut self,
        st: &RawStep,
        key: &str,
        ways: &[Way],
        seen: &mut HashSet<String>,
    ) -> SetupStep {
        let way_ids: Vec<&str> = ways.iter().map(|w| w.id.as_str()).collect();
        let id = self.id(&st.id, &format!("{key}.id"), seen);
        SetupStep {
            name: self.text(&st.name, &format!("{key}.name")),
            ways: st
                .ways
                .iter()
                .enumerate()
                .filter_map(|(n, w)| self.resolve(w, &format!("{key}.ways[{n}]"), "way", &way_ids))
                .collect(),
            days: st.days,
            working_days: st.working_days,
            note: st
                .note
                .as_ref()
                .map(|t| self.text(t, &format!("{key}.note"))),
            source: self.source(st.source.as_ref(), st.id.span(), &format!("{key}.source")),
            id,
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

    fn subject_mask(&mut self, list: &[S], key: &str, subjects: &[&str]) -> SubjectMask {
        let mut mask = 0;
        for (i, s) in list.iter().enumerate() {
            if let Some(j) = self.resolve(s, &format!("{key}[{i}]"), "subject type", subjects) {
                mask |= 1 << j;
            }
        }
        mask
    }

    fn terms(&mut self, raw: &[RawTerm], key: &str) -> (Vec<Term>, Lookup) {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut lookup = Lookup::default();
        for (i, t) in raw.iter().enumerate() {
            let k = format!("{key}[{i}]");
            let id = self.id(&t.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&t.name, &format!("{k}.name"));
            let aliases: Vec<String> = t.aliases.iter().map(|a| a.get_ref().clone()).collect();
            let code = t.code.as_ref().map(|c| c.get_ref().clone());
            lookup.insert(&id, i);
            lookup.insert(&name.zh, i);
            lookup.insert(&name.en, i);
            // People write a name without its explanation in brackets:
            // 娱乐性质直播 for 娱乐性质直播（明星直播、…）.
            for n in [&name.zh, &name.en] {
                if let Some(short) = without_brackets(n) {
                    lookup.insert(short, i);
                }
            }
            for a in aliases.iter().chain(code.iter()) {
                lookup.insert(a, i);
            }
            out.push(Term {
                id,
                code,
                name,
                aliases,
            });
        }
        (out, lookup)
    }

    fn compile(&mut self, raw: RawRuleset) -> Option<Ruleset> {
        // Metadata.
        let m = &raw.ruleset;
        if m.id.get_ref().trim().is_empty() {
            self.error(m.id.span(), "ruleset.id", "the ruleset needs an id");
        }
        if m.version.get_ref().trim().is_empty() {
            self.error(
                m.version.span(),
                "ruleset.version",
                "the ruleset needs a version",
            );
        }
        let as_of = m.as_of.get_ref();
        if as_of.date.is_none() || as_of.time.is_some() {
            self.error(
                m.as_of.span(),
                "ruleset.as_of",
                "as_of must be a date such as 2026-11-28",
            );
        }
        let meta = Meta {
            id: m.id.get_ref().clone(),
            version: m.version.get_ref().clone(),
            as_of: as_of.to_string(),
            name: self.text(&m.name, "ruleset.name"),
            source: self.source(Some(&m.source), m.source.span(), "ruleset.source"),
            authority: m.authority.as_ref().map(|a| {
                self.source(Some(a), a.span(), "ruleset.authority");
                a.get_ref().clone()
            }),
            notice: m.notice.as_ref().map(|n| self.text(n, "ruleset.notice")),
        };

        // Subject types.
        let mut seen = HashSet::new();
        let mut subject_types = Vec::new();
        let mut subject_lookup = Lookup::default();
        for (i, s) in raw.subject_types.iter().enumerate() {
            let k = format!("subject_types[{i}]");
            let id = self.id(&s.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&s.name, &format!("{k}.name"));
            subject_lookup.insert(&id, i);
            subject_lookup.insert(&name.zh, i);
            subject_lookup.insert(&name.en, i);
            for a in &s.aliases {
                subject_lookup.insert(a.get_ref(), i);
            }
            if let Some(v) = s.verify_type {
                subject_lookup.insert(&v.to_string(), i);
            }
            subject_types.push(SubjectType {
                id,
                verify_type: s.verify_type,
                name,
                aliases: s.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            });
        }
        if subject_types.is_empty() {
            self.error(
                0..0,
                "subject_types",
                "the ruleset declares no subject types",
            );
        }
        if subject_types.len() > 32 {
            self.error(
                raw.subject_types[32].id.span(),
                "subject_types",
                "at most 32 subject types are supported",
            );
        }
        let all_subjects: SubjectMask = if subject_types.len() >= 32 {
            u32::MAX
        } else {
            (1u32 << subject_types.len()) - 1
        };
        let subject_ids: Vec<String> = subject_types.iter().map(|s| s.id.clone()).collect();
        let subject_ids: Vec<&str> = subject_ids.iter().map(String::as_str).collect();

        let (scenarios, scenario_lookup) = self.terms(&raw.scenarios, "scenarios");
        let (regions, region_lookup) = self.terms(&raw.regions, "regions");
        let region_ids: Vec<String> = regions.iter().map(|r| r.id.clone()).collect();
        let (goods, goods_lookup) = self.terms(&raw.goods, "goods");
        let (services, services_lookup) = self.terms(&raw.services, "services");

        // Attributes and their values.
        let mut seen = HashSet::new();
        let mut attributes = Vec::new();
        let mut attribute_lookup = Lookup::default();
        let mut value_lookups = Vec::new();
        for (i, a) in raw.attributes.iter().enumerate() {
            let k = format!("attributes[{i}]");
            let id = self.id(&a.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&a.name, &format!("{k}.name"));
            let (values, lookup) = self.terms(&a.values, &format!("{k}.values"));
            if values.is_empty() {
                self.error(a.id.span(), &k, "an attribute lists the values it may take");
            }
            attribute_lookup.insert(&id, i);
            value_lookups.push(lookup);
            attributes.push(Attribute { id, name, values });
        }
        let attribute_ids: Vec<String> = attributes.iter().map(|a| a.id.clone()).collect();
        let attribute_ids: Vec<&str> = attribute_ids.iter().map(String::as_str).collect();

        // Documents.
        let mut seen = HashSet::new();
        let mut documents = Vec::new();
        let mut document_lookup = Lookup::default();
        for (i, d) in raw.documents.iter().enumerate() {
            let k = self.enter("documents", i);
            let id = self.id(&d.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&d.name, &format!("{k}.name"));
            let attrs = d
                .attributes
                .iter()
                .enumerate()
                .filter_map(|(j, a)| {
                    self.resolve(
                        a,
                        &format!("{k}.attributes[{j}]"),
                        "attribute",
                        &attribute_ids,
                    )
                })
                .collect();
            document_lookup.insert(&id, i);
            document_lookup.insert(&name.zh, i);
            document_lookup.insert(&name.en, i);
            for a in &d.aliases {
                document_lookup.insert(a.get_ref(), i);
            }
            let number_format = d.number_format.as_ref().and_then(|f| {
                let fk = format!("{k}.number_format");
                let description = self.text(&f.description, &format!("{fk}.description"));
                match regex::Regex::new(f.pattern.get_ref()) {
                    Err(e) => {
                        self.error(
                            f.pattern.span(),
                            format!("{fk}.pattern"),
                            format!("invalid pattern: {e}"),
                        );
                        None
                    }
                    Ok(regex) => {
                        if !regex.is_match(f.example.get_ref()) {
                            self.error(
                                f.example.span(),
                                format!("{fk}.example"),
                                format!(
                                    "the example `{}` does not match the pattern",
                                    f.example.get_ref()
                                ),
                            );
                        }
                        Some(NumberFormat {
                            pattern: f.pattern.get_ref().clone(),
                            regex,
                            example: f.example.get_ref().clone(),
                            description,
                            sources: self.sources(&f.sources, &format!("{fk}.sources")),
                        })
                    }
                }
            });
            let description = d
                .description
                .as_ref()
                .map(|t| self.text(t, &format!("{k}.description")));
            documents.push(DocumentKind {
                id,
                name,
                aliases: d.aliases.iter().map(|a| a.get_ref().clone()).collect(),
                attributes: attrs,
                number_format,
                description,
            });
        }
        self.leave();
        let doc_ids: Vec<String> = documents.iter().map(|d| d.id.clone()).collect();
        let doc_ids: Vec<&str> = doc_ids.iter().map(String::as_str).collect();

        let mut ex = ExprCx {
            subject_ids: &subject_ids,
            doc_ids: &doc_ids,
            documents: &documents,
            attributes: &attributes,
            group_ids: raw.groups.iter().map(|g| g.id.get_ref().clone()).collect(),
            atoms: Vec::new(),
            atom_index: HashMap::new(),
            group_refs: vec![Vec::new(); raw.groups.len()],
            current_group: None,
            used_groups: HashSet::new(),
        };

        // Groups.
        let mut seen = HashSet::new();
        let mut groups = Vec::new();
        for (i, g) in raw.groups.iter().enumerate() {
            let k = format!("groups[{i}]");
            let id = self.id(&g.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&g.name, &format!("{k}.name"));
            ex.current_group = Some(i);
            let expr = ex.list(self, &g.all_of, &g.any_of, g.id.span(), &k);
            ex.current_group = None;
            groups.push(Group { id, name, expr });
        }
        // Cycles among groups would make the expansion infinite.
        if let Some(cycle) = find_cycle(&ex.group_refs) {
            let names: Vec<&str> = cycle.iter().map(|&g| groups[g].id.as_str()).collect();
            self.error(
                raw.groups[cycle[0]].id.span(),
                format!("groups[{}]", cycle[0]),
                format!(
                    "groups refer to each other in a cycle: {}",
                    names.join(" → ")
                ),
            );
            return None;
        }

        // Categories.
        let scenario_ids: Vec<&str> = scenarios.iter().map(|s| s.id.as_str()).collect();
        let mut seen = HashSet::new();
        let mut seen_labels = HashSet::new();
        let mut categories = Vec::new();
        let mut category_lookup = Lookup::default();
        for (i, c) in raw.categories.iter().enumerate() {
            let k = self.enter("categories", i);
            let id = self.id(&c.id, &format!("{k}.id"), &mut seen);
            let label = format!("{}/{}", c.first.get_ref(), c.second.get_ref());
            if c.first.get_ref().trim().is_empty() || c.second.get_ref().trim().is_empty() {
                self.error(
                    c.first.span(),
                    &k,
                    "a category needs its first and second level",
                );
            } else if !seen_labels.insert(normalize(&label)) {
                self.error(
                    c.first.span(),
                    &k,
                    format!("category {label} is defined twice"),
                );
            }
            let scen = c
                .scenarios
                .iter()
                .enumerate()
                .filter_map(|(j, s)| {
                    self.resolve(s, &format!("{k}.scenarios[{j}]"), "scenario", &scenario_ids)
                })
                .collect();
            let source = self.source(c.source.as_ref(), c.id.span(), &format!("{k}.source"));
            let scope = match &c.scope {
                Some(s) => self.text(s, &format!("{k}.scope")),
                None => Text::default(),
            };
            let mut alt_seen = HashSet::new();
            let mut alternatives: Vec<Alternative> = Vec::new();
            for (j, a) in c.alternatives.iter().enumerate() {
                let ak = format!("{k}.alternatives[{j}]");
                let aid = self.id(&a.id, &format!("{ak}.id"), &mut alt_seen);
                let alabel = self.text(&a.label, &format!("{ak}.label"));
                let subjects = match &a.subject_types {
                    Some(l) => self.subject_mask(l, &format!("{ak}.subject_types"), &subject_ids),
                    None => all_subjects,
                };
                let expr = ex.list(self, &a.all_of, &a.any_of, a.id.span(), &ak);
                let notes = a
                    .notes
                    .iter()
                    .enumerate()
                    .map(|(n, t)| self.text(t, &format!("{ak}.notes[{n}]")))
                    .collect();
                let mut optional_docs = Vec::new();
                collect_optional(&expr, &groups, &ex.atoms, &mut optional_docs);
                let terms = match dnf(&expr, &groups, ex.atoms.len(), all_subjects) {
                    Ok(t) => t
                        .into_iter()
                        .filter_map(|mut t| {
                            t.subjects &= subjects;
                            (t.subjects != 0).then_some(t)
                        })
                        .collect::<Vec<_>>(),
                    Err(n) => {
                        self.error(
                            a.id.span(),
                            &ak,
                            format!(
                                "the requirement expands to more than {MAX_TERMS} combinations ({n}); split it"
                            ),
                        );
                        Vec::new()
                    }
                };
                if terms.is_empty() && subjects != 0 {
                    self.warn(
                        a.id.span(),
                        &ak,
                        "unreachable alternative: its subject-type restrictions exclude every subject type",
                    );
                }
                if let Some(prev) = alternatives.iter().find(|p| same_terms(&p.terms, &terms)) {
                    self.warn(
                        a.id.span(),
                        &ak,
                        format!("alternative is identical to `{}`", prev.id),
                    );
                }
                alternatives.push(Alternative {
                    id: aid,
                    label: alabel,
                    subjects,
                    expr,
                    terms,
                    optional_docs,
                    notes,
                });
            }
            category_lookup.insert(&label, i);
            category_lookup.insert(&id, i);
            for a in &c.aliases {
                category_lookup.insert(a.get_ref(), i);
            }
            let unsourced = c.documents_unsourced.as_ref().is_some_and(|b| *b.get_ref());
            if unsourced && !alternatives.is_empty() {
                self.error(
                    c.id.span(),
                    format!("{k}.documents_unsourced"),
                    "a category with documents_unsourced = true cannot list alternatives",
                );
            }
            let none_needed = c.no_qualification.as_ref().is_some_and(|b| *b.get_ref());
            if none_needed && (unsourced || !alternatives.is_empty()) {
                self.error(
                    c.id.span(),
                    format!("{k}.no_qualification"),
                    "a category with no_qualification = true has neither alternatives nor documents_unsourced",
                );
            }
            if !unsourced && !none_needed && alternatives.is_empty() {
                self.warn(
                    c.id.span(),
                    &k,
                    "no alternatives: the category counts as qualified without documents; \
                     if no source gives its documents, say documents_unsourced = true",
                );
            }
            categories.push(Category {
                id,
                first: c.first.get_ref().clone(),
                second: c.second.get_ref().clone(),
                wechat_id: c.wechat_id,
                wechat_first: c.wechat_first,
                aliases: c.aliases.iter().map(|a| a.get_ref().clone()).collect(),
                scenarios: scen,
                scope,
                source,
                alternatives,
                documents_sourced: !unsourced,
            });
        }
        self.leave();
        let category_ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        let mut used_categories = vec![false; categories.len()];

        // Paths.
        let mut seen = HashSet::new();
        let mut paths = Vec::new();
        let mut steps = Vec::new();
        let mut step_seen = HashSet::new();
        let mut step_lookup = Lookup::default();
        for (i, p) in raw.paths.iter().enumerate() {
            let k = format!("paths[{i}]");
            let id = self.id(&p.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&p.name, &format!("{k}.name"));
            let source = self.source(p.source.as_ref(), p.id.span(), &format!("{k}.source"));
            if let Some(g) = &p.guide {
                self.source(Some(g), g.span(), &format!("{k}.guide"));
            }
            if p.ways.is_empty() {
                self.error(p.id.span(), &k, "a path needs at least one way to open it");
            }
            if p.ways.len() > 64 {
                self.error(p.id.span(), &k, "a path may have at most 64 ways");
            }
            let mut way_seen = HashSet::new();
            let mut ways = Vec::new();
            for (j, w) in p.ways.iter().enumerate() {
                let wk = format!("{k}.ways[{j}]");
                let wr = w.get_ref();
                let wid = self.id(&wr.id, &format!("{wk}.id"), &mut way_seen);
                let subjects = wr
                    .subject_types
                    .as_ref()
                    .map(|l| self.subject_mask(l, &format!("{wk}.subject_types"), &subject_ids));
                if subjects.is_none() && wr.categories.is_empty() {
                    self.warn(
                        w.span(),
                        &wk,
                        "this way opens the path for every subject with no category",
                    );
                }
                let cats = wr
                    .categories
                    .iter()
                    .enumerate()
                    .filter_map(|(n, c)| {
                        self.resolve(
                            c,
                            &format!("{wk}.categories[{n}]"),
                            "category",
                            &category_ids,
                        )
                    })
                    .collect::<Vec<_>>();
                for &c in &cats {
                    used_categories[c] = true;
                }
                let scenarios = match &wr.scenarios {
                    Some(l) => l
                        .iter()
                        .enumerate()
                        .filter_map(|(n, sc)| {
                            let key = format!("{wk}.scenarios[{n}]");
                            self.resolve(sc, &key, "scenario", &scenario_ids)
                        })
                        .collect(),
                    None => way_scenarios(&categories, &cats),
                };
                ways.push(Way {
                    id: wid,
                    subjects,
                    categories: cats,
                    scenarios,
                });
            }
            let first = steps.len();
            for (j, st) in p.steps.iter().enumerate() {
                let sk = format!("{k}.steps[{j}]");
                let step = self.step(st, &sk, &ways, &mut step_seen);
                step_lookup.insert(&step.id, steps.len());
                step_lookup.insert(&step.name.zh, steps.len());
                step_lookup.insert(&step.name.en, steps.len());
                steps.push(step);
            }
            paths.push(Path {
                id,
                name,
                guide: p.guide.as_ref().map(|g| g.get_ref().clone()),
                source,
                ways,
                steps: (first..steps.len()).collect(),
            });
        }
        if paths.is_empty() {
            self.error(0..0, "paths", "the ruleset declares no access paths");
        }
        if steps.len() > MAX_STEPS {
            self.error(
                0..0,
                "paths",
                format!(
                    "at most {MAX_STEPS} setup steps in a ruleset, not {}",
                    steps.len()
                ),
            );
        }
        let path_ids: Vec<&str> = paths.iter().map(|p| p.id.as_str()).collect();

        // Actions.
        let mut actions = BTreeMap::new();
        for (name, a) in &raw.actions {
            let t = self.text(&a.message, &format!("actions.{name}.message"));
            actions.insert(name.clone(), t);
        }
        for engine in ENGINE_ACTIONS {
            if !actions.contains_key(engine) {
                self.error(
                    0..0,
                    format!("actions.{engine}"),
                    format!("missing the message of engine action `{engine}`"),
                );
            }
        }
        let action_ids: Vec<&str> = actions.keys().map(String::as_str).collect();

        // Rules.
        let goods_ids: Vec<&str> = goods.iter().map(|s| s.id.as_str()).collect();
        let services_ids: Vec<&str> = services.iter().map(|s| s.id.as_str()).collect();
        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        for (i, r) in raw.rules.iter().enumerate() {
            let k = format!("rules[{i}]");
            let id = self.id(&r.id, &format!("{k}.id"), &mut seen);
            let severity = self.severity(&r.severity, &format!("{k}.severity"));
            let w = r.when.get_ref();
            let wk = format!("{k}.when");
            let region_refs: Vec<&str> = region_ids.iter().map(String::as_str).collect();
            let list = |cx: &mut Self, l: &[S], name: &str, ids: &[&str], what: &str| {
                l.iter()
                    .enumerate()
                    .filter_map(|(n, s)| cx.resolve(s, &format!("{wk}.{name}[{n}]"), what, ids))
                    .collect::<Vec<_>>()
            };
            let when = When {
                subjects: (!w.subject_types.is_empty()).then(|| {
                    self.subject_mask(
                        &w.subject_types,
                        &format!("{wk}.subject_types"),
                        &subject_ids,
                    )
                }),
                goods: list(self, &w.goods, "goods", &goods_ids, "goods"),
                services: list(self, &w.services, "services", &services_ids, "service"),
                scenarios: list(self, &w.scenarios, "scenarios", &scenario_ids, "scenario"),
                categories: list(self, &w.categories, "categories", &category_ids, "category"),
                regions: list(self, &w.regions, "regions", &region_refs, "region"),
                categories_not_approved: list(
                    self,
                    &w.categories_not_approved,
                    "categories_not_approved",
                    &category_ids,
                    "category",
                ),
                multi_merchant: w.multi_merchant,
            };
            for &c in when.categories.iter().chain(&when.categories_not_approved) {
                used_categories[c] = true;
            }
            let require = r.require_category.as_ref().and_then(|s| {
                let v = s.get_ref();
                if let Some(first) = v.strip_suffix("/*") {
                    if first.trim().is_empty() {
                        self.error(
                            s.span(),
                            format!("{k}.require_category"),
                            "`/*` needs a first level before it",
                        );
                        return None;
                    }
                    return Some(CategoryReq::FirstLevel(first.to_string()));
                }
                let i = match category_lookup.get(v) {
                    Some(i) => Some(i),
                    None => self.resolve(
                        s,
                        &format!("{k}.require_category"),
                        "category",
                        &category_ids,
                    ),
                }?;
                used_categories[i] = true;
                Some(CategoryReq::Category(i))
            });
            let paths_of = r.paths.as_ref().map(|l| {
                l.iter()
                    .enumerate()
                    .filter_map(|(n, s)| {
                        self.resolve(s, &format!("{k}.paths[{n}]"), "path", &path_ids)
                    })
                    .collect::<Vec<_>>()
            });
            if let Some(a) = &r.action {
                self.resolve(a, &format!("{k}.action"), "action", &action_ids);
            } else if r.prohibit {
                self.error(
                    r.id.span(),
                    format!("{k}.action"),
                    "a prohibiting rule names the action that lifts it",
                );
            }
            let message = self.text(&r.message, &format!("{k}.message"));
            let source = self.source(r.source.as_ref(), r.id.span(), &format!("{k}.source"));
            let basis = self.basis(r.basis.as_ref(), r.id.span(), &format!("{k}.basis"));
            let shown_with = r
                .shown_with
                .iter()
                .enumerate()
                .filter_map(|(n, c)| {
                    self.resolve(
                        c,
                        &format!("{k}.shown_with[{n}]"),
                        "category",
                        &category_ids,
                    )
                })
                .collect();
            rules.push(Rule {
                shown_with,
                id,
                severity,
                when,
                block: r.block,
                prohibit: r.prohibit,
                action: r.action.as_ref().map(|a| a.get_ref().clone()),
                require,
                paths: paths_of,
                days: r.days,
                message,
                source,
                basis,
            });
        }

        // Checks.
        let check_names: Vec<&str> = CheckKind::ALL.iter().map(|(n, _)| *n).collect();
        let mut checks = Vec::new();
        for (i, c) in raw.checks.iter().enumerate() {
            let k = format!("checks[{i}]");
            let kind = self
                .resolve(
                    &c.check,
                    &format!("{k}.check"),
                    "engine check",
                    &check_names,
                )
                .map(|j| CheckKind::ALL[j].1);
            let mut unused = HashSet::new();
            let id = self.id(&c.id, &format!("{k}.id"), &mut unused);
            let severity = self.severity(&c.severity, &format!("{k}.severity"));
            let message = self.text(&c.message, &format!("{k}.message"));
            let source = self.source(c.source.as_ref(), c.id.span(), &format!("{k}.source"));
            let basis = self.basis(c.basis.as_ref(), c.id.span(), &format!("{k}.basis"));
            if let Some(kind) = kind {
                checks.push(Check {
                    kind,
                    id,
                    severity,
                    message,
                    source,
                    basis,
                });
            }
        }

        for (name, kind) in CheckKind::ALL {
            if !checks.iter().any(|c| c.kind == kind) {
                self.warn(
                    0..0,
                    "checks",
                    format!(
                        "the engine's check `{name}` has no [[checks]] entry: it reports nothing"
                    ),
                );
            }
        }

        for (i, used) in used_categories.iter().enumerate() {
            // A catalogue lists every category, used or not.
            if !used && !self.is_included(i) {
                self.warn(
                    raw.categories[i].id.span(),
                    format!("categories[{i}]"),
                    format!(
                        "category `{}` is used by no path and no rule",
                        categories[i].id
                    ),
                );
            }
        }
        for (i, g) in raw.groups.iter().enumerate() {
            if !ex.used_groups.contains(&i) {
                self.warn(
                    g.id.span(),
                    format!("groups[{i}]"),
                    format!("group `{}` is used by no requirement", g.id.get_ref()),
                );
            }
        }

        let settings = Settings {
            expiry_margin_days: raw.settings.expiry_margin_days.unwrap_or(30),
        };

        let mut credit_code_prefixes = Vec::new();
        for (i, p) in raw.credit_code_prefixes.iter().enumerate() {
            let k = format!("credit_code_prefixes[{i}]");
            let prefix = crate::credit::normalize(p.prefix.get_ref());
            if prefix.chars().count() != 2
                || !prefix.chars().all(|c| crate::credit::CHARSET.contains(c))
            {
                self.error(
                    p.prefix.span(),
                    format!("{k}.prefix"),
                    "a prefix is two characters of the credit-code character set",
                );
            }
            let name = self.text(&p.name, &format!("{k}.name"));
            let subjects = self.subject_mask(
                &p.subject_types,
                &format!("{k}.subject_types"),
                &subject_ids,
            );
            credit_code_prefixes.push(CreditPrefix {
                prefix,
                name,
                subjects,
            });
        }

        let mut finding_ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        finding_ids.extend(checks.iter().map(|c| c.id.as_str()));
        let verdicts: Vec<&str> = crate::report::Verdict::ALL
            .iter()
            .map(|v| v.as_str())
            .collect();
        let statuses = ["available", "pending", "actionable", "blocked"];
        let mut tests = Vec::new();
        let mut test_names = HashSet::new();
        for (i, t) in raw.tests.iter().enumerate() {
            let k = format!("tests[{i}]");
            let tr = t.get_ref();
            if !test_names.insert(tr.name.get_ref().clone()) {
                self.error(
                    tr.name.span(),
                    format!("{k}.name"),
                    format!("test `{}` is defined twice", tr.name.get_ref()),
                );
            }
            if let Err(e) = crate::profile::parse_profile(tr.profile.get_ref()) {
                let (line, _) = line_col(self.text, tr.profile.span().start);
                let mut d_line = line;
                if let Some(l) = e.line {
                    d_line += l.saturating_sub(1);
                }
                self.diags.push(Diagnostic {
                    level: Level::Error,
                    file: None,
                    line: d_line,
                    column: e.column.unwrap_or(1),
                    key: format!("{k}.profile"),
                    message: format!("invalid profile: {e}"),
                    suggestion: None,
                });
            }
            let ex = &tr.expect;
            let ek = format!("{k}.expect");
            let verdict = ex.verdict.as_ref().map(|v| {
                self.resolve(v, &format!("{ek}.verdict"), "verdict", &verdicts);
                v.get_ref().clone()
            });
            let mut paths_expect = Vec::new();
            for (pid, st) in &ex.paths {
                if !path_ids.contains(&pid.as_str()) {
                    let s = fuzzy::nearest(pid, path_ids.iter().copied()).map(str::to_string);
                    self.push(
                        Level::Error,
                        st.span(),
                        format!("{ek}.paths.{pid}"),
                        format!("unknown path `{pid}`"),
                        s,
                    );
                }
                self.resolve(st, &format!("{ek}.paths.{pid}"), "path status", &statuses);
                paths_expect.push((pid.clone(), st.get_ref().clone()));
            }
            let ids = |cx: &mut Self, l: &[S], name: &str| -> Vec<String> {
                l.iter()
                    .enumerate()
                    .map(|(n, f)| {
                        cx.resolve(f, &format!("{ek}.{name}[{n}]"), "finding", &finding_ids);
                        f.get_ref().clone()
                    })
                    .collect()
            };
            let findings = ids(self, &ex.findings, "findings");
            let no_findings = ids(self, &ex.no_findings, "no_findings");
            let plan_path = ex.plan_path.as_ref().map(|p| {
                self.resolve(p, &format!("{ek}.plan_path"), "path", &path_ids);
                p.get_ref().clone()
            });
            let per_path =
                |cx: &mut Self, map: &BTreeMap<String, Vec<S>>, name, what, ids: &[&str]| {
                    let mut out = Vec::new();
                    for (pid, l) in map {
                        let list = l
                            .iter()
                            .enumerate()
                            .map(|(n, d)| {
                                cx.resolve(d, &format!("{ek}.{name}.{pid}[{n}]"), what, ids);
                                d.get_ref().clone()
                            })
                            .collect();
                        out.push((pid.clone(), list));
                    }
                    out
                };
            let missing = per_path(
                self,
                &ex.missing_documents,
                "missing_documents",
                "document",
                &doc_ids,
            );
            let adds = per_path(self, &ex.adds, "adds", "category", &category_ids);
            let as_of = tr.as_of.as_ref().map(|d| {
                let v = d.get_ref();
                if v.date.is_none() || v.time.is_some() {
                    self.error(
                        d.span(),
                        format!("{k}.as_of"),
                        "as_of must be a date such as 2026-11-28",
                    );
                }
                v.to_string()
            });
            tests.push(RulesetTest {
                name: tr.name.get_ref().clone(),
                line: line_col(self.text, t.span().start).0,
                profile: tr.profile.get_ref().clone(),
                as_of,
                expect: Expect {
                    verdict,
                    paths: paths_expect,
                    findings,
                    no_findings,
                    plan_path,
                    missing_documents: missing,
                    adds,
                },
            });
        }

        let mut review_days: Vec<Option<u32>> = vec![None; categories.len()];
        for r in &rules {
            for &c in &r.when.categories_not_approved {
                review_days[c] = review_days[c].max(r.days);
            }
        }

        let mut atoms_by_doc = vec![Vec::new(); documents.len()];
        for (i, a) in ex.atoms.iter().enumerate() {
            atoms_by_doc[a.doc].push(i);
        }
        let mut categories_by_doc: Vec<Vec<usize>> = vec![Vec::new(); documents.len()];
        for (c, cat) in categories.iter().enumerate() {
            for alt in &cat.alternatives {
                for t in &alt.terms {
                    for a in t.atoms.iter() {
                        let d = ex.atoms[a].doc;
                        if !categories_by_doc[d].contains(&c) {
                            categories_by_doc[d].push(c);
                        }
                    }
                }
            }
        }
        let atoms = ex.atoms;
        Some(Ruleset {
            settings,
            credit_code_prefixes,
            tests,
            review_days,
            categories_by_doc,
            meta,
            subject_types,
            scenarios,
            regions,
            goods,
            services,
            attributes,
            documents,
            groups,
            atoms,
            atoms_by_doc,
            categories,
            paths,
            steps,
            rules,
            checks,
            actions,
            lookups: Lookups {
                subject_types: subject_lookup,
                scenarios: scenario_lookup,
                regions: region_lookup,
                goods: goods_lookup,
                services: services_lookup,
                documents: document_lookup,
                attributes: attribute_lookup,
                values: value_lookups,
                categories: category_lookup,
                steps: step_lookup,
            },
            all_subjects,
        })
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

/// Compiles requirement expressions, interning their atoms.
struct ExprCx<'r> {
    subject_ids: &'r [&'r str],
    doc_ids: &'r [&'r str],
    documents: &'r [DocumentKind],
    attributes: &'r [Attribute],
    group_ids: Vec<String>,
    atoms: Vec<Atom>,
    atom_index: HashMap<Atom, usize>,
    group_refs: Vec<Vec<usize>>,
    current_group: Option<usize>,
    used_groups: HashSet<usize>,
}

impl ExprCx<'_> {
    /// An `all_of` or `any_of` list at the top of an alternative or group.
    fn list(
        &mut self,
        cx: &mut Cx,
        all_of: &Option<Vec<Spanned<RawExpr>>>,
        any_of: &Option<Vec<Spanned<RawExpr>>>,
        span: Spans,
        key: &str,
    ) -> Expr {
        match (all_of, any_of) {
            (Some(l), None) => Expr::AllOf(self.items(cx, l, span, &format!("{key}.all_of"))),
            (None, Some(l)) => Expr::AnyOf(self.items(cx, l, span, &format!("{key}.any_of"))),
            _ => {
                cx.error(span, key, "give exactly one of `all_of` and `any_of`");
                Expr::AllOf(Vec::new())
            }
        }
    }

    fn items(&mut self, cx: &mut Cx, l: &[Spanned<RawExpr>], span: Spans, key: &str) -> Vec<Expr> {
        if l.is_empty() {
            cx.error(
                span,
                key,
                "an empty list requires nothing: remove it or add items",
            );
        }
        l.iter()
            .enumerate()
            .map(|(i, e)| self.expr(cx, e, &format!("{key}[{i}]")))
            .collect()
    }

    fn expr(&mut self, cx: &mut Cx, e: &Spanned<RawExpr>, key: &str) -> Expr {
        let r = e.get_ref();
        let kinds = [
            r.doc.is_some(),
            r.group.is_some(),
            r.all_of.is_some(),
            r.any_of.is_some(),
        ];
        if kinds.iter().filter(|b| **b).count() != 1 {
            cx.error(
                e.span(),
                key,
                "a requirement is exactly one of `doc`, `group`, `all_of` or `any_of`",
            );
            return Expr::AllOf(Vec::new());
        }
        if r.doc.is_none() && (r.constraint.is_some() || r.subject_types.is_some() || r.optional) {
            cx.error(
                e.span(),
                key,
                "`where`, `subject_types` and `optional` go with `doc`",
            );
        }
        if let Some(l) = &r.all_of {
            return Expr::AllOf(self.items(cx, l, e.span(), &format!("{key}.all_of")));
        }
        if let Some(l) = &r.any_of {
            return Expr::AnyOf(self.items(cx, l, e.span(), &format!("{key}.any_of")));
        }
        if let Some(g) = &r.group {
            let ids: Vec<&str> = self.group_ids.iter().map(String::as_str).collect();
            return match cx.resolve(g, &format!("{key}.group"), "group", &ids) {
                Some(i) => {
                    self.used_groups.insert(i);
                    if let Some(cur) = self.current_group {
                        self.group_refs[cur].push(i);
                    }
                    Expr::Group(i)
                }
                None => Expr::AllOf(Vec::new()),
            };
        }
        let Some(d) = &r.doc else {
            return Expr::AllOf(Vec::new());
        };
        let Some(doc) = cx.resolve(d, &format!("{key}.doc"), "document", self.doc_ids) else {
            return Expr::AllOf(Vec::new());
        };
        let mut constraint = None;
        if let Some(w) = &r.constraint {
            if w.len() != 1 {
                cx.error(
                    e.span(),
                    format!("{key}.where"),
                    "`where` takes exactly one attribute",
                );
            }
            if let Some((attr_name, values)) = w.iter().next() {
                let kind = &self.documents[doc];
                let own: Vec<&str> = kind
                    .attributes
                    .iter()
                    .map(|&a| self.attributes[a].id.as_str())
                    .collect();
                match own.iter().position(|a| a == attr_name) {
                    None => {
                        let s = fuzzy::nearest(attr_name, own.iter().copied())
                            .or(if own.len() == 1 {
                                own.first().copied()
                            } else {
                                None
                            })
                            .map(str::to_string);
                        cx.push(
                            Level::Error,
                            values.span(),
                            format!("{key}.where.{attr_name}"),
                            format!("document `{}` has no attribute `{attr_name}`", kind.id),
                            s,
                        );
                    }
                    Some(p) => {
                        let attribute = kind.attributes[p];
                        let attr = &self.attributes[attribute];
                        let vids: Vec<&str> = attr.values.iter().map(|v| v.id.as_str()).collect();
                        let mut any_of: Vec<usize> = values
                            .get_ref()
                            .iter()
                            .enumerate()
                            .filter_map(|(n, v)| {
                                cx.resolve(
                                    v,
                                    &format!("{key}.where.{attr_name}[{n}]"),
                                    "value",
                                    &vids,
                                )
                            })
                            .collect();
                        if values.get_ref().is_empty() {
                            cx.error(
                                values.span(),
                                format!("{key}.where.{attr_name}"),
                                "list at least one value",
                            );
                        }
                        any_of.sort_unstable();
                        any_of.dedup();
                        constraint = Some(Constraint { attribute, any_of });
                    }
                }
            }
        }
        let subjects = r
            .subject_types
            .as_ref()
            .map(|l| cx.subject_mask(l, &format!("{key}.subject_types"), self.subject_ids));
        let atom = Atom { doc, constraint };
        let next = self.atoms.len();
        let atom = *self.atom_index.entry(atom.clone()).or_insert_with(|| {
            self.atoms.push(atom);
            next
        });
        Expr::Doc {
            atom,
            subjects,
            optional: r.optional,
        }
    }
}

fn find_cycle(refs: &[Vec<usize>]) -> Option<Vec<usize>> {
    // 0 unvisited, 1 on the stack, 2 done.
    fn visit(
        g: usize,
        refs: &[Vec<usize>],
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[g] = 1;
        stack.push(g);
        for &n in &refs[g] {
            if state[n] == 1 {
                let start = stack.iter().position(|&x| x == n).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(n);
                return Some(cycle);
            }
            if state[n] == 0
                && let Some(c) = visit(n, refs, state, stack)
            {
                return Some(c);
            }
        }
        stack.pop();
        state[g] = 2;
        None
    }
    let mut state = vec![0u8; refs.len()];
    for g in 0..refs.len() {
        if state[g] == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(g, refs, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn collect_optional(expr: &Expr, groups: &[Group], atoms: &[Atom], out: &mut Vec<usize>) {
    match expr {
        Expr::Doc {
            atom,
            optional: true,
            ..
        } => {
            let d = atoms[*atom].doc;
            if !out.contains(&d) {
                out.push(d);
            }
        }
        Expr::Doc { .. } => {}
        Expr::Group(g) => {
            if let Some(g) = groups.get(*g) {
                collect_optional(&g.expr, groups, atoms, out);
            }
        }
        Expr::AllOf(l) | Expr::AnyOf(l) => {
            for e in l {
                collect_optional(e, groups, atoms, out);
            }
        }
    }
}

/// Expands an expression into disjunctive normal form: the ways to satisfy
/// it, each a set of atoms for a set of subject types. Dominated terms (a
/// superset of another term's atoms, for no more subject types) are dropped.
/// Fails with the size reached when it would exceed [`MAX_TERMS`].
pub(crate) fn dnf(
    expr: &Expr,
    groups: &[Group],
    width: usize,
    all: SubjectMask,
) -> Result<Vec<Conj>, usize> {
    let terms = match expr {
        Expr::Doc { optional: true, .. } => vec![Conj {
            atoms: Bits::new(width),
            subjects: all,
        }],
        Expr::Doc { atom, subjects, .. } => {
            let mut atoms = Bits::new(width);
            atoms.insert(*atom);
            vec![Conj {
                atoms,
                subjects: subjects.unwrap_or(all) & all,
            }]
        }
        Expr::Group(g) => match groups.get(*g) {
            Some(g) => dnf(&g.expr, groups, width, all)?,
            None => Vec::new(),
        },
        Expr::AnyOf(l) => {
            let mut out = Vec::new();
            for e in l {
                out.extend(dnf(e, groups, width, all)?);
                if out.len() > MAX_TERMS {
                    return Err(out.len());
                }
            }
            out
        }
        Expr::AllOf(l) => {
            let mut acc = vec![Conj {
                atoms: Bits::new(width),
                subjects: all,
            }];
            for e in l {
                let child = dnf(e, groups, width, all)?;
                let mut next = Vec::with_capacity(acc.len() * child.len());
                for a in &acc {
                    for c in &child {
                        let subjects = a.subjects & c.subjects;
                        if subjects == 0 {
                            continue;
                        }
                        let mut atoms = a.atoms.clone();
                        atoms.union_with(&c.atoms);
                        next.push(Conj { atoms, subjects });
                    }
                }
                if next.len() > MAX_TERMS {
                    return Err(next.len());
                }
                acc = next;
            }
            acc
        }
    };
    Ok(prune(terms))
}

fn prune(terms: Vec<Conj>) -> Vec<Conj> {
    let mut keep: Vec<Conj> = Vec::with_capacity(terms.len());
    for t in terms {
        let dominated = keep
            .iter()
            .any(|k| k.atoms.is_subset(&t.atoms) && t.subjects & !k.subjects == 0);
        if dominated {
            continue;
        }
        keep.retain(|k| !(t.atoms.is_subset(&k.atoms) && k.subjects & !t.subjects == 0));
        keep.push(t);
    }
    keep
}

fn same_terms(a: &[Conj], b: &[Conj]) -> bool {
    a.len() == b.len() && a.iter().all(|t| b.contains(t))
}

/// A source is a web page, or a document of the livegate repository (for
/// livegate's own judgements, which no outside page states).
fn is_source(s: &str) -> bool {
    s.starts_with("https://")
        || s.starts_with("http://")
        || ((s.starts_with("docs/") || s.starts_with("README.md")) && !s.contains(".."))
}

/// A name without its trailing explanation in brackets, when it has one.
fn without_brackets(name: &str) -> Option<&str> {
    let cut = name.find(['（', '('])?;
    let short = name[..cut].trim();
    (!short.is_empty() && name.trim_end().ends_with(['）', ')'])).then_some(short)
}

/// The scenarios a way opens by default: those of its categories, in
/// vocabulary order.
fn way_scenarios(categories: &[Category], cats: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = cats
        .iter()
        .flat_map(|&c| categories[c].scenarios.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
