//! A connection's bytes, with one repair: the answers hyper writes by itself
//! for a request it cannot parse.
//!
//! When a request line or its headers cannot be read (a malformed line,
//! headers past the size limit, a URI too long), hyper answers 400, 431 or
//! 414 on its own, before any service runs, with no content type and an
//! empty body, and closes the connection. It has no hook to shape that
//! answer, so [`ProblemIo`] watches what is written: a head with one of
//! those statuses and no `content-type` can only be hyper's (every answer
//! livegate's own code gives is a problem with its type), and it is replaced
//! by the same answer as an `application/problem+json` problem. Nothing else
//! is touched.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::Problem;

/// An I/O stream whose bare parse-error answers become problems.
pub struct ProblemIo<S> {
    inner: S,
    /// A replacement being written: its bytes, how many are out, and the
    /// length of the original write to report once all are.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> ProblemIo<S> {
    pub fn new(inner: S) -> ProblemIo<S> {
        ProblemIo {
            inner,
            pending: None,
        }
    }
}

/// The problem answer for a bare head hyper wrote, or `None` for any other
/// bytes.
pub fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    let status = head.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    let (code, title, detail) = match status {
        b"400" => (
            "bad_request",
            "请求有误 · bad request",
            "the request line or a header could not be read",
        ),
        b"414" => (
            "uri_too_long",
            "URI 过长 · URI too long",
            "the request's URI is longer than the service reads",
        ),
        b"431" => (
            "header_too_large",
            "请求头过大 · request header fields too large",
            "the request's headers are larger than the service reads",
        ),
        _ => return None,
    };
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    let lower = head[..end].to_ascii_lowercase();
    if lower.windows(13).any(|w| w == b"content-type:") {
        return None;
    }
    let problem = Problem {
        kind: format!("urn:livegate:problem:{code}"),
        title: title.to_string(),
        status: std::str::from_utf8(status).ok()?.parse().ok()?,
        detail: Some(detail.to_string()),
        errors: Vec::new(),
    };
    let body = serde_json::to_vec(&problem).ok()?;
    let reason = std::str::from_utf8(&head[..head.iter().position(|&b| b == b'\r')?]).ok()?;
    let mut out = format!(
        "{reason}\r\ncontent-type: application/problem+json\r\n\
         x-content-type-options: nosniff\r\ncache-control: no-store\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

impl<S: AsyncWrite + Unpin> ProblemIo<S> {
    /// Writes out a pending replacement; ready with the original length.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        while let Some((bytes, done, reported)) = &mut self.pending {
            if *done == bytes.len() {
                let n = *reported;
                self.pending = None;
                return Poll::Ready(Ok(n));
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*done..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *done += n;
        }
        Poll::Ready(Ok(0))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ProblemIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ProblemIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            match replacement(buf) {
                Some(bytes) => self.pending = Some((bytes, 0, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        self.drain(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            let first = bufs.iter().find(|b| !b.is_empty());
            match first.and_then(|b| replacement(b)) {
                // The head is its own slice; report only it as written.
                Some(bytes) => {
                    let len = first.map_or(0, |b| b.len());
                    self.pending = Some((bytes, 0, len));
                }
                None => return Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
            }
        }
        self.drain(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::replacement;

    #[test]
    fn only_a_bare_parse_error_head_is_replaced() {
        let bare =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(replacement(bare).expect("replaced")).expect("utf-8");
        assert!(out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(out.contains("content-type: application/problem+json"));
        assert!(out.contains("\"status\":431"));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: 2\r\n\r\n{}";
        assert!(replacement(ours).is_none(), "livegate's own problems pass");
        assert!(replacement(b"HTTP/1.1 200 OK\r\n\r\n").is_none());
        assert!(replacement(b"{\"status\":400}").is_none(), "a body passes");
    }
}
