//! The frame of every console page: language, navigation, the language
//! switch, the ruleset in the footer, and the security headers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livegate_core::{Lang, Ruleset};
use maud::{DOCTYPE, Markup, html};

use super::i18n::{Key, t};

/// What every page knows about the request: the reader's language, where
/// they are (for the language switch) and who is signed in.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// The path and query of this page, for the language switch to return to.
    pub here: String,
    pub user: Option<super::session::SignedIn>,
}

impl Ctx {
    pub fn html_lang(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The CSRF token for a form, when someone is signed in.
    pub fn csrf(&self) -> Markup {
        html! {
            @if let Some(u) = &self.user {
                input type="hidden" name="csrf" value=(u.csrf);
            }
        }
    }
}

/// The nav entries: (href, name, needs sign-in).
fn nav_entries(l: Lang) -> [(&'static str, String, bool); 6] {
    [
        ("/", t(l, Key::NavPrecheck), false),
        ("/dashboard", t(l, Key::NavDashboard), true),
        ("/applicants", t(l, Key::NavApplicants), true),
        ("/reviews", t(l, Key::NavReviews), true),
        ("/batch", t(l, Key::NavBatch), true),
        ("/rules", t(l, Key::NavRules), false),
    ]
}

/// The link to this page in the other language.
fn lang_switch(cx: &Ctx) -> Markup {
    let l = cx.lang;
    let (other, other_name) = match l {
        Lang::Zh => ("en", t(l, Key::SwitchToEn)),
        Lang::En => ("zh", t(l, Key::SwitchToZh)),
    };
    let back = form_urlencoded::byte_serialize(cx.here.as_bytes()).collect::<String>();
    html! {
        a.lang href={ "/lang/" (other) "?next=" (back) } lang=(other) hreflang=(other) { (other_name) }
    }
}

fn nav(cx: &Ctx, current: &str) -> Markup {
    let l = cx.lang;
    html! {
        header.top {
            a.brand href="/" { "livegate · " (t(l, Key::Brand)) }
            nav aria-label=(t(l, Key::NavLabel)) {
                ul {
                    @for (href, name, private) in nav_entries(l) {
                        @if !private || cx.user.is_some() {
                            li {
                                @if href == current {
                                    a href=(href) aria-current="page" { (name) }
                                } @else {
                                    a href=(href) { (name) }
                                }
                            }
                        }
                    }
                }
            }
            div.account {
                @if let Some(u) = &cx.user {
                    span.who { (u.tenant_name) " · " (role_name(l, u.role)) }
                    form method="post" action="/signout" {
                        (cx.csrf())
                        button type="submit" { (t(l, Key::SignOut)) }
                    }
                } @else {
                    a href="/signin" { (t(l, Key::SignIn)) }
                }
                (lang_switch(cx))
            }
        }
    }
}

/// The header of a page for someone without an account (a merchant on an
/// upload link): the name and the language switch, nothing of the console.
fn bare_header(cx: &Ctx) -> Markup {
    html! {
        header.top {
            span.brand { "livegate · " (t(cx.lang, Key::Brand)) }
            div.account { (lang_switch(cx)) }
        }
    }
}

fn footer(cx: &Ctx, rs: &Ruleset) -> Markup {
    let l = cx.lang;
    html! {
        footer.bottom {
            p {
                (t(l, Key::FooterRuleset)) " " (rs.meta.name.get(l)) " · "
                (t(l, Key::Version)) " " (rs.meta.version) " · "
                (t(l, Key::RulesetAsOf)) " " (rs.meta.as_of) " · "
                (super::report::source_link(l, &rs.meta.source))
            }
            @if let Some(n) = &rs.meta.notice {
                p.notice { (n.get(l)) }
            }
        }
    }
}

/// A whole page: `current` is the nav entry to mark.
pub fn page(cx: &Ctx, rs: &Ruleset, title: &str, current: &str, body: Markup) -> Markup {
    frame(cx, rs, title, nav(cx, current), body)
}

/// A whole page without the console's navigation, for a merchant.
pub fn bare_page(cx: &Ctx, rs: &Ruleset, title: &str, body: Markup) -> Markup {
    frame(cx, rs, title, bare_header(cx), body)
}

fn frame(cx: &Ctx, rs: &Ruleset, title: &str, header: Markup, body: Markup) -> Markup {
    let l = cx.lang;
    let page = html! {
        (DOCTYPE)
        html lang=(cx.html_lang()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · livegate " (t(l, Key::Brand)) }
                link rel="stylesheet" href=(super::assets::CSS_PATH);
                link rel="icon" href="data:,";
                script src=(super::assets::JS_PATH) defer {}
            }
            body {
                a.skip href="#main" { (t(l, Key::SkipToMain)) }
                (header)
                main id="main" tabindex="-1" { (body) }
                (footer(cx, rs))
            }
        }
    };
    match l {
        // Chinese names and WeChat's wording on an English page are marked as Chinese.
        Lang::En => maud::PreEscaped(super::lang_runs::mark(&page.into_string())),
        Lang::Zh => page,
    }
}

/// Headers every console page carries: no script but our own file, no
/// framing, no sniffing, no referrer leaving the site.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; frame-src 'self'; object-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A rendered page as a response with the console's headers.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    let mut res = (status, markup.into_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A download: `body` as `content_type`, saved as `file_name` (a name of
/// livegate's own, never the reader's input).
pub fn attachment(
    body: impl IntoResponse,
    content_type: &'static str,
    file_name: &'static str,
) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `**text**` lines (the catalogue's cell headings) as bold, the rest as text.
pub fn rich_line(s: &str) -> Markup {
    match s.strip_prefix("**").and_then(|x| x.strip_suffix("**")) {
        Some(inner) => html! { strong { (inner) } },
        None => html! { (s) },
    }
}

/// A role in words.
pub fn role_name(l: Lang, role: livegate_store::Role) -> String {
    use livegate_store::Role;
    match role {
        Role::Admin => t(l, Key::RoleAdmin),
        Role::Editor => t(l, Key::RoleEditor),
        Role::Viewer => t(l, Key::RoleViewer),
    }
}
