//! Webhooks over real HTTP, on SQLite and PostgreSQL: endpoints are checked
//! (scheme, private addresses, event types, admins only), events written in
//! their change's transaction are delivered signed as Standard Webhooks
//! asks, a failing receiver gets retries with growing delays, a stop between
//! the commit and the delivery loses nothing, and two replicas on one
//! PostgreSQL deliver 1,000 events exactly once between them.
//! (e2e/webhooks/receive.py checks the signatures with `standardwebhooks`.)

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Backend, Server, backends};
use livegate_server::Settings;
use livegate_server::webhooks::deliver::signature;
use serde_json::{Value, json};

/// One request a receiver got: its headers, its body, and when.
type Request = (HashMap<String, String>, String, Instant);

/// What a receiver got.
#[derive(Clone, Default)]
struct Got(Arc<Mutex<Vec<Request>>>);

impl Got {
    fn len(&self) -> usize {
        self.0.lock().map(|v| v.len()).unwrap_or(0)
    }
    fn all(&self) -> Vec<Request> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// A receiver on a free port that answers 500 to its first `fail` requests
/// and 204 after; its URL and what it got.
fn receiver(fail: usize) -> (String, Got) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let got = Got::default();
    let keep = got.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut s) = stream else { continue };
            let mut r = BufReader::new(s.try_clone().expect("clone"));
            let mut headers = HashMap::new();
            let mut line = String::new();
            let _ = r.read_line(&mut line);
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.trim_end().split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                }
            }
            let len: usize = headers
                .get("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            keep.0.lock().expect("lock").push((
                headers,
                String::from_utf8_lossy(&body).into(),
                Instant::now(),
            ));
            let status = if n < fail {
                "500 Internal Server Error"
            } else {
                "204 No Content"
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (url, got)
}

fn settings() -> Settings {
    Settings {
        webhook_allow_private: true,
        webhook_retry_base: Duration::from_secs(1),
        webhook_every: Duration::from_millis(100),
        ..Settings::default()
    }
}

fn wait_for(what: &str, secs: u64, done: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < until, "waited {secs} s for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn register(s: &Server, token: &str, url: &str, events: &[&str]) -> (String, String) {
    let r = s.json(
        "POST",
        "/v1/webhooks",
        token,
        &json!({"url": url, "events": events}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let j = r.json();
    (
        j["endpoint"]["id"].as_str().unwrap().into(),
        j["secret"].as_str().unwrap().into(),
    )
}

#[test]
fn endpoints_are_checked_and_their_secret_is_answered_once() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let bad = [
        (
            json!({"url": "ftp://example.com/x", "events": ["document.verified"]}),
            "url",
        ),
        (
            json!({"url": "http://127.0.0.1:9/x", "events": ["document.verified"]}),
            "url",
        ),
        (
            json!({"url": "http://169.254.169.254/latest", "events": ["document.verified"]}),
            "url",
        ),
        (
            json!({"url": "https://example.com/x", "events": ["document.eaten"]}),
            "events",
        ),
        (
            json!({"url": "https://example.com/x", "events": []}),
            "events",
        ),
    ];
    for (body, field) in bad {
        let r = s.json("POST", "/v1/webhooks", &t.admin, &body);
        assert_eq!(r.status, 422, "{body}: {}", r.text());
        assert_eq!(r.json()["errors"][0]["path"], field);
    }
    let ok = json!({"url": "https://example.com/hook", "events": ["document.verified"]});
    assert_eq!(s.json("POST", "/v1/webhooks", &t.editor, &ok).status, 403);
    let (_, secret) = register(
        &s,
        &t.admin,
        "https://example.com/hook",
        &["document.verified"],
    );
    assert!(secret.starts_with("whsec_"));
    assert!(!s.get("/v1/webhooks", &t.admin).text().contains(&secret));
    assert_eq!(s.get("/v1/webhooks", &t.editor).status, 403);
}

#[test]
fn events_arrive_signed_and_a_failing_receiver_gets_growing_delays() {
    for b in backends() {
        let s = Server::start_with(&b, settings());
        let t = s.tenant("acme");
        let (url, got) = receiver(3);
        let (endpoint, secret) = register(
            &s,
            &t.admin,
            &url,
            &["applicant.verdict_changed", "ruleset.impact"],
        );
        s.rt.block_on(
            s.store
                .raise(&t.id, "ruleset.impact", json!({"changed": 3})),
        )
        .expect("raise");
        // Not asked for: never delivered.
        s.rt.block_on(s.store.raise(&t.id, "document.expiring", json!({})))
            .expect("raise");
        wait_for("three failures and a success", 30, || got.len() >= 4);
        let all = got.all();
        let ids: Vec<&String> = all.iter().map(|(h, _, _)| &h["webhook-id"]).collect();
        assert!(
            ids.iter().all(|id| *id == ids[0]),
            "one id on every attempt: {ids:?}"
        );
        for (h, body, _) in &all {
            let ts: i64 = h["webhook-timestamp"].parse().expect("timestamp");
            assert_eq!(
                Some(h["webhook-signature"].clone()),
                signature(&secret, &h["webhook-id"], ts, body)
            );
            assert_eq!(
                serde_json::from_str::<Value>(body).expect("json")["type"],
                "ruleset.impact"
            );
        }
        let gaps: Vec<Duration> = all.windows(2).map(|w| w[1].2 - w[0].2).collect();
        assert!(
            gaps[1] > gaps[0] && gaps[2] > gaps[1],
            "delays grow: {gaps:?}"
        );
        let log = s
            .get(&format!("/v1/webhooks/{endpoint}/deliveries"), &t.admin)
            .json();
        assert_eq!(log["items"][0]["state"], "delivered", "{log}");
        assert_eq!(log["items"][0]["attempts"], 4);
        assert_eq!(log["items"].as_array().unwrap().len(), 1);

        // A replay sends it again with the same id.
        let d = log["items"][0]["id"].as_str().unwrap();
        let r = s.call(
            "POST",
            &format!("/v1/webhooks/{endpoint}/deliveries/{d}/replay"),
            Some(&t.admin),
            &[],
            b"",
        );
        assert_eq!(r.status, 204);
        wait_for("the replay", 10, || got.len() >= 5);
        assert_eq!(got.all()[4].0["webhook-id"], *ids[0]);
    }
}

#[test]
fn an_event_committed_before_a_stop_is_delivered_after_the_restart() {
    for b in backends() {
        let slow = Settings {
            webhook_every: Duration::from_secs(3600),
            ..settings()
        };
        let mut s = Server::start_with(&b, slow);
        let t = s.tenant("acme");
        let (url, got) = receiver(0);
        register(&s, &t.admin, &url, &["ruleset.impact"]);
        for n in 0..5 {
            s.rt.block_on(s.store.raise(&t.id, "ruleset.impact", json!({"n": n})))
                .expect("raise");
        }
        // The worker's first round runs at once: let it, then stop before
        // it could see the rest.
        std::thread::sleep(Duration::from_millis(300));
        s.rt.block_on(s.store.raise(&t.id, "ruleset.impact", json!({"n": 5})))
            .expect("raise");
        s.stop_and_wait();
        let before = got.len();
        assert!(
            before < 6,
            "the stopped server delivered everything already"
        );
        s.restart(settings());
        wait_for("every event after the restart", 20, || got.len() >= 6);
        let mut ns: Vec<i64> = got
            .all()
            .iter()
            .map(|(_, b, _)| {
                serde_json::from_str::<Value>(b).expect("json")["data"]["n"]
                    .as_i64()
                    .unwrap_or(-1)
            })
            .collect();
        ns.sort_unstable();
        assert_eq!(ns, (0..6).collect::<Vec<_>>(), "each once, none lost");
    }
}

#[test]
fn two_replicas_on_one_postgresql_deliver_each_of_1000_events_once() {
    let Some(pg) = backends()
        .into_iter()
        .find(|b| matches!(b, Backend::Postgres(_)))
    else {
        return;
    };
    let s = Server::start_with(&pg, settings());
    s.replica_with(settings());
    let t = s.tenant("acme");
    let (url, got) = receiver(0);
    register(&s, &t.admin, &url, &["ruleset.impact"]);
    for n in 0..1000 {
        s.rt.block_on(s.store.raise(&t.id, "ruleset.impact", json!({"n": n})))
            .expect("raise");
    }
    wait_for("1,000 deliveries", 120, || got.len() >= 1000);
    std::thread::sleep(Duration::from_secs(2));
    let all = got.all();
    let mut ids: Vec<&String> = all.iter().map(|(h, _, _)| &h["webhook-id"]).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (all.len(), ids.len()),
        (1000, 1000),
        "each event exactly once"
    );
}

#[test]
fn the_expiry_sweep_raises_each_notice_once_a_day() {
    use livegate_store::clock;
    for b in backends() {
        let s = Server::start_with(&b, settings());
        let t = s.tenant("acme");
        let (url, got) = receiver(0);
        register(&s, &t.admin, &url, &["document.expiring"]);
        let app = s.json(
            "POST",
            "/v1/applicants",
            &t.editor,
            &json!({"appid": "wx00000000000000a7", "subject": {"type": "enterprise"}}),
        );
        let app = app.json()["id"].as_str().unwrap().to_string();
        let today = clock::today();
        for days in [7, 8, 30] {
            let doc = json!({"kind": "business_license", "valid_until": clock::format_date(today + days)});
            assert_eq!(
                s.json(
                    "POST",
                    &format!("/v1/applicants/{app}/documents"),
                    &t.editor,
                    &doc
                )
                .status,
                201
            );
        }
        let day = clock::format_date(today);
        // The server's own sweep may have run at its start: count what the
        // sweeps raise between them, and what arrives.
        let first = s.rt.block_on(s.store.expiry_sweep(&day)).expect("sweep");
        let again = s.rt.block_on(s.store.expiry_sweep(&day)).expect("sweep");
        assert_eq!((first, again), (2, 0), "7 and 30 days out, once each");
        wait_for("two notices", 10, || got.len() >= 2);
        std::thread::sleep(Duration::from_millis(500));
        let mut days: Vec<i64> = got
            .all()
            .iter()
            .map(|(_, b, _)| {
                serde_json::from_str::<Value>(b).expect("json")["data"]["days"]
                    .as_i64()
                    .unwrap_or(0)
            })
            .collect();
        days.sort_unstable();
        assert_eq!(days, vec![7, 30]);
    }
}
