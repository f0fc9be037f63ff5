//! livegate batch pre-review (批量预审): many profiles at once, streamed.
//!
//! Input is JSON Lines (one profile a line) or the flat CSV layout of
//! [`csvin`]; output is one JSON record a line, in input order: the full
//! report, or with `summary` only the verdict, path statuses and missing
//! documents. A bad line yields an error record naming its line number and
//! the problem, and the batch goes on.
//!
//! Memory stays flat whatever the input size: lines are read with a cap on
//! their length ([`lines`]), in chunks; with `jobs > 1` a reader thread, `jobs`
//! workers and the caller's thread (which writes) pass chunks through bounded
//! channels, and a fixed number of chunk slots bounds what is in flight, so
//! the reassembly of results in input order never grows.
//!
//! The engine stays pure: this crate reads and writes, the engine evaluates.

pub mod csvin;
pub mod generate;
pub mod lines;
mod messages;

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};
use livegate_core::{Decision, ErrorKind, Lang, Options, Profile, Ruleset, Verdict};
use serde::Serialize;

pub use messages::msg;

use crate::csvin::Columns;
use crate::lines::{Line, LineReader};

/// The input's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    #[default]
    Jsonl,
    Csv,
}

/// How to run a batch.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub format: InputFormat,
    /// Only the verdict, path statuses and missing documents per record.
    pub summary: bool,
    /// Worker threads; 1 evaluates on the calling thread.
    pub jobs: usize,
    /// The engine's options: the language of messages and the evaluation
    /// date for profiles that give no `as_of`.
    pub options: Options,
    /// The longest line accepted, in bytes; a longer one is an error record.
    pub max_line: usize,
    /// Lines per chunk handed to a worker.
    pub chunk_lines: usize,
}

/// The longest line accepted by default: 1 MiB, far beyond any real profile.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

impl Default for Config {
    fn default() -> Self {
        Config {
            format: InputFormat::Jsonl,
            summary: false,
            jobs: 1,
            options: Options::default(),
            max_line: DEFAULT_MAX_LINE,
            chunk_lines: 256,
        }
    }
}

/// What a batch found, for the summary.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Records written: reports and errors.
    pub records: u64,
    pub errors: u64,
    /// Blank lines, skipped.
    pub blank: u64,
    /// Reports per verdict, in [`Verdict::ALL`] order.
    pub verdicts: [u64; 4],
    /// How many profiles not yet eligible miss each document on their plan's
    /// path (the one closest to opening), by document id.
    pub missing: BTreeMap<String, u64>,
    pub elapsed: Duration,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.records += o.records;
        self.errors += o.errors;
        self.blank += o.blank;
        for (a, b) in self.verdicts.iter_mut().zip(o.verdicts) {
            *a += b;
        }
        for (k, v) in &o.missing {
            *self.missing.entry(k.clone()).or_default() += v;
        }
    }

    /// The `n` documents most often missing, most first (ties by id).
    pub fn top_missing(&self, n: usize) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.missing.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    /// Profiles (reports and errors) a second.
    pub fn throughput(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.records as f64 / s
        } else {
            0.0
        }
    }

    /// The summary printed at the end of a batch, in `lang`, documents by
    /// their names in `rs`.
    pub fn render(&self, rs: &Ruleset, lang: Lang) -> String {
        let n = |x: u64| x.to_string();
        let mut out = msg(
            lang,
            "summary_head",
            &[
                ("records", &n(self.records)),
                ("seconds", &format!("{:.2}", self.elapsed.as_secs_f64())),
                ("rate", &format!("{:.0}", self.throughput())),
            ],
        );
        out.push('\n');
        let verdicts: Vec<String> = Verdict::ALL
            .iter()
            .zip(self.verdicts)
            .map(|(v, c)| format!("{} {c}", msg(lang, v.as_str(), &[])))
            .collect();
        out.push_str(&msg(
            lang,
            "summary_verdicts",
            &[("verdicts", &verdicts.join("  "))],
        ));
        out.push('\n');
        out.push_str(&msg(lang, "summary_errors", &[("errors", &n(self.errors))]));
        out.push('\n');
        let top = self.top_missing(10);
        if !top.is_empty() {
            out.push_str(&msg(lang, "summary_missing", &[]));
            out.push('\n');
            for (id, c) in top {
                let name = rs.documents.iter().find(|d| d.id == id).map_or_else(
                    || id.to_string(),
                    |d| livegate_core::text::doc_title(d.name.get(lang), lang),
                );
                out.push_str(&format!("  {c:>10}  {name}\n"));
            }
        }
        out
    }
}

/// Why a batch stopped before the end of its input.
#[derive(Debug)]
pub enum BatchError {
    /// The input could not be read.
    Read(io::Error),
    /// The output could not be written (not a closed pipe).
    Write(io::Error),
    /// The output was closed (`| head`): stop quietly.
    Closed,
    /// The CSV header is not the documented layout.
    Header(String),
    /// A thread of the run (`reader` or `worker`) panicked: the output
    /// stops short, and the run is a failure, never a success.
    Panicked(&'static str),
}

impl BatchError {
    /// What went wrong, in `lang`; `input` and `output` name the two ends.
    pub fn phrase(&self, lang: Lang, input: &str, output: &str) -> String {
        match self {
            BatchError::Read(e) => msg(
                lang,
                "read_failed",
                &[("path", input), ("reason", &e.to_string())],
            ),
            BatchError::Write(e) => msg(
                lang,
                "write_failed",
                &[("path", output), ("reason", &e.to_string())],
            ),
            BatchError::Closed => msg(lang, "output_closed", &[("path", output)]),
            BatchError::Header(reason) => msg(lang, "bad_header", &[("reason", reason)]),
            BatchError::Panicked(part) => {
                let part = msg(lang, &format!("part_{part}"), &[]);
                msg(lang, "panicked", &[("part", &part)])
            }
        }
    }
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.phrase(Lang::En, "the input", "the output"))
    }
}

impl std::error::Error for BatchError {}

fn write_err(e: io::Error) -> BatchError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        BatchError::Closed
    } else {
        BatchError::Write(e)
    }
}

/// Evaluates every line of `input` and writes one record a line to `out`, in
/// input order. `progress` is called after each chunk with the number of
/// records written so far.
pub fn run<R, W>(
    rs: &Ruleset,
    input: R,
    out: W,
    cfg: &Config,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Totals, BatchError>
where
    R: BufRead + Send,
    W: Write,
{
    let start = Instant::now();
    let mut reader = LineReader::new(input, cfg.max_line);
    let columns = match cfg.format {
        InputFormat::Jsonl => None,
        InputFormat::Csv => Some(read_header(&mut reader, cfg.max_line, cfg.options.lang)?),
    };
    let work = Work {
        rs,
        cfg,
        columns: columns.as_ref(),
        opts: cfg.options,
    };
    let f = |line: &Line, out: &mut Vec<u8>, totals: &mut Totals| work.line(line, out, totals);
    let mut totals = drive(reader, out, cfg, progress, &f)?;
    totals.elapsed = start.elapsed();
    Ok(totals)
}

/// The batch machinery without the engine: `f` turns each line into a
/// record. The benchmark's floor uses it with a parser and no evaluation,
/// so that the two differ only in what happens to a line.
pub fn run_with<R, W, F>(
    input: R,
    out: W,
    cfg: &Config,
    progress: &(dyn Fn(u64) + Sync),
    f: &F,
) -> Result<Totals, BatchError>
where
    R: BufRead + Send,
    W: Write,
    F: Fn(&Line, &mut Vec<u8>, &mut Totals) + Sync,
{
    let start = Instant::now();
    let reader = LineReader::new(input, cfg.max_line);
    let mut totals = drive(reader, out, cfg, progress, f)?;
    totals.elapsed = start.elapsed();
    Ok(totals)
}

fn drive<R, W, F>(
    reader: LineReader<R>,
    out: W,
    cfg: &Config,
    progress: &(dyn Fn(u64) + Sync),
    f: &F,
) -> Result<Totals, BatchError>
where
    R: BufRead + Send,
    W: Write,
    F: Fn(&Line, &mut Vec<u8>, &mut Totals) + Sync,
{
    if cfg.jobs <= 1 {
        run_inline(cfg, reader, out, progress, f)
    } else {
        run_parallel(cfg, reader, out, progress, f)
    }
}

fn read_header<R: BufRead>(
    reader: &mut LineReader<R>,
    cap: usize,
    lang: Lang,
) -> Result<Columns, BatchError> {
    let mut line = Line::default();
    loop {
        if !reader.next_into(&mut line).map_err(BatchError::Read)? {
            return Err(BatchError::Header(msg(lang, "csv_empty", &[])));
        }
        if line.too_long.is_some() {
            let m = msg(lang, "csv_header_too_long", &[("max", &cap.to_string())]);
            return Err(BatchError::Header(m));
        }
        if !line.bytes.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    let text = std::str::from_utf8(&line.bytes)
        .map_err(|_| BatchError::Header(msg(lang, "csv_header_not_utf8", &[])))?;
    Columns::parse(text, lang).map_err(BatchError::Header)
}

/// Everything a worker needs, shared read-only.
struct Work<'a> {
    rs: &'a Ruleset,
    cfg: &'a Config,
    columns: Option<&'a Columns>,
    opts: Options,
}

fn run_inline<R, W, F>(
    cfg: &Config,
    mut reader: LineReader<R>,
    mut out: W,
    progress: &(dyn Fn(u64) + Sync),
    f: &F,
) -> Result<Totals, BatchError>
where
    R: BufRead,
    W: Write,
    F: Fn(&Line, &mut Vec<u8>, &mut Totals),
{
    let mut totals = Totals::default();
    let mut line = Line::default();
    let mut buf = Vec::with_capacity(1 << 16);
    let mut since = 0usize;
    while reader.next_into(&mut line).map_err(BatchError::Read)? {
        f(&line, &mut buf, &mut totals);
        since += 1;
        if buf.len() >= 1 << 16 || since >= cfg.chunk_lines {
            out.write_all(&buf).map_err(write_err)?;
            buf.clear();
            since = 0;
            progress(totals.records);
        }
    }
    out.write_all(&buf).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    progress(totals.records);
    Ok(totals)
}

struct Done {
    seq: u64,
    bytes: Vec<u8>,
    totals: Totals,
    /// The worker panicked on this chunk.
    failed: bool,
}

fn run_parallel<R, W, F>(
    cfg: &Config,
    reader: LineReader<R>,
    mut out: W,
    progress: &(dyn Fn(u64) + Sync),
    f: &F,
) -> Result<Totals, BatchError>
where
    R: BufRead + Send,
    W: Write,
    F: Fn(&Line, &mut Vec<u8>, &mut Totals) + Sync,
{
    let jobs = cfg.jobs;
    let in_flight = jobs * 4;
    let chunk_lines = cfg.chunk_lines.max(1);
    // Slots bound the chunks between reading and writing, whatever their order.
    let (slot_tx, slot_rx) = bounded::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = slot_tx.send(());
    }
    let (chunk_tx, chunk_rx) = bounded::<(u64, Vec<Line>)>(in_flight);
    let (done_tx, done_rx) = bounded::<Done>(in_flight);

    std::thread::scope(|s| {
        let read = s.spawn(move || read_chunks(reader, slot_rx, chunk_tx, chunk_lines));
        for _ in 0..jobs {
            let chunk_rx = chunk_rx.clone();
            let done_tx = done_tx.clone();
            s.spawn(move || work_chunks(chunk_rx, done_tx, f));
        }
        drop(chunk_rx);
        drop(done_tx);

        let written = write_in_order(&mut out, &done_rx, &slot_tx, progress);
        // On a write error, closing these ends stops the reader and the workers.
        drop(done_rx);
        drop(slot_tx);
        let read = read.join().map_err(|_| BatchError::Panicked("reader"))?;
        let totals = written?;
        read.map_err(BatchError::Read)?;
        Ok(totals)
    })
}

/// The reader thread: numbered chunks of lines, one for each free slot, until the input ends.
fn read_chunks<R: BufRead>(
    mut reader: LineReader<R>,
    slot_rx: Receiver<()>,
    chunk_tx: Sender<(u64, Vec<Line>)>,
    chunk_lines: usize,
) -> io::Result<()> {
    let mut seq = 0u64;
    loop {
        if slot_rx.recv().is_err() {
            return Ok(()); // the writer stopped
        }
        let chunk = read_chunk(&mut reader, chunk_lines)?;
        if chunk.is_empty() {
            return Ok(());
        }
        if chunk_tx.send((seq, chunk)).is_err() {
            return Ok(());
        }
        seq += 1;
    }
}

/// Up to `chunk_lines` lines (and about 256 KiB) of the input; empty at its end.
fn read_chunk<R: BufRead>(reader: &mut LineReader<R>, chunk_lines: usize) -> io::Result<Vec<Line>> {
    let mut chunk = Vec::with_capacity(chunk_lines);
    let mut bytes = 0usize;
    while chunk.len() < chunk_lines && bytes < 1 << 18 {
        let mut line = Line::default();
        if !reader.next_into(&mut line)? {
            break;
        }
        bytes += line.bytes.len();
        chunk.push(line);
    }
    Ok(chunk)
}

/// A worker thread: turns each chunk it receives into its records and totals.
fn work_chunks<F>(chunk_rx: Receiver<(u64, Vec<Line>)>, done_tx: Sender<Done>, f: &F)
where
    F: Fn(&Line, &mut Vec<u8>, &mut Totals),
{
    for (seq, chunk) in chunk_rx {
        let mut totals = Totals::default();
        let mut bytes = Vec::with_capacity(chunk.len() * 256);
        // A panic must not leave its chunk's place empty: the writer would
        // wait for it forever. It is sent as a failed chunk instead.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for line in &chunk {
                f(line, &mut bytes, &mut totals);
            }
        }));
        let failed = ran.is_err();
        if done_tx
            .send(Done {
                seq,
                bytes,
                totals,
                failed,
            })
            .is_err()
            || failed
        {
            return;
        }
    }
}

/// Writes the chunks in input order; gives a slot back for every chunk written.
fn write_in_order<W: Write>(
    out: &mut W,
    done_rx: &Receiver<Done>,
    slot_tx: &Sender<()>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Totals, BatchError> {
    let mut totals = Totals::default();
    let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    for d in done_rx.iter() {
        waiting.insert(d.seq, d);
        while let Some(d) = waiting.remove(&next) {
            if d.failed {
                return Err(BatchError::Panicked("worker"));
            }
            out.write_all(&d.bytes).map_err(write_err)?;
            totals.add(&d.totals);
            next += 1;
            let _ = slot_tx.send(());
            progress(totals.records);
        }
    }
    out.flush().map_err(write_err)?;
    Ok(totals)
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    line: u64,
    /// The first error, as `check` and the service give it.
    error: ErrorBody<'a>,
    /// The profile's other errors, in the order of the text.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    more_errors: &'a [ErrorBody<'a>],
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    /// `line_too_long`, `not_utf8`, `invalid_json`, `invalid_profile`, `invalid_row`.
    kind: &'a str,
    /// For a profile: `syntax` (not JSON), `shape` (JSON that is no
    /// profile) or `value` (a value the ruleset does not know), as every
    /// surface says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    fault: Option<&'static str>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

#[derive(Serialize)]
struct Brief<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_id: Option<&'a str>,
    verdict: &'a str,
    paths: Vec<BriefPath<'a>>,
}

#[derive(Serialize)]
struct BriefPath<'a> {
    id: &'a str,
    status: &'a str,
    missing_documents: Vec<&'a str>,
}

/// A profile that cannot be decided, as a batch record says it: the same
/// fault, path, column and suggestion as `check` and the service give.
fn profile_error(e: &livegate_core::ProfileError, lang: Lang, csv: bool) -> ErrorBody<'_> {
    let kind = match e.kind {
        ErrorKind::Syntax => "invalid_json",
        _ => "invalid_profile",
    };
    ErrorBody {
        kind,
        fault: Some(e.kind.as_str()),
        message: e.phrase(lang),
        path: (!e.path.is_empty()).then_some(e.path.as_str()),
        // A CSV row's columns are not the JSON's.
        column: if csv { None } else { e.column },
        field: None,
        suggestion: e.suggestion.as_deref(),
    }
}

/// An error body with only a kind and a message.
fn plain(kind: &'static str, message: String) -> ErrorBody<'static> {
    ErrorBody {
        kind,
        fault: None,
        message,
        path: None,
        column: None,
        field: None,
        suggestion: None,
    }
}

/// Counts an error record and appends it (with its newline) to `out`.
fn write_error(number: u64, out: &mut Vec<u8>, totals: &mut Totals, body: ErrorBody) {
    write_errors(number, out, totals, body, &[]);
}

/// [`write_error`] with the line's further errors.
fn write_errors(
    number: u64,
    out: &mut Vec<u8>,
    totals: &mut Totals,
    body: ErrorBody,
    more: &[ErrorBody],
) {
    totals.records += 1;
    totals.errors += 1;
    let rec = ErrorRecord {
        line: number,
        error: body,
        more_errors: more,
    };
    // Serialising into a Vec cannot fail for these types.
    let _ = serde_json::to_writer(&mut *out, &rec);
    out.push(b'\n');
}

impl Work<'_> {
    /// Evaluates one line and appends its record (with its newline) to `out`.
    fn line(&self, line: &Line, out: &mut Vec<u8>, totals: &mut Totals) {
        let lang = self.cfg.options.lang;
        if let Some(len) = line.too_long {
            let m = msg(
                lang,
                "line_too_long",
                &[
                    ("bytes", &len.to_string()),
                    ("max", &self.cfg.max_line.to_string()),
                ],
            );
            return write_error(line.number, out, totals, plain("line_too_long", m));
        }
        if line.bytes.iter().all(u8::is_ascii_whitespace) {
            totals.blank += 1;
            return;
        }
        let text = match lines::utf8(&line.bytes) {
            Ok(t) => t,
            Err(e) => {
                let m = msg(
                    lang,
                    "not_utf8",
                    &[("offset", &e.valid_up_to().to_string())],
                );
                return write_error(line.number, out, totals, plain("not_utf8", m));
            }
        };
        let Some((profile, decision)) = self.decide(line.number, text, out, totals) else {
            return;
        };
        totals.records += 1;
        count(self.rs, &decision, totals);
        if self.cfg.summary {
            self.write_brief(line.number, &profile, &decision, out);
        } else {
            self.write_report(line.number, &profile, &decision, out);
        }
        out.push(b'\n');
    }

    /// Decides a line's profile (JSON, or a CSV row); on an error, appends its record instead.
    fn decide(
        &self,
        number: u64,
        text: &str,
        out: &mut Vec<u8>,
        totals: &mut Totals,
    ) -> Option<(Profile, Decision)> {
        let lang = self.cfg.options.lang;
        let decided = match self.columns {
            None => livegate_core::decide_text(self.rs, text, self.opts.as_of, lang),
            Some(cols) => match cols.profile(text, lang) {
                Ok(p) => livegate_core::decide(self.rs, &p, self.opts.as_of, lang).map(|d| (p, d)),
                Err(e) => {
                    let body = ErrorBody {
                        kind: "invalid_row",
                        fault: None,
                        message: e.message.clone(),
                        path: None,
                        column: None,
                        field: e.column.as_deref(),
                        suggestion: None,
                    };
                    write_error(number, out, totals, body);
                    return None;
                }
            },
        };
        let e = match decided {
            Ok(pd) => return Some(pd),
            Err(e) => e,
        };
        let csv = self.columns.is_some();
        let further = if csv {
            Vec::new()
        } else {
            livegate_core::further_errors(self.rs, text, &e, self.opts.as_of, lang)
        };
        let more: Vec<ErrorBody> = further
            .iter()
            .map(|f| profile_error(f, lang, csv))
            .collect();
        write_errors(number, out, totals, profile_error(&e, lang, csv), &more);
        None
    }

    /// Appends the summary record (no newline): verdict, path statuses, missing documents.
    fn write_brief(&self, number: u64, profile: &Profile, decision: &Decision, out: &mut Vec<u8>) {
        let rs = self.rs;
        let brief = Brief {
            line: number,
            profile_id: profile.id.as_deref(),
            verdict: decision.verdict.as_str(),
            paths: rs
                .paths
                .iter()
                .zip(&decision.paths)
                .map(|(path, d)| BriefPath {
                    id: &path.id,
                    status: d.status.as_str(),
                    missing_documents: d
                        .missing
                        .iter()
                        .map(|&m| rs.documents[m].id.as_str())
                        .collect(),
                })
                .collect(),
        };
        let _ = serde_json::to_writer(&mut *out, &brief);
    }

    /// Appends the full report record (no newline), its line number first.
    fn write_report(&self, number: u64, profile: &Profile, decision: &Decision, out: &mut Vec<u8>) {
        let report = livegate_core::render(self.rs, profile, decision, self.opts.lang);
        // {"line":N, followed by the report's own keys.
        let start = out.len();
        let _ = serde_json::to_writer(&mut *out, &report);
        let head = format!("{{\"line\":{number},");
        if out.len() > start + 2 {
            out.splice(start..start + 1, head.bytes());
        }
    }
}

fn count(rs: &Ruleset, d: &Decision, totals: &mut Totals) {
    let v = Verdict::ALL
        .iter()
        .position(|v| *v == d.verdict)
        .unwrap_or(0);
    totals.verdicts[v] += 1;
    // What stands between a profile that is not yet eligible and the path
    // closest to opening (the plan's).
    if d.verdict == Verdict::Eligible {
        return;
    }
    let Some(plan) = d.plan_path.and_then(|i| d.paths.get(i)) else {
        return;
    };
    for &m in &plan.missing {
        let id = rs.documents[m].id.as_str();
        match totals.missing.get_mut(id) {
            Some(c) => *c += 1,
            None => {
                totals.missing.insert(id.to_string(), 1);
            }
        }
    }
}
