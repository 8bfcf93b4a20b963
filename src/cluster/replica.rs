//! This process as one replica of several on a shared store: its name, a
//! heartbeat with the policy version it runs, and following reloads asked
//! of any replica (see `store::replicas`).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::watch;

use crate::cluster::{Cluster, reload};

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

/// Heartbeats a follower retries a reload whose files give another
/// version (at the default 2 s heartbeat: five minutes, longer than a
/// ConfigMap takes to reach every pod).
const MAX_RELOAD_TRIES: u32 = 150;

/// Heartbeats and follows the shared reload generation until `shutdown`.
///
/// A reload is asked with the version the asking replica reached. A
/// replica whose files have not caught up yet (a ConfigMap update reaches
/// each pod's mount up to a minute apart) gets another version: it keeps
/// trying at every heartbeat until its files give the asked version, and
/// says so in the log; `/api/replicas` and `pubgate_engine_info` show the
/// versions meanwhile.
pub async fn run(cluster: Arc<Cluster>, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_millis(cluster.heartbeat_ms.max(100));
    let mut warned_for = 0;
    let mut tries = 0u32;
    loop {
        match cluster.store.reload_target().await {
            Ok((generation, wanted)) if generation > cluster.reload_seen.load(Ordering::SeqCst) => {
                tries += 1;
                if tries > MAX_RELOAD_TRIES {
                    // Files that stay different are a configuration error,
                    // not something to rebuild the engine for forever.
                    tracing::error!(generation, wanted = %wanted, version = %cluster.reloader.live.current().version(),
                        "gave up following a reload: this replica's policy files give another version");
                    cluster.reload_seen.fetch_max(generation, Ordering::SeqCst);
                    tries = 0;
                }
                match reload::here(&cluster).await {
                    Ok(version) if wanted.is_empty() || version == wanted => {
                        cluster.reload_seen.fetch_max(generation, Ordering::SeqCst);
                        tries = 0;
                        tracing::info!(generation, version = %version, "reload asked by another replica: done");
                    }
                    Ok(version) => {
                        if warned_for != generation {
                            warned_for = generation;
                            tracing::warn!(generation, version = %version, wanted = %wanted,
                                "reload asked by another replica gave another version; the policy files here differ (not yet updated?) — retrying at every heartbeat");
                        }
                    }
                    // `reload` logged the file errors; the old engine stays.
                    Err(_) => {
                        if warned_for != generation {
                            warned_for = generation;
                            tracing::error!(
                                generation,
                                "reload asked by another replica failed here; retrying at every heartbeat"
                            );
                        }
                    }
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the reload generation"),
        }
        if let Err(e) = cluster
            .store
            .heartbeat(
                &cluster.replica,
                cluster.reloader.live.current().version(),
                cluster.started_at,
            )
            .await
        {
            tracing::warn!(error = %e, "cannot record this replica's heartbeat");
        }
        tokio::select! {
            _ = shutdown.changed() => break,
            _ = tokio::time::sleep(every) => {}
        }
    }
    if let Err(e) = cluster.store.forget_replica(&cluster.replica).await {
        tracing::warn!(error = %e, "cannot remove this replica from the list");
    }
}
