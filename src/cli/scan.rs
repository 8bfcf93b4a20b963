//! `pubgate scan`: build the engine, list inputs, run, render, exit with
//! 0 (all pass), 1 (anything redacted/held/blocked) or 2 (usage/config).

use std::io::{IsTerminal, Write};

use anyhow::{Context, bail};

use super::args::{ColorArg, FormatArg, ScanArgs};
use crate::report::{OutputFormat, renderer};
use crate::rescan::record::Recorder;
use crate::rescan::remote::{Fetcher, Table};
use crate::rescan::{self, Shard, baseline, walk};

/// Runs a scan.
pub fn run(args: ScanArgs) -> anyhow::Result<i32> {
    let engine = args.config.engine()?;
    let shard = shard_of(&args)?;
    let accepted = match &args.baseline {
        Some(p) => Some(baseline::load(p)?),
        None => None,
    };
    let (inputs, fetcher) = list_inputs(&args)?;
    let mut recorder = match (&args.store, &fetcher) {
        (Some(url), Some(f)) => Some(Recorder::open(url, engine.version(), f)?),
        _ => None,
    };
    let mut sources: Vec<String> = inputs
        .iter()
        .filter_map(rescan::Input::source)
        .map(str::to_string)
        .collect();
    sources.sort_unstable();
    sources.dedup();
    let known = match &recorder {
        Some(r) if !args.full => Some(r.known(&sources)?),
        _ => None,
    };
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("starting worker threads")?;
    }
    let (mut out, color) = output(&args)?;
    let format = match args.format {
        FormatArg::Text => OutputFormat::Text,
        FormatArg::Jsonl => OutputFormat::Jsonl,
        FormatArg::Sarif => OutputFormat::Sarif,
        FormatArg::Csv => OutputFormat::Csv,
    };
    let mut r = renderer(format, color, engine.version());
    let options = rescan::Options {
        inputs,
        shard,
        baseline: accepted.as_ref(),
        progress: !args.no_progress,
        collect_fingerprints: args.write_baseline.is_some(),
        fetcher: fetcher.as_ref(),
        known: known.as_ref(),
        expect: if args.any_content {
            crate::engine::Expect::AnyContent
        } else {
            crate::engine::Expect::Announcement
        },
    };
    let mut record = |s: rescan::Scanned<'_>| match recorder.as_mut() {
        Some(r) => r.add(s),
        None => Ok(()),
    };
    let outcome = match rescan::run(&engine, options, r.as_mut(), &mut out, Some(&mut record)) {
        Ok(o) => o,
        // `pubgate scan … | head`: stop quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(1),
        Err(e) => return Err(e).context("writing results"),
    };
    drop(out);
    let shard = shard.map_or("all".to_string(), |s| {
        format!("{}/{}", s.index + 1, s.count)
    });
    report_outcome(
        &args,
        engine.version(),
        outcome,
        recorder,
        &shard,
        sources.len(),
    )
}

/// The summary on stderr, the run recorded in the store, the baseline
/// written; the exit code.
fn report_outcome(
    args: &ScanArgs,
    version: &str,
    outcome: rescan::run::Outcome,
    recorder: Option<Recorder>,
    shard: &str,
    sources: usize,
) -> anyhow::Result<i32> {
    if !matches!(args.format, FormatArg::Text) || args.output.is_some() {
        eprintln!("{}", outcome.summary);
    }
    if outcome.unchanged > 0 {
        eprintln!(
            "incremental: {} unchanged document(s) skipped (same content, same policy version {version})",
            outcome.unchanged,
        );
    }
    if let Some(e) = &outcome.sink_error {
        bail!("{e}; the store has the results recorded before the error");
    }
    if let Some(recorder) = recorder {
        let detail = format!(
            "version={version} shard={shard} scanned={} unchanged={} flagged={} sources={sources}",
            outcome.summary.documents,
            outcome.unchanged,
            outcome.summary.flagged(),
        );
        let n = recorder.finish(&detail)?;
        eprintln!("store: {n} document(s) recorded; those with findings are takedown candidates");
    }
    if let Some(path) = &args.write_baseline {
        let n = outcome.fingerprints.len();
        baseline::write(path, outcome.fingerprints)?;
        eprintln!("baseline: {n} finding(s) recorded in {}", path.display());
        return Ok(0);
    }
    Ok(if outcome.summary.any_flagged() && !args.exit_zero {
        1
    } else {
        0
    })
}

/// This run's share: `--shard`, or an indexed Kubernetes Job's
/// `JOB_COMPLETION_INDEX` with `--shard-count`.
fn shard_of(args: &ScanArgs) -> anyhow::Result<Option<Shard>> {
    Ok(
        match (
            &args.shard,
            std::env::var("JOB_COMPLETION_INDEX").ok(),
            args.shard_count,
        ) {
            (Some(s), _, _) => Some(Shard::parse(s)?),
            (None, Some(index), Some(count)) => Some(Shard::from_index(&index, count)?),
            (None, _, Some(_)) => bail!("--shard-count needs JOB_COMPLETION_INDEX to be set"),
            _ => None,
        },
    )
}

/// Every input named: paths, list files, S3 prefixes and a database
/// table; the fetcher when any of them is remote (or a store is kept).
fn list_inputs(args: &ScanArgs) -> anyhow::Result<(Vec<rescan::Input>, Option<Fetcher>)> {
    let mut inputs = walk::list(&args.paths)?;
    for file in &args.list {
        inputs.extend(walk::list_file(file)?);
    }
    let remote = inputs
        .iter()
        .any(|i| matches!(i, rescan::Input::Url { .. }));
    if !(remote || !args.s3.is_empty() || args.table.is_some() || args.store.is_some()) {
        return Ok((inputs, None));
    }
    let mut f = Fetcher::new()?;
    for url in &args.s3 {
        inputs.extend(f.list_s3(url)?);
    }
    if let (Some(name), Some(url)) = (&args.table, &args.table_url) {
        let table = Table {
            url: url.clone(),
            name: name.clone(),
            key_column: args.key_column.clone(),
            content_column: args.content_column.clone(),
        };
        inputs.extend(f.list_table(&table)?);
    }
    Ok((inputs, Some(f)))
}

/// Where results go (`--output` or stdout) and whether they are coloured.
fn output(args: &ScanArgs) -> anyhow::Result<(Box<dyn Write>, bool)> {
    let (out, to_terminal): (Box<dyn Write>, bool) = match &args.output {
        Some(p) => (
            Box::new(std::io::BufWriter::new(
                std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
            )),
            false,
        ),
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            std::io::stdout().is_terminal(),
        ),
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    Ok((out, color))
}
