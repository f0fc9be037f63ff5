//! `rules test` and `rules diff` output.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use livegate_core::Lang;
use livegate_core::catalog::msg;
use livegate_core::diff::{Change, ChangeKind};
use livegate_core::ruleset::Ruleset;
use livegate_core::testing::run_tests;

/// Runs the ruleset's test cases; true when every one passes. The last line
/// is `N passed, M failed`.
pub fn test(
    out: &mut impl Write,
    rs: &Ruleset,
    origin: &str,
    json: bool,
    lang: Lang,
) -> io::Result<bool> {
    let outcomes = run_tests(rs, lang);
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    if json {
        let v = serde_json::json!({
            "ruleset": origin,
            "passed": outcomes.len() - failed,
            "failed": failed,
            "tests": outcomes,
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(failed == 0);
    }
    if outcomes.is_empty() {
        writeln!(out, "{}", msg("test_none", lang, &[("origin", origin)]))?;
    }
    let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    for o in &outcomes {
        if o.passed() {
            writeln!(
                out,
                "{green}{}{green:#} {}",
                msg("test_ok", lang, &[]),
                o.name
            )?;
        } else {
            writeln!(
                out,
                "{red}{}{red:#} {} ({origin}:{})",
                msg("test_fail", lang, &[]),
                o.name,
                o.line
            )?;
            for f in &o.failures {
                writeln!(out, "    {f}")?;
            }
        }
    }
    writeln!(
        out,
        "{}",
        msg(
            "test_summary",
            lang,
            &[("origin", origin), ("total", &outcomes.len().to_string())]
        )
    )?;
    writeln!(out, "{} passed, {} failed", outcomes.len() - failed, failed)?;
    Ok(failed == 0)
}

pub fn print_diff(
    out: &mut impl Write,
    changes: &[Change],
    json: bool,
    lang: Lang,
) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, changes)?;
        writeln!(out)?;
        return Ok(());
    }
    if changes.is_empty() {
        writeln!(out, "{}", msg("diff_none", lang, &[]))?;
        return Ok(());
    }
    for c in changes {
        let (mark, style) = match c.kind {
            ChangeKind::Added => ("+", Style::new().fg_color(Some(AnsiColor::Green.into()))),
            ChangeKind::Removed => ("-", Style::new().fg_color(Some(AnsiColor::Red.into()))),
            ChangeKind::Changed => ("~", Style::new().fg_color(Some(AnsiColor::Yellow.into()))),
        };
        writeln!(out, "{style}{mark} {}{style:#}", c.message)?;
    }
    writeln!(
        out,
        "{}",
        msg("diff_count", lang, &[("n", &changes.len().to_string())])
    )?;
    Ok(())
}
