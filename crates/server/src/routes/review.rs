//! The review loop: upload links for merchants, an editor's review of each
//! document, the queue of scans awaiting review, and the tenant's policy of
//! which documents an evaluation counts.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use livegate_store::{self as store, Decision, ReviewPolicy};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::documents::DocumentView;
use super::with_etag;
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::{if_match, json_body, query};
use crate::problems::{Msg, say};

/// Days an upload link lives unless the editor says otherwise.
pub const LINK_DAYS: u32 = 7;
const TEXT_MAX: usize = 500;

/// An editor's decision on a document.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// `verified` or `rejected`.
    #[schema(pattern = "^(verified|rejected)$")]
    pub decision: String,
    /// Why, for a rejection (required then): 1–500 characters.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// The decision a review body asks for.
pub fn decision(decision: &str, reason: Option<&str>) -> Result<Decision, ApiError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > TEXT_MAX) {
        return Err(ApiError::invalid(
            "reason",
            say(Msg::ReviewReasonLength, &[]),
        ));
    }
    match (decision, reason) {
        ("verified", _) => Ok(Decision::Verify),
        ("rejected", Some(r)) => Ok(Decision::Reject(r.to_string())),
        ("rejected", None) => Err(ApiError::invalid(
            "reason",
            say(Msg::ReviewReasonNeeded, &[]),
        )),
        (other, _) => Err(ApiError::invalid(
            "decision",
            say(
                Msg::BodyShape,
                &[("reason", &format!("`{other}`: verified or rejected"))],
            ),
        )),
    }
}

#[utoipa::path(post, path = "/v1/applicants/{id}/documents/{doc}/review", tag = "review",
    params(("id" = String, Path), ("doc" = String, Path), ("If-Match" = String, Header)),
    request_body(content = ReviewInput, content_type = "application/json"),
    responses(
        (status = 200, description = "reviewed; the document with its review", body = DocumentView),
        (status = 412, description = "changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "no such decision, or a rejection without a reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn review_document(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    let input: ReviewInput = json_body(&headers, body)?;
    // A document that is not there is a 404 whatever the body says.
    state.store.get_document(&who.tenant_id, &id, &doc).await?;
    let decision = decision(&input.decision, input.reason.as_deref())?;
    let d = state
        .store
        .review_document(who, (&id, &doc), expected, decision)
        .await?;
    Ok(with_etag(d.version, StatusCode::OK, DocumentView::from(d)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `next_cursor` of the previous page.
    #[param(max_length = 100, pattern = "^([0-9T:.Z+-]{20,40}~doc_[0-9A-Za-z]+)?$")]
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemView {
    pub document: DocumentView,
    pub appid: String,
    pub applicant_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueue {
    pub items: Vec<ReviewItemView>,
    /// Pass it as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

fn queue_cursor(c: Option<&str>) -> Result<Option<&str>, ApiError> {
    let Some(c) = c.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let ok = c.len() <= 100
        && c.split_once('~').is_some_and(|(at, id)| {
            at.len() >= 20
                && at
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"T:.Z+-".contains(&b))
                && id
                    .strip_prefix("doc_")
                    .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric()))
        });
    if ok {
        Ok(Some(c))
    } else {
        Err(ApiError::BadRequest(say(
            Msg::ReviewCursorUnknown,
            &[("cursor", c)],
        )))
    }
}

#[utoipa::path(get, path = "/v1/reviews", tag = "review", params(QueueQuery),
    responses((status = 200, description = "the tenant's scans awaiting review, oldest first", body = ReviewQueue),
        (status = 400, description = "a bad cursor or limit", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn review_queue(
    State(state): State<AppState>,
    Auth(who): Auth,
    q: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Json<ReviewQueue>, ApiError> {
    let q = query(q)?;
    let limit = super::limit(&super::ListQuery {
        cursor: None,
        limit: q.limit,
    })?;
    let cursor = queue_cursor(q.cursor.as_deref())?;
    let page = state
        .store
        .review_queue(&who.tenant_id, cursor, limit)
        .await?;
    let items = page
        .items
        .into_iter()
        .map(|i| ReviewItemView {
            document: i.document.into(),
            appid: i.appid,
            applicant_name: i.applicant_name,
        })
        .collect();
    Ok(Json(ReviewQueue {
        items,
        next_cursor: page.next_cursor,
    }))
}

// ---- upload links ---------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// How long the link opens: 1–90 days, default 7.
    #[schema(minimum = 1, maximum = 90, value_type = Option<u32>)]
    #[serde(default, deserialize_with = "whole_number")]
    pub expires_in_days: Option<u32>,
    /// A note for colleagues (never shown to the merchant): at most 500 characters.
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    pub id: String,
    pub applicant_id: String,
    pub note: Option<String>,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    pub created_at: String,
    /// Whether it still opens.
    pub live: bool,
}

impl From<store::UploadLink> for LinkView {
    fn from(l: store::UploadLink) -> Self {
        LinkView {
            live: l.live(),
            id: l.id,
            applicant_id: l.applicant_id,
            note: l.note,
            expires_at: l.expires_at,
            revoked_at: l.revoked_at,
            created_at: l.created_at,
        }
    }
}

/// A whole number as JSON may write it (`7` or `7.0`); out of `u32`'s
/// range it is as bad as a fraction.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let n: Option<f64> = Option::deserialize(d)?;
    n.map(|n| {
        let ok = n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n);
        ok.then_some(n as u32)
            .ok_or_else(|| serde::de::Error::custom(format!("`{n}` is not a whole number of days")))
    })
    .transpose()
}

/// A new link, with its secret: shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewLink {
    pub link: LinkView,
    /// The merchant's page: `/u/` and the secret, on this service.
    pub path: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkList {
    pub items: Vec<LinkView>,
}

/// The link an input asks for: its expiry (RFC 3339 UTC) and note.
pub fn link_terms(input: LinkInput) -> Result<(String, Option<String>), ApiError> {
    let days = input.expires_in_days.unwrap_or(LINK_DAYS);
    if !(1..=90).contains(&days) {
        let d = days.to_string();
        return Err(ApiError::invalid(
            "expires_in_days",
            say(Msg::LinkDaysRange, &[("days", &d)]),
        ));
    }
    let note = input
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > TEXT_MAX) {
        return Err(ApiError::invalid("note", say(Msg::LinkNoteLength, &[])));
    }
    Ok((
        livegate_store::clock::rfc3339_after(u64::from(days) * 86_400),
        note,
    ))
}

#[utoipa::path(post, path = "/v1/applicants/{id}/upload-links", tag = "review", params(("id" = String, Path)),
    request_body(content = LinkInput, content_type = "application/json"),
    responses((status = 201, description = "made; the path with the secret is shown this once", body = NewLink),
        (status = 404, description = "no such applicant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "days or note out of range", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn create_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let (expires_at, note) = link_terms(json_body(&headers, body)?)?;
    let (link, secret) = state
        .store
        .create_upload_link(who, &id, &expires_at, note)
        .await?;
    let body = NewLink {
        link: link.into(),
        path: format!("/u/{secret}"),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[utoipa::path(get, path = "/v1/applicants/{id}/upload-links", tag = "review", params(("id" = String, Path)),
    responses((status = 200, description = "the applicant's links, newest first, without their secrets", body = LinkList),
        (status = 404, description = "no such applicant", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_links(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<LinkList>, ApiError> {
    state.store.get_applicant(&who.tenant_id, &id).await?;
    let items = state.store.upload_links(&who.tenant_id, &id).await?;
    Ok(Json(LinkList {
        items: items.into_iter().map(LinkView::from).collect(),
    }))
}

#[utoipa::path(delete, path = "/v1/applicants/{id}/upload-links/{link}", tag = "review",
    params(("id" = String, Path), ("link" = String, Path)),
    responses((status = 200, description = "revoked (revoking again changes nothing)", body = LinkView),
        (status = 404, description = "no such link", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn revoke_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, link)): Path<(String, String)>,
) -> Result<Json<LinkView>, ApiError> {
    let who = auth.writer()?;
    let l = state.store.revoke_upload_link(who, &id, &link).await?;
    Ok(Json(l.into()))
}

// ---- the policy ---------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewSettings {
    /// Which documents an evaluation counts: `link` (default: a merchant's
    /// upload once verified, a typed document at once), `all` (only verified
    /// documents) or `none` (every document until rejected).
    #[schema(pattern = "^(link|all|none)$")]
    pub review_policy: String,
}

#[utoipa::path(get, path = "/v1/settings/review", tag = "review",
    responses((status = 200, description = "the tenant's review policy", body = ReviewSettings)),
    security(("bearer" = [])))]
pub async fn get_settings(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<ReviewSettings>, ApiError> {
    let p = state.store.review_policy(&who.tenant_id).await?;
    Ok(Json(ReviewSettings {
        review_policy: p.as_str().into(),
    }))
}

#[utoipa::path(put, path = "/v1/settings/review", tag = "review",
    request_body(content = ReviewSettings, content_type = "application/json"),
    responses((status = 200, description = "set", body = ReviewSettings),
        (status = 403, description = "admins only", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "no such policy", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ReviewSettings>, ApiError> {
    let who = auth.admin()?;
    let input: ReviewSettings = json_body(&headers, body)?;
    let policy = ReviewPolicy::parse(&input.review_policy).ok_or_else(|| {
        let why = format!("`{}`: link, all or none", input.review_policy);
        ApiError::invalid("review_policy", say(Msg::BodyShape, &[("reason", &why)]))
    })?;
    state.store.set_review_policy(who, policy).await?;
    Ok(Json(input))
}
