//! The database goes away under load and comes back: requests answer 503
//! problems with Retry-After (never hanging past the request timeout),
//! readyz turns false, the service recovers without a restart, and no write
//! acknowledged with 2xx is lost. A PostgreSQL cluster of the test's own,
//! made with initdb in a temporary directory, never the machine's shared one.

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
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
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
