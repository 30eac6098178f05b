//! Output formats for rows: an aligned table for people, CSV and JSON for
//! tools. CSV and JSON stream row by row, so a large report does not have to
//! fit in memory; the table needs every row to size its columns.

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use rusqlite::Statement;
use rusqlite::types::ValueRef;

use super::QueryError;

/// How rows are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned text table.
    Table,
    /// Comma-separated values with a header row (RFC 4180).
    Csv,
    /// One JSON array of objects, keyed by column name.
    Json,
}

/// Runs the prepared statement and writes every row; returns how many.
pub fn write_rows(
    statement: &mut Statement<'_>,
    format: Format,
    out: &mut dyn Write,
) -> Result<u64, QueryError> {
    let columns: Vec<String> = statement
        .column_names()
        .map(|name| name.to_string())
        .collect();
    let mut rows = statement
        .query([])
        .map_err(|source| QueryError::Sqlite { source })?;

    let mut count = 0;
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            writer.write_record(&columns)?;
            while let Some(row) = rows
                .next()
                .map_err(|source| QueryError::Sqlite { source })?
            {
                let fields = (0..columns.len()).map(|index| text(row.get_ref_unwrap(index)));
                writer.write_record(fields)?;
                count += 1;
            }
            writer.flush()?;
        }
        Format::Json => {
            out.write_all(b"[")?;
            while let Some(row) = rows
                .next()
                .map_err(|source| QueryError::Sqlite { source })?
            {
                let object: serde_json::Map<String, serde_json::Value> = columns
                    .iter()
                    .enumerate()
                    .map(|(index, name)| (name.clone(), json(row.get_ref_unwrap(index))))
                    .collect();
                if count > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(b"\n  ")?;
                serde_json::to_writer(&mut *out, &object).map_err(std::io::Error::from)?;
                count += 1;
            }
            out.write_all(if count > 0 { b"\n]\n" } else { b"]\n" })?;
        }
        Format::Table => {
            let mut table = Table::new();
            table
                .load_style(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Disabled)
                .set_header(&columns);
            while let Some(row) = rows
                .next()
                .map_err(|source| QueryError::Sqlite { source })?
            {
                table.add_row((0..columns.len()).map(|index| text(row.get_ref_unwrap(index))));
                count += 1;
            }
            writeln!(out, "{table}")?;
        }
    }
    out.flush()?;
    Ok(count)
}

/// Text for CSV and table cells: NULL is empty, a blob is lowercase hex.
fn text(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => String::new(),
        ValueRef::Integer(number) => number.to_string(),
        ValueRef::Real(number) => number.to_string(),
        ValueRef::Text(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        ValueRef::Blob(bytes) => hex(bytes),
    }
}

fn json(value: ValueRef<'_>) -> serde_json::Value {
    match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(number) => number.into(),
        ValueRef::Real(number) => serde_json::Number::from_f64(number)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        ValueRef::Text(bytes) => String::from_utf8_lossy(bytes).into_owned().into(),
        ValueRef::Blob(bytes) => hex(bytes).into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
