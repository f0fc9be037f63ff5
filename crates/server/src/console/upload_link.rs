//! The merchant's page of an upload link (`/u/{secret}`): no account,
//! Chinese unless the reader switches. It shows, in plain words, the
//! documents the nearest alternative still needs, each with its full name
//! and what WeChat asks of it, and takes a scan for each (with number,
//! holder and validity if the merchant fills them in). Uploads arrive as
//! documents from the link, awaiting an editor's review. The page never
//! shows other applicants, staff notes, the audit trail or the secret's
//! link id.

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::{Lang, Options, Report, Ruleset};
use livegate_store::{Applicant, Document, LinkAccess, ReviewState, Source};
use maud::{Markup, html};

use super::documents::{Posted, document_of, posted};
use super::errors::see_other;
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, bare_page, respond};
use super::report::{doc_name, doc_title};
use super::wizard::Errors;
use crate::review::kind_of;
use crate::stored::{OnFile, evaluate_on_file};
use crate::{ApiError, AppState};

/// What the page shows: the applicant, its uploads by link, and its report.
struct Loaded {
    access: LinkAccess,
    applicant: Applicant,
    uploads: Vec<Document>,
    report: Report,
}

async fn load(state: &AppState, secret: &str, l: Lang) -> Result<Loaded, ApiError> {
    let access = state.store.open_upload_link(secret).await?;
    let (tenant, id) = (&access.principal.tenant_id, &access.link.applicant_id);
    let applicant = state.store.get_applicant(tenant, id).await?;
    let docs = state.store.list_documents(tenant, id).await?;
    let uploads = docs
        .iter()
        .filter(|d| d.source == Source::Link)
        .cloned()
        .collect();
    let policy = state.store.review_policy(tenant).await?;
    let mut on_file = crate::stored::with_documents(applicant.clone(), docs, policy)?;
    crate::stored::dated(&mut on_file.profile);
    let report = report_of(&state.ruleset, &on_file, l)?;
    Ok(Loaded {
        access,
        applicant,
        uploads,
        report,
    })
}

fn report_of(rs: &Ruleset, on_file: &OnFile, lang: Lang) -> Result<Report, ApiError> {
    let opts = Options {
        lang,
        ..Default::default()
    };
    evaluate_on_file(rs, on_file, &opts).map_err(|e| ApiError::invalid(&e.path, e.message))
}

/// The documents still needed on the plan's path (its nearest alternatives).
fn needed(r: &Report) -> Vec<String> {
    r.plan_path
        .as_deref()
        .and_then(|p| r.path(p))
        .map(|p| p.missing_documents.clone())
        .unwrap_or_default()
}

/// `GET /u/{secret}`.
pub async fn show(
    State(state): State<AppState>,
    cx: Ctx,
    Path(secret): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let sent = Form::parse(q.as_deref().unwrap_or("")).text("sent");
    match load(&state, &secret, cx.lang).await {
        Ok(data) => render(
            &state,
            &cx,
            &secret,
            &data,
            (sent.as_deref(), None),
            StatusCode::OK,
        ),
        Err(e) => refused(&state, &cx, &e),
    }
}

/// `POST /u/{secret}`: one scan, for one kind of document.
pub async fn upload(
    State(state): State<AppState>,
    cx: Ctx,
    Path(secret): Path<String>,
    req: Request,
) -> Response {
    let data = match load(&state, &secret, cx.lang).await {
        Ok(d) => d,
        Err(e) => return refused(&state, &cx, &e),
    };
    if let Err(wait) = state.link_limiter.check(&data.access.link.id) {
        return refused(&state, &cx, &ApiError::RateLimited { retry_after: wait });
    }
    let p = match posted(req, &state).await {
        Ok(p) => p,
        Err(e) => return refused(&state, &cx, &e),
    };
    let kind = p.form.text("kind").unwrap_or_default();
    match submit(&state, &cx, &data.access, &p).await {
        Ok(()) => {
            let to = form_urlencoded::byte_serialize(kind.as_bytes()).collect::<String>();
            see_other(&format!("/u/{secret}?sent={to}#sent"))
        }
        Err(ApiError::Validation(list)) => {
            let errors: Errors = list.into_iter().map(|f| (f.path, f.message)).collect();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(
                &state,
                &cx,
                &secret,
                &data,
                (None, Some((&kind, &p.form, &errors))),
                status,
            )
        }
        Err(e) => refused(&state, &cx, &e),
    }
}

/// Keeps the scan and the document it comes with, then re-evaluates the
/// applicant so staff lists show the upload at once.
async fn submit(
    state: &AppState,
    cx: &Ctx,
    access: &LinkAccess,
    p: &Posted,
) -> Result<(), ApiError> {
    let l = cx.lang;
    let rs = &state.ruleset;
    let kind = p.form.text("kind").unwrap_or_default();
    if rs.lookups.documents.get(&kind).is_none() {
        return Err(ApiError::invalid("kind", t(l, Key::DocumentKindMissing)));
    }
    let Some((name, bytes)) = &p.file else {
        return Err(ApiError::invalid("file", t(l, Key::LinkScanNeeded)));
    };
    let input = crate::stored::check_document(state, document_of(rs, &p.form), l)?;
    let file = super::document_actions::keep_scan(state, name, bytes, l).await?;
    state
        .store
        .create_document_from_link(access, input, file)
        .await?;
    let id = &access.link.applicant_id;
    crate::stored::evaluate_and_record(state, &access.principal, id, l).await?;
    Ok(())
}

/// A link that does not open (unknown, expired, revoked), too many uploads
/// at once, or a request that could not be read: one plain page.
fn refused(state: &AppState, cx: &Ctx, e: &ApiError) -> Response {
    let l = cx.lang;
    let (status, body) = match e {
        ApiError::NotFound => (StatusCode::NOT_FOUND, t(l, Key::LinkGone)),
        ApiError::RateLimited { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            tf(
                l,
                Key::LinkSlowDown,
                &[("seconds", &retry_after.to_string())],
            ),
        ),
        e if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            (e.status(), t(l, Key::RequestTooLarge))
        }
        e if e.status().is_client_error() => (e.status(), t(l, Key::RequestUnreadable)),
        other => {
            tracing::error!(error = %other, "upload link");
            (StatusCode::INTERNAL_SERVER_ERROR, t(l, Key::ErrorBody))
        }
    };
    let title = t(l, Key::LinkTitle);
    let markup = html! { h1 { (title) } p role="alert" { (body) } };
    respond(status, bare_page(cx, &state.ruleset, &title, markup))
}

/// What the page was asked to show beside the lists: a kind just sent, or a
/// refused form (its kind, the values and why).
type Shown<'a> = (Option<&'a str>, Option<(&'a str, &'a Form, &'a Errors)>);

fn render(
    state: &AppState,
    cx: &Ctx,
    secret: &str,
    data: &Loaded,
    (sent, refused): Shown,
    status: StatusCode,
) -> Response {
    let l = cx.lang;
    let rs = &state.ruleset;
    let name = data
        .applicant
        .name
        .as_deref()
        .unwrap_or(&data.applicant.appid);
    let title = t(l, Key::LinkTitle);
    let needs = needed(&data.report);
    let body = html! {
        h1 { (title) }
        p.lead { (tf(l, Key::LinkIntro, &[("name", name), ("until", &super::applicants::short_time(l, &data.access.link.expires_at))])) }
        @if let Some(kind) = sent {
            p.notice id="sent" role="status" tabindex="-1" { (tf(l, Key::LinkSent, &[("document", &doc_title(rs, l, kind))])) }
        }
        @if needs.is_empty() {
            p { (t(l, Key::LinkNothingNeeded)) }
        } @else {
            h2 { (t(l, Key::LinkNeeded)) }
            p.hint { (t(l, Key::LinkScanHint)) }
            @for kind in &needs {
                @let own = refused.filter(|(k, _, _)| k == kind).map(|(_, f, e)| (f, e));
                (need(l, rs, secret, kind, latest(&data.uploads, kind), own))
            }
        }
        @if !data.uploads.is_empty() { (uploads(l, rs, &data.uploads)) }
    };
    respond(status, bare_page(cx, rs, &title, body))
}

/// The latest upload of a kind.
fn latest<'a>(uploads: &'a [Document], kind: &str) -> Option<&'a Document> {
    uploads
        .iter()
        .filter(|d| kind_of(d) == kind)
        .max_by(|a, b| a.updated_at.cmp(&b.updated_at))
}

/// One needed document: what it is, what WeChat asks of it, where its last
/// upload stands, and the form to upload a scan.
fn need(
    l: Lang,
    rs: &Ruleset,
    secret: &str,
    kind: &str,
    last: Option<&Document>,
    refused: Option<(&Form, &Errors)>,
) -> Markup {
    let dk = rs.lookups.documents.get(kind).map(|i| &rs.documents[i]);
    let err = |k: &str| refused.and_then(|(_, e)| e.get(k)).cloned();
    let value = |k: &str| refused.and_then(|(f, _)| f.get(k)).map(str::to_string);
    let field = |name: &str| format!("{kind}-{name}");
    html! {
        section.card.need id={ "need-" (kind) } aria-labelledby={ "need-" (kind) "-title" } {
            h3 id={ "need-" (kind) "-title" } { (doc_title(rs, l, kind)) }
            @if let Some(d) = dk.and_then(|d| d.description.as_ref()) { p { (d.get(l)) } }
            @if dk.is_some_and(|d| !d.holder_may_differ) { p.hint { (t(l, Key::LinkHolderIsSubject)) } }
            @if let Some(d) = last { (state_line(l, d)) }
            form.doc-form method="post" action={ "/u/" (secret) } enctype="multipart/form-data" {
                input type="hidden" name="kind" value=(kind);
                @if let Some(e) = err("") { p.error role="alert" { (e) } }
                div.field.drop {
                    label for=(field("file")) { (tf(l, Key::LinkScanOf, &[("document", &doc_name(rs, l, kind))])) }
                    input type="file" id=(field("file")) name="file" required accept="application/pdf,image/png,image/jpeg"
                        aria-invalid=[err("file").map(|_| "true")];
                    @if let Some(e) = err("file") { p.error role="alert" { (e) } }
                }
                @for (name, label, ty) in [("number", t(l, Key::DocNumber), "text"), ("holder", t(l, Key::DocHolder), "text"),
                    ("valid_from", t(l, Key::DocValidFrom), "date"), ("valid_until", t(l, Key::DocValidUntil), "date")] {
                    div.field {
                        label for=(field(name)) { (label) " " span.hint { (t(l, Key::Optional)) } }
                        input type=(ty) id=(field(name)) name=(name) value=[value(name)] aria-invalid=[err(name).map(|_| "true")];
                        @if let Some(e) = err(name) { p.error role="alert" { (e) } }
                    }
                }
                @if let Some(d) = dk {
                    @let blank = Form::default();
                    @for &a in &d.attributes { (super::documents::attribute(l, rs, a, refused.map_or(&blank, |(f, _)| f), false)) }
                }
                div.actions { button type="submit" { @if last.is_some() { (t(l, Key::LinkUploadAgain)) } @else { (t(l, Key::LinkUpload)) } } }
            }
        }
    }
}

/// Where an upload's review stands, in the merchant's words.
fn state_line(l: Lang, d: &Document) -> Markup {
    let at = super::applicants::short_time(l, &d.updated_at);
    html! {
        @match d.review.state {
            ReviewState::Submitted => p.status-line { (review_badge(l, d.review.state)) " " (tf(l, Key::LinkAwaiting, &[("at", &at)])) },
            ReviewState::Verified => p.status-line { (review_badge(l, d.review.state)) },
            ReviewState::Rejected => p.status-line {
                (review_badge(l, d.review.state)) " "
                (tf(l, Key::LinkRejected, &[("reason", d.review.reason.as_deref().unwrap_or(""))]))
            },
        }
    }
}

/// Everything the merchant has sent through links, with its review.
fn uploads(l: Lang, rs: &Ruleset, docs: &[Document]) -> Markup {
    html! {
        h2 { (t(l, Key::LinkYourUploads)) }
        ul.uploads { @for d in docs {
            li {
                strong { (doc_title(rs, l, kind_of(d))) } " "
                span.hint { (d.file.as_ref().and_then(|f| f.name.as_deref()).unwrap_or("")) }
                (state_line(l, d))
            }
        } }
    }
}

/// A review state as a badge.
pub fn review_badge(l: Lang, s: ReviewState) -> Markup {
    let (class, key) = match s {
        ReviewState::Submitted => ("badge s-pending", Key::ReviewSubmitted),
        ReviewState::Verified => ("badge s-available", Key::ReviewVerified),
        ReviewState::Rejected => ("badge s-blocked", Key::ReviewRejected),
    };
    html! { span class=(class) { (t(l, key)) } }
}
