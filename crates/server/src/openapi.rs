//! The OpenAPI 3.1 document of the API (`GET /openapi.json`). Its paths
//! come from the route table ([`crate::routes::api`], where `routes!`
//! registers each handler with its `#[utoipa::path]`); this file adds the
//! title, the shared schemas and the bearer scheme, and in a debug build
//! guards against a route that answers without being documented.

use axum::Router;
use livegate_core::Ruleset;
use serde_json::Value;
use utoipa::OpenApi;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{Ref, RefOr, ResponseBuilder, Schema};

use crate::error::{FieldError, Problem};
use crate::routes::applicants::ApplicantView;
use crate::routes::audit::AuditView;
use crate::routes::documents::{DocumentList, DocumentView, FileView, ReviewView};
use crate::routes::evaluate::EvaluationView;
use crate::routes::watch::{ExpiringList, ExpiringView};

/// Declares the bearer token the `/v1` routes need.
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

/// What the document says besides its paths.
#[derive(OpenApi)]
#[openapi(
    info(title = "livegate", description = "直播准入 · Can a WeChat mini program go live, through which access path, and what is still missing?"),
    components(schemas(Problem, FieldError, ApplicantView, DocumentView, FileView, ReviewView, EvaluationView, ExpiringList, ExpiringView, AuditView, DocumentList, crate::tokens::TokenView, crate::tokens::TokenList,
        crate::impact::ImpactReport, crate::impact::ImpactGroup, crate::impact::ApplicantImpact)),
    modifiers(&Bearer),
)]
pub struct ApiDoc;

/// The whole document: the route table's operations, what every one may
/// answer, and request bodies made from `rs`.
pub fn document(rs: &Ruleset) -> String {
    let (_, mut doc) = crate::routes::api().split_for_parts();
    finish(&mut doc);
    let mut v = serde_json::to_value(&doc).unwrap_or_default();
    bodies(&mut v, rs);
    v.to_string()
}

/// The JSON bodies whose shape the ruleset decides: profiles, applicants
/// and documents, each its JSON Schema (see [`livegate_core::profile_schema`]).
fn bodies(doc: &mut Value, rs: &Ruleset) {
    use livegate_core::profile_schema::{
        applicant_schema, document_schema, getcategory_schema, profile_schema,
    };
    let applicant = applicant_schema(rs);
    let table = [
        ("/v1/evaluate", "post", profile_schema(rs)),
        ("/v1/applicants", "post", applicant.clone()),
        ("/v1/applicants/{id}", "put", applicant),
        ("/v1/applicants/{id}/documents", "post", document_schema()),
        (
            "/v1/applicants/{id}/documents/{doc}",
            "put",
            document_schema(),
        ),
        (
            "/v1/applicants/{id}/wechat/categories",
            "put",
            getcategory_schema(),
        ),
    ];
    for (path, method, schema) in table {
        let body = &mut doc["paths"][path][method]["requestBody"]["content"]["application/json"];
        if body.is_object() {
            body["schema"] = schema;
        }
    }
    // A scan is the bytes of a PDF, PNG or JPEG, read from the bytes.
    let upload = &mut doc["paths"]["/v1/applicants/{id}/documents/{doc}/file"]["put"];
    if upload.is_object() {
        let binary = serde_json::json!({ "schema": { "type": "string", "format": "binary" } });
        upload["requestBody"]["content"] = serde_json::json!({
            "application/pdf": binary,
            "image/png": binary,
            "image/jpeg": binary,
        });
    }
}

/// What every operation may answer besides its own responses, because a
/// layer in front of it can: each a problem (`application/problem+json`).
fn common_answers(path: &str, op: &Operation) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        ("400", "a request that cannot be read"),
        ("429", "too many requests: wait `Retry-After` seconds"),
        ("500", "an internal error"),
        (
            "503",
            "the database does not answer, or the request took too long",
        ),
    ];
    if path.starts_with("/v1/") {
        out.push(("401", "no valid bearer token"));
        out.push(("403", "the token's role may not do this"));
    }
    if path.contains('{') {
        out.push(("404", "no such resource in the token's tenant"));
    }
    if op.request_body.is_some() {
        out.push(("413", "the body is larger than this route takes"));
        out.push(("415", "the body is not of a type this route takes"));
        out.push((
            "422",
            "the body does not validate: `errors[].path` names the field",
        ));
    }
    let params = op.parameters.iter().flatten();
    if params.clone().any(|p| p.name == "If-Match") {
        out.push(("412", "the version changed: read it again"));
        out.push(("428", "`If-Match` is required"));
    }
    out
}

/// Adds to every operation the answers of [`common_answers`] it does not
/// list, and to every list's `cursor` the pattern of its ids.
fn finish(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        for (_, op) in methods(item) {
            let Some(op) = op else { continue };
            for (status, said) in common_answers(path, op) {
                let listed = &mut op.responses.responses;
                listed
                    .entry(status.to_string())
                    .or_insert_with(|| problem(said));
            }
            cursor_pattern(path, op);
            if_match_pattern(op);
        }
    }
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", content)
        .build()
        .into()
}

/// An `If-Match` is one strong tag as this API gives it: `"7"`.
fn if_match_pattern(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        if p.name == "If-Match"
            && let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut()
        {
            o.pattern = Some(r#"^"[0-9]+"$"#.to_string());
        }
    }
}

fn cursor_pattern(path: &str, op: &mut Operation) {
    let Some(pattern) = crate::routes::cursor_pattern(path) else {
        return;
    };
    for p in op.parameters.iter_mut().flatten() {
        if p.name != "cursor" {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() {
            o.pattern = Some(pattern.clone());
        }
    }
}

/// The operation slots of a path the API uses, by method.
fn methods(item: &mut PathItem) -> [(&'static str, &mut Option<Operation>); 5] {
    [
        ("GET", &mut item.get),
        ("PUT", &mut item.put),
        ("POST", &mut item.post),
        ("DELETE", &mut item.delete),
        ("PATCH", &mut item.patch),
    ]
}

/// `METHOD path` of every documented operation.
fn operations(doc: &utoipa::openapi::OpenApi) -> Vec<String> {
    let mut paths = doc.paths.paths.clone();
    let mut out = Vec::new();
    for (path, item) in paths.iter_mut() {
        for (method, op) in methods(item) {
            if op.is_some() {
                out.push(format!("{method} {path}"));
            }
        }
    }
    out
}

/// In a debug build (every test), a request that reaches a route the
/// document does not list is answered 500, so a route added without
/// documentation fails the first test that calls it. A release build
/// passes requests through untouched.
pub fn guard<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    doc: &utoipa::openapi::OpenApi,
) -> Router<S> {
    if !cfg!(debug_assertions) {
        return router;
    }
    let known: std::sync::Arc<std::collections::HashSet<String>> =
        std::sync::Arc::new(operations(doc).into_iter().collect());
    router.route_layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            let known = known.clone();
            async move {
                use axum::response::IntoResponse;
                let path = req
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let op = format!("{} {path}", req.method());
                if known.contains(&op) {
                    next.run(req).await
                } else {
                    let said = format!("{op} is not in the OpenAPI document");
                    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, said).into_response()
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    #[test]
    fn the_document_is_3_1_and_made_from_the_route_table() {
        let rs = livegate_core::default_ruleset().expect("the shipped ruleset");
        let doc: serde_json::Value = serde_json::from_str(&document(&rs)).expect("JSON");
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1"))
        );
        let paths = doc["paths"].as_object().expect("paths");
        assert!(paths.len() >= 18, "{} paths", paths.len());
        for p in ["/v1/evaluate", "/v1/applicants/{id}/documents/{doc}/file"] {
            assert!(paths.contains_key(p), "{p}");
        }
        let body = &doc["paths"]["/v1/evaluate"]["post"]["requestBody"]["content"];
        assert_eq!(body["application/json"]["schema"]["required"][0], "subject");
        // Every /v1 operation declares its bearer token.
        for (path, item) in paths.iter().filter(|(p, _)| p.starts_with("/v1/")) {
            for (method, op) in item.as_object().into_iter().flatten() {
                assert!(op.get("security").is_some(), "{method} {path}");
            }
        }
    }

    async fn status(router: &Router, method: &str, path: &str) -> StatusCode {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty());
        let req = req.expect("a request");
        router.clone().oneshot(req).await.expect("answers").status()
    }

    #[tokio::test]
    async fn a_route_added_without_documentation_fails() {
        let (_, doc) = crate::routes::api().split_for_parts();
        let router: Router = Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route(
                "/v1/hidden",
                get(|| async { "shh" }).post(|| async { "shh" }),
            );
        let router = guard(router, &doc);
        assert_eq!(status(&router, "GET", "/healthz").await, StatusCode::OK);
        assert_eq!(
            status(&router, "GET", "/v1/hidden").await,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            status(&router, "POST", "/v1/hidden").await,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
