//! Evaluation: a profile evaluated without storing anything
//! (`POST /v1/evaluate`), a stored applicant evaluated and kept in its
//! history, and that history.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livegate_core::{Options, Report};
use livegate_store as store;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{LangQuery, ListQuery, Page, cursor, lang, limit, page, profile_error};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::{json_text, query};

/// One evaluation of a stored applicant, kept with the ruleset that made it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    pub id: String,
    pub applicant_id: String,
    pub verdict: String,
    pub ruleset_version: String,
    pub ruleset_as_of: String,
    pub created_at: String,
    #[schema(value_type = Object)]
    pub report: Value,
}

impl From<store::Evaluation> for EvaluationView {
    fn from(e: store::Evaluation) -> Self {
        EvaluationView {
            id: e.id,
            applicant_id: e.applicant_id,
            verdict: e.verdict,
            ruleset_version: e.ruleset_version,
            ruleset_as_of: e.ruleset_as_of,
            created_at: e.created_at,
            report: e.report,
        }
    }
}

fn count(state: &AppState, report: &Report) {
    state.metrics.evaluation(report.verdict.as_str());
}

/// JSON into a buffer sized for a report (about 7 KiB), so it is not grown
/// and copied several times on the hot path.
fn json_response<T: Serialize>(v: &T) -> Response {
    let mut buf = Vec::with_capacity(8 * 1024);
    match serde_json::to_writer(&mut buf, v) {
        Ok(()) => ([(header::CONTENT_TYPE, "application/json")], buf).into_response(),
        Err(e) => ApiError::Internal(e.to_string()).into_response(),
    }
}

/// Evaluates a profile without storing anything.
#[utoipa::path(post, path = "/v1/evaluate", tag = "evaluate", params(LangQuery),
    request_body(content = Object, description = "a profile, as `livegate check` reads it", content_type = "application/json"),
    responses(
        (status = 200, description = "the report", body = Object),
        (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a field is invalid; `errors[].path` names it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn evaluate(
    State(state): State<AppState>,
    _auth: Auth,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let lang = lang(&query(q)?)?;
    let text = json_text(&headers, body)?;
    let opts = Options {
        lang,
        as_of: Some(livegate_core::dates::today()),
    };
    let report = livegate_core::evaluate_text(&state.ruleset, &text, &opts)
        .map_err(|e| profile_error(&e, lang))?;
    count(&state, &report);
    Ok(json_response(&report))
}

/// Evaluates a stored applicant with its documents and keeps the report.
#[utoipa::path(post, path = "/v1/applicants/{id}/evaluate", tag = "evaluate", params(("id" = String, Path), LangQuery),
    responses(
        (status = 201, description = "the evaluation, kept in the history", body = EvaluationView),
        (status = 404, description = "no such applicant in this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn evaluate_applicant(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let lang = lang(&query(q)?)?;
    let (e, _) = crate::stored::evaluate_and_record(&state, who, &id, lang).await?;
    Ok((StatusCode::CREATED, Json(EvaluationView::from(e))).into_response())
}

/// The evaluations of an applicant, oldest first.
#[utoipa::path(get, path = "/v1/applicants/{id}/evaluations", tag = "evaluate", params(("id" = String, Path), ListQuery),
    responses((status = 200, description = "a page of evaluations", body = Page<EvaluationView>), (status = 404, description = "no such applicant", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_evaluations(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<EvaluationView>>, ApiError> {
    let q = query(q)?;
    state.store.get_applicant(&who.tenant_id, &id).await?;
    let p = state
        .store
        .list_evaluations(
            &who.tenant_id,
            &id,
            cursor(&q, "/v1/applicants/{id}/evaluations")?,
            limit(&q)?,
        )
        .await?;
    Ok(Json(page(p)))
}
