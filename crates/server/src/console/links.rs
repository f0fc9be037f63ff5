//! Upload links on the applicant page: the form that makes one (its page
//! shows the address once, and never again), the list of an applicant's
//! links with their state, and revoking one.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use livegate_core::Lang;
use livegate_store::{Applicant, UploadLink};
use maud::{Markup, html};

use super::applicants::short_time;
use super::errors::{error_page, see_other};
use super::i18n::{Key, t, tf};
use super::layout::{Ctx, page, respond};
use super::session::{SignedIn, WriterPost};
use crate::AppState;
use crate::routes::review::{LINK_DAYS, LinkInput, link_terms};

/// The links section of the applicant page.
pub fn section(cx: &Ctx, user: &SignedIn, a: &Applicant, links: &[UploadLink]) -> Markup {
    let l = cx.lang;
    html! {
        section id="links" aria-labelledby="links-title" {
            h2 id="links-title" { (t(l, Key::LinksTitle)) }
            p.hint { (t(l, Key::LinksIntro)) }
            @if !links.is_empty() {
                ul.links { @for k in links { (link_item(cx, user, a, k)) } }
            }
            @if user.can_write() {
                form.card-controls method="post" action={ "/applicants/" (a.id) "/upload-links" } {
                    (cx.csrf())
                    div.field {
                        label for="link-days" { (t(l, Key::LinkDays)) }
                        input type="number" id="link-days" name="days" min="1" max="90" value=(LINK_DAYS) required;
                    }
                    div.field {
                        label for="link-note" { (t(l, Key::LinkNote)) }
                        input type="text" id="link-note" name="note" maxlength="500";
                    }
                    div.actions { button type="submit" { (t(l, Key::LinkCreate)) } }
                }
            }
        }
    }
}

fn link_item(cx: &Ctx, user: &SignedIn, a: &Applicant, k: &UploadLink) -> Markup {
    let l = cx.lang;
    let state = match (&k.revoked_at, k.live()) {
        (Some(at), _) => tf(l, Key::LinkRevokedAt, &[("at", &short_time(l, at))]),
        (None, true) => tf(
            l,
            Key::LinkLiveUntil,
            &[("at", &short_time(l, &k.expires_at))],
        ),
        (None, false) => tf(
            l,
            Key::LinkExpiredAt,
            &[("at", &short_time(l, &k.expires_at))],
        ),
    };
    html! {
        li {
            (tf(l, Key::LinkMadeAt, &[("at", &short_time(l, &k.created_at))])) " · " (state)
            @if let Some(n) = &k.note { " · " span.hint { (n) } }
            @if user.can_write() && k.live() {
                " "
                form.inline method="post" action={ "/applicants/" (a.id) "/upload-links/" (k.id) "/revoke" } {
                    (cx.csrf())
                    button type="submit" aria-label=(tf(l, Key::LinkRevokeMadeAt, &[("at", &short_time(l, &k.created_at))])) { (t(l, Key::LinkRevoke)) }
                }
            }
        }
    }
}

/// The address a merchant opens: on the service's public URL when one is
/// configured, else on the host this request came to.
fn address(state: &AppState, headers: &HeaderMap, secret: &str) -> String {
    let base = state.settings.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("localhost");
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
        format!("{}://{host}", if https { "https" } else { "http" })
    });
    format!("{}/u/{secret}", base.trim_end_matches('/'))
}

/// `POST /applicants/{id}/upload-links`: makes a link and shows its address once.
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, form } = post;
    let made = async {
        let days = form
            .get("days")
            .map(|d| d.trim().parse::<u32>().unwrap_or(0));
        let input = LinkInput {
            expires_in_days: days,
            note: form.get("note").map(str::to_string),
        };
        let (expires_at, note) = link_terms(input)?;
        let a = state
            .store
            .get_applicant(&user.principal.tenant_id, &id)
            .await?;
        let made = state
            .store
            .create_upload_link(&user.principal, &id, &expires_at, note)
            .await?;
        Ok::<_, crate::ApiError>((a, made))
    };
    match made.await {
        Ok((a, (link, secret))) => {
            shown_once(&state, &cx, &a, &link, &address(&state, &headers, &secret))
        }
        Err(e) => error_page(&state, &cx, &e),
    }
}

fn shown_once(state: &AppState, cx: &Ctx, a: &Applicant, link: &UploadLink, url: &str) -> Response {
    let l: Lang = cx.lang;
    let title = t(l, Key::LinkMadeTitle);
    let name = a.name.as_deref().unwrap_or(&a.appid);
    let body = html! {
        p { a href={ "/applicants/" (a.id) "#links" } { "← " (t(l, Key::BackToApplicant)) } }
        h1 { (title) }
        p { (tf(l, Key::LinkMadeFor, &[("name", name), ("until", &short_time(l, &link.expires_at))])) }
        div.field {
            label for="link-url" { (t(l, Key::LinkAddress)) }
            input type="text" id="link-url" readonly value=(url) data-select-all;
        }
        p.notice role="status" { (t(l, Key::LinkShownOnce)) }
    };
    respond(
        StatusCode::CREATED,
        page(cx, &state.ruleset, &title, "/applicants", body),
    )
}

/// `POST /applicants/{id}/upload-links/{link}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Path((id, link)): Path<(String, String)>,
    post: WriterPost,
) -> Response {
    let WriterPost { cx, user, .. } = post;
    match state
        .store
        .revoke_upload_link(&user.principal, &id, &link)
        .await
    {
        Ok(_) => see_other(&format!("/applicants/{id}#links")),
        Err(e) => error_page(&state, &cx, &e.into()),
    }
}
