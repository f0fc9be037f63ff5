//! The edge of the service, on maintained layers (tower-http): request ids,
//! per-request spans, security headers, compression, the request timeout and
//! body limits. What stays livegate's own is small: the request's context
//! (its id and language, which every problem carries), errors the layers or
//! axum answer in plain text turned into problems, and counting by route.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use livegate_core::Lang;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::{ApiError, Problem};
use crate::metrics::Metrics;
use crate::problems::{Msg, say};
use crate::{AppState, console};

/// The request being answered: its id (`x-request-id`) and the language
/// its reader asked for (`?lang=`, else `Accept-Language`; zh by default).
#[derive(Debug, Clone)]
pub struct RequestCx {
    pub id: Option<String>,
    pub lang: Lang,
}

tokio::task_local! {
    static REQUEST: RequestCx;
}

/// The context of the request this task answers, if any.
pub fn current() -> Option<RequestCx> {
    REQUEST.try_with(Clone::clone).ok()
}

/// Runs `f` as if answering a request in `lang` (for tests of what a
/// request would be told).
pub fn as_request<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let cx = RequestCx {
        id: Some("test".into()),
        lang,
    };
    REQUEST.sync_scope(cx, f)
}

/// The language the request asks for: `?lang=zh|en` wins, then the first
/// of `Accept-Language` that livegate speaks.
fn lang_of(req: &Request) -> Lang {
    let query = req.uri().query().unwrap_or("");
    let asked = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned());
    match asked.as_deref() {
        Some("en") => return Lang::En,
        Some("zh") => return Lang::Zh,
        _ => {}
    }
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for tag in accept.split(',') {
        let tag = tag
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("zh") {
            return Lang::Zh;
        }
        if tag.starts_with("en") {
            return Lang::En;
        }
    }
    Lang::Zh
}

/// Around every request: its context for whatever answers it, and a plain
/// error (an axum rejection, a layer's bare status) turned into a problem.
async fn problems(State(timeout): State<u64>, req: Request, next: Next) -> Response {
    let limit = body_limit(req.uri().path());
    let cx = RequestCx {
        id: req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        lang: lang_of(&req),
    };
    REQUEST
        .scope(cx, async move {
            let res = next.run(req).await;
            if is_plain_error(&res) {
                as_problem(res, timeout, limit).await
            } else {
                res
            }
        })
        .await
}

/// An error answer that is neither a problem nor a console page.
fn is_plain_error(res: &Response) -> bool {
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (res.status().is_client_error() || res.status().is_server_error())
        && !ct.starts_with("application/problem+json")
        && !ct.starts_with("text/html")
}

/// A plain-text error as a problem: the timeout's bare 503 and the body
/// limit's 413 as livegate's own, anything else with its text as the detail.
async fn as_problem(res: Response, timeout: u64, limit: usize) -> Response {
    let status = res.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge { limit }.into_response();
    }
    let text = axum::body::to_bytes(res.into_body(), 64 << 10)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    if status == StatusCode::SERVICE_UNAVAILABLE && text.is_empty() {
        return ApiError::Timeout(timeout).into_response();
    }
    let code = status.as_u16().to_string();
    let problem = Problem::new(
        format!("urn:livegate:problem:http_{code}"),
        say(Msg::TitleHttp, &[("status", &code)]),
        status,
        (!text.is_empty()).then(|| say(Msg::RequestUnreadable, &[("reason", &text)])),
    );
    problem.into_response()
}

/// A route that takes bodies of up to `bytes`: a declared length over it is
/// refused before the body is read, a streamed one once it passes it; the
/// edge answers both as livegate's 413 problem naming the limit, which
/// [`body_limit`] must give for the route's path.
pub fn limited(route: MethodRouter<AppState>, bytes: usize) -> MethodRouter<AppState> {
    route
        .layer::<_, std::convert::Infallible>(RequestBodyLimitLayer::new(bytes))
        .layer(DefaultBodyLimit::max(bytes))
}

/// The same limit on every route of `router` so far.
pub fn limit_all(router: Router<AppState>, bytes: usize) -> Router<AppState> {
    router
        .route_layer(RequestBodyLimitLayer::new(bytes))
        .route_layer(DefaultBodyLimit::max(bytes))
}

/// The body limit of the route a path is on, as the route tables set it
/// with [`limited`], for the 413 problem's words.
pub fn body_limit(path: &str) -> usize {
    let documents = path.starts_with("/applicants/")
        && path.contains("/documents")
        && !path.ends_with("/delete");
    if path.starts_with("/v1/") && path.ends_with("/file") {
        crate::UPLOAD_LIMIT
    } else if documents {
        crate::FORM_UPLOAD_LIMIT
    } else if path == "/batch" {
        crate::BATCH_LIMIT
    } else {
        crate::JSON_LIMIT
    }
}

/// Counts and times each routed request under its route's pattern.
async fn count(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);
    let res = next.run(req).await;
    let took = start.elapsed();
    metrics.request(method.as_str(), route, res.status().as_u16(), took);
    res
}

/// The request timeout and the counting, on the routes of `router`.
pub fn timed(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    let timeout = state.settings.request_timeout;
    router
        .route_layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .route_layer(middleware::from_fn_with_state(state.metrics.clone(), count))
}

fn is_html<B>(res: &axum::http::Response<B>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

fn fixed(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Every layer around the whole service, outermost first. The security
/// headers: no sniffing, no framing, no referrer leaving the site, nothing
/// cached that did not say it may be, and the console's
/// Content-Security-Policy on HTML.
pub fn around(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    let csp = |res: &axum::http::Response<_>| {
        is_html(res).then(|| HeaderValue::from_static(console::layout::CSP))
    };
    router.layer(
        ServiceBuilder::new()
            .map_request(own_request_id)
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(span))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .layer(fixed(header::REFERRER_POLICY, "same-origin"))
            .layer(fixed(header::X_FRAME_OPTIONS, "DENY"))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                csp,
            ))
            .layer(CompressionLayer::new())
            .layer(middleware::from_fn_with_state(
                state.settings.request_timeout.as_secs(),
                problems,
            )),
    )
}

/// A client's `x-request-id` is kept only when it is a plain token (1–128
/// of letters, digits, `-`, `_`, `.`, `:`); any other is dropped, so a new
/// one is made, and no client text of any length is echoed into a header,
/// a log line or a problem body.
fn own_request_id(mut req: Request) -> Request {
    let plain = |v: &HeaderValue| {
        let b = v.as_bytes();
        (1..=128).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(c))
    };
    let headers = req.headers_mut();
    if headers.get("x-request-id").is_some_and(|v| !plain(v)) {
        headers.remove("x-request-id");
    }
    req
}

/// Every log line of a request names it by its id.
fn span(req: &Request) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let path = logged_path(req.uri().path());
    tracing::info_span!("request", id, method = %req.method(), path)
}

/// A path as the log keeps it: an upload link's secret never (`/u/…`).
fn logged_path(path: &str) -> &str {
    if path.starts_with("/u/") {
        "/u/…"
    } else {
        path
    }
}
