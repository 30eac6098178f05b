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

    /// Write the rows to this file instead of stdout (`-` is stdout). A regular file is
    /// replaced only once the rows are complete.
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

    /// Opens where the rows go.
    ///
    /// A regular file (or a symbolic link to one) is written beside itself
    /// and renamed into place once complete, keeping its permissions; a
    /// device or FIFO, such as `/dev/null`, is written directly, because
    /// renaming over it would replace the device with a file.
    pub fn open(&self) -> Result<Destination, CliError> {
        let path = match &self.output {
            None => return Ok(Destination::Stdout(std::io::stdout().lock())),
            Some(path) if path.as_os_str() == "-" => {
                return Ok(Destination::Stdout(std::io::stdout().lock()));
            }
            Some(path) => path,
        };
        let cannot_write = |error: &dyn std::fmt::Display| {
            CliError::Output(format!(
                "cannot write --output {}: {error}; check that the folder exists and is writable",
                path.display()
            ))
        };

        let existing = std::fs::metadata(path).ok();
        if let Some(metadata) = &existing {
            if metadata.is_dir() {
                return Err(CliError::Usage(format!(
                    "--output {} is a folder; pass a file path",
                    path.display()
                )));
            }
            if !metadata.is_file() {
                return open_in_place(path, metadata).map(Destination::Direct);
            }
        }
        if existing.is_none() && std::fs::symlink_metadata(path).is_ok() {
            return Err(CliError::Usage(format!(
                "--output {} is a symbolic link to a missing file; pass the target's path",
                path.display()
            )));
        }

        let target = match &existing {
            Some(_) => std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
            None => path.clone(),
        };
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".idcdb-output-")
            .tempfile_in(&folder)
            .map_err(|error| cannot_write(&error))?;
        if let Some(metadata) = &existing {
            std::fs::set_permissions(temp.path(), metadata.permissions())
                .map_err(|error| cannot_write(&error))?;
        }
        Ok(Destination::File {
            path: target,
            writer: std::io::BufWriter::new(temp),
        })
    }
}

/// Opens a device or FIFO for writing without replacing it.
///
/// A FIFO is opened without blocking: a blocking open would wait for a
/// reader in a system call that Ctrl-C cannot interrupt. With no reader the
/// open fails at once with ENXIO, and the message tells the user what to do.
fn open_in_place(
    path: &Path,
    metadata: &std::fs::Metadata,
) -> Result<std::io::BufWriter<std::fs::File>, CliError> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};

    let is_fifo = metadata.file_type().is_fifo();
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if is_fifo {
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|error| {
        if is_fifo && error.raw_os_error() == Some(libc::ENXIO) {
            CliError::Output(format!(
                "--output {} is a FIFO that no process is reading; start the reader first",
                path.display()
            ))
        } else {
            CliError::Output(format!("cannot write --output {}: {error}", path.display()))
        }
    })?;

    // Writes block again once the reader is there, so a slow reader slows
    // the query instead of failing it.
    if is_fifo {
        use std::os::fd::AsRawFd;
        // SAFETY: fcntl on a descriptor this function owns.
        unsafe {
            let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
            libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    Ok(std::io::BufWriter::new(file))
}

/// The destination of rows. A file is written beside its target and renamed into
/// place by [`Destination::commit`], so a failed query leaves no half file.
pub enum Destination {
    Stdout(std::io::StdoutLock<'static>),
    /// A device or FIFO, written in place.
    Direct(std::io::BufWriter<std::fs::File>),
    File {
        path: PathBuf,
        writer: std::io::BufWriter<tempfile::NamedTempFile>,
    },
}

impl Destination {
    /// True when the rows go to a file that is replaced on commit.
    pub fn is_file(&self) -> bool {
        matches!(self, Destination::File { .. })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Destination::Stdout(stdout) => stdout,
            Destination::Direct(writer) => writer,
            Destination::File { writer, .. } => writer,
        }
    }

    pub fn commit(self) -> Result<(), CliError> {
        let (path, writer) = match self {
            Destination::File { path, writer } => (path, writer),
            Destination::Direct(mut writer) => {
                return writer.flush().map_err(|error| {
                    CliError::Output(format!("cannot write the output: {error}"))
                });
            }
            Destination::Stdout(_) => return Ok(()),
        };
        let failed = |error: &dyn std::fmt::Display| {
            CliError::Output(format!("cannot write --output {}: {error}", path.display()))
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
    print_stderr(&format!("warning: {message}"));
}

/// Prints one line on stderr. A closed or full stderr is ignored: losing a
/// progress line must not fail a sync, and `eprintln!` would panic.
pub fn print_stderr(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
