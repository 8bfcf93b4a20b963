//! `pubgate labels`: the labels an archive's notices use, per type, and
//! proposed dictionary additions (see docs/operators.md).

use std::io::{Read, Write};

use rayon::prelude::*;

use super::args::{LabelsArgs, LabelsFormat};
use crate::detect::survey::{Tally, TypeLabels};
use crate::rescan::{Input, walk};

/// Surveys the archive and prints the report.
pub fn run(args: LabelsArgs) -> anyhow::Result<i32> {
    let engine = args.config.engine()?;
    let inputs = walk::list(&args.paths)?;
    let limit = engine.max_input_bytes() as u64;
    let surveys: Vec<_> = inputs
        .par_iter()
        .filter_map(|input| {
            let Input::File { path, .. } = input else {
                return None;
            };
            let mut bytes = Vec::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(limit).read_to_end(&mut bytes))
                .ok()?;
            Some(engine.survey(&path.to_string_lossy(), &bytes))
        })
        .collect();
    let mut tally = Tally::default();
    for s in &surveys {
        tally.add(s);
    }
    let report = tally.report(engine.spec(), args.min_docs);
    let mut out = std::io::stdout().lock();
    match args.format {
        LabelsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        LabelsFormat::Text => render(&mut out, &report, args.top, engine.spec())?,
    }
    Ok(0)
}

fn render(
    out: &mut dyn Write,
    report: &[TypeLabels],
    top: usize,
    spec: &crate::detect::AnnouncementSpec,
) -> std::io::Result<()> {
    let name = |id: &str| {
        spec.types
            .iter()
            .find(|t| t.id == id)
            .map_or("未识别类型".to_string(), |t| t.name.clone())
    };
    for t in report {
        writeln!(
            out,
            "== {}（{}）：{} 份",
            t.doc_type,
            name(&t.doc_type),
            t.docs
        )?;
        writeln!(
            out,
            "标签（使用的文档数）→ 对应字段；“—”表示 pubgate 不读取该标签"
        )?;
        for l in t.labels.iter().take(top) {
            let fields = if l.fields.is_empty() {
                "—".to_string()
            } else {
                l.fields.join(", ")
            };
            writeln!(out, "  {:<24} {:>5}  {fields}", l.label, l.docs)?;
        }
        if t.labels.len() > top {
            writeln!(
                out,
                "  ……另有 {} 个标签（--top 显示更多）",
                t.labels.len() - top
            )?;
        }
        if !t.missing.is_empty() {
            writeln!(out, "报告为缺少的必备字段（文档数）：")?;
            for g in &t.missing {
                writeln!(out, "  {:<24} {:>5}", g.field, g.docs)?;
            }
        }
        if !t.proposals.is_empty() {
            writeln!(
                out,
                "建议加入 dictionaries/announcements.toml（先人工确认该标签确实标注此字段）："
            )?;
            for p in &t.proposals {
                writeln!(
                    out,
                    "  [fields.{}] labels 加入 \"{}\"   # {} 份文档使用，其中 {} 份报告缺少该字段",
                    p.field, p.label, p.docs, p.missing_with_label
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
