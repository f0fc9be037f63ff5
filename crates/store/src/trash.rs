//! Deleted documents, kept for [`UNDO_WINDOW`] so a deletion can be undone.
//! Deleting moves the row into `deleted_documents` in one transaction;
//! restoring moves it back with its version bumped; once the window has
//! passed, [`Store::purge_deleted_documents`] drops the row and hands its
//! scan to the caller to release. While a row waits here its scan counts
//! as referenced, so no sweep removes it.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::audit::{Target, audit};
use crate::documents::{DOC_COLUMNS, DOC_SELECT, document_row};
use crate::{Document, Principal, Result, Store, StoreError, clock};

/// How long a deleted document can be restored.
pub const UNDO_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// A deleted document that can still be restored.
#[derive(Debug, Clone, Serialize)]
pub struct DeletedDocument {
    pub document: Document,
    pub deleted_at: String,
    /// The last moment it can be restored (RFC 3339 UTC).
    pub restorable_until: String,
}

fn cutoff() -> String {
    clock::rfc3339_before(UNDO_WINDOW.as_secs())
}

impl Store {
    /// Deletes a document if its version is still `expected`, keeping it
    /// restorable for [`UNDO_WINDOW`]. Its scan stays: the trash references it.
    pub async fn delete_document(
        &self,
        who: &Principal,
        applicant_id: &str,
        id: &str,
        expected: i64,
    ) -> Result<()> {
        let key = (who.tenant_id.as_str(), applicant_id, id);
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(&format!(
            "INSERT INTO deleted_documents ({DOC_COLUMNS}, deleted_at, deleted_by) \
             SELECT {DOC_COLUMNS}, $5, $6 FROM documents \
             WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3 AND version = $4"
        ))
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .bind(expected)
        .bind(clock::now_rfc3339())
        .bind(&who.token_id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            drop(tx);
            let current = self.get_document(key.0, key.1, key.2).await?;
            return Err(StoreError::Conflict {
                current: current.version,
            });
        }
        let before = self.trashed_in(&mut tx, key).await?;
        sqlx::query("DELETE FROM documents WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3")
            .bind(key.0)
            .bind(key.1)
            .bind(key.2)
            .execute(&mut *tx)
            .await?;
        let change = (&before.document, &Value::Null);
        audit_move(&mut tx, who, (applicant_id, id), "document.delete", change).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn trashed_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        (tenant, applicant, id): (&str, &str, &str),
    ) -> Result<Document> {
        let row = sqlx::query(&format!(
            "SELECT {DOC_COLUMNS} FROM deleted_documents WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3"
        ))
        .bind(tenant)
        .bind(applicant)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        document_row(&row)
    }

    /// An applicant's deleted documents that can still be restored, the
    /// latest deletion first.
    pub async fn deleted_documents(
        &self,
        tenant_id: &str,
        applicant_id: &str,
    ) -> Result<Vec<DeletedDocument>> {
        let rows = sqlx::query(&format!(
            "SELECT {DOC_COLUMNS}, deleted_at FROM deleted_documents \
             WHERE tenant_id = $1 AND applicant_id = $2 AND deleted_at > $3 \
             ORDER BY deleted_at DESC, id"
        ))
        .bind(tenant_id)
        .bind(applicant_id)
        .bind(cutoff())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let deleted_at: String = r.try_get("deleted_at")?;
                Ok(DeletedDocument {
                    document: document_row(r)?,
                    restorable_until: until(&deleted_at),
                    deleted_at,
                })
            })
            .collect()
    }

    /// Restores a deleted document within its undo window, one version on
    /// from the one deleted; `NotFound` once the window has passed.
    pub async fn restore_document(
        &self,
        who: &Principal,
        applicant_id: &str,
        id: &str,
    ) -> Result<Document> {
        let key = (who.tenant_id.as_str(), applicant_id, id);
        self.get_applicant(key.0, key.1).await?;
        let mut tx = self.pool.begin().await?;
        let now = clock::now_rfc3339();
        let back = sqlx::query(&format!(
            "INSERT INTO documents ({DOC_COLUMNS}) \
             SELECT id, tenant_id, applicant_id, kind, valid_until, body, file_sha256, file_name, \
             file_type, file_size, version + 1, created_at, $4, \
             source, review, review_reason, reviewed_by, reviewed_at FROM deleted_documents \
             WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3 AND deleted_at > $5"
        ))
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .bind(&now)
        .bind(cutoff())
        .execute(&mut *tx)
        .await?;
        if back.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "DELETE FROM deleted_documents WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3",
        )
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!(
            "{DOC_SELECT} WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3"
        ))
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .fetch_one(&mut *tx)
        .await?;
        let restored = document_row(&row)?;
        let change = (&Value::Null, &restored.document);
        audit_move(&mut tx, who, (applicant_id, id), "document.restore", change).await?;
        tx.commit().await?;
        Ok(restored)
    }

    /// Drops the deleted documents whose undo window has passed, of every
    /// tenant; returns their scans for the caller to release.
    pub async fn purge_deleted_documents(&self) -> Result<Vec<String>> {
        self.purge_deleted_before(&cutoff()).await
    }

    /// Drops the documents deleted at or before `before` (RFC 3339 UTC, as
    /// [`clock::now_rfc3339`] writes it); returns their scans.
    pub async fn purge_deleted_before(&self, before: &str) -> Result<Vec<String>> {
        let mut tx = self.pool.begin().await?;
        let scans = sqlx::query(
            "SELECT DISTINCT file_sha256 FROM deleted_documents \
             WHERE deleted_at <= $1 AND file_sha256 IS NOT NULL",
        )
        .bind(before)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<std::result::Result<Vec<_>, _>>()?;
        sqlx::query("DELETE FROM deleted_documents WHERE deleted_at <= $1")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(scans)
    }
}

/// Records a document's move into or out of the trash, in its transaction.
async fn audit_move(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    who: &Principal,
    (applicant, id): (&str, &str),
    action: &str,
    (before, after): (&Value, &Value),
) -> Result<()> {
    let target = Target {
        id,
        applicant: Some(applicant),
    };
    let token = Some(who.token_id.as_str());
    audit(tx, &who.tenant_id, token, action, target, before, after).await
}

/// When a document deleted at `deleted_at` stops being restorable.
fn until(deleted_at: &str) -> String {
    clock::rfc3339_plus(deleted_at, UNDO_WINDOW.as_secs()).unwrap_or_default()
}
