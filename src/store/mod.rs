//! The snapshot file: its schema (refinery migrations from `migrations/`),
//! the writer that builds a new snapshot beside the target and renames it into
//! place, and the read-only opener that queries use.
//!
//! A snapshot is complete or absent: the writer commits one transaction into a
//! temporary file and renames it over the target only after the commit, so a
//! failed sync leaves the previous file as it was.

mod read;
mod writer;

pub use read::open_read_only;
pub use writer::{Record, RecordSink, SnapshotWriter};

use std::path::PathBuf;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Errors of the snapshot file, each naming the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("snapshot file {path} does not exist; run `idcdb sync --db {path}` first")]
    NotFound { path: PathBuf },

    #[error("snapshot path {path} is a folder, not a file; pass the path of a .db file")]
    IsFolder { path: PathBuf },

    #[error(
        "refusing to replace {path}: it is not an idcdb snapshot ({reason}); remove it or \
         pass another --db path"
    )]
    WouldReplace { path: PathBuf, reason: String },

    #[error("{path} is not an idcdb snapshot ({reason}); pass a file written by `idcdb sync`")]
    NotASnapshot { path: PathBuf, reason: String },

    #[error(
        "snapshot {path} has schema version {found}, newer than the {supported} this idcdb \
         supports; upgrade idcdb to read it"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "snapshot {path} is locked by another process (for example a sqlite3 session with an \
         open write transaction); close it and retry"
    )]
    Locked { path: PathBuf },

    #[error(
        "cannot create a snapshot in {folder}: {source}; check that the folder exists and is writable"
    )]
    CreateTemp {
        folder: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot replace {path} with the new snapshot: {source}")]
    Persist {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot migrate the new snapshot: {0}")]
    Migrate(#[from] refinery::Error),

    #[error("SQLite error on {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },

    #[error("the snapshot writer stopped unexpectedly")]
    WriterGone,
}

/// Returns the schema version that this build of idcdb writes: the version of
/// the newest migration.
pub fn schema_version() -> i64 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|migration| i64::from(migration.version()))
        .max()
        .unwrap_or(0)
}
