//! The two SQLite files of a data dir and the one way to open them.
//!
//! `cache.sqlite3` holds what the panels hold (rebuildable by a resync);
//! `local.sqlite3` holds what only this machine holds. Both are migrated when
//! a [`Db`] is opened.

mod changes;
mod conn;
mod connection;
mod migrations;
mod panel_rows;
mod readers;
mod sql_enum;
mod writer;

use rusqlite::{Connection, OptionalExtension};

pub use changes::CacheChanges;
pub use conn::{CacheConn, CacheTx, LocalConn, LocalTx, ReadConn};
use connection::open_connection;
pub use migrations::{migrate, migrate_to, Schema};
pub use panel_rows::{ensure_configured, forget_panel};
pub use readers::Readers;
pub(crate) use sql_enum::sql_text_enum;
pub use writer::{WriteConns, Writer};

use crate::{paths::DataDir, Error, ErrorCode, Result};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error in {file}: {source}")]
    Sqlite {
        file: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{file} was written by a newer Paneldesk (schema version {found}; this version knows up to {known})")]
    TooNew {
        file: String,
        found: i64,
        known: i64,
    },
    #[error("migrating {file} failed: {reason}")]
    Migration { file: String, reason: String },
    /// A write for a panel removed meanwhile: its rows would outlive it.
    #[error("there is no panel #{panel_id}: it was removed")]
    PanelRemoved { panel_id: i64 },
}

impl DbError {
    pub(crate) fn sqlite(file: &str, source: rusqlite::Error) -> Self {
        DbError::Sqlite {
            file: file.to_owned(),
            source,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            DbError::TooNew { .. } => ErrorCode::DatabaseTooNew,
            DbError::PanelRemoved { .. } => ErrorCode::Config,
            DbError::Sqlite { .. } | DbError::Migration { .. } => ErrorCode::Database,
        }
    }

    pub fn fix(&self) -> Option<String> {
        match self {
            DbError::TooNew { .. } => Some(
                "Update Paneldesk to the latest version, or point it at another data directory.".into(),
            ),
            DbError::PanelRemoved { .. } => None,
            DbError::Sqlite { .. } | DbError::Migration { .. } => Some(
                "Close other programs using the data directory; if the cache is damaged, remove cache.sqlite3 and sync again (it is rebuilt from the panels).".into(),
            ),
        }
    }
}

/// The schema versions of both files, as shown in the About box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaVersions {
    pub cache: i64,
    pub local: i64,
}

/// A backup's restore waiting for the next open (`backup::stage_restore`).
pub const STAGED_RESTORE: &str = "local.sqlite3.restore";

/// Swaps a staged restore in before any connection to the file exists. The
/// file it replaces, with its write-ahead log, is kept as
/// `local.sqlite3.before-restore`. Each step is a rename: a kill leaves the
/// old file or the new one, and a staged restore not yet applied is applied
/// at the next open.
fn apply_staged_restore(data_dir: &DataDir) -> Result<()> {
    let staged = data_dir.root().join(STAGED_RESTORE);
    if !staged.exists() {
        return Ok(());
    }
    let local = data_dir.local_db();
    let io = |e| Error::io("applying a restored backup", e);
    for suffix in ["", "-wal", "-shm"] {
        let from = std::path::PathBuf::from(format!("{}{suffix}", local.display()));
        if from.exists() {
            let kept = data_dir
                .root()
                .join(format!("local.sqlite3.before-restore{suffix}"));
            std::fs::rename(&from, kept).map_err(io)?;
        }
    }
    std::fs::rename(&staged, &local).map_err(io)?;
    tracing::info!("a restored backup of local.sqlite3 is in place");
    Ok(())
}

/// An opened, migrated data dir.
#[derive(Debug, Clone)]
pub struct Db {
    data_dir: DataDir,
    install_id: String,
}

impl Db {
    /// Creates the data dir if needed, migrates both files and makes sure the
    /// install identity exists.
    pub fn open(data_dir: &DataDir) -> Result<Db> {
        std::fs::create_dir_all(data_dir.root())
            .map_err(|e| Error::io(format!("creating {}", data_dir.root().display()), e))?;
        apply_staged_restore(data_dir)?;
        let mut cache = open_connection(&data_dir.cache_db())?;
        migrate(&mut cache, Schema::Cache)?;
        let mut local = open_connection(&data_dir.local_db())?;
        migrate(&mut local, Schema::Local)?;
        let install_id = ensure_install_id(&local)?;
        ensure_operator(&local)?;
        // Before any sync: rows of a panel whose removal was cut short go.
        panel_rows::purge_orphans(&LocalConn::new(local), &mut CacheConn::new(cache))?;
        Ok(Db {
            data_dir: data_dir.clone(),
            install_id,
        })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// A random id made when the data dir was first opened; it prefixes this
    /// data dir's keychain accounts.
    pub fn install_id(&self) -> &str {
        &self.install_id
    }

    pub fn cache(&self) -> Result<CacheConn> {
        open_connection(&self.data_dir.cache_db()).map(CacheConn::new)
    }

    pub fn local(&self) -> Result<LocalConn> {
        open_connection(&self.data_dir.local_db()).map(LocalConn::new)
    }

    /// The cache with the local file attached as `local`: what every screen
    /// and report reads.
    pub fn read(&self) -> Result<ReadConn> {
        let cache = self.cache()?;
        let local = self.data_dir.local_db();
        let path = local.to_str().ok_or_else(|| {
            Error::io(
                format!("opening {}", local.display()),
                std::io::Error::other("the data directory's path is not valid UTF-8"),
            )
        })?;
        cache
            .execute("ATTACH DATABASE ?1 AS local", [path])
            .map_err(CacheConn::err)?;
        Ok(ReadConn::new(cache))
    }

    pub fn schema_versions(&self) -> Result<SchemaVersions> {
        Ok(SchemaVersions {
            cache: user_version(&*self.cache()?, Schema::Cache.file_name())?,
            local: user_version(&*self.local()?, Schema::Local.file_name())?,
        })
    }
}

#[cfg(test)]
impl CacheConn {
    /// A migrated cache in memory, for the core's unit tests.
    pub(crate) fn memory() -> CacheConn {
        let mut c = Connection::open_in_memory().expect("an in-memory database");
        migrate(&mut c, Schema::Cache).expect("the cache's migrations");
        CacheConn::new(c)
    }
}

pub(crate) fn user_version(conn: &Connection, file: &str) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| DbError::sqlite(file, e).into())
}

/// The first operator, named after the OS user, so there is always someone
/// working (and `current_operator` names them).
fn ensure_operator(local: &Connection) -> Result<()> {
    let name = whoami::username();
    let name = if name.trim().is_empty() {
        "operator".to_owned()
    } else {
        name
    };
    local
        .execute_batch("BEGIN IMMEDIATE")
        .and_then(|()| {
            local.execute(
                "INSERT INTO operators (name, created_at) SELECT ?1, ?2
                 WHERE NOT EXISTS (SELECT 1 FROM operators)",
                (&name, chrono::Utc::now().timestamp()),
            )?;
            local.execute(
                "INSERT OR IGNORE INTO settings (key, value)
                 SELECT 'current_operator', CAST(min(id) AS TEXT) FROM operators",
                [],
            )?;
            local.execute_batch("COMMIT")
        })
        .map_err(|e| {
            let _ = local.execute_batch("ROLLBACK");
            DbError::sqlite(Schema::Local.file_name(), e).into()
        })
}

fn ensure_install_id(local: &Connection) -> Result<String> {
    let file = Schema::Local.file_name();
    let existing: Option<String> = local
        .query_row("SELECT install_id FROM install WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| DbError::sqlite(file, e))?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    // INSERT OR IGNORE: another process may have made it in the meantime; read back the winner.
    local
        .execute(
            "INSERT OR IGNORE INTO install (id, install_id, created_at) VALUES (1, ?1, ?2)",
            (&id, chrono::Utc::now().timestamp()),
        )
        .map_err(|e| DbError::sqlite(file, e))?;
    local
        .query_row("SELECT install_id FROM install WHERE id = 1", [], |r| {
            r.get(0)
        })
        .map_err(|e| DbError::sqlite(file, e).into())
}
