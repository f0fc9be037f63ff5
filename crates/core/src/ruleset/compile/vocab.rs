//! The vocabulary every later section refers to: the ruleset's metadata,
//! subject types, scenarios, regions, goods, services, attributes and
//! document kinds, each with its lookup by id, name and alias.

use std::collections::HashSet;

use super::Cx;
use crate::raw::*;
use crate::ruleset::*;

/// The compiled vocabulary.
pub(super) struct Vocab {
    pub subject_types: Vec<SubjectType>,
    pub subject_lookup: Lookup,
    pub all_subjects: SubjectMask,
    pub scenarios: Vec<Term>,
    pub scenario_lookup: Lookup,
    pub regions: Vec<Term>,
    pub region_lookup: Lookup,
    pub goods: Vec<Term>,
    pub goods_lookup: Lookup,
    pub services: Vec<Term>,
    pub services_lookup: Lookup,
    pub attributes: Vec<Attribute>,
    pub attribute_lookup: Lookup,
    pub value_lookups: Vec<Lookup>,
    pub documents: Vec<DocumentKind>,
    pub document_lookup: Lookup,
}

/// The ids of a list, for resolving references and suggesting near ones.
pub(super) fn ids<T>(list: &[T], id: impl Fn(&T) -> &String) -> Vec<&str> {
    list.iter().map(|x| id(x).as_str()).collect()
}

impl Cx<'_> {
    pub(super) fn meta(&mut self, m: &RawMeta) -> Meta {
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
        Meta {
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
        }
    }

    pub(super) fn vocabulary(&mut self, raw: &RawRuleset) -> Vocab {
        let (subject_types, subject_lookup, all_subjects) = self.subject_types(&raw.subject_types);
        let (scenarios, scenario_lookup) = self.terms(&raw.scenarios, "scenarios");
        let (regions, region_lookup) = self.terms(&raw.regions, "regions");
        let (goods, goods_lookup) = self.terms(&raw.goods, "goods");
        let (services, services_lookup) = self.terms(&raw.services, "services");
        let (attributes, attribute_lookup, value_lookups) = self.attributes(&raw.attributes);
        let attribute_ids = ids(&attributes, |a| &a.id);
        let (documents, document_lookup) = self.documents(&raw.documents, &attribute_ids);
        Vocab {
            subject_types,
            subject_lookup,
            all_subjects,
            scenarios,
            scenario_lookup,
            regions,
            region_lookup,
            goods,
            goods_lookup,
            services,
            services_lookup,
            attributes,
            attribute_lookup,
            value_lookups,
            documents,
            document_lookup,
        }
    }

    /// Subject types, looked up by id, names, aliases and WeChat's
    /// `verify_type`; at most 32, since a subject set is a 32-bit mask.
    fn subject_types(&mut self, raw: &[RawSubjectType]) -> (Vec<SubjectType>, Lookup, SubjectMask) {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut lookup = Lookup::default();
        for (i, s) in raw.iter().enumerate() {
            let k = format!("subject_types[{i}]");
            let id = self.id(&s.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&s.name, &format!("{k}.name"));
            lookup.insert(&id, i);
            lookup.insert(&name.zh, i);
            lookup.insert(&name.en, i);
            for a in &s.aliases {
                lookup.insert(a.get_ref(), i);
            }
            if let Some(v) = s.verify_type {
                lookup.insert(&v.to_string(), i);
            }
            out.push(SubjectType {
                id,
                verify_type: s.verify_type,
                name,
                aliases: s.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            });
        }
        if out.is_empty() {
            self.error(
                0..0,
                "subject_types",
                "the ruleset declares no subject types",
            );
        }
        if out.len() > 32 {
            self.error(
                raw[32].id.span(),
                "subject_types",
                "at most 32 subject types are supported",
            );
        }
        let all: SubjectMask = if out.len() >= 32 {
            u32::MAX
        } else {
            (1u32 << out.len()) - 1
        };
        (out, lookup, all)
    }

    /// An entry list (scenarios, goods, services, an attribute's values),
    /// looked up by id, names, a name without its bracketed explanation,
    /// aliases and code.
    pub(super) fn terms(&mut self, raw: &[RawTerm], key: &str) -> (Vec<Term>, Lookup) {
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

    fn attributes(&mut self, raw: &[RawAttribute]) -> (Vec<Attribute>, Lookup, Vec<Lookup>) {
        let mut seen = HashSet::new();
        let mut attributes = Vec::new();
        let mut lookup = Lookup::default();
        let mut value_lookups = Vec::new();
        for (i, a) in raw.iter().enumerate() {
            let k = format!("attributes[{i}]");
            let id = self.id(&a.id, &format!("{k}.id"), &mut seen);
            let name = self.text(&a.name, &format!("{k}.name"));
            let (values, values_lookup) = self.terms(&a.values, &format!("{k}.values"));
            if values.is_empty() {
                self.error(a.id.span(), &k, "an attribute lists the values it may take");
            }
            lookup.insert(&id, i);
            value_lookups.push(values_lookup);
            attributes.push(Attribute { id, name, values });
        }
        (attributes, lookup, value_lookups)
    }

    /// Document kinds, each from the ruleset or an included fragment.
    fn documents(
        &mut self,
        raw: &[RawDocument],
        attribute_ids: &[&str],
    ) -> (Vec<DocumentKind>, Lookup) {
        let mut seen = HashSet::new();
        let mut documents = Vec::new();
        let mut lookup = Lookup::default();
        for (i, d) in raw.iter().enumerate() {
            let k = self.enter("documents", i);
            let doc = self.document(d, &k, attribute_ids, &mut seen);
            lookup.insert(&doc.id, i);
            lookup.insert(&doc.name.zh, i);
            lookup.insert(&doc.name.en, i);
            for a in &doc.aliases {
                lookup.insert(a, i);
            }
            documents.push(doc);
        }
        self.leave();
        (documents, lookup)
    }

    fn document(
        &mut self,
        d: &RawDocument,
        k: &str,
        attribute_ids: &[&str],
        seen: &mut HashSet<String>,
    ) -> DocumentKind {
        let id = self.id(&d.id, &format!("{k}.id"), seen);
        let name = self.text(&d.name, &format!("{k}.name"));
        let attrs_key = format!("{k}.attributes");
        let attributes = self.resolve_all(&d.attributes, &attrs_key, "attribute", attribute_ids);
        let number_format = d
            .number_format
            .as_ref()
            .and_then(|f| self.number_format(f, &format!("{k}.number_format")));
        let description = d
            .description
            .as_ref()
            .map(|t| self.text(t, &format!("{k}.description")));
        let issued_by = self.issued_by(d, k);
        DocumentKind {
            id,
            name,
            aliases: d.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            attributes,
            number_format,
            description,
            issued_by,
            holder_may_differ: d.holder_may_differ || issued_by == IssuedBy::Partner,
        }
    }

    /// Who makes a document; an authority when the ruleset does not say.
    fn issued_by(&mut self, d: &RawDocument, k: &str) -> IssuedBy {
        let Some(s) = &d.issued_by else {
            return IssuedBy::Authority;
        };
        let names: Vec<&str> = IssuedBy::ALL.iter().map(|(n, _)| *n).collect();
        self.resolve(s, &format!("{k}.issued_by"), "issuer", &names)
            .map_or(IssuedBy::Authority, |i| IssuedBy::ALL[i].1)
    }

    /// A licence-number format: its pattern compiles and its example fits.
    fn number_format(&mut self, f: &RawNumberFormat, fk: &str) -> Option<NumberFormat> {
        let description = self.text(&f.description, &format!("{fk}.description"));
        let regex = match regex::Regex::new(f.pattern.get_ref()) {
            Ok(r) => r,
            Err(e) => {
                let key = format!("{fk}.pattern");
                self.error(f.pattern.span(), key, format!("invalid pattern: {e}"));
                return None;
            }
        };
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

/// A name without its trailing explanation in brackets, when it has one.
fn without_brackets(name: &str) -> Option<&str> {
    let cut = name.find(['（', '('])?;
    let short = name[..cut].trim();
    (!short.is_empty() && name.trim_end().ends_with(['）', ')'])).then_some(short)
}
