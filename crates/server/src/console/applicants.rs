//! 申请主体/小程序 (`/applicants`): the tenant's mini programs with their
//! verdict, each path's status, the next expiry and the last evaluation;
//! filters, search and pages; and the form for a new one.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::report::PathStatus;
use livegate_core::{Lang, Ruleset, Verdict};
use livegate_store::{ApplicantFilter, ApplicantSort, ApplicantSummary, Page, clock};
use maud::{Markup, html};

use super::checklist;
use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use super::profile_form::{field_of, to_profile};
use super::report::{category_name, doc_title, rm, status_badge, verdict_badge};
use super::session::{WriterPost, require_user};
use super::wizard::{self, Errors};
use crate::{ApiError, AppState};

const PAGE_SIZE: usize = 25;

/// The filters as the form gives them.
pub fn filter(f: &Form) -> ApplicantFilter {
    let today = clock::today();
    let date = |k: &str| f.get(k).and_then(clock::parse_date).map(clock::format_date);
    let within = f
        .get("expiring")
        .and_then(|d| d.parse::<i64>().ok())
        .map(|d| clock::format_date(today + d.clamp(0, 3650)));
    ApplicantFilter {
        verdict: f.text("verdict"),
        path_status: f
            .get("path_status")
            .and_then(|v| v.split_once('='))
            .map(|(p, s)| (p.to_string(), s.to_string())),
        category: f.text("category"),
        expiring_until: date("expiring_until").or(within),
        expiring_from: date("expiring_from"),
        missing: f
            .text("missing")
            .filter(|d| d.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
        // A control character is no part of a name (and PostgreSQL refuses NUL).
        text: f
            .text("q")
            .map(|q| q.chars().filter(|c| !c.is_control()).collect::<String>())
            .filter(|q| !q.trim().is_empty()),
        today: clock::format_date(today),
        sort: match f.get("sort") {
            Some("name") => ApplicantSort::Name,
            Some("verdict") => ApplicantSort::Verdict,
            Some("evaluated") => ApplicantSort::Evaluated,
            _ => ApplicantSort::Created,
        },
    }
}

/// A column heading that sorts the list by it (keeping the filters).
fn sort_heading(l: Lang, f: &Form, key: &str, label: &str) -> Markup {
    let mut q = f.clone();
    q.set("cursor", "");
    q.set("sort", key);
    let current = f.get("sort") == Some(key);
    html! {
        th scope="col" aria-sort=[current.then_some(if key == "evaluated" { "descending" } else { "ascending" })] {
            a href={ "/applicants?" (q.to_query()) } aria-label=(tf(l, Key::SortBy, &[("column", label)])) {
                (label) @if current { " " span aria-hidden="true" { (if key == "evaluated" { "↓" } else { "↑" }) } }
            }
        }
    }
}

pub async fn list(State(state): State<AppState>, cx: Ctx, RawQuery(q): RawQuery) -> Response {
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let f = Form::parse(q.as_deref().unwrap_or(""));
    let tenant = &user.principal.tenant_id;
    let result = state
        .store
        .search_applicants(tenant, &filter(&f), f.get("cursor"), PAGE_SIZE)
        .await;
    let rows = match result {
        Ok(p) => p,
        Err(e) => return error_page(&state, &cx, &e.into()),
    };
    let total = match state.store.count_applicants(tenant, &filter(&f)).await {
        Ok(n) => n,
        Err(e) => return error_page(&state, &cx, &e.into()),
    };
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::ApplicantsTitle)) }
        @if f.get("deleted").is_some() { p role="status" { (t(l, Key::ApplicantDeleted)) } }
        @if let Some(n) = f.get("reevaluated") { p role="status" { (tf(l, Key::ApplicantsReevaluated, &[("n", n)])) } }
        @if user.can_write() {
            p { a.button href="/applicants/new" { (t(l, Key::ApplicantNew)) } }
        }
        (filters(l, &state.ruleset, &f))
        p.total role="status" { (tf(l, Key::ApplicantsTotal, &[("n", &total.to_string())])) }
        (list_actions(&cx, &f, user.can_write(), total))
        (table(l, &state.ruleset, &f, &rows))
        (pager(l, &f, &rows))
    };
    respond(
        StatusCode::OK,
        page(
            &cx,
            &state.ruleset,
            &t(l, Key::ApplicantsTitle),
            "/applicants",
            body,
        ),
    )
}

fn filters(l: Lang, rs: &Ruleset, f: &Form) -> Markup {
    let cur = |k: &str| f.get(k).unwrap_or("").to_string();
    html! {
        form.filters method="get" action="/applicants" role="search" {
            @if let Some(sort) = f.get("sort") { input type="hidden" name="sort" value=(sort); }
            div.field {
                label for="q" { (t(l, Key::SearchNameAppid)) }
                input type="search" id="q" name="q" value=(cur("q"));
            }
            div.field {
                label for="verdict" { (rm(l, "verdict")) }
                select id="verdict" name="verdict" {
                    option value="" { (t(l, Key::Any)) }
                    @for v in Verdict::ALL {
                        option value=(v.as_str()) selected[cur("verdict") == v.as_str()] { (rm(l, &format!("verdict_{}", v.as_str()))) }
                    }
                }
            }
            div.field {
                label for="path_status" { (t(l, Key::PathStatus)) }
                select id="path_status" name="path_status" {
                    option value="" { (t(l, Key::Any)) }
                    @for p in &rs.paths {
                        @for s in [PathStatus::Available, PathStatus::Pending, PathStatus::Actionable, PathStatus::Blocked] {
                            @let v = format!("{}={}", p.id, s.as_str());
                            option value=(v) selected[cur("path_status") == v] {
                                (p.name.get(l)) (rm(l, "colon")) (rm(l, &format!("status_{}", s.as_str())))
                            }
                        }
                    }
                }
            }
            div.field {
                label for="category" { (t(l, Key::Category)) }
                select id="category" name="category" {
                    option value="" { (t(l, Key::Any)) }
                    @for c in &rs.categories {
                        option value=(c.id) selected[cur("category") == c.id] { (category_name(l, rs, &c.label())) }
                    }
                }
            }
            div.field {
                label for="expiring" { (t(l, Key::ExpiringWithinDays)) }
                input type="number" id="expiring" name="expiring" min="0" max="3650" value=(cur("expiring"));
            }
            div.actions { button type="submit" { (t(l, Key::ApplyFilters)) } a href="/applicants" { (t(l, Key::ClearFilters)) } }
        }
    }
}

/// The list's own actions: its rows as CSV, and evaluating them all again.
fn list_actions(cx: &Ctx, f: &Form, writer: bool, total: i64) -> Markup {
    let l = cx.lang;
    let query = without_cursor(f);
    html! {
        div.actions.no-print {
            a.button.secondary href={ "/applicants.csv?" (query) } download { (t(l, Key::ApplicantsCsv)) }
            @if writer && total > 0 {
                form.inline method="post" action={ "/applicants/reevaluate?" (query) } {
                    (cx.csrf())
                    button.secondary type="submit" { (tf(l, Key::ApplicantsReevaluate, &[("n", &total.min(REEVALUATE_MAX).to_string())])) }
                }
            }
        }
    }
}

/// The most applicants one press of "evaluate again" takes on.
pub const REEVALUATE_MAX: i64 = 1000;

fn table(l: Lang, rs: &Ruleset, f: &Form, rows: &Page<ApplicantSummary>) -> Markup {
    html! {
        @if rows.items.is_empty() {
            p { (t(l, Key::ApplicantsNone)) }
        } @else {
            div.table-wrap {
                table.applicants.rows {
                    caption.hint { (t(l, Key::ApplicantsCaption)) }
                    thead { tr {
                        (sort_heading(l, f, "name", &t(l, Key::Applicant)))
                        th scope="col" { (t(l, Key::SubjectNameShort)) }
                        (sort_heading(l, f, "verdict", &rm(l, "verdict")))
                        @for p in &rs.paths { th scope="col" { (p.name.get(l)) } }
                        th scope="col" { (t(l, Key::PlanMissing)) }
                        th scope="col" { (t(l, Key::NextExpiry)) }
                        (sort_heading(l, f, "evaluated", &t(l, Key::LastEvaluated)))
                    } }
                    tbody { @for s in &rows.items { (row(l, rs, s)) } }
                }
            }
        }
    }
}

fn row(l: Lang, rs: &Ruleset, s: &ApplicantSummary) -> Markup {
    let a = &s.applicant;
    let name = display_name(a);
    let subject = a.profile["subject"]["name"].as_str().unwrap_or("—");
    html! {
        tr {
            th scope="row" {
                a href={ "/applicants/" (a.id) } { (name) }
                @if name != a.appid { br; span.hint { (a.appid) } }
            }
            td data-label=(t(l, Key::SubjectNameShort)) { (subject) }
            td data-label=(rm(l, "verdict")) { (verdict_cell(l, s.last_verdict.as_deref())) }
            @for p in &rs.paths {
                td data-label=(p.name.get(l)) { (path_cell(l, s, &p.id)) }
            }
            td data-label=(t(l, Key::PlanMissing)) { (missing_cell(l, rs, &s.last_missing)) }
            td data-label=(t(l, Key::NextExpiry)) { (s.next_expiry.as_deref().unwrap_or("—")) }
            td data-label=(t(l, Key::LastEvaluated)) { (s.last_evaluated_at.as_deref().map(|at| short_time(l, at)).unwrap_or_else(|| t(l, Key::Never))) }
        }
    }
}

/// A path's status in the list; once the applicant can go live (or waits
/// only for WeChat), a path with work left is not needed and says so quietly.
fn path_cell(l: Lang, s: &ApplicantSummary, path: &str) -> Markup {
    let status = s
        .last_paths
        .iter()
        .find(|(id, _)| *id == path)
        .and_then(|(_, st)| parse_status(st));
    let settled = matches!(s.last_verdict.as_deref(), Some("eligible" | "pending"));
    html! {
        @match status {
            Some(PathStatus::Actionable) if settled => span.hint { (t(l, Key::PathNotNeededShort)) },
            Some(st) => (status_badge(l, st)),
            None => "—",
        }
    }
}

/// The documents the plan still misses: the first two by name, and how many more.
fn missing_cell(l: Lang, rs: &Ruleset, missing: &[String]) -> Markup {
    let names: Vec<String> = missing
        .iter()
        .take(2)
        .map(|d| doc_title(rs, l, d))
        .collect();
    html! {
        @if missing.is_empty() { "—" } @else {
            (names.join(&rm(l, "list_sep")))
            @if missing.len() > 2 { " " (tf(l, Key::AndMore, &[("n", &(missing.len() - 2).to_string())])) }
        }
    }
}

/// What a person calls an applicant: its own name, else its subject's
/// name (主体名称), else its AppID.
pub fn display_name(a: &livegate_store::Applicant) -> String {
    let subject = a.profile["subject"]["name"].as_str();
    [a.name.as_deref(), subject]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or(&a.appid)
        .to_string()
}

pub fn verdict_cell(l: Lang, v: Option<&str>) -> Markup {
    match v.and_then(parse_verdict) {
        Some(v) => verdict_badge(l, v),
        None => html! { (t(l, Key::NotEvaluated)) },
    }
}

pub fn parse_verdict(s: &str) -> Option<Verdict> {
    Verdict::ALL.into_iter().find(|v| v.as_str() == s)
}

pub fn parse_status(s: &str) -> Option<PathStatus> {
    [
        PathStatus::Available,
        PathStatus::Pending,
        PathStatus::Actionable,
        PathStatus::Blocked,
    ]
    .into_iter()
    .find(|p| p.as_str() == s)
}

/// `2026-11-28T20:34:56.789Z` → `2026-11-29 04:34 北京时间`: the console's
/// dates are Beijing dates, so its times are Beijing times too.
pub fn short_time(l: Lang, s: &str) -> String {
    let parts = (
        s.get(..10).and_then(clock::parse_date),
        s.get(11..13).and_then(|h| h.parse::<i64>().ok()),
        s.get(14..16),
    );
    match parts {
        (Some(day), Some(hour), Some(min)) => {
            let h = hour + 8;
            let date = clock::format_date(day + h / 24);
            format!("{date} {:02}:{min} {}", h % 24, t(l, Key::BeijingTime))
        }
        _ => s.to_string(),
    }
}

fn pager(l: Lang, f: &Form, rows: &Page<ApplicantSummary>) -> Markup {
    let next = rows.next_cursor.as_ref().map(|c| {
        let mut next = f.clone();
        next.set("cursor", c);
        next.to_query()
    });
    html! {
        nav.pager aria-label=(t(l, Key::Pages)) {
            @if f.get("cursor").is_some() {
                a href={ "/applicants?" (without_cursor(f)) } { (t(l, Key::FirstPage)) }
            }
            @if let Some(q) = &next {
                a href={ "/applicants?" (q) } rel="next" { (t(l, Key::NextPage)) }
            }
        }
    }
}

fn without_cursor(f: &Form) -> String {
    let mut g = f.clone();
    g.set("cursor", "");
    g.to_query()
}

/// The form for a new applicant: appid, name and the profile's controls.
pub async fn new_page(State(state): State<AppState>, cx: Ctx) -> Response {
    if let Err(r) = require_user(&cx) {
        return r;
    }
    new_form(
        &state,
        &cx,
        &Form::default(),
        &Errors::new(),
        StatusCode::OK,
    )
}

fn new_form(state: &AppState, cx: &Ctx, f: &Form, errors: &Errors, status: StatusCode) -> Response {
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::ApplicantNew)) }
        form method="post" action="/applicants" {
            (cx.csrf())
            (identity_fields(l, f, errors))
            (wizard::subject(l, &state.ruleset, f, errors))
            (checklist::categories(l, &state.ruleset, f, errors, (None, checklist::Level::H2)))
            (wizard::activities(l, &state.ruleset, f, errors))
            div.actions { button type="submit" { (t(l, Key::Create)) } }
        }
    };
    respond(
        status,
        page(
            cx,
            &state.ruleset,
            &t(l, Key::ApplicantNew),
            "/applicants",
            body,
        ),
    )
}

/// The appid and name of an applicant.
pub fn identity_fields(l: Lang, f: &Form, errors: &Errors) -> Markup {
    html! {
        fieldset.step {
            legend { (t(l, Key::Applicant)) }
            @for (name, label, hint) in [("appid", t(l, Key::Appid), "wx0123456789abcdef"), ("name", t(l, Key::ApplicantName), "")] {
                div.field {
                    label for=(name) { (label) }
                    input type="text" id=(name) name=(name) value=[f.get(name)] placeholder=(hint)
                        required[name == "appid"] aria-invalid=[errors.get(name).map(|_| "true")]
                        aria-describedby=[errors.get(name).map(|_| format!("err-{name}"))];
                    @if let Some(e) = errors.get(name) { p.error id={ "err-" (name) } role="alert" { (e) } }
                }
            }
        }
    }
}

/// Errors of a write as the fields they belong to.
pub fn field_errors(l: Lang, profile: &livegate_core::Profile, e: &ApiError) -> Option<Errors> {
    match e {
        ApiError::Validation(list) => Some(
            list.iter()
                .map(|fe| (field_of(profile, &fe.path), fe.message.clone()))
                .collect(),
        ),
        ApiError::Duplicate(_) => {
            Some(Errors::from([("appid".to_string(), t(l, Key::AppidTaken))]))
        }
        _ => None,
    }
}

pub async fn create(State(state): State<AppState>, post: WriterPost) -> Response {
    let WriterPost {
        cx,
        user,
        form: mut f,
    } = post;
    if checklist::apply_buttons(&state.ruleset, &mut f) {
        // Adding or removing a category changes the form, not the store.
        return new_form(&state, &cx, &f, &Errors::new(), StatusCode::OK);
    }
    let Some(profile) = to_profile(&state.ruleset, &f) else {
        let errors = Errors::from([("subject".to_string(), t(cx.lang, Key::ChooseSubject))]);
        return new_form(&state, &cx, &f, &errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let saved = async {
        let input = crate::stored::check_applicant(&state, profile.clone(), cx.lang)?;
        let a = state.store.create_applicant(&user.principal, input).await?;
        crate::stored::evaluate_and_record(&state, &user.principal, &a.id, cx.lang).await?;
        Ok::<_, ApiError>(a.id)
    };
    match saved.await {
        Ok(id) => see_other(&format!("/applicants/{id}")),
        Err(e) => match field_errors(cx.lang, &profile, &e) {
            Some(errors) => new_form(&state, &cx, &f, &errors, StatusCode::UNPROCESSABLE_ENTITY),
            None => error_page(&state, &cx, &e),
        },
    }
}
