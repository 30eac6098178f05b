//! `idcdb query`: arguments and glue to [`crate::report::run_query`].

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::report::{self, Format, QuerySource};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["report", "sql", "file"])))]
pub struct QueryArgs {
    /// Bundled report to run, such as `account-access`.
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

    /// Output format; a table on a terminal, CSV otherwise.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
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

    let stdout = std::io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Csv
    });
    let mut out = stdout.lock();
    report::run_query(&args.db, &source, format, &mut out)?;
    Ok(())
}
