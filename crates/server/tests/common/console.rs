//! Helpers for the console over HTTP: cookies, the CSRF field, forms,
//! pages and signing in.

use super::{Resp, Server};

pub fn set_cookies(r: &Resp) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect()
}

pub fn cookie_value(r: &Resp, name: &str) -> Option<String> {
    set_cookies(r)
        .into_iter()
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap_or("").to_string())
}

/// The value of the first `name="csrf"` field of a page.
pub fn csrf_of(page: &str) -> String {
    let at = page.find(r#"name="csrf" value=""#).expect("a csrf field");
    let rest = &page[at + r#"name="csrf" value=""#.len()..];
    rest[..rest.find('"').unwrap_or(0)].to_string()
}

pub fn form(s: &Server, path: &str, cookie: &str, body: &str) -> Resp {
    s.call(
        "POST",
        path,
        None,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", cookie),
        ],
        body.as_bytes(),
    )
}

pub fn page(s: &Server, path: &str, cookie: &str) -> Resp {
    s.call(
        "GET",
        path,
        None,
        &[("Cookie", cookie), ("Accept", "text/html")],
        b"",
    )
}

/// Signs in through the form; the `Cookie` header of the session.
pub fn sign_in(s: &Server, token: &str) -> String {
    let r = s.call("GET", "/signin", None, &[], b"");
    let pre = cookie_value(&r, "lg_signin").expect("the sign-in form sets its token cookie");
    let csrf = csrf_of(&r.text());
    let r = form(
        s,
        "/signin",
        &format!("lg_signin={pre}"),
        &format!("csrf={csrf}&token={token}&next=/applicants"),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    format!(
        "lg_session={}",
        cookie_value(&r, "lg_session").expect("a session cookie")
    )
}
