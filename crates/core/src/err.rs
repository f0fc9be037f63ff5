//! Errors of the engine: ruleset diagnostics and profile errors.

use std::fmt;

use serde::Serialize;

/// How serious a ruleset diagnostic is: errors stop the ruleset from loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem found in a ruleset, located by line, column and key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    /// The included fragment the line and column are in; the ruleset's own
    /// file when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
    /// The key path, such as `categories[0].alternatives[1].all_of[0].doc`.
    pub key: String,
    pub message: String,
    /// The nearest valid id, for a typo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// Writes the diagnostic as `origin:line:column: level: key: message`.
    pub fn display<'a>(&'a self, origin: &'a str) -> impl fmt::Display + 'a {
        DiagnosticDisplay { d: self, origin }
    }
}

struct DiagnosticDisplay<'a> {
    d: &'a Diagnostic,
    origin: &'a str,
}

impl fmt::Display for DiagnosticDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.d;
        let level = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let origin = d.file.as_deref().unwrap_or(self.origin);
        write!(f, "{origin}:{}:{}: {level}: ", d.line, d.column)?;
        if !d.key.is_empty() {
            write!(f, "{}: ", d.key)?;
        }
        f.write_str(&d.message)?;
        if let Some(s) = &d.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        Ok(())
    }
}

/// A ruleset that does not load: every error found, not only the first.
#[derive(Debug, Clone, thiserror::Error)]
pub struct RulesetError {
    /// Where the ruleset came from: a file path, or `<embedded>`.
    pub origin: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for RulesetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for d in &self.diagnostics {
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{}", d.display(&self.origin))?;
        }
        Ok(())
    }
}

/// What is wrong with a profile's text, so that every surface can tell a
/// caller who sent no JSON from one who sent a wrong profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Not JSON: empty, malformed, or content after the object.
    Syntax,
    /// JSON of another shape: a wrong type, an unknown or missing field.
    Shape,
    /// The right shape with a value the ruleset does not know or a date
    /// that is not one.
    Value,
}

impl ErrorKind {
    /// Syntax for serde_json's syntax and end-of-input errors, shape for
    /// its data errors.
    pub fn of_json(e: &serde_json::Error) -> Self {
        match e.classify() {
            serde_json::error::Category::Data => ErrorKind::Shape,
            _ => ErrorKind::Syntax,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::Shape => "shape",
            ErrorKind::Value => "value",
        }
    }
}

/// A profile that cannot be evaluated: malformed JSON, a wrong type, an unknown
/// subject type or category status. Names the field path and, when known, the
/// line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub struct ProfileError {
    pub kind: ErrorKind,
    /// The field path, such as `subject.type` or `categories[0].status`; empty for the whole document.
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, "line {l}, column {c}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        Ok(())
    }
}

impl ProfileError {
    /// The message in `lang`. Messages of the engine are written in the
    /// language asked for already; the JSON parser's are English, and are
    /// phrased here from their known shapes.
    pub fn phrase(&self, lang: crate::Lang) -> String {
        match (lang, self.kind) {
            (crate::Lang::Zh, ErrorKind::Syntax | ErrorKind::Shape) => {
                crate::parse_words::phrase(&self.message, lang)
            }
            _ => self.message.clone(),
        }
    }

    /// The error in `lang`, as a user reads it: place, field path, message, suggestion.
    pub fn localized(&self, lang: crate::Lang) -> String {
        use crate::catalog::msg;
        let mut out = String::new();
        if let (Some(l), Some(c)) = (self.line, self.column) {
            out.push_str(&msg(
                "at_line_col",
                lang,
                &[("line", &l.to_string()), ("column", &c.to_string())],
            ));
        }
        if !self.path.is_empty() {
            out.push_str(&self.path);
            out.push_str(": ");
        }
        out.push_str(&self.phrase(lang));
        if let Some(s) = &self.suggestion {
            out.push_str(&msg("did_you_mean", lang, &[("nearest", s)]));
        }
        out
    }
}

/// A field path as serde_path_to_error writes it, without the parts that
/// name no field: `.` for the whole document, `?` where the parser stopped.
pub(crate) fn json_path(path: &str) -> String {
    let mut p = path;
    while let Some(rest) = p.strip_suffix(".?").or_else(|| p.strip_suffix('?')) {
        p = rest;
    }
    if p == "." {
        String::new()
    } else {
        p.to_string()
    }
}

/// Line and column (both from 1, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let t = "ab\n中文x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 9), (2, 3));
    }
}
