//! The one function that opens a SQLite connection, so every connection gets
//! the same settings (and encryption at rest could be switched on here alone).

use std::{path::Path, time::Duration};

use rusqlite::Connection;

use super::DbError;
use crate::Result;

/// How long a connection waits for another's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub fn open_connection(path: &Path) -> Result<Connection> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let err = |e| DbError::sqlite(&file, e);
    let conn = Connection::open(path).map_err(err)?;
    // busy_timeout first: switching to WAL itself needs the lock.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(err)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(err)?;
    Ok(conn)
}
