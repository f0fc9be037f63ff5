//! Documents: an applicant's qualification documents (metadata as in a
//! profile's `documents[]`) and the scan of each (a PDF, PNG or JPEG).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livegate_store::{self as store, DocumentInput, StoredFile};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{ListQuery, cursor, limit, with_etag};
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::{body_bytes, if_match, json_text, query, well_formed};
use crate::problems::{Msg, say};
use crate::{AppState, UPLOAD_LIMIT, files};

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
    /// `typed` (by staff) or `link` (uploaded by the merchant through a link).
    #[schema(pattern = "^(typed|link)$")]
    pub source: String,
    pub review: ReviewView,
    pub created_at: String,
    pub updated_at: String,
}

/// A person's review of a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    /// `submitted` (awaiting review), `verified` or `rejected`.
    #[schema(pattern = "^(submitted|verified|rejected)$")]
    pub state: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The token that decided.
    pub by: Option<String>,
    pub at: Option<String>,
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
            source: d.source.as_str().into(),
            review: ReviewView {
                state: d.review.state.as_str().into(),
                reason: d.review.reason,
                by: d.review.by,
                at: d.review.at,
            },
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentView>,
    /// Pass it as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The original file name, kept as metadata only: 1–255 characters, no
    /// `/`, `\\`, `:`, `..` or control characters.
    #[param(
        min_length = 1,
        max_length = 255,
        pattern = r"^(?!\.$)(?![\s\S]*\.\.)[^/\\:\x00-\x1f\x7f-\x9f]+$"
    )]
    pub name: Option<String>,
}

/// A document as written: what a profile's `documents[]` holds, with real dates.
fn document_input(state: &AppState, text: &str) -> Result<DocumentInput, ApiError> {
    // Checked first and whole: the text is embedded in a wrapper below, so it
    // must be exactly one value.
    well_formed(text)?;
    if !text.trim_start().starts_with('{') {
        return Err(ApiError::invalid("", say(Msg::DocumentNotObject, &[])));
    }
    // Parsed as the only document of a minimal profile, so it gets the
    // engine's own messages and suggestions. A profile needs a subject type;
    // the document's own checks do not depend on which, so it is one the
    // ruleset declares (its first), never a fixed id such as `enterprise`
    // that a ruleset may have renamed, which would refuse every document.
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
        .ok_or_else(|| ApiError::invalid("", say(Msg::DocumentNotObject, &[])))?;
    crate::stored::check_document(state, doc, crate::problems::lang())
}

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
        .list_documents_page(
            &who.tenant_id,
            &id,
            cursor(&q, "/v1/applicants/{id}/documents")?,
            limit(&q)?,
        )
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

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedDocumentView {
    pub document: DocumentView,
    pub deleted_at: String,
    /// Until when `POST …/documents/{doc}/restore` brings it back (24 hours after the deletion).
    pub restorable_until: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedDocumentList {
    pub items: Vec<DeletedDocumentView>,
}

#[utoipa::path(get, path = "/v1/applicants/{id}/deleted-documents", tag = "documents", params(("id" = String, Path)),
    responses((status = 200, description = "the applicant's deleted documents that can still be restored, the latest first", body = DeletedDocumentList), (status = 404, description = "no such applicant", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list_deleted_documents(
    State(state): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
) -> Result<Json<DeletedDocumentList>, ApiError> {
    let tenant = &who.tenant_id;
    state.store.get_applicant(tenant, &id).await?;
    let items = state.store.deleted_documents(tenant, &id).await?;
    let items = items
        .into_iter()
        .map(|d| DeletedDocumentView {
            document: d.document.into(),
            deleted_at: d.deleted_at,
            restorable_until: d.restorable_until,
        })
        .collect();
    Ok(Json(DeletedDocumentList { items }))
}

#[utoipa::path(post, path = "/v1/applicants/{id}/documents/{doc}/restore", tag = "documents",
    params(("id" = String, Path), ("doc" = String, Path)),
    responses((status = 200, description = "restored, one version on from the one deleted, with its scan", body = DocumentView), (status = 404, description = "no such deleted document, or its 24 hours to restore have passed", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn restore_document(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let who = auth.writer()?;
    let d = state.store.restore_document(who, &id, &doc).await?;
    Ok(with_etag(d.version, StatusCode::OK, DocumentView::from(d)))
}

/// Uploads the scan of a document: the raw bytes of a PDF, PNG or JPEG
/// (sniffed; the declared type and the name are not trusted), at most 10 MiB.
#[utoipa::path(put, path = "/v1/applicants/{id}/documents/{doc}/file", tag = "documents",
    params(("id" = String, Path), ("doc" = String, Path), ("If-Match" = String, Header), UploadQuery),
    request_body(content = Vec<u8>, description = "the scan's bytes: a PDF, PNG or JPEG", content_type = "application/octet-stream"),
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
        files::check_name(name).map_err(|m| ApiError::invalid("name", say(m, &[])))?;
    }
    let bytes = body_bytes(body, UPLOAD_LIMIT)?;
    let content_type = files::sniff(&bytes)
        .ok_or_else(|| ApiError::UnsupportedMediaType(say(Msg::ScanType, &[])))?;
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
