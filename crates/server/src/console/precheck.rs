//! 预审 (`/`): the pre-check wizard. No sign-in and nothing stored: the form
//! is a GET, so a result is a link a person can share, and the JSON report is
//! the same query at `/precheck/report.json`.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use livegate_core::{Lang, Options, Profile, Report, Ruleset};
use livegate_store::clock;
use maud::{Markup, html};

use super::checklist;
use super::form::Form;
use super::i18n::{Key, t};
use super::layout::{Ctx, page, respond};
use super::profile_form::{field_of, to_profile};
use super::wizard::{self, Errors};
use crate::AppState;

/// The form evaluated: the profile it describes and its report, or the
/// errors to show beside the fields.
pub struct Outcome {
    pub profile: Option<Profile>,
    pub report: Option<Report>,
    pub errors: Errors,
}

/// Evaluates a form through the engine, dated today in Beijing time unless
/// the form gives a date.
pub fn evaluate_form(rs: &Ruleset, f: &Form, lang: Lang) -> Outcome {
    let mut errors = Errors::new();
    let Some(mut profile) = to_profile(rs, f) else {
        return Outcome {
            profile: None,
            report: None,
            errors,
        };
    };
    if profile.as_of.is_none() {
        profile.as_of = Some(clock::format_date(clock::today()));
    }
    let opts = Options {
        lang,
        ..Default::default()
    };
    match livegate_core::evaluate(rs, &profile, &opts) {
        Ok(report) => Outcome {
            profile: Some(profile),
            report: Some(report),
            errors,
        },
        Err(e) => {
            errors.insert(field_of(&profile, &e.path), e.message);
            Outcome {
                profile: Some(profile),
                report: None,
                errors,
            }
        }
    }
}

pub async fn page_handler(
    State(state): State<AppState>,
    cx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    let mut f = Form::parse(q.as_deref().unwrap_or(""));
    let rs = &state.ruleset;
    checklist::apply_buttons(rs, &mut f);
    let out = evaluate_form(rs, &f, cx.lang);
    if let Some(r) = &out.report {
        state.metrics.evaluation(r.verdict.as_str());
    }
    let status = if out.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = html! {
        h1 { (t(cx.lang, Key::PrecheckTitle)) }
        p.lead { (t(cx.lang, Key::PrecheckLead)) }
        (wizard_form(&cx, rs, &f, &out))
    };
    respond(
        status,
        page(&cx, rs, &t(cx.lang, Key::PrecheckTitle), "/", body),
    )
}

fn wizard_form(cx: &Ctx, rs: &Ruleset, f: &Form, out: &Outcome) -> Markup {
    let l = cx.lang;
    let cats = checklist::checklist_categories(rs, f, out.report.as_ref());
    let ticks = checklist::Ticks::default();
    html! {
        div.wizard {
            form id="precheck" method="get" action="/" data-live="/" {
                (wizard::subject(l, rs, f, &out.errors))
                (checklist::categories(l, rs, f, &out.errors, (Some(&ticks), checklist::Level::H2)))
                (wizard::activities(l, rs, f, &out.errors))
                (checklist::documents(l, rs, f, &cats, &out.errors, &ticks))
                div.field {
                    label for="as_of" { (t(l, Key::AsOf)) }
                    input type="date" id="as_of" name="as_of" value=[f.get("as_of")];
                    p.hint { (t(l, Key::AsOfHint)) }
                }
                div.actions { button type="submit" { (t(l, Key::Check)) } }
            }
            (verdict_bar(l, out.report.as_ref()))
            div id="result" { (result_block(l, rs, f, out)) }
        }
    }
}

/// The verdict in one line, sticky at the foot of a narrow screen and
/// linking to the result; the only part announced when the result changes.
fn verdict_bar(l: Lang, r: Option<&Report>) -> Markup {
    use super::report::{rm, verdict_mark};
    html! {
        p.verdict-bar.no-print id="verdict-bar" role="status" aria-atomic="true" {
            @if let Some(r) = r {
                span.bar-text {
                    (rm(l, "verdict")) (rm(l, "colon")) (verdict_mark(r.verdict)) " "
                    (rm(l, &format!("verdict_{}", r.verdict.as_str())))
                }
                " "
                a.bar-link href="#result-title" { (t(l, Key::JumpToResult)) }
            }
        }
    }
}

/// The result column: the report, its actions, or why there is none yet.
fn result_block(l: Lang, rs: &Ruleset, f: &Form, out: &Outcome) -> Markup {
    html! {
        @if let Some(r) = &out.report {
            (print_head(l, out.profile.as_ref()))
            @if let Some(p) = &out.profile { div.print-only { (super::inputs::summary(l, rs, p)) } }
            (super::report::result(l, rs, r))
            (result_actions(l, f, out.profile.as_ref()))
            p.sign-off.print-only { (t(l, Key::SignOff)) }
        } @else if !out.errors.is_empty() {
            p.error role="alert" { (t(l, Key::FormHasErrors)) }
        } @else {
            p.hint { (t(l, Key::ResultEmpty)) }
        }
    }
}

/// Whose report a printed pre-check is: the subject and the AppID typed.
fn print_head(l: Lang, profile: Option<&Profile>) -> Markup {
    let subject = profile
        .and_then(|p| p.subject.name.as_deref())
        .filter(|s| !s.trim().is_empty());
    html! {
        p.print-only.print-head {
            strong { (t(l, Key::PrintTitle)) } " · "
            (t(l, Key::SubjectNameShort)) (super::report::rm(l, "colon")) (subject.unwrap_or("—"))
        }
    }
}

fn result_actions(l: Lang, f: &Form, profile: Option<&Profile>) -> Markup {
    let json = profile
        .and_then(|p| serde_json::to_string_pretty(p).ok())
        .unwrap_or_default();
    html! {
        div.actions.no-print {
            a.button href={ "/precheck/report.json?" (f.to_query()) } download="livegate-report.json" { (t(l, Key::DownloadReport)) }
            button type="button" data-print hidden { (t(l, Key::Print)) }
            button type="button" data-copy="#profile-json" data-done=(t(l, Key::Copied)) data-failed=(t(l, Key::CopyFailed)) hidden { (t(l, Key::CopyProfile)) }
            span.copied role="status" {}
        }
        details.no-print {
            summary { (t(l, Key::ProfileJson)) }
            pre id="profile-json" { (json) }
        }
    }
}

/// The report of the same query as JSON, as a download.
pub async fn report_json(
    State(state): State<AppState>,
    cx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    let mut f = Form::parse(q.as_deref().unwrap_or(""));
    checklist::apply_buttons(&state.ruleset, &mut f);
    let out = evaluate_form(&state.ruleset, &f, cx.lang);
    let body = match (&out.report, out.errors.values().next()) {
        (Some(r), _) => serde_json::to_vec_pretty(r).unwrap_or_default(),
        (None, Some(e)) => return crate::ApiError::invalid("", e.clone()).into_response(),
        (None, None) => {
            return crate::ApiError::invalid("subject", t(cx.lang, Key::ChooseSubject))
                .into_response();
        }
    };
    super::layout::attachment(body, "application/json", "livegate-report.json")
}
