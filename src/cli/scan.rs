//! `pubgate scan`: build the engine, list inputs, run, render, exit with
//! 0 (all pass), 1 (anything redacted/held/blocked) or 2 (usage/config).

use std::io::{IsTerminal, Write};

use anyhow::{Context, bail};

use super::args::{ColorArg, FormatArg, ScanArgs};
use crate::config::Sources;
use crate::engine::Engine;
use crate::report::{OutputFormat, renderer};
use crate::rescan::{self, Shard, baseline, walk};

/// Runs a scan.
pub fn run(args: ScanArgs) -> anyhow::Result<i32> {
    let sources = Sources::load(
        args.config.dictionaries.as_deref(),
        args.config.policy.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let engine = Engine::build(&sources)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("invalid dictionaries or policy")?;
    let shard = match (
        &args.shard,
        std::env::var("JOB_COMPLETION_INDEX").ok(),
        args.shard_count,
    ) {
        (Some(s), _, _) => Some(Shard::parse(s).map_err(anyhow::Error::msg)?),
        (None, Some(index), Some(count)) => {
            Some(Shard::from_index(&index, count).map_err(anyhow::Error::msg)?)
        }
        (None, _, Some(_)) => bail!("--shard-count needs JOB_COMPLETION_INDEX to be set"),
        _ => None,
    };
    let accepted = match &args.baseline {
        Some(p) => Some(baseline::load(p).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let inputs = walk::list(&args.paths).map_err(anyhow::Error::msg)?;
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("starting worker threads")?;
    }
    let (mut out, to_terminal): (Box<dyn Write>, bool) = match &args.output {
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
    };
    let outcome = match rescan::run(&engine, options, r.as_mut(), &mut out) {
        Ok(o) => o,
        // `pubgate scan … | head`: stop quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(1),
        Err(e) => return Err(e).context("writing results"),
    };
    drop(out);
    if !matches!(format, OutputFormat::Text) || args.output.is_some() {
        eprintln!("{}", outcome.summary);
    }
    if let Some(path) = &args.write_baseline {
        let n = outcome.fingerprints.len();
        baseline::write(path, outcome.fingerprints).map_err(anyhow::Error::msg)?;
        eprintln!("baseline: {n} finding(s) recorded in {}", path.display());
        return Ok(0);
    }
    Ok(if outcome.summary.any_flagged() { 1 } else { 0 })
}
