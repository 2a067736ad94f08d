//! The two SQLite files of a data dir and the one way to open them.
//!
//! `cache.sqlite3` holds what the panels hold (rebuildable by a resync);
//! `local.sqlite3` holds what only this machine holds. Both are migrated when
//! a [`Db`] is opened.

mod at_rest;
mod changes;
mod conn;
mod connection;
mod install_id;
mod migrations;
mod panel_rows;
pub mod quoted_orders;
mod readers;
mod sql_enum;
mod upkeep;
mod writer;

use rusqlite::Connection;

use at_rest::{file_state, DbKey, FileState};
pub use at_rest::{init_key_file, KeySource, KEY_ENV, KEY_FILE};
pub(crate) use at_rest::{plain_bytes, write_encrypted};
pub use changes::CacheChanges;
pub use conn::{CacheConn, CacheTx, LocalConn, LocalTx, ReadConn};
use connection::open_connection;
pub use migrations::{migrate, migrate_to, Schema};
pub use panel_rows::{ensure_configured, forget_panel, latest_order_name, order_service_ids};
pub use readers::Readers;
pub(crate) use sql_enum::sql_text_enum;
pub(crate) use upkeep::SEARCH_INDEX_TRIGGERS;
pub use upkeep::{aggregates_kept, search_index_whole};
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
    #[error("the database key does not open {file}")]
    WrongKey { file: String },
    #[error("this data directory's database key is not in {place}")]
    KeyMissing { place: String },
    #[error("the database key in {place} cannot be used: {reason}")]
    KeyUnreadable { place: String, reason: String },
    #[error("the OS keychain, which keeps this data directory's database key, is not available: {detail}")]
    KeychainUnavailable { detail: String },
    #[error("{path} is missing: it names the keychain entry of this data directory's key")]
    InstallIdMissing { path: String },
    #[error("{dir} already holds databases: their key is kept elsewhere")]
    AlreadyMade { dir: String },
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
            DbError::PanelRemoved { .. } | DbError::AlreadyMade { .. } => ErrorCode::Config,
            DbError::WrongKey { .. }
            | DbError::KeyMissing { .. }
            | DbError::KeyUnreadable { .. }
            | DbError::InstallIdMissing { .. } => ErrorCode::DatabaseKey,
            DbError::KeychainUnavailable { .. } => ErrorCode::KeychainUnavailable,
            DbError::Sqlite { .. } | DbError::Migration { .. } => ErrorCode::Database,
        }
    }

    pub fn fix(&self) -> Option<String> {
        match self {
            DbError::TooNew { .. } => Some(
                "Update Paneldesk to the latest version, or point it at another data directory.".into(),
            ),
            DbError::PanelRemoved { .. } => None,
            DbError::AlreadyMade { .. } => Some("Use a new, empty data directory (--data-dir).".into()),
            DbError::WrongKey { .. } | DbError::KeyMissing { .. } | DbError::InstallIdMissing { .. } => Some(format!(
                "Put back this data directory's key (its keychain entry, {KEY_FILE} or {KEY_ENV}). Without it the files cannot be read: the cache can be rebuilt by removing cache.sqlite3 and syncing again, local.sqlite3 from a backup (Settings > Backup)."
            )),
            DbError::KeyUnreadable { .. } => Some(format!(
                "Mend the key ({KEY_FILE} holds 64 hexadecimal digits and is readable by its owner only; {KEY_ENV} holds the same digits)."
            )),
            DbError::KeychainUnavailable { .. } => Some(format!(
                "Start and unlock your desktop's keyring (GNOME Keyring, KWallet or any Secret Service). On a server without one, make the data directory with `paneldesk-cli init --no-keychain` (a key file) or give its key in {KEY_ENV}."
            )),
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

/// Swaps a staged restore in before any connection to the file exists (no
/// other process has the data dir open: `InUse`). The
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

/// Held while a process opens the data dir (`open.lock`, an OS file lock
/// released when the process exits or dies).
struct OpenLock {
    _file: std::fs::File,
}

impl OpenLock {
    fn take(data_dir: &DataDir) -> Result<OpenLock> {
        let (file, io) = lock_file(data_dir, "open.lock")?;
        file.lock().map_err(io)?;
        Ok(OpenLock { _file: file })
    }
}

/// A lock file of the data dir, opened (created if need be), with the error
/// its locking answers.
fn lock_file(
    data_dir: &DataDir,
    name: &str,
) -> Result<(std::fs::File, impl Fn(std::io::Error) -> Error)> {
    let path = data_dir.root().join(name);
    let context = format!("locking {}", path.display());
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(context.clone(), e))?;
    Ok((file, move |e| Error::io(context.clone(), e)))
}

/// Held (shared) by every process with the data dir open, for as long as
/// any of its `Db`s lives (`in-use.lock`). A staged restore replaces
/// local.sqlite3 only when the opener gets it exclusively: with the app
/// running, the CLI must not swap the file under it.
#[derive(Debug)]
struct InUse {
    _file: std::fs::File,
}

impl InUse {
    /// Takes the data dir; `Ok((lock, alone))`, `alone` when no other
    /// process (or `Db` of this one) has it open.
    fn take(data_dir: &DataDir) -> Result<(InUse, bool)> {
        let (file, io) = lock_file(data_dir, "in-use.lock")?;
        let alone = file.try_lock().is_ok();
        // Shared from here on (an exclusive lock becomes shared in place).
        file.lock_shared().map_err(io)?;
        Ok((InUse { _file: file }, alone))
    }
}

/// An opened, migrated data dir.
#[derive(Debug, Clone)]
pub struct Db {
    data_dir: DataDir,
    install_id: String,
    key: DbKey,
    _in_use: std::sync::Arc<InUse>,
}

/// SQLite's settings for the whole process, before its first connection.
/// Memory statistics off: SQLite counts every allocation under a global
/// mutex, for `sqlite3_memory_used`, which nothing here reads.
fn sqlite_process_settings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config before sqlite3_initialize, with the int
        // SQLITE_CONFIG_MEMSTATUS takes. After a connection (a test opening
        // one first) it answers SQLITE_MISUSE and changes nothing.
        let off: std::os::raw::c_int = 0;
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, off);
        }
    });
}

impl Db {
    /// Creates the data dir if needed, encrypts a plain one, migrates both
    /// files and makes sure the first operator exists.
    pub fn open(data_dir: &DataDir) -> Result<Db> {
        sqlite_process_settings();
        std::fs::create_dir_all(data_dir.root())
            .map_err(|e| Error::io(format!("creating {}", data_dir.root().display()), e))?;
        let (install_id, key, in_use) = {
            // One process at a time makes the key and encrypts: two making
            // a key each would leave one of them unable to read the files.
            let _opening = OpenLock::take(data_dir)?;
            let (in_use, alone) = InUse::take(data_dir)?;
            if alone {
                apply_staged_restore(data_dir)?;
            }
            let install_id = install_id::ensure(data_dir)?;
            let files = [data_dir.cache_db(), data_dir.local_db()];
            let states = files
                .iter()
                .map(|f| file_state(f))
                .collect::<Result<Vec<_>>>()?;
            let key = at_rest::key(
                data_dir,
                &install_id,
                states.contains(&FileState::Encrypted),
            )?;
            for (file, state) in files.iter().zip(states) {
                if state == FileState::Plain {
                    at_rest::encrypt_plain(file, &key)?;
                }
            }
            (install_id, key, in_use)
        };
        let mut cache = open_connection(&data_dir.cache_db(), &key)?;
        migrate(&mut cache, Schema::Cache)?;
        let mut local = open_connection(&data_dir.local_db(), &key)?;
        migrate(&mut local, Schema::Local)?;
        ensure_operator(&local)?;
        // Before any sync: rows of a panel whose removal was cut short go.
        panel_rows::purge_orphans(&LocalConn::new(local), &mut CacheConn::new(cache))?;
        Ok(Db {
            data_dir: data_dir.clone(),
            install_id,
            key,
            _in_use: std::sync::Arc::new(in_use),
        })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// A random id made when the data dir was first opened; it prefixes this
    /// data dir's keychain accounts (`install_id.rs`).
    pub fn install_id(&self) -> &str {
        &self.install_id
    }

    /// Where this data dir's database key is kept (never the key itself).
    pub fn key_source(&self) -> KeySource {
        KeySource::of(&self.data_dir, &self.install_id)
    }

    /// The data dir's database key, for the copies a backup restores.
    pub(crate) fn key(&self) -> &DbKey {
        &self.key
    }

    pub fn cache(&self) -> Result<CacheConn> {
        open_connection(&self.data_dir.cache_db(), &self.key).map(CacheConn::new)
    }

    pub fn local(&self) -> Result<LocalConn> {
        open_connection(&self.data_dir.local_db(), &self.key).map(LocalConn::new)
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
            .execute("ATTACH DATABASE ?1 AS local KEY ?2", [path, self.key.sql()])
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
