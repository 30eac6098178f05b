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
        // A reader that stops early, like `head`, is not a failure.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            cli::print_stderr(&format!("error: {error}"));
            ExitCode::from(error.exit_code())
        }
    }
}

/// Diagnostics for developers go through `tracing` at the level set by
/// `IDCDB_LOG` (`error`, `warn`, `info`, `debug` or `trace`); they are off
/// unless asked for.
///
/// The level applies to idcdb's own events only. Other crates log at most
/// warnings, because the AWS SDK's debug and trace events print request
/// bodies and client settings, which hold the external ID and access key.
fn init_logging() {
    let level = std::env::var("IDCDB_LOG").unwrap_or_default();
    let directives = match level.trim().to_ascii_lowercase().as_str() {
        level @ ("error" | "warn" | "info" | "debug" | "trace") => format!("warn,idcdb={level}"),
        _ => "off".to_string(),
    };
    let filter = tracing_subscriber::EnvFilter::new(directives);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
