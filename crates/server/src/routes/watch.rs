//! Watching expiry: the tenant's documents that expire within a window
//! from today, soonest first.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use livegate_store::clock;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ListQuery, cursor, limit};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::query;

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpiringView {
    pub applicant_id: String,
    pub appid: String,
    pub applicant_name: Option<String>,
    pub document_id: String,
    pub kind: String,
    pub valid_until: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpiringList {
    /// Today (UTC), the first day of the window.
    pub from: String,
    pub until: String,
    pub items: Vec<ExpiringView>,
    /// Pass it as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// A window such as `30d`, `2w` or a number of days; default 30 days,
    /// at most 3650.
    #[param(
        pattern = r"^0*([0-9]{1,3}|[12][0-9]{3}|3[0-5][0-9]{2}|36[0-4][0-9]|3650)d?$|^0*([0-9]{1,2}|[1-4][0-9]{2}|5[01][0-9]|52[01])w$"
    )]
    pub within: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 64)]
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// Documents of the tenant's applicants that expire within a window from today.
#[utoipa::path(get, path = "/v1/expiring", tag = "watch", params(ExpiringQuery),
    responses((status = 200, description = "soonest first", body = ExpiringList), (status = 400, description = "a bad window", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn expiring(
    State(state): State<AppState>,
    Auth(who): Auth,
    q: Result<Query<ExpiringQuery>, QueryRejection>,
) -> Result<Json<ExpiringList>, ApiError> {
    let q = query(q)?;
    let days = match q.within.as_deref() {
        None => 30,
        Some(w) => livegate_core::dates::parse_window(w).ok_or_else(|| {
            ApiError::BadRequest(crate::problems::say(
                crate::problems::Msg::WindowUnknown,
                &[("value", w)],
            ))
        })?,
    };
    let today = clock::today();
    let (from, until) = (clock::format_date(today), clock::format_date(today + days));
    let page_q = ListQuery {
        cursor: q.cursor.clone(),
        limit: q.limit,
    };
    let p = state
        .store
        .expiring_page(
            Some(&who.tenant_id),
            &from,
            &until,
            cursor(&page_q, "/v1/expiring")?,
            limit(&page_q)?,
        )
        .await?;
    Ok(Json(ExpiringList {
        from,
        until,
        next_cursor: p.next_cursor,
        items: p
            .items
            .into_iter()
            .map(|e| ExpiringView {
                applicant_id: e.applicant_id,
                appid: e.appid,
                applicant_name: e.applicant_name,
                document_id: e.document_id,
                kind: e.kind,
                valid_until: e.valid_until,
            })
            .collect(),
    }))
}
