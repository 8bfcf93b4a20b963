//! Reloading policies and dictionaries: here (a new engine built from the
//! files and swapped in whole), and on every replica of the store.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::cluster::Cluster;
use crate::engine::{Engine, LiveEngine};
use crate::extract::Extractors;
use crate::metrics::Metrics;
use crate::model::{FileError, FileErrors};
use crate::operator_files::Sources;
use crate::store::StoreError;

/// Where this replica's engine comes from, and how it is swapped.
pub struct Reloader {
    /// Dictionary folder; None = the shipped set.
    pub dictionaries: Option<PathBuf>,
    /// Policy file; None = the shipped default.
    pub policy: Option<PathBuf>,
    /// The PDF worker and other extractors, kept across reloads.
    pub extractors: Option<Extractors>,
    /// The engine the gateway and the review office use.
    pub live: Arc<LiveEngine>,
    /// `pubgate_engine_info` and `pubgate_reloads_total`.
    pub metrics: Arc<Metrics>,
    /// This replica's name (a label of `pubgate_engine_info`).
    pub replica: String,
}

impl Reloader {
    /// Builds an engine from the files.
    pub fn build(&self) -> Result<Engine, FileErrors> {
        build_engine(
            self.dictionaries.as_ref(),
            self.policy.as_ref(),
            self.extractors.clone(),
        )
    }

    /// Rebuilds the engine from the files and puts it in use. On error the
    /// old engine stays and the errors are returned (file:line).
    pub fn reload(&self) -> Result<String, FileErrors> {
        match self.build() {
            Ok(engine) => {
                let version = engine.version().to_string();
                let old = self.live.current().version().to_string();
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
                self.live.replace(engine);
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
}

/// Builds an engine from the configured files (or the shipped ones).
pub fn build_engine(
    dictionaries: Option<&PathBuf>,
    policy: Option<&PathBuf>,
    extractors: Option<Extractors>,
) -> Result<Engine, FileErrors> {
    let sources = Sources::load(
        dictionaries.map(PathBuf::as_path),
        policy.map(PathBuf::as_path),
    )?;
    let engine = Engine::build(&sources)?;
    Ok(match extractors {
        Some(x) => engine.with_extractors(x),
        None => engine,
    })
}

/// Reloads this replica in the background (a build takes a while).
pub async fn here(cluster: &Arc<Cluster>) -> Result<String, FileErrors> {
    let reloading = cluster.clone();
    tokio::task::spawn_blocking(move || reloading.reloader.reload())
        .await
        .unwrap_or_else(|_| {
            Err(FileErrors(vec![FileError::new(
                "reload",
                0,
                "reload did not finish",
            )]))
        })
}

/// Reloads this replica's policies and dictionaries; when that works, asks
/// every other replica on the store to do the same (they follow within a
/// heartbeat). A failed reload is audited and asks no one: a file that does
/// not load here will not load on a replica with the same files.
///
/// The outer error is the store's; the inner one the files' errors.
pub async fn everywhere(
    cluster: &Arc<Cluster>,
    actor: &str,
) -> Result<Result<(String, i64), FileErrors>, StoreError> {
    match here(cluster).await {
        Ok(version) => {
            let generation = cluster
                .store
                .request_reload(actor, &version, &format!("asked of {}", cluster.replica))
                .await?;
            // This replica has it already; its follower must not reload again.
            cluster.reload_seen.fetch_max(generation, Ordering::SeqCst);
            Ok(Ok((version, generation)))
        }
        Err(errors) => {
            cluster
                .store
                .audit(
                    actor,
                    "reload",
                    None,
                    &format!("failed on {}", cluster.replica),
                )
                .await?;
            Ok(Err(errors))
        }
    }
}
