//! The applicants list as a whole: its rows as CSV under the same filters
//! (names and words in the reader's language, ids in their own columns,
//! every cell safe to open in a spreadsheet), and "evaluate all again".

use axum::extract::{RawQuery, State};
use axum::response::Response;
use livegate_core::Lang;
use livegate_store::ApplicantSummary;

use super::applicants::{REEVALUATE_MAX, display_name, filter};
use super::errors::{error_page, see_other};
use super::form::Form;
use super::i18n::{Key, t};
use super::layout::{Ctx, attachment};
use super::report::{doc_name, rm};
use super::session::{WriterPost, require_user};
use crate::{ApiError, AppState};

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
/// CR) gets a leading `'`, so it is shown as the text it is.
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Every applicant the filters let through, a page at a time.
async fn all(
    state: &AppState,
    tenant: &str,
    f: &Form,
    max: usize,
) -> Result<Vec<ApplicantSummary>, ApiError> {
    let filter = filter(f);
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = state
            .store
            .search_applicants(tenant, &filter, cursor.as_deref(), 500)
            .await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) if out.len() < max => cursor = Some(c),
            _ => break,
        }
    }
    out.truncate(max);
    Ok(out)
}

fn header_row(l: Lang, state: &AppState) -> Vec<String> {
    let mut row = vec![
        "appid".to_string(),
        t(l, Key::Applicant),
        t(l, Key::SubjectNameShort),
        rm(l, "verdict"),
        "verdict".to_string(),
    ];
    row.extend(
        state
            .ruleset
            .paths
            .iter()
            .map(|p| p.name.get(l).to_string()),
    );
    row.extend([
        t(l, Key::PlanMissing),
        "missing_documents".to_string(),
        t(l, Key::NextExpiry),
        t(l, Key::LastEvaluated),
    ]);
    row
}

fn csv_row(l: Lang, state: &AppState, s: &ApplicantSummary) -> Vec<String> {
    let rs = &state.ruleset;
    let a = &s.applicant;
    let verdict = s.last_verdict.clone().unwrap_or_default();
    let word = match verdict.as_str() {
        "" => String::new(),
        v => rm(l, &format!("verdict_{v}")),
    };
    let mut row = vec![
        a.appid.clone(),
        display_name(a),
        a.profile["subject"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        word,
        verdict,
    ];
    for p in &rs.paths {
        let st = s.last_paths.iter().find(|(id, _)| *id == p.id);
        row.push(st.map_or_else(String::new, |(_, st)| rm(l, &format!("status_{st}"))));
    }
    let names: Vec<String> = s.last_missing.iter().map(|d| doc_name(rs, l, d)).collect();
    row.extend([
        names.join(&rm(l, "list_sep")),
        s.last_missing.join(";"),
        s.next_expiry.clone().unwrap_or_default(),
        s.last_evaluated_at.clone().unwrap_or_default(),
    ]);
    row
}

/// `GET /applicants.csv?<filters>`: the whole filtered list.
pub async fn csv(State(state): State<AppState>, cx: Ctx, RawQuery(q): RawQuery) -> Response {
    let user = match require_user(&cx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let f = Form::parse(q.as_deref().unwrap_or(""));
    let rows = match all(&state, &user.principal.tenant_id, &f, usize::MAX).await {
        Ok(r) => r,
        Err(e) => return error_page(&state, &cx, &e),
    };
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let lines = std::iter::once(header_row(cx.lang, &state))
        .chain(rows.iter().map(|s| csv_row(cx.lang, &state, s)));
    for line in lines {
        if let Err(e) = w.write_record(line.iter().map(|c| safe_cell(c))) {
            return error_page(&state, &cx, &ApiError::Internal(e.to_string()));
        }
    }
    let body = w.into_inner().unwrap_or_default();
    attachment(body, "text/csv; charset=utf-8", "livegate-applicants.csv")
}

/// `POST /applicants/reevaluate?<filters>`: evaluates every applicant the
/// filters let through (up to [`REEVALUATE_MAX`]) as of today, and says how many.
pub async fn reevaluate(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, form: _ } = post;
    let f = Form::parse(q.as_deref().unwrap_or(""));
    let done = async {
        let who = &user.principal;
        let rows = all(&state, &who.tenant_id, &f, REEVALUATE_MAX as usize).await?;
        for s in &rows {
            crate::stored::evaluate_and_record(&state, who, &s.applicant.id, cx.lang).await?;
        }
        Ok::<_, ApiError>(rows.len())
    };
    match done.await {
        Ok(n) => {
            let mut back = f.clone();
            back.set("cursor", "");
            back.set("reevaluated", &n.to_string());
            see_other(&format!("/applicants?{}", back.to_query()))
        }
        Err(e) => error_page(&state, &cx, &e),
    }
}
