//! The routes: thin handlers that validate at the edge and call the engine
//! or the store. Every route under `/v1` needs a bearer token and sees only
//! its tenant's data.
//!
//! This file holds the route table and what several handlers share; each
//! handler lives in the module named after the OpenAPI tag it is listed
//! under (`ops`, `evaluate`, `applicants`, `documents`, `watch`, `audit`).
//! Reading the request is in [`crate::extract`], the OpenAPI document in
//! [`crate::openapi`].

pub mod applicants;
pub mod audit;
pub mod documents;
pub mod evaluate;
pub mod ops;
pub mod watch;

use axum::Json;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use livegate_core::{Lang, ProfileError};
use livegate_store as store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError};
use crate::layers::{limit_all, limited};
use crate::problems::{Msg, say};
use crate::{AppState, JSON_LIMIT, UPLOAD_LIMIT, etag};

// Paths other modules (and the CLI) have always used.
pub use crate::extract::strong_version;
pub(crate) use crate::extract::{if_match, json_text, query};
pub use crate::stored::valid_appid;
pub use applicants::ApplicantView;
pub use watch::parse_window;

/// Every route of the API. The console's routes are in [`crate::console`].
/// The OpenAPI test reads this function's text to check that every route
/// here is documented, so keep one `.route(` per path.
pub fn router() -> Router<AppState> {
    let json = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .route("/v1/evaluate", post(evaluate::evaluate))
        .route(
            "/v1/applicants",
            get(applicants::list_applicants).post(applicants::create_applicant),
        )
        .route(
            "/v1/applicants/{id}",
            get(applicants::get_applicant)
                .put(applicants::update_applicant)
                .delete(applicants::delete_applicant),
        )
        .route(
            "/v1/applicants/{id}/evaluate",
            post(evaluate::evaluate_applicant),
        )
        .route(
            "/v1/applicants/{id}/wechat/categories",
            put(crate::wechat::put_categories),
        )
        .route(
            "/v1/applicants/{id}/wechat/addcategory",
            get(crate::wechat::get_addcategory),
        )
        .route(
            "/v1/applicants/{id}/evaluations",
            get(evaluate::list_evaluations),
        )
        .route(
            "/v1/applicants/{id}/documents",
            get(documents::list_documents).post(documents::create_document),
        )
        .route(
            "/v1/applicants/{id}/documents/{doc}",
            get(documents::get_document)
                .put(documents::update_document)
                .delete(documents::delete_document),
        )
        .route("/v1/expiring", get(watch::expiring))
        .route("/v1/rules/impact", post(crate::impact::rules_impact))
        .route("/v1/audit", get(audit::audit))
        .route("/v1/tokens", get(crate::tokens::list_tokens))
        .route("/v1/tokens/{id}", delete(crate::tokens::revoke_token));
    limit_all(json, JSON_LIMIT).route(
        "/v1/applicants/{id}/documents/{doc}/file",
        limited(
            put(documents::upload_file).get(documents::download_file),
            UPLOAD_LIMIT,
        ),
    )
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
    pub cursor: Option<String>,
    /// 1–500, default 50.
    pub limit: Option<usize>,
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
fn cursor<'q>(q: &'q ListQuery, prefix: &str) -> Result<Option<&'q str>, ApiError> {
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
