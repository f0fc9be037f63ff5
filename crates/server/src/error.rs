//! The one error type of the API, and its answer: RFC 9457
//! `application/problem+json`, with the field path for validation errors.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livegate_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field: where (the profile's field path), what, and the
/// nearest valid value for a typo.
#[derive(Debug, Clone, Serialize, ToSchema, Default)]
pub struct FieldError {
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// For a profile: where in the text sent, as `check` and `batch` say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// For a profile: `syntax` (not JSON), `shape` (JSON that is no
    /// profile) or `value` (a value the ruleset does not know).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

impl FieldError {
    /// A profile's error as every surface gives it, in `lang`.
    pub fn profile(e: &livegate_core::ProfileError, lang: livegate_core::Lang) -> FieldError {
        FieldError {
            path: e.path.clone(),
            message: e.phrase(lang),
            suggestion: e.suggestion.clone(),
            line: e.line,
            column: e.column,
            fault: Some(e.kind.as_str().to_string()),
        }
    }
}

/// An RFC 9457 problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:livegate:problem:<code>`; the code is stable.
    #[serde(rename = "type")]
    pub kind: String,
    /// In the language asked for (`?lang=`, else `Accept-Language`; zh by default).
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request's `x-request-id`, as the service's log lines name it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// A problem for the request being answered (its id filled in).
    pub fn new(kind: String, title: String, status: StatusCode, detail: Option<String>) -> Problem {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail,
            errors: Vec::new(),
            request_id: crate::layers::current().and_then(|cx| cx.id),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

/// The language of the request being answered (zh outside a request).
fn lang() -> livegate_core::Lang {
    crate::layers::current().map_or(livegate_core::Lang::Zh, |cx| cx.lang)
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or unknown bearer token")]
    Unauthorized,
    #[error("the token's role may not do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("this method is not allowed on this route")]
    MethodNotAllowed,
    #[error("the resource changed: its current version is {current}")]
    VersionMismatch { current: i64 },
    #[error("If-Match is required: send the ETag of the version you read")]
    PreconditionRequired,
    /// An If-Match that cannot match (a weak tag, a tag this API never gave).
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0} already exists")]
    Duplicate(String),
    #[error("{}", .0.first().map_or("invalid", |e| e.message.as_str()))]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    MalformedJson(String),
    /// A profile that is not JSON: a 400 with its place.
    #[error("{}", .0.message)]
    MalformedProfile(Box<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("too many requests: retry after {retry_after} s")]
    RateLimited { retry_after: u64 },
    #[error("the request took longer than {0} s")]
    Timeout(u64),
    #[error("the database does not answer")]
    Unavailable(String),
    /// The disk under the data directory (or the database's) is full.
    #[error("there is no room left to store this: {0}")]
    InsufficientStorage(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(path: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError {
            path: path.to_string(),
            message: message.into(),
            ..FieldError::default()
        }])
    }

    /// The stable code, the status and the title (zh, en).
    fn parts(&self) -> (&'static str, StatusCode, (&'static str, &'static str)) {
        use ApiError::*;
        match self {
            Unauthorized => (
                "unauthorized",
                StatusCode::UNAUTHORIZED,
                ("未认证", "unauthorized"),
            ),
            Forbidden => ("forbidden", StatusCode::FORBIDDEN, ("无权限", "forbidden")),
            NotFound => ("not_found", StatusCode::NOT_FOUND, ("不存在", "not found")),
            MethodNotAllowed => (
                "method_not_allowed",
                StatusCode::METHOD_NOT_ALLOWED,
                ("不支持的方法", "method not allowed"),
            ),
            VersionMismatch { .. } => (
                "version_mismatch",
                StatusCode::PRECONDITION_FAILED,
                ("已被他人修改", "changed since you read it"),
            ),
            PreconditionFailed(_) => (
                "precondition_failed",
                StatusCode::PRECONDITION_FAILED,
                ("前提条件不成立", "precondition failed"),
            ),
            PreconditionRequired => (
                "if_match_required",
                StatusCode::PRECONDITION_REQUIRED,
                ("缺少 If-Match", "If-Match required"),
            ),
            Duplicate(_) => (
                "duplicate",
                StatusCode::CONFLICT,
                ("已存在", "already exists"),
            ),
            Validation(_) => (
                "invalid_field",
                StatusCode::UNPROCESSABLE_ENTITY,
                ("字段有误", "invalid field"),
            ),
            MalformedJson(_) | MalformedProfile(_) => (
                "malformed_json",
                StatusCode::BAD_REQUEST,
                ("JSON 格式错误", "malformed JSON"),
            ),
            BadRequest(_) => (
                "bad_request",
                StatusCode::BAD_REQUEST,
                ("请求有误", "bad request"),
            ),
            UnsupportedMediaType(_) => (
                "unsupported_media_type",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ("不支持的内容类型", "unsupported media type"),
            ),
            PayloadTooLarge { .. } => (
                "payload_too_large",
                StatusCode::PAYLOAD_TOO_LARGE,
                ("请求体过大", "payload too large"),
            ),
            RateLimited { .. } => (
                "rate_limited",
                StatusCode::TOO_MANY_REQUESTS,
                ("请求过于频繁", "too many requests"),
            ),
            Timeout(_) => (
                "timeout",
                StatusCode::SERVICE_UNAVAILABLE,
                ("请求超时", "request timed out"),
            ),
            InsufficientStorage(_) => (
                "insufficient_storage",
                StatusCode::INSUFFICIENT_STORAGE,
                ("存储空间不足", "insufficient storage"),
            ),
            Unavailable(_) => (
                "unavailable",
                StatusCode::SERVICE_UNAVAILABLE,
                ("服务暂不可用", "service unavailable"),
            ),
            Internal(_) => (
                "internal",
                StatusCode::INTERNAL_SERVER_ERROR,
                ("内部错误", "internal error"),
            ),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.parts().1
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict { current } => ApiError::VersionMismatch { current },
            StoreError::Duplicate(what) => ApiError::Duplicate(what),
            e if e.is_unavailable() => ApiError::Unavailable(e.to_string()),
            e if e.is_full() => ApiError::InsufficientStorage(e.to_string()),
            e => ApiError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status, (zh, en)) = self.parts();
        let title = match lang() {
            livegate_core::Lang::Zh => zh,
            livegate_core::Lang::En => en,
        };
        let detail = match &self {
            ApiError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                None
            }
            ApiError::Unavailable(m) => {
                tracing::warn!(error = %m, "database does not answer");
                Some(self.to_string())
            }
            e => Some(e.to_string()),
        };
        let errors = match &self {
            ApiError::Validation(errs) => errs.clone(),
            ApiError::MalformedProfile(e) => vec![(**e).clone()],
            _ => Vec::new(),
        };
        let mut problem = Problem::new(
            format!("urn:livegate:problem:{code}"),
            title.to_string(),
            status,
            detail,
        );
        problem.errors = errors;
        let mut res = problem.into_response();
        let h = res.headers_mut();
        match &self {
            ApiError::Unauthorized => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::RateLimited { retry_after } => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Unavailable(_) | ApiError::Timeout(_) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(5u64));
            }
            ApiError::VersionMismatch { current } => {
                if let Ok(v) = HeaderValue::from_str(&crate::etag(*current)) {
                    h.insert(header::ETAG, v);
                }
            }
            _ => {}
        }
        res
    }
}
