//! 规则 (`/rules`): the catalogue as `rules render` lays it out, with the
//! ruleset's version, date and sources.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use livegate_core::doc::{Section, sections};
use maud::{Markup, html};

use super::i18n::t;
use super::layout::{Ctx, page, respond, rich_line};
use crate::AppState;

pub async fn page_handler(State(state): State<AppState>, cx: Ctx) -> Response {
    let l = cx.lang;
    let rs = &state.ruleset;
    let c = sections(rs, l);
    let (header, paths, cats) = (&c.header, &c.paths, &c.categories);
    let body = html! {
        h1 { (t(l, "rules_title")) }
        @for h in header { p.meta { (h) } }
        p { a href=(rs.meta.authority.as_deref().unwrap_or(&rs.meta.source)) rel="noreferrer" { (t(l, "rules_authority")) } }
        (table(paths, 2, &t(l, "rules_path"), &t(l, "rules_ways")))
        h2 { (t(l, "rules_categories")) }
        nav aria-label=(t(l, "rules_categories")) {
            ul { @for s in cats { li { a href={ "#" (s.anchor) } { (s.title) } } } }
        }
        @for s in cats { (table(s, 3, &t(l, "rules_requirement"), &t(l, "rules_description"))) }
        (table(&c.checks, 2, &t(l, "rules_basis"), &t(l, "rules_description")))
        (table(&c.vocabulary, 2, &t(l, "rules_name"), &t(l, "rules_description")))
    };
    respond(
        StatusCode::OK,
        page(&cx, rs, &t(l, "rules_title"), "/rules", body),
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
