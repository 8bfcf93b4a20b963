//! Data retention: a held request carries personal data, so once it is
//! final (delivered, rejected, failed) and `retention_days` have passed,
//! its body and headers are deleted ([`Store::purge`]); the masked findings,
//! the body's hash and the audit trail stay. Runs at start and hourly;
//! `pubgate purge` does the same on demand.

use std::time::Duration;

use tokio::sync::watch;

use crate::metrics::Metrics;
use crate::store::{Store, StoreError, now_ms};

const DAY_MS: i64 = 24 * 3600 * 1000;
const EVERY: Duration = Duration::from_secs(3600);

/// Purges what is older than `days`; returns how many items. `days == 0`
/// keeps everything.
pub async fn purge(store: &Store, days: u32) -> Result<usize, StoreError> {
    if days == 0 {
        return Ok(0);
    }
    let ids = store.purge(now_ms() - i64::from(days) * DAY_MS).await?;
    Ok(ids.len())
}

/// Purges at start and every hour until `shutdown` turns true.
pub async fn run(
    store: Store,
    metrics: std::sync::Arc<Metrics>,
    days: u32,
    mut shutdown: watch::Receiver<bool>,
) {
    if days == 0 {
        return;
    }
    loop {
        match purge(&store, days).await {
            Ok(0) => {}
            Ok(n) => {
                metrics.purged.inc_by(n as u64);
                tracing::info!(
                    count = n,
                    days,
                    "held requests past the retention period purged"
                );
            }
            Err(e) => tracing::warn!(error = %e, "retention purge failed; will try again"),
        }
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
