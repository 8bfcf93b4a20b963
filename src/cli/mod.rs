//! The command line: argument types ([`args`]) and one file per subcommand.
//! This is the only place, with `main.rs`, where `anyhow` appears.

pub mod args;
mod audit;
mod check;
mod labels;
mod scan;
mod serve;

pub use args::{Cli, Command};

/// Runs a parsed command; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Check(a) => check::run(a),
        Command::Labels(a) => labels::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Token => serve::token(),
        Command::Key => serve::key(),
        Command::Audit(args::AuditCommand::Verify(a)) => audit::verify(a),
        Command::Purge(a) => audit::purge(a),
        Command::ExtractWorker(a) => Ok(crate::extract::worker::run(a.max_pages)),
    }
}
