//! WeChat's message push, received (`POST /wechat/events/{appid}`, the
//! address a third-party platform registers with WeChat's `$APPID$`): the
//! code-review results (`weapp_audit_success`, `weapp_audit_fail`,
//! `weapp_audit_delay`) of the mini program `appid`, encrypted with the
//! platform's EncodingAESKey. A push is verified, decrypted and stored
//! before WeChat is told `success`; a bad signature, a timestamp more than
//! five minutes off, a nonce seen before, or a body that does not decrypt
//! is refused, logged without its secrets, and changes nothing.

pub mod crypto;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use livegate_core::Ruleset;
use livegate_store::{Principal, PushInput, Role, StoreError};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, Problem};
use crate::problems::{Msg, say};
use crate::{AppState, extract};

/// How far a push's timestamp may be from now.
pub const FRESH_SECS: i64 = 300;

/// The platform's push settings. Its Debug never shows the token or key.
#[derive(Clone)]
pub struct PushConfig {
    pub token: String,
    pub key: [u8; 32],
    /// The component (platform) appid the messages are encrypted for.
    pub appid: String,
}

impl std::fmt::Debug for PushConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PushConfig {{ appid: {:?}, token: …, key: … }}",
            self.appid
        )
    }
}

impl PushConfig {
    /// From the token, the 43-character EncodingAESKey and the appid.
    pub fn new(token: &str, encoding_aes_key: &str, appid: &str) -> Result<PushConfig, String> {
        let key = crypto::key_of(encoding_aes_key.trim())
            .map_err(|_| "the EncodingAESKey is not 43 characters of base64".to_string())?;
        if token.trim().is_empty() || appid.trim().is_empty() {
            return Err("the push token and appid must not be empty".into());
        }
        Ok(PushConfig {
            token: token.trim().into(),
            key,
            appid: appid.trim().into(),
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PushQuery {
    /// Seconds since 1970, as WeChat sends it.
    #[param(max_length = 20)]
    pub timestamp: Option<String>,
    #[param(max_length = 64)]
    pub nonce: Option<String>,
    /// SHA-1 of the token, timestamp, nonce and ciphertext.
    #[param(max_length = 64)]
    pub msg_signature: Option<String>,
    /// `aes`.
    #[param(max_length = 16)]
    pub encrypt_type: Option<String>,
    #[param(max_length = 64)]
    pub signature: Option<String>,
}

/// A push verified and decrypted: what it says.
#[derive(Debug, PartialEq)]
struct Event {
    event: String,
    reason: Option<String>,
    happened_at: Option<String>,
}

/// Receives a push from WeChat for the mini program `appid`.
#[utoipa::path(post, path = "/wechat/events/{appid}", tag = "wechat",
    params(("appid" = String, Path, description = "the mini program, as WeChat fills in `$APPID$`"), PushQuery),
    request_body(content = String, content_type = "text/xml", description = "WeChat's envelope: `<xml><ToUserName/><Encrypt/></xml>`"),
    responses(
        (status = 200, description = "stored (or not a review result); the body is `success`, as WeChat expects", body = String, content_type = "text/plain"),
        (status = 400, description = "no signature, timestamp or nonce, or a body that does not decrypt", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "a wrong signature, a stale timestamp or a nonce seen before", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "the push is not configured", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn receive(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    q: Result<Query<PushQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let cfg = state
        .settings
        .wechat_push
        .as_ref()
        .ok_or(ApiError::NotFound)?;
    let q = extract::query(q)?;
    let body = extract::body_bytes(body, crate::JSON_LIMIT)?;
    let (nonce, event) = open(cfg, &q, &body).inspect_err(|e| {
        tracing::warn!(%appid, error = %e, "a WeChat push was refused");
    })?;
    let push = PushInput {
        category: event.reason.as_deref().and_then(category_named),
        nonce,
        appid,
        event: event.event,
        reason: event.reason,
        happened_at: event.happened_at,
    };
    store(&state, &push).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain")], "success").into_response())
}

/// Verifies and decrypts a push; its nonce and what it says.
fn open(cfg: &PushConfig, q: &PushQuery, body: &[u8]) -> Result<(String, Event), ApiError> {
    let missing = || ApiError::BadRequest(say(Msg::PushUnreadable, &[]));
    let (Some(ts), Some(nonce), Some(sig)) = (&q.timestamp, &q.nonce, &q.msg_signature) else {
        return Err(missing());
    };
    let at: i64 = ts.parse().map_err(|_| missing())?;
    let now = livegate_store::clock::now_millis() as i64 / 1000;
    if (now - at).abs() > FRESH_SECS {
        return Err(refused(Msg::PushStale));
    }
    let text = std::str::from_utf8(body).map_err(|_| missing())?;
    let encrypted = element(text, "Encrypt").ok_or_else(missing)?;
    if !crypto::signed(&cfg.token, ts, nonce, &encrypted, sig) {
        return Err(refused(Msg::PushSignature));
    }
    let plain = crypto::decrypt(&cfg.key, &encrypted, &cfg.appid).map_err(|_| missing())?;
    let event = Event {
        event: element(&plain, "Event").unwrap_or_default(),
        reason: element(&plain, "Reason").filter(|r| !r.trim().is_empty()),
        happened_at: ["FailTime", "SuccTime", "DelayTime", "CreateTime"]
            .iter()
            .find_map(|k| element(&plain, k))
            .and_then(|s| s.parse::<u64>().ok())
            .map(|s| livegate_store::clock::rfc3339_at(s * 1000)),
    };
    Ok((nonce.clone(), event))
}

/// A refusal of a push that is not WeChat's, or not new.
fn refused(msg: Msg) -> ApiError {
    ApiError::PushRefused(say(msg, &[]))
}

/// The text of the first element `name` of an XML document.
fn element(xml: &str, name: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    doc.descendants()
        .find(|n| n.has_tag_name(name))
        .map(|n| n.text().unwrap_or("").to_string())
}

/// The category a failure's reason names: 「服务类目"金融业-保险"与…」.
pub fn category_named(reason: &str) -> Option<(String, String)> {
    let after = &reason[reason.find("服务类目")? + "服务类目".len()..];
    let quotes = ['"', '“', '”', '「', '」', '『', '』', '\''];
    let start = after.find(quotes)?;
    let rest = &after[start..];
    let open = rest.chars().next()?;
    let inner = &rest[open.len_utf8()..];
    let name = &inner[..inner.find(quotes)?];
    let (first, second) = name.split_once(['-', '/', '>', '－'])?;
    let (first, second) = (first.trim(), second.trim());
    (!first.is_empty() && !second.is_empty()).then(|| (first.to_string(), second.to_string()))
}

/// Whether a profile's category is the one a push names, as the ruleset
/// reads names (old and new names alike).
fn same_category(
    rs: &Ruleset,
    named: &Option<(String, String)>,
    first: &str,
    second: &str,
) -> bool {
    let Some((f, s)) = named else { return false };
    match rs.category_by_levels(f, s) {
        Some(i) => rs.category_by_levels(first, second) == Some(i),
        None => f == first && s == second,
    }
}

/// Stores a push, then re-evaluates the applicants it names so lists show
/// it; a replay is refused.
async fn store(state: &AppState, push: &PushInput) -> Result<(), ApiError> {
    let rs = state.ruleset.clone();
    let named = push.category.clone();
    let same = move |f: &str, s: &str| same_category(&rs, &named, f, s);
    let done = match state.store.record_wechat_push(push, &same).await {
        Err(StoreError::Duplicate(_)) => return Err(refused(Msg::PushReplayed)),
        other => other?,
    };
    for (tenant, id) in done {
        let who = Principal {
            tenant_id: tenant,
            token_id: "wechat".into(),
            role: Role::Editor,
        };
        let lang = livegate_core::Lang::Zh;
        if let Err(e) = crate::stored::evaluate_and_record(state, &who, &id, lang).await {
            tracing::error!(applicant = %id, error = %e, "re-evaluating after a WeChat push");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_category_a_reason_names_is_read_in_any_quotes() {
        let want = Some(("金融业".to_string(), "保险".to_string()));
        assert_eq!(
            category_named("服务类目\"金融业-保险\"与你提交代码审核时设置的功能页面内容不一致"),
            want
        );
        assert_eq!(category_named("你的服务类目“金融业-保险”不符合"), want);
        assert_eq!(category_named("小程序名称与简介不一致"), None);
        assert_eq!(category_named("服务类目\"金融业\"不符"), None);
    }
}
