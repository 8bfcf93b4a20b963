//! What the proxy, the admin listener and the delivery worker share.

use std::sync::atomic::AtomicI64;
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tokio::sync::{Notify, Semaphore, mpsc};

use crate::config::Sources;
use crate::engine::Engine;
use crate::extract::Extractors;
use crate::gateway::routes::Routes;
use crate::metrics::Metrics;
use crate::model::FileErrors;
use crate::review::auth::Accounts;
use crate::serve::config::ServeConfig;
use crate::store::{HoldStatus, Store};
use crate::upstream::Upstream;

/// Shared state, behind an `Arc`.
pub struct App {
    /// The configuration as started.
    pub config: ServeConfig,
    engine: RwLock<Arc<Engine>>,
    extractors: Option<Extractors>,
    /// Inspected routes.
    pub routes: Routes,
    /// Publish transitions (requests that publish stored content).
    pub publish: crate::gateway::publish::PublishRules,
    /// Public routes and the verdicts known on what they serve.
    pub egress: crate::gateway::egress::Egress,
    /// The review queue.
    pub store: Store,
    /// The publishing platform.
    pub upstream: Upstream,
    /// Metrics.
    pub metrics: Metrics,
    /// Reviewer and admin accounts.
    pub accounts: Accounts,
    /// Per-client request rate on the admin listener.
    pub admin_rate: crate::review::limit::RateLimiter,
    /// Bounds concurrent scans (CPU and memory).
    pub scan_permits: Semaphore,
    /// Wakes the delivery worker after an approval.
    pub delivery_wake: Notify,
    /// This replica's name (recorded with each hold and heartbeat).
    pub replica: String,
    /// When this replica started (ms since the epoch).
    pub started_at: i64,
    /// The shared reload generation this replica has applied.
    pub reload_seen: AtomicI64,
    decisions: mpsc::Sender<DecisionRecord>,
    webhook: Option<crate::review::webhook::Webhook>,
}

/// One decision to record (monitor mode, statistics).
#[derive(Debug)]
pub struct DecisionRecord {
    /// Route name.
    pub route: String,
    /// Method.
    pub method: String,
    /// Path (no query: queries can carry values).
    pub path: String,
    /// Verdict.
    pub verdict: String,
    /// False in monitor mode.
    pub enforced: bool,
    /// Announcement type.
    pub doc_type: Option<String>,
    /// Masked findings JSON.
    pub findings_json: String,
    /// Engine version.
    pub engine_version: String,
}

/// A state change, as told to the webhook.
#[derive(Debug, Clone, Serialize)]
pub struct StateChange {
    /// Item id.
    pub id: String,
    /// Previous status (`None` when the item was just held).
    pub from: Option<HoldStatus>,
    /// New status.
    pub to: HoldStatus,
    /// Queue.
    pub queue: Option<String>,
    /// Who made the change.
    pub actor: String,
    /// When (ms since the epoch).
    pub at: i64,
}

impl App {
    /// Assembles the state; starts the decision writer.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: ServeConfig,
        engine: Engine,
        extractors: Option<Extractors>,
        store: Store,
        upstream: Upstream,
        metrics: Metrics,
        accounts: Accounts,
        egress: crate::gateway::egress::Egress,
        reload_seen: i64,
    ) -> Arc<App> {
        let (tx, mut rx) = mpsc::channel::<DecisionRecord>(4096);
        let webhook = config
            .webhook
            .as_deref()
            .and_then(crate::review::webhook::Webhook::new);
        let admin_rate = crate::review::limit::RateLimiter::new(
            config.limits.admin_rate_per_sec,
            config.limits.admin_rate_burst,
        );
        let replica = crate::serve::replica::replica_name(config.cluster.replica.as_deref());
        let app = Arc::new(App {
            replica,
            started_at: crate::store::now_ms(),
            reload_seen: AtomicI64::new(reload_seen),
            admin_rate,
            routes: Routes::new(&config.inspect),
            publish: crate::gateway::publish::PublishRules::new(&config.publish),
            egress,
            scan_permits: Semaphore::new(config.limits.max_concurrent_scans.max(1)),
            config,
            engine: RwLock::new(Arc::new(engine)),
            extractors,
            store,
            upstream,
            metrics,
            accounts,
            delivery_wake: Notify::new(),
            decisions: tx,
            webhook,
        });
        app.metrics
            .engine_info
            .with_label_values(&[app.engine().version(), &app.replica])
            .set(1);
        let store = app.store.clone();
        tokio::spawn(async move {
            while let Some(d) = rx.recv().await {
                if let Err(e) = store
                    .record_decision(
                        &d.route,
                        &d.method,
                        &d.path,
                        &d.verdict,
                        d.enforced,
                        d.doc_type.as_deref(),
                        &d.findings_json,
                        &d.engine_version,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "could not record a decision");
                }
            }
        });
        app
    }

    /// The engine in use (a reload swaps it; scans in flight keep theirs).
    pub fn engine(&self) -> Arc<Engine> {
        match self.engine.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Rebuilds the engine from the operator files. On error the old
    /// engine stays and the errors are returned (file:line).
    pub fn reload(&self) -> Result<String, FileErrors> {
        let result = build_engine(&self.config, self.extractors.clone());
        match result {
            Ok(engine) => {
                let version = engine.version().to_string();
                let old = self.engine().version().to_string();
                if old != version {
                    self.metrics
                        .engine_info
                        .with_label_values(&[&old, &self.replica])
                        .set(0);
                }
                self.metrics
                    .engine_info
                    .with_label_values(&[&version, &self.replica])
                    .set(1);
                match self.engine.write() {
                    Ok(mut guard) => *guard = Arc::new(engine),
                    Err(poisoned) => *poisoned.into_inner() = Arc::new(engine),
                }
                self.metrics.reloads.with_label_values(&["ok"]).inc();
                tracing::info!(version = %version, "policies and dictionaries reloaded");
                Ok(version)
            }
            Err(e) => {
                self.metrics.reloads.with_label_values(&["failed"]).inc();
                tracing::error!(error = %e, "reload failed; keeping the previous policies and dictionaries");
                Err(e)
            }
        }
    }

    /// Queues a decision record; drops it (counted) if the writer is behind,
    /// so recording never slows the publish path.
    pub fn record(&self, record: DecisionRecord) {
        if self.decisions.try_send(record).is_err() {
            self.metrics.decisions_dropped.inc();
        }
    }

    /// Tells the webhook (if any) about a state change, in the background.
    pub fn state_changed(&self, change: StateChange) {
        tracing::info!(id = %change.id, from = ?change.from, to = %change.to, actor = %change.actor, "item state changed");
        if let Some(hook) = &self.webhook {
            hook.send(change, self.metrics.webhook_failures.clone());
        }
    }
}

/// Builds an engine from the configured files (or the shipped ones).
pub fn build_engine(
    config: &ServeConfig,
    extractors: Option<Extractors>,
) -> Result<Engine, FileErrors> {
    let sources = Sources::load(config.dictionaries.as_deref(), config.policy.as_deref())?;
    let engine = Engine::build(&sources)?;
    Ok(match extractors {
        Some(x) => engine.with_extractors(x),
        None => engine,
    })
}
