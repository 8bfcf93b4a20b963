//! JSONL: one object per document — the contract other tools rely on:
//! `{"path", "doc_type", "verdict", "findings": [{"rule", "category",
//! "field", "action", "severity", "location", "excerpt", …}]}`.

use std::io::{self, Write};

use serde_json::json;

use super::{DocResult, Renderer, Summary};

/// The JSONL renderer.
pub struct Jsonl {
    /// Recorded with every document.
    pub policy_version: String,
}

/// The JSON object for one document (shared with the SARIF properties).
pub fn document_json(doc: &DocResult, policy_version: &str) -> serde_json::Value {
    let r = &doc.report;
    json!({
        "path": doc.shown_path(),
        "format": r.format.name(),
        "doc_type": r.doc_type,
        "verdict": r.verdict.action.as_str(),
        "queue": r.verdict.queue,
        "findings": r.verdict.findings,
        "allowed": r.verdict.allowed,
        "baselined": r.baselined,
        "policy_version": policy_version,
    })
}

impl Renderer for Jsonl {
    fn document(&mut self, out: &mut dyn Write, doc: &DocResult) -> io::Result<()> {
        serde_json::to_writer(&mut *out, &document_json(doc, &self.policy_version))?;
        out.write_all(b"\n")
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
