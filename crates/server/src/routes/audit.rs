//! The audit log: who changed what in the tenant, readable by admins only.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use livegate_store as store;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{ListQuery, Page, cursor, limit, page};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::query;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: String,
    pub token_id: Option<String>,
    /// Such as `applicant.update` or `document.upload`.
    pub action: String,
    pub target: String,
    pub at: String,
    /// Changed fields as JSON Pointers with their values before and after.
    #[schema(value_type = Vec<Object>)]
    pub diff: Value,
}

impl From<store::AuditEntry> for AuditView {
    fn from(e: store::AuditEntry) -> Self {
        AuditView {
            id: e.id,
            token_id: e.token_id,
            action: e.action,
            target: e.target,
            at: e.at,
            diff: e.diff,
        }
    }
}

/// The tenant's audit log, oldest first (admins only).
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(ListQuery),
    responses((status = 200, description = "a page of entries", body = Page<AuditView>), (status = 403, description = "not an admin token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<AuditView>>, ApiError> {
    let who = auth.admin()?;
    let q = query(q)?;
    let p = state
        .store
        .list_audit(&who.tenant_id, cursor(&q, "/v1/audit")?, limit(&q)?)
        .await?;
    Ok(Json(page(p)))
}
