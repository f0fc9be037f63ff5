//! Tenants: the merchants whose data is kept apart, made and erased whole
//! (their tokens are in `tokens.rs`).

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::audit::{Target, audit};
use crate::{Result, Store, StoreError, clock, dup};

/// A merchant; every other record belongs to exactly one.
#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

impl Store {
    /// Creates a tenant; its name must be free.
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
            .map_err(|e| dup(e, &format!("tenant `{name}`")))?;
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
}

/// What deleting a tenant removed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Erased {
    pub applicants: u64,
    pub documents: u64,
    pub evaluations: u64,
    pub tokens: u64,
    /// The scans its documents referenced, for the caller to release.
    pub scans: Vec<String>,
}

impl Store {
    /// Deletes a tenant and everything of it, in one transaction: sessions,
    /// tokens, audit entries, evaluations, documents, applicants (the duty of
    /// erasure for a merchant who leaves). The scans are the caller's to
    /// release afterwards, once nothing references them.
    pub async fn delete_tenant(&self, tenant_id: &str) -> Result<Erased> {
        let scans = sqlx::query(
            "SELECT file_sha256 FROM documents WHERE tenant_id = $1 AND file_sha256 IS NOT NULL \
             UNION SELECT file_sha256 FROM deleted_documents WHERE tenant_id = $1 AND file_sha256 IS NOT NULL",
        )
            .bind(tenant_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut tx = self.pool.begin().await?;
        let mut counts = [0u64; 4];
        let tables = [
            ("sessions", None),
            ("batch_jobs", None),
            ("audit", None),
            ("evaluations", Some(2)),
            ("deleted_documents", None),
            ("upload_links", None),
            ("wechat_events", None),
            ("webhook_deliveries", None),
            ("expiry_notices", None),
            ("webhook_events", None),
            ("webhook_endpoints", None),
            ("documents", Some(1)),
            ("applicants", Some(0)),
            ("tokens", Some(3)),
        ];
        for (table, slot) in tables {
            let done = sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
                .bind(tenant_id)
                .execute(&mut *tx)
                .await?;
            if let Some(i) = slot {
                counts[i] = done.rows_affected();
            }
        }
        let gone = sqlx::query("DELETE FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        let [applicants, documents, evaluations, tokens] = counts;
        Ok(Erased {
            applicants,
            documents,
            evaluations,
            tokens,
            scans,
        })
    }
}
