//! The `idcdb` binary: parse the command line, run it, and turn the result
//! into an exit code. Exit codes are listed in [`idcdb::cli`].

use std::process::ExitCode;

use clap::Parser;
use idcdb::cli::{self, Cli};

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// Diagnostics for developers go through `tracing`, filtered by `IDCDB_LOG`
/// (for example `IDCDB_LOG=debug`); they are off unless asked for.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("IDCDB_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
