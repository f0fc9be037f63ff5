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

pub mod clock;
pub mod diff;
mod sessions;
mod summaries;
mod tokens;

pub use sessions::Session;
pub use summaries::{ApplicantFilter, ApplicantSummary, EvaluationIndex};
pub use tokens::{Erased, TokenInfo, TokenOptions};

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
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

#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Applicant {
    pub id: String,
    pub version: i64,
    pub appid: String,
    pub name: Option<String>,
    /// The profile without documents.
    pub profile: Value,
    pub created_at: String,
    pub updated_at: String,
}

/// What a caller writes of an applicant.
#[derive(Debug, Clone)]
pub struct ApplicantInput {
    pub appid: String,
    pub name: Option<String>,
    pub profile: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredFile {
    pub sha256: String,
    /// The name the uploader gave, kept as metadata only; never a path.
    pub name: Option<String>,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: String,
    pub applicant_id: String,
    pub version: i64,
    /// The document as in a profile.
    pub document: Value,
    pub file: Option<StoredFile>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct DocumentInput {
    pub kind: String,
    pub valid_until: Option<String>,
    pub body: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub id: String,
    pub applicant_id: String,
    pub verdict: String,
    pub ruleset_version: String,
    pub ruleset_as_of: String,
    pub created_at: String,
    pub report: Value,
}

#[derive(Debug, Clone)]
pub struct EvaluationInput {
    pub verdict: String,
    pub ruleset_version: String,
    pub ruleset_as_of: String,
    pub report: Value,
    /// The evaluation in brief, kept on the applicant for lists and filters.
    pub index: EvaluationIndex,
    /// The report's paths in brief (`{"paths": [{"id", "status",
    /// "missing_documents"}]}`), kept beside it for timelines.
    pub brief: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Expiring {
    pub tenant_id: String,
    pub applicant_id: String,
    pub appid: String,
    pub applicant_name: Option<String>,
    pub document_id: String,
    pub kind: String,
    pub valid_until: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub token_id: Option<String>,
    pub action: String,
    pub target: String,
    pub at: String,
    pub diff: Value,
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

fn json_text(v: &Value) -> String {
    v.to_string()
}

pub(crate) fn parse_json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
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
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
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
        Ok(store)
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

    // ---- tenants and tokens -------------------------------------------

    pub async fn create_tenant(&self, name: &str) -> Result<Tenant> {
        let t = Tenant {
            id: clock::new_id("ten"),
            name: name.to_string(),
            created_at: clock::now_rfc3339(),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&t.id)
            .bind(&t.name)
            .bind(&t.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Duplicate(format!("tenant `{name}`"))
                } else {
                    e.into()
                }
            })?;
        audit(
            &mut tx,
            &t.id,
            None,
            "tenant.create",
            Target {
                id: &t.id,
                applicant: None,
            },
            &Value::Null,
            &serde_json::json!({"name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// A tenant by id or by name.
    pub async fn find_tenant(&self, id_or_name: &str) -> Result<Tenant> {
        let row =
            sqlx::query("SELECT id, name, created_at FROM tenants WHERE id = $1 OR name = $1")
                .bind(id_or_name)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        Ok(Tenant {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            created_at: row.try_get("created_at")?,
        })
    }

    /// Creates a token with no label and no expiry; returns its id and the
    /// secret, which is not kept.
    pub async fn create_token(&self, tenant_id: &str, role: Role) -> Result<(String, String)> {
        self.create_token_with(tenant_id, role, TokenOptions::default())
            .await
    }

    // ---- applicants ---------------------------------------------------

    pub async fn create_applicant(
        &self,
        who: &Principal,
        input: ApplicantInput,
    ) -> Result<Applicant> {
        let now = clock::now_rfc3339();
        let a = Applicant {
            id: clock::new_id("app"),
            version: 1,
            appid: input.appid,
            name: input.name,
            profile: input.profile,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO applicants (id, tenant_id, appid, name, profile, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&a.id)
        .bind(&who.tenant_id)
        .bind(&a.appid)
        .bind(&a.name)
        .bind(json_text(&a.profile))
        .bind(a.version)
        .bind(&a.created_at)
        .bind(&a.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| dup(e, &format!("applicant with appid `{}`", a.appid)))?;
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.create",
            Target {
                id: &a.id,
                applicant: Some(&a.id),
            },
            &Value::Null,
            &a.profile,
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    pub async fn get_applicant(&self, tenant_id: &str, id: &str) -> Result<Applicant> {
        let row = sqlx::query(
            "SELECT id, version, appid, name, profile, created_at, updated_at FROM applicants \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        applicant_row(&row)
    }

    pub async fn list_applicants(
        &self,
        tenant_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Applicant>> {
        let rows = sqlx::query(
            "SELECT id, version, appid, name, profile, created_at, updated_at FROM applicants \
             WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(tenant_id)
        .bind(cursor.unwrap_or(""))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(applicant_row).collect::<Result<Vec<_>>>()?;
        Ok(page(items, limit, |a| &a.id))
    }

    /// Replaces an applicant if its version is still `expected`.
    pub async fn update_applicant(
        &self,
        who: &Principal,
        id: &str,
        expected: i64,
        input: ApplicantInput,
    ) -> Result<Applicant> {
        let before = self.get_applicant(&who.tenant_id, id).await?;
        if before.version != expected {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        let now = clock::now_rfc3339();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE applicants SET appid = $1, name = $2, profile = $3, version = version + 1, updated_at = $4 \
             WHERE tenant_id = $5 AND id = $6 AND version = $7",
        )
        .bind(&input.appid)
        .bind(&input.name)
        .bind(json_text(&input.profile))
        .bind(&now)
        .bind(&who.tenant_id)
        .bind(id)
        .bind(expected)
        .execute(&mut *tx)
        .await
        .map_err(|e| dup(e, &format!("applicant with appid `{}`", input.appid)))?;
        if done.rows_affected() == 0 {
            drop(tx);
            let current = self.get_applicant(&who.tenant_id, id).await?;
            return Err(StoreError::Conflict {
                current: current.version,
            });
        }
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.update",
            Target {
                id,
                applicant: Some(id),
            },
            &before.profile,
            &input.profile,
        )
        .await?;
        tx.commit().await?;
        Ok(Applicant {
            id: id.to_string(),
            version: expected + 1,
            appid: input.appid,
            name: input.name,
            profile: input.profile,
            created_at: before.created_at,
            updated_at: now,
        })
    }

    /// Deletes an applicant, its documents and its evaluation history, if its
    /// version is still `expected`. Uploaded files stay: they are content-addressed
    /// and may be shared.
    pub async fn delete_applicant(&self, who: &Principal, id: &str, expected: i64) -> Result<()> {
        let before = self.get_applicant(&who.tenant_id, id).await?;
        if before.version != expected {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        let mut tx = self.pool.begin().await?;
        // Writing first takes SQLite's write lock before anything is read.
        let bumped = sqlx::query("UPDATE applicants SET version = version + 1 WHERE tenant_id = $1 AND id = $2 AND version = $3")
            .bind(&who.tenant_id)
            .bind(id)
            .bind(expected)
            .execute(&mut *tx)
            .await?;
        if bumped.rows_affected() == 0 {
            drop(tx);
            let current = self.get_applicant(&who.tenant_id, id).await?;
            return Err(StoreError::Conflict {
                current: current.version,
            });
        }
        for sql in [
            "DELETE FROM documents WHERE tenant_id = $1 AND applicant_id = $2",
            "DELETE FROM evaluations WHERE tenant_id = $1 AND applicant_id = $2",
            "DELETE FROM applicants WHERE tenant_id = $1 AND id = $2",
        ] {
            sqlx::query(sql)
                .bind(&who.tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.delete",
            Target {
                id,
                applicant: Some(id),
            },
            &before.profile,
            &Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- documents ----------------------------------------------------

    pub async fn create_document(
        &self,
        who: &Principal,
        applicant_id: &str,
        input: DocumentInput,
    ) -> Result<Document> {
        // The applicant must be the caller tenant's.
        self.get_applicant(&who.tenant_id, applicant_id).await?;
        let now = clock::now_rfc3339();
        let d = Document {
            id: clock::new_id("doc"),
            applicant_id: applicant_id.to_string(),
            version: 1,
            document: input.body,
            file: None,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO documents (id, tenant_id, applicant_id, kind, valid_until, body, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&d.id)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(&input.kind)
        .bind(&input.valid_until)
        .bind(json_text(&d.document))
        .bind(d.version)
        .bind(&d.created_at)
        .bind(&d.updated_at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "document.create",
            Target {
                id: &d.id,
                applicant: Some(applicant_id),
            },
            &Value::Null,
            &d.document,
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    pub async fn get_document(
        &self,
        tenant_id: &str,
        applicant_id: &str,
        id: &str,
    ) -> Result<Document> {
        let row = sqlx::query(&format!(
            "{DOC_SELECT} WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3"
        ))
        .bind(tenant_id)
        .bind(applicant_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        document_row(&row)
    }

    /// All documents of an applicant (a handful per applicant: not paged).
    pub async fn list_documents(
        &self,
        tenant_id: &str,
        applicant_id: &str,
    ) -> Result<Vec<Document>> {
        let rows = sqlx::query(&format!(
            "{DOC_SELECT} WHERE tenant_id = $1 AND applicant_id = $2 ORDER BY id"
        ))
        .bind(tenant_id)
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(document_row).collect()
    }

    /// A page of an applicant's documents, in creation order.
    pub async fn list_documents_page(
        &self,
        tenant_id: &str,
        applicant_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Document>> {
        let rows = sqlx::query(&format!(
            "{DOC_SELECT} WHERE tenant_id = $1 AND applicant_id = $2 AND id > $3 ORDER BY id LIMIT $4"
        ))
        .bind(tenant_id)
        .bind(applicant_id)
        .bind(cursor.unwrap_or(""))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(document_row).collect::<Result<Vec<_>>>()?;
        Ok(page(items, limit, |d| &d.id))
    }

    pub async fn update_document(
        &self,
        who: &Principal,
        applicant_id: &str,
        id: &str,
        expected: i64,
        input: DocumentInput,
    ) -> Result<Document> {
        let before = self.get_document(&who.tenant_id, applicant_id, id).await?;
        if before.version != expected {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        let now = clock::now_rfc3339();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE documents SET kind = $1, valid_until = $2, body = $3, version = version + 1, updated_at = $4 \
             WHERE tenant_id = $5 AND applicant_id = $6 AND id = $7 AND version = $8",
        )
        .bind(&input.kind)
        .bind(&input.valid_until)
        .bind(json_text(&input.body))
        .bind(&now)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(id)
        .bind(expected)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            let current = self.get_document(&who.tenant_id, applicant_id, id).await?;
            return Err(StoreError::Conflict {
                current: current.version,
            });
        }
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "document.update",
            Target {
                id,
                applicant: Some(applicant_id),
            },
            &before.document,
            &input.body,
        )
        .await?;
        tx.commit().await?;
        Ok(Document {
            version: expected + 1,
            document: input.body,
            updated_at: now,
            ..before
        })
    }

    /// Records an uploaded scan (already stored by the caller) on a document.
    pub async fn attach_file(
        &self,
        who: &Principal,
        applicant_id: &str,
        id: &str,
        expected: i64,
        file: StoredFile,
    ) -> Result<Document> {
        let before = self.get_document(&who.tenant_id, applicant_id, id).await?;
        if before.version != expected {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        let now = clock::now_rfc3339();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE documents SET file_sha256 = $1, file_name = $2, file_type = $3, file_size = $4, \
             version = version + 1, updated_at = $5 \
             WHERE tenant_id = $6 AND applicant_id = $7 AND id = $8 AND version = $9",
        )
        .bind(&file.sha256)
        .bind(&file.name)
        .bind(&file.content_type)
        .bind(file.size)
        .bind(&now)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(id)
        .bind(expected)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            let current = self.get_document(&who.tenant_id, applicant_id, id).await?;
            return Err(StoreError::Conflict {
                current: current.version,
            });
        }
        let before_file = serde_json::to_value(&before.file).unwrap_or(Value::Null);
        let after_file = serde_json::to_value(&file).unwrap_or(Value::Null);
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "document.upload",
            Target {
                id,
                applicant: Some(applicant_id),
            },
            &before_file,
            &after_file,
        )
        .await?;
        tx.commit().await?;
        Ok(Document {
            version: expected + 1,
            file: Some(file),
            updated_at: now,
            ..before
        })
    }

    pub async fn delete_document(
        &self,
        who: &Principal,
        applicant_id: &str,
        id: &str,
        expected: i64,
    ) -> Result<()> {
        let before = self.get_document(&who.tenant_id, applicant_id, id).await?;
        if before.version != expected {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM documents WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3 AND version = $4")
            .bind(&who.tenant_id)
            .bind(applicant_id)
            .bind(id)
            .bind(expected)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            let current = self.get_document(&who.tenant_id, applicant_id, id).await?;
            return Err(StoreError::Conflict {
                current: current.version,
            });
        }
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "document.delete",
            Target {
                id,
                applicant: Some(applicant_id),
            },
            &before.document,
            &Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- evaluations --------------------------------------------------

    pub async fn record_evaluation(
        &self,
        who: &Principal,
        applicant_id: &str,
        input: EvaluationInput,
    ) -> Result<Evaluation> {
        let e = Evaluation {
            id: clock::new_id("evl"),
            applicant_id: applicant_id.to_string(),
            verdict: input.verdict,
            ruleset_version: input.ruleset_version,
            ruleset_as_of: input.ruleset_as_of,
            created_at: clock::now_rfc3339(),
            report: input.report,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO evaluations (id, tenant_id, applicant_id, verdict, ruleset_version, ruleset_as_of, report, created_at, brief) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&e.id)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(&e.verdict)
        .bind(&e.ruleset_version)
        .bind(&e.ruleset_as_of)
        .bind(json_text(&e.report))
        .bind(&e.created_at)
        .bind(json_text(&input.brief))
        .execute(&mut *tx)
        .await?;
        summaries::index_evaluation(&mut tx, who, applicant_id, &e, &input.index).await?;
        let summary =
            serde_json::json!({"verdict": e.verdict, "ruleset_version": e.ruleset_version});
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.evaluate",
            Target {
                id: applicant_id,
                applicant: Some(applicant_id),
            },
            &Value::Null,
            &summary,
        )
        .await?;
        tx.commit().await?;
        Ok(e)
    }

    pub async fn list_evaluations(
        &self,
        tenant_id: &str,
        applicant_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Evaluation>> {
        let rows = sqlx::query(
            "SELECT id, applicant_id, verdict, ruleset_version, ruleset_as_of, report, created_at FROM evaluations \
             WHERE tenant_id = $1 AND applicant_id = $2 AND id > $3 ORDER BY id LIMIT $4",
        )
        .bind(tenant_id)
        .bind(applicant_id)
        .bind(cursor.unwrap_or(""))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(evaluation_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(page(items, limit, |e| &e.id))
    }

    // ---- blobs (scans kept in the database) -----------------------------

    /// Keeps bytes under their SHA-256 (hex, computed by the caller); a
    /// second copy of the same bytes is a no-op.
    pub async fn put_blob(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        sqlx::query(
            "INSERT INTO blobs (sha256, bytes, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(bytes.to_vec())
        .bind(clock::now_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn get_blob(&self, sha256: &str) -> Result<Vec<u8>> {
        let row = sqlx::query("SELECT bytes FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get::<Vec<u8>, _>(0)?)
    }

    // ---- watch and audit ------------------------------------------------

    /// Documents whose `valid_until` falls in `from..=until` (`YYYY-MM-DD`),
    /// soonest first; for one tenant, or for all when `tenant_id` is `None`.
    pub async fn expiring(
        &self,
        tenant_id: Option<&str>,
        from: &str,
        until: &str,
    ) -> Result<Vec<Expiring>> {
        Ok(self
            .expiring_page(tenant_id, from, until, None, usize::MAX)
            .await?
            .items)
    }

    /// A page of [`Self::expiring`], by date then document; the cursor is
    /// the last document id of the previous page.
    pub async fn expiring_page(
        &self,
        tenant_id: Option<&str>,
        from: &str,
        until: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Expiring>> {
        let rows = sqlx::query(
            "SELECT d.tenant_id, d.applicant_id, a.appid, a.name, d.id, d.kind, d.valid_until \
             FROM documents d JOIN applicants a ON a.id = d.applicant_id AND a.tenant_id = d.tenant_id \
             WHERE ($1 = '' OR d.tenant_id = $1) AND d.valid_until >= $2 AND d.valid_until <= $3 \
             AND ($4 = '' OR d.valid_until > (SELECT c.valid_until FROM documents c WHERE c.id = $4) \
                  OR (d.valid_until = (SELECT c.valid_until FROM documents c WHERE c.id = $4) AND d.id > $4)) \
             ORDER BY d.valid_until, d.id LIMIT $5",
        )
        .bind(tenant_id.unwrap_or(""))
        .bind(from)
        .bind(until)
        .bind(cursor.unwrap_or(""))
        .bind(i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Expiring {
                    tenant_id: r.try_get(0)?,
                    applicant_id: r.try_get(1)?,
                    appid: r.try_get(2)?,
                    applicant_name: r.try_get(3)?,
                    document_id: r.try_get(4)?,
                    kind: r.try_get(5)?,
                    valid_until: r.try_get(6)?,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(|items| page(items, limit, |e: &Expiring| &e.document_id))
    }

    pub async fn list_audit(
        &self,
        tenant_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT id, token_id, action, target, at, diff FROM audit \
             WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(tenant_id)
        .bind(cursor.unwrap_or(""))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(audit_row).collect::<Result<Vec<_>>>()?;
        Ok(page(items, limit, |e| &e.id))
    }
}

pub(crate) const DOC_SELECT: &str = "SELECT id, applicant_id, version, body, file_sha256, file_name, file_type, file_size, \
                          created_at, updated_at FROM documents";

fn dup(e: sqlx::Error, what: &str) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Duplicate(what.to_string())
    } else {
        e.into()
    }
}

/// An evaluation row; its `report` column may hold the brief instead.
pub(crate) fn evaluation_row(r: &AnyRow) -> Result<Evaluation> {
    Ok(Evaluation {
        id: r.try_get("id")?,
        applicant_id: r.try_get("applicant_id")?,
        verdict: r.try_get("verdict")?,
        ruleset_version: r.try_get("ruleset_version")?,
        ruleset_as_of: r.try_get("ruleset_as_of")?,
        created_at: r.try_get("created_at")?,
        report: parse_json(&r.try_get::<String, _>("report")?),
    })
}

pub(crate) fn audit_row(r: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        token_id: r.try_get("token_id")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        at: r.try_get("at")?,
        diff: parse_json(&r.try_get::<String, _>("diff")?),
    })
}

pub(crate) fn applicant_row(r: &AnyRow) -> Result<Applicant> {
    Ok(Applicant {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        appid: r.try_get("appid")?,
        name: r.try_get("name")?,
        profile: parse_json(&r.try_get::<String, _>("profile")?),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(crate) fn document_row(r: &AnyRow) -> Result<Document> {
    let sha: Option<String> = r.try_get("file_sha256")?;
    let file = match sha {
        Some(sha256) => Some(StoredFile {
            sha256,
            name: r.try_get("file_name")?,
            content_type: r
                .try_get::<Option<String>, _>("file_type")?
                .unwrap_or_default(),
            size: r.try_get::<Option<i64>, _>("file_size")?.unwrap_or(0),
        }),
        None => None,
    };
    Ok(Document {
        id: r.try_get("id")?,
        applicant_id: r.try_get("applicant_id")?,
        version: r.try_get("version")?,
        document: parse_json(&r.try_get::<String, _>("body")?),
        file,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// What an audit entry is about: the record written, and the applicant it
/// belongs to (so an applicant's trail keeps its deleted documents).
pub(crate) struct Target<'a> {
    pub(crate) id: &'a str,
    pub(crate) applicant: Option<&'a str>,
}

pub(crate) async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant_id: &str,
    token_id: Option<&str>,
    action: &str,
    target: Target<'_>,
    before: &Value,
    after: &Value,
) -> Result<()> {
    sqlx::query("INSERT INTO audit (id, tenant_id, token_id, action, target, applicant_id, at, diff) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(clock::new_id("aud"))
        .bind(tenant_id)
        .bind(token_id)
        .bind(action)
        .bind(target.id)
        .bind(target.applicant)
        .bind(clock::now_rfc3339())
        .bind(json_text(&diff::diff(before, after)))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
