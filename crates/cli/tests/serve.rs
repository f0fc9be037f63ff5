//! `livegate serve`, `admin` and `expiring` as processes: the binary starts on
//! a free port with the embedded SQLite default, and survives SIGKILL with
//! every acknowledged write intact.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_livegate");

fn livegate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("DATABASE_URL")
        .env_remove("LIVEGATE_DATABASE_URL")
        .env_remove("LIVEGATE_CONFIG")
        .output()
        .expect("run livegate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Serving {
    child: Child,
    addr: SocketAddr,
}

fn serve(dir: &Path) -> Serving {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-level",
            "warn",
            "--rate-limit",
            "0",
            "--data-dir",
        ])
        .arg(dir)
        .env_remove("DATABASE_URL")
        .env_remove("LIVEGATE_DATABASE_URL")
        .env_remove("LIVEGATE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn livegate serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read address");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    Serving { child, addr }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request over a fresh connection; `None` when the server is gone.
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

fn setup(dir: &Path) -> String {
    let (code, tenant, err) = livegate(dir, &["admin", "create-tenant", "acme"]);
    assert_eq!(code, 0, "{err}");
    assert!(tenant.starts_with("ten_"), "{tenant}");
    let (code, token, err) = livegate(
        dir,
        &[
            "admin",
            "create-token",
            "--tenant",
            "acme",
            "--role",
            "editor",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(token.starts_with("lg_"), "{token}");
    token
}

#[test]
fn admin_commands_print_a_tenant_id_and_a_token_that_the_server_accepts_once_hashed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = setup(dir.path());
    // Only the hash is stored: the secret appears nowhere in the database file.
    let db = std::fs::read(dir.path().join("livegate.db")).expect("db");
    let wal = std::fs::read(dir.path().join("livegate.db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
    }
    let s = serve(dir.path());
    let (status, _) = call(s.addr, "GET", "/v1/applicants", &token, "").expect("answer");
    assert_eq!(status, 200);
    let (status, _) = call(s.addr, "GET", "/v1/applicants", "lg_wrong", "").expect("answer");
    assert_eq!(status, 401);

    let (code, _, err) = livegate(
        dir.path(),
        &[
            "admin",
            "create-token",
            "--tenant",
            "nobody",
            "--role",
            "viewer",
        ],
    );
    assert_eq!(code, 2, "an unknown tenant is a user error");
    assert!(err.contains("no such tenant"), "{err}");
    let (code, _, _) = livegate(
        dir.path(),
        &[
            "admin",
            "create-token",
            "--tenant",
            "acme",
            "--role",
            "root",
        ],
    );
    assert_eq!(code, 2, "an unknown role is a usage error");
}

#[test]
fn serve_refuses_an_unsupported_database_url_with_exit_code_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .args([
            "serve",
            "--database-url",
            "mysql://localhost/x",
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mysql://"));
    assert!(out.stdout.is_empty());
}

#[test]
fn expiring_prints_documents_expiring_within_the_window_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = setup(dir.path());
    let s = serve(dir.path());
    let (status, body) = call(
        s.addr,
        "POST",
        "/v1/applicants",
        &token,
        r#"{"appid": "wx00000000000000aa", "name": "示例商城", "subject": {"type": "enterprise"}}"#,
    )
    .expect("answer");
    assert_eq!(status, 201, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let app = v["id"].as_str().expect("id");
    let soon = livegate_store::clock::format_date(livegate_store::clock::today() + 5);
    let doc = format!(r#"{{"kind": "platform_service_agreement", "valid_until": "{soon}"}}"#);
    let (status, body) = call(
        s.addr,
        "POST",
        &format!("/v1/applicants/{app}/documents"),
        &token,
        &doc,
    )
    .expect("answer");
    assert_eq!(status, 201, "{body}");

    let (code, out, err) = livegate(dir.path(), &["expiring", "--within", "30d"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!(
            "{soon}\twx00000000000000aa\t示例商城\t电商平台服务协议、交易规则\tplatform_service_agreement\t"
        )),
        "{out}"
    );
    let (code, out, err) = livegate(dir.path(), &["expiring", "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "\tPlatform service agreement and trading rules\tplatform_service_agreement\t"
        ),
        "{out}"
    );
    let (code, out, _) = livegate(
        dir.path(),
        &["expiring", "--within", "2d", "--tenant", "acme"],
    );
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, _, err) = livegate(dir.path(), &["expiring", "--within", "soon"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn every_acknowledged_write_survives_sigkill_and_the_database_passes_its_integrity_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = setup(dir.path());
    let mut server = serve(dir.path());
    let addr = server.addr;

    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let gone = Arc::new(AtomicBool::new(false));
    let refused: Arc<Mutex<Option<String>>> = Arc::default();
    let writers: Vec<_> = (0..4u64)
        .map(|w| {
            let (acked, gone, token) = (acked.clone(), gone.clone(), token.clone());
            let refused = refused.clone();
            std::thread::spawn(move || {
                for i in 0u64.. {
                    if gone.load(Ordering::SeqCst) {
                        break;
                    }
                    let appid = format!("wx{:016x}", (w << 40) | i);
                    let body =
                        format!(r#"{{"appid": "{appid}", "subject": {{"type": "enterprise"}}}}"#);
                    match call(addr, "POST", "/v1/applicants", &token, &body) {
                        Some((201, body)) => {
                            let v: serde_json::Value = serde_json::from_str(&body).expect("json");
                            let id = v["id"].as_str().expect("id").to_string();
                            acked.lock().expect("lock").push((id, appid));
                        }
                        // Refused while the server runs: a defect, reported below.
                        Some((status, body)) if !gone.load(Ordering::SeqCst) => {
                            *refused.lock().expect("lock") = Some(format!("{status} {body}"));
                            break;
                        }
                        // Killed mid-request: not acknowledged, so no promise.
                        Some(_) | None => {
                            if gone.load(Ordering::SeqCst) {
                                break;
                            }
                        }
                    }
                }
            })
        })
        .collect();
    // Kill once the writers are well under way, not after a fixed time.
    while acked.lock().expect("lock").len() < 300 {
        if let Some(r) = refused.lock().expect("lock").clone() {
            panic!("a write was refused while the server ran: {r}");
        }
        std::thread::yield_now();
    }
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    gone.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().expect("writer");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() >= 300);

    let server = serve(dir.path());
    for (id, appid) in &acked {
        let (status, body) = call(
            server.addr,
            "GET",
            &format!("/v1/applicants/{id}"),
            &token,
            "",
        )
        .expect("answer");
        assert_eq!(status, 200, "acknowledged applicant {id} lost: {body}");
        assert!(body.contains(appid.as_str()), "{body}");
    }
    drop(server);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let check = rt.block_on(async {
        let url = livegate_store::Store::sqlite_url(&dir.path().join("livegate.db"));
        let store = livegate_store::Store::open(&url).await.expect("open");
        let r = store.integrity_check().await.expect("integrity_check");
        store.close().await;
        r
    });
    assert_eq!(check, "ok");
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = setup(dir.path());
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-level",
            "info",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("LIVEGATE_DATABASE_URL")
        .env_remove("LIVEGATE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .expect("address");
    let mut logs = BufReader::new(child.stderr.take().expect("stderr"));

    // A request whose body is half sent is in flight.
    let body = r#"{"appid": "wx00000000000000aa", "subject": {"type": "enterprise"}}"#;
    let (first, rest) = body.split_at(body.len() / 2);
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .expect("write");
    s.flush().expect("flush");
    // The server accepts connections in the order they arrive: once a later
    // connection is answered, this one has been accepted and handed to its
    // task, so shutdown must drain it.
    let (status, _) = call(addr, "GET", "/healthz", &token, "").expect("answer");
    assert_eq!(status, 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    // The server says it is shutting down; the request in flight goes on.
    let mut log = String::new();
    while !log.contains("shutting down") {
        let mut l = String::new();
        if logs.read_line(&mut l).expect("log") == 0 {
            panic!("the server exited before finishing the request in flight: {log}");
        }
        log.push_str(&l);
    }
    s.write_all(rest.as_bytes()).expect("rest of the body");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = child.wait().expect("exit");
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect(addr).is_err(), "no longer listening");
}

#[test]
fn log_format_json_writes_one_json_object_a_line_on_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("LIVEGATE_DATABASE_URL")
        .env_remove("LIVEGATE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("a log line");
    let _ = child.kill();
    let _ = child.wait();
    let v: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(v["level"], "INFO");
    assert_eq!(v["fields"]["message"], "livegate serving");
    assert_eq!(v["fields"]["backend"], "Sqlite");
}

#[test]
fn a_command_that_reads_the_service_data_refuses_to_invent_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("not-here");
    let (code, out, err) = livegate(&data, &["expiring"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("没有 livegate 的数据库") && err.contains("not-here"),
        "{err}"
    );
    assert!(!data.exists(), "nothing was created");
    let (code, _, err) = livegate(
        &data,
        &[
            "admin",
            "create-token",
            "--tenant",
            "acme",
            "--role",
            "viewer",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(!data.exists());
}

#[test]
fn creating_a_tenant_that_exists_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = livegate(dir.path(), &["admin", "create-tenant", "acme"]);
    assert_eq!(code, 0);
    let (code, out, err) = livegate(dir.path(), &["admin", "create-tenant", "acme"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("already exists") && err.contains("acme"),
        "{err}"
    );
    assert!(!err.contains("cannot open the database"), "{err}");
}

#[test]
fn tokens_get_a_label_and_an_expiry_are_listed_without_secrets_and_revoked_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = livegate(dir.path(), &["admin", "create-tenant", "acme"]);
    assert_eq!(code, 0);
    let (code, secret, err) = livegate(
        dir.path(),
        &[
            "admin",
            "create-token",
            "--tenant",
            "acme",
            "--role",
            "viewer",
            "--label",
            "ci",
            "--expires",
            "90d",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = livegate(
        dir.path(),
        &[
            "admin",
            "list-tokens",
            "--tenant",
            "acme",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    assert!(!out.contains(&secret), "a secret is never listed");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let token = &list[0];
    assert_eq!(token["label"], "ci");
    assert!(
        token["expires_at"].as_str().unwrap_or("") > "2027",
        "{token}"
    );
    let id = token["id"].as_str().unwrap().to_string();
    let (code, _, err) = livegate(
        dir.path(),
        &["admin", "revoke-token", &id, "--tenant", "acme"],
    );
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = livegate(dir.path(), &["admin", "list-tokens", "--tenant", "acme"]);
    assert!(out.contains("revoked"), "{out}");
    let (code, _, err) = livegate(
        dir.path(),
        &["admin", "revoke-token", "tok_nope", "--tenant", "acme"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("no such token"), "{err}");
    let (code, _, err) = livegate(
        dir.path(),
        &[
            "admin",
            "create-token",
            "--tenant",
            "acme",
            "--role",
            "viewer",
            "--expires",
            "soon",
        ],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn admin_gc_says_what_it_would_remove_then_removes_old_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = livegate(dir.path(), &["admin", "create-tenant", "acme"]);
    assert_eq!(code, 0);
    let orphan = dir
        .path()
        .join("files")
        .join("cd")
        .join(format!("cd{}", "1".repeat(62)));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"orphan").unwrap();
    // Older than the grace period, as an orphan a crash left behind is.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .append(true)
        .open(&orphan)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let (code, out, _) = livegate(dir.path(), &["admin", "gc", "--dry-run"]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("cd{}", "1".repeat(62))), "{out}");
    assert!(orphan.exists());
    let (code, out, _) = livegate(dir.path(), &["admin", "gc"]);
    assert_eq!(code, 0);
    assert!(!out.is_empty());
    assert!(!orphan.exists());
}

/// A document with a scan on a new applicant; the document's path.
fn applicant_with_scan(addr: SocketAddr, token: &str) -> String {
    let (code, body) = call(
        addr,
        "POST",
        "/v1/applicants",
        token,
        r#"{"appid": "wx00000000000000b0", "subject": {"type": "enterprise"}}"#,
    )
    .unwrap();
    assert_eq!(code, 201, "{body}");
    let app = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, body) = call(
        addr,
        "POST",
        &format!("/v1/applicants/{app}/documents"),
        token,
        r#"{"kind": "business_license"}"#,
    )
    .unwrap();
    assert_eq!(code, 201, "{body}");
    let doc = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let pdf = b"%PDF-1.7\n% backup\ntrailer <<>>\n%%EOF\n";
    let mut s = TcpStream::connect(addr).unwrap();
    let head = format!(
        "PUT /v1/applicants/{app}/documents/{doc}/file HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nIf-Match: \"1\"\r\nContent-Length: {}\r\n\r\n",
        pdf.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(pdf).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    format!("/v1/applicants/{app}/documents/{doc}/file")
}

#[test]
fn a_backup_under_write_load_restores_every_write_acknowledged_before_it_began() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let token = setup(&live);
    let server = serve(&live);
    let scan = applicant_with_scan(server.addr, &token);
    // Writes keep coming while the backup runs; each acknowledged one is noted with its time.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (addr, token, stop) = (server.addr, token.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut acked = Vec::new();
            for i in 0.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let body =
                    format!(r#"{{"appid": "wx{i:016x}", "subject": {{"type": "enterprise"}}}}"#);
                if let Some((201, b)) = call(addr, "POST", "/v1/applicants", &token, &body) {
                    let id = serde_json::from_str::<serde_json::Value>(&b).unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_string();
                    acked.push((std::time::Instant::now(), id));
                }
            }
            acked
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let file = dir.path().join("backup.db");
    let began = std::time::Instant::now();
    let (code, _, err) = livegate(&live, &["admin", "backup", "--to", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let acked = writer.join().unwrap();
    let before: Vec<&String> = acked
        .iter()
        .filter(|(t, _)| *t < began)
        .map(|(_, id)| id)
        .collect();
    assert!(
        before.len() >= 3,
        "the load ran before the backup: {}",
        before.len()
    );
    let (code, _, _) = livegate(&live, &["admin", "backup", "--to", file.to_str().unwrap()]);
    assert_eq!(code, 2, "an existing backup is not overwritten");
    drop(server);

    let restored = dir.path().join("restored");
    let (code, _, err) = livegate(
        &restored,
        &["admin", "restore", "--from", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = livegate(
        &restored,
        &["admin", "restore", "--from", file.to_str().unwrap()],
    );
    assert_eq!(
        code, 2,
        "a live database is not replaced without --force: {err}"
    );
    let server = serve(&restored);
    for id in &before {
        let (code, _) = call(
            server.addr,
            "GET",
            &format!("/v1/applicants/{id}"),
            &token,
            "",
        )
        .unwrap();
        assert_eq!(code, 200, "{id} was acknowledged before the backup began");
    }
    let (code, body) = call(server.addr, "GET", &scan, &token, "").unwrap();
    assert_eq!(code, 200, "the scan came along");
    assert!(body.starts_with("%PDF-1.7"));
    let (code, _, err) = livegate(
        &restored,
        &[
            "admin",
            "restore",
            "--from",
            dir.path().join("nothing.db").to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn deleting_a_tenant_erases_its_data_and_scans_and_says_what_it_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let token = setup(dir.path());
    let (code, _, _) = livegate(dir.path(), &["admin", "create-tenant", "other"]);
    assert_eq!(code, 0);
    let server = serve(dir.path());
    applicant_with_scan(server.addr, &token);
    drop(server);
    let files = || walk_files(&dir.path().join("files"));
    assert_eq!(files(), 1);
    let (code, out, err) = livegate(dir.path(), &["admin", "delete-tenant", "acme"]);
    assert_eq!(code, 2, "it asks for --yes first: {err}");
    assert!(out.is_empty());
    assert_eq!(files(), 1, "nothing deleted without --yes");
    let (code, out, err) = livegate(dir.path(), &["admin", "delete-tenant", "acme", "--yes"]);
    assert_eq!(code, 0, "{err}");
    let said: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(said["applicants"], 1);
    assert_eq!(said["documents"], 1);
    assert_eq!(said["tokens"], 1);
    assert_eq!(said["scans_removed"], 1);
    assert_eq!(files(), 0, "the scan is erased too");
    let (code, _, _) = livegate(dir.path(), &["admin", "list-tokens", "--tenant", "acme"]);
    assert_eq!(code, 2, "the tenant is gone");
    let (code, _, _) = livegate(dir.path(), &["admin", "list-tokens", "--tenant", "other"]);
    assert_eq!(code, 0, "another tenant is untouched");
}

fn walk_files(p: &Path) -> usize {
    std::fs::read_dir(p).map_or(0, |rd| {
        rd.flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walk_files(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

/// The JSON object in a response body (chunk sizes around it, if any, dropped).
fn json_body(body: &str) -> serde_json::Value {
    let (a, b) = (
        body.find('{').unwrap_or(0),
        body.rfind('}').map_or(0, |i| i + 1),
    );
    serde_json::from_str(&body[a..b]).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// What an error says, whichever surface gave it.
fn error_fields(e: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "fault": e["fault"],
        // The whole document: batch leaves the path out, the others say "".
        "path": e.get("path").and_then(|p| p.as_str()).unwrap_or(""),
        "column": e["column"], "suggestion": e.get("suggestion").cloned().unwrap_or_default(),
        "message": e["message"],
    })
}

#[test]
fn check_batch_and_the_service_give_the_same_error_and_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let token = setup(dir.path());
    let server = serve(dir.path());
    let good = r#"{"subject": {"type": "enterprise"}, "categories": [{"first": "社交", "second": "直播", "status": "pending"}], "as_of": "2026-11-28"}"#;
    let bad = [
        r#"{"subject": {"type": "enterprize"}}"#,
        r#"{"subject": {"type": "enterprise"}, "categories": [{"first": 3}]}"#,
        r#"{"subject": {"type": "enterprise"}, "servises": []}"#,
        r#"{"subject": {"type": "enterprise"},"#,
        r#"{"subject": {"type": "enterprise"}, "documents": [{"kind": "business_license", "valid_until": "2026-02-30"}]}"#,
    ];
    let file = dir.path().join("p.jsonl");
    std::fs::write(
        &file,
        [good]
            .iter()
            .chain(&bad)
            .copied()
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let batch = Command::new(BIN)
        .args([
            "batch",
            file.to_str().unwrap(),
            "-q",
            "--lang",
            "en",
            "-j",
            "1",
        ])
        .output()
        .unwrap();
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&batch.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let one = |text: &str| {
        let p = dir.path().join("one.json");
        std::fs::write(&p, text).unwrap();
        let o = Command::new(BIN)
            .args([
                "check",
                p.to_str().unwrap(),
                "--format",
                "json",
                "--lang",
                "en",
            ])
            .output()
            .unwrap();
        (
            o.status.code(),
            json_body(&String::from_utf8_lossy(&o.stdout)),
        )
    };
    let api = |text: &str| {
        let (status, body) =
            call(server.addr, "POST", "/v1/evaluate?lang=en", &token, text).expect("answers");
        (status, json_body(&body))
    };
    for (i, text) in bad.iter().enumerate() {
        let (code, cli) = one(text);
        assert_eq!(code, Some(2), "{text}");
        let (status, problem) = api(text);
        assert!(status == 400 || status == 422, "{status} {problem}");
        let from_cli = error_fields(&cli["error"]);
        let from_batch = error_fields(&records[i + 1]["error"]);
        let from_api = error_fields(&problem["errors"][0]);
        assert_eq!(from_cli, from_batch, "check and batch on {text}");
        assert_eq!(from_cli, from_api, "check and the service on {text}");
        assert_eq!(cli["error"]["line"], 1, "{text}");
        assert_eq!(problem["errors"][0]["line"], 1, "{text}");
        let fault = cli["error"]["fault"].as_str().unwrap();
        assert_eq!(status == 400, fault == "syntax", "{text}: {fault} {status}");
    }
    // The same good profile: the same report.
    let (code, cli) = one(good);
    assert_eq!(code, Some(1));
    let (status, report) = api(good);
    assert_eq!(status, 200, "{report}");
    let first = &records[0];
    for key in ["verdict", "paths", "findings", "plan", "plan_path", "as_of"] {
        assert_eq!(cli[key], report[key], "check and the service: {key}");
        assert_eq!(cli[key], first[key], "check and batch: {key}");
    }
}

#[test]
fn a_backup_never_leaves_out_a_scan_silently_and_is_one_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let token = setup(&live);
    let server = serve(&live);
    applicant_with_scan(server.addr, &token);
    drop(server);
    // The backup is one file: nothing is left in a log beside it (SQLite
    // may leave the emptied log file itself).
    let whole = dir.path().join("whole.db");
    let (code, _, err) = livegate(&live, &["admin", "backup", "--to", whole.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let wal = std::fs::metadata(dir.path().join("whole.db-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "nothing left in a log");
    // A scan gone from the data directory (and not in the database).
    let files = live.join("files");
    for shard in std::fs::read_dir(&files).unwrap() {
        for f in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            std::fs::remove_file(f.unwrap().path()).unwrap();
        }
    }
    let partial = dir.path().join("partial.db");
    let (code, _, err) = livegate(
        &live,
        &["admin", "backup", "--to", partial.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("scan"), "{err}");
    assert!(!partial.exists(), "no partial backup is left");
}

#[test]
fn doctor_checks_a_fresh_machine_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("not-yet");
    let (code, out, err) = livegate(&dir, &["doctor", "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("首次启动时会创建"), "{out}");
    assert!(out.contains("没有发现问题"), "{out}");
    assert!(!dir.exists(), "doctor made nothing");
}

#[test]
fn doctor_names_each_problem_with_its_fix_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    // A data directory that is a file; a port already taken; a ruleset that
    // does not load.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let rules = tmp.path().join("rules.toml");
    std::fs::write(&rules, "this is = not [a ruleset").unwrap();
    let args = [
        "doctor",
        "--listen",
        &addr,
        "--rules",
        rules.to_str().unwrap(),
        "--lang",
        "en",
    ];
    let (code, out, err) = livegate(&file, &args);
    assert_eq!(code, 1, "{out}\n{err}");
    for what in ["is not writable", "cannot be bound", "does not load"] {
        let line = out
            .lines()
            .position(|l| l.starts_with('✗') && l.contains(what));
        let at = line.unwrap_or_else(|| panic!("{what} in {out}"));
        let fix = out.lines().nth(at + 1).unwrap_or("");
        assert!(fix.trim_start().starts_with("fix:"), "{what}: {fix}");
    }
    assert!(out.contains("3 problem(s) found"), "{out}");
    assert!(
        !out.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{out}"
    );
}

#[test]
fn doctor_reads_the_schema_version_of_a_database_serve_made() {
    let tmp = tempfile::tempdir().unwrap();
    let s = serve(tmp.path());
    drop(s);
    let (code, out, err) = livegate(tmp.path(), &["doctor", "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let version = livegate_store::Store::schema_version();
    assert!(
        out.contains(&format!("可以连接，结构版本 {version}")),
        "{out}"
    );
    assert!(version >= 9, "the migrations this test has seen");
}
