//! A batch job's files and its run: an uploaded file evaluated by the same
//! streaming machinery as `livegate batch`, its records written to disk as
//! they come (so 100,000 rows never sit in memory), then a CSV of the
//! summary. The files live in `DATA/batches/<tenant>/<job>/`; what the job
//! is and how far it got is a row of the database ([`BatchJob`]), and
//! [`super::batch_queue`] decides when it runs.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use livegate_batch::{Config, InputFormat};
use livegate_core::{Lang, Options, Ruleset};
use livegate_store::{BatchJob, JobState};
use serde::Deserialize;
use serde_json::Value;

/// A language as the error files are named: `errors-zh.jsonl`.
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// How many bad lines a finished job's page lists.
pub const SHOWN_ERRORS: usize = 500;

/// What `job.json` kept, before jobs were rows of the database: read once
/// on start, so that jobs from then are listed still.
#[derive(Debug, Clone, Deserialize)]
struct JobFile {
    id: String,
    file_name: String,
    csv: bool,
    created_at: String,
    state: String,
    records: u64,
    errors: u64,
    verdicts: [u64; 4],
    missing: Vec<(String, u64)>,
    failure: Option<String>,
    #[serde(default)]
    lines: Option<u64>,
}

/// The folder of a tenant's jobs.
pub fn tenant_dir(data_dir: &Path, tenant: &str) -> PathBuf {
    data_dir.join("batches").join(tenant)
}

/// A job's folder, when the id is one this service made (no path tricks).
pub fn job_dir(data_dir: &Path, tenant: &str, id: &str) -> Option<PathBuf> {
    let ok = id.starts_with("bat_")
        && id.len() < 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    ok.then(|| tenant_dir(data_dir, tenant).join(id))
}

pub fn input_path(dir: &Path, csv: bool) -> PathBuf {
    dir.join(if csv { "input.csv" } else { "input.jsonl" })
}

/// The jobs a `job.json` describes under `data_dir`, as rows with their
/// folders: one that was running when its process stopped is interrupted.
pub fn job_files(data_dir: &Path) -> Vec<(PathBuf, BatchJob)> {
    let Ok(tenants) = std::fs::read_dir(data_dir.join("batches")) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for tenant in tenants.filter_map(Result::ok) {
        let tenant_id = tenant.file_name().to_string_lossy().into_owned();
        let Ok(jobs) = std::fs::read_dir(tenant.path()) else {
            continue;
        };
        for dir in jobs.filter_map(Result::ok) {
            let Ok(bytes) = std::fs::read(dir.path().join("job.json")) else {
                continue;
            };
            if let Ok(f) = serde_json::from_slice::<JobFile>(&bytes) {
                found.push((dir.path(), from_file(f, &tenant_id)));
            }
        }
    }
    found
}

fn from_file(f: JobFile, tenant_id: &str) -> BatchJob {
    BatchJob {
        id: f.id,
        tenant_id: tenant_id.to_string(),
        file_name: f.file_name,
        csv: f.csv,
        created_at: f.created_at,
        state: match JobState::parse(&f.state) {
            Some(s) if !s.is_open() => s,
            _ => JobState::Interrupted,
        },
        lines: f.lines,
        records: f.records,
        errors: f.errors,
        verdicts: f.verdicts,
        missing: f.missing,
        failure: f.failure,
    }
}

/// How a run ended: its totals, or why it stopped, in the job's language.
pub type Outcome = Result<livegate_batch::Totals, String>;

/// Runs a job to its end on the calling (blocking) thread: its records,
/// the bad lines in the other language, and the summary CSV in both. `stop` set
/// makes it stop at its next write.
pub fn run(
    rs: &Ruleset,
    dir: &Path,
    job: &BatchJob,
    lang: Lang,
    counter: &AtomicU64,
    stop: &AtomicBool,
) -> Outcome {
    let totals = evaluate(rs, dir, job, lang, counter, stop)?;
    let other = match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    // Without it the page shows the faults in the job's language.
    if let Err(e) = write_errors_in(rs, dir, job.csv, other) {
        tracing::warn!(error = %e, job = %job.id, "batch job: the bad lines in the other language");
    }
    super::batch_csv::write(rs, dir, lang, None)?;
    let theirs = dir.join(format!("errors-{}.jsonl", lang_code(other)));
    super::batch_csv::write(rs, dir, other, Some(&theirs))?;
    Ok(totals)
}

/// A writer that fails once `stop` is set: how a running job is stopped.
struct Stoppable<'a, W> {
    inner: W,
    stop: &'a AtomicBool,
}

impl<W: Write> Write for Stoppable<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            // Not `ErrorKind::Interrupted`: `write_all` retries that forever.
            return Err(std::io::Error::other("the service is stopping"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn evaluate(
    rs: &Ruleset,
    dir: &Path,
    job: &BatchJob,
    lang: Lang,
    counter: &AtomicU64,
    stop: &AtomicBool,
) -> Outcome {
    let input = std::fs::File::open(input_path(dir, job.csv)).map_err(|e| e.to_string())?;
    let out = std::fs::File::create(dir.join("results.jsonl")).map_err(|e| e.to_string())?;
    let today = livegate_store::clock::format_date(livegate_store::clock::today());
    let cfg = Config {
        format: if job.csv {
            InputFormat::Csv
        } else {
            InputFormat::Jsonl
        },
        summary: true,
        jobs: 1,
        options: Options {
            lang,
            as_of: today.parse().ok(),
        },
        ..Config::default()
    };
    let mut w = Stoppable {
        inner: BufWriter::new(out),
        stop,
    };
    let totals = livegate_batch::run(rs, BufReader::new(input), &mut w, &cfg, &|n| {
        counter.store(n, Ordering::Relaxed)
    })
    .map_err(|e| e.phrase(lang, &job.file_name, "results.jsonl"))?;
    w.flush().map_err(|e| e.to_string())?;
    Ok(totals)
}

/// The lines of the job's first [`SHOWN_ERRORS`] errors in `lang` too,
/// in `errors-<lang>.jsonl`, so a reader of the other language sees the
/// faults in theirs: those lines (after the CSV header) are run again.
fn write_errors_in(rs: &Ruleset, dir: &Path, csv: bool, lang: Lang) -> Result<(), String> {
    let wanted: Vec<u64> = errors_from(&dir.join("results.jsonl"), SHOWN_ERRORS)
        .into_iter()
        .map(|b| b.line)
        .collect();
    let (input, numbers) = lines_of(&input_path(dir, csv), &wanted, csv)?;
    let cfg = Config {
        format: if csv {
            InputFormat::Csv
        } else {
            InputFormat::Jsonl
        },
        summary: true,
        jobs: 1,
        options: Options { lang, as_of: None },
        ..Config::default()
    };
    let mut out = Vec::new();
    livegate_batch::run(rs, input.as_slice(), &mut out, &cfg, &|_| {})
        .map_err(|e| e.phrase(lang, "input", "errors"))?;
    let mut file = BufWriter::new(
        std::fs::File::create(dir.join(format!("errors-{}.jsonl", lang_code(lang))))
            .map_err(|e| e.to_string())?,
    );
    for rec in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let mut v: Value = serde_json::from_slice(rec).map_err(|e| e.to_string())?;
        let again = v.get("line").and_then(Value::as_u64).unwrap_or(0) as usize;
        if v.get("error").is_none() || again == 0 || again > numbers.len() {
            continue;
        }
        v["line"] = numbers[again - 1].into();
        writeln!(file, "{v}").map_err(|e| e.to_string())?;
    }
    file.flush().map_err(|e| e.to_string())
}

/// The input's lines numbered `wanted` (ascending), preceded for a CSV by
/// everything up to its header; and each written line's number in the input.
fn lines_of(path: &Path, wanted: &[u64], csv: bool) -> Result<(Vec<u8>, Vec<u64>), String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // No cap: a line too long for the batch is copied whole, to be refused
    // again in the other language.
    let mut reader = livegate_batch::lines::LineReader::new(BufReader::new(file), usize::MAX);
    let mut line = livegate_batch::lines::Line::default();
    let (mut out, mut numbers) = (Vec::new(), Vec::new());
    let mut header = csv;
    let mut next = wanted.iter().peekable();
    while next.peek().is_some() && reader.next_into(&mut line).map_err(|e| e.to_string())? {
        let take = header || next.peek() == Some(&&line.number);
        if take {
            if !header {
                next.next();
            }
            header &= line.bytes.iter().all(u8::is_ascii_whitespace);
            out.extend_from_slice(&line.bytes);
            out.push(b'\n');
            numbers.push(line.number);
        }
    }
    Ok((out, numbers))
}

/// A bad line of a job, as the console shows it: every fault found in it.
#[derive(Debug, Clone)]
pub struct BadLine {
    pub line: u64,
    pub kind: String,
    /// The first fault (as `check` gives it), then the others in the text's order.
    pub faults: Vec<Fault>,
}

/// One fault of a bad line.
#[derive(Debug, Clone)]
pub struct Fault {
    pub message: String,
    /// Where in the line: a profile field's path, or a CSV column.
    pub place: Option<String>,
    /// The nearest valid name, when the fault is a misspelling.
    pub suggestion: Option<String>,
}

/// The first `limit` error records of a finished job.
pub fn errors(dir: &Path, limit: usize, lang: Lang) -> Vec<BadLine> {
    let own = dir.join(format!("errors-{}.jsonl", lang_code(lang)));
    if own.exists() {
        return errors_from(&own, limit);
    }
    errors_from(&dir.join("results.jsonl"), limit)
}

/// The error records of a records file.
fn errors_from(path: &Path, limit: usize) -> Vec<BadLine> {
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter(|l| l.contains("\"error\":"))
        .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
        .filter_map(|v| {
            let e = v.get("error")?;
            let more = v.get("more_errors").and_then(Value::as_array);
            let faults = std::iter::once(e)
                .chain(more.into_iter().flatten())
                .filter_map(fault)
                .collect();
            Some(BadLine {
                line: v.get("line")?.as_u64()?,
                kind: e.get("kind")?.as_str()?.to_string(),
                faults,
            })
        })
        .take(limit)
        .collect()
}

/// A fault as an error record's body gives it.
fn fault(e: &Value) -> Option<Fault> {
    let text = |k: &str| e.get(k).and_then(Value::as_str).map(String::from);
    Some(Fault {
        message: text("message")?,
        place: text("field")
            .or_else(|| text("path"))
            .filter(|p| !p.is_empty()),
        suggestion: text("suggestion").filter(|s| !s.is_empty()),
    })
}

/// A page of a finished job's records with `verdict` (any when `None`):
/// `take` of them after skipping `skip`, and whether more follow.
pub fn records(dir: &Path, verdict: Option<&str>, skip: usize, take: usize) -> (Vec<Value>, bool) {
    let Ok(file) = std::fs::File::open(dir.join("results.jsonl")) else {
        return (Vec::new(), false);
    };
    let mut matching = BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
        .filter(|r| r.get("verdict").and_then(Value::as_str).is_some())
        .filter(|r| verdict.is_none_or(|v| r["verdict"].as_str() == Some(v)))
        .skip(skip);
    let page: Vec<Value> = matching.by_ref().take(take).collect();
    let more = matching.next().is_some();
    (page, more)
}
