//! A token's lifecycle: made with a label and an optional expiry, listed,
//! used (its last use kept), revoked. Only the secret's SHA-256 is stored.

use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;

use crate::audit::{Target, audit};
use crate::{Principal, Result, Role, Store, StoreError, clock, hex, token_hash};

/// What a new token is for and how long it lives.
#[derive(Debug, Clone, Default)]
pub struct TokenOptions {
    pub label: Option<String>,
    /// RFC 3339 UTC, as the store writes times; `None`: until revoked.
    pub expires_at: Option<String>,
}

/// A token as an administrator sees it: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub role: Role,
    pub label: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

const LIVE: &str = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)";

impl Store {
    /// Creates a token with no label and no expiry; returns its id and the
    /// secret, which is not kept.
    pub async fn create_token(&self, tenant_id: &str, role: Role) -> Result<(String, String)> {
        self.create_token_with(tenant_id, role, TokenOptions::default())
            .await
    }

    /// Creates a token; returns its id and the secret, which is not kept.
    pub async fn create_token_with(
        &self,
        tenant_id: &str,
        role: Role,
        opts: TokenOptions,
    ) -> Result<(String, String)> {
        let id = clock::new_id("tok");
        let secret = format!("lg_{}", hex(&clock::random_bytes::<32>()));
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO tokens (id, tenant_id, role, hash, created_at, label, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(tenant_id)
        .bind(role.as_str())
        .bind(token_hash(&secret))
        .bind(clock::now_rfc3339())
        .bind(&opts.label)
        .bind(&opts.expires_at)
        .execute(&mut *tx)
        .await?;
        let after =
            json!({"role": role.as_str(), "label": opts.label, "expires_at": opts.expires_at});
        audit(
            &mut tx,
            tenant_id,
            None,
            "token.create",
            Target {
                id: &id,
                applicant: None,
            },
            &Value::Null,
            &after,
        )
        .await?;
        tx.commit().await?;
        Ok((id, secret))
    }

    /// The principal a secret stands for, while it is neither revoked nor
    /// expired; its last use is recorded.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<Principal>> {
        let now = clock::now_rfc3339();
        let row = sqlx::query(&format!(
            "SELECT id, tenant_id, role FROM tokens WHERE hash = $1 AND {LIVE}"
        ))
        .bind(token_hash(secret))
        .bind(&now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        let p = Principal {
            tenant_id: row.try_get("tenant_id")?,
            token_id: row.try_get("id")?,
            role: role.parse().unwrap_or(Role::Viewer),
        };
        sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(&p.token_id)
            .execute(&self.pool)
            .await?;
        Ok(Some(p))
    }

    /// The tenant's tokens, oldest first.
    pub async fn list_tokens(&self, tenant_id: &str) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT id, role, label, created_at, expires_at, last_used_at, revoked_at FROM tokens \
             WHERE tenant_id = $1 ORDER BY id",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    role: role.parse().unwrap_or(Role::Viewer),
                    label: r.try_get("label")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of the tenant's tokens, now; `who` is the administrator
    /// (`None` from the command line). Revoking twice is not an error.
    pub async fn revoke_token(
        &self,
        tenant_id: &str,
        token_id: &str,
        who: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let now = clock::now_rfc3339();
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE tenant_id = $2 AND id = $3",
        )
        .bind(&now)
        .bind(tenant_id)
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let after = json!({"revoked_at": now});
        audit(
            &mut tx,
            tenant_id,
            who,
            "token.revoke",
            Target {
                id: token_id,
                applicant: None,
            },
            &Value::Null,
            &after,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
