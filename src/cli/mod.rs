//! The command line: argument definitions and the glue that hands them to
//! the library. One module per subcommand.
//!
//! Exit codes, one per kind of failure, so scripts and schedulers can react:
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success |
//! | 1 | an unexpected internal error, or the output could not be written |
//! | 2 | invalid command line |
//! | 3 | AWS credentials or permissions: missing, expired, denied, AssumeRole rejected |
//! | 4 | AWS data could not be read: an API failed after retries, or no instance |
//! | 5 | the snapshot file: missing, not a snapshot, newer schema, cannot be written |
//! | 6 | the query: invalid SQL, a write statement, an unknown report |
//! | 130, 143 | interrupted by Ctrl-C (SIGINT) or SIGTERM; the previous snapshot is unchanged |

mod output;
mod policy;
mod query;
mod reports;
mod sync;

use clap::{Parser, Subcommand};

pub use output::print_stderr;
pub use query::QueryArgs;
pub use reports::ReportsArgs;
pub use sync::SyncArgs;

use crate::report::QueryError;
use crate::store::StoreError;
use crate::sync::SyncError;

#[derive(Debug, Parser)]
#[command(
    name = "idcdb",
    version,
    about = "Copy an AWS IAM Identity Center configuration into a SQLite snapshot and query it",
    long_about = None,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read Identity Center, Identity Store and Organizations into a new snapshot file.
    Sync(SyncArgs),
    /// Run a bundled report or ad hoc SQL against a snapshot, read-only.
    Query(QueryArgs),
    /// List the bundled reports, the question each answers, and their parameters.
    Reports(ReportsArgs),
    /// Print the least-privilege IAM policy for the read-only role and a trust policy template.
    Policy(policy::PolicyArgs),
}

/// A failure of a command, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("{0}")]
    Usage(String),
    /// Writing the output failed, for example a full disk.
    #[error("{0}")]
    Output(String),
    #[error("interrupted by {0}; the previous snapshot, if any, is unchanged")]
    Interrupted(&'static str),
}

impl CliError {
    /// True when the output's reader went away (for example `| head`).
    pub fn is_broken_pipe(&self) -> bool {
        let io_error = match self {
            CliError::Query(QueryError::Output(error)) => Some(error),
            CliError::Query(QueryError::Csv(error)) => match error.kind() {
                csv::ErrorKind::Io(error) => Some(error),
                _ => None,
            },
            _ => None,
        };
        io_error.is_some_and(|error| error.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Output(_) => 1,
            // The shell's convention: 128 plus the signal number.
            CliError::Interrupted("SIGTERM") => 143,
            CliError::Interrupted(_) => 130,
            CliError::Sync(SyncError::Aws(error))
                if error.is_access_denied() || error.is_credentials_problem() =>
            {
                3
            }
            CliError::Sync(SyncError::AssumeRole { .. }) => 3,
            CliError::Sync(SyncError::Aws(_) | SyncError::NoInstance { .. }) => 4,
            CliError::Sync(SyncError::Demo(_)) => 1,
            CliError::Sync(SyncError::NoRegion) => 2,
            CliError::Sync(SyncError::Store(_)) => 5,
            CliError::Query(QueryError::Store(_)) => 5,
            CliError::Query(QueryError::Output(_) | QueryError::Csv(_)) => 1,
            CliError::Query(QueryError::Interrupted {
                signal: "SIGTERM", ..
            }) => 143,
            CliError::Query(QueryError::Interrupted { .. }) => 130,
            CliError::Query(_) => 6,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(error: StoreError) -> Self {
        CliError::Sync(SyncError::Store(error))
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Sync(args) => sync::run(args),
        Command::Query(args) => query::run(args),
        Command::Reports(args) => reports::run(args),
        Command::Policy(args) => policy::run(args),
    }
}
