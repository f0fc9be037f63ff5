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
pub mod error;
pub mod extract;
pub mod files;
pub mod impact;
pub mod layers;
pub mod listen;
pub mod metrics;
pub mod openapi;
pub mod problems;
pub mod push;
pub mod retention;
pub mod review;
pub mod routes;
pub mod stored;
pub mod tokens;
pub mod webhooks;
pub mod wechat;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use livegate_core::Ruleset;
use livegate_store::Store;

pub use error::{ApiError, FieldError, Problem};
pub use listen::{serve, shutdown_signal};

/// Bodies of JSON requests.
pub const JSON_LIMIT: usize = 1 << 20;
/// Bodies of uploads.
pub const UPLOAD_LIMIT: usize = 10 << 20;
/// A console form carrying an upload: the scan and the form's fields.
pub const FORM_UPLOAD_LIMIT: usize = UPLOAD_LIMIT + (64 << 10);
/// A batch file uploaded in the console.
pub const BATCH_LIMIT: usize = 64 << 20;

/// What the server needs besides the store.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where uploaded scans are kept.
    pub data_dir: PathBuf,
    /// Requests a second per token (0: no limit).
    pub rate_limit: u32,
    /// Requests a token may make at once above its rate.
    pub rate_burst: u32,
    /// Failed authentications an address may make at once before it must
    /// wait (0: no limit, for a test harness that sends bad tokens on purpose).
    pub auth_failure_burst: u32,
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
    /// On a stop, how long requests in flight may take to finish.
    pub drain_timeout: Duration,
    /// How often housekeeping forgets idle rate-limit keys, folds metrics
    /// and renews the heartbeat of batch jobs; a job whose heartbeat is
    /// three of these old belongs to a process that is gone.
    pub sweep_every: Duration,
    /// Console batch jobs that run at once across the service (each tenant
    /// runs one at a time).
    pub batch_jobs: usize,
    /// WeChat's message push, when the platform's token and key are given.
    pub wechat_push: Option<push::PushConfig>,
    /// Whether webhook endpoints may be private or local addresses (a
    /// receiver on the same network; tests).
    pub webhook_allow_private: bool,
    /// The first delay before a failed delivery is tried again; it doubles.
    pub webhook_retry_base: Duration,
    /// How often the delivery worker looks for work.
    pub webhook_every: Duration,
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
            auth_failure_burst: auth::FAILURE_BURST,
            request_timeout: Duration::from_secs(30),
            file_store: FileStore::Dir,
            public_url: None,
            session_ttl: Duration::from_secs(12 * 3600),
            header_timeout: Duration::from_secs(10),
            file_grace: livegate_store::scans::GRACE,
            drain_timeout: Duration::from_secs(30),
            sweep_every: Duration::from_secs(10),
            batch_jobs: 2,
            wechat_push: None,
            webhook_allow_private: false,
            webhook_retry_base: Duration::from_secs(30),
            webhook_every: Duration::from_secs(1),
        }
    }
}

/// What every handler and layer may need: one `Arc`, so the several clones
/// a request makes on its way through the layers cost one count each (ten
/// before, which a profile put at 2 % of `/healthz`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    pub store: Store,
    pub ruleset: Arc<Ruleset>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<metrics::Metrics>,
    pub tokens: Arc<auth::TokenCache>,
    pub limiter: Arc<auth::RateLimiter>,
    /// Uploads per upload link: a merchant sends a handful of scans, not a
    /// flood (one a second on average, 20 at once).
    pub link_limiter: Arc<auth::RateLimiter>,
    /// The console's batch jobs this process holds.
    pub jobs: Arc<console::batch_queue::Jobs>,
    /// Failed authentications per client address.
    pub auth_failures: Arc<auth::FailureLimiter>,
    /// `/openapi.json`, made on first request from the routes and this
    /// ruleset (whose vocabularies are the profile schema's enums).
    pub openapi: Arc<std::sync::OnceLock<String>>,
}

impl AppState {
    pub fn new(store: Store, ruleset: Ruleset, settings: Settings) -> AppState {
        AppState(Arc::new(Shared {
            store,
            ruleset: Arc::new(ruleset),
            limiter: Arc::new(auth::RateLimiter::new(
                settings.rate_limit,
                settings.rate_burst,
            )),
            link_limiter: Arc::new(auth::RateLimiter::new(1, 20)),
            jobs: Arc::new(console::batch_queue::Jobs::new(settings.batch_jobs)),
            metrics: Arc::default(),
            tokens: Arc::default(),
            auth_failures: Arc::new(auth::FailureLimiter::new(settings.auth_failure_burst)),
            openapi: Arc::default(),
            settings: Arc::new(settings),
        }))
    }
}

/// An entity tag for a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The whole service: the API and the web console.
pub fn app(state: AppState) -> Router {
    let routed = layers::timed(routes::router().merge(console::router()), &state);
    let router = routed
        .fallback(fallback)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    layers::around(router, &state).with_state(state)
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
