//! The service's edge as a client meets it: request ids in headers and
//! problems, problems in the reader's language, compression, security
//! headers, bounded rate-limiter memory, and a graceful stop that loses no
//! acknowledged write.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{Backend, Server, backends};
use livegate_server::Settings;
use serde_json::json;

#[test]
fn every_answer_has_a_request_id_and_a_problem_carries_it() {
    let s = Server::start(&Backend::Sqlite);
    let ok = s.call("GET", "/healthz", None, &[], b"");
    let id = ok.header("x-request-id").expect("a request id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let given = [("x-request-id", "client-chosen-42")];
    let r = s.call("GET", "/v1/nothing-here", None, &given, b"");
    assert_eq!(r.header("x-request-id"), Some("client-chosen-42"));
    assert_eq!(r.problem(404)["request_id"], "client-chosen-42");
    let unauth = s.call("GET", "/v1/applicants", None, &[], b"");
    let p = unauth.problem(401);
    assert_eq!(
        p["request_id"].as_str(),
        unauth.header("x-request-id"),
        "{p}"
    );
}

#[test]
fn a_problem_is_in_the_language_asked_for_and_chinese_by_default() {
    let s = Server::start(&Backend::Sqlite);
    let title = |path: &str, headers: &[(&str, &str)]| {
        let r = s.call("GET", path, None, headers, b"");
        r.problem(404)["title"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(title("/v1/nothing-here", &[]), "不存在");
    assert_eq!(title("/v1/nothing-here?lang=en", &[]), "not found");
    let english = [("Accept-Language", "en-GB,en;q=0.9")];
    assert_eq!(title("/v1/nothing-here", &english), "not found");
    let chinese_first = [("Accept-Language", "zh-CN,en;q=0.5")];
    assert_eq!(title("/v1/nothing-here", &chinese_first), "不存在");
    assert_eq!(
        title("/v1/nothing-here?lang=zh", &english),
        "不存在",
        "?lang= wins over the header"
    );
}

#[test]
fn a_routes_own_refusals_are_in_the_language_asked_for() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let han = |v: &serde_json::Value| {
        v.as_str()
            .unwrap_or("")
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    };
    for path in [
        "/v1/applicants?limit=0",
        "/v1/applicants?cursor=nope",
        "/v1/applicants?limit=abc",
        "/v1/expiring?within=forever",
    ] {
        let zh = s.get(path, &t.viewer).problem(400);
        assert!(han(&zh["title"]) && han(&zh["detail"]), "{path}: {zh}");
        let en_path = format!("{path}&lang=en");
        let en = s.get(&en_path, &t.viewer).problem(400);
        assert!(!han(&en["title"]) && !han(&en["detail"]), "{path}: {en}");
    }
}

#[test]
fn large_answers_are_compressed_for_clients_that_accept_it() {
    let s = Server::start(&Backend::Sqlite);
    for (accept, encoding) in [("gzip", "gzip"), ("br", "br"), ("br, gzip", "br")] {
        let r = s.call(
            "GET",
            "/openapi.json",
            None,
            &[("Accept-Encoding", accept)],
            b"",
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some(encoding), "{accept}");
    }
    let plain = s.call("GET", "/openapi.json", None, &[], b"");
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.json()["paths"].is_object());
}

#[test]
fn security_headers_are_on_every_answer_and_the_csp_on_pages() {
    let s = Server::start(&Backend::Sqlite);
    let api = s.call("GET", "/v1/nothing-here", None, &[], b"");
    let page = s.call("GET", "/signin", None, &[], b"");
    for r in [&api, &page] {
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
        assert_eq!(r.header("referrer-policy"), Some("same-origin"));
        assert!(r.header("cache-control").is_some());
    }
    assert!(api.header("content-security-policy").is_none());
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src"), "{csp}");
}

/// Three failed authentications from `ip`, on one kept-alive connection.
async fn fail_three_times(server: SocketAddr, ip: std::net::Ipv4Addr) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((ip, 0)))?;
    let mut c = socket.connect(server).await?;
    let one = "GET /v1/applicants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n";
    let req = format!("{one}\r\n{one}\r\n{one}Connection: close\r\n\r\n");
    c.write_all(req.as_bytes()).await?;
    let mut sink = Vec::new();
    c.read_to_end(&mut sink).await?;
    Ok(())
}

fn gauge(s: &Server, limiter: &str) -> f64 {
    let m = s.call("GET", "/metrics", None, &[], b"").text();
    let line = format!("livegate_rate_limiter_keys{{limiter=\"{limiter}\"}} ");
    m.lines()
        .find_map(|l| l.strip_prefix(&line))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1.0)
}

#[test]
fn the_failure_limiter_forgets_ten_thousand_addresses_once_they_stop() {
    let s = Server::start_with(
        &Backend::Sqlite,
        Settings {
            sweep_every: Duration::from_millis(200),
            ..Settings::default()
        },
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let addr = s.addr;
    rt.block_on(async {
        let ips: Vec<_> = (0..10_000u32)
            .map(|i| std::net::Ipv4Addr::new(127, 1, (i / 250) as u8, (i % 250 + 1) as u8))
            .collect();
        for chunk in ips.chunks(100) {
            let tasks: Vec<_> = chunk
                .iter()
                .map(|&ip| tokio::spawn(fail_three_times(addr, ip)))
                .collect();
            for t in tasks {
                t.await
                    .expect("task")
                    .expect("three failures from one address");
            }
        }
    });
    let metrics = s.call("GET", "/metrics", None, &[], b"").text();
    assert!(
        metrics.contains("livegate_auth_failures_total 30000"),
        "{metrics}"
    );
    // The last address's failures are forgiven within a second (5 a
    // second come back); the sweep then drops every key.
    let start = Instant::now();
    while gauge(&s, "address") != 0.0 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still tracking {} addresses",
            gauge(&s, "address")
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_stop_finishes_the_requests_in_flight_and_loses_no_acknowledged_write() {
    for b in backends() {
        let mut s = Server::start(&b);
        let t = s.tenant("acme");
        let addr = s.addr;
        let editor = t.editor.clone();
        let made = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (editor, made) = (editor.clone(), made.clone());
                std::thread::spawn(move || write_until_refused(addr, &editor, w, &made))
            })
            .collect();
        // Stop while writes are in flight, once some have been acknowledged.
        let start = Instant::now();
        while made.load(std::sync::atomic::Ordering::Relaxed) < 8 {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no writes were made"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        s.stop_and_wait();
        let acknowledged: Vec<String> = writers
            .into_iter()
            .flat_map(|w| w.join().expect("writer"))
            .collect();
        assert!(
            acknowledged.len() > 4,
            "writes were made: {}",
            acknowledged.len()
        );
        let again = Server::start(&Backend::Existing(s.url.clone()));
        for id in &acknowledged {
            let r = again.get(&format!("/v1/applicants/{id}"), &t.viewer);
            assert_eq!(r.status, 200, "acknowledged {id} was lost: {}", r.text());
        }
    }
}

/// Creates applicants one after another until the server stops answering;
/// the ids it acknowledged with 201.
fn write_until_refused(
    addr: SocketAddr,
    token: &str,
    writer: usize,
    made: &std::sync::atomic::AtomicUsize,
) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0.. {
        let appid = format!("wx{writer:02}{i:014x}");
        let body = json!({"appid": appid, "subject": {"type": "enterprise"}}).to_string();
        let head = format!(
            "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        let Ok(mut c) = std::net::TcpStream::connect(addr) else {
            break;
        };
        let _ = c.set_read_timeout(Some(Duration::from_secs(30)));
        if c.write_all(head.as_bytes()).is_err() || c.write_all(body.as_bytes()).is_err() {
            break;
        }
        let mut got = Vec::new();
        if c.read_to_end(&mut got).is_err() || got.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(&got);
        if !text.starts_with("HTTP/1.1 201") {
            continue;
        }
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        if let Some(id) = v["id"].as_str() {
            ids.push(id.to_string());
            made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    ids
}
