//! A batch job's `summary.csv`, one per language (`summary-zh.csv`,
//! `summary-en.csv`): a row per record of `results.jsonl`, streamed. Each
//! verdict, status, document and error kind is in words in the reader's
//! language, with its id in a column of its own for formulas and scripts.
//! A cell a spreadsheet would run as a formula (a profile id
//! `=HYPERLINK(…)`) is neutralised.

use std::io::{BufRead, BufReader, BufWriter, Lines, Write};
use std::path::{Path, PathBuf};

use livegate_core::{Lang, Ruleset};
use serde_json::Value;

use super::applicants_bulk::safe_cell;
use super::batch::kind_name;
use super::batch_jobs::lang_code;
use super::i18n::{Key, t, tf};
use super::report::{doc_name, rm};

/// The summary of the job in `dir` in `lang`; a job from before there
/// was one per language has only `summary.csv`.
pub fn path(dir: &Path, lang: Lang) -> PathBuf {
    let own = dir.join(format!("summary-{}.csv", lang_code(lang)));
    if own.exists() {
        own
    } else {
        dir.join("summary.csv")
    }
}

/// Writes the summary in `lang`. The error messages of `results.jsonl`
/// are in the job's language; `errors`, when given, holds the bad lines
/// in `lang` (the first [`super::batch_jobs::SHOWN_ERRORS`] of them), and
/// their messages are used where it has them.
pub fn write(rs: &Ruleset, dir: &Path, lang: Lang, errors: Option<&Path>) -> Result<(), String> {
    let input = std::fs::File::open(dir.join("results.jsonl")).map_err(|e| e.to_string())?;
    let name = format!("summary-{}.csv", lang_code(lang));
    let out = std::fs::File::create(dir.join(name)).map_err(|e| e.to_string())?;
    let mut out = BufWriter::new(out);
    // A byte-order mark, so a spreadsheet reads the Chinese as UTF-8.
    out.write_all(b"\xEF\xBB\xBF").map_err(|e| e.to_string())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header(rs, lang))
        .map_err(|e| e.to_string())?;
    let mut theirs = Messages::open(errors);
    for line in BufReader::new(input).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let rec: Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let message = theirs.for_line(rec.get("line").and_then(Value::as_u64));
        let row = row(rs, lang, &rec, message);
        w.write_record(row.iter().map(|c| safe_cell(c)))
            .map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

fn header(rs: &Ruleset, l: Lang) -> Vec<String> {
    let mut head = vec![
        t(l, Key::BatchLine),
        t(l, Key::BatchProfileId),
        rm(l, "verdict"),
        "verdict".to_string(),
    ];
    for p in &rs.paths {
        let name = p.name.get(l);
        head.push(name.to_string());
        head.push(tf(l, Key::BatchCsvMissing, &[("path", name)]));
        head.push(format!("{}_status", p.id));
        head.push(format!("{}_missing", p.id));
    }
    head.extend([
        t(l, Key::BatchCsvErrorKind),
        "error_kind".to_string(),
        t(l, Key::BatchCsvError),
    ]);
    head
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A word of the engine's catalogue for an id, or nothing for no id.
fn word(l: Lang, prefix: &str, id: &str) -> String {
    if id.is_empty() {
        String::new()
    } else {
        rm(l, &format!("{prefix}_{id}"))
    }
}

fn row(rs: &Ruleset, l: Lang, rec: &Value, message: Option<String>) -> Vec<String> {
    let verdict = text(rec.get("verdict"));
    let mut row = vec![
        text(rec.get("line")),
        text(rec.get("profile_id")),
        word(l, "verdict", &verdict),
        verdict,
    ];
    let paths = rec.get("paths").and_then(Value::as_array);
    for p in &rs.paths {
        let found = paths
            .into_iter()
            .flatten()
            .find(|x| x.get("id").and_then(Value::as_str) == Some(&p.id));
        let status = text(found.and_then(|x| x.get("status")));
        let missing: Vec<&str> = found
            .and_then(|x| x.get("missing_documents"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let names: Vec<String> = missing.iter().map(|d| doc_name(rs, l, d)).collect();
        row.push(word(l, "status", &status));
        row.push(names.join(&rm(l, "list_sep")));
        row.push(status);
        row.push(missing.join(";"));
    }
    let err = rec.get("error");
    let kind = text(err.and_then(|e| e.get("kind")));
    row.push(if kind.is_empty() {
        kind.clone()
    } else {
        kind_name(l, &kind)
    });
    row.push(kind);
    row.push(message.unwrap_or_else(|| text(err.and_then(|e| e.get("message")))));
    row
}

/// The bad lines in another language, read alongside `results.jsonl`
/// (both are in line order).
struct Messages {
    lines: Option<Lines<BufReader<std::fs::File>>>,
    next: Option<(u64, String)>,
}

impl Messages {
    fn open(path: Option<&Path>) -> Messages {
        let lines = path
            .and_then(|p| std::fs::File::open(p).ok())
            .map(|f| BufReader::new(f).lines());
        let mut m = Messages { lines, next: None };
        m.advance();
        m
    }

    fn advance(&mut self) {
        self.next = self.lines.as_mut().and_then(|ls| {
            let v: Value = serde_json::from_str(&ls.next()?.ok()?).ok()?;
            let message = v.get("error")?.get("message")?.as_str()?.to_string();
            Some((v.get("line")?.as_u64()?, message))
        });
    }

    /// The message for a record's line, if this file has one.
    fn for_line(&mut self, line: Option<u64>) -> Option<String> {
        let line = line?;
        while self.next.as_ref().is_some_and(|(n, _)| *n < line) {
            self.advance();
        }
        match self.next.take() {
            Some((n, m)) if n == line => {
                self.advance();
                Some(m)
            }
            other => {
                self.next = other;
                None
            }
        }
    }
}
