//! `pubgate check`: load and build every dictionary and policy file, report
//! each error as `file:line: message`, exit 2 if any.

use anyhow::Context;

use super::args::ConfigArgs;
use crate::engine::Engine;
use crate::operator_files::Sources;

/// Builds the engine from the operator files and reports.
pub fn run(args: ConfigArgs) -> anyhow::Result<i32> {
    let sources = Sources::load(args.dictionaries.as_deref(), args.policy.as_deref())
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("reading operator files")?;
    match Engine::build(&sources) {
        Ok(engine) => {
            println!(
                "ok: {} dictionary lists, {} patterns, announcement spec and policy valid (version {})",
                sources.lists.len(),
                engine.pattern_count(),
                engine.version()
            );
            Ok(0)
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!("{} error(s)", errors.0.len());
            Ok(2)
        }
    }
}
