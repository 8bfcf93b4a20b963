//! SARIF 2.1.0: one log with one run; results carry the rule id, a level
//! from the action (block → error, hold → warning, redact → note), the
//! location (file, and the part of the document and line within it), the
//! content fingerprint, and pubgate's fields as properties.
//!
//! SARIF is one JSON document, so results are collected until the end;
//! only findings are kept (masked), never document text.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{DocResult, Renderer, Summary};
use crate::model::Action;

/// The SARIF renderer.
pub struct Sarif {
    version: String,
    rules: BTreeMap<String, Value>,
    results: Vec<Value>,
    artifacts: Vec<Value>,
}

impl Sarif {
    /// A renderer recording the policy version.
    pub fn new(version: &str) -> Sarif {
        Sarif {
            version: version.to_string(),
            rules: BTreeMap::new(),
            results: Vec::new(),
            artifacts: Vec::new(),
        }
    }
}

fn level(action: Action) -> &'static str {
    match action {
        Action::Block => "error",
        Action::Hold => "warning",
        Action::Redact => "note",
        Action::Pass => "none",
    }
}

impl Renderer for Sarif {
    fn document(&mut self, _out: &mut dyn Write, doc: &DocResult) -> io::Result<()> {
        let r = &doc.report;
        self.artifacts.push(json!({
            "location": { "uri": doc.shown_path() },
            "properties": { "doc_type": r.doc_type, "verdict": r.verdict.action.as_str(), "format": r.format.name() }
        }));
        for f in &r.verdict.findings {
            self.rules.entry(f.rule.clone()).or_insert_with(|| {
                json!({
                    "id": f.rule,
                    "shortDescription": { "text": f.rule },
                    "fullDescription": { "text": f.enforces },
                    "properties": { "category": f.category.as_str() }
                })
            });
            let mut location = json!({
                "physicalLocation": { "artifactLocation": { "uri": doc.shown_path() } }
            });
            if let Some(l) = &f.location {
                location["logicalLocations"] = json!([{ "name": l.part, "kind": "module" }]);
                if l.line > 0 {
                    location["physicalLocation"]["region"] = json!({ "startLine": l.line });
                }
            }
            self.results.push(json!({
                "ruleId": f.rule,
                "level": level(f.action),
                "message": { "text": format!("{}（{}）", f.explanation, f.excerpt) },
                "locations": [location],
                "partialFingerprints": { "pubgateContent/v1": f.fingerprint },
                "properties": {
                    "category": f.category.as_str(),
                    "field": f.field,
                    "action": f.action.as_str(),
                    "queue": f.queue,
                    "severity": f.severity.as_str(),
                    "confidence": f.confidence.as_str(),
                    "excerpt": f.excerpt,
                    "enforces": f.enforces,
                    "part": f.location.as_ref().map(|l| l.part.clone()),
                }
            }));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "pubgate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://example.invalid/pubgate",
                    "rules": self.rules.values().collect::<Vec<_>>(),
                    "properties": { "policyVersion": self.version }
                }},
                "artifacts": std::mem::take(&mut self.artifacts),
                "results": std::mem::take(&mut self.results),
                "properties": { "summary": summary }
            }]
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        out.write_all(b"\n")
    }
}
