//! 批量预审 (`/batch`): upload a JSON Lines or CSV file (the layouts
//! `livegate batch` reads), watch its progress, download the results (JSONL,
//! and a CSV of the summary), read every bad line with its error, and save
//! the rows as applicants.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livegate_core::report::PathStatus;
use livegate_core::{Lang, Verdict};
use livegate_store::clock;
use maud::{Markup, html};
use tokio::io::AsyncWriteExt;

use super::applicants::short_time;
use livegate_store::{BatchJob, JobState};

use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use super::report::{doc_title, rm, verdict_mark};
use super::session::{Reader, SignedIn, WriterPost, require_csrf, require_user};
use super::{batch_jobs, batch_queue};
use crate::{ApiError, AppState};

pub async fn index(State(state): State<AppState>, cx: Ctx) -> Response {
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let jobs = match state.store.jobs(&user.principal.tenant_id, 50).await {
        Ok(j) => j,
        Err(e) => return error_page(&state, &cx, &e.into()),
    };
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::BatchTitle)) }
        p.lead { (t(l, Key::BatchLead)) }
        form.narrow method="post" action="/batch" enctype="multipart/form-data" {
            (cx.csrf())
            div.field.drop {
                label for="batch-file" { (t(l, Key::BatchFile)) }
                input type="file" id="batch-file" name="file" required accept=".jsonl,.json,.ndjson,.csv,text/csv,application/json";
                p.hint { (t(l, Key::BatchFileHint)) }
            }
            div.actions { button type="submit" { (t(l, Key::BatchStart)) } }
        }
        (columns_help(l))
        h2 { (t(l, Key::BatchJobs)) }
        @if jobs.is_empty() { p { (t(l, Key::BatchJobsNone)) } }
        ul { @for j in &jobs { li {
            a href={ "/batch/" (j.id) } { (j.file_name) } " · " (short_time(l, &j.created_at)) " · " (state_word(l, j.state))
        } } }
    };
    respond(
        StatusCode::OK,
        page(&cx, &state.ruleset, &t(l, Key::BatchTitle), "/batch", body),
    )
}

/// The CSV's columns, each with what it holds, and a template to start from.
fn columns_help(l: Lang) -> Markup {
    let columns = [
        ("id, appid, name", t(l, Key::BatchColIdentity)),
        ("subject_type", t(l, Key::BatchColSubjectType)),
        ("subject_name, credit_code", t(l, Key::BatchColSubjectName)),
        ("region", t(l, Key::BatchColRegion)),
        ("categories", t(l, Key::BatchColCategories)),
        ("scenarios, goods, services", t(l, Key::BatchColActivities)),
        ("multi_merchant", t(l, Key::BatchColMultiMerchant)),
        ("documents", t(l, Key::BatchColDocuments)),
    ];
    html! {
        details.columns {
            summary { (t(l, Key::BatchColumns)) }
            p { a href="/batch/template.csv" download { (t(l, Key::BatchTemplate)) } }
            div.table-wrap { table.rows {
                thead { tr { th scope="col" { (t(l, Key::BatchColumn)) } th scope="col" { (t(l, Key::BatchColumnContent)) } } }
                tbody { @for (name, what) in &columns {
                    tr { th scope="row" { code { (name) } } td data-label=(t(l, Key::BatchColumnContent)) { (what) } }
                } }
            } }
        }
    }
}

/// `GET /batch/template.csv`: the header and two example rows.
pub async fn template() -> Response {
    let body = "\u{feff}id,appid,name,subject_type,subject_name,credit_code,region,categories,scenarios,goods,services,multi_merchant,documents\n\
m-1,wx0123456789abcdef,示例商城,enterprise,深圳市示例科技有限公司,,mainland,电商平台/电商平台:pending,ecommerce_selling,,,true,\"telecom_value_added_license;service_items=B21;valid_until=2029-01-01|platform_service_agreement|merchant_admission_rules|dispute_resolution_mechanism\"\n\
m-2,,,government,某市人民政府,,,,,,,,\n";
    super::layout::attachment(
        body,
        "text/csv; charset=utf-8",
        "livegate-batch-template.csv",
    )
}

fn state_word(l: Lang, s: JobState) -> String {
    match s {
        JobState::Queued => t(l, Key::BatchQueued),
        JobState::Running => t(l, Key::BatchRunning),
        JobState::Done => t(l, Key::BatchDone),
        JobState::Failed => t(l, Key::BatchFailed),
        JobState::Interrupted => t(l, Key::BatchInterrupted),
    }
}

/// Takes the upload: the CSRF field first, then the file, streamed to disk.
pub async fn upload(State(state): State<AppState>, cx: Ctx, req: Request) -> Response {
    let mp = match Multipart::from_request(req, &state).await {
        Ok(m) => m,
        Err(e) => return error_page(&state, &cx, &ApiError::BadRequest(e.body_text())),
    };
    match receive(&state, &cx, mp).await {
        Ok(Ok(id)) => see_other(&format!("/batch/{id}")),
        Ok(Err(refusal)) => refusal,
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// Streams the uploaded file to `input`, in a new job directory; how many
/// lines it has.
async fn save_input(
    field: &mut axum::extract::multipart::Field<'_>,
    dir: &std::path::Path,
    input: &std::path::Path,
) -> Result<u64, ApiError> {
    let io = |e: std::io::Error| crate::files::io_error("saving a batch upload", &e);
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let mut out = tokio::fs::File::create(input).await.map_err(io)?;
    let (mut lines, mut last) = (0u64, b'\n');
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?
    {
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        last = chunk.last().copied().unwrap_or(last);
        out.write_all(&chunk).await.map_err(io)?;
    }
    out.flush().await.map_err(io)?;
    Ok(lines + u64::from(last != b'\n'))
}

async fn receive(
    state: &AppState,
    cx: &Ctx,
    mut mp: Multipart,
) -> Result<Result<String, Response>, ApiError> {
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::BadRequest(e.body_text());
    let mut form = Vec::new();
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            let name = field.name().unwrap_or("").to_string();
            form.push((name, field.text().await.map_err(bad)?));
            continue;
        }
        let f = Form::from_pairs(std::mem::take(&mut form));
        let user = match require_csrf(state, cx, &f) {
            Ok(u) => u.clone(),
            Err(r) => return Ok(Err(r)),
        };
        let tenant = &user.principal.tenant_id;
        if state.store.open_jobs(tenant).await? >= batch_queue::QUEUE_PER_TENANT {
            return Ok(Err(queue_full(state, cx)));
        }
        let file_name = field.file_name().unwrap_or("upload").to_string();
        let mut job = new_job(tenant, &file_name);
        let dir = batch_jobs::job_dir(&state.settings.data_dir, tenant, &job.id)
            .ok_or_else(|| ApiError::Internal("job id".into()))?;
        let input = batch_jobs::input_path(&dir, job.csv);
        let saved = match save_input(&mut field, &dir, &input).await {
            Ok(lines) => {
                job.lines = Some(lines.saturating_sub(u64::from(job.csv)));
                state.store.create_job(&job).await.map_err(ApiError::from)
            }
            Err(e) => Err(e),
        };
        if let Err(e) = saved {
            // A cut-off or refused upload leaves nothing behind.
            let _ = tokio::fs::remove_dir_all(&dir).await;
            return Err(e);
        }
        batch_queue::spawn(state, dir, job.clone(), cx.lang);
        return Ok(Ok(job.id));
    }
    Err(ApiError::invalid("file", t(cx.lang, Key::BatchNoFile)))
}

fn new_job(tenant: &str, file_name: &str) -> BatchJob {
    BatchJob {
        id: clock::new_id("bat"),
        tenant_id: tenant.to_string(),
        file_name: file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect(),
        csv: file_name.to_ascii_lowercase().ends_with(".csv"),
        created_at: clock::now_rfc3339(),
        state: JobState::Queued,
        records: 0,
        errors: 0,
        verdicts: [0; 4],
        missing: Vec::new(),
        failure: None,
        lines: None,
    }
}

/// The job of the signed-in tenant, or the answer (404) when there is none.
pub async fn job(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> Result<(std::path::PathBuf, BatchJob), ApiError> {
    let tenant = &user.principal.tenant_id;
    let dir =
        batch_jobs::job_dir(&state.settings.data_dir, tenant, id).ok_or(ApiError::NotFound)?;
    let job = state
        .store
        .job(tenant, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((dir, job))
}

pub async fn show(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let q = Form::parse(q.as_deref().unwrap_or(""));
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (dir, meta) = match job(&state, user, &id).await {
        Ok(j) => j,
        Err(e) => return error_page(&state, &cx, &e),
    };
    let l = cx.lang;
    let body = html! {
        p { a href="/batch" { "← " (t(l, Key::BatchTitle)) } }
        h1 { (meta.file_name) }
        @match meta.state {
            JobState::Done => { (finished(&state, &cx, &dir, &meta)) (records(&state, l, &dir, &meta, &q)) }
            JobState::Failed => {
                p.error role="alert" { (tf(l, Key::BatchFailedBecause, &[("reason", meta.failure.as_deref().unwrap_or(""))])) }
                (rerun_form(&cx, &meta))
            }
            JobState::Interrupted => {
                p.warning role="status" { (tf(l, Key::BatchInterruptedAfter, &[("progress", &progress_text(l, meta.records, meta.lines))])) }
                (rerun_form(&cx, &meta))
            }
            JobState::Queued | JobState::Running => (running(l, &meta, state.jobs.progress(&meta.id).unwrap_or(meta.records))),
        }
    };
    let markup = page(&cx, &state.ruleset, &meta.file_name, "/batch", body);
    respond(StatusCode::OK, markup)
}

/// How far a job is, in words: `n` rows, and of how many when known.
fn progress_text(l: Lang, done: u64, total: Option<u64>) -> String {
    match total.filter(|&t| t > 0) {
        Some(total) => {
            let done = done.min(total);
            let pct = (done * 100 / total).to_string();
            let vars = [
                ("n", done.to_string()),
                ("total", total.to_string()),
                ("percent", pct),
            ];
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            tf(l, Key::BatchProgressOf, &vars)
        }
        None => tf(l, Key::BatchProgress, &[("n", &done.to_string())]),
    }
}

/// A running job: its progress, which the script follows (`data-poll`)
/// without reloading the page until the job ends; without the script, a
/// link to look again.
fn running(l: Lang, meta: &BatchJob, done: u64) -> Markup {
    let total = meta.lines.filter(|&t| t > 0);
    html! {
        div data-poll={ "/batch/" (meta.id) "/progress" } {
            @if meta.state == JobState::Queued { p { (t(l, Key::BatchQueuedHint)) } }
            p role="status" data-progress-text { (progress_text(l, done, total)) }
            @match total {
                Some(n) => progress aria-label=(t(l, Key::BatchRunning)) max=(n) value=(done.min(n)) {},
                None => progress aria-label=(t(l, Key::BatchRunning)) {},
            }
            p.hint { (t(l, Key::BatchRefreshHint)) " " a href={ "/batch/" (meta.id) } { (t(l, Key::BatchLookAgain)) } }
        }
    }
}

/// `GET /batch/{id}/progress`: the job's state and progress, for the script.
pub async fn progress(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match job(&state, user, &id).await {
        Ok((_, meta)) => {
            let done = state.jobs.progress(&meta.id).unwrap_or(meta.records);
            let text = progress_text(cx.lang, done, meta.lines);
            let body = serde_json::json!({"state": meta.state.as_str(), "done": done, "total": meta.lines, "text": text});
            axum::Json(body).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The tenant has as many jobs waiting as it may: 429, and when to try.
fn queue_full(state: &AppState, cx: &Ctx) -> Response {
    let l = cx.lang;
    let n = batch_queue::QUEUE_PER_TENANT.to_string();
    let body = html! {
        h1 { (t(l, Key::ErrorTitle)) }
        p role="alert" { (tf(l, Key::BatchQueueFull, &[("n", &n)])) }
        p { a href="/batch" { "← " (t(l, Key::BatchTitle)) } }
    };
    let mut res = respond(
        StatusCode::TOO_MANY_REQUESTS,
        page(cx, &state.ruleset, &t(l, Key::ErrorTitle), "/batch", body),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    res
}

/// Runs an interrupted or failed job again, from its first line.
fn rerun_form(cx: &Ctx, meta: &BatchJob) -> Markup {
    html! {
        form method="post" action={ "/batch/" (meta.id) "/rerun" } {
            (cx.csrf())
            button type="submit" { (t(cx.lang, Key::BatchRerun)) }
        }
    }
}

/// `POST /batch/{id}/rerun`: an interrupted or failed job queued again,
/// its earlier results removed.
pub async fn rerun(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, .. } = post;
    let tenant = &user.principal.tenant_id;
    let dir = match job(&state, &user, &id).await {
        Ok((dir, _)) => dir,
        Err(e) => return error_page(&state, &cx, &e),
    };
    match state.store.open_jobs(tenant).await {
        Ok(n) if n >= batch_queue::QUEUE_PER_TENANT => return queue_full(&state, &cx),
        Ok(_) => {}
        Err(e) => return error_page(&state, &cx, &e.into()),
    }
    // Only a failed or interrupted job, and only once for two clicks.
    let requeued = match state.store.requeue_job(tenant, &id).await {
        Ok(true) => state.store.job(tenant, &id).await,
        Ok(false) => return see_other(&format!("/batch/{id}")),
        Err(e) => Err(e),
    };
    let job = match requeued {
        Ok(Some(job)) => job,
        Ok(None) => return error_page(&state, &cx, &ApiError::NotFound),
        Err(e) => return error_page(&state, &cx, &e.into()),
    };
    for f in [
        "results.jsonl",
        "summary.csv",
        "errors-zh.jsonl",
        "errors-en.jsonl",
    ] {
        let _ = tokio::fs::remove_file(dir.join(f)).await;
    }
    batch_queue::spawn(&state, dir, job, cx.lang);
    see_other(&format!("/batch/{id}"))
}

fn finished(state: &AppState, cx: &Ctx, dir: &std::path::Path, meta: &BatchJob) -> Markup {
    let l = cx.lang;
    let errors = batch_jobs::errors(dir, batch_jobs::SHOWN_ERRORS, l);
    let ok = meta.records - meta.errors;
    html! {
        p role="status" data-records=(ok) data-errors=(meta.errors) {
            (tf(l, Key::BatchCounts, &[("records", &ok.to_string()), ("errors", &meta.errors.to_string())]))
        }
        ul { @for (v, n) in Verdict::ALL.iter().zip(meta.verdicts) {
            li { (verdict_mark(*v)) " " (rm(l, &format!("verdict_{}", v.as_str()))) (rm(l, "colon")) (n) }
        } }
        @if !meta.missing.is_empty() {
            h2 { (t(l, Key::ChartMissing)) }
            ol { @for (d, n) in &meta.missing { li { (doc_title(&state.ruleset, l, d)) " " (n) } } }
        }
        div.actions {
            a.button href={ "/batch/" (meta.id) "/results.jsonl" } download { (t(l, Key::BatchDownloadJsonl)) }
            a.button href={ "/batch/" (meta.id) "/summary.csv" } download { (t(l, Key::BatchDownloadCsv)) }
        }
        @if cx.user.as_ref().is_some_and(SignedIn::can_write) && ok > 0 {
            form method="post" action={ "/batch/" (meta.id) "/save" } {
                (cx.csrf())
                button type="submit" { (t(l, Key::BatchSave)) }
                p.hint { (t(l, Key::BatchSaveHint)) }
            }
        }
        h2 id="bad-lines" { (tf(l, Key::BatchBadLines, &[("n", &meta.errors.to_string())])) }
        @if meta.errors as usize > errors.len() { p.hint { (tf(l, Key::BatchBadLinesMore, &[("n", &errors.len().to_string())])) } }
        @if !errors.is_empty() {
            div.table-wrap tabindex="0" { table.bad-lines {
                thead { tr { th scope="col" { (t(l, Key::BatchLine)) } th scope="col" { (t(l, Key::BatchErrorKind)) } th scope="col" { (t(l, Key::BatchError)) } } }
                tbody { @for b in &errors { (bad_line(l, b)) } }
            } }
        }
    }
}

fn bad_line(l: Lang, b: &batch_jobs::BadLine) -> Markup {
    html! {
        tr {
            td { (b.line) }
            td data-kind=(b.kind) { (kind_name(l, &b.kind)) }
            td {
                @if let [only] = b.faults.as_slice() {
                    (fault(l, only))
                } @else {
                    ol.faults { @for f in &b.faults { li { (fault(l, f)) } } }
                }
            }
        }
    }
}

fn fault(l: Lang, f: &batch_jobs::Fault) -> Markup {
    html! {
        @if let Some(p) = &f.place { (t(l, Key::BatchErrorAt)) " " code { (p) } (rm(l, "colon")) }
        (with_code(&f.message))
        @if let Some(s) = &f.suggestion {
            br; span.suggestion { (t(l, Key::BatchDidYouMean)) " " code { (s) } }
        }
    }
}

/// A message with its `quoted` names set as code, not shown with backticks.
fn with_code(message: &str) -> Markup {
    html! {
        @for (i, part) in message.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// Rows of the results shown per page.
const ROWS_PER_PAGE: usize = 50;

/// The job's records in the page, filtered by verdict, a page at a time.
fn records(state: &AppState, l: Lang, dir: &std::path::Path, meta: &BatchJob, q: &Form) -> Markup {
    let verdict = q.get("verdict").and_then(super::applicants::parse_verdict);
    let from: usize = q.get("from").and_then(|f| f.parse().ok()).unwrap_or(0);
    let (rows, more) = batch_jobs::records(dir, verdict.map(Verdict::as_str), from, ROWS_PER_PAGE);
    let base = format!("/batch/{}", meta.id);
    let with = |v: Option<Verdict>, from: usize| match v {
        Some(v) => format!("{base}?verdict={}&from={from}#rows", v.as_str()),
        None => format!("{base}?from={from}#rows"),
    };
    html! {
        section id="rows" aria-labelledby="rows-title" {
            h2 id="rows-title" { (t(l, Key::BatchRows)) }
            nav.filters aria-label=(t(l, Key::BatchRowsFilter)) {
                a href=(with(None, 0)) aria-current=[verdict.is_none().then_some("true")] { (t(l, Key::Any)) }
                @for (v, n) in Verdict::ALL.iter().zip(meta.verdicts) {
                    a href=(with(Some(*v), 0)) aria-current=[(verdict == Some(*v)).then_some("true")] {
                        (verdict_mark(*v)) " " (rm(l, &format!("verdict_{}", v.as_str()))) " (" (n) ")"
                    }
                }
            }
            @if rows.is_empty() { p { (t(l, Key::BatchRowsNone)) } }
            @else {
                div.table-wrap { table.rows {
                    thead { tr {
                        th scope="col" { (t(l, Key::BatchLine)) }
                        th scope="col" { (t(l, Key::BatchProfileId)) }
                        th scope="col" { (rm(l, "verdict")) }
                        @for p in &state.ruleset.paths { th scope="col" { (p.name.get(l)) } }
                    } }
                    tbody { @for r in &rows { (record_row(state, l, r)) } }
                } }
            }
            nav.pager aria-label=(t(l, Key::Pages)) {
                @if from > 0 { a href=(with(verdict, from.saturating_sub(ROWS_PER_PAGE))) rel="prev" { (t(l, Key::PreviousPage)) } }
                @if more { a href=(with(verdict, from + ROWS_PER_PAGE)) rel="next" { (t(l, Key::NextPage)) } }
            }
        }
    }
}

fn record_row(state: &AppState, l: Lang, r: &serde_json::Value) -> Markup {
    let verdict = r["verdict"]
        .as_str()
        .and_then(super::applicants::parse_verdict);
    // Once a line can go live (or waits only for WeChat), a path with work
    // left is not needed: it says so quietly, as the applicants list does.
    let settled = matches!(verdict, Some(Verdict::Eligible | Verdict::Pending));
    html! {
        tr {
            th scope="row" { (r["line"].as_u64().unwrap_or(0)) }
            td data-label=(t(l, Key::BatchProfileId)) { (r["profile_id"].as_str().unwrap_or("—")) }
            td data-label=(rm(l, "verdict")) { @if let Some(v) = verdict { (super::report::verdict_badge(l, v)) } }
            @for p in &state.ruleset.paths {
                @let rec = r["paths"].as_array().and_then(|ps| ps.iter().find(|x| x["id"] == p.id.as_str()));
                td data-label=(p.name.get(l)) {
                    @match rec.and_then(|x| x["status"].as_str()).and_then(super::applicants::parse_status) {
                        Some(PathStatus::Actionable) if settled => span.hint { (t(l, Key::PathNotNeededShort)) },
                        Some(st) => {
                            (super::report::status_badge(l, st))
                            (missing_list(state, l, rec))
                        }
                        None => "—",
                    }
                }
            }
        }
    }
}

/// A path's missing documents, folded under their count, so a page of
/// rows stays short on a phone.
fn missing_list(state: &AppState, l: Lang, rec: Option<&serde_json::Value>) -> Markup {
    let missing: Vec<String> = rec
        .and_then(|x| x["missing_documents"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .map(|d| doc_title(&state.ruleset, l, d))
        .collect();
    html! {
        @if !missing.is_empty() {
            details.missing {
                summary { (tf(l, Key::BatchMissingCount, &[("n", &missing.len().to_string())])) }
                ul { @for m in &missing { li { (m) } } }
            }
        }
    }
}

/// An error record's kind in words; its id stays in the results file and
/// in `data-kind`.
pub fn kind_name(l: Lang, kind: &str) -> String {
    match kind {
        "invalid_json" => t(l, Key::BatchKindInvalidJson),
        "invalid_profile" => t(l, Key::BatchKindInvalidProfile),
        "invalid_row" => t(l, Key::BatchKindInvalidRow),
        "line_too_long" => t(l, Key::BatchKindLineTooLong),
        "not_utf8" => t(l, Key::BatchKindNotUtf8),
        other => other.to_string(),
    }
}

/// A result file of the job, streamed from disk.
pub async fn download(
    State(state): State<AppState>,
    reader: Reader,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let Reader { cx, user } = reader;
    let content_type = match file.as_str() {
        "results.jsonl" => "application/jsonl; charset=utf-8",
        "summary.csv" => "text/csv; charset=utf-8",
        _ => return error_page(&state, &cx, &ApiError::NotFound),
    };
    let opened = async {
        let (dir, _) = job(&state, &user, &id).await?;
        let path = match file.as_str() {
            "summary.csv" => super::batch_csv::path(&dir, cx.lang),
            _ => dir.join(&file),
        };
        tokio::fs::File::open(path)
            .await
            .map_err(|_| ApiError::NotFound)
    };
    let f = match opened.await {
        Ok(f) => f,
        Err(e) => return error_page(&state, &cx, &e),
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(f));
    let disposition = format!("attachment; filename=\"{id}-{file}\"");
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
