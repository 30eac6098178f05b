//! Reports: the bundled SQL files of `queries/`, ad hoc SQL, their named
//! parameters, and the output formats that print their rows.
//!
//! Parameter values are always bound through SQLite, never spliced into SQL
//! text, and every query runs on a connection opened read-only.

mod catalog;
pub mod format;

pub use catalog::{Header, Param, REPORTS, Report, parse_header};
pub use format::{Format, Interruption, write_rows};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, Statement};

use crate::store::{self, StoreError};

/// The SQL source of a query.
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

    #[error("missing parameter {name:?}{description}; pass it with --param {name}=VALUE")]
    MissingParam { name: String, description: String },

    #[error("unknown parameter {name:?}; this query takes: {known}")]
    UnknownParam { name: String, known: String },

    #[error("invalid --param {text:?}: expected NAME=VALUE")]
    InvalidParam { text: String },

    #[error("query failed: {source}")]
    Sqlite { source: rusqlite::Error },

    #[error("interrupted by {signal}; {consequence}")]
    Interrupted {
        signal: &'static str,
        /// The fate of the rows, for the message.
        consequence: &'static str,
    },

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

/// Parses `NAME=VALUE` pairs given on the command line.
pub fn parse_params(pairs: &[String]) -> Result<BTreeMap<String, String>, QueryError> {
    let mut params = BTreeMap::new();
    for pair in pairs {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(QueryError::InvalidParam { text: pair.clone() });
        };
        let name = name.trim().trim_start_matches(':');
        if name.is_empty() {
            return Err(QueryError::InvalidParam { text: pair.clone() });
        }
        params.insert(name.to_string(), value.to_string());
    }
    Ok(params)
}

/// A query ready to run: its SQL and, for a report, its header.
pub struct PreparedQuery {
    pub sql: String,
    pub header: Option<Header>,
}

impl PreparedQuery {
    pub fn load(source: &QuerySource) -> Result<Self, QueryError> {
        let (sql, header) = match source {
            QuerySource::Report(name) => {
                let report = find_report(name)?;
                (report.sql.to_string(), Some(report.header()))
            }
            QuerySource::Sql(sql) => (sql.clone(), None),
            QuerySource::File(path) => {
                let sql = std::fs::read_to_string(path).map_err(|source| QueryError::ReadFile {
                    path: path.clone(),
                    source,
                })?;
                (sql, None)
            }
        };
        if sql.trim().is_empty() {
            return Err(QueryError::EmptySql);
        }
        Ok(Self { sql, header })
    }
}

/// Runs a report or ad hoc SQL against a snapshot opened read-only and
/// writes the rows to `out` in `format`, stopping when `interrupted` is set
/// (by a signal handler). Returns the row count and the
/// warnings about parts of the snapshot the report depends on but that were
/// not read completely.
pub fn run_query(
    db: &Path,
    source: &QuerySource,
    params: &BTreeMap<String, String>,
    format: Format,
    out: &mut dyn std::io::Write,
    interrupted: &Interruption,
) -> Result<QueryOutcome, QueryError> {
    let query = PreparedQuery::load(source)?;
    let conn = store::open_read_only(db)?;

    let mut statement = conn
        .prepare(&query.sql)
        .map_err(|source| QueryError::InvalidSql { source })?;
    if !statement.readonly() {
        return Err(QueryError::WriteRejected {
            sql: query.sql.trim().to_string(),
        });
    }
    bind_params(&mut statement, query.header.as_ref(), params)?;

    let gaps = match &query.header {
        Some(header) => coverage_gaps(&conn, &header.requires)?,
        None => Vec::new(),
    };
    let rows = write_rows(&mut statement, format, out, interrupted)?;
    Ok(QueryOutcome { rows, gaps })
}

/// The result of a query: the rows printed, and the gaps in its data.
#[derive(Debug)]
pub struct QueryOutcome {
    pub rows: u64,
    /// One message per required part that the snapshot lacks.
    pub gaps: Vec<String>,
}

/// Binds every `:name` parameter of the statement from `params`. A report's
/// optional parameters left out are bound to NULL, which its SQL reads as
/// "no filter".
fn bind_params(
    statement: &mut Statement<'_>,
    header: Option<&Header>,
    params: &BTreeMap<String, String>,
) -> Result<(), QueryError> {
    let mut used = Vec::new();
    for index in 1..=statement.parameter_count() {
        let Some(raw_name) = statement.parameter_name(index) else {
            return Err(QueryError::InvalidSql {
                source: rusqlite::Error::InvalidParameterName(
                    "positional parameters (?) are not supported; use :name".to_string(),
                ),
            });
        };
        let name = raw_name.trim_start_matches([':', '@', '$']).to_string();
        let declared =
            header.and_then(|header| header.params.iter().find(|param| param.name == name));

        let bound = match params.get(&name) {
            Some(value) => statement.raw_bind_parameter(index, value),
            None if declared.is_some_and(|param| !param.required) => {
                statement.raw_bind_parameter(index, rusqlite::types::Null)
            }
            None => {
                return Err(QueryError::MissingParam {
                    description: declared
                        .map(|param| format!(" ({})", param.description))
                        .unwrap_or_default(),
                    name,
                });
            }
        };
        bound.map_err(|source| QueryError::Sqlite { source })?;
        used.push(name);
    }

    if let Some(unknown) = params.keys().find(|name| !used.contains(name)) {
        let known = match header {
            Some(header) if !header.params.is_empty() => header
                .params
                .iter()
                .map(|param| param.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            _ if !used.is_empty() => used.join(", "),
            _ => "no parameters".to_string(),
        };
        return Err(QueryError::UnknownParam {
            name: unknown.clone(),
            known,
        });
    }
    Ok(())
}

/// Lists the parts a report requires that the snapshot did not read
/// completely, with the reason recorded at sync time.
fn coverage_gaps(conn: &Connection, requires: &[String]) -> Result<Vec<String>, QueryError> {
    if requires.is_empty() {
        return Ok(Vec::new());
    }
    let has_coverage: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'coverage')",
            [],
            |row| row.get(0),
        )
        .map_err(|source| QueryError::Sqlite { source })?;
    if !has_coverage {
        return Ok(Vec::new());
    }

    let mut statement = conn
        .prepare(
            "SELECT scope, part, COALESCE(detail, '') FROM coverage \
             WHERE complete = 0 ORDER BY scope, part",
        )
        .map_err(|source| QueryError::Sqlite { source })?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .map_err(|source| QueryError::Sqlite { source })?;

    let mut gaps = Vec::new();
    for row in rows {
        let (scope, part, detail) = row.map_err(|source| QueryError::Sqlite { source })?;
        if requires.contains(&part) {
            gaps.push(format!(
                "this report depends on {part}, which the snapshot lacks for {scope}: {detail}"
            ));
        }
    }
    Ok(gaps)
}
