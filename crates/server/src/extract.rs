//! Reading a request at the edge: its query, its JSON body, its raw body
//! and its `If-Match`. Handlers take axum's extractors as `Result`s and pass
//! them here, so that what could not be read becomes an [`ApiError`] (an
//! RFC 9457 problem) rather than axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::http::{HeaderMap, StatusCode, header};

use crate::error::ApiError;
use crate::problems::{Msg, say};

/// A query string read into `T`, or a 400 saying what was wrong with it.
pub(crate) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::BadRequest(say(Msg::QueryUnreadable, &[("reason", &e.body_text())])))
}

/// A JSON body: declared as JSON, within the limit, well-formed.
pub(crate) fn json_text(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<String, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(ApiError::UnsupportedMediaType(say(
            Msg::ContentTypeJson,
            &[("got", ct)],
        )));
    }
    let bytes = body_bytes(body, crate::JSON_LIMIT)?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::MalformedJson(say(Msg::BodyNotUtf8, &[])))
}

/// Whether the text is one well-formed JSON value.
pub(crate) fn well_formed(text: &str) -> Result<(), ApiError> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| {
            let (line, column) = (e.line().to_string(), e.column().to_string());
            let vars = [
                ("line", line.as_str()),
                ("column", &column),
                ("reason", &e.to_string()),
            ];
            ApiError::MalformedJson(say(Msg::JsonAt, &vars))
        })
}

/// The body's bytes: over `limit` is a 413 naming the limit, anything else
/// axum could not read a 400.
pub(crate) fn body_bytes(
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge { limit }
        } else {
            ApiError::BadRequest(say(Msg::BodyUnreadable, &[("reason", &e.body_text())]))
        }
    })
}

/// The version `If-Match` names; required on every change.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let v = headers
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?
        .to_str()
        .map_err(|_| ApiError::BadRequest(say(Msg::IfMatchNotAscii, &[])))?
        .trim();
    strong_version(v)
}

/// The version an `If-Match` value names. RFC 9110 compares If-Match
/// strongly: a weak tag (`W/"1"`) never matches, so the precondition fails;
/// a value that is not a quoted tag at all is malformed.
pub fn strong_version(v: &str) -> Result<i64, ApiError> {
    if v.starts_with("W/") {
        return Err(ApiError::PreconditionFailed(say(
            Msg::IfMatchWeak,
            &[("value", v)],
        )));
    }
    let inner = v
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .ok_or_else(|| ApiError::BadRequest(say(Msg::IfMatchNotTag, &[("value", v)])))?;
    inner
        .parse()
        .map_err(|_| ApiError::PreconditionFailed(say(Msg::IfMatchUnknown, &[("value", v)])))
}

/// A JSON body read into `T`: declared as JSON, well-formed, then of `T`'s
/// shape, or a 422 saying which field is wrong.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let text = json_text(headers, body)?;
    well_formed(&text)?;
    let shape = |reason: &str| ApiError::invalid("", say(Msg::BodyShape, &[("reason", reason)]));
    // An object only: serde would also read a struct from an array.
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| shape(&e.to_string()))?;
    if !value.is_object() {
        return Err(shape("not a JSON object"));
    }
    serde_json::from_value(value).map_err(|e| shape(&e.to_string()))
}
