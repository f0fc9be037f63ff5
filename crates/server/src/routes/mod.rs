//! The routes: thin handlers that validate at the edge and call the engine
//! or the store. Every route under `/v1` needs a bearer token and sees only
//! its tenant's data.
//!
//! This file holds the route table and what several handlers share; each
//! handler lives in the module named after the OpenAPI tag it is listed
//! under (`ops`, `evaluate`, `applicants`, `documents`, `watch`, `audit`).
//! Reading the request is in [`crate::extract`]; the OpenAPI document is
//! made from the route table here, with what [`crate::openapi`] adds.

pub mod applicants;
pub mod audit;
pub mod documents;
pub mod evaluate;
pub mod ops;
pub mod review;
pub mod watch;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use livegate_core::{Lang, ProfileError};
use livegate_store as store;
use serde::{Deserialize, Serialize};
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, FieldError};
use crate::problems::{Msg, say};
use crate::{AppState, JSON_LIMIT, UPLOAD_LIMIT, etag};

// Paths other modules (and the CLI) have always used.
pub use crate::extract::strong_version;
pub(crate) use crate::extract::{if_match, json_text, query};
pub use crate::stored::valid_appid;
pub use applicants::ApplicantView;

/// Every route of the API, each registered with its OpenAPI operation
/// (`routes!` reads the handler's `#[utoipa::path]`), so `/openapi.json`
/// is made from this table. The console's routes are in [`crate::console`].
pub fn api() -> OpenApiRouter<AppState> {
    use crate::{impact, tokens, wechat};
    let json = OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
        .routes(routes!(ops::openapi))
        .routes(routes!(evaluate::evaluate))
        .routes(routes!(
            applicants::list_applicants,
            applicants::create_applicant
        ))
        .routes(routes!(
            applicants::get_applicant,
            applicants::update_applicant,
            applicants::delete_applicant
        ))
        .routes(routes!(evaluate::evaluate_applicant))
        .routes(routes!(wechat::put_categories))
        .routes(routes!(wechat::get_addcategory))
        .routes(routes!(evaluate::list_evaluations))
        .routes(routes!(
            documents::list_documents,
            documents::create_document
        ))
        .routes(routes!(
            documents::get_document,
            documents::update_document,
            documents::delete_document
        ))
        .routes(routes!(documents::restore_document))
        .routes(routes!(documents::list_deleted_documents))
        .routes(routes!(review::review_document))
        .routes(routes!(review::review_queue))
        .routes(routes!(review::create_link, review::list_links))
        .routes(routes!(review::revoke_link))
        .routes(routes!(review::get_settings, review::put_settings))
        .routes(routes!(crate::push::receive))
        .routes(routes!(wechat::list_events))
        .routes(routes!(crate::webhooks::create, crate::webhooks::list))
        .routes(routes!(crate::webhooks::delete))
        .routes(routes!(crate::webhooks::deliveries))
        .routes(routes!(crate::webhooks::replay))
        .routes(routes!(watch::expiring))
        .routes(routes!(impact::rules_impact))
        .routes(routes!(audit::audit))
        .routes(routes!(tokens::list_tokens))
        .routes(routes!(tokens::revoke_token))
        .route_layer(RequestBodyLimitLayer::new(JSON_LIMIT))
        .route_layer(DefaultBodyLimit::max(JSON_LIMIT));
    let files = OpenApiRouter::new()
        .routes(routes!(documents::upload_file, documents::download_file))
        .route_layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
        .route_layer(DefaultBodyLimit::max(UPLOAD_LIMIT));
    json.merge(files)
}

/// The API's router; in a debug build, a route that answers without being
/// in the OpenAPI document is a 500, so any test that reaches it fails.
pub fn router() -> Router<AppState> {
    let (router, doc) = api().split_for_parts();
    crate::openapi::guard(router, &doc)
}

// ---- lists ------------------------------------------------------------------

/// A page of a list; pass `next_cursor` as `cursor` for the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A page of the store in the API's own shape.
fn page<S, T: ToSchema + From<S>>(p: store::Page<S>) -> Page<T> {
    Page {
        items: p.items.into_iter().map(T::from).collect(),
        next_cursor: p.next_cursor,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `next_cursor` of the previous page.
    #[param(max_length = 64)]
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// Each list's cursor: the prefix of the ids it pages by, by the list's
/// path. The handlers read cursors with it, and the OpenAPI document gives
/// each list's `cursor` its pattern from it.
pub const CURSORS: [(&str, &str); 5] = [
    ("/v1/applicants", "app"),
    ("/v1/applicants/{id}/documents", "doc"),
    ("/v1/applicants/{id}/evaluations", "evl"),
    ("/v1/audit", "aud"),
    ("/v1/expiring", "doc"),
];

/// The id prefix the list at `path` pages by.
fn cursor_prefix(path: &str) -> Option<&'static str> {
    CURSORS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, prefix)| *prefix)
}

/// The pattern of a cursor of the list at `path`: empty (the first page)
/// or one of its ids.
pub fn cursor_pattern(path: &str) -> Option<String> {
    cursor_prefix(path).map(|prefix| format!("^({prefix}_[0-9A-Za-z]+)?$"))
}

fn limit(q: &ListQuery) -> Result<usize, ApiError> {
    match q.limit {
        None => Ok(50),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(ApiError::BadRequest(say(
            Msg::LimitOutOfRange,
            &[("n", &n.to_string())],
        ))),
    }
}

/// The cursor of a list: the id of the previous page's last item, which
/// this API made (`PREFIX_` and letters and digits). Anything else is a
/// 400, not a silently empty page.
fn cursor<'q>(q: &'q ListQuery, list: &str) -> Result<Option<&'q str>, ApiError> {
    let prefix = cursor_prefix(list).unwrap_or_default();
    // An empty cursor is the first page, as clients often send it.
    let Some(c) = q.cursor.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let ok = c.len() <= 64
        && c.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            });
    if ok {
        Ok(Some(c))
    } else {
        Err(ApiError::BadRequest(say(
            Msg::CursorUnknown,
            &[("cursor", c)],
        )))
    }
}

// ---- language ---------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `zh` (default) or `en`: the language of the report's messages.
    #[param(pattern = "^(zh|en)$")]
    pub lang: Option<String>,
}

pub(crate) fn lang(q: &LangQuery) -> Result<Lang, ApiError> {
    match q.lang.as_deref() {
        None | Some("zh") => Ok(Lang::Zh),
        Some("en") => Ok(Lang::En),
        Some(other) => Err(ApiError::BadRequest(say(
            Msg::LangUnknown,
            &[("value", other)],
        ))),
    }
}

// ---- profiles and answers -----------------------------------------------------

/// A profile that cannot be evaluated: not JSON (400) or an invalid field
/// (422), with the same fault, path, line, column and suggestion as `check`
/// and `batch` give.
fn profile_error(e: &ProfileError, lang: Lang) -> ApiError {
    let field = FieldError::profile(e, lang);
    match e.kind {
        livegate_core::ErrorKind::Syntax => ApiError::MalformedProfile(Box::new(field)),
        _ => ApiError::Validation(vec![field]),
    }
}

pub(crate) fn with_etag(version: i64, status: StatusCode, body: impl Serialize) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}
