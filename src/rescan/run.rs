//! The parallel scan loop: a rayon pool scans, one thread writes.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read, Write};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use rayon::prelude::*;

use sha2::{Digest, Sha256};

use super::remote::Fetcher;
use super::walk::{Input, Shard};
use crate::engine::Engine;
use crate::model::Document;
use crate::report::{DocResult, Renderer, Summary};
use crate::rescan::RescanError;

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
    /// Reads inputs that are not local files (addresses, objects, rows).
    pub fetcher: Option<&'a Fetcher>,
    /// Incremental rescan: `document → (content SHA-256, policy version)`
    /// of its last scan. A document whose hash and version both match is
    /// skipped (counted, not scanned, not reported).
    pub known: Option<&'a HashMap<String, (String, String)>>,
    /// What the documents are (announcements unless told otherwise).
    pub expect: crate::engine::Expect,
}

/// One scanned document handed to the [`Sink`], with what identifies its
/// content.
pub struct Scanned<'a> {
    /// The document and its report.
    pub doc: &'a DocResult,
    /// The input it came from.
    pub input: &'a Input,
    /// SHA-256 of the bytes scanned, hex (empty if unreadable).
    pub content_sha256: &'a str,
}

/// Receives every scanned document on the writer thread (e.g. to record
/// it in the shared store). An error stops nothing: it is returned at the
/// end, and the scan's exit code says the run was incomplete.
pub type Sink<'a> = &'a mut dyn FnMut(Scanned<'_>) -> Result<(), RescanError>;

/// What a run produced besides the rendered output.
pub struct Outcome {
    /// Counts.
    pub summary: Summary,
    /// Fingerprints of reported findings (when asked for).
    pub fingerprints: HashSet<String>,
    /// Documents skipped because neither they nor the policy changed.
    pub unchanged: usize,
    /// The first error the sink returned, if any.
    pub sink_error: Option<RescanError>,
}

/// Reads at most `limit + 1` bytes: enough for the engine to see that an
/// input is over its size limit (and report it), without loading a huge
/// file into memory.
fn read_input(
    input: &Input,
    limit: usize,
    fetcher: Option<&Fetcher>,
) -> Result<Vec<u8>, RescanError> {
    let cap = limit as u64 + 1;
    let mut buf = Vec::new();
    let result = match input {
        Input::Stdin => std::io::stdin().take(cap).read_to_end(&mut buf),
        Input::File { path, .. } => {
            std::fs::File::open(path).and_then(|f| f.take(cap).read_to_end(&mut buf))
        }
        remote => {
            return match fetcher {
                Some(f) => f.read(remote, cap),
                None => Err(RescanError::Remote("no reader for remote inputs".into())),
            };
        }
    };
    // The kind only: an OS message can carry the path, which the report
    // already names.
    result
        .map(|_| buf)
        .map_err(|e| RescanError::Input(e.kind().to_string()))
}

/// Scans all inputs with `engine` and renders each result to `out` as soon
/// as it is ready (in completion order).
pub fn run(
    engine: &Engine,
    options: Options<'_>,
    renderer: &mut dyn Renderer,
    out: &mut dyn Write,
    mut sink: Option<Sink<'_>>,
) -> std::io::Result<Outcome> {
    let started = Instant::now();
    let inputs: Vec<Input> = match options.shard {
        Some(shard) => options
            .inputs
            .into_iter()
            .filter(|i| i.shard_key().is_none_or(|key| shard.owns(key)))
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
    let expect = options.expect;
    let (fetcher, known) = (options.fetcher, options.known);
    let version = engine.version();
    /// What a scan thread hands the writer: the result, or "unchanged".
    enum Done<'i> {
        // Boxed: a report is large beside the empty variant.
        Scanned(Box<DocResult>, u64, &'i Input, String),
        Unchanged,
    }
    let (tx, rx) = sync_channel::<Done<'_>>(64);
    let mut summary = Summary::default();
    let mut fingerprints = HashSet::new();
    let mut write_error: Option<std::io::Error> = None;
    let mut sink_error: Option<RescanError> = None;
    let mut unchanged = 0;
    std::thread::scope(|scope| {
        let inputs = &inputs;
        scope.spawn(move || {
            inputs.par_iter().for_each_with(tx, |tx, input| {
                let name = input.display();
                let done = match read_input(input, engine.max_input_bytes(), fetcher) {
                    Ok(bytes) => {
                        let sha = hex::encode(Sha256::digest(&bytes));
                        let same = known
                            .and_then(|k| k.get(&name))
                            .is_some_and(|(h, v)| *h == sha && v == version);
                        if same {
                            Done::Unchanged
                        } else {
                            let report = engine.scan_with(&name, &bytes, baseline, expect);
                            let n = bytes.len() as u64;
                            Done::Scanned(Box::new(DocResult { path: name, report }), n, input, sha)
                        }
                    }
                    Err(why) => {
                        let mut doc = Document::new(crate::model::Format::Unknown);
                        // A store's error can quote the object key or
                        // address, which can carry a number: masked like
                        // the path itself.
                        let why = crate::model::mask_digit_runs(&why.to_string(), 11);
                        doc.unreadable("file", format!("无法读取：{why} / cannot read"));
                        let report = engine.scan_document(doc, baseline);
                        Done::Scanned(
                            Box::new(DocResult { path: name, report }),
                            0,
                            input,
                            String::new(),
                        )
                    }
                };
                // The writer hung up only if writing failed; stop quietly.
                let _ = tx.send(done);
            });
        });
        for done in rx {
            let (mut doc, bytes, input, sha) = match done {
                Done::Scanned(doc, bytes, input, sha) => (*doc, bytes, input, sha),
                Done::Unchanged => {
                    unchanged += 1;
                    if let Some(bar) = &bar {
                        bar.inc(1);
                    }
                    continue;
                }
            };
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
            if let Some(sink) = sink.as_mut()
                && let Err(e) = sink(Scanned {
                    doc: &doc,
                    input,
                    content_sha256: &sha,
                })
                && sink_error.is_none()
            {
                sink_error = Some(e);
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
        unchanged,
        sink_error,
    })
}
