//! Documents: the licences and certificates an applicant holds, each with
//! its validity and optionally an uploaded scan; and the documents about to
//! expire, which the watch reports. Updates, uploads and deletes are
//! optimistic, through [`Store::versioned_update`].

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Target, audit};
use crate::review::{Review, ReviewState, Source};
use crate::{
    Page, Principal, Result, Store, StoreError, Versioned, clock, json_text, page, parse_json,
};

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
    /// Where it came from: typed by staff, or uploaded through a link.
    pub source: Source,
    /// A person's review of it.
    pub review: Review,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct DocumentInput {
    pub kind: String,
    pub valid_until: Option<String>,
    pub body: Value,
}

/// A document about to expire, with its applicant, as the watch reports it.
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

/// Every column of a document row, in table order: what moves between
/// `documents` and `deleted_documents`.
pub(crate) const DOC_COLUMNS: &str = "id, tenant_id, applicant_id, kind, valid_until, body, file_sha256, \
                          file_name, file_type, file_size, version, created_at, updated_at, \
                          source, review, review_reason, reviewed_by, reviewed_at";

/// The columns [`document_row`] reads, for every query of whole documents.
pub(crate) const DOC_SELECT: &str = "SELECT id, applicant_id, version, body, file_sha256, file_name, file_type, file_size, \
                          created_at, updated_at, source, review, review_reason, reviewed_by, reviewed_at FROM documents";

/// What a change to a document's content sets: it awaits review again.
pub(crate) const RESUBMITTED: &str =
    "review = 'submitted', review_reason = NULL, reviewed_by = NULL, reviewed_at = NULL";

impl Versioned for Document {
    fn version(&self) -> i64 {
        self.version
    }
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
        source: Source::parse(&r.try_get::<String, _>("source")?),
        review: Review {
            state: ReviewState::parse(&r.try_get::<String, _>("review")?),
            reason: r.try_get("review_reason")?,
            by: r.try_get("reviewed_by")?,
            at: r.try_get("reviewed_at")?,
        },
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The statement of a page of the expiry watch: `$1` the day to start
/// from, `$2` the last day, `$3` the id after which to start on `$1`, `$4`
/// the rows to read, and with `tenant`, `$5` the tenant.
pub(crate) fn expiring_sql(tenant: bool) -> String {
    const COLUMNS: &str = "SELECT d.tenant_id, d.applicant_id, a.appid, a.name, d.id, d.kind, d.valid_until \
         FROM documents d JOIN applicants a ON a.id = d.applicant_id AND a.tenant_id = d.tenant_id";
    const AFTER: &str = "d.valid_until >= $1 AND d.valid_until <= $2 AND (d.valid_until > $1 OR d.id > $3) \
         ORDER BY d.valid_until, d.id LIMIT $4";
    if tenant {
        format!("{COLUMNS} WHERE d.tenant_id = $5 AND {AFTER}")
    } else {
        format!("{COLUMNS} WHERE {AFTER}")
    }
}

impl Store {
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
            source: Source::Typed,
            review: Review::default(),
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

    /// Replaces a document if its version is still `expected`; its scan stays.
    pub async fn update_document(
        &self,
        who: &Principal,
        applicant_id: &str,
        id: &str,
        expected: i64,
        input: DocumentInput,
    ) -> Result<Document> {
        let now = clock::now_rfc3339();
        let sql = format!(
            "UPDATE documents SET kind = $1, valid_until = $2, body = $3, version = version + 1, updated_at = $4, \
             {RESUBMITTED} WHERE tenant_id = $5 AND applicant_id = $6 AND id = $7 AND version = $8"
        );
        let write = sqlx::query(&sql)
            .bind(&input.kind)
            .bind(&input.valid_until)
            .bind(json_text(&input.body))
            .bind(&now)
            .bind(&who.tenant_id)
            .bind(applicant_id)
            .bind(id)
            .bind(expected);
        let (before, mut tx) = self
            .versioned_update(
                || self.get_document(&who.tenant_id, applicant_id, id),
                expected,
                write,
                None,
            )
            .await?;
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
            review: Review::default(),
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
        let now = clock::now_rfc3339();
        let sql = format!(
            "UPDATE documents SET file_sha256 = $1, file_name = $2, file_type = $3, file_size = $4, \
             version = version + 1, updated_at = $5, {RESUBMITTED} \
             WHERE tenant_id = $6 AND applicant_id = $7 AND id = $8 AND version = $9"
        );
        let write = sqlx::query(&sql)
            .bind(&file.sha256)
            .bind(&file.name)
            .bind(&file.content_type)
            .bind(file.size)
            .bind(&now)
            .bind(&who.tenant_id)
            .bind(applicant_id)
            .bind(id)
            .bind(expected);
        let (before, mut tx) = self
            .versioned_update(
                || self.get_document(&who.tenant_id, applicant_id, id),
                expected,
                write,
                None,
            )
            .await?;
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
            review: Review::default(),
            updated_at: now,
            ..before
        })
    }

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
    /// the last document id of the previous page. Keyset paging on
    /// `(valid_until, id)`: the cursor's date is read first by its key, so
    /// each page is one range of an index (tenant, valid_until, id), however
    /// deep, and one statement a case rather than catch-all predicates.
    pub async fn expiring_page(
        &self,
        tenant_id: Option<&str>,
        from: &str,
        until: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Expiring>> {
        // After the cursor: its date and id; at the start: the window's
        // first day and an id before any.
        let after = match cursor.filter(|c| !c.is_empty()) {
            Some(c) => match self.expiry_of(tenant_id, c).await? {
                Some(at) => Some(at),
                // Nothing comes after a place that is not there.
                None => return Ok(page(Vec::new(), limit, |e: &Expiring| &e.document_id)),
            },
            None => None,
        };
        let (day, id) = match &after {
            Some((d, id)) if d.as_str() >= from => (d.as_str(), id.as_str()),
            // A cursor before the window starts the window.
            _ => (from, ""),
        };
        let sql = expiring_sql(tenant_id.is_some());
        let mut q = sqlx::query(&sql)
            .bind(day)
            .bind(until)
            .bind(id)
            .bind(i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX));
        if let Some(t) = tenant_id {
            q = q.bind(t);
        }
        let rows = q.fetch_all(&self.pool).await?;
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

    /// A document's expiry and id, as a cursor of the expiry watch names it
    /// (a document deleted since, and still restorable, keeps its place).
    async fn expiry_of(
        &self,
        tenant_id: Option<&str>,
        id: &str,
    ) -> Result<Option<(String, String)>> {
        let row = sqlx::query(
            "SELECT tenant_id, valid_until FROM documents WHERE id = $1 \
             UNION ALL SELECT tenant_id, valid_until FROM deleted_documents WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let tenant: String = row.try_get(0)?;
        if tenant_id.is_some_and(|t| t != tenant) {
            return Ok(None);
        }
        Ok(row
            .try_get::<Option<String>, _>(1)?
            .map(|day| (day, id.to_string())))
    }
}

#[cfg(test)]
mod plans {
    //! What each database plans for a page of the expiry watch: a range of
    //! an index, never a scan of every document. PostgreSQL is asked with
    //! sequential scans off, so the plan shows whether an index can serve
    //! the statement at all (on a small table it would scan anyway).

    use sqlx::Row;

    use super::expiring_sql;
    use crate::Store;

    async fn plan(store: &Store, sql: &str, tenant: bool) -> Vec<String> {
        let postgres = store.backend() == crate::Backend::Postgres;
        let mut tx = store.pool.begin().await.expect("tx");
        if postgres {
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await
                .expect("set");
        }
        let explain = if postgres {
            "EXPLAIN"
        } else {
            "EXPLAIN QUERY PLAN"
        };
        let text = format!("{explain} {sql}");
        let mut q = sqlx::query(&text)
            .bind("2026-12-01")
            .bind("2027-03-01")
            .bind("doc_1")
            .bind(51_i64);
        if tenant {
            q = q.bind("ten_1");
        }
        let rows = q.fetch_all(&mut *tx).await.expect("explain");
        let col = if postgres { 0 } else { 3 };
        rows.iter()
            .map(|r| r.try_get::<String, _>(col).expect("plan text"))
            .collect()
    }

    async fn check(store: &Store) {
        for tenant in [true, false] {
            let lines = plan(store, &expiring_sql(tenant), tenant).await;
            let text = lines.join("\n");
            assert!(
                !lines
                    .iter()
                    .any(|l| l.starts_with("SCAN ") || l.contains("Seq Scan")),
                "a full scan of documents or applicants (tenant: {tenant}):\n{text}"
            );
            assert!(
                text.contains("documents_expiry_"),
                "an expiry index serves it:\n{text}"
            );
        }
    }

    #[tokio::test]
    async fn an_expiring_page_is_an_index_range_on_sqlite_and_postgresql() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&Store::sqlite_url(&dir.path().join("t.db")))
            .await
            .expect("open");
        check(&store).await;
        let Ok(base) = std::env::var("LIVEGATE_TEST_POSTGRES_URL") else {
            return;
        };
        let schema = format!("plans_{}", std::process::id());
        let admin = sqlx::AnyPool::connect(&base).await.expect("postgres");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let store = Store::open(&url).await.expect("open postgres");
        check(&store).await;
        store.close().await;
        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await;
    }
}
