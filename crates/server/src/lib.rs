//! livegate's HTTP API (axum): applicants, their documents and scans,
//! evaluations with history, expiring documents and the audit log, over a
//! [`livegate_store::Store`].
//!
//! Handlers are thin: they validate at the edge, call the engine or the store,
//! and every error becomes an RFC 9457 problem in one place ([`ApiError`]).
//! State is explicit ([`AppState`]); replicas share nothing but the database
//! (and the data directory for uploaded scans).

pub mod auth;
pub mod console;
mod edge;
pub mod error;
pub mod extract;
pub mod files;
pub mod impact;
pub mod metrics;
pub mod openapi;
pub mod retention;
pub mod routes;
pub mod stored;
pub mod tokens;
pub mod wechat;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use livegate_core::Ruleset;
use livegate_store::Store;
use tokio::net::TcpListener;

pub use error::{ApiError, FieldError, Problem};

/// Bodies of JSON requests.
pub const JSON_LIMIT: usize = 1 << 20;
/// Bodies of uploads.
pub const UPLOAD_LIMIT: usize = 10 << 20;
/// A console form carrying an upload: the scan and the form's fields.
pub const FORM_UPLOAD_LIMIT: usize = UPLOAD_LIMIT + (64 << 10);
/// A batch file uploaded in the console.
pub const BATCH_LIMIT: usize = 64 << 20;

/// The largest body a route takes.
fn body_limit(route: &str) -> usize {
    if route.ends_with("/file") {
        UPLOAD_LIMIT
    } else if route.starts_with("/applicants/{id}/documents") {
        FORM_UPLOAD_LIMIT
    } else if route == "/batch" {
        BATCH_LIMIT
    } else {
        JSON_LIMIT
    }
}

/// What the server needs besides the store.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where uploaded scans are kept.
    pub data_dir: PathBuf,
    /// Requests a second per token (0: no limit).
    pub rate_limit: u32,
    /// Requests a token may make at once above its rate.
    pub rate_burst: u32,
    pub request_timeout: Duration,
    /// Where uploaded scans are kept.
    pub file_store: FileStore,
    /// The address people reach the service at; an https URL makes the
    /// console's cookies Secure.
    pub public_url: Option<String>,
    /// How long a console session lasts.
    pub session_ttl: Duration,
    /// How long a client may take to send a request's headers; a connection
    /// that takes longer (a slowloris) is closed. Also the longest a kept-alive
    /// connection may wait idle for its next request.
    pub header_timeout: Duration,
    /// How old an unreferenced scan must be before it is removed (an upload
    /// of the same bytes may be about to reference it).
    pub file_grace: Duration,
}

/// Where uploaded scans are kept: files under the data directory (the
/// default), or the database, so replicas share nothing but the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FileStore {
    #[default]
    Dir,
    Database,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            data_dir: PathBuf::from("livegate-data"),
            rate_limit: 1000,
            rate_burst: 2000,
            request_timeout: Duration::from_secs(30),
            file_store: FileStore::Dir,
            public_url: None,
            session_ttl: Duration::from_secs(12 * 3600),
            header_timeout: Duration::from_secs(10),
            file_grace: Duration::from_secs(60),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub ruleset: Arc<Ruleset>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<metrics::Metrics>,
    pub tokens: Arc<auth::TokenCache>,
    pub limiter: Arc<auth::RateLimiter>,
    /// The console's running batch jobs.
    pub jobs: Arc<console::batch_jobs::Jobs>,
    /// Failed authentications per client address.
    pub auth_failures: Arc<auth::RateLimiter>,
}

impl AppState {
    pub fn new(store: Store, ruleset: Ruleset, settings: Settings) -> AppState {
        AppState {
            store,
            ruleset: Arc::new(ruleset),
            limiter: Arc::new(auth::RateLimiter::new(
                settings.rate_limit,
                settings.rate_burst,
            )),
            settings: Arc::new(settings),
            metrics: Arc::default(),
            tokens: Arc::default(),
            jobs: Arc::default(),
            auth_failures: Arc::new(auth::failure_limiter()),
        }
    }
}

/// An entity tag for a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The whole service: the API and the web console.
pub fn app(state: AppState) -> Router {
    routes::router()
        .merge(console::router())
        .route_layer(middleware::from_fn_with_state(state.clone(), edge))
        .fallback(fallback)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .layer(middleware::from_fn(response_headers))
        .with_state(state)
}

/// An unknown path: a problem for the API and for clients that want JSON, a
/// page for a browser.
async fn fallback(
    state: State<AppState>,
    cx: console::layout::Ctx,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if uri.path().starts_with("/v1/") || !wants_html {
        ApiError::NotFound.into_response()
    } else {
        console::not_found(state, cx).await
    }
}

/// Around every routed request: refuse a declared body over the limit before
/// reading it, bound the time, count and log.
async fn edge(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);
    let limit = body_limit(route);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let res = if declared.is_some_and(|n| n > limit as u64) {
        ApiError::PayloadTooLarge { limit }.into_response()
    } else {
        let timeout = state.settings.request_timeout;
        match tokio::time::timeout(timeout, next.run(req)).await {
            Ok(r) => r,
            Err(_) => ApiError::Timeout(timeout.as_secs()).into_response(),
        }
    };
    let took = start.elapsed();
    let status = res.status().as_u16();
    state.metrics.request(method.as_str(), route, status, took);
    tracing::debug!(%method, %route, status, micros = took.as_micros() as u64, "request");
    res
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
/// Each connection has a header-read timeout, and the handlers see the
/// client's address (`ConnectInfo`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = state.settings.header_timeout;
    let app = app(state);
    let mut builder =
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, go on.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = connection_service(app.clone(), peer);
                let conn = builder.serve_connection_with_upgrades(hyper_util::rt::TokioIo::new(edge::ProblemIo::new(stream)), service);
                let conn = graceful.watch(conn.into_owned());
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The app for one connection, telling handlers the peer's address.
fn connection_service(
    app: Router,
    peer: std::net::SocketAddr,
) -> hyper_util::service::TowerToHyperService<
    impl tower::Service<
        hyper::Request<hyper::body::Incoming>,
        Response = Response,
        Error = std::convert::Infallible,
        Future = impl Send,
    > + Clone,
> {
    use tower::ServiceExt;
    let svc = app.map_request(move |req: hyper::Request<hyper::body::Incoming>| {
        let mut req = req.map(axum::body::Body::new);
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        req
    });
    hyper_util::service::TowerToHyperService::new(svc)
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Headers on every answer, and errors as problems. No sniffing, no framing,
/// no referrer leaving the site; `Cache-Control: no-store` on whatever an
/// authenticated request gets; the console's Content-Security-Policy on
/// HTML; and an error that a layer below answered in plain text (a path or
/// query the router could not read) becomes `application/problem+json`.
async fn response_headers(req: Request, next: Next) -> Response {
    let authenticated = req.headers().contains_key(header::AUTHORIZATION)
        || req
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.contains(console::session::SESSION_COOKIE));
    let res = next.run(req).await;
    let mut res = if is_plain_error(&res) {
        as_problem(res).await
    } else {
        res
    };
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if authenticated && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(console::layout::CSP),
        );
    }
    res
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

/// A plain-text error as an RFC 9457 problem, its text as the detail.
async fn as_problem(res: Response) -> Response {
    let status = res.status();
    let text = axum::body::to_bytes(res.into_body(), 64 << 10)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let problem = Problem {
        kind: format!("urn:livegate:problem:http_{}", status.as_u16()),
        title: status.canonical_reason().unwrap_or("error").to_string(),
        status: status.as_u16(),
        detail: (!text.is_empty()).then_some(text),
        errors: Vec::new(),
    };
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut out = (status, body).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    out
}
