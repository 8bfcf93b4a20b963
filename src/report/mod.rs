//! Report: render scan results as text (people), JSONL (pipelines), SARIF
//! 2.1.0 (code-scanning tools) or CSV (spreadsheets), plus a summary.
//!
//! Renderers only see findings, whose excerpts are already masked; they
//! never see document text. Each writes to a `Write` it is given.

mod csv_out;
mod jsonl;
mod sarif;
mod summary;
mod text;

use std::io::{self, Write};

pub use summary::Summary;

use crate::engine::Report;

/// One scanned document as reported.
#[derive(Debug, Clone)]
pub struct DocResult {
    /// The input path (`-` for stdin).
    pub path: String,
    /// What the engine found and decided.
    pub report: Report,
}

impl DocResult {
    /// The path as reports show it: digit runs of 11 or more masked, since
    /// a file named after a person (`张三身份证370102….pdf`) would otherwise
    /// put the number in the report, the log shipper and the CI artefacts.
    pub fn shown_path(&self) -> String {
        crate::model::mask_digit_runs(&self.path, 11)
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Human-readable, coloured on a terminal.
    Text,
    /// One JSON object per document.
    Jsonl,
    /// SARIF 2.1.0, one JSON document.
    Sarif,
    /// One row per finding.
    Csv,
}

/// A renderer: called once per document, then once at the end.
pub trait Renderer {
    /// Writes one document.
    fn document(&mut self, out: &mut dyn Write, doc: &DocResult) -> io::Result<()>;
    /// Writes whatever closes the output (SARIF's runs, the text summary).
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// Creates the renderer for a format.
pub fn renderer(format: OutputFormat, color: bool, policy_version: &str) -> Box<dyn Renderer> {
    match format {
        OutputFormat::Text => Box::new(text::Text::new(color)),
        OutputFormat::Jsonl => Box::new(jsonl::Jsonl {
            policy_version: policy_version.to_string(),
        }),
        OutputFormat::Sarif => Box::new(sarif::Sarif::new(policy_version)),
        OutputFormat::Csv => Box::new(csv_out::Csv::default()),
    }
}
