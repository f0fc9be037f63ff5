//! livegate's HTTP API (axum): applicants, their documents and scans,
//! evaluations with history, expiring documents and the audit log, over a
//! [`livegate_store::Store`].
//!
//! Handlers are thin: they validate at the edge, call the engine or the store,
//! and every error becomes an RFC 9457 problem in one place ([`ApiError`]).
//! State is explicit ([`AppState`]); replicas share nothing but the database
//! (and the data directory for uploaded scans).

pub mod auth;
pub mod error;
pub mod files;
pub mod metrics;
pub mod routes;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header;
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
        }
    }
}

/// An entity tag for a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The whole API.
pub fn app(state: AppState) -> Router {
    routes::router()
        .route_layer(middleware::from_fn_with_state(state.clone(), edge))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .with_state(state)
}

/// Around every routed request: refuse a declared body over the limit before
/// reading it, bound the time, count and log.
async fn edge(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);
    let limit = if route.ends_with("/file") {
        UPLOAD_LIMIT
    } else {
        JSON_LIMIT
    };
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
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
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
