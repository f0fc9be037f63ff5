//! What a person does to one applicant from the top of its page: evaluate
//! it again now, download its report or WeChat's `addcategory` body, print
//! the 预审报告, clear a date its profile carries, and delete it (after a
//! confirmation page). Writes need an editor and the form's CSRF token.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::{Lang, Options, Profile, Report};
use livegate_store::clock;
use maud::{Markup, html};

use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, attachment, page, respond};
use super::session::{Reader, SignedIn, WriterPost};
use crate::stored::OnFile;
use crate::{ApiError, AppState};

/// The buttons at the top of the applicant page.
pub fn bar(cx: &Ctx, user: &SignedIn, id: &str, version: i64) -> Markup {
    let l = cx.lang;
    html! {
        div.actions.no-print.top-actions {
            @if user.can_write() {
                form.inline method="post" action={ "/applicants/" (id) "/evaluate" } {
                    (cx.csrf())
                    button type="submit" { (t(l, Key::Reevaluate)) }
                }
            }
            a.button.secondary href={ "/applicants/" (id) "/report.json" } download { (t(l, Key::DownloadReport)) }
            a.button.secondary href={ "/applicants/" (id) "/addcategory.json" } download { (t(l, Key::DownloadAddcategory)) }
            button.secondary type="button" data-print hidden { (t(l, Key::PrintReport)) }
            @if user.can_write() {
                a.button.danger-link href={ "/applicants/" (id) "/delete?version=" (version) } { (t(l, Key::ApplicantDelete)) }
            }
        }
    }
}

/// The stored profile with the documents it counts, dated `on` or today.
async fn dated_profile(
    state: &AppState,
    tenant: &str,
    id: &str,
    on: Option<&str>,
) -> Result<OnFile, ApiError> {
    let mut on_file = crate::stored::stored_profile(state, tenant, id).await?;
    crate::stored::dated(&mut on_file.profile);
    if let Some(d) = on {
        on_file.profile.as_of = Some(d.to_string());
    }
    Ok(on_file)
}

/// A date a person asked to see the applicant on (`?on=`), if it is one.
pub fn chosen_date(f: &Form) -> Option<String> {
    f.get("on")
        .filter(|d| livegate_core::dates::parse(d).is_some())
        .map(str::to_string)
}

/// `POST /applicants/{id}/evaluate`: evaluates now and keeps the evaluation.
pub async fn evaluate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, form: _ } = post;
    match crate::stored::evaluate_and_record(&state, &user.principal, &id, cx.lang).await {
        Ok(_) => see_other(&format!("/applicants/{id}?evaluated=1#report")),
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// `GET /applicants/{id}/report.json[?on=]`: the report the page shows.
pub async fn report_json(
    State(state): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Reader { cx, user } = reader;
    let on = chosen_date(&Form::parse(q.as_deref().unwrap_or("")));
    let report = async {
        let on_file = dated_profile(&state, &user.principal.tenant_id, &id, on.as_deref()).await?;
        report_of(&state, &on_file, cx.lang)
    };
    match report.await {
        Ok(r) => attachment(
            serde_json::to_vec_pretty(&r).unwrap_or_default(),
            "application/json",
            "livegate-report.json",
        ),
        Err(e) => error_page(&state, &cx, &e),
    }
}

fn report_of(state: &AppState, on_file: &OnFile, lang: Lang) -> Result<Report, ApiError> {
    let opts = Options {
        lang,
        ..Default::default()
    };
    crate::stored::evaluate_on_file(&state.ruleset, on_file, &opts)
        .map_err(|e| ApiError::invalid(&e.path, e.message))
}

/// `GET /applicants/{id}/addcategory.json`: WeChat's `addcategory` body for
/// the plan's categories, as the API gives it.
pub async fn addcategory_json(
    State(state): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Response {
    let Reader { cx, user } = reader;
    let plan = async {
        let profile = dated_profile(&state, &user.principal.tenant_id, &id, None)
            .await?
            .profile;
        let d = livegate_core::decide(&state.ruleset, &profile, None, cx.lang)
            .map_err(|e| ApiError::invalid(&e.path, e.message))?;
        Ok::<_, ApiError>(livegate_core::wechat::addcategory(
            &state.ruleset,
            &profile,
            &d,
            &|_| None,
            cx.lang,
        ))
    };
    match plan.await {
        Ok(p) => attachment(
            serde_json::to_vec_pretty(&p).unwrap_or_default(),
            "application/json",
            "addcategory.json",
        ),
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// `POST /applicants/{id}/clear-date`: removes the `as_of` the stored profile
/// carries, under the version the page was read at.
pub async fn clear_date(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, form: f } = post;
    let expected = f.version();
    let cleared = async {
        let a = state
            .store
            .get_applicant(&user.principal.tenant_id, &id)
            .await?;
        let mut profile: Profile = serde_json::from_value(a.profile.clone())
            .map_err(|e| ApiError::Internal(format!("stored profile: {e}")))?;
        profile.as_of = None;
        profile.appid = Some(a.appid);
        profile.name = a.name;
        crate::stored::save_profile(&state, &user.principal, &id, expected, profile, cx.lang).await
    };
    match cleared.await {
        Ok(()) => see_other(&format!("/applicants/{id}#report")),
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// `GET /applicants/{id}/delete`: what deleting removes, and the button.
pub async fn confirm_delete(
    State(state): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Response {
    let Reader { cx, user } = reader;
    let tenant = &user.principal.tenant_id;
    let found = async {
        let a = state.store.get_applicant(tenant, &id).await?;
        let docs = state.store.list_documents(tenant, &id).await?;
        Ok::<_, ApiError>((a, docs.len()))
    };
    let (a, docs) = match found.await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &cx, &e),
    };
    let l = cx.lang;
    let name = super::applicants::display_name(&a);
    let body = html! {
        h1 { (tf(l, Key::ApplicantDeleteTitle, &[("name", &name)])) }
        p { (tf(l, Key::ApplicantDeleteWhat, &[("appid", &a.appid), ("documents", &docs.to_string())])) }
        form method="post" action={ "/applicants/" (a.id) "/delete" } {
            (cx.csrf())
            input type="hidden" name="version" value=(a.version);
            div.actions {
                button.danger type="submit" { (t(l, Key::ApplicantDeleteConfirm)) }
                a href={ "/applicants/" (a.id) } { (t(l, Key::Cancel)) }
            }
        }
    };
    respond(
        StatusCode::OK,
        page(&cx, &state.ruleset, &name, "/applicants", body),
    )
}

/// `POST /applicants/{id}/delete`: deletes it with its documents and history.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, form: f } = post;
    let expected = f.version();
    let deleted = crate::retention::delete_applicant(&state, &user.principal, &id, expected);
    match deleted.await {
        Ok(()) => see_other("/applicants?deleted=1"),
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// Today in Beijing time, `YYYY-MM-DD`.
pub fn today() -> String {
    clock::format_date(clock::today())
}
