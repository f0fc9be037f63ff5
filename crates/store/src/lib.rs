//! livegate persistence: tenants, tokens, applicants, documents, evaluations
//! and the append-only audit log, on SQLite (the embedded default, in WAL
//! mode) or PostgreSQL, with the same migrations for both.
//!
//! Queries are checked at run time through sqlx's `Any` driver: one query
//! text serves both backends (`$N` placeholders, which SQLite also accepts),
//! and the compile-time macros cannot check a query against two databases at
//! once without a live database of each kind at build time.
//!
//! Every read and write of tenant data takes the tenant id, so nothing
//! crosses tenants; every write records an audit entry in the same
//! transaction.
//!
//! Where things are: this file holds the [`Store`] (connecting, migrating),
//! the types every part shares (errors, roles, the principal, pages).
//! `versioned.rs` holds the optimistic write that applicants and documents
//! share. Each kind of record has its own file, with its type and its queries:
//! `tenants.rs`, `tokens.rs`, `sessions.rs`, `applicants.rs`, `documents.rs`
//! (with the expiry watch), `review.rs` (a person's review of each document, and
//! the queue), `links.rs` (merchants' upload links), `wechat_events.rs` (WeChat's
//! review results pushed in), `webhooks.rs` (the outbox and its deliveries), `trash.rs` (deleted documents, restorable for a while), `evaluations.rs`, `blobs.rs`, `audit.rs`.
//! `summaries.rs` holds what the console and the service read across records
//! (filtered lists, dashboard figures, portfolios, scan housekeeping,
//! backups).

mod applicants;
mod audit;
mod blobs;
pub mod clock;
pub mod diff;
mod documents;
mod evaluations;
mod jobs;
mod links;
mod review;
pub mod scans;
mod sessions;
mod summaries;
mod tenants;
mod tokens;
mod trash;
mod versioned;
pub mod webhooks;
mod wechat_events;

pub use applicants::{Applicant, ApplicantInput};
pub use audit::AuditEntry;
pub use documents::{Document, DocumentInput, Expiring, StoredFile};
pub use evaluations::{Evaluation, EvaluationInput};
pub use jobs::{BatchJob, JobState};
pub use links::{LinkAccess, UploadLink};
pub use review::{Decision, Review, ReviewItem, ReviewPolicy, ReviewState, Source};
pub use sessions::Session;
pub use summaries::{ApplicantFilter, ApplicantSort, ApplicantSummary, EvaluationIndex};
pub use tenants::{Erased, Tenant};
pub use tokens::{TokenInfo, TokenOptions};
pub use trash::{DeletedDocument, UNDO_WINDOW};
pub(crate) use versioned::Versioned;
pub use wechat_events::{PushInput, WechatEvent};

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row};

/// The migrations, embedded; the same SQL runs on both backends.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "blobs", include_str!("../migrations/0002_blobs.sql")),
    (
        3,
        "sessions",
        include_str!("../migrations/0003_sessions.sql"),
    ),
    (4, "console", include_str!("../migrations/0004_console.sql")),
    (5, "tokens", include_str!("../migrations/0005_tokens.sql")),
    (
        6,
        "subject_name",
        include_str!("../migrations/0006_subject_name.sql"),
    ),
    (
        7,
        "batch_jobs",
        include_str!("../migrations/0007_batch_jobs.sql"),
    ),
    (
        8,
        "document_trash",
        include_str!("../migrations/0008_document_trash.sql"),
    ),
    (
        9,
        "sort_name",
        include_str!("../migrations/0009_sort_name.sql"),
    ),
    (
        10,
        "expiry_pages",
        include_str!("../migrations/0010_expiry_pages.sql"),
    ),
    (11, "review", include_str!("../migrations/0011_review.sql")),
    (
        12,
        "wechat_events",
        include_str!("../migrations/0012_wechat_events.sql"),
    ),
    (
        13,
        "webhooks",
        include_str!("../migrations/0013_webhooks.sql"),
    ),
    (
        14,
        "expiry_notices",
        include_str!("../migrations/0014_expiry_notices.sql"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The version the caller expected is not the current one.
    #[error("version mismatch: the current version is {current}")]
    Conflict { current: i64 },
    /// A unique value (a tenant name, an appid within a tenant) is taken.
    #[error("{0} already exists")]
    Duplicate(String),
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Whether the database's disk is full (SQLite's SQLITE_FULL,
    /// PostgreSQL's 53100 disk_full).
    pub fn is_full(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(d))
            if d.code().is_some_and(|c| c == "13" || c == "53100"))
    }

    /// Whether the database is out of reach (down, restarting, refusing
    /// connections, or no connection free in time) rather than the request
    /// being wrong: the caller may retry later.
    pub fn is_unavailable(&self) -> bool {
        let StoreError::Db(e) = self else {
            return false;
        };
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_) => true,
            // SQLSTATE 08: connection exception; 57P01-57P03: the server is
            // shutting down or not yet accepting connections.
            sqlx::Error::Database(d) => d
                .code()
                .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What a token may do: admins everything (including the audit log),
/// editors read and write, viewers only read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            _ => Err(format!("unknown role `{s}`: use admin, editor or viewer")),
        }
    }
}

/// Who is acting: the tenant every query is scoped to, and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant_id: String,
    pub token_id: String,
    pub role: Role,
}

/// One page of a list, in id order, and the cursor for the next one.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub(crate) fn page<T>(mut items: Vec<T>, limit: usize, id: impl Fn(&T) -> &str) -> Page<T> {
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|t| id(t).to_string())
    } else {
        None
    };
    Page { items, next_cursor }
}

/// SHA-256 of a token secret, hex.
pub fn token_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A JSON value as the text column that keeps it.
pub(crate) fn json_text(v: &Value) -> String {
    v.to_string()
}

pub(crate) fn parse_json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Which backend a database URL names (and the drivers installed).
fn backend_of(url: &str) -> Result<Backend> {
    sqlx::any::install_default_drivers();
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// The URL of the embedded default: a SQLite file, created if missing.
    pub fn sqlite_url(path: &Path) -> String {
        format!("sqlite://{}?mode=rwc", path.display())
    }

    /// Connects, and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let backend = backend_of(url)?;
        let mut opts = AnyPoolOptions::new();
        if backend == Backend::Sqlite {
            // WAL lets readers run beside the one writer; FULL makes every
            // acknowledged commit durable; the busy timeout makes writers
            // queue rather than fail.
            opts = opts.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA synchronous = FULL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA busy_timeout = 10000")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            });
        } else {
            opts = opts.max_connections(16);
        }
        // When the database is gone, a request learns it in seconds (a 503
        // to retry), not after the request timeout.
        opts = opts.acquire_timeout(std::time::Duration::from_secs(5));
        let pool = opts.connect(url).await?;
        let store = Store { pool, backend };
        store.migrate().await?;
        store.fill_subject_names().await?;
        Ok(store)
    }

    /// Connects without changing anything (no migration; a SQLite file is
    /// opened read-only) and says which schema version the database is at:
    /// `None` for a database livegate has never migrated. For `doctor`.
    pub async fn inspect(url: &str) -> Result<Option<i64>> {
        backend_of(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(url)
            .await?;
        let version = sqlx::query("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&pool)
            .await
            .ok()
            .and_then(|r| r.try_get::<Option<i64>, _>(0).ok().flatten());
        pool.close().await;
        Ok(version)
    }

    /// The schema version this build migrates to.
    pub fn schema_version() -> i64 {
        MIGRATIONS.last().map_or(0, |m| m.0)
    }

    async fn migrate(&self) -> Result<()> {
        let migrations: Vec<Migration> = MIGRATIONS
            .iter()
            .map(|(v, d, sql)| {
                Migration::new(
                    *v,
                    Cow::Borrowed(*d),
                    MigrationType::Simple,
                    Cow::Borrowed(*sql),
                    false,
                )
            })
            .collect();
        let mut m = Migrator::DEFAULT;
        m.migrations = Cow::Owned(migrations);
        m.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// SQLite's `PRAGMA integrity_check` (`ok` when sound); PostgreSQL has
    /// no equivalent and answers `ok` when it answers at all.
    /// Moves everything written into the database file itself (SQLite's
    /// write-ahead log checkpointed and emptied), so that the file alone is
    /// the whole database: what a backup must be before it is copied.
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        let busy: i64 = row.try_get(0)?;
        if busy != 0 {
            return Err(StoreError::Db(sqlx::Error::Protocol(
                "the write-ahead log could not be checkpointed: the database is busy".into(),
            )));
        }
        Ok(())
    }

    pub async fn integrity_check(&self) -> Result<String> {
        match self.backend {
            Backend::Sqlite => {
                let rows = sqlx::query("PRAGMA integrity_check")
                    .fetch_all(&self.pool)
                    .await?;
                let lines: Vec<String> = rows
                    .iter()
                    .map(|r| r.try_get::<String, _>(0))
                    .collect::<Result<_, _>>()?;
                Ok(lines.join("\n"))
            }
            Backend::Postgres => {
                self.ping().await?;
                Ok("ok".into())
            }
        }
    }
}

/// A write's error, as `Duplicate` (of `what`) when it broke a unique
/// constraint: the caller can fix that one.
pub(crate) fn dup(e: sqlx::Error, what: &str) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Duplicate(what.to_string())
    } else {
        e.into()
    }
}
