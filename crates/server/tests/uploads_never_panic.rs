//! The upload paths on generated input, over real HTTP: scans put through
//! the API (`PUT …/documents/{doc}/file`) and documents posted through the
//! console as `multipart/form-data`, with valid, damaged and random bytes,
//! hostile file names and malformed multipart bodies. No answer is a 5xx,
//! the service keeps serving, and no file that is not a whole PDF, PNG or
//! JPEG is ever kept. Bounded cases run in `cargo test`; PROPTEST_CASES
//! raises them (`bench/fuzz.sh`).

mod common;

use std::path::Path;

use common::console::{csrf_of, page, sign_in};
use common::{Backend, Server};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::json;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\nstartxref\n9\n%%EOF\n";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9];

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    v.extend_from_slice(&[0; 17]);
    v
}

/// Scans: whole ones, ones cut short or with a byte changed, and noise.
fn scan() -> impl Strategy<Value = Vec<u8>> {
    let whole = prop_oneof![Just(PDF.to_vec()), Just(png()), Just(JPEG.to_vec())];
    prop_oneof![
        whole.clone(),
        (whole.clone(), any::<prop::sample::Index>())
            .prop_map(|(b, at)| b[..at.index(b.len())].to_vec()),
        (whole, any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut b, at, x)| {
            let i = at.index(b.len());
            b[i] = x;
            b
        }),
        prop::collection::vec(any::<u8>(), 0..512),
    ]
}

/// File names a person or an attacker might send.
fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("营业执照.pdf".to_string()),
        Just("../../etc/passwd".to_string()),
        Just("a\\b.png".to_string()),
        Just(String::new()),
        "[a-z./\\\\]{0,12}",
        "\\PC{0,40}",
    ]
}

/// One multipart part: field name, optional file name, content.
fn part() -> impl Strategy<Value = (String, Option<String>, Vec<u8>)> {
    let name = prop_oneof![
        Just("kind".to_string()),
        Just("valid_until".to_string()),
        Just("number".to_string()),
        Just("file".to_string()),
        "\\PC{0,8}",
    ];
    let content = prop_oneof![
        Just(b"business_license".to_vec()),
        Just(b"2027-06-30".to_vec()),
        Just(b"2026-02-30".to_vec()),
        scan(),
    ];
    (name, prop::option::of(file_name()), content)
}

/// A multipart body and its boundary, sometimes broken on purpose: the
/// declared boundary differs, or the closing delimiter is missing.
fn multipart() -> impl Strategy<Value = (String, Vec<u8>)> {
    let boundary = prop_oneof![
        Just("lgFuzzBoundary".to_string()),
        "[A-Za-z0-9'()+_,./:=?-]{0,72}"
    ];
    (
        boundary,
        prop::collection::vec(part(), 0..5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(boundary, parts, closed, honest)| {
            let mut body = Vec::new();
            for (name, file, content) in parts {
                body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
                let disposition = match file {
                    Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
                    None => format!("form-data; name=\"{name}\""),
                };
                body.extend_from_slice(
                    format!("Content-Disposition: {disposition}\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(&content);
                body.extend_from_slice(b"\r\n");
            }
            if closed {
                body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            }
            let declared = if honest {
                boundary
            } else {
                "other".to_string()
            };
            (declared, body)
        })
}

/// Every file kept under the data directory is a whole PDF, PNG or JPEG.
fn only_whole_scans_kept(data_dir: &Path) -> Result<(), TestCaseError> {
    let Ok(shards) = std::fs::read_dir(data_dir.join("files")) else {
        return Ok(());
    };
    for shard in shards.flatten() {
        for f in std::fs::read_dir(shard.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let bytes = std::fs::read(f.path()).unwrap_or_default();
            prop_assert!(
                livegate_server::files::sniff(&bytes).is_some(),
                "kept a file that is no scan: {:?}",
                f.path()
            );
        }
    }
    Ok(())
}

/// Every batch job folder is a job that started (the database has it): a
/// cut-off upload leaves nothing.
fn only_started_jobs_kept(s: &Server, data_dir: &Path) -> Result<(), TestCaseError> {
    let Ok(tenants) = std::fs::read_dir(data_dir.join("batches")) else {
        return Ok(());
    };
    for tenant in tenants.flatten() {
        for job in std::fs::read_dir(tenant.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let (tenant_id, id) = (
                tenant.file_name().to_string_lossy().into_owned(),
                job.file_name().to_string_lossy().into_owned(),
            );
            let known = s.rt.block_on(s.store.job(&tenant_id, &id));
            prop_assert!(
                matches!(known, Ok(Some(_))),
                "a job folder without a job: {:?}",
                job.path()
            );
        }
    }
    Ok(())
}

/// A new applicant of the tenant: its id.
fn applicant(s: &Server, editor: &str) -> String {
    let app = s.json(
        "POST",
        "/v1/applicants",
        editor,
        &json!({"appid": "wx0123456789abcdef", "subject": {"type": "enterprise"}}),
    );
    app.json()["id"].as_str().expect("an applicant").to_string()
}

#[test]
fn uploads_never_fail_the_server_and_never_keep_what_is_not_a_scan() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let app = applicant(&s, &t.editor);
    let docs = format!("/v1/applicants/{app}/documents");
    let cookie = sign_in(&s, &t.editor);
    let console_docs = format!("/applicants/{app}/documents");
    let csrf = csrf_of(&page(&s, &format!("/applicants/{app}"), &cookie).text());
    let data_dir = s.dir.path().join("data");

    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let case = (scan(), file_name(), multipart(), any::<bool>());
    let result = runner.run(&case, |(bytes, name, (boundary, body), with_csrf)| {
        let doc = s.json(
            "POST",
            &docs,
            &t.editor,
            &json!({"kind": "business_license"}),
        );
        prop_assert_eq!(doc.status, 201, "{}", doc.text());
        let doc = doc.json()["id"].as_str().unwrap_or_default().to_string();
        let query: String = url_escape(&name);
        let put = s.call(
            "PUT",
            &format!("{docs}/{doc}/file?name={query}"),
            Some(&t.editor),
            &[("If-Match", "\"1\"")],
            &bytes,
        );
        prop_assert!(put.status < 500, "PUT file: {} {}", put.status, put.text());

        let mut body = body;
        if with_csrf {
            let field = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            );
            body.splice(0..0, field.into_bytes());
        }
        let ct = format!("multipart/form-data; boundary={boundary}");
        let posted = s.call(
            "POST",
            &console_docs,
            None,
            &[("Content-Type", ct.as_str()), ("Cookie", cookie.as_str())],
            &body,
        );
        prop_assert!(
            posted.status < 500,
            "console: {} for {:?}",
            posted.status,
            String::from_utf8_lossy(&body)
        );
        let batch = s.call(
            "POST",
            "/batch",
            None,
            &[("Content-Type", ct.as_str()), ("Cookie", cookie.as_str())],
            &body,
        );
        prop_assert!(
            batch.status < 500,
            "batch: {} {}",
            batch.status,
            batch.text()
        );
        only_whole_scans_kept(&data_dir)?;
        only_started_jobs_kept(&s, &data_dir)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert_eq!(s.call("GET", "/healthz", None, &[], b"").status, 200);
}

/// Percent-encodes every byte outside the unreserved set.
fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Found by the generator above: an empty multipart body was a 500 page.
#[test]
fn an_empty_or_cut_off_multipart_body_is_a_400_page_in_the_readers_language() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let app = applicant(&s, &t.editor);
    let cookie = sign_in(&s, &t.editor);
    let csrf = csrf_of(&page(&s, "/batch", &cookie).text());
    let ct = "multipart/form-data; boundary=b";
    let cut = format!(
        "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jsonl\"\r\n\r\n{{}}"
    );
    for (path, body) in [
        (format!("/applicants/{app}/documents"), String::new()),
        ("/batch".to_string(), String::new()),
        ("/batch".to_string(), cut),
    ] {
        let r = s.call(
            "POST",
            &path,
            None,
            &[("Content-Type", ct), ("Cookie", cookie.as_str())],
            body.as_bytes(),
        );
        assert_eq!(r.status, 400, "{path}: {}", r.text());
        assert!(r.text().contains("这个请求无法读取"), "{}", r.text());
    }
    let batches = s.dir.path().join("data").join("batches");
    let left = std::fs::read_dir(&batches)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|t| std::fs::read_dir(t.path()).into_iter().flatten().flatten())
        .count();
    assert_eq!(left, 0, "a cut-off batch upload leaves no job folder");
}
