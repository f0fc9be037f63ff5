//! The one error type of the API, and its answer: RFC 9457
//! `application/problem+json`, with the field path for validation errors.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livegate_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::problems::{Msg, say};

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

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or unknown bearer token")]
    Unauthorized,
    /// A WeChat push that is not WeChat's (its signature), or not new.
    #[error("{0}")]
    PushRefused(String),
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

    /// The stable code, the status and the title.
    fn parts(&self) -> (&'static str, StatusCode, Msg) {
        use ApiError::*;
        match self {
            Unauthorized => (
                "unauthorized",
                StatusCode::UNAUTHORIZED,
                Msg::TitleUnauthorized,
            ),
            PushRefused(_) => (
                "push_refused",
                StatusCode::UNAUTHORIZED,
                Msg::TitlePushRefused,
            ),
            Forbidden => ("forbidden", StatusCode::FORBIDDEN, Msg::TitleForbidden),
            NotFound => ("not_found", StatusCode::NOT_FOUND, Msg::TitleNotFound),
            MethodNotAllowed => (
                "method_not_allowed",
                StatusCode::METHOD_NOT_ALLOWED,
                Msg::TitleMethodNotAllowed,
            ),
            VersionMismatch { .. } => (
                "version_mismatch",
                StatusCode::PRECONDITION_FAILED,
                Msg::TitleVersionMismatch,
            ),
            PreconditionFailed(_) => (
                "precondition_failed",
                StatusCode::PRECONDITION_FAILED,
                Msg::TitlePreconditionFailed,
            ),
            PreconditionRequired => (
                "if_match_required",
                StatusCode::PRECONDITION_REQUIRED,
                Msg::TitleIfMatchRequired,
            ),
            Duplicate(_) => ("duplicate", StatusCode::CONFLICT, Msg::TitleDuplicate),
            Validation(_) => (
                "invalid_field",
                StatusCode::UNPROCESSABLE_ENTITY,
                Msg::TitleInvalidField,
            ),
            MalformedJson(_) | MalformedProfile(_) => (
                "malformed_json",
                StatusCode::BAD_REQUEST,
                Msg::TitleMalformedJson,
            ),
            BadRequest(_) => ("bad_request", StatusCode::BAD_REQUEST, Msg::TitleBadRequest),
            UnsupportedMediaType(_) => (
                "unsupported_media_type",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Msg::TitleUnsupportedMediaType,
            ),
            PayloadTooLarge { .. } => (
                "payload_too_large",
                StatusCode::PAYLOAD_TOO_LARGE,
                Msg::TitlePayloadTooLarge,
            ),
            RateLimited { .. } => (
                "rate_limited",
                StatusCode::TOO_MANY_REQUESTS,
                Msg::TitleRateLimited,
            ),
            Timeout(_) => (
                "timeout",
                StatusCode::SERVICE_UNAVAILABLE,
                Msg::TitleTimeout,
            ),
            InsufficientStorage(_) => (
                "insufficient_storage",
                StatusCode::INSUFFICIENT_STORAGE,
                Msg::TitleInsufficientStorage,
            ),
            Unavailable(_) => (
                "unavailable",
                StatusCode::SERVICE_UNAVAILABLE,
                Msg::TitleUnavailable,
            ),
            Internal(_) => (
                "internal",
                StatusCode::INTERNAL_SERVER_ERROR,
                Msg::TitleInternal,
            ),
        }
    }

    /// What a person reads as the problem's detail, in the request's language.
    fn detail(&self) -> Option<String> {
        use ApiError::*;
        let n = |v: &dyn std::fmt::Display| v.to_string();
        Some(match self {
            Unauthorized => say(Msg::Unauthorized, &[]),
            Forbidden => say(Msg::Forbidden, &[]),
            NotFound => say(Msg::NotFound, &[]),
            MethodNotAllowed => say(Msg::MethodNotAllowed, &[]),
            VersionMismatch { current } => say(Msg::VersionMismatch, &[("current", &n(current))]),
            PreconditionRequired => say(Msg::IfMatchRequired, &[]),
            Duplicate(what) => say(Msg::Duplicate, &[("what", what)]),
            PayloadTooLarge { limit } => say(Msg::PayloadTooLarge, &[("limit", &n(limit))]),
            RateLimited { retry_after } => {
                say(Msg::RateLimited, &[("retry_after", &n(retry_after))])
            }
            Timeout(secs) => say(Msg::Timeout, &[("seconds", &n(secs))]),
            Unavailable(_) => say(Msg::Unavailable, &[]),
            InsufficientStorage(reason) => say(Msg::InsufficientStorage, &[("reason", reason)]),
            Internal(_) => return None,
            PreconditionFailed(m)
            | MalformedJson(m)
            | BadRequest(m)
            | UnsupportedMediaType(m)
            | PushRefused(m) => m.clone(),
            Validation(_) | MalformedProfile(_) => self.to_string(),
        })
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
        let (code, status, title) = self.parts();
        match &self {
            ApiError::Internal(m) => tracing::error!(error = %m, "internal error"),
            ApiError::Unavailable(m) => tracing::warn!(error = %m, "database does not answer"),
            _ => {}
        }
        let detail = self.detail();
        let errors = match &self {
            ApiError::Validation(errs) => errs.clone(),
            ApiError::MalformedProfile(e) => vec![(**e).clone()],
            _ => Vec::new(),
        };
        let mut problem = Problem::new(
            format!("urn:livegate:problem:{code}"),
            say(title, &[]),
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

#[cfg(test)]
mod tests {
    use super::*;
    use livegate_core::Lang;

    fn every_kind() -> Vec<ApiError> {
        use ApiError::*;
        vec![
            Unauthorized,
            PushRefused(say(Msg::PushReplayed, &[])),
            Forbidden,
            NotFound,
            MethodNotAllowed,
            VersionMismatch { current: 3 },
            PreconditionRequired,
            PreconditionFailed(say(Msg::IfMatchWeak, &[("value", "W/\"1\"")])),
            Duplicate("appid `wx1`".into()),
            Validation(vec![FieldError {
                path: "kind".into(),
                message: say(Msg::DocumentNotObject, &[]),
                ..FieldError::default()
            }]),
            MalformedJson(say(Msg::BodyNotUtf8, &[])),
            BadRequest(say(Msg::LimitOutOfRange, &[("n", "0")])),
            UnsupportedMediaType(say(Msg::ScanType, &[])),
            PayloadTooLarge { limit: 10 },
            RateLimited { retry_after: 2 },
            Timeout(30),
            InsufficientStorage("disk full".into()),
            Unavailable("connection refused".into()),
            Internal("boom".into()),
        ]
    }

    fn han(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    fn problem(lang: Lang, e: ApiError) -> serde_json::Value {
        let res = crate::layers::as_request(lang, || e.into_response());
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let body = rt
            .block_on(axum::body::to_bytes(res.into_body(), 1 << 16))
            .expect("body");
        serde_json::from_slice(&body).expect("a JSON problem")
    }

    #[test]
    fn every_problem_type_reads_in_chinese_and_in_english() {
        for i in 0..every_kind().len() {
            let zh = problem(
                Lang::Zh,
                crate::layers::as_request(Lang::Zh, || every_kind().remove(i)),
            );
            let en = problem(
                Lang::En,
                crate::layers::as_request(Lang::En, || every_kind().remove(i)),
            );
            for field in ["title", "detail"] {
                let (z, e) = (zh[field].as_str(), en[field].as_str());
                if let Some(z) = z {
                    assert!(han(z), "zh {field} of {}: {z}", zh["type"]);
                }
                if let Some(e) = e {
                    assert!(!han(e), "en {field} of {}: {e}", en["type"]);
                }
                assert_eq!(z.is_some(), e.is_some(), "{field} of {}", zh["type"]);
            }
            assert_eq!(zh["request_id"], "test");
        }
    }
}
