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
use crate::problems::{Msg, say};
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
    let bytes = crate::extract::body_bytes(body, crate::JSON_LIMIT)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::BadRequest(say(Msg::RulesetNotUtf8, &[])))?;
    livegate_core::load(text, "request body")
        .map(|l| l.ruleset)
        .map_err(|e| {
            ApiError::Validation(
                e.diagnostics
                    .into_iter()
                    .map(|d| FieldError {
                        path: d.key,
                        message: say(
                            Msg::RulesetAt,
                            &[
                                ("line", &d.line.to_string()),
                                ("column", &d.column.to_string()),
                                ("message", &d.message),
                            ],
                        ),
                        suggestion: d.suggestion,
                        ..FieldError::default()
                    })
                    .collect(),
            )
        })
}

/// The applicants whose answer changes between the two rulesets.
fn compare_all(
    old: &livegate_core::Ruleset,
    new: &livegate_core::Ruleset,
    changes: &[Change],
    applicants: Vec<(String, String, Profile)>,
) -> Result<Vec<ApplicantImpact>, ApiError> {
    let mut changed = Vec::new();
    for (id, appid, profile) in applicants {
        if let Some(impact) = compare(old, new, changes, &profile, None)
            .map_err(|e| ApiError::invalid(&e.path, e.message))?
        {
            changed.push(ApplicantImpact { id, appid, impact });
        }
    }
    Ok(changed)
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
    let mut applicants = Vec::new();
    let policy = state.store.review_policy(&who.tenant_id).await?;
    for (a, docs) in state.store.portfolio(&who.tenant_id).await? {
        let (id, appid) = (a.id.clone(), a.appid.clone());
        let mut profile = crate::stored::with_documents(a, docs, policy)?.profile;
        crate::stored::dated(&mut profile);
        applicants.push((id, appid, profile));
    }
    let count = applicants.len();
    let old = state.ruleset.clone();
    // Deciding every applicant twice is CPU work: off the async threads.
    let (changed, changes) = tokio::task::spawn_blocking(move || {
        compare_all(&old, &new, &changes, applicants).map(|c| (c, changes))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("impact: {e}")))??;
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
        applicants: count,
        changed: changed.len(),
        groups,
        unattributed: other.iter().map(|&k| changed[k].id.clone()).collect(),
        applicants_changed: changed,
    }))
}
