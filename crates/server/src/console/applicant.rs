//! One applicant (`/applicants/{id}`): the profile form saved under the
//! ETag rules (a conflicting edit is explained, never overwritten), its
//! documents, the current report, the history of evaluations as a timeline,
//! and its audit trail. Viewers see no edit controls, and the server refuses
//! their writes whatever a page shows.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::{Lang, Options, Profile};
use livegate_store::{
    Applicant, AuditEntry, DeletedDocument, Document, Evaluation, ReviewPolicy, TokenInfo,
    UploadLink,
};
use maud::{Markup, html};

use super::applicant_actions;
use super::applicants::{display_name, field_errors, identity_fields};
use super::checklist;
use super::documents;
use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::inputs;
use super::layout::{self, Ctx, respond};
use super::profile_form::{to_form, to_profile};
use super::report::rm;
use super::session::{SignedIn, WriterPost, require_user};
use super::timeline;
use super::wizard::{self, Errors};
use crate::{ApiError, AppState};

/// What the page shows beside the form.
struct Loaded {
    applicant: Applicant,
    documents: Vec<Document>,
    deleted: Vec<DeletedDocument>,
    evaluations: Vec<Evaluation>,
    audit: Vec<AuditEntry>,
    tokens: Vec<TokenInfo>,
    policy: ReviewPolicy,
    links: Vec<UploadLink>,
    wechat: Vec<livegate_store::WechatEvent>,
}

async fn load(state: &AppState, tenant: &str, id: &str) -> Result<Loaded, ApiError> {
    let applicant = state.store.get_applicant(tenant, id).await?;
    let documents = state.store.list_documents(tenant, id).await?;
    let deleted = state.store.deleted_documents(tenant, id).await?;
    let evaluations = state.store.evaluation_briefs(tenant, id, 100).await?;
    let audit = state.store.applicant_audit(tenant, id, 100).await?;
    let tokens = state.store.list_tokens(tenant).await?;
    let policy = state.store.review_policy(tenant).await?;
    let links = state.store.upload_links(tenant, id).await?;
    let wechat = state.store.wechat_events(tenant, id).await?;
    Ok(Loaded {
        applicant,
        documents,
        deleted,
        evaluations,
        audit,
        tokens,
        policy,
        links,
        wechat,
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

/// What the page was asked for: a date to look at it on, a document to add.
#[derive(Default)]
struct View {
    on: Option<String>,
    add: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let query = Form::parse(q.as_deref().unwrap_or(""));
    let view = View {
        on: applicant_actions::chosen_date(&query),
        add: query.text("add"),
    };
    match load(&state, &user.principal.tenant_id, &id).await {
        Ok(data) => {
            let f = stored_form(&state, &data.applicant);
            let page = Page {
                data: &data,
                f: &f,
                errors: &Errors::new(),
                notice: None,
                view: &view,
            };
            render(&state, &cx, user, page, StatusCode::OK)
        }
        Err(e) => error_page(&state, &cx, &e),
    }
}

/// One rendering of the applicant page.
struct Page<'a> {
    data: &'a Loaded,
    f: &'a Form,
    errors: &'a Errors,
    notice: Option<Markup>,
    view: &'a View,
}

fn render(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    p: Page<'_>,
    status: StatusCode,
) -> Response {
    let l = cx.lang;
    let a = &p.data.applicant;
    let title = display_name(a);
    let body = html! {
        p.no-print { a href="/applicants" { "← " (t(l, Key::ApplicantsTitle)) } }
        h1 { (title) }
        p.hint.identity { (t(l, Key::Appid)) (rm(l, "colon")) (a.appid)
            @if let Some(s) = subject_of(a) { " · " (t(l, Key::SubjectNameShort)) (rm(l, "colon")) (s) } }
        @if let Some(n) = p.notice { (n) }
        (applicant_actions::bar(cx, user, &a.id, a.version))
        (sections_nav(l))
        (current_report(state, cx, user, p.data, p.view))
        (profile_section(state, cx, user, a, p.f, p.errors))
        (documents::section(state, cx, user, a, (&p.data.documents, &p.data.deleted), p.view.add.as_deref()))
        div.no-print { (super::links::section(cx, user, a, &p.data.links)) }
        @if !p.data.wechat.is_empty() { (timeline::wechat(l, &p.data.wechat)) }
        (timeline::history(state, l, &p.data.evaluations))
        (timeline::audit(l, &state.ruleset, &p.data.tokens, &p.data.audit))
        (sign_off(l))
    };
    respond(
        status,
        layout::page(cx, &state.ruleset, &title, "/applicants", body),
    )
}

/// The subject's name a stored profile carries.
fn subject_of(a: &Applicant) -> Option<&str> {
    a.profile["subject"]["name"]
        .as_str()
        .filter(|s| !s.trim().is_empty())
}

/// The page's parts, as in-page links (and tabs a person can jump between).
fn sections_nav(l: Lang) -> Markup {
    html! {
        nav.sections.no-print aria-label=(t(l, Key::ApplicantSections)) {
            ul {
                @for (href, key) in [("#report", Key::SectionSummary), ("#documents", Key::DocumentsTitle), ("#links", Key::LinksTitle),
                    ("#history", Key::HistoryTitle), ("#audit", Key::AuditTitle), ("#profile", Key::ProfileTitle)] {
                    li { a href=(href) { (t(l, key)) } }
                }
            }
        }
    }
}

/// The profile as stored (without its documents).
fn stored_profile(a: &Applicant) -> Profile {
    serde_json::from_value(a.profile.clone()).unwrap_or_default()
}

/// The printed 预审报告 ends with a line to sign.
fn sign_off(l: Lang) -> Markup {
    html! { p.sign-off.print-only { (t(l, Key::SignOff)) } }
}

/// The report of the stored profile and documents as of today (or the day
/// the person chose to look at), in the reader's language; the history keeps
/// the reports as they were made.
fn current_report(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    data: &Loaded,
    view: &View,
) -> Markup {
    let l = cx.lang;
    let stored = stored_profile(&data.applicant);
    let (counted, held) =
        crate::review::counted(data.policy, data.documents.clone()).unwrap_or_default();
    let mut profile = stored.clone();
    profile.documents = counted;
    crate::stored::dated(&mut profile);
    if let Some(d) = &view.on {
        profile.as_of = Some(d.clone());
    }
    let on_file = crate::stored::OnFile { profile, held };
    let opts = Options {
        lang: l,
        ..Default::default()
    };
    let a = &data.applicant;
    let add = user.can_write().then(|| format!("/applicants/{}", a.id));
    html! {
        section id="report" aria-labelledby="report-title" {
            h2 id="report-title" { (t(l, Key::SectionSummary)) }
            (date_line(cx, user, a, view, stored.as_of.as_deref()))
            div.print-only { (inputs::summary(l, &state.ruleset, &stored)) }
            @match crate::stored::evaluate_on_file(&state.ruleset, &on_file, &opts) {
                Ok(r) => (super::report::result_for(l, &state.ruleset, &r, add.as_deref())),
                Err(e) => p.error role="alert" { (e.message) },
            }
        }
    }
}

/// Which day the report is for, a form to look at another, and a warning
/// about a date the stored profile carries (which never dates it).
fn date_line(
    cx: &Ctx,
    user: &SignedIn,
    a: &Applicant,
    view: &View,
    stored: Option<&str>,
) -> Markup {
    let l = cx.lang;
    let today = applicant_actions::today();
    html! {
        form.filters.no-print method="get" action={ "/applicants/" (a.id) } {
            p.evaluated-on {
                @match &view.on {
                    Some(d) => { (tf(l, Key::EvaluatedOnChosen, &[("date", d)])) " " a href={ "/applicants/" (a.id) } { (t(l, Key::BackToToday)) } }
                    None => (tf(l, Key::EvaluatedOnToday, &[("date", &today)])),
                }
            }
            div.field {
                label for="on" { (t(l, Key::LookOnDate)) }
                input type="date" id="on" name="on" value=[view.on.as_deref()];
            }
            div.actions { button.secondary type="submit" { (t(l, Key::Look)) } }
        }
        @if let Some(d) = stored {
            div.warn role="note" {
                p {
                    (tf(l, Key::StoredAsOf, &[("date", d)]))
                    @if d < today.as_str() { " " (t(l, Key::StoredAsOfPast)) }
                }
                @if user.can_write() {
                    form method="post" action={ "/applicants/" (a.id) "/clear-date" } {
                        (cx.csrf())
                        input type="hidden" name="version" value=(a.version);
                        button.secondary type="submit" { (t(l, Key::StoredAsOfClear)) }
                    }
                }
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
            h2 id="profile-title" { (t(l, Key::ProfileTitle)) }
            @if user.can_write() {
                form method="post" action={ "/applicants/" (a.id) } {
                    (cx.csrf())
                    input type="hidden" name="version" value=[f.get("version")];
                    (identity_fields(l, f, errors))
                    (wizard::subject(l, rs, f, errors))
                    (checklist::categories(l, rs, f, errors, (None, checklist::Level::H3)))
                    (wizard::activities(l, rs, f, errors))
                    div.actions { button type="submit" { (t(l, Key::Save)) } }
                }
            } @else {
                p.hint { (t(l, Key::ReadOnly)) }
                (inputs::summary(l, rs, &stored_profile(a)))
            }
        }
    }
}

/// Saves the profile if nobody changed it since the form was read.
pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    post: WriterPost,
) -> Response {
    let WriterPost {
        cx,
        user,
        form: mut f,
    } = post;
    if checklist::apply_buttons(&state.ruleset, &mut f) {
        return unsaved(&state, &cx, &user, &id, &f).await;
    }
    let expected = f.version();
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
    let saved = crate::stored::save_profile(
        &state,
        &user.principal,
        &id,
        expected,
        profile.clone(),
        cx.lang,
    );
    match saved.await {
        Ok(()) => see_other(&format!("/applicants/{id}#report")),
        Err(e) => refused(&state, &cx, &user, &id, &f, &profile, e).await,
    }
}

/// The form after adding or removing a category: changed, not saved yet.
async fn unsaved(state: &AppState, cx: &Ctx, user: &SignedIn, id: &str, f: &Form) -> Response {
    let data = match load(state, &user.principal.tenant_id, id).await {
        Ok(d) => d,
        Err(e) => return error_page(state, cx, &e),
    };
    let notice = html! { p.warn role="status" { (t(cx.lang, Key::CategoriesNotSaved)) } };
    let page = Page {
        data: &data,
        f,
        errors: &Errors::new(),
        notice: Some(notice),
        view: &View::default(),
    };
    render(state, cx, user, page, StatusCode::OK)
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
                p { (tf(l, Key::Conflict, &[("version", &current.to_string())])) }
                p { a href={ "/applicants/" (id) } { (t(l, Key::ConflictReload)) } }
            }
        };
        let view = View::default();
        let page = Page {
            data: &data,
            f,
            errors: &Errors::new(),
            notice: Some(notice),
            view: &view,
        };
        return render(state, cx, user, page, StatusCode::CONFLICT);
    }
    match field_errors(l, p, &e) {
        Some(errors) => {
            let view = View::default();
            let page = Page {
                data: &data,
                f,
                errors: &errors,
                notice: None,
                view: &view,
            };
            render(state, cx, user, page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        None => error_page(state, cx, &e),
    }
}
