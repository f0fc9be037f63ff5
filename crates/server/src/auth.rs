//! Bearer tokens: who is calling (cached briefly, so the hot path does not
//! touch the database), what their role allows, and the per-token rate limit.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

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
pub const FAILURE_BURST: u32 = 20;
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

/// A rate limit per key (a token's id, a client's address): `rate`
/// requests a second on average, bursts of `burst` (governor's GCRA). A
/// rate of 0 turns the limit off. Keys whose allowance has fully come back
/// are dropped by [`RateLimiter::sweep`], so memory follows the clients
/// active in the last few seconds, not every client ever seen.
pub struct RateLimiter {
    inner: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl RateLimiter {
    pub fn new(rate: u32, burst: u32) -> RateLimiter {
        let quota = NonZeroU32::new(rate).map(|r| {
            Quota::per_second(r).allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        });
        RateLimiter {
            inner: quota.map(governor::RateLimiter::keyed),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request from the key's allowance, or says how many whole
    /// seconds (at least one) to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let Some(l) = &self.inner else {
            return Ok(());
        };
        l.check_key(&key.to_string())
            .map_err(|not_until| whole_seconds(not_until.wait_time_from(self.clock.now())))
    }

    /// Forgets the keys that are back to a full allowance.
    pub fn sweep(&self) {
        if let Some(l) = &self.inner {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// How many keys are tracked.
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |l| l.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A wait in whole seconds for `Retry-After`: rounded up, at least one.
fn whole_seconds(d: Duration) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}

/// Failed authentications per client address: a [`RateLimiter`], and the
/// addresses it has refused, until their next attempt is allowed. While an
/// address is paused no secret it sends is even looked up.
pub struct FailureLimiter {
    limiter: RateLimiter,
    paused: DashMap<String, Instant>,
}

impl Default for FailureLimiter {
    fn default() -> FailureLimiter {
        FailureLimiter::new(FAILURE_BURST)
    }
}

impl FailureLimiter {
    /// `burst` failures at once, then [`FAILURES_PER_SECOND`]; 0: no limit.
    pub fn new(burst: u32) -> FailureLimiter {
        let rate = if burst == 0 { 0 } else { FAILURES_PER_SECOND };
        FailureLimiter {
            limiter: RateLimiter::new(rate, burst),
            paused: DashMap::new(),
        }
    }

    /// Counts one failure: `Err(retry_after)` once the address failed too often.
    pub fn record(&self, client: &str) -> Result<(), u64> {
        self.limiter.check(client).inspect_err(|&secs| {
            let until = Instant::now() + Duration::from_secs(secs);
            self.paused.insert(client.to_string(), until);
        })
    }

    /// `Some(retry_after)` while the address is paused.
    pub fn waiting(&self, client: &str) -> Option<u64> {
        let until = *self.paused.get(client)?;
        let left = until.checked_duration_since(Instant::now())?;
        Some(whole_seconds(left))
    }

    /// Forgets addresses whose failures are forgiven and pauses that are over.
    pub fn sweep(&self) {
        self.limiter.sweep();
        let now = Instant::now();
        self.paused.retain(|_, until| *until > now);
        self.paused.shrink_to_fit();
    }

    /// How many addresses are tracked.
    pub fn len(&self) -> usize {
        self.limiter.len() + self.paused.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    let limited = state.auth_failures.record(client);
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
        // No token guesses nothing: a plain 401, not counted as a failure.
        let Some(secret) = bearer(parts) else {
            return Err(ApiError::Unauthorized);
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
    fn a_sweep_forgets_keys_back_to_a_full_allowance_and_keeps_the_rest() {
        let l = RateLimiter::new(1000, 1);
        for i in 0..1000 {
            assert!(l.check(&format!("k{i}")).is_ok());
        }
        assert_eq!(l.len(), 1000);
        std::thread::sleep(Duration::from_millis(20));
        l.sweep();
        assert_eq!(l.len(), 0, "every key's allowance came back in 1 ms");
        let slow = RateLimiter::new(1, 1);
        assert!(slow.check("k").is_ok());
        slow.sweep();
        assert_eq!(slow.len(), 1, "a key still waiting is kept");
        assert_eq!(slow.check("k"), Err(1));
    }

    #[test]
    fn an_address_that_failed_too_often_is_paused_until_it_may_try_again() {
        let f = FailureLimiter::default();
        for _ in 0..FAILURE_BURST {
            assert!(f.record("a").is_ok());
        }
        assert_eq!(f.waiting("a"), None);
        assert_eq!(f.record("a"), Err(1));
        assert_eq!(f.waiting("a"), Some(1));
        assert_eq!(f.waiting("b"), None, "another address is not paused");
    }

    #[test]
    fn rate_limit_of_zero_is_off() {
        let l = RateLimiter::new(0, 1);
        for _ in 0..100 {
            assert!(l.check("t").is_ok());
        }
    }
}
