//! Console sessions: created from a token, looked up by the cookie's secret,
//! revoked at sign-out. Only the secret's SHA-256 is stored.

use sqlx::Row;

use crate::{Principal, Result, Role, Store, clock, hex, token_hash};

/// A live session: who it acts as, and its anti-forgery token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub principal: Principal,
    pub tenant_name: String,
    pub csrf: String,
    pub expires_at: String,
}

impl Store {
    /// Opens a session for a principal for `ttl_secs`; returns the session
    /// and the cookie's secret, which is not kept.
    pub async fn create_session(
        &self,
        who: &Principal,
        ttl_secs: u64,
    ) -> Result<(Session, String)> {
        let secret = format!("lgs_{}", hex(&clock::random_bytes::<32>()));
        let csrf = hex(&clock::random_bytes::<24>());
        let id = clock::new_id("ses");
        let expires_at = clock::rfc3339_after(ttl_secs);
        sqlx::query(
            "INSERT INTO sessions (id, hash, tenant_id, token_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(token_hash(&secret))
        .bind(&who.tenant_id)
        .bind(&who.token_id)
        .bind(&csrf)
        .bind(clock::now_rfc3339())
        .bind(&expires_at)
        .execute(&self.pool)
        .await?;
        let tenant_name = self.find_tenant(&who.tenant_id).await?.name;
        let session = Session {
            id,
            principal: who.clone(),
            tenant_name,
            csrf,
            expires_at,
        };
        Ok((session, secret))
    }

    /// The session a cookie's secret stands for, while it is neither expired
    /// nor revoked and its token still exists.
    pub async fn session(&self, secret: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT s.id, s.tenant_id, s.token_id, s.csrf, s.expires_at, t.role, n.name \
             FROM sessions s JOIN tokens t ON t.id = s.token_id JOIN tenants n ON n.id = s.tenant_id \
             WHERE s.hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
             AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash(secret))
        .bind(clock::now_rfc3339())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        Ok(Some(Session {
            id: row.try_get("id")?,
            principal: Principal {
                tenant_id: row.try_get("tenant_id")?,
                token_id: row.try_get("token_id")?,
                role: role.parse().unwrap_or(Role::Viewer),
            },
            tenant_name: row.try_get("name")?,
            csrf: row.try_get("csrf")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    /// Ends a session now (sign-out, or an administrator revoking it).
    pub async fn revoke_session(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(clock::now_rfc3339())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
