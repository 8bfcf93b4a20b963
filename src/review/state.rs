//! What the review office's handlers and its delivery worker share. Built
//! by `serve`, which also hands the gateway the same store, engine and
//! notifier.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::engine::{Engine, LiveEngine};
use crate::intake::IntakeLimits;
use crate::metrics::Metrics;
use crate::review::auth::Accounts;
use crate::review::delivery::DeliverySettings;
use crate::review::webhook::{Notifier, StateChange};
use crate::store::Store;
use crate::upstream::Upstream;

/// The review office's settings (from `pubgate serve`'s config file).
#[derive(Debug, Clone)]
pub struct ReviewSettings {
    /// The limits a held body is read again under (as the gateway read it).
    pub intake: IntakeLimits,
    /// Delivery of approved items.
    pub delivery: DeliverySettings,
    /// The upstream dedupes on `Idempotency-Key`, so an interrupted
    /// delivery may be resent instead of checked by a person.
    pub upstream_idempotent: bool,
    /// Session cookies carry `Secure`.
    pub cookie_secure: bool,
}

/// Shared by the API, the UI, the takedown pages and the delivery worker.
pub struct ReviewState {
    /// Settings.
    pub settings: ReviewSettings,
    /// The engine (re-extracts held text for the item page).
    pub engine: Arc<LiveEngine>,
    /// The queue.
    pub store: Store,
    /// Where approved items are delivered.
    pub upstream: Upstream,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Reviewer and admin accounts.
    pub accounts: Arc<Accounts>,
    /// Wakes the delivery worker after an approval.
    pub delivery_wake: Notify,
    /// Told of every state change.
    pub notifier: Arc<Notifier>,
    /// This replica's name.
    pub replica: String,
}

impl ReviewState {
    /// The engine in use.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.current()
    }

    /// Tells the log and the webhook about a state change.
    pub fn state_changed(&self, change: StateChange) {
        self.notifier.changed(change);
    }
}

impl crate::review::auth::HasAccounts for Arc<ReviewState> {
    fn accounts(&self) -> &Accounts {
        &self.accounts
    }
}
