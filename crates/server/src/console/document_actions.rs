//! The document handlers of the console: add (with a scan), edit, delete,
//! and the scan itself. Each write is checked as the API checks it, keeps
//! the ETag rules, and re-evaluates the applicant so lists stay current.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livegate_store::{Document, StoredFile};
use maud::html;

use super::documents::{Posted, document_of, edit_form, form_of, kind_of, posted};
use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use super::report::doc_name;
use super::session::{Reader, SignedIn, require_writer};
use super::wizard::Errors;
use crate::{ApiError, AppState, files};

/// A posted document form and the writer behind it, or the answer that
/// refuses it (a bad form, a missing CSRF token, a viewer).
async fn posted_by_writer(
    state: &AppState,
    cx: &Ctx,
    req: Request,
) -> Result<(SignedIn, Posted), Response> {
    let p = posted(req, state)
        .await
        .map_err(|e| error_page(state, cx, &e))?;
    let user = require_writer(state, cx, &p.form)?;
    Ok((user, p))
}

/// A scan as the service keeps it: sniffed from the bytes, the name checked.
pub(super) async fn keep_scan(
    state: &AppState,
    name: &str,
    bytes: &[u8],
    l: livegate_core::Lang,
) -> Result<StoredFile, ApiError> {
    let content_type =
        files::sniff(bytes).ok_or_else(|| ApiError::invalid("file", t(l, Key::ScanTypeRefused)))?;
    let name = (!name.is_empty()).then(|| name.to_string());
    if let Some(n) = &name {
        files::check_name(n).map_err(|_| ApiError::invalid("file", t(l, Key::ScanNameRefused)))?;
    }
    let sha256 = files::keep(state, bytes).await?;
    Ok(StoredFile {
        sha256,
        name,
        content_type: content_type.to_string(),
        size: bytes.len() as i64,
    })
}

/// Errors a form can show beside its fields.
fn field_errors(e: &ApiError) -> Option<Errors> {
    match e {
        ApiError::Validation(list) => Some(
            list.iter()
                .map(|f| (f.path.clone(), f.message.clone()))
                .collect(),
        ),
        _ => None,
    }
}

pub async fn add(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (user, p) = match posted_by_writer(&state, &cx, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match add_document(&state, &cx, &user, &id, &p).await {
        Ok(doc) => see_other(&format!("/applicants/{id}#doc-{doc}")),
        Err(e) => match field_errors(&e) {
            Some(errors) => edit_page(
                &state,
                &cx,
                &id,
                None,
                &p.form,
                Some(&errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            None => error_page(&state, &cx, &e),
        },
    }
}

async fn add_document(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    id: &str,
    p: &Posted,
) -> Result<String, ApiError> {
    let who = &user.principal;
    let input =
        crate::stored::check_document(state, document_of(&state.ruleset, &p.form), cx.lang)?;
    let scan = match &p.file {
        Some((name, bytes)) => Some(keep_scan(state, name, bytes, cx.lang).await?),
        None => None,
    };
    let d = state.store.create_document(who, id, input).await?;
    if let Some(file) = scan {
        state
            .store
            .attach_file(who, id, &d.id, d.version, file)
            .await?;
    }
    crate::stored::evaluate_and_record(state, who, id, cx.lang).await?;
    Ok(d.id)
}

/// The page of one document, to edit it.
pub async fn show(
    State(state): State<AppState>,
    reader: Reader,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let Reader { cx, user } = reader;
    match state
        .store
        .get_document(&user.principal.tenant_id, &id, &doc)
        .await
    {
        Ok(d) => edit_page(
            &state,
            &cx,
            &id,
            Some(&d),
            &form_of(&d),
            None,
            StatusCode::OK,
        ),
        Err(e) => error_page(&state, &cx, &e.into()),
    }
}

fn edit_page(
    state: &AppState,
    cx: &Ctx,
    id: &str,
    d: Option<&Document>,
    f: &Form,
    errors: Option<&Errors>,
    status: StatusCode,
) -> Response {
    let l = cx.lang;
    let rs = &state.ruleset;
    let (action, title) = match d {
        Some(d) => (
            format!("/applicants/{id}/documents/{}", d.id),
            doc_name(rs, l, &kind_of(d)),
        ),
        None => (
            format!("/applicants/{id}/documents"),
            t(l, Key::DocumentAdd),
        ),
    };
    let writable = cx.user.as_ref().is_some_and(SignedIn::can_write);
    let body = html! {
        p { a href={ "/applicants/" (id) "#documents" } { "← " (t(l, Key::BackToApplicant)) } }
        h1 { (title) }
        @if writable { (edit_form(l, rs, cx, &action, f, errors, d.is_none())) }
        @else { p.hint { (t(l, Key::ReadOnly)) } }
    };
    respond(status, page(cx, rs, &title, "/applicants", body))
}

/// Saves an edited document (and a new scan) if nobody changed it meanwhile.
pub async fn update(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, doc)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (user, p) = match posted_by_writer(&state, &cx, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let e = match update_document(&state, &cx, &user, &id, &doc, &p).await {
        Ok(()) => return see_other(&format!("/applicants/{id}#doc-{doc}")),
        Err(e) => e,
    };
    // A refused edit: the form again, with the person's values and why.
    let (errors, status) = match &e {
        ApiError::VersionMismatch { current } => {
            let why = super::i18n::tf(cx.lang, Key::Conflict, &[("version", &current.to_string())]);
            (Errors::from([(String::new(), why)]), StatusCode::CONFLICT)
        }
        other => match field_errors(other) {
            Some(errors) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
            None => return error_page(&state, &cx, &e),
        },
    };
    let tenant = &user.principal.tenant_id;
    let d = state.store.get_document(tenant, &id, &doc).await.ok();
    edit_page(&state, &cx, &id, d.as_ref(), &p.form, Some(&errors), status)
}

async fn update_document(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    id: &str,
    doc: &str,
    p: &Posted,
) -> Result<(), ApiError> {
    let who = &user.principal;
    let expected: i64 = p
        .form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let input =
        crate::stored::check_document(state, document_of(&state.ruleset, &p.form), cx.lang)?;
    let scan = match &p.file {
        Some((name, bytes)) => Some(keep_scan(state, name, bytes, cx.lang).await?),
        None => None,
    };
    let d = state
        .store
        .update_document(who, id, doc, expected, input)
        .await?;
    if let Some(file) = scan {
        crate::retention::attach_file(state, who, (id, doc), d.version, file, d.file).await?;
    }
    crate::stored::evaluate_and_record(state, who, id, cx.lang).await?;
    Ok(())
}

/// `GET …/documents/{doc}/delete`: what deleting removes (the document and
/// its scan, for good), and the button that does it.
pub async fn confirm_delete(
    State(state): State<AppState>,
    reader: Reader,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let Reader { cx, user } = reader;
    let d = match state
        .store
        .get_document(&user.principal.tenant_id, &id, &doc)
        .await
    {
        Ok(d) => d,
        Err(e) => return error_page(&state, &cx, &e.into()),
    };
    let l = cx.lang;
    let name = doc_name(&state.ruleset, l, &kind_of(&d));
    let body = html! {
        h1 { (tf(l, Key::DocumentDeleteTitle, &[("document", &name)])) }
        p { @if d.file.is_some() { (t(l, Key::DocumentDeleteWithScan)) } @else { (t(l, Key::DocumentDeletePlain)) } }
        form method="post" action={ "/applicants/" (id) "/documents/" (doc) "/delete" } {
            (cx.csrf())
            input type="hidden" name="version" value=(d.version);
            div.actions {
                button.danger type="submit" { (t(l, Key::DocumentDeleteConfirm)) }
                a href={ "/applicants/" (id) "#documents" } { (t(l, Key::Cancel)) }
            }
        }
    };
    respond(
        StatusCode::OK,
        page(&cx, &state.ruleset, &name, "/applicants", body),
    )
}

pub async fn delete(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, doc)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (user, p) = match posted_by_writer(&state, &cx, req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let expected: i64 = p
        .form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let who = &user.principal;
    let done = async {
        crate::retention::delete_document(&state, who, &id, &doc, expected).await?;
        crate::stored::evaluate_and_record(&state, who, &id, cx.lang).await?;
        Ok::<_, ApiError>(())
    };
    match done.await {
        Ok(()) => see_other(&format!("/applicants/{id}#deleted-documents")),
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// `POST …/documents/{doc}/restore`: undoes a deletion of the last 24 hours.
pub async fn restore(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, doc)): Path<(String, String)>,
    req: Request,
) -> Response {
    let user = match posted_by_writer(&state, &cx, req).await {
        Ok((user, _)) => user,
        Err(r) => return r,
    };
    let who = &user.principal;
    let done = async {
        state.store.restore_document(who, &id, &doc).await?;
        crate::stored::evaluate_and_record(&state, who, &id, cx.lang).await?;
        Ok::<_, ApiError>(())
    };
    match done.await {
        Ok(()) => see_other(&format!("/applicants/{id}#doc-{doc}")),
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// The scan, in its sniffed type only (PDF, PNG or JPEG: nothing else is
/// ever stored), shown inline by the browser's own viewer.
pub async fn scan(
    State(state): State<AppState>,
    reader: Reader,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let Reader { cx, user } = reader;
    let found = async {
        let d = state
            .store
            .get_document(&user.principal.tenant_id, &id, &doc)
            .await?;
        let file = d.file.ok_or(ApiError::NotFound)?;
        let bytes = files::load(&state, &file.sha256).await?;
        Ok::<_, ApiError>((file, bytes))
    };
    let (file, bytes) = match found.await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &cx, &e),
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    let ct = match file.content_type.as_str() {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        _ => "image/jpeg",
    };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; img-src 'self'; object-src 'self'; sandbox"),
    );
    res
}
