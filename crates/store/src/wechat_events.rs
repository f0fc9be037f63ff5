//! WeChat's code-review results, pushed to the service: each kept on every
//! applicant of its appid, with the category a failure names marked
//! rejected with WeChat's reason, all in the transaction that records the
//! push's nonce, so a replay changes nothing.

use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Target, audit};
use crate::{Result, Store, StoreError, clock, dup, json_text, parse_json};

/// A review result as the applicant keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct WechatEvent {
    pub id: String,
    pub applicant_id: String,
    pub appid: String,
    /// `weapp_audit_success`, `weapp_audit_fail` or `weapp_audit_delay`.
    pub event: String,
    pub reason: Option<String>,
    /// The category the reason names, `first/second`.
    pub category: Option<String>,
    pub happened_at: Option<String>,
    pub received_at: String,
}

/// A push as read: whose, what, why, and when.
#[derive(Debug, Clone)]
pub struct PushInput {
    pub nonce: String,
    pub appid: String,
    pub event: String,
    pub reason: Option<String>,
    /// The category a failure's reason names: its two levels.
    pub category: Option<(String, String)>,
    pub happened_at: Option<String>,
}

/// How long a nonce is remembered: longer than a push's timestamp may be old.
const NONCE_KEPT_SECS: u64 = 15 * 60;

fn event_row(r: &AnyRow) -> Result<WechatEvent> {
    Ok(WechatEvent {
        id: r.try_get("id")?,
        applicant_id: r.try_get("applicant_id")?,
        appid: r.try_get("appid")?,
        event: r.try_get("event")?,
        reason: r.try_get("reason")?,
        category: r.try_get("category")?,
        happened_at: r.try_get("happened_at")?,
        received_at: r.try_get("received_at")?,
    })
}

impl Store {
    /// Records a push once: a nonce seen before is `Duplicate`, and nothing
    /// is written. `same_category(first, second)` says whether a profile's
    /// category is the one the push names. Returns the (tenant, applicant)
    /// pairs it was recorded on.
    pub async fn record_wechat_push(
        &self,
        push: &PushInput,
        same_category: &(dyn Fn(&str, &str) -> bool + Sync),
    ) -> Result<Vec<(String, String)>> {
        let now = clock::now_rfc3339();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM wechat_nonces WHERE seen_at < $1")
            .bind(clock::rfc3339_before(NONCE_KEPT_SECS))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO wechat_nonces (nonce, seen_at) VALUES ($1, $2)")
            .bind(&push.nonce)
            .bind(&now)
            .execute(&mut *tx)
            .await
            .map_err(|e| dup(e, "nonce"))?;
        let rows = sqlx::query("SELECT id, tenant_id, profile FROM applicants WHERE appid = $1")
            .bind(&push.appid)
            .fetch_all(&mut *tx)
            .await?;
        let mut done = Vec::new();
        for r in &rows {
            let (id, tenant): (String, String) = (r.try_get("id")?, r.try_get("tenant_id")?);
            insert_event(&mut tx, (&tenant, &id), push, &now).await?;
            let profile = parse_json(&r.try_get::<String, _>("profile")?);
            if let Some(after) = rejected_in(&profile, push, same_category) {
                write_profile(&mut tx, (&tenant, &id), &profile, &after, &now).await?;
            }
            done.push((tenant, id));
        }
        tx.commit().await?;
        Ok(done)
    }

    /// An applicant's review results, the latest first.
    pub async fn wechat_events(
        &self,
        tenant_id: &str,
        applicant_id: &str,
    ) -> Result<Vec<WechatEvent>> {
        let rows = sqlx::query(
            "SELECT * FROM wechat_events WHERE tenant_id = $1 AND applicant_id = $2 \
             ORDER BY received_at DESC, id DESC",
        )
        .bind(tenant_id)
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_row).collect()
    }
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    (tenant, applicant): (&str, &str),
    push: &PushInput,
    now: &str,
) -> Result<()> {
    let id = clock::new_id("wxe");
    let category = push.category.as_ref().map(|(f, s)| format!("{f}/{s}"));
    sqlx::query(
        "INSERT INTO wechat_events (id, tenant_id, applicant_id, appid, event, reason, category, happened_at, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(tenant)
    .bind(applicant)
    .bind(&push.appid)
    .bind(&push.event)
    .bind(&push.reason)
    .bind(&category)
    .bind(&push.happened_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let target = Target {
        id: &id,
        applicant: Some(applicant),
    };
    let after = json!({"event": push.event, "reason": push.reason, "category": category});
    audit(
        tx,
        tenant,
        Some("wechat"),
        "wechat.review_result",
        target,
        &Value::Null,
        &after,
    )
    .await?;
    let data = json!({"applicant_id": applicant, "appid": push.appid, "event": push.event,
        "reason": push.reason, "category": category});
    crate::webhooks::emit(tx, tenant, "wechat.review_result", data).await
}

/// The profile with the category a failure names marked rejected with
/// WeChat's reason; `None` when the push names no category of the profile.
fn rejected_in(
    profile: &Value,
    push: &PushInput,
    same: &(dyn Fn(&str, &str) -> bool + Sync),
) -> Option<Value> {
    push.category.as_ref()?;
    let mut after = profile.clone();
    let cats = after.get_mut("categories")?.as_array_mut()?;
    let c = cats.iter_mut().find(|c| {
        let level = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        same(&level("first"), &level("second"))
    })?;
    c["status"] = json!("rejected");
    c["audit_reason"] = json!(push.reason);
    Some(after)
}

async fn write_profile(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    (tenant, id): (&str, &str),
    before: &Value,
    after: &Value,
    now: &str,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE applicants SET profile = $1, version = version + 1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(json_text(after))
    .bind(now)
    .bind(tenant)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    let target = Target {
        id,
        applicant: Some(id),
    };
    audit(
        tx,
        tenant,
        Some("wechat"),
        "applicant.update",
        target,
        before,
        after,
    )
    .await
}
