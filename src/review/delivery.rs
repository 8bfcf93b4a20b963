//! Delivering approved items to the upstream, exactly once.
//!
//! An item is claimed (`approved → delivering`, with a lease) in a short
//! transaction, sent outside any transaction, and the answer recorded
//! (`delivering → delivered | failed | approved` for a retry). Every
//! replay carries `Idempotency-Key: <item id>`.
//!
//! What happens when the answer is unknown:
//! - connection refused: nothing was sent, so it is retried with backoff;
//! - 5xx, 408, 429: the upstream says it did not do it; retried;
//! - other 4xx: the upstream refused it for good; `failed`;
//! - a timeout or a connection cut after sending: the upstream may have
//!   published it. Retried only if the config declares the upstream
//!   idempotent; otherwise `needs_reconcile`, for a person to check.
//! - the gateway died mid-delivery: the item is still `delivering`; at
//!   start-up (and when its lease expires) it is treated like the case
//!   above.

use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use http_body_util::BodyExt;
use tokio::sync::watch;

use crate::review::state::ReviewState;
use crate::review::webhook::StateChange;
use crate::store::{Claimed, DeliveryOutcome, HoldStatus, now_ms};
use crate::upstream::{Upstream, full};

/// Runs until `shutdown` turns true.
pub async fn run(app: Arc<ReviewState>, mut shutdown: watch::Receiver<bool>) {
    let upstream = app.upstream.unpooled();
    let poll = Duration::from_millis(app.settings.delivery.poll_ms.max(10));
    loop {
        match app
            .store
            .recover_orphans(false, app.settings.upstream_idempotent)
            .await
        {
            Ok(moved) => {
                for (id, to) in moved {
                    app.state_changed(change(&id, HoldStatus::Delivering, to));
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not check for interrupted deliveries"),
        }
        loop {
            if *shutdown.borrow() {
                return;
            }
            let lease = Duration::from_secs(app.settings.delivery.lease_secs);
            match app.store.claim_delivery(lease).await {
                Ok(Some(claimed)) => deliver(&app, &upstream, claimed).await,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "could not claim a delivery");
                    break;
                }
            }
        }
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = app.delivery_wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

async fn deliver(app: &ReviewState, upstream: &Upstream, claimed: Claimed) {
    let outcome = send(app, upstream, &claimed).await;
    log_outcome(&claimed, &outcome);
    let label = match &outcome {
        DeliveryOutcome::Delivered(_) => "delivered",
        DeliveryOutcome::Failed { .. } => "failed",
        DeliveryOutcome::Retry { .. } => "retry",
        DeliveryOutcome::NeedsReconcile(_) => "unknown",
    };
    app.metrics
        .replay_attempts
        .with_label_values(&[label])
        .inc();
    match app
        .store
        .finish_delivery(&claimed.id, claimed.attempts, &outcome)
        .await
    {
        Ok(to) => {
            if matches!(to, HoldStatus::Failed | HoldStatus::NeedsReconcile) {
                app.metrics.replay_failures.inc();
            }
            app.state_changed(change(&claimed.id, HoldStatus::Delivering, to));
        }
        // The lease expired and someone else took the item over; their
        // record wins.
        Err(e) => tracing::warn!(id = %claimed.id, error = %e, "delivery result not recorded"),
    }
}

async fn send(app: &ReviewState, upstream: &Upstream, claimed: &Claimed) -> DeliveryOutcome {
    let request = &claimed.request;
    let mut headers = HeaderMap::new();
    for (name, value) in &request.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(n, v);
        }
    }
    headers.remove(http::header::CONTENT_LENGTH);
    if let Ok(key) = HeaderValue::from_str(&claimed.id) {
        headers.insert("idempotency-key", key.clone());
        headers.insert("x-pubgate-hold-id", key);
    }
    headers.insert("x-pubgate-verdict", HeaderValue::from_static("approved"));
    let Ok(method) = Method::from_bytes(request.method.as_bytes()) else {
        return DeliveryOutcome::Failed {
            status: None,
            error: "stored method is invalid".into(),
        };
    };
    let sent = upstream
        .send(
            method,
            &request.uri,
            headers,
            full(request.body.clone()),
            None,
        )
        .await;
    let retry = |status: Option<u16>, error: String| {
        if claimed.attempts >= app.settings.delivery.max_attempts {
            DeliveryOutcome::Failed {
                status,
                error: format!("gave up after {} attempts: {error}", claimed.attempts),
            }
        } else {
            DeliveryOutcome::Retry {
                status,
                error,
                next_attempt_at: now_ms() + backoff_ms(app, claimed.attempts),
            }
        }
    };
    match sent {
        Ok((response, took)) => {
            app.metrics
                .upstream_seconds
                .with_label_values(&["replay"])
                .observe(took.as_secs_f64());
            let status = response.status();
            // Read the answer so the connection can be reused.
            let _ =
                tokio::time::timeout(Duration::from_secs(10), response.into_body().collect()).await;
            let code = status.as_u16();
            if status.is_success() || status.is_redirection() {
                DeliveryOutcome::Delivered(code)
            } else if status.is_server_error() || code == 408 || code == 429 {
                retry(
                    Some(code),
                    format!("the publishing platform answered HTTP {code}"),
                )
            } else {
                DeliveryOutcome::Failed {
                    status: Some(code),
                    error: format!("the publishing platform refused it with HTTP {code}"),
                }
            }
        }
        Err(e) => {
            app.metrics
                .upstream_errors
                .with_label_values(&[e.kind()])
                .inc();
            if e.nothing_sent() || app.settings.upstream_idempotent {
                retry(None, e.to_string())
            } else {
                DeliveryOutcome::NeedsReconcile(format!(
                    "{e}; the platform may have published it — check before resending"
                ))
            }
        }
    }
}

/// One line per attempt that did not deliver, in words: what happened and
/// what happens next.
fn log_outcome(claimed: &Claimed, outcome: &DeliveryOutcome) {
    let (id, attempt) = (&claimed.id, claimed.attempts);
    match outcome {
        DeliveryOutcome::Delivered(_) => {}
        DeliveryOutcome::Retry {
            error,
            next_attempt_at,
            ..
        } => {
            let wait = (next_attempt_at - now_ms()).max(0) as f64 / 1000.0;
            tracing::warn!(%id, attempt, "delivery attempt {attempt} failed: {error}; trying again in {wait:.1} s");
        }
        DeliveryOutcome::Failed { error, .. } => {
            tracing::warn!(%id, attempt, "delivery failed for good: {error}");
        }
        DeliveryOutcome::NeedsReconcile(error) => {
            tracing::warn!(%id, attempt, "delivery interrupted, a person must check: {error}");
        }
    }
}

/// Exponential backoff, capped.
fn backoff_ms(app: &ReviewState, attempts: i64) -> i64 {
    let d = &app.settings.delivery;
    let shift = attempts.clamp(1, 20) as u32 - 1;
    let ms = d.backoff_initial_ms.saturating_mul(1u64 << shift);
    ms.min(d.backoff_max_ms) as i64
}

fn change(id: &str, from: HoldStatus, to: HoldStatus) -> StateChange {
    StateChange {
        id: id.to_string(),
        from: Some(from),
        to,
        queue: None,
        actor: "gateway".into(),
        at: now_ms(),
        reason: None,
        findings: None,
    }
}

/// Delivery of approved items.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliverySettings {
    /// Tries before an item is `failed`.
    pub max_attempts: i64,
    /// First retry delay.
    pub backoff_initial_ms: u64,
    /// Longest retry delay.
    pub backoff_max_ms: u64,
    /// How long a claim is valid before another worker may take it over.
    pub lease_secs: u64,
    /// How often to look for due items when nothing wakes the worker.
    pub poll_ms: u64,
}

impl Default for DeliverySettings {
    fn default() -> DeliverySettings {
        DeliverySettings {
            max_attempts: 10,
            backoff_initial_ms: 500,
            backoff_max_ms: 30_000,
            lease_secs: 120,
            poll_ms: 1000,
        }
    }
}
