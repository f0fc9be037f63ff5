//! 概览 (`/dashboard`): the tenant at a glance. Verdicts across applicants,
//! the documents their plans most often miss, and document expiries over the
//! next 90 days by week. Each chart is a list of labelled bars drawn here (no
//! chart library, no CDN), each row linking to the applicants behind it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::{Lang, Verdict};
use livegate_store::clock;
use maud::{Markup, html};

use super::errors::error_page;
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use super::report::{doc_name, rm, verdict_mark};
use super::session::require_user;
use crate::{ApiError, AppState};

/// A row of a chart: its label, its count, and the applicants behind it.
struct Bar {
    label: String,
    n: i64,
    href: Option<String>,
}

/// A bar chart as a list: each row's label (a link to the applicants behind
/// it), a bar drawn to scale, and the count written beside it, so it reads
/// without colour and reflows at any width.
fn bars(rows: &[Bar]) -> Markup {
    let max = rows.iter().map(|r| r.n).max().unwrap_or(1).max(1) as f64;
    html! {
        ol.bars {
            @for r in rows {
                @let width = (r.n as f64 / max * 100.0).max(if r.n > 0 { 1.0 } else { 0.0 });
                li {
                    @match &r.href {
                        Some(h) if r.n > 0 => a.label href=(h) { (r.label) },
                        _ => span.label { (r.label) },
                    }
                    svg.bar viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false" {
                        rect width=(format!("{width:.1}")) height="10" {}
                    }
                    span.n { (r.n) }
                }
            }
        }
    }
}

/// A chart with its heading, or why there is nothing to show.
fn figure(id: &str, title: &str, rows: &[Bar], empty: &str) -> Markup {
    html! {
        section.chart aria-labelledby=(id) {
            h2 id=(id) { (title) }
            @if rows.iter().all(|r| r.n == 0) { p { (empty) } }
            @else { (bars(rows)) }
        }
    }
}

fn verdict_rows(l: Lang, counts: &[(Option<String>, i64)]) -> Vec<Bar> {
    let mut rows: Vec<Bar> = Verdict::ALL
        .iter()
        .map(|v| {
            let n = counts
                .iter()
                .filter(|(c, _)| c.as_deref() == Some(v.as_str()))
                .map(|c| c.1)
                .sum();
            Bar {
                label: format!(
                    "{} {}",
                    verdict_mark(*v),
                    rm(l, &format!("verdict_{}", v.as_str()))
                ),
                n,
                href: Some(format!("/applicants?verdict={}", v.as_str())),
            }
        })
        .collect();
    let never: i64 = counts
        .iter()
        .filter(|(c, _)| c.is_none())
        .map(|c| c.1)
        .sum();
    rows.push(Bar {
        label: t(l, Key::NotEvaluated),
        n: never,
        href: None,
    });
    rows
}

/// Expiries per week from today: week 1 is today and the six days after.
fn week_rows(l: Lang, today: i64, dates: &[String]) -> Vec<Bar> {
    (0..13)
        .map(|w| {
            let (from, until) = (today + w * 7, today + w * 7 + 6);
            let n = dates
                .iter()
                .filter_map(|d| clock::parse_date(d))
                .filter(|d| (from..=until).contains(d))
                .count() as i64;
            let (from, until) = (clock::format_date(from), clock::format_date(until));
            Bar {
                label: tf(l, Key::WeekFrom, &[("date", &from)]),
                n,
                href: Some(format!(
                    "/applicants?expiring_from={from}&expiring_until={until}"
                )),
            }
        })
        .collect()
}

pub async fn page_handler(State(state): State<AppState>, cx: Ctx) -> Response {
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let tenant = user.principal.tenant_id.clone();
    let today = clock::today();
    let loaded = async {
        let verdicts = state.store.verdict_counts(&tenant).await?;
        let missing = state.store.missing_counts(&tenant).await?;
        let from = clock::format_date(today);
        let until = clock::format_date(today + 90);
        let expiries = state.store.expiry_dates(&tenant, &from, &until).await?;
        Ok::<_, ApiError>((verdicts, missing, expiries))
    };
    let (verdicts, missing, expiries) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &cx, &e),
    };
    let l = cx.lang;
    let rs = &state.ruleset;
    let missing: Vec<Bar> = missing
        .into_iter()
        .take(10)
        .map(|(d, n)| Bar {
            label: doc_name(rs, l, &d),
            n,
            href: Some(format!("/applicants?missing={d}")),
        })
        .collect();
    let body = html! {
        h1 { (t(l, Key::DashboardTitle)) }
        p.lead { (tf(l, Key::DashboardLead, &[("tenant", &user.tenant_name)])) }
        (figure("verdicts", &t(l, Key::ChartVerdicts), &verdict_rows(l, &verdicts), &t(l, Key::ChartEmpty)))
        (figure("missing", &t(l, Key::ChartMissing), &missing, &t(l, Key::ChartMissingEmpty)))
        (figure("expiries", &t(l, Key::ChartExpiries), &week_rows(l, today, &expiries), &t(l, Key::ChartExpiriesEmpty)))
    };
    respond(
        StatusCode::OK,
        page(&cx, rs, &t(l, Key::DashboardTitle), "/dashboard", body),
    )
}
