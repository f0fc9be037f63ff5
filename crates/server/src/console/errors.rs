//! Errors as console pages: never a stack trace, always the reader's
//! language. A missing or another tenant's record is the same 404 page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use crate::{ApiError, AppState};

/// The page for an error that has no field to sit beside.
pub fn error_page(state: &AppState, cx: &Ctx, e: &ApiError) -> Response {
    let l = cx.lang;
    let (status, title, body) = match e {
        ApiError::NotFound => (
            StatusCode::NOT_FOUND,
            t(l, Key::NotFoundTitle),
            t(l, Key::NotFoundBody),
        ),
        ApiError::Forbidden => (
            StatusCode::FORBIDDEN,
            t(l, Key::ForbiddenTitle),
            t(l, Key::ForbiddenBody),
        ),
        // A write under a version someone has moved on from: the page was
        // stale, nothing was changed.
        ApiError::VersionMismatch { current } => (
            StatusCode::CONFLICT,
            t(l, Key::ErrorTitle),
            tf(
                l,
                Key::ConflictStalePage,
                &[("version", &current.to_string())],
            ),
        ),
        ApiError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            t(l, Key::ErrorTitle),
            t(l, Key::ServiceUnavailable),
        ),
        e if e.status() == StatusCode::PAYLOAD_TOO_LARGE => (
            e.status(),
            t(l, Key::ErrorTitle),
            t(l, Key::RequestTooLarge),
        ),
        e if e.status() == StatusCode::INSUFFICIENT_STORAGE => {
            (e.status(), t(l, Key::ErrorTitle), t(l, Key::StorageFull))
        }
        e if e.status().is_client_error() => {
            tracing::debug!(error = %e, "console: a request that could not be read");
            (
                e.status(),
                t(l, Key::ErrorTitle),
                t(l, Key::RequestUnreadable),
            )
        }
        other => {
            tracing::error!(error = %other, "console");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                t(l, Key::ErrorTitle),
                t(l, Key::ErrorBody),
            )
        }
    };
    let markup = html! {
        h1 { (title) }
        p { (body) }
        p { a href="/" { (t(l, Key::BackHome)) } }
    };
    respond(status, page(cx, &state.ruleset, &title, "", markup))
}

/// A 303 to a local page after a successful form. A target that is no
/// valid header value (a control character that came in with the request)
/// is a 400, never a panic: axum's `Redirect::to` would panic on it.
pub fn see_other(to: &str) -> Response {
    match axum::http::HeaderValue::from_str(to) {
        Ok(v) => (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, v)]).into_response(),
        Err(_) => {
            let reason = crate::problems::say(
                crate::problems::Msg::RequestUnreadable,
                &[("reason", "Location")],
            );
            ApiError::BadRequest(reason).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_redirect_to_a_target_no_header_can_carry_is_a_400_not_a_panic() {
        for bad in ["/x\u{1}y", "/a\nLocation: https://evil.example", "/\u{7f}"] {
            assert_eq!(super::see_other(bad).status(), 400, "{bad:?}");
        }
        let ok = super::see_other("/applicants/app_1#report");
        assert_eq!(ok.status(), 303);
        assert_eq!(ok.headers()["location"], "/applicants/app_1#report");
    }
}
