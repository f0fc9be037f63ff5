//! One applicant (`/applicants/{id}`): the profile form saved under the
//! ETag rules (a conflicting edit is explained, never overwritten), its
//! documents, the current report, the history of evaluations as a timeline,
//! and its audit trail. Viewers see no edit controls, and the server refuses
//! their writes whatever a page shows.

use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::{Lang, Options, Profile};
use livegate_store::{Applicant, AuditEntry, Document, Evaluation};
use maud::{Markup, html};

use super::applicants::{field_errors, identity_fields};
use super::documents;
use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{t, tf};
use super::layout::{Ctx, page, respond};
use super::profile_form::{to_form, to_profile};
use super::session::{SignedIn, require_user, require_writer};
use super::timeline;
use super::wizard::{self, Errors};
use crate::{ApiError, AppState};

/// What the page shows beside the form.
struct Loaded {
    applicant: Applicant,
    documents: Vec<Document>,
    evaluations: Vec<Evaluation>,
    audit: Vec<AuditEntry>,
}

async fn load(state: &AppState, tenant: &str, id: &str) -> Result<Loaded, ApiError> {
    let applicant = state.store.get_applicant(tenant, id).await?;
    let documents = state.store.list_documents(tenant, id).await?;
    let evaluations = state.store.evaluation_briefs(tenant, id, 100).await?;
    let audit = state.store.applicant_audit(tenant, id, 100).await?;
    Ok(Loaded {
        applicant,
        documents,
        evaluations,
        audit,
    })
}

/// The form as the stored profile fills it.
fn stored_form(state: &AppState, a: &Applicant) -> Form {
    let profile: Profile = serde_json::from_value(a.profile.clone()).unwrap_or_default();
    let mut f = to_form(&state.ruleset, &profile);
    f.set("appid", &a.appid);
    f.set("version", &a.version.to_string());
    f
}

pub async fn show(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match load(&state, &user.principal.tenant_id, &id).await {
        Ok(data) => {
            let f = stored_form(&state, &data.applicant);
            render(
                &state,
                &cx,
                user,
                &data,
                &f,
                &Errors::new(),
                None,
                StatusCode::OK,
            )
        }
        Err(e) => error_page(&state, &cx, &e),
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    data: &Loaded,
    f: &Form,
    errors: &Errors,
    notice: Option<Markup>,
    status: StatusCode,
) -> Response {
    let l = cx.lang;
    let a = &data.applicant;
    let title = a.name.clone().unwrap_or_else(|| a.appid.clone());
    let body = html! {
        p { a href="/applicants" { "← " (t(l, "applicants_title")) } }
        h1 { (title) " " span.hint { (a.appid) } }
        @if let Some(n) = notice { (n) }
        (current_report(state, l, data))
        (profile_section(state, cx, user, a, f, errors))
        (documents::section(state, cx, user, a, &data.documents))
        (timeline::history(state, l, &data.evaluations))
        (timeline::audit(l, &data.audit))
    };
    respond(
        status,
        page(cx, &state.ruleset, &title, "/applicants", body),
    )
}

/// The report of the stored profile and documents as of today, in the
/// reader's language (the history keeps the reports as they were made).
fn current_report(state: &AppState, l: Lang, data: &Loaded) -> Markup {
    let mut profile: Profile =
        serde_json::from_value(data.applicant.profile.clone()).unwrap_or_default();
    profile.documents = data
        .documents
        .iter()
        .filter_map(|d| serde_json::from_value(d.document.clone()).ok())
        .collect();
    crate::stored::dated(&mut profile);
    let opts = Options {
        lang: l,
        ..Default::default()
    };
    html! {
        section id="report" {
            @match livegate_core::evaluate(&state.ruleset, &profile, &opts) {
                Ok(r) => (super::report::result(l, &state.ruleset, &r)),
                Err(e) => p.error role="alert" { (e.message) },
            }
        }
    }
}

fn profile_section(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    a: &Applicant,
    f: &Form,
    errors: &Errors,
) -> Markup {
    let l = cx.lang;
    let rs = &state.ruleset;
    html! {
        section id="profile" aria-labelledby="profile-title" {
            h2 id="profile-title" { (t(l, "profile_title")) }
            form method="post" action={ "/applicants/" (a.id) } {
                (cx.csrf())
                input type="hidden" name="version" value=[f.get("version")];
                fieldset.plain disabled[!user.can_write()] {
                    legend.visually-hidden { (t(l, "profile_title")) }
                    (identity_fields(l, f, errors))
                    (wizard::subject(l, rs, f, errors))
                    (wizard::categories(l, rs, f, errors))
                    (wizard::activities(l, rs, f, errors))
                }
                @if user.can_write() {
                    div.actions { button type="submit" { (t(l, "save")) } }
                } @else {
                    p.hint { (t(l, "read_only")) }
                }
            }
        }
    }
}

/// Saves the profile if nobody changed it since the form was read.
pub async fn save(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    RawForm(body): RawForm,
) -> Response {
    let f = Form::parse(&String::from_utf8_lossy(&body));
    let user = match require_writer(&state, &cx, &f) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let expected: i64 = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut profile = to_profile(&state.ruleset, &f).unwrap_or_default();
    // The form does not carry WeChat's category ids and review reasons: keep them.
    if let Ok(a) = state
        .store
        .get_applicant(&user.principal.tenant_id, &id)
        .await
        && let Ok(old) = serde_json::from_value::<Vec<livegate_core::profile::ProfileCategory>>(
            a.profile["categories"].clone(),
        )
    {
        livegate_core::wechat::keep_wechat_fields(&mut profile.categories, &old);
    }
    let saved = async {
        let input = crate::stored::check_applicant(&state, profile.clone(), cx.lang)?;
        state
            .store
            .update_applicant(&user.principal, &id, expected, input)
            .await?;
        crate::stored::evaluate_and_record(&state, &user.principal, &id, cx.lang).await?;
        Ok::<_, ApiError>(())
    };
    match saved.await {
        Ok(()) => see_other(&format!("/applicants/{id}#report")),
        Err(e) => refused(&state, &cx, &user, &id, &f, &profile, e).await,
    }
}

/// A refused save: the person's edits stay in the form, with why.
async fn refused(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    id: &str,
    f: &Form,
    p: &Profile,
    e: ApiError,
) -> Response {
    let data = match load(state, &user.principal.tenant_id, id).await {
        Ok(d) => d,
        Err(e) => return error_page(state, cx, &e),
    };
    let l = cx.lang;
    if let ApiError::VersionMismatch { current } = e {
        let notice = html! {
            div.error role="alert" {
                p { (tf(l, "conflict", &[("version", &current.to_string())])) }
                p { a href={ "/applicants/" (id) } { (t(l, "conflict_reload")) } }
            }
        };
        return render(
            state,
            cx,
            user,
            &data,
            f,
            &Errors::new(),
            Some(notice),
            StatusCode::CONFLICT,
        );
    }
    match field_errors(l, p, &e) {
        Some(errors) => render(
            state,
            cx,
            user,
            &data,
            f,
            &errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        None => error_page(state, cx, &e),
    }
}
