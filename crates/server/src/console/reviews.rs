//! Reviewing documents in the console: the verify and reject forms of a
//! document (on the applicant page and in the queue), the queue of scans
//! awaiting review across the tenant (oldest first, with keyboard
//! shortcuts), and the handler both post to.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use livegate_core::{Lang, Ruleset};
use livegate_store::{Document, ReviewItem, ReviewState};
use maud::{Markup, html};

use super::documents::{form_of, kind_of};
use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use super::report::{doc_name, doc_title};
use super::session::{Reader, WriterPost};
use super::upload_link::review_badge;
use crate::AppState;

/// Where a review form returns: the queue or the applicant's page.
fn back_of(f: &Form, applicant: &str) -> String {
    match f.get("back") {
        Some("queue") => "/reviews".to_string(),
        _ => format!("/applicants/{applicant}#documents"),
    }
}

/// The verify button and the reject form (with its reason) of a document.
pub fn forms(cx: &Ctx, rs: &Ruleset, applicant: &str, d: &Document, back: &str) -> Markup {
    let l = cx.lang;
    let name = doc_name(rs, l, &kind_of(d));
    let action = format!("/applicants/{applicant}/documents/{}/review", d.id);
    let reason_id = format!("reason-{}", d.id);
    html! {
        div.review-forms {
            form.inline method="post" action=(action) {
                (cx.csrf())
                input type="hidden" name="version" value=(d.version);
                input type="hidden" name="back" value=(back);
                input type="hidden" name="decision" value="verified";
                button type="submit" data-shortcut="verify" aria-label=(tf(l, Key::VerifyDocument, &[("document", &name)])) { (t(l, Key::Verify)) }
            }
            form.inline method="post" action=(action) {
                (cx.csrf())
                input type="hidden" name="version" value=(d.version);
                input type="hidden" name="back" value=(back);
                input type="hidden" name="decision" value="rejected";
                label for=(reason_id) { (t(l, Key::RejectReason)) }
                input type="text" id=(reason_id) name="reason" required maxlength="500" data-shortcut="reason";
                button.danger type="submit" aria-label=(tf(l, Key::RejectDocument, &[("document", &name)])) { (t(l, Key::Reject)) }
            }
        }
    }
}

/// `POST /applicants/{id}/documents/{doc}/review`: verifies or rejects,
/// then re-evaluates the applicant so lists show the change.
pub async fn review(
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, form } = post;
    let who = &user.principal;
    let done = async {
        let version = form
            .get("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let decision = crate::routes::review::decision(
            form.get("decision").unwrap_or(""),
            form.get("reason"),
        )?;
        state
            .store
            .review_document(who, (&id, &doc), version, decision)
            .await?;
        crate::stored::evaluate_and_record(&state, who, &id, cx.lang).await?;
        Ok::<_, crate::ApiError>(())
    };
    match done.await {
        Ok(()) => see_other(&back_of(&form, &id)),
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// `GET /reviews`: the scans awaiting review, oldest first.
pub async fn queue(
    State(state): State<AppState>,
    reader: Reader,
    RawQuery(q): RawQuery,
) -> Response {
    let Reader { cx, user } = reader;
    let l = cx.lang;
    let f = Form::parse(q.as_deref().unwrap_or(""));
    let cursor = f.get("after");
    let page_of = state
        .store
        .review_queue(&user.principal.tenant_id, cursor, 20)
        .await;
    let items = match page_of {
        Ok(p) => p,
        Err(e) => return error_page(&state, &cx, &e.into()),
    };
    let rs = &state.ruleset;
    let title = t(l, Key::ReviewQueueTitle);
    let body = html! {
        h1 { (title) }
        p.lead { (t(l, Key::ReviewQueueIntro)) }
        @if items.items.is_empty() { p { (t(l, Key::ReviewQueueEmpty)) } }
        @else {
            p.hint { (t(l, Key::ReviewShortcuts)) }
            ol.review-queue data-shortcuts="review" {
                @for i in &items.items { (item(&cx, rs, i, user.can_write())) }
            }
        }
        @if let Some(next) = &items.next_cursor {
            @let next = form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
            p { a href={ "/reviews?after=" (next) } { (t(l, Key::NextPage)) } }
        }
    };
    respond(
        axum::http::StatusCode::OK,
        page(&cx, rs, &title, "/reviews", body),
    )
}

/// One document of the queue: whose, what, the scan, what was typed, and
/// the decision.
fn item(cx: &Ctx, rs: &Ruleset, i: &ReviewItem, writable: bool) -> Markup {
    let l = cx.lang;
    let d = &i.document;
    let f = form_of(d);
    let base = format!("/applicants/{}/documents/{}", d.applicant_id, d.id);
    let who = i.applicant_name.as_deref().unwrap_or(&i.appid);
    html! {
        li.card.review-item id={ "review-" (d.id) } tabindex="-1" {
            h2 { (doc_title(rs, l, &kind_of(d))) }
            p { a href={ "/applicants/" (d.applicant_id) "#documents" } { (who) } " · " (i.appid) " · "
                (tf(l, Key::ReviewUploadedAt, &[("at", &super::applicants::short_time(l, &d.updated_at))])) " "
                (review_badge(l, d.review.state)) }
            (scan(l, &base, d))
            dl.facts {
                @for (k, key) in [("number", Key::DocNumber), ("holder", Key::DocHolder), ("valid_from", Key::DocValidFrom), ("valid_until", Key::DocValidUntil)] {
                    dt { (t(l, key)) } dd { (f.get(k).unwrap_or("—")) }
                }
                @for (name, values) in attributes(l, rs, d, &f) { dt { (name) } dd { (values) } }
            }
            @if writable { (forms(cx, rs, &d.applicant_id, d, "queue")) }
        }
    }
}

/// The attributes filled in on a document (its scope, its service items),
/// each with its values' names.
fn attributes(l: Lang, rs: &Ruleset, d: &Document, f: &Form) -> Vec<(String, String)> {
    let kind = rs
        .lookups
        .documents
        .get(&kind_of(d))
        .map(|k| &rs.documents[k]);
    let sep = super::report::rm(l, "list_sep");
    kind.map(|k| k.attributes.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|&a| &rs.attributes[a])
        .filter_map(|attr| {
            let chosen = f.all(&format!("a.{}", attr.id));
            let names: Vec<&str> = attr
                .values
                .iter()
                .filter(|v| chosen.contains(&v.id))
                .map(|v| v.name.get(l))
                .collect();
            (!names.is_empty()).then(|| (attr.name.get(l).to_string(), names.join(&sep)))
        })
        .collect()
}

fn scan(l: Lang, base: &str, d: &Document) -> Markup {
    html! {
        @if let Some(file) = &d.file {
            @if file.content_type.starts_with("image/") {
                a href={ (base) "/scan" } target="_blank" rel="noopener" {
                    img.scan-preview src={ (base) "/scan" } alt=(tf(l, Key::ScanOf, &[("name", file.name.as_deref().unwrap_or(""))]));
                }
            } @else {
                p { a href={ (base) "/scan" } target="_blank" rel="noopener" { (t(l, Key::ScanOpenPdf)) } }
            }
        }
    }
}

/// The review cell of a document's row on the applicant page.
pub fn cell(cx: &Ctx, rs: &Ruleset, applicant: &str, d: &Document, writable: bool) -> Markup {
    let l = cx.lang;
    html! {
        (review_badge(l, d.review.state))
        @if d.source == livegate_store::Source::Link { " " span.hint { (t(l, Key::FromLink)) } }
        @if let Some(r) = d.review.reason.as_deref().filter(|_| d.review.state == ReviewState::Rejected) {
            br; span.hint { (tf(l, Key::RejectedBecause, &[("reason", r)])) }
        }
        @if writable && d.review.state == ReviewState::Submitted && d.file.is_some() {
            (forms(cx, rs, applicant, d, "applicant"))
        }
    }
}
