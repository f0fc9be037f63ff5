//! Applicants: the tenant's mini programs, each a profile without
//! documents, changed only with the `If-Match` of the version read.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use livegate_store::{self as store, ApplicantInput};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{ListQuery, Page, cursor, limit, page, profile_error, with_etag};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::{if_match, json_text, query};

/// A mini program kept by the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantView {
    pub id: String,
    /// Send it back in `If-Match` (as the `ETag` header gives it) to change the applicant.
    pub version: i64,
    pub appid: String,
    pub name: Option<String>,
    /// The profile (as `livegate check` reads it) without documents.
    #[schema(value_type = Object)]
    pub profile: Value,
    pub created_at: String,
    pub updated_at: String,
}

impl From<store::Applicant> for ApplicantView {
    fn from(a: store::Applicant) -> Self {
        ApplicantView {
            id: a.id,
            version: a.version,
            appid: a.appid,
            name: a.name,
            profile: a.profile,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// An applicant as written: a profile with an `appid`, without documents,
/// that the engine accepts.
fn applicant_input(state: &AppState, text: &str) -> Result<ApplicantInput, ApiError> {
    let lang = crate::problems::lang();
    let profile = livegate_core::parse_profile(text).map_err(|e| profile_error(&e, lang))?;
    crate::stored::check_applicant(state, profile, lang)
}

/// The tenant's applicants, in creation order.
#[utoipa::path(get, path = "/v1/applicants", tag = "applicants", params(ListQuery),
    responses((status = 200, description = "a page of applicants", body = Page<ApplicantView>)),
    security(("bearer" = [])))]
pub async fn list_applicants(
    State(state): State<AppState>,
    Auth(who): Auth,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<ApplicantView>>, ApiError> {
    let q = query(q)?;
    let p = state
        .store
        .list_applicants(&who.tenant_id, cursor(&q, "/v1/applicants")?, limit(&q)?)
        .await?;
    Ok(Json(page(p)))
}

/// Creates an applicant from a profile with an `appid` (documents are added separately).
#[utoipa::path(post, path = "/v1/applicants", tag = "applicants",
    request_body(content = Object, description = "a profile with `appid` (and `name`), without `documents`", content_type = "application/json"),
    responses(
        (status = 201, description = "created; `ETag` carries the version", body = ApplicantView),
        (status = 409, description = "the appid is already an applicant of this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a field is invalid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create_applicant(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let input = applicant_input(&state, &json_text(&headers, body)?)?;
    let a = state.store.create_applicant(who, input).await?;
    let location = format!("/v1/applicants/{}", a.id);
    let mut res = with_etag(a.version, StatusCode::CREATED, ApplicantView::from(a));
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

#[utoipa::path(get, path = "/v1/applicants/{id}", tag = "applicants", params(("id" = String, Path)),
    responses((status = 200, description = "the applicant; `ETag` carries the version", body = ApplicantView), (status = 404, description = "no such applicant in this tenant", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_applicant(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let a = state.store.get_applicant(&who.tenant_id, &id).await?;
    Ok(with_etag(a.version, StatusCode::OK, ApplicantView::from(a)))
}

/// Replaces an applicant's profile; `If-Match` must name the version read.
#[utoipa::path(put, path = "/v1/applicants/{id}", tag = "applicants",
    params(("id" = String, Path), ("If-Match" = String, Header, description = "the ETag of the version read")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "replaced", body = ApplicantView),
        (status = 409, description = "the new appid is already another applicant of this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "someone changed it since; `ETag` carries the current version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "no If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn update_applicant(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    let input = applicant_input(&state, &json_text(&headers, body)?)?;
    let a = state
        .store
        .update_applicant(who, &id, expected, input)
        .await?;
    Ok(with_etag(a.version, StatusCode::OK, ApplicantView::from(a)))
}

/// Deletes an applicant with its documents and history.
#[utoipa::path(delete, path = "/v1/applicants/{id}", tag = "applicants",
    params(("id" = String, Path), ("If-Match" = String, Header)),
    responses((status = 204, description = "deleted"), (status = 412, description = "changed since read", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn delete_applicant(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    crate::retention::delete_applicant(&state, who, &id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
