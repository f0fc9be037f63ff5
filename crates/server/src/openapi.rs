//! The OpenAPI 3.1 document of the API (`GET /openapi.json`), made by
//! utoipa from the handlers' `#[utoipa::path]` attributes. A new route must
//! be listed in `paths` here; a test checks that every route the router
//! declares is.

use utoipa::OpenApi;

use crate::error::{FieldError, Problem};
use crate::routes::applicants::{self, ApplicantView};
use crate::routes::audit::{self, AuditView};
use crate::routes::documents::{self, DocumentList, DocumentView, FileView};
use crate::routes::evaluate::{self, EvaluationView};
use crate::routes::ops;
use crate::routes::watch::{self, ExpiringList, ExpiringView};

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

#[derive(OpenApi)]
#[openapi(
    info(title = "livegate", description = "直播准入 · Can a WeChat mini program go live, through which access path, and what is still missing?"),
    paths(
        ops::healthz, ops::readyz, ops::metrics, ops::openapi,
        evaluate::evaluate, evaluate::evaluate_applicant, evaluate::list_evaluations,
        applicants::list_applicants, applicants::create_applicant, applicants::get_applicant,
        applicants::update_applicant, applicants::delete_applicant,
        documents::list_documents, documents::create_document, documents::get_document,
        documents::update_document, documents::delete_document,
        documents::upload_file, documents::download_file, watch::expiring, audit::audit,
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
    fn openapi_document_is_3_1_and_lists_every_route() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("serializable");
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1"))
        );
        // Every route the router declares (read from its source), and its methods.
        let src = include_str!("routes/mod.rs");
        let start = src
            .find("pub fn router()")
            .expect("the router is in routes/mod.rs");
        let len = src[start..].find("\n}\n").expect("the router ends");
        let router = &src[start..start + len];
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
