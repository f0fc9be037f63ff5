//! `POST /v1/rules/impact`: what a new ruleset would do to every applicant
//! of the tenant, stored documents included. It changes nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use livegate_core::Profile;
use livegate_core::diff::Change;
use livegate_core::impact::{ProfileImpact, compare, group};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::routes::{LangQuery, lang, query};
use crate::{ApiError, AppState, FieldError};

/// An applicant whose answer changes.
#[derive(Serialize, ToSchema)]
pub struct ApplicantImpact {
    pub id: String,
    pub appid: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub impact: ProfileImpact,
}

#[derive(Serialize, ToSchema)]
pub struct ImpactGroup {
    /// A change `rules diff` names.
    #[schema(value_type = Object)]
    pub change: Change,
    pub count: usize,
    /// The applicants (ids) it touches.
    pub applicants: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImpactReport {
    pub applicants: usize,
    pub changed: usize,
    pub groups: Vec<ImpactGroup>,
    /// Changed applicants no change was traced to.
    pub unattributed: Vec<String>,
    pub applicants_changed: Vec<ApplicantImpact>,
}

/// The new ruleset from the body (TOML); its errors as field errors.
fn new_ruleset(body: Result<Bytes, BytesRejection>) -> Result<livegate_core::Ruleset, ApiError> {
    let bytes = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::BadRequest("the ruleset is not UTF-8 text".into()))?;
    livegate_core::load(text, "request body")
        .map(|l| l.ruleset)
        .map_err(|e| {
            ApiError::Validation(
                e.diagnostics
                    .into_iter()
                    .map(|d| FieldError {
                        path: d.key,
                        message: format!("line {}, column {}: {}", d.line, d.column, d.message),
                        suggestion: d.suggestion,
                    })
                    .collect(),
            )
        })
}

/// Every applicant of the tenant under the service's ruleset and the new one.
#[utoipa::path(post, path = "/v1/rules/impact", tag = "rules", params(LangQuery),
    request_body(content = String, content_type = "application/toml", description = "the new ruleset"),
    responses(
        (status = 200, description = "the applicants whose verdict, path statuses or missing documents would change; nothing is changed", body = ImpactReport),
        (status = 422, description = "the ruleset does not load: `errors[]` name the keys", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn rules_impact(
    State(state): State<AppState>,
    auth: Auth,
    q: Result<Query<LangQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImpactReport>, ApiError> {
    let who = auth.admin()?;
    let lang = lang(&query(q)?)?;
    let new = new_ruleset(body)?;
    let changes = livegate_core::diff::diff(&state.ruleset, &new, lang);
    let applicants = state.store.appids(&who.tenant_id).await?;
    let mut changed = Vec::new();
    for (appid, id, _) in &applicants {
        let mut profile: Profile =
            crate::stored::stored_profile(&state, &who.tenant_id, id).await?;
        crate::stored::dated(&mut profile);
        if let Some(impact) = compare(&state.ruleset, &new, &changes, &profile, None)
            .map_err(|e| ApiError::invalid(&e.path, e.message))?
        {
            changed.push(ApplicantImpact {
                id: id.clone(),
                appid: appid.clone(),
                impact,
            });
        }
    }
    let impacts: Vec<&ProfileImpact> = changed.iter().map(|c| &c.impact).collect();
    let (grouped, other) = group(&changes, &impacts);
    let groups = grouped
        .into_iter()
        .map(|(change, hit)| ImpactGroup {
            change: change.clone(),
            count: hit.len(),
            applicants: hit.iter().map(|&k| changed[k].id.clone()).collect(),
        })
        .collect();
    Ok(Json(ImpactReport {
        applicants: applicants.len(),
        changed: changed.len(),
        groups,
        unattributed: other.iter().map(|&k| changed[k].id.clone()).collect(),
        applicants_changed: changed,
    }))
}
