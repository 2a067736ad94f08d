//! The install id: a random id made when the data dir is first opened. It
//! names the data dir's keychain accounts, the database key's among them,
//! so it lives in a plain file (`install-id`) read before any database is
//! opened. Data dirs from before encryption kept it in local.sqlite3's
//! `install` table; it is moved out of there once.

use std::{fs, io::Write, path::Path};

use rusqlite::{Connection, OptionalExtension};

use super::{
    at_rest::{file_state, FileState},
    DbError, Schema,
};
use crate::{paths::DataDir, Error, Result};

pub const INSTALL_ID_FILE: &str = "install-id";

/// Reads the data dir's install id, or moves it out of a plain
/// local.sqlite3, or makes one.
pub(super) fn ensure(data_dir: &DataDir) -> Result<String> {
    let path = data_dir.root().join(INSTALL_ID_FILE);
    match fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    }
    let local = data_dir.local_db();
    let id = match file_state(&local)? {
        FileState::Plain => legacy(&local)?,
        FileState::Encrypted => {
            // Its key is named by the id that was lost: say so, never start afresh.
            return Err(DbError::InstallIdMissing {
                path: path.display().to_string(),
            }
            .into());
        }
        FileState::Missing => None,
    };
    let id = id.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    write(&path, &id)?;
    Ok(id)
}

/// The id a plain local.sqlite3 kept in its `install` table, if any.
fn legacy(local: &Path) -> Result<Option<String>> {
    let file = Schema::Local.file_name();
    let err = |e| Error::from(DbError::sqlite(file, e));
    let conn = Connection::open(local).map_err(err)?;
    let has_table: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'install')",
            [],
            |r| r.get(0),
        )
        .map_err(err)?;
    if !has_table {
        return Ok(None);
    }
    conn.query_row("SELECT install_id FROM install WHERE id = 1", [], |r| {
        r.get(0)
    })
    .optional()
    .map_err(err)
}

/// Written whole or not at all: a temporary file renamed into place.
fn write(path: &Path, id: &str) -> Result<()> {
    let io = |e| Error::io(format!("writing {}", path.display()), e);
    let partial = path.with_extension("partial");
    let mut file = fs::File::create(&partial).map_err(io)?;
    file.write_all(id.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    fs::rename(&partial, path).map_err(io)
}
