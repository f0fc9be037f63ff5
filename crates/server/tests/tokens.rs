//! A token's lifecycle over HTTP: listed without secrets, revoked by an
//! administrator and refused at once here and within a second by another
//! replica, refused once expired, and failed authentications counted and
//! rate-limited per client.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, Server, backends, raw};
use livegate_store::{Role, TokenOptions};

fn get_at(addr: std::net::SocketAddr, path: &str, token: &str) -> u16 {
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    raw(addr, head.as_bytes(), b"").status
}

#[test]
fn an_admin_lists_tokens_without_secrets_and_a_revoked_token_is_refused_at_once() {
    for b in backends() {
        let s = Server::start(&b);
        let t = s.tenant("acme");
        let other = s.tenant("other");
        assert_eq!(s.get("/v1/applicants", &t.editor).status, 200);
        let list = s.get("/v1/tokens", &t.admin).json();
        let items = list["items"].as_array().expect("items");
        assert_eq!(items.len(), 3);
        assert!(
            !list.to_string().contains(&t.editor),
            "no secret is ever listed"
        );
        let editor = items
            .iter()
            .find(|i| i["role"] == "editor")
            .expect("editor");
        assert!(editor["last_used_at"].is_string(), "its last use is kept");
        let id = editor["id"].as_str().expect("id").to_string();
        s.get("/v1/tokens", &t.editor).problem(403);
        s.call(
            "DELETE",
            &format!("/v1/tokens/{id}"),
            Some(&other.admin),
            &[],
            b"",
        )
        .problem(404);
        let r = s.call(
            "DELETE",
            &format!("/v1/tokens/{id}"),
            Some(&t.admin),
            &[],
            b"",
        );
        assert_eq!(r.status, 204, "{}", r.text());
        s.get("/v1/applicants", &t.editor).problem(401);
        let list = s.get("/v1/tokens", &t.admin).json();
        let revoked = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id.as_str())
            .unwrap()
            .clone();
        assert!(revoked["revoked_at"].is_string());
    }
}

#[test]
fn another_replica_refuses_a_revoked_token_within_a_second() {
    let backend = backends()
        .into_iter()
        .find(|b| matches!(b, Backend::Postgres(_)))
        .unwrap_or(Backend::Sqlite);
    let s = Server::start(&backend);
    let t = s.tenant("acme");
    let other = s.replica();
    // The other replica has the token in its cache.
    assert_eq!(get_at(other, "/v1/applicants", &t.editor), 200);
    let id = s.get("/v1/tokens", &t.admin).json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == "editor")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let revoked = Instant::now();
    assert_eq!(
        s.call(
            "DELETE",
            &format!("/v1/tokens/{id}"),
            Some(&t.admin),
            &[],
            b""
        )
        .status,
        204
    );
    let refused_after = loop {
        if get_at(other, "/v1/applicants", &t.editor) == 401 {
            break revoked.elapsed();
        }
        assert!(
            revoked.elapsed() < Duration::from_secs(5),
            "still accepted after 5 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    eprintln!("refused by the other replica after {refused_after:?}");
    assert!(
        refused_after <= Duration::from_millis(1500),
        "{refused_after:?}"
    );
}

#[test]
fn an_expired_token_is_refused_and_so_are_console_sessions_made_from_it() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let past = TokenOptions {
        label: Some("old".into()),
        expires_at: Some("2020-01-01T00:00:00.000Z".into()),
    };
    let (_, secret) =
        s.rt.block_on(s.store.create_token_with(&t.id, Role::Editor, past))
            .unwrap();
    s.get("/v1/applicants", &secret).problem(401);
    let future = TokenOptions {
        label: None,
        expires_at: Some("2099-01-01T00:00:00.000Z".into()),
    };
    let (_, live) =
        s.rt.block_on(s.store.create_token_with(&t.id, Role::Editor, future))
            .unwrap();
    assert_eq!(s.get("/v1/applicants", &live).status, 200);
}

#[test]
fn failed_authentications_are_counted_and_rate_limited_per_client() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    // A request with no token guesses nothing and is never slowed down.
    for _ in 0..60 {
        s.call("GET", "/v1/applicants", None, &[], b"").problem(401);
    }
    let mut limited = None;
    for i in 0..60 {
        let r = s.get("/v1/applicants", &format!("lg_guess{i}"));
        if r.status == 429 {
            limited = Some(r);
            break;
        }
        r.problem(401);
    }
    let r = limited.expect("guessing tokens is slowed down");
    let p = r.problem(429);
    assert!(r.header("retry-after").is_some(), "{p}");
    let metrics = s.call("GET", "/metrics", None, &[], b"").text();
    assert!(
        metrics.contains("livegate_auth_failures_total"),
        "{metrics}"
    );
    assert!(
        metrics.contains("livegate_auth_rate_limited_total 1"),
        "{metrics}"
    );
    let paused = s.get("/v1/applicants", &t.viewer);
    assert_eq!(
        paused.status, 429,
        "while paused, no secret from the address is looked up, a right one included: guessing stops"
    );
    let wait: u64 = paused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    std::thread::sleep(std::time::Duration::from_secs(wait));
    assert_eq!(
        s.get("/v1/applicants", &t.viewer).status,
        200,
        "after Retry-After, a valid token works"
    );
}
