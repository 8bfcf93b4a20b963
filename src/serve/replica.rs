//! This process as one replica of several on a shared store: its name, a
//! heartbeat with the policy version it runs, and following reloads asked
//! of any replica (see `review::store::replicas`).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::watch;

use crate::serve::state::App;

/// The replica's name: `PUBGATE_REPLICA`, else the configured name, else
/// `host/pid` (a pod's host name is its pod name; the pid tells apart two
/// processes on one host).
pub fn replica_name(configured: Option<&str>) -> String {
    if let Ok(name) = std::env::var("PUBGATE_REPLICA")
        && !name.trim().is_empty()
    {
        return name.trim().to_string();
    }
    if let Some(name) = configured.filter(|n| !n.trim().is_empty()) {
        return name.trim().to_string();
    }
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "pubgate".into());
    format!("{host}/{}", std::process::id())
}

/// Heartbeats and follows the shared reload generation until `shutdown`.
pub async fn run(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_millis(app.config.cluster.heartbeat_ms.max(100));
    loop {
        match app.store.reload_generation().await {
            Ok(generation) if generation > app.reload_seen.load(Ordering::SeqCst) => {
                app.reload_seen.store(generation, Ordering::SeqCst);
                let reloading = app.clone();
                match tokio::task::spawn_blocking(move || reloading.reload()).await {
                    Ok(Ok(version)) => {
                        tracing::info!(generation, version = %version, "reload asked by another replica: done")
                    }
                    // `reload` logged the file errors; the old engine stays.
                    _ => tracing::error!(generation, "reload asked by another replica failed"),
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the reload generation"),
        }
        if let Err(e) = app
            .store
            .heartbeat(&app.replica, app.engine().version(), app.started_at)
            .await
        {
            tracing::warn!(error = %e, "cannot record this replica's heartbeat");
        }
        tokio::select! {
            _ = shutdown.changed() => break,
            _ = tokio::time::sleep(every) => {}
        }
    }
    if let Err(e) = app.store.forget_replica(&app.replica).await {
        tracing::warn!(error = %e, "cannot remove this replica from the list");
    }
}
