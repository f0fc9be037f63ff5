//! The OpenAPI 3.1 document of the API (`GET /openapi.json`). Its paths
//! come from the route table ([`crate::routes::api`], where `routes!`
//! registers each handler with its `#[utoipa::path]`); this file adds the
//! title, the shared schemas and the bearer scheme, and in a debug build
//! guards against a route that answers without being documented.

use std::sync::LazyLock;

use axum::Router;
use utoipa::OpenApi;

use crate::error::{FieldError, Problem};
use crate::routes::applicants::ApplicantView;
use crate::routes::audit::AuditView;
use crate::routes::documents::{DocumentList, DocumentView, FileView};
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
    components(schemas(Problem, FieldError, ApplicantView, DocumentView, FileView, EvaluationView, ExpiringList, ExpiringView, AuditView, DocumentList, crate::tokens::TokenView, crate::tokens::TokenList,
        crate::impact::ImpactReport, crate::impact::ImpactGroup, crate::impact::ApplicantImpact)),
    modifiers(&Bearer),
)]
pub struct ApiDoc;

/// The whole document, made once from the route table.
pub fn document() -> &'static str {
    static DOC: LazyLock<String> = LazyLock::new(|| {
        let (_, doc) = crate::routes::api().split_for_parts();
        doc.to_json().unwrap_or_default()
    });
    &DOC
}

/// `METHOD path` of every documented operation.
fn operations(doc: &utoipa::openapi::OpenApi) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ];
        for (method, op) in ops {
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
        let doc: serde_json::Value = serde_json::from_str(document()).expect("JSON");
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
