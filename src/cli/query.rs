//! `idcdb query`: arguments and glue to [`crate::report::run_query`].

use std::path::PathBuf;

use std::sync::Arc;

use clap::Args;
use signal_hook::consts::{SIGINT, SIGTERM};

use super::CliError;
use super::output::{OutputArgs, print_warning};
use crate::report::{self, Interruption, QueryError, QuerySource};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["report", "sql", "file"])))]
pub struct QueryArgs {
    /// Bundled report to run, such as `account-access`; `idcdb reports` lists them.
    pub report: Option<String>,

    /// Snapshot file to read; it is opened read-only and never changed.
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,

    /// Ad hoc SQL to run instead of a report.
    #[arg(long, value_name = "SQL")]
    pub sql: Option<String>,

    /// File of ad hoc SQL to run instead of a report.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Value of a named parameter (`:NAME` in the SQL); may be repeated.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: QueryArgs) -> Result<(), CliError> {
    let source = match (args.report, args.sql, args.file) {
        (Some(name), None, None) => QuerySource::Report(name),
        (None, Some(sql), None) => QuerySource::Sql(sql),
        (None, None, Some(path)) => QuerySource::File(path),
        _ => {
            return Err(CliError::Usage(
                "pass exactly one of a report name, --sql or --file".to_string(),
            ));
        }
    };
    let params = report::parse_params(&args.params)?;
    args.output.check_not_snapshot(&args.db)?;

    // A signal sets the flag, the rows stop, and dropping the destination
    // removes its temporary file.
    let interrupted = Interruption::default();
    for (signal, flag) in [
        (SIGINT, &interrupted.sigint),
        (SIGTERM, &interrupted.sigterm),
    ] {
        signal_hook::flag::register(signal, Arc::clone(flag)).map_err(|error| {
            CliError::Output(format!("cannot install the signal handlers: {error}"))
        })?;
    }

    let mut destination = args.output.open()?;
    let result = report::run_query(
        &args.db,
        &source,
        &params,
        args.output.format(),
        destination.writer(),
        &interrupted,
    );
    let outcome = match result {
        Err(QueryError::Interrupted { signal, .. }) if destination.is_file() => {
            return Err(CliError::Query(QueryError::Interrupted {
                signal,
                consequence: "--output was not written",
            }));
        }
        other => other?,
    };
    destination.commit()?;

    for gap in &outcome.gaps {
        print_warning(gap);
    }
    Ok(())
}
