//! Webhooks out: a tenant's endpoints, the outbox an event is written to in
//! the transaction of its change, the fan-out of each event into one
//! delivery per endpoint that wants it, and the deliveries a worker claims,
//! sends and settles. Claims are leases on `next_at`, taken with
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas on one database
//! deliver each event once between them.

use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Target, audit};
use crate::{Backend, Principal, Result, Store, StoreError, clock, json_text};

/// The event types an endpoint may ask for.
pub const EVENT_TYPES: [&str; 7] = [
    "applicant.verdict_changed",
    "document.submitted",
    "document.verified",
    "document.rejected",
    "document.expiring",
    "wechat.review_result",
    "ruleset.impact",
];

/// An endpoint as its tenant sees it: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
    pub disabled_at: Option<String>,
    pub created_at: String,
}

/// A delivery, as its log shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub event_type: String,
    pub state: String,
    pub attempts: i64,
    pub next_at: String,
    pub last_status: Option<i64>,
    pub last_response: Option<String>,
    pub last_at: Option<String>,
    pub created_at: String,
}

/// A delivery a worker claimed: where to, signed with what, and the body.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub endpoint_id: String,
    pub url: String,
    pub secret: String,
    pub event_id: String,
    pub payload: String,
    pub attempts: i64,
    pub created_at: String,
}

/// Writes an event to the outbox, in the transaction of its change.
pub(crate) async fn emit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant_id: &str,
    kind: &str,
    data: Value,
) -> Result<()> {
    let id = clock::new_id("msg");
    let at = clock::now_rfc3339();
    let payload = json!({"type": kind, "timestamp": at, "data": data});
    sqlx::query("INSERT INTO webhook_events (id, tenant_id, type, payload, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(tenant_id)
        .bind(kind)
        .bind(json_text(&payload))
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn endpoint_row(r: &AnyRow) -> Result<Endpoint> {
    let events: String = r.try_get("events")?;
    Ok(Endpoint {
        id: r.try_get("id")?,
        url: r.try_get("url")?,
        events: events.split_whitespace().map(str::to_string).collect(),
        description: r.try_get("description")?,
        disabled_at: r.try_get("disabled_at")?,
        created_at: r.try_get("created_at")?,
    })
}

fn delivery_row(r: &AnyRow) -> Result<Delivery> {
    Ok(Delivery {
        id: r.try_get("id")?,
        endpoint_id: r.try_get("endpoint_id")?,
        event_id: r.try_get("event_id")?,
        event_type: r.try_get("type")?,
        state: r.try_get("state")?,
        attempts: r.try_get("attempts")?,
        next_at: r.try_get("next_at")?,
        last_status: r.try_get("last_status")?,
        last_response: r.try_get("last_response")?,
        last_at: r.try_get("last_at")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Registers an endpoint; returns it and its secret (answered once).
    pub async fn create_endpoint(
        &self,
        who: &Principal,
        url: &str,
        events: &[String],
        description: Option<String>,
    ) -> Result<(Endpoint, String)> {
        use base64::Engine;
        let raw = clock::random_bytes::<24>();
        let secret = format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        );
        let e = Endpoint {
            id: clock::new_id("whe"),
            url: url.to_string(),
            events: events.to_vec(),
            description,
            disabled_at: None,
            created_at: clock::now_rfc3339(),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, tenant_id, url, secret, events, description, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&e.id)
        .bind(&who.tenant_id)
        .bind(&e.url)
        .bind(&secret)
        .bind(e.events.join(" "))
        .bind(&e.description)
        .bind(&e.created_at)
        .execute(&mut *tx)
        .await?;
        let target = Target {
            id: &e.id,
            applicant: None,
        };
        let after = json!({"url": e.url, "events": e.events});
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "webhook.create",
            target,
            &Value::Null,
            &after,
        )
        .await?;
        tx.commit().await?;
        Ok((e, secret))
    }

    /// The tenant's endpoints, newest first.
    pub async fn endpoints(&self, tenant_id: &str) -> Result<Vec<Endpoint>> {
        let rows = sqlx::query(
            "SELECT * FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(endpoint_row).collect()
    }

    /// Removes an endpoint and its pending deliveries; its log goes too.
    pub async fn delete_endpoint(&self, who: &Principal, id: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let gone = sqlx::query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2")
            .bind(&who.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2")
            .bind(&who.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let target = Target {
            id,
            applicant: None,
        };
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "webhook.delete",
            target,
            &Value::Null,
            &Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An endpoint's deliveries, newest first (at most `limit`).
    pub async fn deliveries(
        &self,
        tenant_id: &str,
        endpoint_id: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id \
             WHERE d.tenant_id = $1 AND d.endpoint_id = $2 ORDER BY d.created_at DESC, d.id DESC LIMIT $3",
        )
        .bind(tenant_id)
        .bind(endpoint_id)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery_row).collect()
    }

    /// Sends a delivery again now (its endpoint enabled again), whatever
    /// its state; it keeps its event's id, so a receiver can tell.
    pub async fn replay_delivery(
        &self,
        who: &Principal,
        endpoint_id: &str,
        id: &str,
    ) -> Result<()> {
        let now = clock::now_rfc3339();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET state = 'pending', next_at = $1 \
             WHERE tenant_id = $2 AND endpoint_id = $3 AND id = $4",
        )
        .bind(&now)
        .bind(&who.tenant_id)
        .bind(endpoint_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE webhook_endpoints SET disabled_at = NULL WHERE tenant_id = $1 AND id = $2",
        )
        .bind(&who.tenant_id)
        .bind(endpoint_id)
        .execute(&mut *tx)
        .await?;
        let target = Target {
            id,
            applicant: None,
        };
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "webhook.replay",
            target,
            &Value::Null,
            &Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Fans out up to `limit` events of the outbox into deliveries, one per
    /// live endpoint of their tenant that wants their type; how many events.
    pub async fn fan_out(&self, limit: usize) -> Result<usize> {
        let now = clock::now_rfc3339();
        let lock = self.skip_locked();
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(&format!(
            "UPDATE webhook_events SET fanned_at = $1 WHERE id IN \
             (SELECT id FROM webhook_events WHERE fanned_at IS NULL ORDER BY created_at, id LIMIT $2{lock}) \
             RETURNING id, tenant_id, type"
        ))
        .bind(&now)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let (id, tenant, kind): (String, String, String) = (
                r.try_get("id")?,
                r.try_get("tenant_id")?,
                r.try_get("type")?,
            );
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, state, attempts, next_at, created_at) \
                 SELECT $1 || id, tenant_id, id, $2, 'pending', 0, $3, $3 FROM webhook_endpoints \
                 WHERE tenant_id = $4 AND disabled_at IS NULL AND (' ' || events || ' ') LIKE $5 \
                 ON CONFLICT (endpoint_id, event_id) DO NOTHING",
            )
            .bind(format!("{}_", clock::new_id("dlv")))
            .bind(&id)
            .bind(&now)
            .bind(&tenant)
            .bind(format!("% {kind} %"))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Claims up to `limit` due deliveries for `lease_secs`: no other worker
    /// takes them meanwhile.
    pub async fn claim_deliveries(&self, limit: usize, lease_secs: u64) -> Result<Vec<Claimed>> {
        let now = clock::now_rfc3339();
        let lock = self.skip_locked();
        let mut tx = self.pool.begin().await?;
        let ids = sqlx::query(&format!(
            "UPDATE webhook_deliveries SET next_at = $1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= $2 \
              ORDER BY next_at, id LIMIT $3{lock}) RETURNING id"
        ))
        .bind(clock::rfc3339_after(lease_secs))
        .bind(&now)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::new();
        for r in &ids {
            let id: String = r.try_get("id")?;
            let row = sqlx::query(
                "SELECT d.id, d.endpoint_id, d.event_id, d.attempts, d.created_at, p.url, p.secret, e.payload \
                 FROM webhook_deliveries d JOIN webhook_endpoints p ON p.id = d.endpoint_id \
                 JOIN webhook_events e ON e.id = d.event_id WHERE d.id = $1",
            )
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
            out.push(Claimed {
                id,
                endpoint_id: row.try_get("endpoint_id")?,
                url: row.try_get("url")?,
                secret: row.try_get("secret")?,
                event_id: row.try_get("event_id")?,
                payload: row.try_get("payload")?,
                attempts: row.try_get("attempts")?,
                created_at: row.try_get("created_at")?,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Settles a sent delivery: delivered, due again at `retry_at`, or dead
    /// (then its endpoint is disabled when `disable` says so).
    pub async fn settle_delivery(
        &self,
        c: &Claimed,
        status: Option<u16>,
        response: &str,
        retry_at: Option<String>,
        delivered: bool,
    ) -> Result<()> {
        let now = clock::now_rfc3339();
        let (state, next) = match (delivered, retry_at) {
            (true, _) => ("delivered", now.clone()),
            (false, Some(at)) => ("pending", at),
            (false, None) => ("dead", now.clone()),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE webhook_deliveries SET state = $1, next_at = $2, last_status = $3, last_response = $4, last_at = $5 \
             WHERE id = $6",
        )
        .bind(state)
        .bind(&next)
        .bind(status.map(i64::from))
        .bind(response)
        .bind(&now)
        .bind(&c.id)
        .execute(&mut *tx)
        .await?;
        if state == "dead" {
            sqlx::query("UPDATE webhook_endpoints SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
                .bind(&now)
                .bind(&c.endpoint_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// ` FOR UPDATE SKIP LOCKED` where the database has it (SQLite has one
    /// writer at a time and needs none).
    fn skip_locked(&self) -> &'static str {
        match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// Raises an event on its own (not part of another change): what a
    /// sweep or an operator raises.
    pub async fn raise(&self, tenant_id: &str, kind: &str, data: Value) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        emit(&mut tx, tenant_id, kind, data).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The expiry sweep for `today` (`YYYY-MM-DD`): raises
    /// `document.expiring` for each document that expires in exactly 30, 7
    /// or 1 days, once per document, window and expiry date however often
    /// it runs. How many it raised.
    pub async fn expiry_sweep(&self, today: &str) -> Result<usize> {
        let mut raised = 0;
        for days in [30_i64, 7, 1] {
            let Some(day) = clock::parse_date(today).map(|d| clock::format_date(d + days)) else {
                return Ok(0);
            };
            let mut tx = self.pool.begin().await?;
            let rows = sqlx::query(
                "SELECT d.id, d.tenant_id, d.applicant_id, d.kind, a.appid FROM documents d \
                 JOIN applicants a ON a.id = d.applicant_id WHERE d.valid_until = $1",
            )
            .bind(&day)
            .fetch_all(&mut *tx)
            .await?;
            for r in &rows {
                let (id, tenant): (String, String) = (r.try_get("id")?, r.try_get("tenant_id")?);
                let fresh = sqlx::query(
                    "INSERT INTO expiry_notices (document_id, days, valid_until, tenant_id, raised_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(&id)
                .bind(days)
                .bind(&day)
                .bind(&tenant)
                .bind(clock::now_rfc3339())
                .execute(&mut *tx)
                .await?;
                if fresh.rows_affected() == 1 {
                    let data = json!({"applicant_id": r.try_get::<String, _>("applicant_id")?,
                        "appid": r.try_get::<String, _>("appid")?, "document_id": id,
                        "kind": r.try_get::<String, _>("kind")?, "valid_until": day, "days": days});
                    emit(&mut tx, &tenant, "document.expiring", data).await?;
                    raised += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(raised)
    }

    /// How many events the tenant's outbox holds.
    pub async fn outbox_len(&self, tenant_id: &str) -> Result<usize> {
        let row = sqlx::query("SELECT COUNT(*) FROM webhook_events WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(usize::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0))
    }
}
