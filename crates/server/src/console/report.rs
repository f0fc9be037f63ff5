//! A report as the console shows it: the verdict, one card per access path,
//! the nearest alternative's missing documents by their full names, the plan
//! as numbered steps, the findings by severity with their sources, and the
//! ruleset and date it was made with. It only phrases the report; it never
//! decides anything itself.

use livegate_core::catalog::msg;
use livegate_core::report::{AlternativeReport, Finding, PathReport, PathStatus};
use livegate_core::ruleset::Severity;
use livegate_core::text::quote;
use livegate_core::{Lang, Report, Ruleset, Verdict};
use maud::{Markup, html};

use super::i18n::{t, tf};

/// A word of the report's own vocabulary (verdicts, statuses, severities),
/// from the engine's catalogue so the console and `check` say the same.
pub fn rm(l: Lang, key: &str) -> String {
    msg(key, l, &[])
}

/// A symbol beside every status word, so colour is never the only sign.
pub fn verdict_mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "✓",
        Verdict::Pending => "…",
        Verdict::NeedsAction => "✗",
        Verdict::Ineligible => "⊘",
    }
}

pub fn status_mark(s: PathStatus) -> &'static str {
    match s {
        PathStatus::Available => "✓",
        PathStatus::Pending => "…",
        PathStatus::Actionable => "✗",
        PathStatus::Blocked => "⊘",
    }
}

/// The verdict as a badge: symbol, word and a class for colour.
pub fn verdict_badge(l: Lang, v: Verdict) -> Markup {
    let key = format!("verdict_{}", v.as_str());
    html! {
        span class={ "badge v-" (v.as_str()) } data-verdict=(v.as_str()) {
            span aria-hidden="true" { (verdict_mark(v)) " " } (rm(l, &key))
        }
    }
}

pub fn status_badge(l: Lang, s: PathStatus) -> Markup {
    let key = format!("status_{}", s.as_str());
    html! {
        span class={ "badge s-" (s.as_str()) } data-status=(s.as_str()) {
            span aria-hidden="true" { (status_mark(s)) " " } (rm(l, &key))
        }
    }
}

/// A document id of the report as its full name.
pub fn doc_name(rs: &Ruleset, l: Lang, id: &str) -> String {
    rs.lookups.documents.get(id).map_or_else(
        || id.to_string(),
        |i| rs.documents[i].name.get(l).to_string(),
    )
}

/// A document id of the report as its title (《name》 in Chinese).
pub fn doc_title(rs: &Ruleset, l: Lang, id: &str) -> String {
    livegate_core::text::doc_title(&doc_name(rs, l, id), l)
}

/// The whole result section.
pub fn result(l: Lang, rs: &Ruleset, r: &Report) -> Markup {
    html! {
        section.result aria-labelledby="result-title" data-verdict=(r.verdict.as_str()) {
            h2 id="result-title" { (t(l, "result_title")) }
            p.verdict { (rm(l, "verdict")) (rm(l, "colon")) (verdict_badge(l, r.verdict)) }
            @if !r.assumed_approved.is_empty() {
                p.hint { (msg("assumed_approved", l, &[("categories", &r.assumed_approved.join(&rm(l, "list_sep")))])) }
            }
            (dates(l, r))
            h3 { (rm(l, "paths")) }
            div.cards { @for p in &r.paths { (path_card(l, rs, p)) } }
            (plan(l, r))
            (findings(l, r))
        }
    }
}

fn dates(l: Lang, r: &Report) -> Markup {
    html! {
        p.meta {
            (t(l, "ruleset_version")) " " (r.ruleset.version) " · "
            (t(l, "ruleset_as_of")) " " (r.ruleset.as_of)
            @if let Some(d) = &r.as_of { " · " (t(l, "evaluated_on")) " " (d) }
        }
    }
}

fn path_card(l: Lang, rs: &Ruleset, p: &PathReport) -> Markup {
    let nearest: Vec<&AlternativeReport> = p.alternatives.iter().filter(|a| a.nearest).collect();
    html! {
        article class={ "card s-" (p.status.as_str()) } data-path=(p.id) {
            h4 { (p.name) }
            p { (status_badge(l, p.status)) }
            @if p.scenarios.is_empty() {
                @if let Some(way) = p.via.as_deref().and_then(|v| way_text(l, rs, &p.id, v)) {
                    p.via { (t(l, "opened_by")) " " (way) }
                }
            } @else {
                ul.scenarios { @for c in &p.scenarios {
                    li data-scenario=(c.scenario.id) {
                        (msg("scenario_covered", l, &[("scenario", &quote(&c.scenario.name, l)), ("way", &c.opened_by)]))
                    }
                } }
            }
            @if !p.unserved_scenarios.is_empty() {
                @let names: Vec<String> = p.unserved_scenarios.iter().map(|s| quote(&s.name, l)).collect();
                p.unserved { (msg("scenario_unserved", l, &[("scenarios", &names.join(&rm(l, "list_sep")))])) }
            }
            @if !p.required_categories.is_empty() {
                p { (rm(l, "required_categories")) (rm(l, "colon")) (p.required_categories.join(&rm(l, "list_sep"))) }
            }
            @for a in nearest {
                (nearest_alternative(l, rs, a))
                @if let Some(why) = p.categories.iter().find(|c| c.category == a.category).and_then(|c| c.nearest_reason.as_ref()) {
                    p.why { (why.message) " " span class="basis b-livegate" { (rm(l, "basis_livegate")) } }
                }
            }
            @if let Some(d) = p.review_days {
                p { (msg("review_days", l, &[("days", &d.to_string())])) }
            }
            @if !p.setup.is_empty() {
                p { (rm(l, "setup_title")) (rm(l, "colon")) }
                ol.setup { @for s in &p.setup {
                    li data-step=(s.id) {
                        @let took = livegate_core::text::step_duration(s.days, s.working_days, l);
                        (msg("with_duration", l, &[("name", &s.name), ("duration", &took)]))
                        @if let Some(n) = &s.note { br; span.hint { (n) } }
                        " " (source_link(l, &s.source))
                    }
                } }
            }
            @if let Some(d) = &p.go_live {
                p.go-live { strong { (msg("go_live", l, &[("date", d)])) } }
            } @else if p.status == PathStatus::Actionable && !p.setup.is_empty() {
                p.go-live { (msg("go_live_after_actions", l, &[])) }
            }
            @if let Some(g) = &p.guide {
                @if p.status != PathStatus::Blocked {
                    p { a href=(g) rel="noreferrer" { (rm(l, "guide")) } }
                }
            }
        }
    }
}

/// How a way of a path reads: its categories and subject types.
fn way_text(l: Lang, rs: &Ruleset, path: &str, way: &str) -> Option<String> {
    let p = rs.paths.iter().find(|p| p.id == path)?;
    let w = p.ways.iter().find(|w| w.id == way)?;
    Some(rs.way_lines(w, l).join(" + "))
}

fn nearest_alternative(l: Lang, rs: &Ruleset, a: &AlternativeReport) -> Markup {
    html! {
        div.alt {
            p { (tf(l, "nearest_alternative", &[("category", &a.category), ("alternative", &a.label)])) }
            @if a.missing.is_empty() {
                p { (t(l, "nothing_missing")) }
            } @else {
                p { (t(l, "missing_documents")) }
                ul.missing { @for d in &a.missing { li { (doc_title(rs, l, d)) } } }
            }
        }
    }
}

fn plan(l: Lang, r: &Report) -> Markup {
    let path = r
        .plan_path
        .as_deref()
        .and_then(|p| r.path(p))
        .map(|p| p.name.clone());
    html! {
        h3 { (rm(l, "plan")) @if let Some(p) = &path { " · " (p) } }
        @if path.is_none() {
            p { (rm(l, "plan_impossible")) }
        } @else if r.plan.is_empty() {
            p { (rm(l, "plan_none")) }
        } @else {
            ol.plan { @for a in &r.plan { li { (a.message) } } }
            @if let Some(why) = &r.plan_reason {
                p.why { (why.message) " " span class="basis b-livegate" { (rm(l, "basis_livegate")) } }
            }
        }
    }
}

fn findings(l: Lang, r: &Report) -> Markup {
    html! {
        h3 { (rm(l, "findings")) }
        @if r.findings.is_empty() {
            p { (t(l, "no_findings")) }
        }
        @for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            @let group: Vec<&Finding> = r.findings.iter().filter(|f| f.severity == sev).collect();
            @if !group.is_empty() {
                h4 { (rm(l, &format!("severity_{}", sev.as_str()))) " (" (group.len()) ")" }
                ul class={ "findings f-" (sev.as_str()) } {
                    @for f in group { (finding(l, f)) }
                }
            }
        }
    }
}

fn finding(l: Lang, f: &Finding) -> Markup {
    html! {
        li data-finding=(f.id) data-basis=(f.basis.as_str()) {
            span.sev { (rm(l, &format!("severity_{}", f.severity.as_str()))) } " "
            (f.message) " "
            span class={ "basis b-" (f.basis.as_str()) } { (rm(l, &format!("basis_{}", f.basis.as_str()))) } " "
            (source_link(l, &f.source))
        }
    }
}

/// A source: a web page, or a document of the livegate repository (shown as
/// its path, since the service does not serve the repository).
pub fn source_link(l: Lang, source: &str) -> Markup {
    html! {
        @if source.starts_with("http") {
            a.src href=(source) rel="noreferrer" { (rm(l, "source")) }
        } @else {
            span.src { (rm(l, "source")) ": livegate " code { (source) } }
        }
    }
}
