//! The console's stylesheet and script, compiled into the binary: no CDN, no
//! front-end build. They are cached for an hour and
//! carry an ETag of their content.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const CSS: &str = include_str!("assets/console.css");
pub const JS: &str = include_str!("assets/console.js");

pub const CSS_PATH: &str = "/assets/console.css";
pub const JS_PATH: &str = "/assets/console.js";

fn etag(body: &str) -> &'static str {
    static CSS_TAG: OnceLock<String> = OnceLock::new();
    static JS_TAG: OnceLock<String> = OnceLock::new();
    let cell = if body.as_ptr() == CSS.as_ptr() {
        &CSS_TAG
    } else {
        &JS_TAG
    };
    cell.get_or_init(|| {
        let digest = Sha256::digest(body.as_bytes());
        format!("\"{}\"", livegate_store::hex(&digest[..8]))
    })
}

fn serve(body: &'static str, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    if let Ok(v) = HeaderValue::from_str(etag(body)) {
        h.insert(header::ETAG, v);
    }
    res
}

pub async fn css() -> Response {
    serve(CSS, "text/css; charset=utf-8")
}

pub async fn js() -> Response {
    serve(JS, "text/javascript; charset=utf-8")
}
