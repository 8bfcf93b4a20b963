//! Prometheus metrics. Labels are route names, verdicts, rule ids,
//! categories and statuses — never a value from a document.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// Every metric pubgate exports.
pub struct Metrics {
    registry: Registry,
    /// Requests by route class (`inspected` route name or `passthrough`) and verdict.
    pub requests: IntCounterVec,
    /// `requests{route="passthrough"}`, resolved once: it is counted on
    /// every uninspected request.
    pub passthrough: IntCounter,
    /// `upstream_duration_seconds{kind="forward"}`, resolved once.
    pub upstream_forward: Histogram,
    /// Findings by rule and category.
    pub findings: IntCounterVec,
    /// Time to extract and scan one inspected body.
    pub scan_seconds: Histogram,
    /// Bytes of inspected bodies (decoded).
    pub inspected_bytes: IntCounter,
    /// Held items by status (refreshed on scrape).
    pub queue_depth: IntGaugeVec,
    /// Replay attempts by outcome.
    pub replay_attempts: IntCounterVec,
    /// Replays that ended `failed` or `needs_reconcile`.
    pub replay_failures: IntCounter,
    /// Time for the upstream to answer, by kind (`forward`, `replay`).
    pub upstream_seconds: HistogramVec,
    /// Requests to the upstream that failed, by kind (`connect`,
    /// `timeout`, `broken`).
    pub upstream_errors: IntCounterVec,
    /// Held items by queue (status `held`; refreshed on scrape).
    pub queue_held: IntGaugeVec,
    /// Age in seconds of the oldest item still held, by queue (refreshed
    /// on scrape; 0 when the queue is empty).
    pub oldest_held_seconds: IntGaugeVec,
    /// Held bodies purged after the retention period.
    pub purged: IntCounter,
    /// Reloads by result.
    pub reloads: IntCounterVec,
    /// Decision records dropped because the writer fell behind.
    pub decisions_dropped: IntCounter,
    /// Webhook calls that failed after retries.
    pub webhook_failures: IntCounter,
    /// Admin requests refused because a client sent too many.
    pub admin_rate_limited: IntCounter,
    /// Published documents by takedown status (from the shared store).
    pub takedown: IntGaugeVec,
    /// 1 for the policy version this replica runs (0 for the one before).
    pub engine_info: IntGaugeVec,
    /// Public-side answers by route, outcome (`served`, `withheld`,
    /// `unread`, `not_inspected`) and where the verdict came from
    /// (`memory`, `store`, `scan`, `none`).
    pub egress: IntCounterVec,
}

impl Metrics {
    /// Registers every metric in a fresh registry.
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "pubgate_requests_total",
                "Requests by route class and verdict",
            ),
            &["route", "verdict"],
        )?;
        let findings = IntCounterVec::new(
            Opts::new("pubgate_findings_total", "Findings by rule and category"),
            &["rule", "category"],
        )?;
        let scan_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "pubgate_scan_duration_seconds",
                "Extract and scan time per inspected body",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ]),
        )?;
        let inspected_bytes =
            IntCounter::new("pubgate_inspected_bytes_total", "Inspected body bytes")?;
        let queue_depth = IntGaugeVec::new(
            Opts::new("pubgate_queue_depth", "Held items by status"),
            &["status"],
        )?;
        let replay_attempts = IntCounterVec::new(
            Opts::new(
                "pubgate_replay_attempts_total",
                "Replays of approved items by outcome",
            ),
            &["outcome"],
        )?;
        let replay_failures = IntCounter::new(
            "pubgate_replay_failures_total",
            "Approved items that ended failed or needs_reconcile",
        )?;
        let upstream_seconds = HistogramVec::new(
            HistogramOpts::new("pubgate_upstream_duration_seconds", "Upstream answer time")
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                    30.0,
                ]),
            &["kind"],
        )?;
        let reloads = IntCounterVec::new(
            Opts::new(
                "pubgate_reloads_total",
                "Policy and dictionary reloads by result",
            ),
            &["result"],
        )?;
        let decisions_dropped = IntCounter::new(
            "pubgate_decisions_dropped_total",
            "Decision records dropped because the store writer fell behind",
        )?;
        let admin_rate_limited = IntCounter::new(
            "pubgate_admin_rate_limited_total",
            "Admin requests refused with 429 because a client sent too many",
        )?;
        let webhook_failures = IntCounter::new(
            "pubgate_webhook_failures_total",
            "Webhook calls that failed",
        )?;
        let upstream_errors = IntCounterVec::new(
            Opts::new(
                "pubgate_upstream_errors_total",
                "Requests to the publishing platform that failed, by kind",
            ),
            &["kind"],
        )?;
        let queue_held = IntGaugeVec::new(
            Opts::new("pubgate_queue_held", "Items waiting for review, by queue"),
            &["queue"],
        )?;
        let oldest_held_seconds = IntGaugeVec::new(
            Opts::new(
                "pubgate_oldest_held_seconds",
                "Age of the oldest item waiting for review, by queue",
            ),
            &["queue"],
        )?;
        let purged = IntCounter::new(
            "pubgate_purged_total",
            "Held request bodies purged after the retention period",
        )?;
        registry.register(Box::new(upstream_errors.clone()))?;
        registry.register(Box::new(queue_held.clone()))?;
        registry.register(Box::new(oldest_held_seconds.clone()))?;
        registry.register(Box::new(purged.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(findings.clone()))?;
        registry.register(Box::new(scan_seconds.clone()))?;
        registry.register(Box::new(inspected_bytes.clone()))?;
        registry.register(Box::new(queue_depth.clone()))?;
        registry.register(Box::new(replay_attempts.clone()))?;
        registry.register(Box::new(replay_failures.clone()))?;
        registry.register(Box::new(upstream_seconds.clone()))?;
        registry.register(Box::new(reloads.clone()))?;
        registry.register(Box::new(decisions_dropped.clone()))?;
        registry.register(Box::new(webhook_failures.clone()))?;
        registry.register(Box::new(admin_rate_limited.clone()))?;
        let takedown = IntGaugeVec::new(
            Opts::new(
                "pubgate_published_documents",
                "Already-published documents recorded by archive rescans, by takedown status",
            ),
            &["status"],
        )?;
        let engine_info = IntGaugeVec::new(
            Opts::new(
                "pubgate_engine_info",
                "The policy and dictionary version this replica runs (value 1)",
            ),
            &["version", "replica"],
        )?;
        let egress = IntCounterVec::new(
            Opts::new(
                "pubgate_egress_total",
                "Public-side answers by route, outcome and verdict source",
            ),
            &["route", "outcome", "source"],
        )?;
        registry.register(Box::new(takedown.clone()))?;
        registry.register(Box::new(engine_info.clone()))?;
        registry.register(Box::new(egress.clone()))?;
        Ok(Metrics {
            registry,
            passthrough: requests.with_label_values(&["passthrough", "forwarded"]),
            upstream_forward: upstream_seconds.with_label_values(&["forward"]),
            requests,
            findings,
            scan_seconds,
            inspected_bytes,
            queue_depth,
            replay_attempts,
            replay_failures,
            upstream_seconds,
            upstream_errors,
            queue_held,
            oldest_held_seconds,
            purged,
            reloads,
            decisions_dropped,
            admin_rate_limited,
            webhook_failures,
            takedown,
            engine_info,
            egress,
        })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}
