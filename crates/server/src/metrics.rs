//! Prometheus metrics through the `metrics` facade and
//! `metrics-exporter-prometheus`: requests by route, method and status,
//! latency histograms by route, evaluations by verdict, refused tokens.
//!
//! Each service has a recorder of its own (not the process-global one), so
//! that servers in one process (the tests) count apart. Recording is
//! lock-free on the hot path; [`Metrics::upkeep`], run by the service's
//! housekeeping, folds the histograms' samples so they do not pile up
//! between scrapes.

use std::time::Duration;

use metrics::{Key, Label, Recorder};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

const REQUESTS: &str = "livegate_http_requests_total";
const DURATION: &str = "livegate_http_request_duration_seconds";
const EVALUATIONS: &str = "livegate_evaluations_total";
const AUTH_FAILURES: &str = "livegate_auth_failures_total";
const AUTH_LIMITED: &str = "livegate_auth_rate_limited_total";
const LIMITER_KEYS: &str = "livegate_rate_limiter_keys";

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), &BUCKETS)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        let m = Metrics { recorder, handle };
        m.describe();
        // Counters a scrape should show from the start, at zero.
        m.counter(Key::from_static_name(AUTH_FAILURES), 0);
        m.counter(Key::from_static_name(AUTH_LIMITED), 0);
        m
    }
}

impl Metrics {
    fn describe(&self) {
        let help = [
            (REQUESTS, "HTTP requests answered."),
            (DURATION, "Time to answer, by route."),
            (EVALUATIONS, "Evaluations, by verdict."),
            (AUTH_FAILURES, "Requests refused for their token."),
            (
                AUTH_LIMITED,
                "Of those, refused with 429: the client failed too often.",
            ),
            (
                LIMITER_KEYS,
                "Tokens and client addresses the rate limiters track.",
            ),
        ];
        for (name, text) in help {
            match name {
                DURATION => self
                    .recorder
                    .describe_histogram(name.into(), None, text.into()),
                LIMITER_KEYS => self.recorder.describe_gauge(name.into(), None, text.into()),
                _ => self
                    .recorder
                    .describe_counter(name.into(), None, text.into()),
            }
        }
    }

    fn counter(&self, key: Key, by: u64) {
        let meta = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
        self.recorder.register_counter(&key, &meta).increment(by);
    }

    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let meta = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
        let route = Label::new("route", route.to_string());
        let labels = vec![
            route.clone(),
            Label::new("method", method.to_string()),
            Label::new("status", status.to_string()),
        ];
        self.counter(Key::from_parts(REQUESTS, labels), 1);
        self.recorder
            .register_histogram(&Key::from_parts(DURATION, vec![route]), &meta)
            .record(took.as_secs_f64());
    }

    /// A request refused for its token; `limited` when its client had
    /// already failed too often.
    pub fn auth_failure(&self, limited: bool) {
        self.counter(Key::from_static_name(AUTH_FAILURES), 1);
        if limited {
            self.counter(Key::from_static_name(AUTH_LIMITED), 1);
        }
    }

    pub fn evaluation(&self, verdict: &'static str) {
        let key = Key::from_parts(
            EVALUATIONS,
            vec![Label::from_static_parts("verdict", verdict)],
        );
        self.counter(key, 1);
    }

    /// How many keys a limiter holds (`which`: `token` or `address`).
    pub fn limiter_keys(&self, which: &'static str, n: usize) {
        let meta = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
        let key = Key::from_parts(
            LIMITER_KEYS,
            vec![Label::from_static_parts("limiter", which)],
        );
        self.recorder.register_gauge(&key, &meta).set(n as f64);
    }

    /// Folds recorded samples into the histograms.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        self.handle.render()
    }
}
