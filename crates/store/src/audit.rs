//! The append-only audit log: every write records who did what to which
//! record, with a diff of before and after, in the write's own transaction.

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Page, Result, Store, clock, diff, json_text, page, parse_json};

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub token_id: Option<String>,
    pub action: String,
    pub target: String,
    pub at: String,
    pub diff: Value,
}

/// An audit entry from a row of `id, token_id, action, target, at, diff`.
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

/// What an audit entry is about: the record written, and the applicant it
/// belongs to (so an applicant's trail keeps its deleted documents).
pub(crate) struct Target<'a> {
    pub(crate) id: &'a str,
    pub(crate) applicant: Option<&'a str>,
}

/// Records an audit entry in the write's own transaction, so the change and
/// its entry commit (or fail) together; the diff is taken here.
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

impl Store {
    /// A page of the tenant's audit log, in the order it was written.
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
