//! 概览 (`/dashboard`): the tenant at a glance. Verdicts across applicants,
//! the documents their plans most often miss, and document expiries over the
//! next 90 days by week. Each chart is inline SVG drawn here (no chart
//! library, no CDN) and comes with a table that says the same in text.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::{Lang, Verdict};
use livegate_store::clock;
use maud::{Markup, html};

use super::errors::error_page;
use super::i18n::{t, tf};
use super::layout::{Ctx, page, respond};
use super::report::{doc_name, rm, verdict_mark};
use super::session::require_user;
use crate::{ApiError, AppState};

/// A horizontal bar chart: one labelled bar per row, the value written beside
/// it, so the chart reads without colour.
fn bars(title: &str, rows: &[(String, i64)]) -> Markup {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let (row_h, label_w, bar_w) = (28.0, 260.0, 300.0);
    let h = row_h * rows.len().max(1) as f64 + 8.0;
    html! {
        svg viewBox={ "0 0 " (label_w + bar_w + 60.0) " " (h) } role="img" aria-label=(title) {
            title { (title) }
            @for (i, (label, n)) in rows.iter().enumerate() {
                @let y = 4.0 + i as f64 * row_h;
                @let w = (*n as f64 / max * bar_w).max(if *n > 0 { 2.0 } else { 0.0 });
                text x=(label_w - 8.0) y=(y + row_h * 0.65) text-anchor="end" font-size="13" fill="#1b1f24" { (truncate(label, 22)) }
                rect x=(label_w) y=(y + 4.0) width=(w) height=(row_h - 10.0) fill="#0b5cad" {}
                text x=(label_w + w + 6.0) y=(y + row_h * 0.65) font-size="13" fill="#1b1f24" { (n) }
            }
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

/// A figure: the chart, and its data as a table.
fn figure(
    id: &str,
    title: &str,
    head: (&str, &str),
    rows: &[(String, i64)],
    empty: &str,
) -> Markup {
    html! {
        section.chart aria-labelledby=(id) {
            h2 id=(id) { (title) }
            @if rows.iter().all(|r| r.1 == 0) { p { (empty) } }
            @else {
                figure { (bars(title, rows)) }
                details {
                    summary { (head.0) " / " (head.1) }
                    table { thead { tr { th scope="col" { (head.0) } th scope="col" { (head.1) } } }
                        tbody { @for (l, n) in rows { tr { th scope="row" { (l) } td { (n) } } } } }
                }
            }
        }
    }
}

fn verdict_rows(l: Lang, counts: &[(Option<String>, i64)]) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = Verdict::ALL
        .iter()
        .map(|v| {
            let n = counts
                .iter()
                .filter(|(c, _)| c.as_deref() == Some(v.as_str()))
                .map(|c| c.1)
                .sum();
            (
                format!(
                    "{} {}",
                    verdict_mark(*v),
                    rm(l, &format!("verdict_{}", v.as_str()))
                ),
                n,
            )
        })
        .collect();
    let never: i64 = counts
        .iter()
        .filter(|(c, _)| c.is_none())
        .map(|c| c.1)
        .sum();
    rows.push((t(l, "not_evaluated"), never));
    rows
}

/// Expiries per week from today: week 1 is today and the six days after.
fn week_rows(l: Lang, today: i64, dates: &[String]) -> Vec<(String, i64)> {
    (0..13)
        .map(|w| {
            let (from, until) = (today + w * 7, today + w * 7 + 6);
            let n = dates
                .iter()
                .filter_map(|d| clock::parse_date(d))
                .filter(|d| (from..=until).contains(d))
                .count() as i64;
            (
                tf(l, "week_from", &[("date", &clock::format_date(from))]),
                n,
            )
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
    let missing: Vec<(String, i64)> = missing
        .into_iter()
        .take(10)
        .map(|(d, n)| (doc_name(rs, l, &d), n))
        .collect();
    let body = html! {
        h1 { (t(l, "dashboard_title")) }
        p.lead { (tf(l, "dashboard_lead", &[("tenant", &user.tenant_name)])) }
        (figure("verdicts", &t(l, "chart_verdicts"), (&rm(l, "verdict"), &t(l, "count_applicants")), &verdict_rows(l, &verdicts), &t(l, "chart_empty")))
        (figure("missing", &t(l, "chart_missing"), (&t(l, "document"), &t(l, "count_applicants")), &missing, &t(l, "chart_missing_empty")))
        (figure("expiries", &t(l, "chart_expiries"), (&t(l, "week"), &t(l, "count_documents")), &week_rows(l, today, &expiries), &t(l, "chart_expiries_empty")))
    };
    respond(
        StatusCode::OK,
        page(&cx, rs, &t(l, "dashboard_title"), "/dashboard", body),
    )
}
