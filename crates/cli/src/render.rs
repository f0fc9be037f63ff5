//! The report as text for a person: zh by default, a mark per path, the
//! documents to prepare with their full names, the plan. Colour goes through
//! anstream, which drops it on a pipe or under NO_COLOR.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use livegate_core::Lang;
use livegate_core::catalog::{join, msg};
use livegate_core::report::{
    AlternativeReport, CategoryReport, CategoryState, PathReport, PathStatus, Report,
};
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

/// The whole report: the head, each path, the findings, the plan and the notice.
pub fn report(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
    head(out, r, lang)?;
    writeln!(out, "{BOLD}{}{BOLD:#}", msg("paths", lang, &[]))?;
    for p in &r.paths {
        path(out, p, lang)?;
    }
    findings(out, r, lang)?;
    plan(out, r, lang)?;
    notice(out, r, lang)
}

/// The title, the verdict and the ruleset the report was made with.
fn head(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    let subject = r.subject_type_name.as_str();
    write!(out, "{BOLD}{}{BOLD:#}", m("title"))?;
    if let Some(id) = &r.profile_id {
        write!(out, " · {id}")?;
    }
    writeln!(out, " · {}: {subject}", m("subject"))?;
    verdict_line(out, r, lang)?;
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
    writeln!(out)
}

/// The verdict, coloured, with the categories assumed approved.
fn verdict_line(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    let verdict_style = match r.verdict {
        livegate_core::Verdict::Eligible => fg(AnsiColor::Green).bold(),
        livegate_core::Verdict::Pending => fg(AnsiColor::Yellow).bold(),
        _ => fg(AnsiColor::Red).bold(),
    };
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
    writeln!(out)
}

/// One path: its mark and status, its scenarios, its categories and its tail.
fn path(out: &mut impl Write, p: &PathReport, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
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
        category(out, p, c, lang)?;
    }
    path_tail(out, p, lang)
}

/// One category of a path: its profile status and state, then, unless it is
/// held, the path's alternatives for it.
fn category(
    out: &mut impl Write,
    p: &PathReport,
    c: &CategoryReport,
    lang: Lang,
) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
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
        return Ok(());
    }
    for a in alts {
        alternative(out, a, lang)?;
    }
    if let Some(r) = &c.nearest_reason {
        writeln!(out, "      {DIM}{}{DIM:#}", r.message)?;
    }
    Ok(())
}

/// One alternative of a category: the nearest one marked, and how far it is.
fn alternative(out: &mut impl Write, a: &AlternativeReport, lang: Lang) -> io::Result<()> {
    let pointer = if a.nearest { "▶" } else { " " };
    let how = if !a.applicable {
        msg("alt_not_applicable", lang, &[])
    } else if a.satisfied {
        msg("alt_satisfied", lang, &[])
    } else if a.missing_from_authority.is_empty() {
        msg("alt_missing", lang, &[("n", &a.missing.len().to_string())])
    } else {
        let (n, k) = (
            a.missing.len().to_string(),
            a.missing_from_authority.len().to_string(),
        );
        msg(
            "alt_missing_authority",
            lang,
            &[("n", &n), ("authority", &k)],
        )
    };
    let style = if a.nearest { BOLD } else { DIM };
    writeln!(out, "      {style}{pointer} {} — {how}{style:#}", a.label)
}

/// The end of a path: required categories, documents to prepare, review
/// days, setup steps, go-live date and guide.
fn path_tail(out: &mut impl Write, p: &PathReport, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    if !p.required_categories.is_empty() {
        writeln!(
            out,
            "    {}: {}",
            m("required_categories"),
            join(&p.required_categories, lang)
        )?;
    }
    let docs: Vec<_> = p
        .actions
        .iter()
        .filter(|a| a.document.is_some() || a.id == "confirm_documents")
        .collect();
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
    setup_steps(out, p, lang)?;
    if let Some(d) = &p.go_live {
        writeln!(out, "    {}", msg("go_live", lang, &[("date", d)]))?;
    } else if p.status == PathStatus::Actionable && !p.setup.is_empty() {
        writeln!(out, "    {}", msg("go_live_after_actions", lang, &[]))?;
    }
    if let Some(g) = &p.guide
        && p.status != PathStatus::Blocked
    {
        writeln!(out, "    {DIM}{}: {g}{DIM:#}", m("guide"))?;
    }
    Ok(())
}

/// The numbered setup steps of a path, each with how long it takes.
fn setup_steps(out: &mut impl Write, p: &PathReport, lang: Lang) -> io::Result<()> {
    if p.setup.is_empty() {
        return Ok(());
    }
    writeln!(out, "    {}:", msg("setup_title", lang, &[]))?;
    for (i, s) in p.setup.iter().enumerate() {
        let took = livegate_core::text::step_duration(s.days, s.working_days, lang);
        writeln!(out, "      {}. {} ({took})", i + 1, s.name)?;
        if let Some(n) = &s.note {
            writeln!(out, "         {DIM}{n}{DIM:#}")?;
        }
    }
    Ok(())
}

/// The findings, each with its severity, basis and source.
fn findings(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
    if r.findings.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{BOLD}{}{BOLD:#}", m("findings"))?;
    for f in &r.findings {
        let style = match f.severity {
            Severity::Error => fg(AnsiColor::Red).bold(),
            Severity::Warning => fg(AnsiColor::Yellow).bold(),
            Severity::Info => fg(AnsiColor::Cyan).bold(),
        };
        // The message names what the finding is about; its id is for
        // machines (`--format json`), not for the person reading.
        writeln!(
            out,
            "  {style}{}{style:#} {}",
            m(&format!("severity_{}", f.severity.as_str())),
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
    Ok(())
}

/// The plan of the nearest path, numbered, or that there is none.
fn plan(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
    let m = |k: &str| msg(k, lang, &[]);
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
            if let Some(why) = &r.plan_reason {
                writeln!(out, "  {DIM}{}{DIM:#}", why.message)?;
            }
        }
        None => {
            writeln!(out, "{BOLD}{}{BOLD:#}", m("plan"))?;
            writeln!(out, "  {}", m("plan_impossible"))?;
        }
    }
    Ok(())
}

/// The ruleset's notice, if it has one.
fn notice(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
    if let Some(n) = &r.ruleset.notice {
        writeln!(out)?;
        writeln!(out, "{DIM}{}: {n}{DIM:#}", msg("notice", lang, &[]))?;
    }
    Ok(())
}
