//! Reports: the bundled SQL files of `queries/`, ad hoc SQL, and the output
//! formats that print their rows.

mod format;

pub use format::{Format, write_rows};

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::store::{self, StoreError};

/// A bundled report: a SQL file from `queries/`, compiled into the binary.
#[derive(Debug)]
pub struct Report {
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every bundled report, by name.
pub const REPORTS: &[Report] = &[Report {
    name: "account-access",
    sql: include_str!("../../queries/account-access.sql"),
}];

/// What a query runs.
#[derive(Debug, Clone)]
pub enum QuerySource {
    Report(String),
    Sql(String),
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("unknown report {name:?}; available reports: {available}")]
    UnknownReport { name: String, available: String },

    #[error("cannot read SQL file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("the SQL is empty; pass a SELECT statement")]
    EmptySql,

    #[error(
        "the SQL would change the snapshot, which query never does: {sql}\n  next step: run \
         only SELECT statements, or copy the file and change the copy with sqlite3"
    )]
    WriteRejected { sql: String },

    #[error("invalid SQL: {source}")]
    InvalidSql { source: rusqlite::Error },

    #[error("query failed: {source}")]
    Sqlite { source: rusqlite::Error },

    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),

    #[error("cannot write CSV output: {0}")]
    Csv(#[from] csv::Error),
}

/// Looks a bundled report up by name.
pub fn find_report(name: &str) -> Result<&'static Report, QueryError> {
    REPORTS
        .iter()
        .find(|report| report.name == name)
        .ok_or_else(|| QueryError::UnknownReport {
            name: name.to_string(),
            available: REPORTS
                .iter()
                .map(|report| report.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Runs a report or ad hoc SQL against a snapshot opened read-only and
/// writes the rows to `out` in `format`.
pub fn run_query(
    db: &Path,
    source: &QuerySource,
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<u64, QueryError> {
    let sql = match source {
        QuerySource::Report(name) => find_report(name)?.sql.to_string(),
        QuerySource::Sql(sql) => sql.clone(),
        QuerySource::File(path) => {
            std::fs::read_to_string(path).map_err(|source| QueryError::ReadFile {
                path: path.clone(),
                source,
            })?
        }
    };
    if sql.trim().is_empty() {
        return Err(QueryError::EmptySql);
    }

    let conn = store::open_read_only(db)?;
    run_sql(&conn, &sql, format, out)
}

fn run_sql(
    conn: &Connection,
    sql: &str,
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<u64, QueryError> {
    let mut statement = conn
        .prepare(sql)
        .map_err(|source| QueryError::InvalidSql { source })?;
    if !statement.readonly() {
        return Err(QueryError::WriteRejected {
            sql: sql.trim().to_string(),
        });
    }
    write_rows(&mut statement, format, out)
}
