//! Scans kept in the database, content-addressed by their SHA-256. Which
//! documents reference them, and their clean-up, are in `summaries.rs`.

use sqlx::Row;

use crate::{Result, Store, StoreError, clock};

impl Store {
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
}
