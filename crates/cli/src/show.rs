//! `rules show`: the catalogue as readable tables (paths, categories with
//! their alternatives and documents, documents, conditional rules).

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL};
use livegate_core::catalog::{join, msg};
use livegate_core::ruleset::{Expr, Ruleset, SubjectMask};
use livegate_core::{Lang, l10n::fill};

fn table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(120)
        .set_header(header);
    t
}

fn subjects(rs: &Ruleset, mask: SubjectMask, lang: Lang) -> String {
    let names: Vec<String> = rs
        .subject_types
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, s)| s.name.get(lang).to_string())
        .collect();
    join(&names, lang)
}

/// The documents an expression asks for, one line each, nested by indentation.
pub fn expr_lines(rs: &Ruleset, e: &Expr, lang: Lang, depth: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(depth);
    match e {
        Expr::Doc {
            atom,
            subjects: only,
            optional,
        } => {
            let a = &rs.atoms[*atom];
            let doc = &rs.documents[a.doc];
            let mut line = format!("《{}》", doc.name.get(lang));
            if let Some(c) = &a.constraint {
                let attr = &rs.attributes[c.attribute];
                let values: Vec<&str> = c
                    .any_of
                    .iter()
                    .map(|&v| attr.values[v].name.get(lang))
                    .collect();
                let constraint = msg(
                    "constraint",
                    lang,
                    &[
                        ("attribute", attr.name.get(lang)),
                        ("values", &values.join(&msg("or", lang, &[]))),
                    ],
                );
                line.push_str(&msg("lacks", lang, &[("constraint", &constraint)]));
            }
            if let Some(m) = only {
                line.push(' ');
                line.push_str(&msg(
                    "only_subjects",
                    lang,
                    &[("subjects", &subjects(rs, *m, lang))],
                ));
            }
            if *optional {
                line = msg("optional_doc", lang, &[("doc", &line)]);
            }
            out.push(format!("{pad}· {line}"));
        }
        Expr::Group(g) => {
            let g = &rs.groups[*g];
            out.push(format!("{pad}· {}:", g.name.get(lang)));
            expr_lines(rs, &g.expr, lang, depth + 1, out);
        }
        Expr::AllOf(items) => {
            for i in items {
                expr_lines(rs, i, lang, depth, out);
            }
        }
        Expr::AnyOf(items) => {
            out.push(format!(
                "{pad}{}:",
                msg("qualification_n", lang, &[("n", &items.len().to_string())])
            ));
            for i in items {
                expr_lines(rs, i, lang, depth + 1, out);
            }
        }
    }
}

pub fn catalogue(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    writeln!(
        out,
        "{} · {} {} ({} {})",
        rs.meta.name.get(lang),
        rs.meta.id,
        rs.meta.version,
        m("as_of"),
        rs.meta.as_of
    )?;
    writeln!(out, "{}: {}", m("source"), rs.meta.source)?;
    if let Some(n) = &rs.meta.notice {
        writeln!(out, "{}: {}", m("notice"), n.get(lang))?;
    }

    writeln!(out, "\n{}", m("section_paths"))?;
    let mut t = table(vec![m("col_id"), m("col_name"), m("col_ways")]);
    for p in &rs.paths {
        let ways: Vec<String> = p
            .ways
            .iter()
            .map(|w| {
                let mut parts = Vec::new();
                if let Some(s) = w.subjects {
                    parts.push(msg(
                        "way_subjects",
                        lang,
                        &[("subjects", &subjects(rs, s, lang))],
                    ));
                }
                if !w.categories.is_empty() {
                    let cats: Vec<String> = w
                        .categories
                        .iter()
                        .map(|&c| rs.categories[c].label())
                        .collect();
                    parts.push(msg(
                        "way_categories",
                        lang,
                        &[("categories", &join(&cats, lang))],
                    ));
                }
                format!("{} ({})", parts.join(" + "), w.id)
            })
            .collect();
        t.add_row(vec![
            p.id.clone(),
            p.name.get(lang).to_string(),
            ways.join("\n"),
        ]);
    }
    writeln!(out, "{t}")?;

    writeln!(out, "\n{}", m("section_categories"))?;
    for c in &rs.categories {
        let scen: Vec<String> = c
            .scenarios
            .iter()
            .map(|&s| rs.scenarios[s].name.get(lang).to_string())
            .collect();
        writeln!(out, "\n{} [{}]", c.label(), c.id)?;
        writeln!(
            out,
            "  {}: {}",
            m("col_scenarios"),
            if scen.is_empty() {
                m("none")
            } else {
                join(&scen, lang)
            }
        )?;
        writeln!(out, "  {}: {}", m("col_scope"), c.scope.get(lang))?;
        writeln!(out, "  {}: {}", m("source"), c.source)?;
        if c.alternatives.is_empty() {
            continue;
        }
        let mut t = table(vec![
            msg(
                "qualification_n",
                lang,
                &[("n", &c.alternatives.len().to_string())],
            ),
            m("col_documents"),
        ]);
        for a in &c.alternatives {
            let mut lines = Vec::new();
            expr_lines(rs, &a.expr, lang, 0, &mut lines);
            let mut label = format!("{}\n[{}]", a.label.get(lang), a.id);
            if a.subjects != rs.all_subjects {
                label.push('\n');
                label.push_str(&msg(
                    "only_subjects",
                    lang,
                    &[("subjects", &subjects(rs, a.subjects, lang))],
                ));
            }
            t.add_row(vec![label, lines.join("\n")]);
        }
        writeln!(out, "{t}")?;
    }

    writeln!(out, "\n{}", m("section_documents"))?;
    let mut t = table(vec![
        m("col_id"),
        m("col_name"),
        m("col_aliases"),
        m("col_attributes"),
    ]);
    for d in &rs.documents {
        let attrs: Vec<String> = d
            .attributes
            .iter()
            .map(|&a| rs.attributes[a].name.get(lang).to_string())
            .collect();
        t.add_row(vec![
            d.id.clone(),
            d.name.get(lang).to_string(),
            d.aliases.join(", "),
            join(&attrs, lang),
        ]);
    }
    writeln!(out, "{t}")?;

    writeln!(out, "\n{}", m("section_rules"))?;
    let mut t = table(vec![
        m("col_id"),
        m("col_severity"),
        m("col_effect"),
        m("col_name"),
    ]);
    for r in &rs.rules {
        let effect = if r.block {
            m("effect_block")
        } else if r.prohibit {
            msg(
                "effect_prohibit",
                lang,
                &[("action", r.action.as_deref().unwrap_or(""))],
            )
        } else if let Some(req) = &r.require {
            msg(
                "effect_require",
                lang,
                &[("category", &rs.category_req_label(req))],
            )
        } else {
            m("effect_finding")
        };
        let days = r.days.map(|d| d.to_string()).unwrap_or_default();
        let text = fill(r.message.get(lang), &[("days", &days)]);
        t.add_row(vec![
            r.id.clone(),
            m(&format!("severity_{}", r.severity.as_str())),
            effect,
            text,
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}
