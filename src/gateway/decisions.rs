//! The decision log: what the gateway decided on a publish request, kept
//! where no hold or metric would keep it (every decision in monitor mode;
//! blocks and redactions when enforcing). Written by a background task so
//! that recording never slows the publish path.

use tokio::sync::mpsc;

use crate::store::Store;

/// One decision to record.
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

/// The queue in front of the writer.
pub struct DecisionLog {
    queue: mpsc::Sender<DecisionRecord>,
}

impl DecisionLog {
    /// Starts the writer on the current runtime.
    pub fn start(store: Store) -> DecisionLog {
        let (queue, mut rx) = mpsc::channel::<DecisionRecord>(4096);
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
        DecisionLog { queue }
    }

    /// Queues a record; false (dropped) when the writer is behind.
    pub fn record(&self, record: DecisionRecord) -> bool {
        self.queue.try_send(record).is_ok()
    }
}
