//! `livegate batch` and `livegate gen` as a service provider runs them: one
//! record a line in input order, error records for bad lines, the awkward
//! inputs (empty, no final newline, CRLF, BOM, a 10 MB line, invalid UTF-8),
//! CSV, and a closed stdout.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn livegate(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_livegate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // Write from a thread: the child may fill its stdout pipe before reading everything.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("waits");
    let _ = writer.join();
    out
}

fn records(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every record is one JSON line"))
        .collect()
}

fn generated(count: u64, seed: u64, bad: &str) -> Vec<u8> {
    let o = livegate(
        &[
            "gen",
            "--count",
            &count.to_string(),
            "--seed",
            &seed.to_string(),
            "--bad-ratio",
            bad,
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    o.stdout
}

#[test]
fn batch_writes_one_record_per_line_in_input_order_whatever_the_jobs() {
    let input = generated(3000, 11, "0.05");
    let one = livegate(&["batch", "-", "--summary", "--jobs", "1", "-q"], &input);
    let many = livegate(&["batch", "-", "--summary", "--jobs", "4", "-q"], &input);
    assert_eq!(
        one.stdout, many.stdout,
        "parallel output differs from serial output"
    );
    let recs = records(&one);
    assert_eq!(recs.len(), 3000);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["line"], (i + 1) as u64);
    }
}

#[test]
fn batch_summary_records_carry_verdict_path_statuses_and_missing_documents_only() {
    let o = livegate(
        &["batch", "-", "--summary", "-q"],
        r#"{"id": "m1", "subject": {"type": "enterprise"}, "categories": [{"first": "电商平台", "second": "电商平台", "status": "pending"}]}"#
            .as_bytes(),
    );
    let r = &records(&o)[0];
    assert_eq!(r["profile_id"], "m1");
    assert_eq!(r["verdict"], "needs_action");
    assert_eq!(r["paths"][0]["id"], "cloud_live_plugin");
    assert_eq!(r["paths"][0]["status"], "actionable");
    assert!(
        r["paths"][0]["missing_documents"]
            .as_array()
            .is_some_and(|m| m.iter().any(|d| d == "platform_service_agreement"))
    );
    assert!(r.get("findings").is_none() && r.get("plan").is_none());
    // Without --summary, the whole report.
    let full = livegate(&["batch", "-", "-q"], br#"{"subject": {"type": 2}}"#);
    let r = &records(&full)[0];
    assert_eq!(r["line"], 1);
    assert_eq!(r["verdict"], "eligible");
    assert!(r.get("findings").is_some() && r.get("ruleset").is_some());
}

#[test]
fn a_bad_line_is_an_error_record_with_its_line_number_and_the_batch_goes_on() {
    let input = b"{\"subject\": {\"type\": 1}}\n{\"subject\": \n{\"subject\": {\"type\": \"enterprize\"}}\n{\"subject\": {\"type\": 2}}\n";
    let o = livegate(&["batch", "-", "--summary", "--lang", "en"], input);
    assert_eq!(o.status.code(), Some(1), "bad lines make exit code 1");
    let recs = records(&o);
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[1]["line"], 2);
    assert_eq!(recs[1]["error"]["kind"], "invalid_json");
    assert_eq!(recs[2]["error"]["kind"], "invalid_profile");
    assert_eq!(recs[2]["error"]["suggestion"], "enterprise");
    assert_eq!(recs[3]["verdict"], "eligible");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad lines: 2"), "{err}");
    assert!(
        err.contains("eligible 1  pending 0  needs action 1"),
        "{err}"
    );
    // The documents most often missing are named, not given as ids.
    let o = livegate(
        &["batch", "-", "--summary"],
        r#"{"subject": {"type": "enterprise"}, "scenarios": ["entertainment"], "categories": [{"first": "社交", "second": "直播", "status": "pending"}]}"#.as_bytes(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("《信息网络传播视听节目许可证》"), "{err}");
    assert!(!err.contains("audiovisual_program_license"), "{err}");
}

#[test]
fn a_line_with_several_mistakes_names_each_in_the_readers_language() {
    let input = r#"{"subject": {"type": "enterprise"}, "catgories": [], "categories": [{"first": "电商平台", "second": "电商平台", "status": "aproved"}], "documents": [{"kind": "business_license", "valid_until": "2026-13-01"}]}"#;
    let o = livegate(&["batch", "-", "--lang", "zh"], input.as_bytes());
    let recs = records(&o);
    assert_eq!(recs.len(), 1, "still one record for the line");
    assert_eq!(
        recs[0]["error"]["path"], "catgories",
        "the first, as check gives it"
    );
    let more = recs[0]["more_errors"]
        .as_array()
        .expect("the other mistakes");
    let paths: Vec<&str> = more.iter().filter_map(|e| e["path"].as_str()).collect();
    assert_eq!(paths, ["categories[0].status", "documents[0].valid_until"]);
    assert_eq!(more[0]["suggestion"], "approved");
    assert!(
        more[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("未知的类目状态"))
    );
    assert!(
        more.iter().all(|e| e["column"].as_u64().is_some()),
        "each placed in the line"
    );
    // One mistake alone has no list of others.
    let one = livegate(&["batch", "-"], br#"{"subject": {"type": "enterprize"}}"#);
    assert!(records(&one)[0].get("more_errors").is_none());
}

#[test]
fn empty_input_gives_no_records_and_a_zero_summary() {
    let o = livegate(&["batch", "-", "--lang", "en"], b"");
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 records"));
}

#[test]
fn crlf_a_bom_blank_lines_and_a_last_line_without_newline_are_read() {
    let input = b"\xEF\xBB\xBF{\"subject\": {\"type\": 2}}\r\n\r\n{\"subject\": {\"type\": 0}}\r\n{\"subject\": {\"type\": 1}}";
    let o = livegate(&["batch", "-", "--summary", "-q"], input);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let recs = records(&o);
    let verdicts: Vec<&str> = recs
        .iter()
        .map(|r| r["verdict"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(verdicts, ["eligible", "ineligible", "needs_action"]);
    let lines: Vec<u64> = recs
        .iter()
        .map(|r| r["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines, [1, 3, 4], "line numbers count the blank line");
}

#[test]
fn a_10_mb_line_is_rejected_as_a_record_and_invalid_utf8_is_an_error_record() {
    let mut input = b"{\"subject\": {\"type\": 2}, \"name\": \"".to_vec();
    input.extend(std::iter::repeat_n(b'x', 10 << 20));
    input.extend_from_slice(b"\"}\n\xFF\xFE{}\n{\"subject\": {\"type\": 2}}\n");
    let o = livegate(&["batch", "-", "--summary", "-q"], &input);
    let recs = records(&o);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["error"]["kind"], "line_too_long");
    assert_eq!(recs[1]["error"]["kind"], "not_utf8");
    assert_eq!(recs[2]["verdict"], "eligible");
}

#[test]
fn csv_input_follows_the_documented_flat_layout() {
    let csv = "\u{feff}id,subject_type,categories,multi_merchant,documents\r\n\
        m1,enterprise,电商平台/电商平台:pending,true,\"telecom_value_added_license;service_items=B21|platform_service_agreement|merchant_admission_rules|dispute_resolution_mechanism\"\r\n\
        m2,政府,,,\r\n\
        m3,enterprise,,perhaps,\r\n";
    let o = livegate(
        &["batch", "-", "--format", "csv", "--summary", "-q"],
        csv.as_bytes(),
    );
    let recs = records(&o);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["verdict"], "pending");
    assert_eq!(recs[1]["verdict"], "eligible");
    assert_eq!(recs[2]["error"]["field"], "multi_merchant");
    // An unknown column is a usage error: exit 2, one message, no records.
    let bad = livegate(
        &["batch", "-", "--format", "csv"],
        b"id,subject_typ\nm1,enterprise\n",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("subject_type"));
}

#[test]
fn a_closed_stdout_ends_the_batch_quietly() {
    let input = generated(20000, 5, "0");
    for jobs in ["1", "2"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livegate"))
            .args(["batch", "-", "--jobs", jobs])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        let mut stdin = child.stdin.take().expect("stdin");
        let data = input.clone();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&data);
        });
        // Read one line, as `| head -1` would, then close the pipe.
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 64];
        let _ = stdout.read(&mut first);
        drop(stdout);
        let out = child.wait_with_output().expect("waits");
        let _ = writer.join();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "jobs {jobs}: {err}");
        assert_eq!(out.status.code(), Some(0), "jobs {jobs}: {err}");
    }
}

#[test]
fn bad_usage_is_exit_code_2() {
    let o = livegate(&["batch", "-", "--jobs", "0"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = livegate(&["batch", "/nonexistent/profiles.jsonl"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = livegate(&["gen", "--bad-ratio", "2"], b"");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn gen_is_reproducible_and_its_bad_ratio_yields_error_records() {
    let a = generated(500, 9, "0.1");
    assert_eq!(a, generated(500, 9, "0.1"));
    assert_ne!(a, generated(500, 10, "0.1"));
    let o = livegate(&["batch", "-", "--summary", "-q"], &a);
    let errors = records(&o)
        .iter()
        .filter(|r| r.get("error").is_some())
        .count();
    assert!((25..=80).contains(&errors), "{errors} error records of 500");
}

#[test]
fn summary_records_say_what_the_full_reports_say() {
    // --summary takes the engine's text-free decision; the full record renders
    // it. Both must tell the same verdict, statuses and missing documents.
    let input = generated(1500, 21, "0");
    let brief = records(&livegate(&["batch", "-", "--summary", "-q"], &input));
    let full = records(&livegate(&["batch", "-", "-q"], &input));
    assert_eq!(brief.len(), full.len());
    for (b, f) in brief.iter().zip(&full) {
        assert_eq!(b["verdict"], f["verdict"], "line {}", b["line"]);
        let paths = f["paths"].as_array().expect("paths");
        for (bp, fp) in b["paths"].as_array().expect("paths").iter().zip(paths) {
            assert_eq!(bp["id"], fp["id"]);
            assert_eq!(bp["status"], fp["status"], "line {}", b["line"]);
            assert_eq!(
                bp["missing_documents"], fp["missing_documents"],
                "line {}",
                b["line"]
            );
        }
    }
}

#[test]
fn gen_takes_a_mix_file_and_refuses_a_bad_one_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let built_in = include_str!("../../batch/src/mix.toml");
    // The mix decides the shares: all government subjects.
    let only_government = built_in
        .replace("enterprise = 68", "enterprise = 0")
        .replace("individual = 8", "individual = 0")
        .replace("media = 7", "media = 0")
        .replace("other_org = 11", "other_org = 0");
    let mix = dir.path().join("government.toml");
    std::fs::write(&mix, &only_government).unwrap();
    let o = livegate(
        &["gen", "--count", "200", "--mix", mix.to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let lines = records(&o);
    assert_eq!(lines.len(), 200);
    for p in &lines {
        let t = &p["subject"]["type"];
        assert!(
            *t == "government" || *t == "政府" || *t == 2,
            "only governments: {t}"
        );
    }
    // A category the ruleset lacks: exit 2, the file and key named, nothing written.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        built_in.replacen("\"ecommerce_platform\"]", "\"ecommerce_platfrom\"]", 1),
    )
    .unwrap();
    let o = livegate(&["gen", "--mix", bad.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml")
            && err.contains("businesses[0].categories")
            && err.contains("ecommerce_platfrom"),
        "{err}"
    );
}
