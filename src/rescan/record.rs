//! `pubgate scan --store URL`: results go to the shared review store.
//!
//! Every scanned document is recorded with its content hash and the
//! policy version; one with findings becomes a takedown candidate in the
//! review UI. Before scanning, the hashes recorded for the same archive
//! are loaded, so a rescan skips what neither changed nor would be judged
//! differently (same content, same policy version).
//!
//! Writes are batched (one transaction per few hundred documents): a
//! shared PostgreSQL serves gateways at the same time, and a rescan of
//! millions of notices must not queue on it one commit at a time.

use std::collections::HashMap;

use super::remote::Fetcher;
use super::run::Scanned;
use crate::rescan::RescanError;
use crate::store::{PublishedScan, Store};

/// Documents per transaction.
const BATCH: usize = 256;

/// Writes scan results to the store.
pub struct Recorder<'a> {
    store: Store,
    fetcher: &'a Fetcher,
    batch: Vec<PublishedScan>,
    version: String,
    written: usize,
}

impl<'a> Recorder<'a> {
    /// Opens the store (`sqlite://…` or `postgres://…`), with the audit
    /// key from `PUBGATE_AUDIT_KEY` when the chain is signed.
    pub fn open(
        url: &str,
        version: &str,
        fetcher: &'a Fetcher,
    ) -> Result<Recorder<'a>, RescanError> {
        let secrets = crate::store::KeySources::default()
            .load()
            .map_err(RescanError::Input)?;
        let store =
            fetcher
                .block_on(Store::open_with(url, secrets))
                .map_err(RescanError::store(format!(
                    "--store {}",
                    crate::store::redact_url(url)
                )))?;
        Ok(Recorder {
            store,
            fetcher,
            batch: Vec::with_capacity(BATCH),
            version: version.to_string(),
            written: 0,
        })
    }

    /// What the store already knows of these archives: `document →
    /// (content hash, policy version)`.
    pub fn known(
        &self,
        sources: &[String],
    ) -> Result<HashMap<String, (String, String)>, RescanError> {
        let mut all = HashMap::new();
        for source in sources {
            let known = self
                .fetcher
                .block_on(self.store.known_published(source))
                .map_err(RescanError::store("reading earlier scans"))?;
            all.extend(known);
        }
        Ok(all)
    }

    /// Queues one result; writes a batch when it is full.
    pub fn add(&mut self, scanned: Scanned<'_>) -> Result<(), RescanError> {
        let Some(source) = scanned.input.source() else {
            // Standard input is not an archive document.
            return Ok(());
        };
        let verdict = &scanned.doc.report.verdict;
        let categories = verdict.categories();
        let mut fingerprints: Vec<&str> = verdict
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        self.batch.push(PublishedScan {
            doc_key: scanned.doc.path.clone(),
            source: source.to_string(),
            content_sha256: scanned.content_sha256.to_string(),
            engine_version: self.version.clone(),
            action: verdict.action.as_str().to_string(),
            categories: categories.join(","),
            fingerprints: fingerprints.join(","),
            // Findings carry masked excerpts only (see `model::masked`).
            findings_json: serde_json::to_string(&verdict.findings).unwrap_or_else(|_| "[]".into()),
            doc_type: scanned.doc.report.doc_type.clone(),
            content: None,
        });
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), RescanError> {
        let batch = std::mem::take(&mut self.batch);
        let n = self
            .fetcher
            .block_on(self.store.record_published(&batch))
            .map_err(RescanError::store("recording results"))?;
        self.written += n;
        Ok(())
    }

    /// Writes what is queued and audits the run (`detail` says what was
    /// scanned). Returns the documents recorded.
    pub fn finish(mut self, detail: &str) -> Result<usize, RescanError> {
        self.flush()?;
        self.fetcher
            .block_on(self.store.audit("scan", "rescan", None, detail))
            .map_err(RescanError::store("auditing the rescan"))?;
        Ok(self.written)
    }
}
