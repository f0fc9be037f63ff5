//! 规则 (`/rules`): the catalogue as `rules render` lays it out, with the
//! ruleset's version, date and sources.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::doc::{Section, sections};
use maud::{Markup, html};

use super::i18n::{Key, t};
use super::layout::{Ctx, page, respond, rich_line};
use crate::AppState;

pub async fn page_handler(State(state): State<AppState>, cx: Ctx) -> Response {
    let l = cx.lang;
    let rs = &state.ruleset;
    let c = sections(rs, l);
    let (header, paths, cats) = (&c.header, &c.paths, &c.categories);
    let body = html! {
        h1 { (t(l, Key::RulesTitle)) }
        @for h in header { p.meta { (h) } }
        p { a href=(rs.meta.authority.as_deref().unwrap_or(&rs.meta.source)) rel="noreferrer" { (t(l, Key::RulesAuthority)) } }
        (table(paths, 2, &t(l, Key::RulesPath), &t(l, Key::RulesWays)))
        h2 { (t(l, Key::RulesCategories)) }
        nav aria-label=(t(l, Key::RulesCategories)) {
            ul { @for s in cats { li { a href={ "#" (s.anchor) } { (s.title) } } } }
        }
        @for s in cats { (table(s, 3, &t(l, Key::RulesRequirement), &t(l, Key::RulesDescription))) }
        (table(&c.checks, 2, &t(l, Key::RulesBasis), &t(l, Key::RulesDescription)))
        (table(&c.vocabulary, 2, &t(l, Key::RulesName), &t(l, Key::RulesDescription)))
    };
    respond(
        StatusCode::OK,
        page(&cx, rs, &t(l, Key::RulesTitle), "/rules", body),
    )
}

fn table(s: &Section, level: u8, head: &str, desc: &str) -> Markup {
    html! {
        section aria-labelledby=(s.anchor) {
            @if level == 2 { h2 id=(s.anchor) { (s.title) } } @else { h3 id=(s.anchor) { (s.title) } }
            @if !s.intro.is_empty() { ul { @for i in &s.intro { li { (i) } } } }
            div.table-wrap tabindex="0" {
                table {
                    thead { tr { th scope="col" { (head) } th scope="col" { (desc) } } }
                    tbody {
                        @for r in &s.rows {
                            tr {
                                th scope="row" { (r.head) }
                                td { @for (i, line) in r.lines.iter().enumerate() {
                                    @if i > 0 { br; }
                                    (rich_line(line))
                                } }
                            }
                        }
                    }
                }
            }
        }
    }
}
