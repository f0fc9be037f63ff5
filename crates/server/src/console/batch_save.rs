//! Saving a batch's rows as applicants, in one action. Rows whose AppID is
//! already an applicant are not touched until the person chooses: update
//! them, or skip them. Every row goes through the same checks as the API,
//! and a row that fails is listed with why, never dropped silently.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path as FsPath;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use livegate_batch::csvin::Columns;
use livegate_batch::lines::{Line, LineReader};
use livegate_core::{Lang, Profile};
use maud::{Markup, html};

use super::batch_jobs;
use super::errors::error_page;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use super::session::{SignedIn, WriterPost};
use crate::{ApiError, AppState};

/// The most rows one save takes; a larger file is split first.
pub const MAX_SAVE_ROWS: usize = 20_000;

/// The job's good rows that name an AppID, and how many name none.
fn rows(
    dir: &FsPath,
    csv: bool,
    lang: livegate_core::Lang,
) -> Result<(Vec<(u64, Profile)>, u64), String> {
    let file = std::fs::File::open(batch_jobs::input_path(dir, csv)).map_err(|e| e.to_string())?;
    let mut reader = LineReader::new(BufReader::new(file), livegate_batch::DEFAULT_MAX_LINE);
    let mut line = Line::default();
    let mut columns: Option<Columns> = None;
    let (mut out, mut without) = (Vec::new(), 0);
    while reader.next_into(&mut line).map_err(|e| e.to_string())? {
        let Ok(text) = std::str::from_utf8(&line.bytes) else {
            continue;
        };
        if text.trim().is_empty() || line.too_long.is_some() {
            continue;
        }
        if csv && columns.is_none() {
            columns = Some(Columns::parse(text, lang)?);
            continue;
        }
        let parsed = match &columns {
            Some(c) => c.profile(text, lang).ok(),
            None => livegate_core::parse_profile(text).ok(),
        };
        match parsed {
            Some(p) if p.appid.is_some() => out.push((line.number, p)),
            Some(_) => without += 1,
            None => {}
        }
        if out.len() > MAX_SAVE_ROWS {
            return Err(livegate_core::catalog::msg(
                "batch_too_many_rows",
                lang,
                &[("max", &MAX_SAVE_ROWS.to_string())],
            ));
        }
    }
    Ok((out, without))
}

/// What one save did.
#[derive(Default)]
struct Outcome {
    created: u64,
    updated: u64,
    skipped: u64,
    failed: Vec<(u64, String)>,
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, form: f } = post;
    let (dir, meta) = match super::batch::job(&state, &user, &id).await {
        Ok(j) if j.1.state == livegate_store::JobState::Done => j,
        Ok(_) => return error_page(&state, &cx, &ApiError::NotFound),
        Err(e) => return error_page(&state, &cx, &e),
    };
    let lang = cx.lang;
    let read = tokio::task::spawn_blocking(move || rows(&dir, meta.csv, lang)).await;
    let (rows, without) = match read {
        Ok(Ok(r)) => r,
        Ok(Err(m)) => {
            return notice(
                &state,
                &cx,
                &id,
                &tf(cx.lang, Key::BatchSaveRefused, &[("reason", &m)]),
            );
        }
        Err(e) => return error_page(&state, &cx, &ApiError::Internal(e.to_string())),
    };
    let existing = match state.store.appids(&user.principal.tenant_id).await {
        Ok(list) => list
            .into_iter()
            .map(|(a, i, v)| (a, (i, v)))
            .collect::<HashMap<_, _>>(),
        Err(e) => return error_page(&state, &cx, &e.into()),
    };
    let clash: Vec<&str> = rows
        .iter()
        .filter_map(|(_, p)| p.appid.as_deref())
        .filter(|a| existing.contains_key(*a))
        .collect();
    let choice = f.get("existing");
    if !clash.is_empty() && !matches!(choice, Some("update" | "skip")) {
        return confirm(&state, &cx, &id, &clash);
    }
    let out = write_all(
        &state,
        &user,
        &rows,
        &existing,
        choice == Some("update"),
        cx.lang,
    )
    .await;
    done(&state, &cx, &id, &out, without)
}

async fn write_all(
    state: &AppState,
    user: &SignedIn,
    rows: &[(u64, Profile)],
    existing: &HashMap<String, (String, i64)>,
    update: bool,
    lang: Lang,
) -> Outcome {
    let mut out = Outcome::default();
    for (line, p) in rows {
        let current = p.appid.as_deref().and_then(|a| existing.get(a));
        if current.is_some() && !update {
            out.skipped += 1;
            continue;
        }
        match write_one(state, user, p, current, lang).await {
            Ok(()) if current.is_some() => out.updated += 1,
            Ok(()) => out.created += 1,
            Err(e) => out.failed.push((*line, message(&e))),
        }
    }
    out
}

fn message(e: &ApiError) -> String {
    match e {
        ApiError::Validation(list) => list
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// One row: the applicant created or its profile replaced; its documents
/// added, replacing a stored document of the same kind.
async fn write_one(
    state: &AppState,
    user: &SignedIn,
    p: &Profile,
    current: Option<&(String, i64)>,
    lang: Lang,
) -> Result<(), ApiError> {
    let who = &user.principal;
    let mut profile = p.clone();
    let documents = std::mem::take(&mut profile.documents);
    let docs = documents
        .into_iter()
        .map(|d| crate::stored::check_document(state, d, lang))
        .collect::<Result<Vec<_>, _>>()?;
    let input = crate::stored::check_applicant(state, profile, lang)?;
    let id = match current {
        Some((id, version)) => {
            state
                .store
                .update_applicant(who, id, *version, input)
                .await?
                .id
        }
        None => state.store.create_applicant(who, input).await?.id,
    };
    let stored = state.store.list_documents(&who.tenant_id, &id).await?;
    for d in docs {
        let same = stored
            .iter()
            .find(|s| s.document.get("kind").and_then(|k| k.as_str()) == Some(d.kind.as_str()));
        match same {
            Some(s) => state
                .store
                .update_document(who, &id, &s.id, s.version, d)
                .await
                .map(|_| ())?,
            None => state.store.create_document(who, &id, d).await.map(|_| ())?,
        }
    }
    crate::stored::evaluate_and_record(state, who, &id, lang)
        .await
        .map(|_| ())
}

fn confirm(state: &AppState, cx: &Ctx, id: &str, clash: &[&str]) -> Response {
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::BatchSaveConfirmTitle)) }
        p { (tf(l, Key::BatchSaveConfirm, &[("n", &clash.len().to_string())])) }
        ul { @for a in clash.iter().take(50) { li { code { (a) } } } }
        @if clash.len() > 50 { p.hint { (tf(l, Key::BatchAndMore, &[("n", &(clash.len() - 50).to_string())])) } }
        form method="post" action={ "/batch/" (id) "/save" } {
            (cx.csrf())
            fieldset {
                legend { (t(l, Key::BatchSaveExisting)) }
                label.choice { input type="radio" name="existing" value="skip" checked; " " (t(l, Key::BatchSaveSkip)) }
                label.choice { input type="radio" name="existing" value="update"; " " (t(l, Key::BatchSaveUpdate)) }
            }
            div.actions { button type="submit" { (t(l, Key::BatchSave)) } a href={ "/batch/" (id) } { (t(l, Key::Cancel)) } }
        }
    };
    respond(
        StatusCode::OK,
        page(
            cx,
            &state.ruleset,
            &t(l, Key::BatchSaveConfirmTitle),
            "/batch",
            body,
        ),
    )
}

fn done(state: &AppState, cx: &Ctx, id: &str, out: &Outcome, without: u64) -> Response {
    let l = cx.lang;
    let n = |x: u64| x.to_string();
    let body = html! {
        h1 { (t(l, Key::BatchSavedTitle)) }
        p role="status" data-created=(out.created) data-updated=(out.updated) data-skipped=(out.skipped) {
            (tf(l, Key::BatchSaved, &[("created", &n(out.created)), ("updated", &n(out.updated)), ("skipped", &n(out.skipped)), ("without", &n(without))]))
        }
        (failures(l, &out.failed))
        p { a href="/applicants" { (t(l, Key::ApplicantsTitle)) } " · " a href={ "/batch/" (id) } { (t(l, Key::BatchBackToJob)) } }
    };
    let status = if out.failed.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    respond(
        status,
        page(
            cx,
            &state.ruleset,
            &t(l, Key::BatchSavedTitle),
            "/batch",
            body,
        ),
    )
}

fn failures(l: Lang, failed: &[(u64, String)]) -> Markup {
    html! {
        @if !failed.is_empty() {
            h2 { (tf(l, Key::BatchSaveFailed, &[("n", &failed.len().to_string())])) }
            table { thead { tr { th scope="col" { (t(l, Key::BatchLine)) } th scope="col" { (t(l, Key::BatchError)) } } }
                tbody { @for (line, m) in failed { tr { td { (line) } td { (m) } } } } }
        }
    }
}

fn notice(state: &AppState, cx: &Ctx, id: &str, text: &str) -> Response {
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::BatchSavedTitle)) }
        p.error role="alert" { (text) }
        p { a href={ "/batch/" (id) } { (t(l, Key::BatchBackToJob)) } }
    };
    respond(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(
            cx,
            &state.ruleset,
            &t(l, Key::BatchSavedTitle),
            "/batch",
            body,
        ),
    )
}
