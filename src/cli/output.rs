//! The output options shared by every command that prints rows, and the
//! destination they write to: stdout, or a file replaced only once complete.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use crate::report::Format;

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format; a table on a terminal, CSV otherwise.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Write the rows to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// Returns the requested format, or the default for where the rows go.
    pub fn format(&self) -> Format {
        match self.format {
            Some(format) => format,
            None if self.output.is_none() && std::io::stdout().is_terminal() => Format::Table,
            None => Format::Csv,
        }
    }

    /// Rejects an output path that is the snapshot itself, which writing the
    /// report would destroy.
    pub fn check_not_snapshot(&self, db: &Path) -> Result<(), CliError> {
        let Some(output) = &self.output else {
            return Ok(());
        };
        let same = match (std::fs::canonicalize(output), std::fs::canonicalize(db)) {
            (Ok(output), Ok(db)) => output == db,
            _ => output == db,
        };
        if same {
            return Err(CliError::Usage(format!(
                "--output {} is the snapshot itself; choose another file",
                output.display()
            )));
        }
        Ok(())
    }

    pub fn open(&self) -> Result<Destination, CliError> {
        match &self.output {
            None => Ok(Destination::Stdout(std::io::stdout().lock())),
            Some(path) => {
                let folder = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let temp = tempfile::Builder::new()
                    .prefix(".idcdb-output-")
                    .tempfile_in(&folder)
                    .map_err(|error| {
                        CliError::Usage(format!(
                            "cannot write --output {}: {error}; check that the folder exists \
                             and is writable",
                            path.display()
                        ))
                    })?;
                Ok(Destination::File {
                    path: path.clone(),
                    writer: std::io::BufWriter::new(temp),
                })
            }
        }
    }
}

/// The destination of rows. A file is written beside its target and renamed into
/// place by [`Destination::commit`], so a failed query leaves no half file.
pub enum Destination {
    Stdout(std::io::StdoutLock<'static>),
    File {
        path: PathBuf,
        writer: std::io::BufWriter<tempfile::NamedTempFile>,
    },
}

impl Destination {
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Destination::Stdout(stdout) => stdout,
            Destination::File { writer, .. } => writer,
        }
    }

    pub fn commit(self) -> Result<(), CliError> {
        let Destination::File { path, writer } = self else {
            return Ok(());
        };
        let failed = |error: &dyn std::fmt::Display| {
            CliError::Usage(format!("cannot write --output {}: {error}", path.display()))
        };
        let temp = writer
            .into_inner()
            .map_err(|error| failed(&error.error()))?;
        temp.persist(&path).map_err(|error| failed(&error.error))?;
        Ok(())
    }
}

/// Prints a warning on stderr, apart from the rows on stdout.
pub fn print_warning(message: &str) {
    eprintln!("warning: {message}");
}
