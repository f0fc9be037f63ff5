//! The web console (控制台), served by the same binary and port as the API:
//! server-rendered HTML (maud), one small script for progressive
//! enhancement, zh-CN by default with an English switch on every page.
//!
//! Rooms: `layout` (the frame of a page), `i18n` (page texts), `session`
//! (language, sign-in, CSRF), `form` and `profile_form` (form fields to a
//! profile and back), `wizard` (the profile form's controls), `report` (a
//! report as HTML), and one module per page: `precheck`, `rules`,
//! `applicants`, `dashboard`, `batch`.

// Handlers answer with a page or a redirect, so the console's guards return
// `Result<_, Response>`, axum's own idiom; boxing every refusal would only
// add noise.
#![allow(clippy::result_large_err)]

pub mod applicant;
pub mod applicant_actions;
pub mod applicants;
pub mod applicants_bulk;
pub mod assets;
pub mod audit_words;
pub mod batch;
pub mod batch_csv;
pub mod batch_jobs;
pub mod batch_queue;
pub mod batch_save;
pub mod checklist;
pub mod dashboard;
pub mod document_actions;
pub mod documents;
pub mod errors;
pub mod form;
pub mod help;
pub mod i18n;
pub mod inputs;
pub mod lang_runs;
pub mod layout;
pub mod links;
pub mod precheck;
pub mod profile_form;
pub mod report;
pub mod reviews;
pub mod rules;
pub mod session;
pub mod timeline;
pub mod upload_link;
pub mod wizard;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use maud::html;

use crate::AppState;
use crate::layers::{limit_all, limited};
use i18n::{Key, t};
use layout::{Ctx, page, respond};

pub fn router() -> Router<AppState> {
    let forms = Router::new()
        .route("/", get(precheck::page_handler))
        .route("/precheck/report.json", get(precheck::report_json))
        .route("/rules", get(rules::page_handler))
        .route("/dashboard", get(dashboard::page_handler))
        .route("/batch/template.csv", get(batch::template))
        .route("/batch/{id}", get(batch::show))
        .route("/batch/{id}/save", post(batch_save::save))
        .route("/batch/{id}/rerun", post(batch::rerun))
        .route("/batch/{id}/progress", get(batch::progress))
        .route("/batch/{id}/{file}", get(batch::download))
        .route(
            "/applicants",
            get(applicants::list).post(applicants::create),
        )
        .route("/applicants/new", get(applicants::new_page))
        .route("/applicants.csv", get(applicants_bulk::csv))
        .route("/applicants/reevaluate", post(applicants_bulk::reevaluate))
        .route(
            "/applicants/{id}",
            get(applicant::show).post(applicant::save),
        )
        .route(
            "/applicants/{id}/evaluate",
            post(applicant_actions::evaluate),
        )
        .route(
            "/applicants/{id}/report.json",
            get(applicant_actions::report_json),
        )
        .route(
            "/applicants/{id}/addcategory.json",
            get(applicant_actions::addcategory_json),
        )
        .route(
            "/applicants/{id}/clear-date",
            post(applicant_actions::clear_date),
        )
        .route(
            "/applicants/{id}/delete",
            get(applicant_actions::confirm_delete).post(applicant_actions::delete),
        )
        .route(
            "/applicants/{id}/documents/{doc}/delete",
            get(document_actions::confirm_delete).post(document_actions::delete),
        )
        .route(
            "/applicants/{id}/documents/{doc}/restore",
            post(document_actions::restore),
        )
        .route(
            "/applicants/{id}/documents/{doc}/scan",
            get(document_actions::scan),
        )
        .route(
            "/applicants/{id}/documents/{doc}/review",
            post(reviews::review),
        )
        .route("/applicants/{id}/upload-links", post(links::create))
        .route(
            "/applicants/{id}/upload-links/{link}/revoke",
            post(links::revoke),
        )
        .route("/reviews", get(reviews::queue))
        .route("/signin", get(session::signin_page).post(session::signin))
        .route("/signout", post(session::signout))
        .route("/lang/{to}", get(session::switch_lang))
        .route("/help/admin", get(help::admin))
        .route(assets::CSS_PATH, get(assets::css))
        .route(assets::JS_PATH, get(assets::js));
    // Routes that take uploads (a scan, a batch file) have their own limits.
    limit_all(forms, crate::JSON_LIMIT)
        .route(
            "/batch",
            limited(get(batch::index).post(batch::upload), crate::BATCH_LIMIT),
        )
        .route(
            "/applicants/{id}/documents",
            limited(post(document_actions::add), crate::FORM_UPLOAD_LIMIT),
        )
        .route(
            "/u/{secret}",
            limited(
                get(upload_link::show).post(upload_link::upload),
                crate::FORM_UPLOAD_LIMIT,
            ),
        )
        .route(
            "/applicants/{id}/documents/{doc}",
            limited(
                get(document_actions::show).post(document_actions::update),
                crate::FORM_UPLOAD_LIMIT,
            ),
        )
}

/// The console's own 404: a page, in the reader's language.
pub async fn not_found(State(state): State<AppState>, cx: Ctx) -> Response {
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::NotFoundTitle)) }
        p { (t(l, Key::NotFoundBody)) }
        p { a href="/" { (t(l, Key::BackHome)) } }
    };
    respond(
        StatusCode::NOT_FOUND,
        page(&cx, &state.ruleset, &t(l, Key::NotFoundTitle), "", body),
    )
}
