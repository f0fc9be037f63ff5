//! Reading input one line at a time with a cap on a line's length, so that a
//! huge line is reported, not held in memory.

use std::io::{self, BufRead};

/// A line's text: SIMD validation first (simdutf8), and std's, which says
/// where the fault is, only for a line that is not UTF-8.
pub fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(bytes),
    }
}

/// One line of input, without its line ending.
#[derive(Debug, Default)]
pub struct Line {
    /// 1-based line number.
    pub number: u64,
    /// The line's bytes, at most the cap; without `\n` or `\r\n`.
    pub bytes: Vec<u8>,
    /// The line's full length when it went over the cap (its bytes are then dropped).
    pub too_long: Option<u64>,
}

/// Splits a reader into lines: `\n` or `\r\n` endings, a last line without
/// ending, a UTF-8 byte order mark at the start dropped. A line longer than
/// `cap` bytes is skipped through to its end and returned with `too_long`.
pub struct LineReader<R> {
    inner: R,
    cap: usize,
    number: u64,
    at_start: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, cap: usize) -> Self {
        LineReader {
            inner,
            cap,
            number: 0,
            at_start: true,
        }
    }

    /// Reads the next line into `line`; `false` at the end of input.
    pub fn next_into(&mut self, line: &mut Line) -> io::Result<bool> {
        line.bytes.clear();
        line.too_long = None;
        let mut total: u64 = 0;
        let mut any = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            any = true;
            let (chunk, done) = match memchr_nl(buf) {
                Some(i) => (&buf[..i], Some(i + 1)),
                None => (buf, None),
            };
            total += chunk.len() as u64;
            if line.too_long.is_none() {
                if line.bytes.len() + chunk.len() <= self.cap {
                    line.bytes.extend_from_slice(chunk);
                } else {
                    line.bytes = Vec::new();
                    line.too_long = Some(0);
                }
            }
            let used = done.unwrap_or(buf.len());
            self.inner.consume(used);
            if done.is_some() {
                break;
            }
        }
        if !any {
            return Ok(false);
        }
        self.number += 1;
        line.number = self.number;
        if let Some(t) = &mut line.too_long {
            *t = total;
        }
        if line.bytes.last() == Some(&b'\r') {
            line.bytes.pop();
        }
        if self.at_start {
            self.at_start = false;
            if line.bytes.starts_with(b"\xEF\xBB\xBF") {
                line.bytes.drain(..3);
            }
        }
        Ok(true)
    }
}

/// The next newline, found with memchr's vectorised search (a byte loop
/// took about 5 instructions a byte, a tenth of the batch's time).
fn memchr_nl(b: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_agrees_with_std_and_says_where_a_bad_line_goes_wrong() {
        let long = "《营业执照》".repeat(40);
        let cases: [&[u8]; 5] = [
            "{\"subject\":{\"type\":\"企业\"}}".as_bytes(),
            b"",
            b"{\"a\":\"\xe4\xbc\"}",
            b"\xff",
            long.as_bytes(),
        ];
        for bytes in cases {
            match (utf8(bytes), std::str::from_utf8(bytes)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.valid_up_to(), b.valid_up_to()),
                (a, b) => panic!("{a:?} against std's {b:?}"),
            }
        }
        assert_eq!(
            utf8(b"{\"a\":\"\xe4\xbc\"}").map_err(|e| e.valid_up_to()),
            Err(6)
        );
    }

    fn lines(input: &[u8], cap: usize) -> Vec<(u64, Vec<u8>, Option<u64>)> {
        let mut r = LineReader::new(io::BufReader::with_capacity(4, input), cap);
        let mut out = Vec::new();
        let mut l = Line::default();
        while r.next_into(&mut l).unwrap() {
            out.push((l.number, l.bytes.clone(), l.too_long));
        }
        out
    }

    #[test]
    fn crlf_and_a_last_line_without_newline_are_lines() {
        let got = lines(b"ab\r\ncd\nef", 100);
        assert_eq!(
            got,
            vec![
                (1, b"ab".to_vec(), None),
                (2, b"cd".to_vec(), None),
                (3, b"ef".to_vec(), None)
            ]
        );
    }

    #[test]
    fn empty_input_has_no_lines_and_a_bom_is_dropped_only_at_the_start() {
        assert!(lines(b"", 10).is_empty());
        let got = lines(b"\xEF\xBB\xBFx\n\xEF\xBB\xBFy\n", 10);
        assert_eq!(got[0].1, b"x");
        assert_eq!(got[1].1, b"\xEF\xBB\xBFy");
    }

    #[test]
    fn a_line_over_the_cap_is_reported_with_its_length_and_the_next_line_is_intact() {
        let mut input = vec![b'x'; 50];
        input.extend_from_slice(b"\nok\n");
        let got = lines(&input, 10);
        assert_eq!(got[0], (1, Vec::new(), Some(50)));
        assert_eq!(got[1], (2, b"ok".to_vec(), None));
    }
}
