//! `rules show`: the catalogue as readable tables (paths, categories with
//! their alternatives and documents, documents, conditional rules).

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL};
use livegate_core::Lang;
use livegate_core::catalog::{join, msg};
use livegate_core::l10n::fill;
use livegate_core::ruleset::Ruleset;
use livegate_core::ruleset::{Category, Rule, Term};

fn table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(120)
        .set_header(header);
    t
}

/// The whole catalogue: the ruleset's head, then a section for each part.
pub fn catalogue(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
    head(out, rs, lang)?;
    paths(out, rs, lang)?;
    categories(out, rs, lang)?;
    documents(out, rs, lang)?;
    vocabulary(out, rs, lang)?;
    rules(out, rs, lang)
}

/// The ruleset's name, id, version, date, source and notice.
fn head(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
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
    Ok(())
}

/// The paths, each with the ways that open it.
fn paths(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    writeln!(out, "\n{}", m("section_paths"))?;
    let mut t = table(vec![m("col_id"), m("col_name"), m("col_ways")]);
    for p in &rs.paths {
        let ways: Vec<String> = p
            .ways
            .iter()
            .map(|w| {
                let parts = rs.way_lines(w, lang);
                format!("{} ({})", parts.join(" + "), w.id)
            })
            .collect();
        t.add_row(vec![
            p.id.clone(),
            p.name.get(lang).to_string(),
            ways.join("\n"),
        ]);
    }
    writeln!(out, "{t}")
}

/// The categories section: each category with its alternatives.
fn categories(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
    writeln!(out, "\n{}", msg("section_categories", lang, &[]))?;
    for c in &rs.categories {
        category(out, rs, c, lang)?;
    }
    Ok(())
}

/// One category: its scenarios, scope and source, then its alternatives.
fn category(out: &mut impl Write, rs: &Ruleset, c: &Category, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
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
        return Ok(());
    }
    alternatives(out, rs, c, lang)
}

/// A category's alternatives as a table: each label with the documents it takes.
fn alternatives(out: &mut impl Write, rs: &Ruleset, c: &Category, lang: Lang) -> io::Result<()> {
    let mut t = table(vec![
        msg(
            "qualification_n",
            lang,
            &[("n", &c.alternatives.len().to_string())],
        ),
        msg("col_documents", lang, &[]),
    ]);
    for a in &c.alternatives {
        let mut lines = Vec::new();
        rs.expr_lines(&a.expr, lang, 0, &mut lines);
        let mut label = format!("{}\n[{}]", a.label.get(lang), a.id);
        if a.subjects != rs.all_subjects {
            label.push('\n');
            label.push_str(&msg(
                "only_subjects",
                lang,
                &[("subjects", &rs.subject_names(a.subjects, lang))],
            ));
        }
        t.add_row(vec![label, lines.join("\n")]);
    }
    writeln!(out, "{t}")
}

/// The documents, with their aliases and attributes.
fn documents(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
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
    writeln!(out, "{t}")
}

/// The conditional rules, each with its severity, effect and message.
fn rules(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    writeln!(out, "\n{}", m("section_rules"))?;
    let mut t = table(vec![
        m("col_id"),
        m("col_severity"),
        m("col_effect"),
        m("col_name"),
    ]);
    for (ri, r) in rs.rules.iter().enumerate() {
        let text = rs.rule_message(ri, &r.when.goods, &r.when.services, lang);
        t.add_row(vec![
            r.id.clone(),
            m(&format!("severity_{}", r.severity.as_str())),
            rule_effect(rs, r, lang),
            text,
        ]);
    }
    writeln!(out, "{t}")
}

/// What a rule does: block, prohibit an action on goods, require a category,
/// or only report a finding.
fn rule_effect(rs: &Ruleset, r: &Rule, lang: Lang) -> String {
    if r.block {
        msg("effect_block", lang, &[])
    } else if r.prohibit {
        let goods: Vec<String> = r
            .when
            .goods
            .iter()
            .map(|&g| rs.goods[g].name.get(lang).to_string())
            .collect();
        let action = r
            .action
            .as_ref()
            .and_then(|a| rs.actions.get(a))
            .map(|t| fill(t.get(lang), &[("goods", &join(&goods, lang))]))
            .unwrap_or_default();
        msg("effect_prohibit", lang, &[("action", &action)])
    } else if let Some(req) = &r.require {
        msg(
            "effect_require",
            lang,
            &[("category", &rs.category_req_label(req))],
        )
    } else {
        msg("effect_finding", lang, &[])
    }
}

/// Scenarios, regions, goods and services with every name a profile may use.
fn vocabulary(out: &mut impl Write, rs: &Ruleset, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    writeln!(out, "\n{}", m("section_vocabulary"))?;
    let mut t = table(vec![
        m("col_field"),
        m("col_id"),
        m("col_name"),
        m("col_aliases"),
    ]);
    let lists: [(&str, &[Term]); 4] = [
        ("scenarios", &rs.scenarios),
        ("subject.region", &rs.regions),
        ("goods", &rs.goods),
        ("services", &rs.services),
    ];
    for (field, terms) in lists {
        for term in terms {
            t.add_row(vec![
                field.to_string(),
                term.id.clone(),
                term.name.get(lang).to_string(),
                term.aliases.join(", "),
            ]);
        }
    }
    writeln!(out, "{t}")
}
