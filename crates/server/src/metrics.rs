//! Prometheus metrics, kept by hand: requests by route, method and status,
//! latency histograms by route, evaluations by verdict.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Hist {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct RouteStats {
    hist: Hist,
    /// (method, status, count): a handful per route, scanned without allocating.
    counts: Vec<(String, u16, u64)>,
}

#[derive(Default)]
struct Inner {
    routes: BTreeMap<String, RouteStats>,
    verdicts: BTreeMap<&'static str, u64>,
    /// Requests refused for a missing, unknown, revoked or expired token,
    /// and how many of those were also rate-limited.
    auth_failures: u64,
    auth_limited: u64,
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !m.routes.contains_key(route) {
            m.routes.insert(route.to_string(), RouteStats::default());
        }
        let Some(r) = m.routes.get_mut(route) else {
            return;
        };
        match r
            .counts
            .iter_mut()
            .find(|(me, st, _)| me == method && *st == status)
        {
            Some((_, _, n)) => *n += 1,
            None => r.counts.push((method.to_string(), status, 1)),
        }
        let h = &mut r.hist;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// A request refused for its token; `limited` when its client had
    /// already failed too often.
    pub fn auth_failure(&self, limited: bool) {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        m.auth_failures += 1;
        m.auth_limited += u64::from(limited);
    }

    pub fn evaluation(&self, verdict: &'static str) {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *m.verdicts.entry(verdict).or_default() += 1;
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut s = String::new();
        s.push_str("# HELP livegate_http_requests_total HTTP requests answered.\n");
        s.push_str("# TYPE livegate_http_requests_total counter\n");
        for (route, r) in &m.routes {
            let mut counts: Vec<&(String, u16, u64)> = r.counts.iter().collect();
            counts.sort();
            for (method, status, n) in counts {
                let _ = writeln!(
                    s,
                    "livegate_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
                );
            }
        }
        s.push_str("# HELP livegate_http_request_duration_seconds Time to answer, by route.\n");
        s.push_str("# TYPE livegate_http_request_duration_seconds histogram\n");
        for (route, h) in m.routes.iter().map(|(k, r)| (k, &r.hist)) {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "livegate_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                s,
                "livegate_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                s,
                "livegate_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                s,
                "livegate_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        s.push_str("# HELP livegate_evaluations_total Evaluations, by verdict.\n");
        s.push_str("# TYPE livegate_evaluations_total counter\n");
        for (v, n) in &m.verdicts {
            let _ = writeln!(s, "livegate_evaluations_total{{verdict=\"{v}\"}} {n}");
        }
        s.push_str("# HELP livegate_auth_failures_total Requests refused for their token.\n");
        s.push_str("# TYPE livegate_auth_failures_total counter\n");
        let _ = writeln!(s, "livegate_auth_failures_total {}", m.auth_failures);
        s.push_str("# HELP livegate_auth_rate_limited_total Of those, refused with 429: the client failed too often.\n");
        s.push_str("# TYPE livegate_auth_rate_limited_total counter\n");
        let _ = writeln!(s, "livegate_auth_rate_limited_total {}", m.auth_limited);
        s
    }
}
