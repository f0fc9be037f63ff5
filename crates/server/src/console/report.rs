//! A report as the console shows it: the verdict, one card per access path,
//! the nearest alternative's missing documents by their full names, the plan
//! as numbered steps, the findings by severity with their sources, and the
//! ruleset and date it was made with. It only phrases the report; it never
//! decides anything itself.

use livegate_core::catalog::msg;
use livegate_core::report::{AlternativeReport, CategoryState, Finding, PathReport, PathStatus};
use livegate_core::ruleset::Severity;
use livegate_core::text::quote;
use livegate_core::{Lang, Report, Ruleset, Verdict};
use maud::{Markup, html};

use super::i18n::{Key, t, tf};

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

/// A category as WeChat names it (`first/second` or `first/*`), with
/// livegate's English gloss after it on an English page where the ruleset
/// has one: `电商平台/电商平台 (E-commerce platform/E-commerce platform)`.
pub fn category_name(l: Lang, rs: &Ruleset, label: &str) -> String {
    let gloss = match label.strip_suffix("/*") {
        _ if l != Lang::En => None,
        Some(first) => first_level_en(rs, first).map(|en| format!("{en}/*")),
        None => rs
            .lookups
            .categories
            .get(label)
            .and_then(|i| rs.categories[i].en.clone()),
    };
    match gloss {
        Some(en) => format!("{label} ({en})"),
        None => label.to_string(),
    }
}

/// The English gloss of a first level (current or older name), if any.
pub fn first_level_en<'a>(rs: &'a Ruleset, first: &str) -> Option<&'a str> {
    rs.lookups
        .first_levels
        .get(first)
        .and_then(|i| rs.first_levels[i].en.as_deref())
}

/// Category labels as [`category_name`]s, in a list.
fn category_names(l: Lang, rs: &Ruleset, labels: &[String]) -> String {
    let names: Vec<String> = labels.iter().map(|c| category_name(l, rs, c)).collect();
    names.join(&rm(l, "list_sep"))
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
    result_for(l, rs, r, None)
}

/// The result of a stored applicant: `add` is its page, where each missing
/// document gets a link to add it.
pub fn result_for(l: Lang, rs: &Ruleset, r: &Report, add: Option<&str>) -> Markup {
    html! {
        section.result aria-labelledby="result-title" data-verdict=(r.verdict.as_str()) {
            h2 id="result-title" tabindex="-1" { (t(l, Key::ResultTitle)) }
            p.verdict { (rm(l, "verdict")) (rm(l, "colon")) (verdict_badge(l, r.verdict)) }
            @if !r.assumed_approved.is_empty() {
                p.hint { (msg("assumed_approved", l, &[("categories", &r.assumed_approved.join(&rm(l, "list_sep")))])) }
            }
            (dates(l, r))
            h3 { (rm(l, "paths")) }
            div.cards { @for p in &r.paths { (path_card(l, rs, r, p, add)) } }
            (plan(l, r))
            @if !r.awaiting_review.is_empty() { (awaiting(l, r)) }
            (findings(l, r))
        }
    }
}

/// The documents on file that the evaluation did not count: awaiting a
/// person's review, or rejected (with why).
fn awaiting(l: Lang, r: &Report) -> Markup {
    use super::i18n::tf;
    html! {
        h3 { (t(l, Key::AwaitingReviewTitle)) }
        ul.awaiting { @for a in &r.awaiting_review {
            li {
                (livegate_core::text::doc_title(&a.name, l)) " · "
                @if a.review == "rejected" {
                    (tf(l, Key::RejectedBecause, &[("reason", a.reason.as_deref().unwrap_or(""))]))
                } @else { (t(l, Key::ReviewSubmitted)) }
            }
        } }
    }
}

fn dates(l: Lang, r: &Report) -> Markup {
    html! {
        p.meta {
            (t(l, Key::RulesetVersion)) " " (r.ruleset.version) " · "
            (t(l, Key::RulesetAsOf)) " " (r.ruleset.as_of)
            @if let Some(d) = &r.as_of { " · " (t(l, Key::EvaluatedOn)) " " (d) }
        }
    }
}

/// Whether the plan's path is open or only waits for WeChat's review: then
/// the other paths are not needed.
fn plan_ready(r: &Report) -> bool {
    r.plan_path
        .as_deref()
        .and_then(|p| r.path(p))
        .is_some_and(|p| matches!(p.status, PathStatus::Available | PathStatus::Pending))
}

/// One path: its status with why in one line, 推荐 on the plan's path, and
/// the details (folded away when another path already does the job).
fn path_card(l: Lang, rs: &Ruleset, r: &Report, p: &PathReport, add: Option<&str>) -> Markup {
    let recommended = r.plan_path.as_deref() == Some(p.id.as_str());
    let not_needed = !recommended && plan_ready(r) && p.status != PathStatus::Available;
    let class = format!(
        "card s-{}{}",
        p.status.as_str(),
        if recommended { " recommended" } else { "" }
    );
    html! {
        article class=(class) data-path=(p.id) data-recommended=[recommended.then_some("true")] {
            h4 {
                (p.name)
                @if recommended { " " span.badge.rec { span aria-hidden="true" { "★ " } (t(l, Key::Recommended)) } }
            }
            p.status-line { (status_badge(l, p.status)) " " span.why-status { (status_reason(l, rs, r, p)) } }
            @if recommended { (recommend_reason(l, r)) }
            @if not_needed {
                details.not-needed {
                    summary { (t(l, Key::PathNotNeeded)) }
                    (card_body(l, rs, p, add))
                }
            } @else {
                (card_body(l, rs, p, add))
            }
        }
    }
}

/// Why a path has its status, in one line.
fn status_reason(l: Lang, rs: &Ruleset, r: &Report, p: &PathReport) -> String {
    let in_state = |s: CategoryState| -> String {
        let labels: Vec<String> = p
            .categories
            .iter()
            .filter(|c| c.state == s)
            .map(|c| c.category.clone())
            .collect();
        category_names(l, rs, &labels)
    };
    match p.status {
        PathStatus::Available => match &p.opened_by {
            Some(how) => tf(l, Key::WhyAvailableBy, &[("how", how)]),
            None => t(l, Key::WhyAvailable),
        },
        PathStatus::Pending => tf(
            l,
            Key::WhyPending,
            &[("categories", &in_state(CategoryState::Pending))],
        ),
        PathStatus::Actionable => actionable_reason(l, rs, p),
        PathStatus::Blocked => p
            .blocked_by
            .as_deref()
            .and_then(|id| r.findings.iter().find(|f| f.id == id))
            .map_or_else(|| t(l, Key::WhyBlocked), |f| f.message.clone()),
    }
}

fn actionable_reason(l: Lang, rs: &Ruleset, p: &PathReport) -> String {
    let mut parts = Vec::new();
    if !p.required_categories.is_empty() {
        let names = category_names(l, rs, &p.required_categories);
        parts.push(tf(l, Key::TodoCategories, &[("categories", &names)]));
    }
    if !p.missing_documents.is_empty() {
        let n = p.missing_documents.len().to_string();
        parts.push(tf(l, Key::TodoDocuments, &[("n", &n)]));
    }
    if parts.is_empty() {
        parts.push(t(l, Key::TodoOther));
    }
    tf(
        l,
        Key::WhyActionable,
        &[("todo", &parts.join(&t(l, Key::TodoSep)))],
    )
}

/// Why the plan takes this path: the engine's reason, labelled as
/// livegate's own ranking.
fn recommend_reason(l: Lang, r: &Report) -> Markup {
    html! {
        @if let Some(why) = &r.plan_reason {
            p.why { (why.message) " " span class="basis b-livegate" { (rm(l, "basis_livegate")) } }
        } @else {
            p.why { (t(l, Key::RecommendedOnly)) }
        }
    }
}

fn card_body(l: Lang, rs: &Ruleset, p: &PathReport, add: Option<&str>) -> Markup {
    html! {
        (coverage(l, rs, p))
        @if !p.required_categories.is_empty() {
            p { (rm(l, "required_categories")) (rm(l, "colon")) (category_names(l, rs, &p.required_categories)) }
        }
        @for a in p.alternatives.iter().filter(|a| a.nearest) {
            @let cat = p.categories.iter().find(|c| c.category == a.category);
            (nearest_alternative(l, rs, a, cat.map(|c| c.state), add))
            @if let Some(why) = cat.and_then(|c| c.nearest_reason.as_ref()) {
                p.why { (why.message) " " span class="basis b-livegate" { (rm(l, "basis_livegate")) } }
            }
        }
        @if let Some(d) = p.review_days {
            p { (msg("review_days", l, &[("days", &d.to_string())])) }
        }
        (setup(l, p))
        @if let Some(d) = &p.go_live {
            p.go-live { strong { (msg("go_live", l, &[("date", d)])) } }
        } @else if p.status == PathStatus::Actionable && !p.setup.is_empty() {
            p.go-live { (msg("go_live_after_actions", l, &[])) }
        }
        @if let Some(g) = &p.guide {
            @if p.status != PathStatus::Blocked {
                p { a href=(g) rel="noreferrer" { (tf(l, Key::GuideOf, &[("path", &p.name)])) } }
            }
        }
    }
}

/// Which way opens the path, or which scenarios it covers and which not.
fn coverage(l: Lang, rs: &Ruleset, p: &PathReport) -> Markup {
    html! {
        @if p.scenarios.is_empty() {
            @if let Some(way) = p.via.as_deref().and_then(|v| way_text(l, rs, &p.id, v)) {
                p.via { (t(l, Key::OpenedBy)) " " (way) }
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
    }
}

fn setup(l: Lang, p: &PathReport) -> Markup {
    html! {
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
    }
}

/// How a way of a path reads: its categories and subject types.
fn way_text(l: Lang, rs: &Ruleset, path: &str, way: &str) -> Option<String> {
    let p = rs.paths.iter().find(|p| p.id == path)?;
    let w = p.ways.iter().find(|w| w.id == way)?;
    Some(rs.way_lines(w, l).join(" + "))
}

/// The nearest alternative of a category. "Still missing" only where the
/// category still needs something; for an approved or submitted category,
/// what a renewal or a resubmission would ask for.
fn nearest_alternative(
    l: Lang,
    rs: &Ruleset,
    a: &AlternativeReport,
    state: Option<CategoryState>,
    add: Option<&str>,
) -> Markup {
    let settled = matches!(state, Some(CategoryState::Held | CategoryState::Pending));
    let category = category_name(l, rs, &a.category);
    let vars = [
        ("category", category.as_str()),
        ("alternative", a.label.as_str()),
    ];
    html! {
        div.alt {
            @if settled {
                @if !a.missing.is_empty() {
                    p { (tf(l, Key::RenewalNeeds, &vars)) }
                    ul.renewal { @for d in &a.missing { li { (doc_title(rs, l, d)) } } }
                }
            } @else {
                p { (tf(l, Key::NearestAlternative, &vars)) }
                @if a.missing.is_empty() {
                    p { (t(l, Key::NothingMissing)) }
                } @else {
                    p { (t(l, Key::MissingDocuments)) }
                    ul.missing { @for d in &a.missing { li {
                        (doc_title(rs, l, d))
                        @if let Some(page) = add {
                            " " a.add-doc href={ (page) "?add=" (d) "#add-document" }
                                aria-label=(tf(l, Key::AddThisDocument, &[("document", &doc_name(rs, l, d))])) {
                                (t(l, Key::AddThisDocumentShort))
                            }
                        }
                    } } }
                }
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
            p { (t(l, Key::NoFindings)) }
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

/// What a source link says: the name people know WeChat's most cited pages
/// by, or the page's address without the scheme, so no two links to
/// different pages read the same.
pub fn source_name(l: Lang, source: &str) -> String {
    match source {
        "https://developers.weixin.qq.com/miniprogram/product/material/" => {
            t(l, Key::SourceWechatCategories)
        }
        "https://developers.weixin.qq.com/miniprogram/dev/component/live-player.html" => {
            t(l, Key::SourceLivePlayer)
        }
        _ => source
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string(),
    }
}

/// A source: a web page, or a document of the livegate repository (shown as
/// its path, since the service does not serve the repository).
pub fn source_link(l: Lang, source: &str) -> Markup {
    html! {
        @if source.starts_with("http") {
            a.src href=(source) rel="noreferrer" { (rm(l, "source")) (rm(l, "colon")) (source_name(l, source)) }
        } @else {
            span.src { (rm(l, "source")) ": livegate " code { (source) } }
        }
    }
}
