//! The delivery worker: fans the outbox out, claims due deliveries, signs
//! each as Standard Webhooks asks (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,base64(HMAC-SHA256(secret, id.timestamp.body))`),
//! sends it without following redirects, and settles it: delivered on a
//! 2xx, else due again after a delay that doubles, up to three days after
//! the event; then dead, and its endpoint disabled. Every hour it also
//! runs the expiry sweep, which raises `document.expiring`.

use std::net::IpAddr;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use livegate_store::webhooks::Claimed;
use sha2::Sha256;

use crate::AppState;

/// How long a claimed delivery is a worker's before another may take it.
const LEASE_SECS: u64 = 60;
/// How long a delivery is retried after its event.
pub const GIVE_UP_SECS: u64 = 3 * 24 * 3600;
/// The most of a receiver's answer the log keeps.
const RESPONSE_KEPT: usize = 500;

/// The signature header of a body, as Standard Webhooks computes it.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Whether an address is one an endpoint may not reach unless the service
/// allows private addresses: loopback, private, link-local, unspecified,
/// shared (CGNAT), documentation or multicast.
pub fn private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| private(IpAddr::V4(v4)))
        }
    }
}

/// The delay before the next attempt: 2^(attempt-1) times `base`, at most
/// six hours.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    base.saturating_mul(2u32.saturating_pow(exp))
        .min(Duration::from_secs(6 * 3600))
}

/// The worker: every `every`, fan out and deliver what is due, until the
/// task is aborted.
pub async fn run(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut swept: Option<std::time::Instant> = None;
    loop {
        tick.tick().await;
        if swept.is_none_or(|at| at.elapsed() >= SWEEP_EVERY) {
            swept = Some(std::time::Instant::now());
            sweep(&state).await;
        }
        if let Err(e) = round(&state).await {
            tracing::warn!(error = %e, "webhook deliveries");
        }
    }
}

/// How often the expiry sweep runs; it raises each notice once a day
/// however often it runs.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// The expiry sweep for today in Beijing time.
async fn sweep(state: &AppState) {
    let today = livegate_store::clock::format_date(livegate_store::clock::today());
    match state.store.expiry_sweep(&today).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            raised = n,
            "expiry sweep: documents expiring in 30, 7 or 1 days"
        ),
        Err(e) => tracing::warn!(error = %e, "expiry sweep"),
    }
}

/// One round: the outbox fanned out, and up to 50 due deliveries sent.
pub async fn round(state: &AppState) -> Result<usize, livegate_store::StoreError> {
    while state.store.fan_out(200).await? == 200 {}
    let claimed = state.store.claim_deliveries(50, LEASE_SECS).await?;
    let n = claimed.len();
    // Each to its own receiver at once: a slow one holds up no other.
    let mut sends = tokio::task::JoinSet::new();
    for c in claimed {
        let state = state.clone();
        sends.spawn(async move { send(&state, c).await });
    }
    while let Some(done) = sends.join_next().await {
        if let Ok(Err(e)) = done {
            tracing::warn!(error = %e, "settling a webhook delivery");
        }
    }
    Ok(n)
}

/// Sends one delivery and settles it.
async fn send(state: &AppState, c: Claimed) -> Result<(), livegate_store::StoreError> {
    let answer = post(state, &c).await;
    let (status, text, ok) = match answer {
        Ok((status, text)) => (Some(status), text, (200..300).contains(&status)),
        Err(why) => (None, why, false),
    };
    let retry_at = (!ok).then(|| next_try(state, &c)).flatten();
    state
        .store
        .settle_delivery(&c, status, &text, retry_at, ok)
        .await
}

/// When to try again, or `None` once three days have passed since the event.
fn next_try(state: &AppState, c: &Claimed) -> Option<String> {
    let delay = backoff(state.settings.webhook_retry_base, c.attempts);
    let at = livegate_store::clock::rfc3339_after(delay.as_secs().max(1));
    let give_up = livegate_store::clock::rfc3339_plus(&c.created_at, GIVE_UP_SECS)?;
    (at <= give_up).then_some(at)
}

/// POSTs the signed payload; the status and the start of the answer, or why
/// nothing was sent.
async fn post(state: &AppState, c: &Claimed) -> Result<(u16, String), String> {
    let url = url::Url::parse(&c.url).map_err(|e| format!("url: {e}"))?;
    let host = url.host_str().ok_or("url: no host")?.to_string();
    let port = url.port_or_known_default().ok_or("url: no port")?;
    let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("dns: {e}"))?
        .collect();
    let addr = *addrs.first().ok_or("dns: no address")?;
    if !state.settings.webhook_allow_private && addrs.iter().any(|a| private(a.ip())) {
        return Err(format!("refused: {host} is a private address"));
    }
    let ts = (livegate_store::clock::now_millis() / 1000) as i64;
    let sig = signature(&c.secret, &c.event_id, ts, &c.payload).ok_or("secret: not whsec_")?;
    // The address checked is the one connected to: no second lookup.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .resolve(&host, addr)
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let res = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &c.event_id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(c.payload.clone())
        .send()
        .await
        .map_err(|e| format!("send: {e}"))?;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    Ok((status, text.chars().take(RESPONSE_KEPT).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_standard_webhooks_hmac() {
        // Standard Webhooks' own example (its README's test vector).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let sig = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn private_and_local_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                private(ip.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]))),
                "{ip}"
            );
        }
        for ip in ["8.8.8.8", "203.0.114.1", "2400:3200::1"] {
            assert!(
                !private(ip.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]))),
                "{ip}"
            );
        }
    }

    #[test]
    fn the_delay_doubles_and_stops_at_six_hours() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 3), Duration::from_secs(120));
        assert_eq!(backoff(base, 30), Duration::from_secs(6 * 3600));
    }
}
