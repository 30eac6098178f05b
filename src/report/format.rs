//! Output formats for rows: an aligned table and Markdown for people; CSV,
//! JSON and NDJSON for tools. Every format but the table streams row by
//! row, so a large report does not have to fit in memory; the table needs
//! every row to size its columns.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use rusqlite::Statement;
use rusqlite::types::ValueRef;

use super::QueryError;

/// The output format of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned text table.
    Table,
    /// Comma-separated values with a header row (RFC 4180).
    Csv,
    /// One JSON array of objects, keyed by column name.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A GitHub-flavoured Markdown table.
    Markdown,
}

/// One cell in the types SQLite returns, borrowed from the row where it
/// can be, so a large report copies no text it does not have to.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(&'a [u8]),
}

impl<'a> From<ValueRef<'a>> for Cell<'a> {
    fn from(value: ValueRef<'a>) -> Self {
        match value {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(number) => Cell::Integer(number),
            ValueRef::Real(number) => Cell::Real(number),
            ValueRef::Text(bytes) => Cell::Text(String::from_utf8_lossy(bytes)),
            ValueRef::Blob(bytes) => Cell::Blob(bytes),
        }
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(text: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(text))
    }
}

impl Cell<'_> {
    /// Text for CSV, table and Markdown cells: NULL is empty, a blob is
    /// lowercase hex.
    fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Integer(number) => Cow::Owned(number.to_string()),
            Cell::Real(number) => Cow::Owned(number.to_string()),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Blob(bytes) => Cow::Owned(hex(bytes)),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Integer(number) => (*number).into(),
            Cell::Real(number) => serde_json::Number::from_f64(*number)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Cell::Text(text) => serde_json::Value::String(text.to_string()),
            Cell::Blob(bytes) => hex(bytes).into(),
        }
    }
}

/// Writes rows in one format: `new` writes what comes before the rows,
/// `row` one row, `finish` what comes after.
pub struct RowWriter<'a> {
    format: Format,
    columns: Vec<String>,
    out: Output<'a>,
    table: Option<Table>,
    rows: u64,
}

/// The destination, wrapped by the CSV writer in CSV format, which needs to
/// own it.
enum Output<'a> {
    Plain(&'a mut dyn Write),
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
}

impl Output<'_> {
    /// Returns the destination for the formats that write it directly.
    fn plain(&mut self) -> std::io::Result<&mut dyn Write> {
        match self {
            Output::Plain(out) => Ok(*out),
            Output::Csv(_) => Err(std::io::Error::other(
                "CSV output goes through the CSV writer only",
            )),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Plain(out) => out.flush(),
            Output::Csv(csv) => csv.flush(),
        }
    }
}

impl<'a> RowWriter<'a> {
    pub fn new(
        format: Format,
        columns: Vec<String>,
        out: &'a mut dyn Write,
    ) -> Result<Self, QueryError> {
        // A JSON object keeps one value per key, so a repeated column name
        // (`SELECT u.name, g.name ...`) gets a suffix instead of losing a value.
        let columns = match format {
            Format::Json | Format::Ndjson => unique_names(columns),
            _ => columns,
        };
        let out = match format {
            Format::Csv => Output::Csv(Box::new(csv::Writer::from_writer(out))),
            _ => Output::Plain(out),
        };
        let mut writer = Self {
            format,
            columns,
            out,
            table: None,
            rows: 0,
        };
        match format {
            Format::Csv => {
                if let Output::Csv(csv) = &mut writer.out {
                    csv.write_record(&writer.columns)?;
                }
            }
            Format::Json => writer.out.plain()?.write_all(b"[")?,
            Format::Ndjson => {}
            Format::Markdown => {
                let header: Vec<String> = writer
                    .columns
                    .iter()
                    .map(|name| markdown_cell(name))
                    .collect();
                let out = writer.out.plain()?;
                writeln!(out, "| {} |", header.join(" | "))?;
                writeln!(out, "|{}", " --- |".repeat(writer.columns.len()))?;
            }
            Format::Table => {
                let mut table = Table::new();
                table
                    .load_style(UTF8_FULL_CONDENSED)
                    .set_content_arrangement(ContentArrangement::Disabled)
                    .set_header(&writer.columns);
                writer.table = Some(table);
            }
        }
        Ok(writer)
    }

    pub fn row(&mut self, cells: &[Cell]) -> Result<(), QueryError> {
        match self.format {
            Format::Csv => {
                if let Output::Csv(csv) = &mut self.out {
                    for cell in cells {
                        csv.write_field(cell.text().as_bytes())?;
                    }
                    csv.write_record(None::<&[u8]>)?;
                }
            }
            Format::Json | Format::Ndjson => {
                let object: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(cells)
                    .map(|(name, cell)| (name.clone(), cell.json()))
                    .collect();
                let out = self.out.plain()?;
                if self.format == Format::Json {
                    if self.rows > 0 {
                        out.write_all(b",")?;
                    }
                    out.write_all(b"\n  ")?;
                }
                serde_json::to_writer(&mut *out, &object).map_err(std::io::Error::from)?;
                if self.format == Format::Ndjson {
                    out.write_all(b"\n")?;
                }
            }
            Format::Markdown => {
                let texts: Vec<String> = cells
                    .iter()
                    .map(|cell| markdown_cell(&cell.text()))
                    .collect();
                writeln!(self.out.plain()?, "| {} |", texts.join(" | "))?;
            }
            Format::Table => {
                if let Some(table) = &mut self.table {
                    table.add_row(cells.iter().map(|cell| cell.text().into_owned()));
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Writes what comes after the rows and returns how many rows there were.
    pub fn finish(mut self) -> Result<u64, QueryError> {
        match self.format {
            Format::Csv => {}
            Format::Json => {
                let closing: &[u8] = if self.rows > 0 { b"\n]\n" } else { b"]\n" };
                self.out.plain()?.write_all(closing)?;
            }
            Format::Table => {
                if let Some(table) = &self.table {
                    writeln!(self.out.plain()?, "{table}")?;
                }
            }
            Format::Ndjson | Format::Markdown => {}
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// Flags that signal handlers set to stop a running query, one per signal.
#[derive(Debug, Default, Clone)]
pub struct Interruption {
    pub sigint: Arc<AtomicBool>,
    pub sigterm: Arc<AtomicBool>,
}

impl Interruption {
    /// Returns the name of the signal that arrived, if one did.
    pub fn signal(&self) -> Option<&'static str> {
        if self.sigterm.load(Ordering::Relaxed) {
            Some("SIGTERM")
        } else if self.sigint.load(Ordering::Relaxed) {
            Some("SIGINT")
        } else {
            None
        }
    }
}

/// Runs the prepared statement and writes every row; returns how many.
pub fn write_rows(
    statement: &mut Statement<'_>,
    format: Format,
    out: &mut dyn Write,
    interrupted: &Interruption,
) -> Result<u64, QueryError> {
    let columns: Vec<String> = statement
        .column_names()
        .map(|name| name.to_string())
        .collect();
    let width = columns.len();
    let mut writer = RowWriter::new(format, columns, out)?;

    let mut rows = statement.raw_query();
    while let Some(row) = rows
        .next()
        .map_err(|source| QueryError::Sqlite { source })?
    {
        if let Some(signal) = interrupted.signal() {
            return Err(QueryError::Interrupted {
                signal,
                consequence: "the rows written so far are incomplete",
            });
        }
        let mut cells = Vec::with_capacity(width);
        for index in 0..width {
            let value = row
                .get_ref(index)
                .map_err(|source| QueryError::Sqlite { source })?;
            cells.push(Cell::from(value));
        }
        writer.row(&cells)?;
    }
    writer.finish()
}

/// Renames repeated names to `name_2`, `name_3` and so on, skipping any
/// suffix already taken.
fn unique_names(columns: Vec<String>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = columns.iter().cloned().collect();
    let mut seen = std::collections::HashSet::new();
    columns
        .into_iter()
        .map(|name| {
            if seen.insert(name.clone()) {
                return name;
            }
            let mut suffix = 2;
            loop {
                let candidate = format!("{name}_{suffix}");
                if taken.insert(candidate.clone()) {
                    seen.insert(candidate.clone());
                    return candidate;
                }
                suffix += 1;
            }
        })
        .collect()
}

/// Escapes a Markdown table cell: a pipe would end the cell and a line
/// break would end the row.
fn markdown_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
