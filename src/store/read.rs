//! Opening a snapshot for queries without changing a byte of it.

use std::path::Path;

use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{StoreError, schema_version};

/// Maximum bytes of the snapshot mapped into memory for reading.
const MMAP_BYTES: i64 = 1 << 30;
/// Maximum page cache of a query connection, in KiB; SQLite allocates it
/// only as pages are read.
const CACHE_KIB: i64 = 256 * 1024;

/// How long a query waits for another process's write lock to clear.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Opens an existing snapshot read-only and checks that idcdb wrote it with a
/// schema this build understands.
///
/// The connection is opened with `SQLITE_OPEN_READ_ONLY` and `query_only`, so
/// any write statement fails and the file's bytes stay as they were.
pub fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let metadata = std::fs::metadata(path).map_err(|_| StoreError::NotFound {
        path: path.to_path_buf(),
    })?;
    if metadata.is_dir() {
        return Err(StoreError::IsFolder {
            path: path.to_path_buf(),
        });
    }
    if metadata.len() == 0 {
        return Err(StoreError::NotASnapshot {
            path: path.to_path_buf(),
            reason: "the file is empty".to_string(),
        });
    }

    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let sqlite_error = |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open_with_flags(path, flags).map_err(sqlite_error)?;
    conn.pragma_update(None, "query_only", true)
        .map_err(sqlite_error)?;
    conn.busy_timeout(LOCK_WAIT).map_err(sqlite_error)?;

    let found = read_schema_version(&conn).map_err(|error| match error {
        Some(error)
            if matches!(
                error.sqlite_error_code(),
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            ) =>
        {
            StoreError::Locked {
                path: path.to_path_buf(),
            }
        }
        Some(error) => StoreError::NotASnapshot {
            path: path.to_path_buf(),
            reason: error.to_string(),
        },
        None => StoreError::NotASnapshot {
            path: path.to_path_buf(),
            reason: "it has no refinery_schema_history table".to_string(),
        },
    })?;
    let supported = schema_version();
    if found > supported {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }

    // Reports read most of a large file and sort hundreds of thousands of
    // rows: map the file into memory, let the page cache grow, and keep
    // sorts in memory. None of this writes to the file.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
        .map_err(sqlite_error)?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)
        .map_err(sqlite_error)?;
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(sqlite_error)?;

    Ok(conn)
}

/// Reads the newest applied migration from refinery's history table. The
/// error is `None` when the file has no such table.
fn read_schema_version(conn: &Connection) -> Result<i64, Option<rusqlite::Error>> {
    let has_history: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master \
             WHERE type = 'table' AND name = 'refinery_schema_history')",
            [],
            |row| row.get(0),
        )
        .map_err(Some)?;
    if !has_history {
        return Err(None);
    }

    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM refinery_schema_history",
        [],
        |row| row.get(0),
    )
    .map_err(Some)
}
