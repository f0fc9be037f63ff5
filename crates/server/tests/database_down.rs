//! The database goes away under load and comes back: requests answer 503
//! problems with Retry-After (never hanging past the request timeout),
//! readyz turns false, the service recovers without a restart, and no write
//! acknowledged with 2xx is lost. And a `pg_dump` of it, restored into a
//! new database, serves the same data. A PostgreSQL cluster of the test's
//! own, made with initdb in a temporary directory, never the machine's
//! shared one.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Backend, Server};
use livegate_server::Settings;
use serde_json::json;

fn pg_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .collect();
    dirs.sort();
    dirs.into_iter().rev().find(|d| d.join("initdb").exists())
}

/// PostgreSQL refuses to run as root: run its tools as `postgres` then.
fn pg(bin: &Path, tool: &str, args: &[&str]) -> bool {
    let path = bin.join(tool);
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    };
    cmd.args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn make() -> Option<Cluster> {
        let bin = pg_bin()?;
        let dir = tempfile::tempdir().ok()?;
        let _ = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .status();
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let data = dir.path().join("data");
        let ok = pg(
            &bin,
            "initdb",
            &[
                "-D",
                data.to_str()?,
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        ok.then_some(Cluster { bin, dir, port })
    }

    fn ctl(&self, action: &str) -> bool {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("log");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let (d, l) = (data.to_str().unwrap_or(""), log.to_str().unwrap_or(""));
        match action {
            "start" => pg(
                &self.bin,
                "pg_ctl",
                &["-D", d, "-o", &opts, "-l", l, "-w", "start"],
            ),
            _ => pg(&self.bin, "pg_ctl", &["-D", d, "-m", "fast", "-w", "stop"]),
        }
    }

    fn url(&self) -> String {
        self.url_of("postgres")
    }

    fn url_of(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs one of the cluster's client tools against it.
    fn client(&self, tool: &str, args: &[&str]) -> bool {
        let port = self.port.to_string();
        let mut all = vec!["-h", "127.0.0.1", "-p", &port, "-U", "postgres"];
        all.extend_from_slice(args);
        pg(&self.bin, tool, &all)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.ctl("stop");
    }
}

#[test]
fn the_database_going_away_is_a_503_to_retry_and_the_service_recovers_without_losing_writes() {
    let Some(cluster) = Cluster::make() else {
        eprintln!("skipped: no PostgreSQL server binaries (initdb) on this machine");
        return;
    };
    assert!(cluster.ctl("start"), "the test's own cluster starts");
    let s = Server::start_with(
        &Backend::Postgres(cluster.url()),
        Settings {
            request_timeout: Duration::from_secs(10),
            ..Settings::default()
        },
    );
    let t = s.tenant("acme");
    let post = |i: u32| {
        s.json(
            "POST",
            "/v1/applicants",
            &t.editor,
            &json!({"appid": format!("wx{i:016x}"), "subject": {"type": "enterprise"}}),
        )
    };
    let mut acked = Vec::new();
    for i in 0..20 {
        let r = post(i);
        assert_eq!(r.status, 201, "{}", r.text());
        acked.push(r.json()["id"].as_str().unwrap().to_string());
    }

    assert!(cluster.ctl("stop"), "the database goes away");
    for i in 100..103 {
        let started = Instant::now();
        let r = post(i);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "a request hung {:?}",
            started.elapsed()
        );
        let p = r.problem(503);
        assert!(r.header("retry-after").is_some(), "{p}");
    }
    let r = s.call("GET", "/readyz", None, &[], b"");
    assert_eq!(r.status, 503);

    assert!(cluster.ctl("start"), "the database comes back");
    let back = Instant::now();
    while s.call("GET", "/readyz", None, &[], b"").status != 200 {
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "no recovery without a restart"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(post(200).status, 201, "writes work again");
    for id in &acked {
        assert_eq!(
            s.get(&format!("/v1/applicants/{id}"), &t.viewer).status,
            200,
            "{id} was acknowledged"
        );
    }
}

/// What a tenant's viewer reads: the applicant list, and each applicant
/// with its ETag.
fn everything(s: &Server, viewer: &str) -> Vec<(String, String)> {
    let list = s.get("/v1/applicants?limit=100", viewer);
    assert_eq!(list.status, 200, "{}", list.text());
    let mut seen = vec![("list".to_string(), list.text())];
    for a in list.json()["items"].as_array().expect("items") {
        let id = a["id"].as_str().expect("id");
        let r = s.get(&format!("/v1/applicants/{id}"), viewer);
        let etag = r.header("etag").unwrap_or_default().to_string();
        seen.push((format!("{id} {etag}"), r.text()));
    }
    seen
}

#[test]
fn a_pg_dump_restored_into_a_new_database_serves_the_same_data() {
    let Some(cluster) = Cluster::make() else {
        eprintln!("skipped: no PostgreSQL server binaries (initdb) on this machine");
        return;
    };
    assert!(cluster.ctl("start"), "the test's own cluster starts");
    let s = Server::start(&Backend::Postgres(cluster.url()));
    let t = s.tenant("acme");
    for i in 0..5 {
        let body = json!({
            "appid": format!("wx{i:016x}"),
            "subject": {"type": "enterprise", "name": format!("商户{i}")},
            "categories": [{"first": "电商平台", "second": "电商平台", "status": "approved"}],
        });
        let r = s.json("POST", "/v1/applicants", &t.editor, &body);
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let before = everything(&s, &t.viewer);
    assert_eq!(before.len(), 6);

    let dump = cluster.dir.path().join("livegate.dump");
    let dump = dump.to_str().expect("a UTF-8 path");
    assert!(
        cluster.client("pg_dump", &["-Fc", "-f", dump, "postgres"]),
        "pg_dump"
    );
    assert!(cluster.client("createdb", &["restored"]), "createdb");
    assert!(
        cluster.client("pg_restore", &["--no-owner", "-d", "restored", dump]),
        "pg_restore"
    );
    // The same URL, its search path included, on the restored database.
    let url = s.url.replacen("/postgres?", "/restored?", 1);
    drop(s);

    let restored = Server::start(&Backend::Existing(url));
    assert_eq!(
        everything(&restored, &t.viewer),
        before,
        "the restored copy serves the same data, to the same tokens"
    );
    let r = restored.json(
        "POST",
        "/v1/applicants",
        &t.editor,
        &json!({"appid": "wx00000000000000ff", "subject": {"type": "enterprise"}}),
    );
    assert_eq!(r.status, 201, "and takes writes: {}", r.text());
}
