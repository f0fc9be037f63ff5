//! Upload links: an editor makes one for an applicant; the merchant opens
//! it with no account and uploads scans, which arrive as documents from the
//! link, awaiting review. Only the secret's SHA-256 is kept; a link works
//! until it expires or is revoked, and for its applicant only.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Target, audit};
use crate::review::{Review, Source};
use crate::{
    Document, DocumentInput, Principal, Result, Role, Store, StoreError, StoredFile, clock, hex,
    json_text, token_hash,
};

/// A link as staff see it: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct UploadLink {
    pub id: String,
    pub applicant_id: String,
    pub note: Option<String>,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    /// The token or session that made it.
    pub created_by: Option<String>,
    pub created_at: String,
}

impl UploadLink {
    /// Whether the link still opens: not revoked, not expired.
    pub fn live(&self) -> bool {
        self.revoked_at.is_none() && self.expires_at > clock::now_rfc3339()
    }
}

/// An opened link: the link and whom it acts as (its tenant; the link's
/// id names it in the audit trail).
#[derive(Debug, Clone)]
pub struct LinkAccess {
    pub link: UploadLink,
    pub principal: Principal,
}

const COLUMNS: &str =
    "id, tenant_id, applicant_id, note, expires_at, revoked_at, created_by, created_at";

fn link_row(r: &AnyRow) -> Result<UploadLink> {
    Ok(UploadLink {
        id: r.try_get("id")?,
        applicant_id: r.try_get("applicant_id")?,
        note: r.try_get("note")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Makes a link for an applicant of the caller's tenant, open until
    /// `expires_at` (RFC 3339 UTC); returns it and its secret, which is not
    /// kept.
    pub async fn create_upload_link(
        &self,
        who: &Principal,
        applicant_id: &str,
        expires_at: &str,
        note: Option<String>,
    ) -> Result<(UploadLink, String)> {
        self.get_applicant(&who.tenant_id, applicant_id).await?;
        let link = UploadLink {
            id: clock::new_id("lnk"),
            applicant_id: applicant_id.to_string(),
            note,
            expires_at: expires_at.to_string(),
            revoked_at: None,
            created_by: Some(who.token_id.clone()),
            created_at: clock::now_rfc3339(),
        };
        // 192 bits from the system's generator.
        let secret = hex(&clock::random_bytes::<24>());
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO upload_links ({COLUMNS}, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&link.id)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(&link.note)
        .bind(&link.expires_at)
        .bind(&link.revoked_at)
        .bind(&link.created_by)
        .bind(&link.created_at)
        .bind(token_hash(&secret))
        .execute(&mut *tx)
        .await?;
        let target = Target {
            id: &link.id,
            applicant: Some(applicant_id),
        };
        let after = json!({"expires_at": link.expires_at, "note": link.note});
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "upload_link.create",
            target,
            &json!(null),
            &after,
        )
        .await?;
        tx.commit().await?;
        Ok((link, secret))
    }

    /// The links of an applicant, newest first.
    pub async fn upload_links(
        &self,
        tenant_id: &str,
        applicant_id: &str,
    ) -> Result<Vec<UploadLink>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM upload_links WHERE tenant_id = $1 AND applicant_id = $2 \
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(tenant_id)
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(link_row).collect()
    }

    /// Revokes a link of an applicant; revoking twice changes nothing.
    pub async fn revoke_upload_link(
        &self,
        who: &Principal,
        applicant_id: &str,
        id: &str,
    ) -> Result<UploadLink> {
        let now = clock::now_rfc3339();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE upload_links SET revoked_at = $1 \
             WHERE tenant_id = $2 AND applicant_id = $3 AND id = $4 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            let target = Target {
                id,
                applicant: Some(applicant_id),
            };
            let after = json!({"revoked_at": now});
            audit(
                &mut tx,
                &who.tenant_id,
                Some(&who.token_id),
                "upload_link.revoke",
                target,
                &json!(null),
                &after,
            )
            .await?;
        }
        tx.commit().await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM upload_links WHERE tenant_id = $1 AND applicant_id = $2 AND id = $3"
        ))
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        link_row(&row)
    }

    /// The live link a secret opens; `NotFound` for an unknown, expired or
    /// revoked one (the merchant's page says the same for each).
    pub async fn open_upload_link(&self, secret: &str) -> Result<LinkAccess> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM upload_links WHERE hash = $1"
        ))
        .bind(token_hash(secret))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let link = link_row(&row)?;
        if !link.live() {
            return Err(StoreError::NotFound);
        }
        let principal = Principal {
            tenant_id: row.try_get("tenant_id")?,
            token_id: link.id.clone(),
            role: Role::Editor,
        };
        Ok(LinkAccess { link, principal })
    }

    /// A document the merchant uploaded through a link, with its scan (kept
    /// by the caller), in one transaction; it awaits review.
    pub async fn create_document_from_link(
        &self,
        access: &LinkAccess,
        input: DocumentInput,
        file: StoredFile,
    ) -> Result<Document> {
        let who = &access.principal;
        let applicant_id = access.link.applicant_id.as_str();
        self.get_applicant(&who.tenant_id, applicant_id).await?;
        let now = clock::now_rfc3339();
        let d = Document {
            id: clock::new_id("doc"),
            applicant_id: applicant_id.to_string(),
            version: 1,
            document: input.body,
            file: Some(file),
            source: Source::Link,
            review: Review::default(),
            created_at: now.clone(),
            updated_at: now,
        };
        let mut tx = self.pool.begin().await?;
        insert_linked(&mut tx, &who.tenant_id, &d, &input.kind, &input.valid_until).await?;
        let target = Target {
            id: &d.id,
            applicant: Some(applicant_id),
        };
        // As a typed document's creation reads, with its scan.
        let mut after = d.document.clone();
        if let Some(o) = after.as_object_mut() {
            o.insert("file".into(), json!(d.file));
        }
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "document.submit",
            target,
            &json!(null),
            &after,
        )
        .await?;
        let data = json!({"applicant_id": applicant_id, "document_id": d.id, "kind": input.kind});
        crate::webhooks::emit(&mut tx, &who.tenant_id, "document.submitted", data).await?;
        tx.commit().await?;
        Ok(d)
    }
}

async fn insert_linked(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant_id: &str,
    d: &Document,
    kind: &str,
    valid_until: &Option<String>,
) -> Result<()> {
    let f = d.file.as_ref();
    sqlx::query(
        "INSERT INTO documents (id, tenant_id, applicant_id, kind, valid_until, body, file_sha256, file_name, \
         file_type, file_size, version, created_at, updated_at, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'link')",
    )
    .bind(&d.id)
    .bind(tenant_id)
    .bind(&d.applicant_id)
    .bind(kind)
    .bind(valid_until)
    .bind(json_text(&d.document))
    .bind(f.map(|f| f.sha256.clone()))
    .bind(f.and_then(|f| f.name.clone()))
    .bind(f.map(|f| f.content_type.clone()))
    .bind(f.map(|f| f.size))
    .bind(d.version)
    .bind(&d.created_at)
    .bind(&d.updated_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
