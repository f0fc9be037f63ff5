//! Bearer tokens: who is calling (cached briefly, so the hot path does not
//! touch the database), what their role allows, and the per-token rate limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use livegate_store::{Principal, Role};

use crate::AppState;
use crate::error::ApiError;

/// How long a looked-up token is trusted without asking the database again:
/// the bound on how long a revoked or expired token still works on another
/// replica (the replica that revokes forgets it at once).
pub const CACHE_TTL: Duration = Duration::from_secs(1);

/// Failed authentications a client address may make: on average a second,
/// and at once.
const FAILURES_PER_SECOND: u32 = 5;
const FAILURE_BURST: u32 = 20;
const CACHE_MAX: usize = 10_000;

#[derive(Default)]
pub struct TokenCache {
    map: Mutex<HashMap<String, (Principal, Instant)>>,
}

impl TokenCache {
    fn get(&self, secret: &str) -> Option<Principal> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(secret)
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(p, _)| p.clone())
    }

    /// Forgets every cached secret of a token, so this replica refuses it at once.
    pub fn forget(&self, token_id: &str) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, (p, _)| p.token_id != token_id);
    }

    fn put(&self, secret: &str, p: &Principal) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        map.insert(secret.to_string(), (p.clone(), Instant::now()));
    }
}

/// A token bucket per token: `rate` requests a second on average, bursts of
/// `burst`. A rate of 0 turns the limit off.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            rate: f64::from(rate),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the token's bucket, or says how many seconds to wait.
    pub fn check(&self, token_id: &str) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if !buckets.contains_key(token_id) {
            buckets.insert(token_id.to_string(), (self.burst, now));
        }
        let Some((tokens, last)) = buckets.get_mut(token_id) else {
            return Ok(());
        };
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }

    /// How many seconds the key must wait before its next request, without
    /// taking one; `None` when it may go on.
    pub fn waiting(&self, key: &str) -> Option<u64> {
        if self.rate <= 0.0 {
            return None;
        }
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = buckets.get(key)?;
        let now = (*tokens + last.elapsed().as_secs_f64() * self.rate).min(self.burst);
        (now < 1.0).then(|| ((1.0 - now) / self.rate).ceil().max(1.0) as u64)
    }
}

/// The caller, authenticated and within its rate limit.
pub struct Auth(pub Principal);

impl Auth {
    /// Refuses viewers.
    pub fn writer(&self) -> Result<&Principal, ApiError> {
        if self.0.role >= Role::Editor {
            Ok(&self.0)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Refuses all but admins.
    pub fn admin(&self) -> Result<&Principal, ApiError> {
        if self.0.role >= Role::Admin {
            Ok(&self.0)
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The per-address limiter of failed authentications.
pub fn failure_limiter() -> RateLimiter {
    RateLimiter::new(FAILURES_PER_SECOND, FAILURE_BURST)
}

/// The client's address, the key of the failure limiter.
pub fn client_key(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
}

/// The client's address as a handler argument (`"unknown"` when the
/// connection did not say).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<ClientAddr, Self::Rejection> {
        Ok(ClientAddr(client_key(&parts.extensions)))
    }
}

/// Counts one failed authentication from `client`: `Err(retry_after)` once
/// the address has failed too often. Shared by the API and the console's
/// sign-in.
pub fn record_failure(state: &AppState, client: &str) -> Result<(), u64> {
    let limited = state.auth_failures.check(client);
    state.metrics.auth_failure(limited.is_err());
    limited
}

/// `Err(retry_after)` while `client` has used up its failures: no secret it
/// sends is even looked up, so guessing stops rather than only being told
/// apart. A token already cached (known good) is not affected.
pub fn guessing_paused(state: &AppState, client: &str) -> Result<(), u64> {
    match state.auth_failures.waiting(client) {
        Some(retry_after) => {
            state.metrics.auth_failure(true);
            Err(retry_after)
        }
        None => Ok(()),
    }
}

/// A refused token: 401, or 429 with `Retry-After` once the client's
/// address has failed too often (guessing tokens costs time).
fn refused(parts: &Parts, state: &AppState) -> ApiError {
    match record_failure(state, &client_key(&parts.extensions)) {
        Ok(()) => ApiError::Unauthorized,
        Err(retry_after) => ApiError::RateLimited { retry_after },
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, ApiError> {
        let Some(secret) = bearer(parts) else {
            return Err(refused(parts, state));
        };
        let principal = match state.tokens.get(secret) {
            Some(p) => p,
            None => {
                guessing_paused(state, &client_key(&parts.extensions))
                    .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
                let Some(p) = state.store.authenticate(secret).await? else {
                    return Err(refused(parts, state));
                };
                state.tokens.put(secret, &p);
                p
            }
        };
        state
            .limiter
            .check(&principal.token_id)
            .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
        Ok(Auth(principal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limiter_allows_a_burst_then_refuses_with_a_wait_of_at_least_one_second() {
        let l = RateLimiter::new(1, 3);
        assert!(l.check("t").is_ok());
        assert!(l.check("t").is_ok());
        assert!(l.check("t").is_ok());
        assert_eq!(l.check("t"), Err(1));
        // Another token has its own bucket.
        assert!(l.check("u").is_ok());
    }

    #[test]
    fn rate_limit_of_zero_is_off() {
        let l = RateLimiter::new(0, 1);
        for _ in 0..100 {
            assert!(l.check("t").is_ok());
        }
    }
}
