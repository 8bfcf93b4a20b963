//! CSV: one row per finding (a document without findings gets one row with
//! its verdict and empty finding columns), for spreadsheets.

use std::io::{self, Write};

use super::{DocResult, Renderer, Summary};

const HEADER: [&str; 16] = [
    "path",
    "doc_type",
    "verdict",
    "rule",
    "category",
    "field",
    "action",
    "severity",
    "confidence",
    "part",
    "start",
    "end",
    "line",
    "excerpt",
    "explanation",
    "enforces",
];

/// The CSV renderer.
#[derive(Default)]
pub struct Csv {
    header_written: bool,
}

fn write_row(out: &mut dyn Write, row: &[String]) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(row).map_err(io::Error::other)?;
    let bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}

impl Renderer for Csv {
    fn document(&mut self, out: &mut dyn Write, doc: &DocResult) -> io::Result<()> {
        if !self.header_written {
            write_row(out, &HEADER.map(String::from))?;
            self.header_written = true;
        }
        let r = &doc.report;
        let base = [
            doc.shown_path(),
            r.doc_type.clone().unwrap_or_default(),
            r.verdict.action.as_str().to_string(),
        ];
        if r.verdict.findings.is_empty() {
            let mut row = base.to_vec();
            row.resize(HEADER.len(), String::new());
            return write_row(out, &row);
        }
        for f in &r.verdict.findings {
            let (part, start, end, line) = match &f.location {
                Some(l) => (
                    l.part.clone(),
                    l.start.to_string(),
                    l.end.to_string(),
                    l.line.to_string(),
                ),
                None => Default::default(),
            };
            let mut row = base.to_vec();
            row.extend([
                f.rule.clone(),
                f.category.as_str().to_string(),
                f.field.clone().unwrap_or_default(),
                f.action.as_str().to_string(),
                f.severity.as_str().to_string(),
                f.confidence.as_str().to_string(),
                part,
                start,
                end,
                line,
                f.excerpt.clone(),
                f.explanation.clone(),
                f.enforces.clone(),
            ]);
            write_row(out, &row)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        if !self.header_written {
            write_row(out, &HEADER.map(String::from))?;
        }
        Ok(())
    }
}
