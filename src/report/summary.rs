//! The end-of-run summary: documents per verdict, findings per category,
//! unreadable files, throughput.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Serialize;

use super::DocResult;
use crate::model::{Action, Category};

/// Counts over a whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Documents scanned.
    pub documents: usize,
    /// Documents per verdict.
    pub verdicts: BTreeMap<&'static str, usize>,
    /// Findings per category.
    pub categories: BTreeMap<&'static str, usize>,
    /// Documents with at least one `unscannable` finding.
    pub unreadable: usize,
    /// Input bytes read.
    pub bytes: u64,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl Summary {
    /// Adds one document.
    pub fn add(&mut self, doc: &DocResult, bytes: u64) {
        self.documents += 1;
        self.bytes += bytes;
        *self
            .verdicts
            .entry(doc.report.verdict.action.as_str())
            .or_default() += 1;
        let mut unreadable = false;
        for f in &doc.report.verdict.findings {
            *self.categories.entry(f.category.as_str()).or_default() += 1;
            unreadable |= f.category == Category::Unscannable;
        }
        if unreadable {
            self.unreadable += 1;
        }
    }

    /// Documents whose verdict is not `pass`.
    pub fn flagged(&self) -> usize {
        self.verdicts
            .iter()
            .filter(|(v, _)| **v != Action::Pass.as_str())
            .map(|(_, n)| n)
            .sum()
    }

    /// Whether any document needs action (exit code 1).
    pub fn any_flagged(&self) -> bool {
        self.verdicts
            .iter()
            .any(|(v, n)| *v != Action::Pass.as_str() && *n > 0)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        writeln!(
            f,
            "{} 份文件，{:.1} MB，用时 {:.2} 秒（{:.1} MB/s）",
            self.documents,
            self.bytes as f64 / 1e6,
            secs,
            self.bytes as f64 / 1e6 / secs
        )?;
        let verdicts: Vec<String> = [Action::Pass, Action::Redact, Action::Hold, Action::Block]
            .iter()
            .map(|v| {
                format!(
                    "{} {}",
                    v.label_zh(),
                    self.verdicts.get(v.as_str()).copied().unwrap_or(0)
                )
            })
            .collect();
        writeln!(f, "结论：{}", verdicts.join("，"))?;
        let cats: Vec<String> = Category::ALL
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c.label_zh(),
                    self.categories.get(c.as_str()).copied().unwrap_or(0)
                )
            })
            .collect();
        writeln!(f, "发现：{}", cats.join("，"))?;
        write!(f, "无法检查的文件：{}", self.unreadable)
    }
}
