//! WeChat's own formats in the service: an applicant's categories from
//! the open platform's `getcategory` response
//! (https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/getcategory.html).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use livegate_core::Profile;

use crate::auth::Auth;
use crate::routes::{ApplicantView, if_match, json_text, with_etag};
use crate::{ApiError, AppState, FieldError};

/// Replaces an applicant's categories with WeChat's (`getcategory`'s body
/// as WeChat returns it), keeping the planned ones WeChat does not list
/// yet; the usual `If-Match` rules and an audit entry.
#[utoipa::path(put, path = "/v1/applicants/{id}/wechat/categories", tag = "wechat",
    params(("id" = String, Path), ("If-Match" = String, Header, description = "the ETag of the version read")),
    request_body(content = Object, content_type = "application/json", description = "a getcategory response"),
    responses(
        (status = 200, description = "the applicant with WeChat's categories", body = ApplicantView),
        (status = 412, description = "someone changed it since", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "not a getcategory response, or WeChat answered an errcode: `errors[].path` names where", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 428, description = "no If-Match", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn put_categories(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    let text = json_text(&headers, body)?;
    let lang = crate::problems::lang();
    let categories =
        livegate_core::wechat::categories_from_getcategory(&text, lang).map_err(|e| {
            ApiError::Validation(vec![FieldError {
                path: e.path,
                message: e.message,
                suggestion: None,
                ..FieldError::default()
            }])
        })?;
    let stored = state.store.get_applicant(&who.tenant_id, &id).await?;
    let mut profile: Profile = serde_json::from_value(stored.profile)
        .map_err(|e| ApiError::Internal(format!("a stored profile does not read: {e}")))?;
    livegate_core::wechat::merge_categories(&mut profile, categories);
    let input = crate::stored::check_applicant(&state, profile, lang)?;
    let a = state
        .store
        .update_applicant(who, &id, expected, input)
        .await?;
    Ok(with_etag(a.version, StatusCode::OK, ApplicantView::from(a)))
}

/// WeChat's `addcategory` request body for the categories the applicant's
/// plan adds or resubmits, from its stored profile and documents.
#[utoipa::path(get, path = "/v1/applicants/{id}/wechat/addcategory", tag = "wechat",
    params(("id" = String, Path), crate::routes::LangQuery),
    responses(
        (status = 200, description = "`addcategory` (the request body, as WeChat takes it), the plan's `path`, and the categories it cannot write (`unresolved`: no known WeChat id, a choice between categories)", body = Object),
        (status = 404, description = "no such applicant in this tenant", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get_addcategory(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    q: Result<
        axum::extract::Query<crate::routes::LangQuery>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Result<axum::Json<livegate_core::wechat::AddCategoryPlan>, ApiError> {
    let lang = crate::routes::lang(&crate::routes::query(q)?)?;
    let mut profile = crate::stored::stored_profile(&state, &who.tenant_id, &id)
        .await?
        .profile;
    crate::stored::dated(&mut profile);
    let d = livegate_core::decide(&state.ruleset, &profile, None, lang)
        .map_err(|e| ApiError::invalid(&e.path, e.message))?;
    // The service keeps scans, not WeChat's media ids: placeholders name them.
    let plan = livegate_core::wechat::addcategory(&state.ruleset, &profile, &d, &|_| None, lang);
    Ok(axum::Json(plan))
}

/// A code-review result WeChat pushed for the applicant's mini program.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct WechatEventView {
    pub id: String,
    /// `weapp_audit_success`, `weapp_audit_fail` or `weapp_audit_delay`.
    pub event: String,
    /// WeChat's reason, for a failure or a delay.
    pub reason: Option<String>,
    /// The category the reason names (`first/second`): marked rejected with it.
    pub category: Option<String>,
    /// When WeChat says it happened, and when it arrived.
    pub happened_at: Option<String>,
    pub received_at: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct WechatEventList {
    pub items: Vec<WechatEventView>,
}

#[utoipa::path(get, path = "/v1/applicants/{id}/wechat/events", tag = "wechat", params(("id" = String, Path)),
    responses((status = 200, description = "WeChat's code-review results for the applicant, the latest first", body = WechatEventList),
        (status = 404, description = "no such applicant", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_events(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<axum::Json<WechatEventList>, ApiError> {
    state.store.get_applicant(&who.tenant_id, &id).await?;
    let items = state.store.wechat_events(&who.tenant_id, &id).await?;
    let items = items
        .into_iter()
        .map(|e| WechatEventView {
            id: e.id,
            event: e.event,
            reason: e.reason,
            category: e.category,
            happened_at: e.happened_at,
            received_at: e.received_at,
        })
        .collect();
    Ok(axum::Json(WechatEventList { items }))
}
