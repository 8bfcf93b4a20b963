//! Human-readable output, coloured when writing to a terminal.

use std::io::{self, Write};

use super::{DocResult, Renderer, Summary};
use crate::model::Action;

/// The text renderer.
pub struct Text {
    color: bool,
}

impl Text {
    /// A renderer; `color` adds ANSI colours.
    pub fn new(color: bool) -> Text {
        Text { color }
    }

    fn paint(&self, action: Action, s: &str) -> String {
        if !self.color {
            return s.to_string();
        }
        let code = match action {
            Action::Pass => "32",
            Action::Redact => "36",
            Action::Hold => "33",
            Action::Block => "31",
        };
        format!("\x1b[1;{code}m{s}\x1b[0m")
    }
}

impl Renderer for Text {
    fn document(&mut self, out: &mut dyn Write, doc: &DocResult) -> io::Result<()> {
        let r = &doc.report;
        let verdict = r.verdict.action;
        let kind = r.doc_type.as_deref().unwrap_or("未识别类型");
        let queue = r
            .verdict
            .queue
            .as_deref()
            .map(|q| format!(" → {q}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {} [{kind}]{queue}",
            self.paint(verdict, &verdict.as_str().to_uppercase()),
            doc.shown_path()
        )?;
        for f in &r.verdict.findings {
            let place = match &f.location {
                Some(l) if l.line > 0 => format!("{}:{}", l.part, l.line),
                Some(l) => l.part.clone(),
                None => "全文".to_string(),
            };
            let field = f
                .field
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {}{field} [{}] {place}: {}",
                self.paint(f.action, f.action.as_str()),
                f.rule,
                f.category.as_str(),
                f.excerpt
            )?;
            writeln!(out, "      {}", f.explanation)?;
            writeln!(out, "      依据：{}", f.enforces)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(out)?;
        writeln!(out, "{summary}")
    }
}
