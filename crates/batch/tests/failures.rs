//! A run whose reader or worker panics is a failure, never a success with
//! a truncated output; and every failure has words in both languages.

use std::io::{self, BufRead, Read};

use livegate_batch::{BatchError, Config, Totals, run_with};
use livegate_core::Lang;

/// Gives `lines` good lines, then panics, as a broken input source would.
struct PanicsAfter {
    left: usize,
    buf: Vec<u8>,
}

impl Read for PanicsAfter {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let b = self.fill_buf()?;
            let n = b.len().min(out.len());
            out[..n].copy_from_slice(&b[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for PanicsAfter {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.buf.is_empty() {
            assert!(self.left > 0, "the input source broke");
            self.left -= 1;
            self.buf = b"{}\n".to_vec();
        }
        Ok(&self.buf)
    }

    fn consume(&mut self, n: usize) {
        self.buf.drain(..n);
    }
}

fn count(_: &livegate_batch::lines::Line, out: &mut Vec<u8>, t: &mut Totals) {
    out.extend_from_slice(b"{}\n");
    t.records += 1;
}

fn parallel() -> Config {
    Config {
        jobs: 2,
        chunk_lines: 10,
        ..Config::default()
    }
}

#[test]
fn a_reader_that_panics_fails_the_run() {
    let input = PanicsAfter {
        left: 1000,
        buf: Vec::new(),
    };
    let mut out = Vec::new();
    let got = run_with(input, &mut out, &parallel(), &|_| {}, &count);
    assert!(
        matches!(got, Err(BatchError::Panicked("reader"))),
        "{got:?}"
    );
}

#[test]
fn a_worker_that_panics_fails_the_run_and_does_not_hang() {
    let input: Vec<u8> = (0..1000).flat_map(|_| b"{}\n".to_vec()).collect();
    let panics_on_line_500 = |l: &livegate_batch::lines::Line, o: &mut Vec<u8>, t: &mut Totals| {
        assert!(l.number != 500, "a bug in evaluation");
        count(l, o, t);
    };
    let mut out = Vec::new();
    let got = run_with(
        input.as_slice(),
        &mut out,
        &parallel(),
        &|_| {},
        &panics_on_line_500,
    );
    assert!(
        matches!(got, Err(BatchError::Panicked("worker"))),
        "{got:?}"
    );
    let written = out.iter().filter(|&&b| b == b'\n').count();
    assert!(written < 500, "nothing past the failed chunk: {written}");
}

#[test]
fn every_failure_reads_in_both_languages() {
    let all = [
        BatchError::Read(io::Error::other("gone")),
        BatchError::Write(io::Error::other("full")),
        BatchError::Closed,
        BatchError::Header("no appid column".into()),
        BatchError::Panicked("reader"),
        BatchError::Panicked("worker"),
    ];
    for e in &all {
        let zh = e.phrase(Lang::Zh, "in.jsonl", "out.jsonl");
        let en = e.phrase(Lang::En, "in.jsonl", "out.jsonl");
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
        assert!(
            !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{en}"
        );
        assert!(!zh.contains('{') && !en.contains('{'), "{zh} / {en}");
        assert_eq!(e.to_string(), e.phrase(Lang::En, "the input", "the output"));
    }
}
