//! The review of documents: each is `submitted` until an editor marks it
//! `verified` or `rejected` (with a reason); the tenant's policy says which
//! documents an evaluation counts; the queue lists what awaits review,
//! oldest first.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::{Target, audit};
use crate::documents::{DOC_SELECT, document_row};
use crate::{Document, Page, Principal, Result, Store, StoreError, clock};

/// Where a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Typed in by staff (the API, the console, a batch save).
    Typed,
    /// Uploaded by the merchant through an upload link.
    Link,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Typed => "typed",
            Source::Link => "link",
        }
    }

    pub(crate) fn parse(s: &str) -> Source {
        if s == "link" {
            Source::Link
        } else {
            Source::Typed
        }
    }
}

/// Where a document's review stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewState {
    #[default]
    Submitted,
    Verified,
    Rejected,
}

impl ReviewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Submitted => "submitted",
            ReviewState::Verified => "verified",
            ReviewState::Rejected => "rejected",
        }
    }

    pub(crate) fn parse(s: &str) -> ReviewState {
        match s {
            "verified" => ReviewState::Verified,
            "rejected" => ReviewState::Rejected,
            _ => ReviewState::Submitted,
        }
    }
}

/// A person's review of a document: its state, the reason of a rejection,
/// who decided (a token or session id) and when.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Review {
    pub state: ReviewState,
    pub reason: Option<String>,
    pub by: Option<String>,
    pub at: Option<String>,
}

/// Which documents an evaluation counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewPolicy {
    /// A merchant's upload counts once verified; a typed document at once.
    #[default]
    Link,
    /// Only verified documents count.
    All,
    /// Every document counts until it is rejected.
    None,
}

impl ReviewPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewPolicy::Link => "link",
            ReviewPolicy::All => "all",
            ReviewPolicy::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewPolicy> {
        match s {
            "link" => Some(ReviewPolicy::Link),
            "all" => Some(ReviewPolicy::All),
            "none" => Some(ReviewPolicy::None),
            _ => None,
        }
    }

    /// Whether an evaluation counts a document: a rejected one never, a
    /// verified one always, a submitted one as the policy says.
    pub fn counts(self, d: &Document) -> bool {
        match d.review.state {
            ReviewState::Rejected => false,
            ReviewState::Verified => true,
            ReviewState::Submitted => match self {
                ReviewPolicy::None => true,
                ReviewPolicy::Link => d.source == Source::Typed,
                ReviewPolicy::All => false,
            },
        }
    }
}

/// A document awaiting review, with its applicant, as the queue lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewItem {
    pub document: Document,
    pub appid: String,
    pub applicant_name: Option<String>,
}

/// An editor's decision on a document.
#[derive(Debug, Clone)]
pub enum Decision {
    Verify,
    Reject(String),
}

impl Store {
    /// The tenant's review policy.
    pub async fn review_policy(&self, tenant_id: &str) -> Result<ReviewPolicy> {
        let row = sqlx::query("SELECT review_policy FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let s: String = row.try_get(0)?;
        Ok(ReviewPolicy::parse(&s).unwrap_or_default())
    }

    /// Sets the tenant's review policy, in the audit trail.
    pub async fn set_review_policy(&self, who: &Principal, policy: ReviewPolicy) -> Result<()> {
        let before = self.review_policy(&who.tenant_id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE tenants SET review_policy = $1 WHERE id = $2")
            .bind(policy.as_str())
            .bind(&who.tenant_id)
            .execute(&mut *tx)
            .await?;
        let target = Target {
            id: &who.tenant_id,
            applicant: None,
        };
        let (b, a) = (
            json!({"review_policy": before}),
            json!({"review_policy": policy}),
        );
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "tenant.review_policy",
            target,
            &b,
            &a,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a document verified or rejected if its version is still
    /// `expected`; the audit trail names who decided.
    pub async fn review_document(
        &self,
        who: &Principal,
        (applicant_id, id): (&str, &str),
        expected: i64,
        decision: Decision,
    ) -> Result<Document> {
        let now = clock::now_rfc3339();
        let (state, reason) = match decision {
            Decision::Verify => (ReviewState::Verified, None),
            Decision::Reject(r) => (ReviewState::Rejected, Some(r)),
        };
        let write = sqlx::query(
            "UPDATE documents SET review = $1, review_reason = $2, reviewed_by = $3, reviewed_at = $4, \
             version = version + 1, updated_at = $4 \
             WHERE tenant_id = $5 AND applicant_id = $6 AND id = $7 AND version = $8",
        )
        .bind(state.as_str())
        .bind(reason.clone())
        .bind(&who.token_id)
        .bind(&now)
        .bind(&who.tenant_id)
        .bind(applicant_id)
        .bind(id)
        .bind(expected);
        let read = || self.get_document(&who.tenant_id, applicant_id, id);
        let (before, mut tx) = self.versioned_update(read, expected, write, None).await?;
        let action = match state {
            ReviewState::Rejected => "document.reject",
            _ => "document.verify",
        };
        let target = Target {
            id,
            applicant: Some(applicant_id),
        };
        let b = json!({"review": before.review.state});
        let a = json!({"review": state, "reason": reason});
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            action,
            target,
            &b,
            &a,
        )
        .await?;
        let kind = format!("document.{}", state.as_str());
        let data = json!({"applicant_id": applicant_id, "document_id": id,
            "kind": before.document.get("kind"), "reason": reason});
        crate::webhooks::emit(&mut tx, &who.tenant_id, &kind, data).await?;
        tx.commit().await?;
        let review = crate::Review {
            state,
            reason,
            by: Some(who.token_id.clone()),
            at: Some(now.clone()),
        };
        Ok(Document {
            version: expected + 1,
            review,
            updated_at: now,
            ..before
        })
    }

    /// A page of the tenant's scans awaiting review, oldest first: every
    /// submitted document with a scan that came by link, and with the
    /// policy `all`, every submitted document with a scan. Pages are keyset
    /// ranges on (updated_at, id); the cursor carries both, so a document
    /// reviewed meanwhile moves nothing.
    pub async fn review_queue(
        &self,
        tenant_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ReviewItem>> {
        let all = self.review_policy(tenant_id).await? == ReviewPolicy::All;
        let (at, id) = cursor.and_then(|c| c.split_once('~')).unwrap_or(("", ""));
        let sql = format!(
            "SELECT d.*, a.appid, a.name AS applicant_name FROM ({DOC_SELECT} \
             WHERE tenant_id = $1 AND review = 'submitted' AND file_sha256 IS NOT NULL \
             AND (source = 'link' OR $2) AND (updated_at, id) > ($3, $4) \
             ORDER BY updated_at, id LIMIT $5) d \
             JOIN applicants a ON a.id = d.applicant_id ORDER BY d.updated_at, d.id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant_id)
            .bind(all)
            .bind(at)
            .bind(id)
            .bind(i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows
            .iter()
            .map(|r| {
                Ok(ReviewItem {
                    document: document_row(r)?,
                    appid: r.try_get("appid")?,
                    applicant_name: r.try_get("applicant_name")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let next_cursor = (items.len() > limit).then(|| {
            items.truncate(limit);
            items
                .last()
                .map(|i| format!("{}~{}", i.document.updated_at, i.document.id))
                .unwrap_or_default()
        });
        Ok(Page { items, next_cursor })
    }
}
