//! The `pubgate` binary: parse the command line, run, map errors to exit
//! code 2. All logic lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A panic message can quote document content: print where, never what.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("pubgate: internal error at {place}");
    }));
    let cli = pubgate::cli::Cli::parse();
    match pubgate::cli::run(cli) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(2)),
        Err(e) => {
            eprintln!("pubgate: {e:#}");
            ExitCode::from(2)
        }
    }
}
