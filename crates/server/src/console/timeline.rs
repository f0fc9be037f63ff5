//! An applicant's past: its evaluations as a timeline that says what changed
//! between two of them (verdict, path statuses, missing documents), and the
//! audit trail of its writes. Stored reports are read as JSON, as kept.

use livegate_core::{Lang, Ruleset};
use livegate_store::{AuditEntry, Evaluation, TokenInfo};
use maud::{Markup, html};
use serde_json::Value;

use super::applicants::{parse_status, short_time, verdict_cell};
use super::i18n::{Key, t, tf};
use super::report::{doc_name, rm};

/// A stored report's paths: (id, status, missing documents).
fn paths(report: &Value) -> Vec<(String, String, Vec<String>)> {
    let list = report.get("paths").and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .map(|p| {
            let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let missing = p.get("missing_documents").and_then(Value::as_array);
            let missing = missing
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from);
            (s("id"), s("status"), missing.collect())
        })
        .collect()
}

/// What changed from `before` to `after`, one line each, in words.
pub fn changes(rs: &Ruleset, l: Lang, before: &Evaluation, after: &Evaluation) -> Vec<String> {
    let mut out = Vec::new();
    if before.verdict != after.verdict {
        out.push(tf(
            l,
            Key::ChangeVerdict,
            &[
                ("from", &verdict_word(l, &before.verdict)),
                ("to", &verdict_word(l, &after.verdict)),
            ],
        ));
    }
    let old = paths(&before.report);
    for (id, status, missing) in paths(&after.report) {
        let name = rs
            .paths
            .iter()
            .find(|p| p.id == id)
            .map_or(id.clone(), |p| p.name.get(l).to_string());
        let prev = old.iter().find(|(i, _, _)| *i == id);
        if let Some((_, s, _)) = prev.filter(|(_, s, _)| *s != status) {
            out.push(tf(
                l,
                Key::ChangePath,
                &[
                    ("path", &name),
                    ("from", &status_word(l, s)),
                    ("to", &status_word(l, &status)),
                ],
            ));
        }
        let was: &[String] = prev.map_or(&[], |(_, _, m)| m.as_slice());
        for d in missing.iter().filter(|d| !was.contains(d)) {
            out.push(tf(
                l,
                Key::ChangeMissingAdded,
                &[("path", &name), ("document", &doc_name(rs, l, d))],
            ));
        }
        for d in was.iter().filter(|d| !missing.contains(d)) {
            out.push(tf(
                l,
                Key::ChangeMissingRemoved,
                &[("path", &name), ("document", &doc_name(rs, l, d))],
            ));
        }
    }
    out
}

fn verdict_word(l: Lang, v: &str) -> String {
    rm(l, &format!("verdict_{v}"))
}

fn status_word(l: Lang, s: &str) -> String {
    parse_status(s).map_or_else(
        || s.to_string(),
        |st| rm(l, &format!("status_{}", st.as_str())),
    )
}

/// The evaluations, newest first, each with what changed since the one before.
pub fn history(state: &crate::AppState, l: Lang, evaluations: &[Evaluation]) -> Markup {
    let rs = &state.ruleset;
    html! {
        section id="history" aria-labelledby="history-title" {
            h2 id="history-title" { (t(l, Key::HistoryTitle)) }
            @if evaluations.is_empty() { p { (t(l, Key::HistoryNone)) } }
            ol.timeline reversed {
                @for (i, e) in evaluations.iter().enumerate().rev() {
                    li {
                        time datetime=(e.created_at) { (short_time(l, &e.created_at)) } " · "
                        (verdict_cell(l, Some(&e.verdict))) " · "
                        span.hint { (t(l, Key::RulesetVersion)) " " (e.ruleset_version) }
                        @if i > 0 {
                            @let lines = changes(rs, l, &evaluations[i - 1], e);
                            @if lines.is_empty() { p.hint { (t(l, Key::ChangeNone)) } }
                            @else { ul { @for line in lines { li { (line) } } } }
                        }
                    }
                }
            }
        }
    }
}

/// Who made an entry: the token's label, or its role and the day it was made.
fn token_name(l: Lang, tokens: &[TokenInfo], id: Option<&str>) -> String {
    let Some(id) = id else {
        return t(l, Key::AuditBySystem);
    };
    if id == "wechat" {
        return t(l, Key::AuditByWechat);
    }
    if id.starts_with("lnk_") {
        return t(l, Key::AuditByLink);
    }
    match tokens.iter().find(|k| k.id == id) {
        Some(TokenInfo {
            label: Some(label), ..
        }) => label.clone(),
        Some(k) => tf(
            l,
            Key::AuditTokenUnnamed,
            &[
                ("role", &super::layout::role_name(l, k.role)),
                ("date", k.created_at.get(..10).unwrap_or("")),
            ],
        ),
        None => t(l, Key::AuditTokenGone),
    }
}

/// The audit trail of the applicant, newest first, in names and field labels.
pub fn audit(l: Lang, rs: &Ruleset, tokens: &[TokenInfo], entries: &[AuditEntry]) -> Markup {
    html! {
        section id="audit" aria-labelledby="audit-title" {
            h2 id="audit-title" { (t(l, Key::AuditTitle)) }
            @if entries.is_empty() { p { (t(l, Key::AuditNone)) } }
            @else {
                div.table-wrap { table.rows {
                    thead { tr {
                        th scope="col" { (t(l, Key::AuditWhen)) }
                        th scope="col" { (t(l, Key::AuditAction)) }
                        th scope="col" { (t(l, Key::AuditFields)) }
                        th scope="col" { (t(l, Key::AuditToken)) }
                    } }
                    tbody { @for e in entries { tr {
                        td data-label=(t(l, Key::AuditWhen)) { (short_time(l, &e.at)) }
                        td data-label=(t(l, Key::AuditAction)) { (action_word(l, &e.action)) }
                        td data-label=(t(l, Key::AuditFields)) {
                            @let lines = super::audit_words::describe(l, rs, &e.diff);
                            @if lines.is_empty() { "—" } @else { ul.changes { @for line in lines { li { (line) } } } }
                        }
                        td data-label=(t(l, Key::AuditToken)) { (token_name(l, tokens, e.token_id.as_deref())) }
                    } } }
                } }
            }
        }
    }
}

/// An audit action in words.
fn action_word(l: Lang, action: &str) -> String {
    match action {
        "applicant.create" => t(l, Key::ActionApplicantCreate),
        "applicant.update" => t(l, Key::ActionApplicantUpdate),
        "applicant.delete" => t(l, Key::ActionApplicantDelete),
        "applicant.evaluate" => t(l, Key::ActionApplicantEvaluate),
        "document.create" => t(l, Key::ActionDocumentCreate),
        "document.update" => t(l, Key::ActionDocumentUpdate),
        "document.upload" => t(l, Key::ActionDocumentUpload),
        "document.delete" => t(l, Key::ActionDocumentDelete),
        "document.restore" => t(l, Key::ActionDocumentRestore),
        "document.submit" => t(l, Key::ActionDocumentSubmit),
        "document.verify" => t(l, Key::ActionDocumentVerify),
        "document.reject" => t(l, Key::ActionDocumentReject),
        "upload_link.create" => t(l, Key::ActionLinkCreate),
        "upload_link.revoke" => t(l, Key::ActionLinkRevoke),
        "wechat.review_result" => t(l, Key::ActionWechatResult),
        other => other.to_string(),
    }
}

/// WeChat's code-review results for the applicant, the latest first: each
/// with WeChat's reason and the category it names.
pub fn wechat(l: Lang, events: &[livegate_store::WechatEvent]) -> Markup {
    html! {
        section id="wechat" aria-labelledby="wechat-title" {
            h2 id="wechat-title" { (t(l, Key::WechatTitle)) }
            ol.timeline { @for e in events {
                li {
                    strong { (match e.event.as_str() {
                        "weapp_audit_success" => t(l, Key::WechatSuccess),
                        "weapp_audit_fail" => t(l, Key::WechatFail),
                        "weapp_audit_delay" => t(l, Key::WechatDelay),
                        other => other.to_string(),
                    }) }
                    " · " span.hint { (super::applicants::short_time(l, e.happened_at.as_deref().unwrap_or(&e.received_at))) }
                    @if let Some(c) = &e.category { br; (tf(l, Key::WechatCategoryRejected, &[("category", c)])) }
                    @if let Some(r) = &e.reason { br; span lang="zh-CN" { (r) } }
                }
            } }
        }
    }
}
