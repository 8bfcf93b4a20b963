//! Human-readable output, coloured when writing to a terminal.

use std::io::{self, Write};

use super::{DocResult, Renderer, Summary};
use crate::model::{Action, part_zh};

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
        let kind = r.doc_type_name.as_deref().unwrap_or("未识别类型");
        let queue = r
            .verdict
            .queue
            .as_deref()
            .map(|q| format!(" → 复核队列 {q}"))
            .unwrap_or_default();
        // The verdict in Chinese, with the contract word after it for
        // scripts that grep the text output.
        let shown = format!(
            "{}（{}）",
            verdict.label_zh(),
            verdict.as_str().to_uppercase()
        );
        writeln!(
            out,
            "{}  {} [{kind}]{queue}",
            self.paint(verdict, &shown),
            doc.shown_path()
        )?;
        for f in &r.verdict.findings {
            let place = match &f.location {
                Some(l) if l.line > 0 => format!("{} 第{}行", part_zh(&l.part), l.line),
                Some(l) => part_zh(&l.part),
                None => "全文".to_string(),
            };
            let field = f
                .field
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {}：{}（{place}）  [{}{field}]",
                self.paint(f.action, f.action.label_zh()),
                f.category.label_zh(),
                f.excerpt,
                f.rule,
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
