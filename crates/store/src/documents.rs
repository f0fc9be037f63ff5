//! Documents: the licences and certificates an applicant holds, each with
//! its validity and optionally an uploaded scan; and the documents about to
//! expire, which the watch reports. Updates, uploads and deletes are
//! optimistic, through [`Store::versioned_update`].

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Target, audit};
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
                          file_name, file_type, file_size, version, created_at, updated_at";

/// The columns [`document_row`] reads, for every query of whole documents.
pub(crate) const DOC_SELECT: &str = "SELECT id, applicant_id, version, body, file_sha256, file_name, file_type, file_size, \
                          created_at, updated_at FROM documents";

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
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
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
        let write = sqlx::query(
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
        let write = sqlx::query(
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
}
