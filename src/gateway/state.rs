//! What every proxy worker shares. Built by `serve`; the store, the engine
//! and the notifier are the same ones the review office holds.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::engine::{Engine, LiveEngine};
use crate::gateway::decisions::{DecisionLog, DecisionRecord};
use crate::gateway::egress::Egress;
use crate::gateway::publish::PublishRules;
use crate::gateway::routes::Routes;
use crate::intake::IntakeLimits;
use crate::metrics::Metrics;
use crate::review::webhook::{Notifier, StateChange};
use crate::store::Store;
use crate::upstream::Upstream;

/// The gateway's settings (from `pubgate serve`'s config file).
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    /// The limits a body is read under (size, decoding ratio, parts).
    pub intake: IntakeLimits,
    /// Time to receive the request headers.
    pub header_read_timeout: Duration,
    /// Time to receive an inspected body.
    pub body_read_timeout: Duration,
    /// Time for one scan.
    pub scan_timeout: Duration,
    /// Grace period for in-flight requests at shutdown.
    pub shutdown_grace: Duration,
    /// Scan and record, but forward everything (rollout).
    pub monitor: bool,
    /// Header that names the submitter (set by the platform's own login).
    pub submitter_header: String,
    /// The gateway's own paths on the proxy port (`/.pubgate/`): never
    /// forwarded.
    pub status_prefix: String,
}

/// Shared by the proxy workers, behind an `Arc`.
pub struct GatewayState {
    /// Settings.
    pub settings: GatewaySettings,
    /// The engine in use (a reload swaps it).
    pub engine: Arc<LiveEngine>,
    /// Inspected routes.
    pub routes: Routes,
    /// Publish transitions (requests that publish stored content).
    pub publish: PublishRules,
    /// Public routes and the verdicts known on what they serve.
    pub egress: Egress,
    /// Where holds and verdicts are kept.
    pub store: Store,
    /// The publishing platform.
    pub upstream: Upstream,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Bounds concurrent scans (CPU and memory).
    pub scan_permits: Semaphore,
    /// This replica's name (recorded with each hold).
    pub replica: String,
    /// Told of every new hold.
    pub notifier: Arc<Notifier>,
    /// The decision log (monitor mode, blocks, redactions).
    pub decisions: DecisionLog,
}

impl GatewayState {
    /// The engine in use; scans in flight keep theirs across a reload.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.current()
    }

    /// Queues a decision record (never slows the publish path).
    pub fn record(&self, record: DecisionRecord) {
        if !self.decisions.record(record) {
            self.metrics.decisions_dropped.inc();
        }
    }

    /// Tells the log and the webhook about a state change.
    pub fn state_changed(&self, change: StateChange) {
        self.notifier.changed(change);
    }
}
