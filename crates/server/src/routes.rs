//! The routes: thin handlers that validate at the edge and call the engine
//! or the store. Every route under `/v1` needs a bearer token and sees only
//! its tenant's data.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use livegate_core::{Lang, Options, ProfileError, Report};
use livegate_store::{self as store, ApplicantInput, DocumentInput, StoredFile, clock};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::Auth;
use crate::error::{ApiError, FieldError, Problem};
use crate::stored::dated;
use crate::{AppState, UPLOAD_LIMIT, etag, files};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/v1/evaluate", post(evaluate))
        .route(
            "/v1/applicants",
            get(list_applicants).post(create_applicant),
        )
        .route(
            "/v1/applicants/{id}",
            get(get_applicant)
                .put(update_applicant)
                .delete(delete_applicant),
        )
        .route("/v1/applicants/{id}/evaluate", post(evaluate_applicant))
        .route(
            "/v1/applicants/{id}/wechat/categories",
            axum::routing::put(crate::wechat::put_categories),
        )
        .route(
            "/v1/applicants/{id}/wechat/addcategory",
            get(crate::wechat::get_addcategory),
        )
        .route("/v1/applicants/{id}/evaluations", get(list_evaluations))
        .route(
            "/v1/applicants/{id}/documents",
            get(list_documents).post(create_document),
        )
        .route(
            "/v1/applicants/{id}/documents/{doc}",
            get(get_document)
                .put(update_document)
                .delete(delete_document),
        )
        .route(
            "/v1/applicants/{id}/documents/{doc}/file",
            put(upload_file)
                .get(download_file)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/v1/expiring", get(expiring))
        .route("/v1/rules/impact", post(crate::impact::rules_impact))
        .route("/v1/audit", get(audit))
        .route("/v1/tokens", get(crate::tokens::list_tokens))
        .route(
            "/v1/tokens/{id}",
            axum::routing::delete(crate::tokens::revoke_token),
        )
}

// ---- views (the API's own shapes, documented in the OpenAPI) ---------------

/// A mini program kept by the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantView {
    pub id: String,
    /// Send it back in `If-Match` (as the `ETag` header gives it) to change the applicant.
    pub version: i64,
    pub appid: String,
    pub name: Option<String>,
    /// The profile (as `livegate check` reads it) without documents.
    #[schema(value_type = Object)]
    pub profile: Value,
    pub created_at: String,
    pub updated_at: String,
}

impl From<store::Applicant> for ApplicantView {
    fn from(a: store::Applicant) -> Self {
        ApplicantView {
            id: a.id,
            version: a.version,
            appid: a.appid,
            name: a.name,
            profile: a.profile,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    pub sha256: String,
    /// The name given at upload, metadata only.
    pub name: Option<String>,
    /// Sniffed from the bytes: application/pdf, image/png or image/jpeg.
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub applicant_id: String,
    pub version: i64,
    /// As in a profile: `kind`, `number`, `holder`, `credit_code`, `valid_from`, `valid_until`, attributes.
    #[schema(value_type = Object)]
    pub document: Value,
    pub file: Option<FileView>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<store::Document> for DocumentView {
    fn from(d: store::Document) -> Self {
        DocumentView {
            id: d.id,
            applicant_id: d.applicant_id,
            version: d.version,
            document: d.document,
            file: d.file.map(|f| FileView {
                sha256: f.sha256,
                name: f.name,
                content_type: f.content_type,
                size: f.size,
            }),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

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

/// A page of a list; pass `next_cursor` as `cursor` for the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentView>,
    /// Pass it as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

fn page<S, T: ToSchema + From<S>>(p: store::Page<S>) -> Page<T> {
    Page {
        items: p.items.into_iter().map(T::from).collect(),
        next_cursor: p.next_cursor,
    }
}

// ---- queries --------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `zh` (default) or `en`: the language of the report's messages.
    pub lang: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–500, default 50.
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// A window such as `30d` (or a number of days); default 30 days, at most 3650.
    pub within: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–500, default 50.
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The original file name, kept as metadata only.
    pub name: Option<String>,
}

pub(crate) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

pub(crate) fn lang(q: &LangQuery) -> Result<Lang, ApiError> {
    match q.lang.as_deref() {
        None | Some("zh") => Ok(Lang::Zh),
        Some("en") => Ok(Lang::En),
        Some(other) => Err(ApiError::BadRequest(format!(
            "unknown lang `{other}`: use zh or en"
        ))),
    }
}

fn limit(q: &ListQuery) -> Result<usize, ApiError> {
    match q.limit {
        None => Ok(50),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(ApiError::BadRequest(format!("limit {n} is out of 1..=500"))),
    }
}

/// The cursor of a list: the id of the previous page's last item, which
/// this API made (`PREFIX_` and letters and digits). Anything else is a
/// 400, not a silently empty page.
fn cursor<'q>(q: &'q ListQuery, prefix: &str) -> Result<Option<&'q str>, ApiError> {
    // An empty cursor is the first page, as clients often send it.
    let Some(c) = q.cursor.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let ok = c.len() <= 64
        && c.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            });
    if ok {
        Ok(Some(c))
    } else {
        Err(ApiError::BadRequest(format!(
            "cursor `{c}` is not a cursor this list gave: pass the next_cursor of the previous page"
        )))
    }
}

/// Days in a window such as `30d`, `30` or `2w`.
pub fn parse_window(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, mult) = if let Some(n) = s.strip_suffix('d') {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('w') {
        (n, 7)
    } else {
        (s, 1)
    };
    let n: i64 = num.parse().ok()?;
    let days = n.checked_mul(mult)?;
    (0..=3650).contains(&days).then_some(days)
}

// ---- bodies and headers ---------------------------------------------------

/// A JSON body: declared as JSON, within the limit, well-formed.
pub(crate) fn json_text(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<String, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send Content-Type: application/json (got `{ct}`)"
        )));
    }
    let bytes = body_bytes(body, crate::JSON_LIMIT)?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::MalformedJson("the body is not UTF-8".into()))
}

/// Whether the text is one well-formed JSON value.
fn well_formed(text: &str) -> Result<(), ApiError> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| {
            ApiError::MalformedJson(format!("line {}, column {}: {e}", e.line(), e.column()))
        })
}

/// A profile that did not parse: malformed JSON (400) or an invalid field
/// (422). Well-formedness is only checked once parsing failed, so the hot
/// path parses once.
fn parse_failure(text: &str, e: ProfileError) -> ApiError {
    match well_formed(text) {
        Err(malformed) => malformed,
        Ok(()) => profile_error(e),
    }
}

fn body_bytes(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge { limit }
        } else {
            ApiError::BadRequest(e.body_text())
        }
    })
}

/// The version `If-Match` names; required on every change.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let v = headers
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?
        .to_str()
        .map_err(|_| ApiError::BadRequest("If-Match is not ASCII".into()))?
        .trim();
    strong_version(v)
}

/// The version an `If-Match` value names. RFC 9110 compares If-Match
/// strongly: a weak tag (`W/"1"`) never matches, so the precondition fails;
/// a value that is not a quoted tag at all is malformed.
pub fn strong_version(v: &str) -> Result<i64, ApiError> {
    if v.starts_with("W/") {
        return Err(ApiError::PreconditionFailed(format!(
            "If-Match `{v}` is a weak entity tag; a change needs the strong ETag this API gave, such as \"1\""
        )));
    }
    let inner = v
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "If-Match `{v}` is not an entity tag: send the ETag as given, quotes included, such as \"1\""
            ))
        })?;
    inner.parse().map_err(|_| {
        ApiError::PreconditionFailed(format!("If-Match `{v}` is not an ETag this API gave"))
    })
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

pub(crate) fn with_etag(version: i64, status: StatusCode, body: impl Serialize) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

fn profile_error(e: ProfileError) -> ApiError {
    ApiError::Validation(vec![FieldError {
        path: e.path,
        message: e.message,
        suggestion: e.suggestion,
    }])
}

pub use crate::stored::valid_appid;

fn options(lang: Lang) -> Options {
    Options {
        lang,
        ..Default::default()
    }
}

/// An applicant as written: a profile with an `appid`, without documents,
/// that the engine accepts.
fn applicant_input(state: &AppState, text: &str) -> Result<ApplicantInput, ApiError> {
    let profile = livegate_core::parse_profile(text).map_err(|e| parse_failure(text, e))?;
    crate::stored::check_applicant(state, profile, Lang::En)
}

/// A document as written: what a profile's `documents[]` holds, with real dates.
fn document_input(state: &AppState, text: &str) -> Result<DocumentInput, ApiError> {
    // Checked first and whole: the text is embedded in a wrapper below, so it
    // must be exactly one value.
    well_formed(text)?;
    if !text.trim_start().starts_with('{') {
        return Err(ApiError::invalid("", "a document is a JSON object"));
    }
    // Parsed as the only document of a minimal profile, so it gets the
    // engine's own messages and suggestions.
    let subject = state
        .ruleset
        .subject_types
        .first()
        .map_or("", |s| s.id.as_str());
    let wrapped = format!(
        r#"{{"subject":{{"type":{}}},"documents":[{text}]}}"#,
        Value::from(subject)
    );
    let profile =
        livegate_core::parse_profile(&wrapped).map_err(crate::stored::unwrap_document_error)?;
    let doc = profile
        .documents
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::invalid("", "a document is a JSON object"))?;
    crate::stored::check_document(state, doc, Lang::En)
}

// ---- operations -----------------------------------------------------------

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "ready", body = String),
    (status = 503, description = "the database does not answer", body = Problem, content_type = "application/problem+json"),
))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => ApiError::Unavailable(e.to_string()).into_response(),
    }
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "text exposition format", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_json().unwrap_or_default(),
    )
        .into_response()
}

// ---- evaluate -------------------------------------------------------------

fn count(state: &AppState, report: &Report) {
    state.metrics.evaluation(report.verdict.as_str());
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
    let mut profile = livegate_core::parse_profile(&text).map_err(|e| parse_failure(&text, e))?;
    dated(&mut profile);
    let report =
        livegate_core::evaluate(&state.ruleset, &profile, &options(lang)).map_err(profile_error)?;
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
        .list_evaluations(&who.tenant_id, &id, cursor(&q, "evl")?, limit(&q)?)
        .await?;
    Ok(Json(page(p)))
}

// ---- applicants -----------------------------------------------------------

/// The tenant's applicants, in creation order.
#[utoipa::path(get, path = "/v1/applicants", tag = "applicants", params(ListQuery),
    responses((status = 200, description = "a page of applicants", body = Page<ApplicantView>)),
    security(("bearer" = [])))]
pub async fn list_applicants(
    State(state): State<AppState>,
    Auth(who): Auth,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<ApplicantView>>, ApiError> {
    let q = query(q)?;
    let p = state
        .store
        .list_applicants(&who.tenant_id, cursor(&q, "app")?, limit(&q)?)
        .await?;
    Ok(Json(page(p)))
}

/// Creates an applicant from a profile with an `appid` (documents are added separately).
#[utoipa::path(post, path = "/v1/applicants", tag = "applicants",
    request_body(content = Object, description = "a profile with `appid` (and `name`), without `documents`", content_type = "application/json"),
    responses(
        (status = 201, description = "created; `ETag` carries the version", body = ApplicantView),
        (status = 409, description = "the appid is already an applicant of this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a field is invalid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create_applicant(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let input = applicant_input(&state, &json_text(&headers, body)?)?;
    let a = state.store.create_applicant(who, input).await?;
    let location = format!("/v1/applicants/{}", a.id);
    let mut res = with_etag(a.version, StatusCode::CREATED, ApplicantView::from(a));
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

#[utoipa::path(get, path = "/v1/applicants/{id}", tag = "applicants", params(("id" = String, Path)),
    responses((status = 200, description = "the applicant; `ETag` carries the version", body = ApplicantView), (status = 404, description = "no such applicant in this tenant", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_applicant(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let a = state.store.get_applicant(&who.tenant_id, &id).await?;
    Ok(with_etag(a.version, StatusCode::OK, ApplicantView::from(a)))
}

/// Replaces an applicant's profile; `If-Match` must name the version read.
#[utoipa::path(put, path = "/v1/applicants/{id}", tag = "applicants",
    params(("id" = String, Path), ("If-Match" = String, Header, description = "the ETag of the version read")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "replaced", body = ApplicantView),
        (status = 412, description = "someone changed it since; `ETag` carries the current version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "no If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn update_applicant(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    let input = applicant_input(&state, &json_text(&headers, body)?)?;
    let a = state
        .store
        .update_applicant(who, &id, expected, input)
        .await?;
    Ok(with_etag(a.version, StatusCode::OK, ApplicantView::from(a)))
}

/// Deletes an applicant with its documents and history.
#[utoipa::path(delete, path = "/v1/applicants/{id}", tag = "applicants",
    params(("id" = String, Path), ("If-Match" = String, Header)),
    responses((status = 204, description = "deleted"), (status = 412, description = "changed since read", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn delete_applicant(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    let scans = state.store.applicant_files(&who.tenant_id, &id).await?;
    state.store.delete_applicant(who, &id, expected).await?;
    crate::retention::release(&state, &scans).await;
    Ok(StatusCode::NO_CONTENT)
}

// ---- documents ------------------------------------------------------------

#[utoipa::path(get, path = "/v1/applicants/{id}/documents", tag = "documents", params(("id" = String, Path), ListQuery),
    responses((status = 200, description = "a page of the applicant's documents", body = DocumentList), (status = 404, description = "no such applicant", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_documents(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<DocumentList>, ApiError> {
    let q = query(q)?;
    state.store.get_applicant(&who.tenant_id, &id).await?;
    let p = state
        .store
        .list_documents_page(&who.tenant_id, &id, cursor(&q, "doc")?, limit(&q)?)
        .await?;
    Ok(Json(DocumentList {
        items: p.items.into_iter().map(DocumentView::from).collect(),
        next_cursor: p.next_cursor,
    }))
}

/// Adds a document (metadata as in a profile); upload its scan with `PUT …/file`.
#[utoipa::path(post, path = "/v1/applicants/{id}/documents", tag = "documents", params(("id" = String, Path)),
    request_body(content = Object, description = "`kind`, `number`, `holder`, `credit_code`, `valid_from`, `valid_until`, attributes", content_type = "application/json"),
    responses((status = 201, description = "created", body = DocumentView), (status = 422, description = "a field is invalid", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn create_document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let text = json_text(&headers, body)?;
    // An unknown applicant is a 404 before any validation of the body.
    state.store.get_applicant(&who.tenant_id, &id).await?;
    let input = document_input(&state, &text)?;
    let d = state.store.create_document(who, &id, input).await?;
    Ok(with_etag(
        d.version,
        StatusCode::CREATED,
        DocumentView::from(d),
    ))
}

#[utoipa::path(get, path = "/v1/applicants/{id}/documents/{doc}", tag = "documents",
    params(("id" = String, Path), ("doc" = String, Path)),
    responses((status = 200, description = "the document", body = DocumentView), (status = 404, description = "not found", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_document(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let d = state.store.get_document(&who.tenant_id, &id, &doc).await?;
    Ok(with_etag(d.version, StatusCode::OK, DocumentView::from(d)))
}

#[utoipa::path(put, path = "/v1/applicants/{id}/documents/{doc}", tag = "documents",
    params(("id" = String, Path), ("doc" = String, Path), ("If-Match" = String, Header)),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200, description = "replaced", body = DocumentView), (status = 412, description = "changed since read", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn update_document(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    let text = json_text(&headers, body)?;
    state.store.get_document(&who.tenant_id, &id, &doc).await?;
    let input = document_input(&state, &text)?;
    let d = state
        .store
        .update_document(who, &id, &doc, expected, input)
        .await?;
    Ok(with_etag(d.version, StatusCode::OK, DocumentView::from(d)))
}

#[utoipa::path(delete, path = "/v1/applicants/{id}/documents/{doc}", tag = "documents",
    params(("id" = String, Path), ("doc" = String, Path), ("If-Match" = String, Header)),
    responses((status = 204, description = "deleted"), (status = 412, description = "changed since read", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn delete_document(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    crate::retention::delete_document(&state, who, &id, &doc, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Uploads the scan of a document: the raw bytes of a PDF, PNG or JPEG
/// (sniffed; the declared type and the name are not trusted), at most 10 MiB.
#[utoipa::path(put, path = "/v1/applicants/{id}/documents/{doc}/file", tag = "documents",
    params(("id" = String, Path), ("doc" = String, Path), ("If-Match" = String, Header), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "stored; the document with its file", body = DocumentView),
        (status = 413, description = "over 10 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "not a PDF, PNG or JPEG", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "the file name is unsafe", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn upload_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, doc)): Path<(String, String)>,
    q: Result<Query<UploadQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let expected = if_match(&headers)?;
    let q = query(q)?;
    if let Some(name) = &q.name {
        files::check_name(name).map_err(|m| ApiError::invalid("name", m))?;
    }
    let bytes = body_bytes(body, UPLOAD_LIMIT)?;
    let content_type = files::sniff(&bytes).ok_or_else(|| {
        ApiError::UnsupportedMediaType(
            "only PDF, PNG and JPEG scans are accepted (read from the bytes)".into(),
        )
    })?;
    let current = state.store.get_document(&who.tenant_id, &id, &doc).await?;
    if current.version != expected {
        return Err(ApiError::VersionMismatch {
            current: current.version,
        });
    }
    let sha256 = files::keep(&state, &bytes).await?;
    let file = StoredFile {
        sha256,
        name: q.name,
        content_type: content_type.to_string(),
        size: bytes.len() as i64,
    };
    let d = crate::retention::attach_file(&state, who, (&id, &doc), expected, file, current.file)
        .await?;
    Ok(with_etag(d.version, StatusCode::OK, DocumentView::from(d)))
}

/// Downloads the scan of a document.
#[utoipa::path(get, path = "/v1/applicants/{id}/documents/{doc}/file", tag = "documents",
    params(("id" = String, Path), ("doc" = String, Path)),
    responses((status = 200, description = "the bytes, with the sniffed type", body = Vec<u8>), (status = 404, description = "no document or no scan", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn download_file(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let d = state.store.get_document(&who.tenant_id, &id, &doc).await?;
    let file = d.file.ok_or(ApiError::NotFound)?;
    let bytes = files::load(&state, &file.sha256).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, "attachment".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

// ---- watch and audit ------------------------------------------------------

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
        Some(w) => parse_window(w).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "within `{w}` is not a window such as 30d (0 to 3650 days)"
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
            cursor(&page_q, "doc")?,
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
        .list_audit(&who.tenant_id, cursor(&q, "aud")?, limit(&q)?)
        .await?;
    Ok(Json(page(p)))
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

// ---- the OpenAPI document ---------------------------------------------------

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "livegate", description = "直播准入 · Can a WeChat mini program go live, through which access path, and what is still missing?"),
    paths(
        healthz, readyz, metrics, openapi, evaluate, evaluate_applicant, list_evaluations,
        list_applicants, create_applicant, get_applicant, update_applicant, delete_applicant,
        list_documents, create_document, get_document, update_document, delete_document,
        upload_file, download_file, expiring, audit,
        crate::tokens::list_tokens, crate::tokens::revoke_token, crate::wechat::put_categories,
        crate::wechat::get_addcategory, crate::impact::rules_impact,
    ),
    components(schemas(Problem, FieldError, ApplicantView, DocumentView, FileView, EvaluationView, ExpiringList, ExpiringView, AuditView, DocumentList, crate::tokens::TokenView, crate::tokens::TokenList,
        crate::impact::ImpactReport, crate::impact::ImpactGroup, crate::impact::ApplicantImpact)),
    modifiers(&Bearer),
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appid_is_wx_and_16_lowercase_hex_digits() {
        assert!(valid_appid("wx0123456789abcdef"));
        for bad in [
            "wx0123456789abcde",
            "wx0123456789abcdeg",
            "xx0123456789abcdef",
            "wx0123456789ABCDEF",
            "wx0123456789abcdef0",
        ] {
            assert!(!valid_appid(bad), "{bad}");
        }
    }

    #[test]
    fn windows_are_days_or_weeks_within_ten_years() {
        assert_eq!(parse_window("30d"), Some(30));
        assert_eq!(parse_window("30"), Some(30));
        assert_eq!(parse_window("2w"), Some(14));
        assert_eq!(parse_window("-1d"), None);
        assert_eq!(parse_window("3651d"), None);
        assert_eq!(parse_window("soon"), None);
    }

    #[test]
    fn openapi_document_is_3_1_and_lists_every_route() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("serializable");
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1"))
        );
        // Every route the router declares (read from this file), and its methods.
        let src = include_str!("routes.rs");
        let router = &src[..src.find("// ---- queries").expect("the router comes first")];
        let mut seen = 0;
        for chunk in router.split(".route(").skip(1) {
            let chunk = chunk.trim_start();
            let Some(rest) = chunk.strip_prefix("\"/v1/") else {
                continue;
            };
            let path = format!("/v1/{}", &rest[..rest.find('"').unwrap_or(0)]);
            let (path, handlers) = (path.as_str(), chunk);
            let ops = &doc["paths"][path];
            assert!(ops.is_object(), "{path} is not in the OpenAPI document");
            for m in ["get", "post", "put", "delete"] {
                if handlers.contains(&format!("{m}(")) {
                    assert!(
                        ops.get(m).is_some(),
                        "{} {path} is not documented",
                        m.to_uppercase()
                    );
                }
            }
            seen += 1;
        }
        assert!(seen >= 15, "the route list was read: {seen}");
    }
}
