//! The report as text for a person: zh by default, a mark per path, the
//! documents to prepare with their full names, the plan. Colour goes through
//! anstream, which drops it on a pipe or under NO_COLOR.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use livegate_core::Lang;
use livegate_core::catalog::{join, msg};
use livegate_core::report::{CategoryState, PathReport, PathStatus, Report};
use livegate_core::ruleset::Severity;
use livegate_core::text::quote;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

fn status_style(s: PathStatus) -> (&'static str, Style) {
    match s {
        PathStatus::Available => ("✓", fg(AnsiColor::Green).bold()),
        PathStatus::Pending => ("…", fg(AnsiColor::Yellow).bold()),
        PathStatus::Actionable => ("✗", fg(AnsiColor::Red).bold()),
        PathStatus::Blocked => ("⊘", fg(AnsiColor::BrightBlack).bold()),
    }
}

/// Which way covers each declared scenario, and the ones the path does not serve.
fn scenario_lines(out: &mut impl Write, p: &PathReport, lang: Lang) -> io::Result<()> {
    for c in &p.scenarios {
        let line = msg(
            "scenario_covered",
            lang,
            &[
                ("scenario", &quote(&c.scenario.name, lang)),
                ("way", &c.opened_by),
            ],
        );
        writeln!(out, "    {line}")?;
    }
    if !p.unserved_scenarios.is_empty() {
        let names: Vec<String> = p
            .unserved_scenarios
            .iter()
            .map(|s| quote(&s.name, lang))
            .collect();
        let line = msg(
            "scenario_unserved",
            lang,
            &[("scenarios", &join(&names, lang))],
        );
        writeln!(out, "    {line}")?;
    }
    Ok(())
}

pub fn report(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    let verdict_style = match r.verdict {
        livegate_core::Verdict::Eligible => fg(AnsiColor::Green).bold(),
        livegate_core::Verdict::Pending => fg(AnsiColor::Yellow).bold(),
        _ => fg(AnsiColor::Red).bold(),
    };
    let subject = r.subject_type_name.as_str();
    write!(out, "{BOLD}{}{BOLD:#}", m("title"))?;
    if let Some(id) = &r.profile_id {
        write!(out, " · {id}")?;
    }
    writeln!(out, " · {}: {subject}", m("subject"))?;
    write!(
        out,
        "{}: {verdict_style}{}{verdict_style:#} ({})",
        m("verdict"),
        m(&format!("verdict_{}", r.verdict.as_str())),
        r.verdict.as_str()
    )?;
    if !r.assumed_approved.is_empty() {
        let list = join(&r.assumed_approved, lang);
        write!(
            out,
            " {}",
            msg("assumed_approved", lang, &[("categories", &list)])
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{DIM}{}: {} {} ({} {}){DIM:#}",
        m("ruleset"),
        r.ruleset.id,
        r.ruleset.version,
        m("as_of"),
        r.ruleset.as_of
    )?;
    if let Some(d) = &r.as_of {
        writeln!(out, "{DIM}{}: {d}{DIM:#}", m("evaluated_on"))?;
    }
    writeln!(out)?;
    writeln!(out, "{BOLD}{}{BOLD:#}", m("paths"))?;
    for p in &r.paths {
        let (mark, style) = status_style(p.status);
        write!(
            out,
            "{style}{mark}{style:#} {BOLD}{}{BOLD:#} [{}] {style}{}{style:#}",
            p.name,
            p.id,
            m(&format!("status_{}", p.status.as_str()))
        )?;
        if let Some(b) = &p.blocked_by {
            write!(out, " — {}: {b}", m("blocked_by"))?;
        } else if let (Some(v), true) = (&p.opened_by, p.scenarios.is_empty()) {
            write!(out, " {DIM}({}: {v}){DIM:#}", m("via"))?;
        }
        writeln!(out)?;
        scenario_lines(out, p, lang)?;
        for c in &p.categories {
            let state = match c.state {
                CategoryState::Held => "state_held",
                CategoryState::Pending => "state_pending",
                CategoryState::Actionable => "state_actionable",
                CategoryState::Blocked => "state_blocked",
            };
            let alts: Vec<_> = p
                .alternatives
                .iter()
                .filter(|a| a.category == c.category)
                .collect();
            let name = if c.options.is_empty() {
                quote(&c.category, lang)
            } else {
                c.category.clone()
            };
            write!(
                out,
                "    {} {} / {}",
                msg("category_named", lang, &[("name", &name)]),
                m(&format!("profile_status_{}", c.profile_status)),
                m(state)
            )?;
            if !alts.is_empty() {
                write!(
                    out,
                    " · {}",
                    msg("qualification_n", lang, &[("n", &alts.len().to_string())])
                )?;
            }
            writeln!(out)?;
            if c.state == CategoryState::Held {
                continue;
            }
            for a in alts {
                let pointer = if a.nearest { "▶" } else { " " };
                let how = if !a.applicable {
                    m("alt_not_applicable")
                } else if a.satisfied {
                    m("alt_satisfied")
                } else {
                    msg("alt_missing", lang, &[("n", &a.missing.len().to_string())])
                };
                let style = if a.nearest { BOLD } else { DIM };
                writeln!(out, "      {style}{pointer} {} — {how}{style:#}", a.label)?;
            }
        }
        if !p.required_categories.is_empty() {
            writeln!(
                out,
                "    {}: {}",
                m("required_categories"),
                join(&p.required_categories, lang)
            )?;
        }
        let docs: Vec<_> = p.actions.iter().filter(|a| a.document.is_some()).collect();
        if !docs.is_empty() {
            writeln!(out, "    {}:", m("to_prepare"))?;
            for a in docs {
                writeln!(out, "      · {}", a.message)?;
            }
        }
        if let Some(d) = p.review_days {
            writeln!(
                out,
                "    {}",
                msg("review_days", lang, &[("days", &d.to_string())])
            )?;
        }
        if !p.setup.is_empty() {
            writeln!(out, "    {}:", m("setup_title"))?;
            for (i, s) in p.setup.iter().enumerate() {
                let took = livegate_core::text::step_duration(s.days, s.working_days, lang);
                writeln!(out, "      {}. {} ({took})", i + 1, s.name)?;
                if let Some(n) = &s.note {
                    writeln!(out, "         {DIM}{n}{DIM:#}")?;
                }
            }
        }
        if let Some(d) = &p.go_live {
            writeln!(out, "    {}", msg("go_live", lang, &[("date", d)]))?;
        }
        if let Some(g) = &p.guide
            && p.status != PathStatus::Blocked
        {
            writeln!(out, "    {DIM}{}: {g}{DIM:#}", m("guide"))?;
        }
    }
    if !r.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "{BOLD}{}{BOLD:#}", m("findings"))?;
        for f in &r.findings {
            let style = match f.severity {
                Severity::Error => fg(AnsiColor::Red).bold(),
                Severity::Warning => fg(AnsiColor::Yellow).bold(),
                Severity::Info => fg(AnsiColor::Cyan).bold(),
            };
            writeln!(
                out,
                "  {style}{}{style:#} {BOLD}{}{BOLD:#} {}",
                m(&format!("severity_{}", f.severity.as_str())),
                f.id,
                f.message
            )?;
            writeln!(
                out,
                "    {DIM}[{}] {}: {}{DIM:#}",
                m(&format!("basis_{}", f.basis.as_str())),
                m("source"),
                f.source
            )?;
        }
    }
    writeln!(out)?;
    match &r.plan_path {
        Some(pid) => {
            let name = r.path(pid).map_or(pid.as_str(), |p| p.name.as_str());
            writeln!(out, "{BOLD}{}{BOLD:#} ({name})", m("plan"))?;
            if r.plan.is_empty() {
                writeln!(out, "  {}", m("plan_none"))?;
            }
            for (i, a) in r.plan.iter().enumerate() {
                writeln!(out, "  {}. {}", i + 1, a.message)?;
            }
        }
        None => {
            writeln!(out, "{BOLD}{}{BOLD:#}", m("plan"))?;
            writeln!(out, "  {}", m("plan_impossible"))?;
        }
    }
    if let Some(n) = &r.ruleset.notice {
        writeln!(out)?;
        writeln!(out, "{DIM}{}: {n}{DIM:#}", m("notice"))?;
    }
    Ok(())
}
