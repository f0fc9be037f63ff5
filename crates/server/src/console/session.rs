//! Who is reading: the language cookie, and the signed-in session.
//!
//! Signing in trades a token for a session cookie (HttpOnly, SameSite=Lax,
//! Secure over TLS or when the public URL is https). Sessions live in the
//! database, expire, and end at sign-out. Every state-changing form carries
//! the session's CSRF token; the sign-in form, before any session exists,
//! carries a double-submit token bound to a cookie.

use axum::extract::{FromRequestParts, RawForm, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use livegate_core::Lang;
use livegate_store::{Principal, Role, clock, hex};
use maud::html;

use super::form::Form;
use super::i18n::{Key, t};
use super::layout::{Ctx, page, respond};
use crate::AppState;
use crate::auth::{ClientAddr, guessing_paused, record_failure};

pub const LANG_COOKIE: &str = "lg_lang";
pub const SESSION_COOKIE: &str = "lg_session";
const SIGNIN_CSRF_COOKIE: &str = "lg_signin";

/// A signed-in reader.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub principal: Principal,
    pub tenant_name: String,
    pub role: Role,
    pub csrf: String,
}

impl SignedIn {
    pub fn can_write(&self) -> bool {
        self.role >= Role::Editor
    }
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<Cookie<'a>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
}

fn lang_of(headers: &HeaderMap) -> Lang {
    match cookie(headers, LANG_COOKIE).as_ref().map(Cookie::value) {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<SignedIn> {
    let secret = cookie(headers, SESSION_COOKIE)?.value().to_string();
    match state.store.session(&secret).await {
        Ok(Some(s)) => Some(SignedIn {
            session_id: s.id,
            role: s.principal.role,
            principal: s.principal,
            tenant_name: s.tenant_name,
            csrf: s.csrf,
        }),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "console session lookup failed");
            None
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Ctx, Self::Rejection> {
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
        Ok(Ctx {
            lang: lang_of(&parts.headers),
            here,
            user: signed_in(state, &parts.headers).await,
        })
    }
}

/// Whether cookies must be Secure: the request came over TLS (as a proxy
/// says) or the service's public URL is https.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    forwarded
        || state
            .settings
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
}

fn set_cookie(res: &mut Response, c: Cookie<'_>) {
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn build(name: &str, value: String, max_age_secs: i64, secure: bool) -> Cookie<'static> {
    Cookie::build((name.to_string(), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
}

/// A local path to go back to; anything else goes home. Bytes that may not
/// stand in a `Location` header as they are (control characters, spaces,
/// the UTF-8 of a typed Chinese name) are percent-encoded.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.len() <= MAX_NEXT =>
        {
            n.bytes()
                .map(|b| match b.is_ascii_graphic() {
                    true => char::from(b).to_string(),
                    false => format!("%{b:02X}"),
                })
                .collect()
        }
        _ => "/".to_string(),
    }
}

/// The longest page address a redirect goes back to; a longer one (never
/// one of the console's own) goes to the start page instead.
pub const MAX_NEXT: usize = 2048;

/// `/lang/{zh|en}?next=…`: remembers the language for a year and goes back.
pub async fn switch_lang(
    State(state): State<AppState>,
    axum::extract::Path(to): axum::extract::Path<String>,
    headers: HeaderMap,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Response {
    let f = Form::parse(q.as_deref().unwrap_or(""));
    let lang = if to == "en" { "en" } else { "zh" };
    let mut res = super::errors::see_other(&safe_next(f.get("next")));
    let mut c = build(
        LANG_COOKIE,
        lang.to_string(),
        365 * 86_400,
        secure(&state, &headers),
    );
    c.set_http_only(false);
    set_cookie(&mut res, c);
    res
}

/// The sign-in page, with a fresh double-submit token.
pub async fn signin_page(State(state): State<AppState>, cx: Ctx, headers: HeaderMap) -> Response {
    let token = hex(&clock::random_bytes::<24>());
    let next = Form::parse(cx.here.split_once('?').map_or("", |(_, q)| q));
    let mut res = signin_form(&state, &cx, &token, next.get("next"), None, StatusCode::OK);
    set_cookie(
        &mut res,
        build(SIGNIN_CSRF_COOKIE, token, 3600, secure(&state, &headers)),
    );
    res
}

fn signin_form(
    state: &AppState,
    cx: &Ctx,
    csrf: &str,
    next: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::SigninTitle)) }
        p.lead { (t(l, Key::SigninLead)) " " a href="/help/admin" { (t(l, Key::HelpTitle)) } }
        form.narrow method="post" action="/signin" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="next" value=(safe_next(next));
            div.field {
                label for="token" { (t(l, Key::Token)) }
                input type="password" id="token" name="token" autocomplete="current-password" required
                    aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby=[error.as_ref().map(|_| "err-token")];
                @if let Some(e) = &error { p.error id="err-token" role="alert" { (e) } }
            }
            div.actions { button type="submit" { (t(l, Key::SignIn)) } }
        }
    };
    respond(
        status,
        page(cx, &state.ruleset, &t(l, Key::SigninTitle), "/signin", body),
    )
}

/// Trades a token for a session.
pub async fn signin(
    State(state): State<AppState>,
    cx: Ctx,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    RawForm(body): RawForm,
) -> Response {
    let f = Form::parse(&String::from_utf8_lossy(&body));
    let l = cx.lang;
    let expected = cookie(&headers, SIGNIN_CSRF_COOKIE).map(|c| c.value().to_string());
    if expected.is_none() || f.get("csrf") != expected.as_deref() {
        return forbidden(&state, &cx);
    }
    let csrf = expected.unwrap_or_default();
    let retry =
        |msg: String, status| signin_form(&state, &cx, &csrf, f.get("next"), Some(msg), status);
    let Some(token) = f.get("token") else {
        return retry(t(l, Key::TokenMissing), StatusCode::UNPROCESSABLE_ENTITY);
    };
    let paused = |retry_after: u64| {
        let msg = t(l, Key::SigninPaused).replace("{seconds}", &retry_after.to_string());
        let mut res = retry(msg, StatusCode::TOO_MANY_REQUESTS);
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        res
    };
    if let Err(retry_after) = guessing_paused(&state, &client) {
        return paused(retry_after);
    }
    let who = match state.store.authenticate(token).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return match record_failure(&state, &client) {
                Ok(()) => retry(t(l, Key::TokenUnknown), StatusCode::UNAUTHORIZED),
                Err(retry_after) => paused(retry_after),
            };
        }
        Err(e) => {
            tracing::warn!(error = %e, "sign-in");
            return retry(
                t(l, Key::ServiceUnavailable),
                StatusCode::SERVICE_UNAVAILABLE,
            );
        }
    };
    let ttl = state.settings.session_ttl.as_secs();
    let Ok((_, secret)) = state.store.create_session(&who, ttl).await else {
        return retry(
            t(l, Key::ServiceUnavailable),
            StatusCode::SERVICE_UNAVAILABLE,
        );
    };
    let mut res = super::errors::see_other(&safe_next(f.get("next")));
    let secure = secure(&state, &headers);
    set_cookie(&mut res, build(SESSION_COOKIE, secret, ttl as i64, secure));
    set_cookie(
        &mut res,
        build(SIGNIN_CSRF_COOKIE, String::new(), 0, secure),
    );
    res
}

/// Ends the session and forgets the cookie.
pub async fn signout(
    State(state): State<AppState>,
    cx: Ctx,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let f = Form::parse(&String::from_utf8_lossy(&body));
    let user = match require_csrf(&state, &cx, &f) {
        Ok(u) => u,
        Err(res) => return res,
    };
    if let Err(e) = state.store.revoke_session(&user.session_id).await {
        tracing::warn!(error = %e, "sign-out");
    }
    let mut res = super::errors::see_other("/");
    set_cookie(
        &mut res,
        build(SESSION_COOKIE, String::new(), 0, secure(&state, &headers)),
    );
    res
}

/// The signed-in reader of a state-changing form whose CSRF token matches
/// the session's; otherwise the answer to give (sign in, or 403).
pub fn require_csrf<'a>(state: &AppState, cx: &'a Ctx, f: &Form) -> Result<&'a SignedIn, Response> {
    let Some(u) = &cx.user else {
        return Err(super::errors::see_other("/signin"));
    };
    if f.get("csrf") != Some(u.csrf.as_str()) {
        return Err(forbidden(state, cx));
    }
    Ok(u)
}

/// [`require_csrf`] for a reader who may also write (an editor or admin).
pub fn require_writer(state: &AppState, cx: &Ctx, f: &Form) -> Result<SignedIn, Response> {
    match require_csrf(state, cx, f) {
        Ok(u) if u.can_write() => Ok(u.clone()),
        Ok(_) => Err(forbidden(state, cx)),
        Err(r) => Err(r),
    }
}

/// A signed-in reader, as an extractor: a page for signed-in people starts
/// with who reads it, or sends the stranger to sign in.
pub struct Reader {
    pub cx: Ctx,
    pub user: SignedIn,
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(cx) = Ctx::from_request_parts(parts, state).await;
        let user = require_user(&cx)?.clone();
        Ok(Reader { cx, user })
    }
}

/// A url-encoded form posted by a writer (an editor or admin) with its CSRF
/// token, as an extractor: a handler that writes starts with who may write
/// and what they sent, or never runs (the refusal is the answer).
pub struct WriterPost {
    pub cx: Ctx,
    pub user: SignedIn,
    pub form: Form,
}

impl axum::extract::FromRequest<AppState> for WriterPost {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Ok(cx) = Ctx::from_request_parts(&mut parts, state).await;
        let req = axum::extract::Request::from_parts(parts, body);
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = Form::parse(&String::from_utf8_lossy(&body));
        let user = require_writer(state, &cx, &form)?;
        Ok(WriterPost { cx, user, form })
    }
}

/// The reader signed in, or the answer that sends them to sign in.
pub fn require_user(cx: &Ctx) -> Result<&SignedIn, Response> {
    cx.user.as_ref().ok_or_else(|| {
        let next: String = form_urlencoded::byte_serialize(cx.here.as_bytes()).collect();
        match next.len() <= MAX_NEXT {
            true => super::errors::see_other(&format!("/signin?next={next}")),
            false => super::errors::see_other("/signin"),
        }
    })
}

/// A refused form: a stale page, a forged post, or a viewer writing.
pub fn forbidden(state: &AppState, cx: &Ctx) -> Response {
    let l = cx.lang;
    let body = html! {
        h1 { (t(l, Key::ForbiddenTitle)) }
        p { (t(l, Key::ForbiddenBody)) }
    };
    respond(
        StatusCode::FORBIDDEN,
        page(cx, &state.ruleset, &t(l, Key::ForbiddenTitle), "", body),
    )
}
