//! The one function that opens a SQLite connection, so every connection gets
//! the same settings, and is decrypted with the data dir's key.

use std::{path::Path, time::Duration};

use rusqlite::{Connection, ErrorCode};

use super::{
    at_rest::{cipher_settings, DbKey},
    DbError,
};
use crate::Result;

/// How long a connection waits for another's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub fn open_connection(path: &Path, key: &DbKey) -> Result<Connection> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let err = |e| DbError::sqlite(&file, e);
    let conn = Connection::open(path).map_err(err)?;
    // The cipher, then the key: SQLCipher reads nothing before it.
    cipher_settings(&conn).map_err(err)?;
    conn.pragma_update(None, "key", key.sql()).map_err(err)?;
    // SQLCipher would print its own lines to stderr for a wrong key; the
    // error returned below says it, with its fix. (After the key: the first
    // key sets SQLCipher's default level.)
    conn.pragma_update(None, "cipher_log_level", "NONE")
        .map_err(err)?;
    // busy_timeout next: switching to WAL itself needs the lock.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
    // The first statement that reads the file: a key that does not open it
    // is told apart here, never taken for an empty database.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => DbError::WrongKey { file: file.clone() },
            _ => err(e),
        })?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(err)?;
    Ok(conn)
}
