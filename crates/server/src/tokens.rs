//! `/v1/tokens`: an administrator lists the tenant's tokens (never their
//! secrets) and revokes one. A revoked token is refused at once by this
//! replica and within the token cache's bound ([`crate::auth::CACHE_TTL`])
//! by every other.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use livegate_store::TokenInfo;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};

/// A token as an administrator sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    /// admin, editor or viewer.
    pub role: String,
    pub label: Option<String>,
    pub created_at: String,
    /// When it stops working; none: until revoked.
    pub expires_at: Option<String>,
    /// Its last authentication (recorded at most about once a second).
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<TokenInfo> for TokenView {
    fn from(t: TokenInfo) -> Self {
        TokenView {
            id: t.id,
            role: t.role.as_str().to_string(),
            label: t.label,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenView>,
}

/// The tenant's tokens, oldest first.
#[utoipa::path(get, path = "/v1/tokens", tag = "tokens",
    responses(
        (status = 200, description = "the tokens", body = TokenList),
        (status = 403, description = "not an admin token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<TokenList>, ApiError> {
    let who = auth.admin()?;
    let items = state.store.list_tokens(&who.tenant_id).await?;
    Ok(Json(TokenList {
        items: items.into_iter().map(TokenView::from).collect(),
    }))
}

/// Revokes one of the tenant's tokens, now.
#[utoipa::path(delete, path = "/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses(
        (status = 204, description = "revoked"),
        (status = 404, description = "no such token in this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let who = auth.admin()?;
    state
        .store
        .revoke_token(&who.tenant_id, &id, Some(&who.token_id))
        .await?;
    state.tokens.forget(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
