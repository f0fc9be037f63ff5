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

/// At most this many errors are reported of one profile.
pub const MAX_ERRORS: usize = 20;

/// The errors of a failing profile after `first` (which [`decide_text`]
/// gave), so a person can mend them all at once: each bad field is set
/// aside in turn and the rest decided again, until it decides or an error
/// depends on what was set aside. Errors are located in `text`. Costs
/// nothing on a valid profile: only the error path calls it.
pub fn further_errors(
    rs: &Ruleset,
    text: &str,
    first: &ProfileError,
    as_of: Option<Date>,
    lang: Lang,
) -> Vec<ProfileError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let mut aside = vec![first.path.clone()];
    let mut out = Vec::new();
    while out.len() + 1 < MAX_ERRORS {
        let Some(removed) = aside.last().and_then(|p| set_aside(&mut value, p)) else {
            break;
        };
        *aside.last_mut().expect("one path at least") = removed;
        let Err(e) = decide_text(rs, &value.to_string(), as_of, lang) else {
            break;
        };
        if aside.iter().any(|a| depends(&e.path, a)) {
            break;
        }
        aside.push(e.path.clone());
        let e = ProfileError {
            line: None,
            column: None,
            ..e
        };
        out.push(locate_error(body, e));
    }
    out.sort_by_key(|e| (e.line, e.column));
    out
}

/// Whether an error at `path` may come from setting `aside` aside: the
/// same place, or a field around it (a field now missing).
fn depends(path: &str, aside: &str) -> bool {
    path.is_empty()
        || aside == path
        || aside.starts_with(&format!("{path}."))
        || aside.starts_with(&format!("{path}["))
}

/// Removes the field at `path` from a profile's JSON; for an element of a
/// list, the whole list (removing one element would renumber the others).
/// The path set aside, or `None` when there is nothing to remove.
fn set_aside(value: &mut serde_json::Value, path: &str) -> Option<String> {
    let steps = path_steps(path);
    let last_key = steps.iter().rposition(|s| matches!(s, OwnedStep::Key(_)))?;
    let mut node = &mut *value;
    for step in &steps[..last_key] {
        node = match step {
            OwnedStep::Key(k) => node.get_mut(k.as_str())?,
            OwnedStep::Index(i) => node.get_mut(*i)?,
        };
    }
    let OwnedStep::Key(k) = &steps[last_key] else {
        return None;
    };
    node.as_object_mut()?.remove(k.as_str())?;
    let cut = path.len() - path_suffix_len(&steps[last_key + 1..]);
    Some(path[..cut].to_string())
}

/// How many characters of a path the trailing `[i]` steps take.
fn path_suffix_len(steps: &[OwnedStep]) -> usize {
    steps
        .iter()
        .map(|s| match s {
            OwnedStep::Index(i) => i.to_string().len() + 2,
            OwnedStep::Key(k) => k.len() + 1,
        })
        .sum()
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
