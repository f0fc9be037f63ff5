//! A real server on a free loopback port, driven over HTTP by a small client
//! that can also send what well-behaved clients never do. Each server gets a
//! fresh database: a SQLite file in a temporary directory, or a fresh schema
//! in the PostgreSQL of `LIVEGATE_TEST_POSTGRES_URL`.

#![allow(dead_code)]

pub mod console;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use livegate_server::{AppState, Settings};
use livegate_store::{Role, Store};
use serde_json::Value;
use sqlx::Connection;

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// A PostgreSQL server: the test gets a schema of its own there,
    /// dropped at the end.
    Postgres(String),
    /// A database URL used as it is, data included (a restored copy).
    Existing(String),
}

/// SQLite always; PostgreSQL too when `LIVEGATE_TEST_POSTGRES_URL` is set.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("LIVEGATE_TEST_POSTGRES_URL")
        && !url.is_empty()
    {
        v.push(Backend::Postgres(url));
    }
    v
}

pub struct Server {
    pub addr: SocketAddr,
    /// The database URL, for a second replica on the same data.
    pub url: String,
    pub rt: tokio::runtime::Runtime,
    pub store: Store,
    pub dir: tempfile::TempDir,
    pub backend: Backend,
    schema: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub struct Tenant {
    pub id: String,
    pub admin: String,
    pub editor: String,
    pub viewer: String,
}

impl Server {
    pub fn start(backend: &Backend) -> Server {
        Server::start_with(backend, Settings::default())
    }

    pub fn start_with(backend: &Backend, settings: Settings) -> Server {
        let ruleset = livegate_core::default_ruleset().expect("ruleset");
        Server::start_with_ruleset(backend, settings, ruleset)
    }

    /// A server that evaluates with `ruleset` instead of the embedded one.
    pub fn start_with_ruleset(
        backend: &Backend,
        mut settings: Settings,
        ruleset: livegate_core::Ruleset,
    ) -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        settings.data_dir = dir.path().join("data");
        let (url, schema) = match backend {
            Backend::Sqlite => (Store::sqlite_url(&dir.path().join("livegate.db")), None),
            Backend::Existing(url) => (url.clone(), None),
            Backend::Postgres(base) => {
                let schema = format!(
                    "lgtest_{}",
                    livegate_store::clock::new_id("s").to_lowercase()
                );
                rt.block_on(async {
                    sqlx::any::install_default_drivers();
                    let mut c = sqlx::AnyConnection::connect(base)
                        .await
                        .expect("connect to PostgreSQL");
                    sqlx::query(&format!("CREATE SCHEMA {schema}"))
                        .execute(&mut c)
                        .await
                        .expect("create schema");
                });
                let sep = if base.contains('?') { '&' } else { '?' };
                (
                    format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                    Some(schema),
                )
            }
        };
        let store = rt.block_on(Store::open(&url)).expect("open store");
        let db_url = url.clone();
        let state = AppState::new(store.clone(), ruleset, settings);
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let serving = rt.spawn(livegate_server::serve(listener, state, async {
            let _ = rx.await;
        }));
        Server {
            addr,
            url: db_url,
            rt,
            store,
            dir,
            backend: backend.clone(),
            schema,
            stop: Some(tx),
            serving: Some(serving),
        }
    }

    /// Stops as SIGTERM does, then serves again on the same database and
    /// data directory (a new address), as a restarted process would.
    pub fn restart(&mut self, settings: Settings) {
        self.stop_and_wait();
        let mut settings = settings;
        settings.data_dir = self.dir.path().join("data");
        let ruleset = livegate_core::default_ruleset().expect("ruleset");
        let state = AppState::new(self.store.clone(), ruleset, settings);
        let listener = self
            .rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        self.addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        self.serving = Some(
            self.rt
                .spawn(livegate_server::serve(listener, state, async {
                    let _ = rx.await;
                })),
        );
        self.stop = Some(tx);
    }

    /// Stops as SIGTERM does, and waits until the server has drained.
    pub fn stop_and_wait(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.serving.take() {
            let _ = self.rt.block_on(h);
        }
    }

    /// Another replica on the same database, with its own token cache:
    /// its address. It stops with this server's runtime.
    pub fn replica(&self) -> SocketAddr {
        self.replica_with(Settings::default())
    }

    /// [`Server::replica`] with settings of its own.
    pub fn replica_with(&self, settings: Settings) -> SocketAddr {
        let store = self
            .rt
            .block_on(Store::open(&self.url))
            .expect("open store");
        let ruleset = livegate_core::default_ruleset().expect("ruleset");
        let settings = Settings {
            data_dir: self.dir.path().join("data"),
            ..settings
        };
        let state = AppState::new(store, ruleset, settings);
        let listener = self
            .rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        self.rt.spawn(livegate_server::serve(
            listener,
            state,
            std::future::pending(),
        ));
        addr
    }

    pub fn tenant(&self, name: &str) -> Tenant {
        self.rt.block_on(async {
            let t = self.store.create_tenant(name).await.expect("tenant");
            let tok = |r| self.store.create_token(&t.id, r);
            Tenant {
                admin: tok(Role::Admin).await.expect("token").1,
                editor: tok(Role::Editor).await.expect("token").1,
                viewer: tok(Role::Viewer).await.expect("token").1,
                id: t.id,
            }
        })
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let mut h: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(t) = token {
            h.push(("Authorization".into(), format!("Bearer {t}")));
        }
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if !h
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        for (k, v) in &h {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        raw(self.addr, head.as_bytes(), body)
    }

    pub fn get(&self, path: &str, token: &str) -> Resp {
        self.call("GET", path, Some(token), &[], b"")
    }

    pub fn json(&self, method: &str, path: &str, token: &str, body: &Value) -> Resp {
        self.call(
            method,
            path,
            Some(token),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    }

    pub fn json_if(&self, method: &str, path: &str, token: &str, etag: &str, body: &Value) -> Resp {
        self.call(
            method,
            path,
            Some(token),
            &[("Content-Type", "application/json"), ("If-Match", etag)],
            body.to_string().as_bytes(),
        )
    }

    /// Everything the tenant can see through the API: a fingerprint to
    /// compare before and after a refused request.
    pub fn snapshot(&self, t: &Tenant) -> Value {
        let apps = self.get("/v1/applicants?limit=500", &t.admin).json();
        let mut docs = Vec::new();
        for a in apps["items"].as_array().into_iter().flatten() {
            let id = a["id"].as_str().unwrap_or_default();
            docs.push(
                self.get(&format!("/v1/applicants/{id}/documents"), &t.admin)
                    .json(),
            );
            docs.push(
                self.get(&format!("/v1/applicants/{id}/evaluations"), &t.admin)
                    .json(),
            );
        }
        let audit = self.get("/v1/audit?limit=500", &t.admin).json();
        serde_json::json!({"applicants": apps, "documents": docs, "audit": audit})
    }

    /// Files under the data directory.
    pub fn stored_files(&self) -> usize {
        fn walk(p: &std::path::Path) -> usize {
            std::fs::read_dir(p)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| {
                            if e.path().is_dir() {
                                walk(&e.path())
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        walk(&self.dir.path().join("data"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let (Some(schema), Backend::Postgres(base)) = (&self.schema, &self.backend) {
            let store = self.store.clone();
            self.rt.block_on(async {
                store.close().await;
                if let Ok(mut c) = sqlx::AnyConnection::connect(base).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&mut c)
                        .await;
                }
            });
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts an RFC 9457 problem with this status; returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text()
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        p
    }
}

/// Sends bytes as they are, reads one response.
pub fn raw(addr: SocketAddr, head: &[u8], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    s.write_all(head).expect("write head");
    // The server may answer (and close) before reading a refused body.
    let _ = s.write_all(body);
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        r.read_line(&mut l).expect("header");
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let find = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(n) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(n, 0);
        r.read_exact(&mut body).expect("body");
    } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut l = String::new();
            r.read_line(&mut l).expect("chunk size");
            let n = usize::from_str_radix(l.trim(), 16).expect("chunk size");
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).expect("chunk");
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        let _ = r.read_to_end(&mut body);
    }
    Resp {
        status,
        headers,
        body,
    }
}
