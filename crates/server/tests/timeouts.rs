//! The edge, tried with a raw socket: a client that sends nothing, sends
//! its headers too slowly (a slowloris), opens HTTP/2 with prior knowledge,
//! or sits idle on a kept-alive connection, is disconnected within the
//! header timeout; a request the HTTP layer cannot parse gets its status
//! and is disconnected.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Backend, Server};
use livegate_server::Settings;

fn server() -> Server {
    Server::start_with(
        &Backend::Sqlite,
        Settings {
            header_timeout: Duration::from_secs(1),
            ..Settings::default()
        },
    )
}

/// Reads until the peer closes; how long that took and what it sent.
fn until_closed(s: &mut TcpStream) -> (Duration, Vec<u8>) {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the connection was held open: {e}"),
        }
    }
    (start.elapsed(), got)
}

#[test]
fn half_sent_headers_are_cut_off_after_the_header_timeout() {
    let s = server();
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // One more header line a little later, as a slowloris does; never the end.
    std::thread::sleep(Duration::from_millis(300));
    let _ = c.write_all(b"X-Slow: 1\r\n");
    let (took, _) = until_closed(&mut c);
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    // The server still answers others.
    let ok = common::raw(
        s.addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert_eq!(ok.status, 200);
}

#[test]
fn an_idle_kept_alive_connection_is_closed() {
    let s = server();
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (took, got) = until_closed(&mut c);
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
    assert!(
        took < Duration::from_secs(4),
        "an idle connection stayed open {took:?}"
    );
}

/// Sends raw bytes; the answer's head (lower-cased) and body.
fn raw_answer(s: &Server, request: &[u8]) -> (String, String) {
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(request).unwrap();
    let (_, got) = until_closed(&mut c);
    let text = String::from_utf8_lossy(&got).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole answer");
    (head.to_ascii_lowercase(), body.to_string())
}

#[test]
fn a_connection_that_sends_nothing_is_closed() {
    let s = server();
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let (took, got) = until_closed(&mut c);
    assert!(
        took < Duration::from_secs(3),
        "a silent connection stayed {took:?}"
    );
    assert!(
        got.is_empty() || String::from_utf8_lossy(&got).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}

#[test]
fn http2_with_prior_knowledge_is_refused_not_held() {
    let s = server();
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The HTTP/2 connection preface, then nothing: an idle h2c client.
    c.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
    let (took, got) = until_closed(&mut c);
    assert!(
        took < Duration::from_secs(3),
        "an h2c connection stayed {took:?}"
    );
    let head = String::from_utf8_lossy(&got);
    assert!(
        got.is_empty() || head.starts_with("HTTP/1.1 4") || head.starts_with("HTTP/1.1 505"),
        "{head}"
    );
}

#[test]
fn requests_the_http_layer_cannot_parse_get_their_status_and_are_disconnected() {
    let s = server();
    let many_headers: String = (0..200).map(|i| format!("x-h{i}: v\r\n")).collect();
    let cases = [
        (b"GARBAGE\r\n\r\n".to_vec(), 400),
        (
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n").into_bytes(),
            431,
        ),
        (b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n".to_vec(), 400),
    ];
    for (request, status) in cases {
        let (head, _) = raw_answer(&s, &request);
        assert!(head.starts_with(&format!("http/1.1 {status} ")), "{head}");
    }
    let (head, body) = raw_answer(
        &s,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        head.starts_with("http/1.1 200 "),
        "a good request still passes: {head} {body}"
    );
}
