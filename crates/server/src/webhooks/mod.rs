//! Webhooks out: a tenant admin registers endpoints with the event types
//! they want; every change that raises one writes it to the outbox in its
//! own transaction (see the store), and [`deliver`] sends it, signed as
//! Standard Webhooks asks, at least once. The routes: endpoints, their
//! delivery log, and replaying a delivery.

pub mod deliver;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use livegate_store::webhooks::{Delivery, EVENT_TYPES, Endpoint};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::extract::json_body;
use crate::problems::{Msg, say};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointInput {
    /// An http or https URL with a host name (an IP address or a local
    /// name only where the service allows private addresses; otherwise it
    /// refuses them, and names that resolve to them).
    #[schema(
        max_length = 2000,
        pattern = r"^https?://([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}(:[0-9]{1,5})?(/[!-~]*)?$"
    )]
    pub url: String,
    /// The event types to receive (at least one).
    #[schema(min_items = 1, value_type = Vec<EventType>)]
    pub events: Vec<String>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

/// An event type an endpoint may ask for: the schema of
/// [`EVENT_TYPES`], which the handler checks.
#[derive(Debug, Serialize, ToSchema)]
pub enum EventType {
    #[serde(rename = "applicant.verdict_changed")]
    VerdictChanged,
    #[serde(rename = "document.submitted")]
    Submitted,
    #[serde(rename = "document.verified")]
    Verified,
    #[serde(rename = "document.rejected")]
    Rejected,
    #[serde(rename = "document.expiring")]
    Expiring,
    #[serde(rename = "wechat.review_result")]
    WechatResult,
    #[serde(rename = "ruleset.impact")]
    Impact,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
    /// Set when its deliveries kept failing for three days; a replay enables it again.
    pub disabled_at: Option<String>,
    pub created_at: String,
}

impl From<Endpoint> for EndpointView {
    fn from(e: Endpoint) -> Self {
        EndpointView {
            id: e.id,
            url: e.url,
            events: e.events,
            description: e.description,
            disabled_at: e.disabled_at,
            created_at: e.created_at,
        }
    }
}

/// A new endpoint with its signing secret, answered this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewEndpoint {
    pub endpoint: EndpointView,
    /// `whsec_` and base64: give it to a Standard Webhooks verifier.
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointList {
    pub items: Vec<EndpointView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    /// The event's id: the `webhook-id` header, the same on every attempt.
    pub event_id: String,
    pub event_type: String,
    /// `pending`, `delivered` or `dead`.
    pub state: String,
    pub attempts: i64,
    pub next_at: String,
    pub last_status: Option<i64>,
    /// The start of the receiver's answer, or why nothing was sent.
    pub last_response: Option<String>,
    pub last_at: Option<String>,
    pub created_at: String,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        DeliveryView {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            state: d.state,
            attempts: d.attempts,
            next_at: d.next_at,
            last_status: d.last_status,
            last_response: d.last_response,
            last_at: d.last_at,
            created_at: d.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryView>,
}

/// An endpoint as asked for: its URL checked, its event types known.
fn checked(state: &AppState, input: EndpointInput) -> Result<EndpointInput, ApiError> {
    let bad_url = |why: &str| ApiError::invalid("url", say(Msg::WebhookUrl, &[("reason", why)]));
    let url = url::Url::parse(input.url.trim()).map_err(|e| bad_url(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad_url("http(s)://host/…"));
    }
    let literal: Option<std::net::IpAddr> = match url.host() {
        Some(url::Host::Ipv4(a)) => Some(a.into()),
        Some(url::Host::Ipv6(a)) => Some(a.into()),
        _ => None,
    };
    let local = url.host_str() == Some("localhost") || literal.is_some_and(deliver::private);
    if local && !state.settings.webhook_allow_private {
        return Err(bad_url("private or local address"));
    }
    let unknown: Vec<&String> = input
        .events
        .iter()
        .filter(|e| !EVENT_TYPES.contains(&e.as_str()))
        .collect();
    if input.events.is_empty() || !unknown.is_empty() {
        let list = EVENT_TYPES.join(", ");
        return Err(ApiError::invalid(
            "events",
            say(Msg::WebhookEvents, &[("types", &list)]),
        ));
    }
    if input
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        return Err(ApiError::invalid(
            "description",
            say(Msg::LinkNoteLength, &[]),
        ));
    }
    Ok(EndpointInput {
        url: url.to_string(),
        ..input
    })
}

#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks",
    request_body(content = EndpointInput, content_type = "application/json"),
    responses((status = 201, description = "registered; the signing secret is answered this once", body = NewEndpoint),
        (status = 403, description = "admins only", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a URL that is not http(s), a private address, or an unknown event type", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let who = auth.admin()?;
    let mut input = checked(&state, json_body(&headers, body)?)?;
    input.events.sort();
    input.events.dedup();
    let (e, secret) = state
        .store
        .create_endpoint(who, &input.url, &input.events, input.description)
        .await?;
    let body = NewEndpoint {
        endpoint: e.into(),
        secret,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks",
    responses((status = 200, description = "the tenant's endpoints, without their secrets", body = EndpointList)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<EndpointList>, ApiError> {
    let who = auth.admin()?;
    let items = state.store.endpoints(&who.tenant_id).await?;
    Ok(Json(EndpointList {
        items: items.into_iter().map(EndpointView::from).collect(),
    }))
}

#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 204, description = "removed, with its pending deliveries and log"),
        (status = 404, description = "no such endpoint", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = auth.admin()?;
    state.store.delete_endpoint(who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, description = "the endpoint's last 200 deliveries, newest first: state, attempts, status and answer", body = DeliveryList),
        (status = 404, description = "no such endpoint", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<DeliveryList>, ApiError> {
    let who = auth.admin()?;
    let known = state
        .store
        .endpoints(&who.tenant_id)
        .await?
        .iter()
        .any(|e| e.id == id);
    if !known {
        return Err(ApiError::NotFound);
    }
    let items = state.store.deliveries(&who.tenant_id, &id, 200).await?;
    Ok(Json(DeliveryList {
        items: items.into_iter().map(DeliveryView::from).collect(),
    }))
}

#[utoipa::path(post, path = "/v1/webhooks/{id}/deliveries/{delivery}/replay", tag = "webhooks",
    params(("id" = String, Path), ("delivery" = String, Path)),
    responses((status = 204, description = "due again now, with the same webhook-id; the endpoint is enabled again"),
        (status = 404, description = "no such delivery", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn replay(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let who = auth.admin()?;
    state.store.replay_delivery(who, &id, &delivery).await?;
    Ok(StatusCode::NO_CONTENT)
}
