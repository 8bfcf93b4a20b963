//! The parallel scan loop: a rayon pool scans, one thread writes.

use std::collections::HashSet;
use std::io::{IsTerminal, Read, Write};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use rayon::prelude::*;

use super::walk::{Input, Shard};
use crate::engine::Engine;
use crate::model::Document;
use crate::report::{DocResult, Renderer, Summary};

/// How to run a scan.
pub struct Options<'a> {
    /// Inputs, already listed.
    pub inputs: Vec<Input>,
    /// Only this shard's inputs.
    pub shard: Option<Shard>,
    /// Accepted fingerprints.
    pub baseline: Option<&'a HashSet<String>>,
    /// Show a progress bar (only ever on a terminal's stderr).
    pub progress: bool,
    /// Collect the fingerprints of every reported finding.
    pub collect_fingerprints: bool,
}

/// What a run produced besides the rendered output.
pub struct Outcome {
    /// Counts.
    pub summary: Summary,
    /// Fingerprints of reported findings (when asked for).
    pub fingerprints: HashSet<String>,
}

/// Reads at most `limit + 1` bytes: enough for the engine to see that an
/// input is over its size limit (and report it), without loading a huge
/// file into memory.
fn read_input(input: &Input, limit: usize) -> Result<Vec<u8>, String> {
    let cap = limit as u64 + 1;
    let mut buf = Vec::new();
    let result = match input {
        Input::Stdin => std::io::stdin().take(cap).read_to_end(&mut buf),
        Input::File { path, .. } => {
            std::fs::File::open(path).and_then(|f| f.take(cap).read_to_end(&mut buf))
        }
    };
    result.map(|_| buf).map_err(|e| e.kind().to_string())
}

/// Scans all inputs with `engine` and renders each result to `out` as soon
/// as it is ready (in completion order).
pub fn run(
    engine: &Engine,
    options: Options<'_>,
    renderer: &mut dyn Renderer,
    out: &mut dyn Write,
) -> std::io::Result<Outcome> {
    let started = Instant::now();
    let inputs: Vec<Input> = match options.shard {
        Some(shard) => options
            .inputs
            .into_iter()
            .filter(|i| match i {
                Input::Stdin => true,
                Input::File { key, .. } => shard.owns(key),
            })
            .collect(),
        None => options.inputs,
    };
    let bar = if options.progress && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} 剩余 {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let baseline = options.baseline;
    let (tx, rx) = sync_channel::<(DocResult, u64)>(64);
    let mut summary = Summary::default();
    let mut fingerprints = HashSet::new();
    let mut write_error: Option<std::io::Error> = None;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            inputs.par_iter().for_each_with(tx, |tx, input| {
                let name = input.display();
                let (report, bytes) = match read_input(input, engine.max_input_bytes()) {
                    Ok(bytes) => {
                        let report = match baseline {
                            Some(b) => engine.scan_with_baseline(&name, &bytes, b),
                            None => engine.scan(&name, &bytes),
                        };
                        (report, bytes.len() as u64)
                    }
                    Err(kind) => {
                        let mut doc = Document::new(crate::model::Format::Unknown);
                        doc.unreadable("file", format!("无法读取文件：{kind} / cannot read file"));
                        (engine.scan_document(doc, baseline), 0)
                    }
                };
                // The writer hung up only if writing failed; stop quietly.
                let _ = tx.send((DocResult { path: name, report }, bytes));
            });
        });
        for (mut doc, bytes) in rx {
            doc.report.pieces = Vec::new();
            summary.add(&doc, bytes);
            if options.collect_fingerprints {
                fingerprints.extend(
                    doc.report
                        .verdict
                        .findings
                        .iter()
                        .map(|f| f.fingerprint.clone()),
                );
            }
            if write_error.is_none()
                && let Err(e) = renderer.document(out, &doc)
            {
                write_error = Some(e);
            }
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    summary.elapsed = started.elapsed();
    renderer.finish(out, &summary)?;
    out.flush()?;
    Ok(Outcome {
        summary,
        fingerprints,
    })
}
