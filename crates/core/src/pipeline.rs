//! The one way text becomes an answer. `check`, `batch`, the service and
//! the console all call these, so the same input gives the same error
//! (kind, path, line, column, suggestion) and the same report everywhere.

use jiff::civil::Date;

use crate::decide::{Decision, decide};
use crate::err::ProfileError;
use crate::l10n::Lang;
use crate::profile::{Profile, Step, locate, parse_profile};
use crate::report::Report;
use crate::report::render;
use crate::ruleset::Ruleset;

/// How to evaluate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The language of messages in the report.
    pub lang: Lang,
    /// The evaluation date when the profile gives none (`as_of`); without
    /// either, document dates are not checked.
    pub as_of: Option<Date>,
}

/// Parses and evaluates a profile given as JSON text. Errors carry the field
/// path, line and column.
pub fn evaluate_text(rs: &Ruleset, text: &str, opts: &Options) -> Result<Report, ProfileError> {
    let (profile, d) = decide_text(rs, text, opts.as_of, opts.lang)?;
    Ok(render(rs, &profile, &d, opts.lang))
}

/// Parses a profile and decides it, without the words: what a batch
/// summary needs. Errors are located as [`evaluate_text`] locates them.
pub fn decide_text(
    rs: &Ruleset,
    text: &str,
    as_of: Option<Date>,
    lang: Lang,
) -> Result<(Profile, Decision), ProfileError> {
    let profile = parse_profile(text)?;
    let d = decide(rs, &profile, as_of, lang).map_err(|e| locate_error(text, e))?;
    Ok((profile, d))
}

/// Gives an error found after parsing the line and column of its field.
pub fn locate_error(text: &str, mut e: ProfileError) -> ProfileError {
    if e.line.is_none() {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let owned = path_steps(&e.path);
        let steps: Vec<Step> = owned
            .iter()
            .map(|s| match s {
                OwnedStep::Key(k) => Step::Key(k),
                OwnedStep::Index(i) => Step::Index(*i),
            })
            .collect();
        if let Some((l, c)) = locate(body, &steps) {
            e.line = Some(l);
            e.column = Some(c);
        }
    }
    e
}

enum OwnedStep {
    Key(String),
    Index(usize),
}

fn path_steps(path: &str) -> Vec<OwnedStep> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(OwnedStep::Key(key.to_string()));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(OwnedStep::Index(i));
            }
        }
    }
    out
}

/// Evaluates a parsed profile into a full report. Fails only for what makes
/// evaluation meaningless: an unknown subject type or category status, an
/// invalid date.
pub fn evaluate(rs: &Ruleset, profile: &Profile, opts: &Options) -> Result<Report, ProfileError> {
    let d = decide(rs, profile, opts.as_of, opts.lang)?;
    Ok(render(rs, profile, &d, opts.lang))
}
