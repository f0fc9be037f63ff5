//! How the ruleset's own things read in a language: subject types, the ways
//! that open a path, a document requirement, a rule's message. Shared by the
//! report, the catalogue, the rendered documentation and the diff.

pub mod catalog;
pub mod fuzzy;
pub mod l10n;
pub mod normalize;
pub(crate) mod parse_words;

use crate::catalog::{join, msg};
use crate::l10n::{Lang, fill};
use crate::ruleset::{Expr, Ruleset, SubjectMask, Way};

/// A document's name as a title: 《name》 in Chinese, the bare name in
/// English (the brackets are Chinese punctuation).
pub fn doc_title(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("《{name}》"),
        Lang::En => name.to_string(),
    }
}

/// A category or scenario name quoted inside a sentence: 「name」 in
/// Chinese, the bare name in English.
pub fn quote(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("「{name}」"),
        Lang::En => name.to_string(),
    }
}

/// How long a setup step takes, in words.
pub fn step_duration(days: u32, working_days: bool, lang: Lang) -> String {
    let d = days.to_string();
    match (days, working_days) {
        (0, _) => msg("step_now", lang, &[]),
        (_, true) => msg("step_working_days", lang, &[("days", &d)]),
        (_, false) => msg("step_days", lang, &[("days", &d)]),
    }
}

impl Ruleset {
    /// The names of the subject types in `mask`.
    pub fn subject_names(&self, mask: SubjectMask, lang: Lang) -> String {
        let names: Vec<String> = self
            .subject_types
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| s.name.get(lang).to_string())
            .collect();
        join(&names, lang)
    }

    /// What opens a path this way: "主体类型：政府", "类目：社交/直播".
    pub fn way_lines(&self, w: &Way, lang: Lang) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(s) = w.subjects {
            parts.push(msg(
                "way_subjects",
                lang,
                &[("subjects", &self.subject_names(s, lang))],
            ));
        }
        if let Some(regions) = &w.regions {
            let names: Vec<String> = regions
                .iter()
                .map(|&r| self.regions[r].name.get(lang).to_string())
                .collect();
            parts.push(msg(
                "way_regions",
                lang,
                &[("regions", &join(&names, lang))],
            ));
        }
        if !w.categories.is_empty() {
            let cats: Vec<String> = w
                .categories
                .iter()
                .map(|&c| self.categories[c].label())
                .collect();
            parts.push(msg(
                "way_categories",
                lang,
                &[("categories", &join(&cats, lang))],
            ));
        }
        parts
    }

    /// What an atom's constraint asks, in words: "核准服务项目须包含 A 或 B".
    pub fn constraint_text(&self, atom: usize, lang: Lang) -> Option<String> {
        let c = self.atoms[atom].constraint.as_ref()?;
        let attr = &self.attributes[c.attribute];
        let values: Vec<&str> = c
            .any_of
            .iter()
            .map(|&v| attr.values[v].name.get(lang))
            .collect();
        Some(msg(
            "constraint",
            lang,
            &[
                ("attribute", attr.name.get(lang)),
                ("values", &values.join(&msg("or", lang, &[]))),
            ],
        ))
    }

    /// A document requirement as a person reads it: 《name》（constraint） only: …
    pub fn requirement_text(
        &self,
        atom: usize,
        subjects: Option<SubjectMask>,
        optional: bool,
        lang: Lang,
    ) -> String {
        let doc = &self.documents[self.atoms[atom].doc];
        let mut line = doc_title(doc.name.get(lang), lang);
        if let Some(d) = &doc.description {
            line.push_str(&msg("described", lang, &[("description", d.get(lang))]));
        }
        if let Some(c) = self.constraint_text(atom, lang) {
            line.push_str(&msg("lacks", lang, &[("constraint", &c)]));
        }
        if let Some(m) = subjects {
            line.push(' ');
            line.push_str(&msg(
                "only_subjects",
                lang,
                &[("subjects", &self.subject_names(m, lang))],
            ));
        }
        if optional {
            line = msg("optional_doc", lang, &[("doc", &line)]);
        }
        line
    }

    /// The document requirements of an expression, one line each, groups
    /// named and nested by indentation.
    pub fn expr_lines(&self, e: &Expr, lang: Lang, depth: usize, out: &mut Vec<String>) {
        let pad = "  ".repeat(depth);
        match e {
            Expr::Doc {
                atom,
                subjects,
                optional,
            } => out.push(format!(
                "{pad}· {}",
                self.requirement_text(*atom, *subjects, *optional, lang)
            )),
            Expr::Group(g) => {
                let g = &self.groups[*g];
                out.push(format!("{pad}· {}:", g.name.get(lang)));
                self.expr_lines(&g.expr, lang, depth + 1, out);
            }
            Expr::AllOf(items) => {
                for i in items {
                    self.expr_lines(i, lang, depth, out);
                }
            }
            Expr::AnyOf(items) => {
                out.push(format!(
                    "{pad}{}:",
                    msg("qualification_n", lang, &[("n", &items.len().to_string())])
                ));
                for i in items {
                    self.expr_lines(i, lang, depth + 1, out);
                }
            }
        }
    }

    /// A rule's message with the goods and services that made it fire, the
    /// days it announces and the category it requires.
    pub fn rule_message(
        &self,
        rule: usize,
        goods: &[usize],
        services: &[usize],
        lang: Lang,
    ) -> String {
        let r = &self.rules[rule];
        let goods: Vec<String> = goods
            .iter()
            .map(|&g| self.goods[g].name.get(lang).to_string())
            .collect();
        let services: Vec<String> = services
            .iter()
            .map(|&s| self.services[s].name.get(lang).to_string())
            .collect();
        let days = r.days.map(|d| d.to_string()).unwrap_or_default();
        let category = r
            .require
            .as_ref()
            .map(|q| self.category_req_label(q))
            .unwrap_or_default();
        fill(
            r.message.get(lang),
            &[
                ("goods", &join(&goods, lang)),
                ("services", &join(&services, lang)),
                ("days", &days),
                ("category", &category),
            ],
        )
    }
}
