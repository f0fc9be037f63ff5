//! `rules render`: the catalogue as the tables a person reads in WeChat's and
//! Tencent's documentation — per category its live scenario, scope,
//! qualification "N 选 1" with each alternative's documents, and notes.
//! `docs/rules.zh.md` is this output, checked in and kept in step by CI.

use crate::catalog::{join, msg};
use crate::l10n::Lang;
use crate::ruleset::{Category, Ruleset};

/// One table row: a header cell and lines of content (a line wrapped in
/// `**` is a heading of its cell).
pub struct Row {
    pub head: String,
    pub lines: Vec<String>,
}

/// A titled table: the paths, or one category.
pub struct Section {
    pub title: String,
    pub anchor: String,
    pub intro: Vec<String>,
    pub rows: Vec<Row>,
}

/// A rule's message with its own conditions filled in, for a note.
fn rule_note(rs: &Ruleset, rule: usize, lang: Lang) -> String {
    let r = &rs.rules[rule];
    let basis = msg(&format!("basis_{}", r.basis.as_str()), lang, &[]);
    let text = rs.rule_message(rule, &r.when.goods, &r.when.services, lang);
    format!("[{basis}] {text}")
}

/// The engine's checks, each with whose rule it is and its source: a
/// message with its blanks as `…`.
fn checks_section(rs: &Ruleset, lang: Lang) -> Section {
    let m = |k: &str| msg(k, lang, &[]);
    let rows = rs
        .checks
        .iter()
        .map(|c| {
            let blank = blanks(c.message.get(lang));
            Row {
                head: m(&format!("basis_{}", c.basis.as_str())),
                lines: vec![blank, format!("{}: {}", m("source"), c.source)],
            }
        })
        .collect();
    Section {
        title: m("section_checks"),
        anchor: "checks".into(),
        intro: vec![m("doc_checks_intro")],
        rows,
    }
}

/// A message template with every `{placeholder}` as `…`.
fn blanks(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('…');
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn category_section(rs: &Ruleset, ci: usize, c: &Category, lang: Lang) -> Section {
    let m = |k: &str| msg(k, lang, &[]);
    let opens: Vec<String> = rs
        .paths
        .iter()
        .filter(|p| p.ways.iter().any(|w| w.categories.contains(&ci)))
        .map(|p| p.name.get(lang).to_string())
        .collect();
    let mut intro = Vec::new();
    if !opens.is_empty() {
        intro.push(msg("doc_opens", lang, &[("paths", &join(&opens, lang))]));
    }
    let older = rs.older_labels(c);
    if !older.is_empty() {
        intro.push(msg(
            "doc_older_names",
            lang,
            &[("names", &join(&older, lang))],
        ));
    }
    let scen: Vec<String> = c
        .scenarios
        .iter()
        .map(|&s| rs.scenarios[s].name.get(lang).to_string())
        .collect();
    let mut rows = vec![
        Row {
            head: m("col_scenarios"),
            lines: vec![if scen.is_empty() {
                m("none")
            } else {
                join(&scen, lang)
            }],
        },
        Row {
            head: m("col_scope"),
            lines: vec![c.scope.get(lang).to_string()],
        },
    ];
    if !c.documents_sourced {
        rows.push(Row {
            head: m("col_qualification"),
            lines: vec![m("doc_unsourced")],
        });
    } else if c.alternatives.is_empty() {
        rows.push(Row {
            head: m("col_qualification"),
            lines: vec![m("doc_no_qualification")],
        });
    }
    let n = c.alternatives.len().to_string();
    for (i, a) in c.alternatives.iter().enumerate() {
        let mut lines = vec![format!("**{}**", a.label.get(lang))];
        let mut docs = Vec::new();
        rs.expr_lines(&a.expr, lang, 0, &mut docs);
        lines.extend(docs);
        for note in &a.notes {
            lines.push(note.get(lang).to_string());
        }
        rows.push(Row {
            head: msg(
                "doc_alternative",
                lang,
                &[("n", &n), ("i", &(i + 1).to_string())],
            ),
            lines,
        });
    }
    let notes: Vec<String> = rs
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.shown_with.contains(&ci))
        .enumerate()
        .map(|(i, (ri, _))| format!("{}. {}", i + 1, rule_note(rs, ri, lang)))
        .collect();
    if !notes.is_empty() {
        rows.push(Row {
            head: m("doc_notes"),
            lines: notes,
        });
    }
    let mut sources = vec![c.source.clone()];
    if c.qualification_source != c.source {
        let q = &c.qualification_source;
        sources.push(msg("doc_qualification_source", lang, &[("source", q)]));
    }
    if let Some(day) = &c.verified {
        sources.push(msg("doc_verified", lang, &[("date", day)]));
    }
    rows.push(Row {
        head: m("source"),
        lines: sources,
    });
    let title = match (lang, &c.en) {
        (Lang::En, Some(en)) => format!("{} - {} ({en})", c.first, c.second),
        _ => format!("{} - {}", c.first, c.second),
    };
    Section {
        title,
        anchor: c.id.clone(),
        intro,
        rows,
    }
}

/// What every renderer (markdown, HTML, the console) lays out.
pub struct Catalogue {
    /// The ruleset, its source and its notice.
    pub header: Vec<String>,
    pub paths: Section,
    /// One table per category.
    pub categories: Vec<Section>,
    /// The engine's checks, WeChat's and livegate's own told apart.
    pub checks: Section,
    /// Scenarios, regions, goods and services with the names a profile may use.
    pub vocabulary: Section,
}

/// The catalogue as a header, the paths table, one table per category and
/// the checks.
pub fn sections(rs: &Ruleset, lang: Lang) -> Catalogue {
    let m = |k: &str| msg(k, lang, &[]);
    let mut header = vec![msg(
        "doc_header",
        lang,
        &[
            ("id", &rs.meta.id),
            ("version", &rs.meta.version),
            ("as_of", &rs.meta.as_of),
        ],
    )];
    header.push(format!("{}: {}", m("source"), rs.meta.source));
    if let Some(n) = &rs.meta.notice {
        header.push(n.get(lang).to_string());
    }
    let mut path_rows = Vec::new();
    for p in &rs.paths {
        let mut lines = Vec::new();
        for w in &p.ways {
            let parts = rs.way_lines(w, lang);
            lines.push(parts.join(" + "));
        }
        if !p.steps.is_empty() {
            lines.push(format!("**{}**", m("doc_steps")));
        }
        for (n, &si) in p.steps.iter().enumerate() {
            let s = &rs.steps[si];
            let took = crate::text::step_duration(s.days, s.working_days, lang);
            let mut line = format!("{}. {} ({took})", n + 1, s.name.get(lang));
            if !s.ways.is_empty() {
                let ways: Vec<String> = s
                    .ways
                    .iter()
                    .map(|&w| rs.way_lines(&p.ways[w], lang).join(" + "))
                    .collect();
                line.push_str(&msg("step_only_for", lang, &[("ways", &join(&ways, lang))]));
            }
            if let Some(note) = &s.note {
                line.push_str(&format!(" {}", note.get(lang)));
            }
            lines.push(format!("{line} {}: {}", m("source"), s.source));
        }
        if let Some(g) = &p.guide {
            lines.push(format!("{}: {g}", m("guide")));
        }
        path_rows.push(Row {
            head: p.name.get(lang).to_string(),
            lines,
        });
    }
    let blocks: Vec<String> = rs
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.block || (r.shown_with.is_empty() && r.require.is_none() && !r.prohibit))
        .map(|(ri, _)| rule_note(rs, ri, lang))
        .collect();
    let paths = Section {
        title: m("section_paths"),
        anchor: "paths".into(),
        intro: blocks,
        rows: path_rows,
    };
    let cats = rs
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| category_section(rs, i, c, lang))
        .collect();
    Catalogue {
        header,
        paths,
        categories: cats,
        checks: checks_section(rs, lang),
        vocabulary: vocabulary_section(rs, lang),
    }
}

/// A row per scenario, region, good and service: its name, then the field
/// it goes in and every other name accepted for it.
fn vocabulary_section(rs: &Ruleset, lang: Lang) -> Section {
    let m = |k: &str| msg(k, lang, &[]);
    let lists: [(&str, &[crate::ruleset::Term]); 4] = [
        ("scenarios", &rs.scenarios),
        ("subject.region", &rs.regions),
        ("goods", &rs.goods),
        ("services", &rs.services),
    ];
    let rows = lists
        .iter()
        .flat_map(|(field, terms)| terms.iter().map(move |t| (field, t)))
        .map(|(field, t)| {
            let mut names = vec![t.id.clone()];
            names.extend(t.aliases.iter().cloned());
            Row {
                head: t.name.get(lang).to_string(),
                lines: vec![
                    format!("{}: `{field}`", m("col_field")),
                    format!("{}: {}", m("doc_also_written"), join(&names, lang)),
                ],
            }
        })
        .collect();
    Section {
        title: m("section_vocabulary"),
        anchor: "vocabulary".into(),
        intro: Vec::new(),
        rows,
    }
}

fn md_cell(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.replace('|', "\\|"))
        .collect::<Vec<_>>()
        .join("<br>")
}

pub fn markdown(rs: &Ruleset, lang: Lang) -> String {
    let m = |k: &str| msg(k, lang, &[]);
    let Catalogue {
        header,
        paths,
        categories: cats,
        checks,
        vocabulary,
    } = sections(rs, lang);
    let mut out = format!("# {}\n\n", rs.meta.name.get(lang));
    out.push_str(&format!("<!-- {} -->\n\n", m("doc_generated")));
    let quoted: Vec<String> = header.iter().map(|h| format!("> {h}")).collect();
    out.push_str(&quoted.join("\n>\n"));
    out.push('\n');
    let table = |out: &mut String, s: &Section, h1: &str, h2: &str| {
        out.push_str(&format!("\n## {}\n\n", s.title));
        for i in &s.intro {
            out.push_str(&format!("- {i}\n"));
        }
        if !s.intro.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("| {h1} | {h2} |\n|---|---|\n"));
        for r in &s.rows {
            out.push_str(&format!(
                "| {} | {} |\n",
                r.head.replace('|', "\\|"),
                md_cell(&r.lines)
            ));
        }
    };
    table(&mut out, &paths, &m("doc_path"), &m("col_ways"));
    out.push_str(&format!("\n## {}\n", m("section_categories")));
    for s in &cats {
        out.push_str(&format!("\n### {}\n\n", s.title));
        for i in &s.intro {
            out.push_str(&format!("- {i}\n"));
        }
        if !s.intro.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "| {} | {} |\n|---|---|\n",
            m("doc_requirement"),
            m("doc_description")
        ));
        for r in &s.rows {
            out.push_str(&format!("| {} | {} |\n", r.head, md_cell(&r.lines)));
        }
    }
    table(&mut out, &checks, &m("doc_basis"), &m("doc_description"));
    table(&mut out, &vocabulary, &m("col_name"), &m("doc_description"));
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Markdown's bold markers, as HTML.
fn html_line(s: &str) -> String {
    let e = esc(s);
    match e.strip_prefix("**").and_then(|x| x.strip_suffix("**")) {
        Some(inner) => format!("<strong>{inner}</strong>"),
        None => e,
    }
}

pub fn html(rs: &Ruleset, lang: Lang) -> String {
    let m = |k: &str| msg(k, lang, &[]);
    let Catalogue {
        header,
        paths,
        categories: cats,
        checks,
        vocabulary,
    } = sections(rs, lang);
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>body{{font-family:sans-serif;max-width:60em;margin:auto}}table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:.4em;vertical-align:top;text-align:left}}th{{width:20%;background:#f3f3f3}}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(rs.meta.name.get(lang)),
        esc(rs.meta.name.get(lang))
    );
    for h in &header {
        out.push_str(&format!("<p>{}</p>\n", esc(h)));
    }
    let table = |out: &mut String, s: &Section, level: u8, h1: &str, h2: &str| {
        out.push_str(&format!(
            "<h{level} id=\"{}\">{}</h{level}>\n",
            esc(&s.anchor),
            esc(&s.title)
        ));
        if !s.intro.is_empty() {
            out.push_str("<ul>\n");
            for i in &s.intro {
                out.push_str(&format!("<li>{}</li>\n", esc(i)));
            }
            out.push_str("</ul>\n");
        }
        out.push_str(&format!(
            "<table>\n<tr><th>{}</th><th>{}</th></tr>\n",
            esc(h1),
            esc(h2)
        ));
        for r in &s.rows {
            let cell: Vec<String> = r.lines.iter().map(|l| html_line(l)).collect();
            out.push_str(&format!(
                "<tr><th>{}</th><td>{}</td></tr>\n",
                esc(&r.head),
                cell.join("<br>")
            ));
        }
        out.push_str("</table>\n");
    };
    table(&mut out, &paths, 2, &m("doc_path"), &m("col_ways"));
    out.push_str(&format!("<h2>{}</h2>\n", esc(&m("section_categories"))));
    for s in &cats {
        table(&mut out, s, 3, &m("doc_requirement"), &m("doc_description"));
    }
    table(&mut out, &checks, 2, &m("doc_basis"), &m("doc_description"));
    table(
        &mut out,
        &vocabulary,
        2,
        &m("col_name"),
        &m("doc_description"),
    );
    out.push_str("</body>\n</html>\n");
    out
}
