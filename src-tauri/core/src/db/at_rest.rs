//! The data dir's two databases encrypted at rest (SQLCipher): the key,
//! where it lives, and turning a plain data dir into an encrypted one.
//!
//! One key per data dir, 32 random bytes, given to SQLCipher as a raw key
//! (`x'…'`): that skips SQLCipher's PBKDF2, which would cost about 0.1 s on
//! every connection. Where it lives is a property of the data dir, looked up
//! in this order:
//! 1. `db.key` in the data dir (64 hex digits, mode 0600): a data dir made
//!    with `paneldesk-cli init --no-keychain`, on a server with no keychain;
//! 2. `PANELDESK_DB_KEY` (64 hex digits): a server whose secrets come from
//!    its environment (a systemd credential, a vault agent);
//! 3. the OS keychain, account `<install id>:database` (every desktop).

use std::{
    fs::{self, File},
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use zeroize::Zeroizing;

use super::DbError;
use crate::{
    paths::DataDir,
    secrets::{Keychain, SecretError},
    Error, Result,
};

/// The environment variable a server's data dir key may come from.
pub const KEY_ENV: &str = "PANELDESK_DB_KEY";
/// The key file of a data dir made with `paneldesk-cli init --no-keychain`.
pub const KEY_FILE: &str = "db.key";

const KEY_BYTES: usize = 32;

/// The data dir's key, as the text SQLCipher takes (`x'<64 hex>'`). Wiped
/// from memory when the last copy goes.
#[derive(Clone)]
pub struct DbKey(Arc<Zeroizing<String>>);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    fn from_bytes(bytes: &[u8; KEY_BYTES]) -> DbKey {
        DbKey(Arc::new(Zeroizing::new(format!(
            "x'{}'",
            hex::encode(bytes)
        ))))
    }

    fn random() -> Result<DbKey> {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(bytes.as_mut()).map_err(|e| {
            Error::io(
                "making the database key",
                std::io::Error::other(e.to_string()),
            )
        })?;
        Ok(DbKey::from_bytes(&bytes))
    }

    /// 64 hex digits (surrounding white space allowed), as kept outside.
    fn parse(text: &str, source: &KeySource) -> Result<DbKey> {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        hex::decode_to_slice(text.trim(), bytes.as_mut()).map_err(|_| DbError::KeyUnreadable {
            place: source.to_string(),
            reason: "it is not 64 hexadecimal digits".into(),
        })?;
        Ok(DbKey::from_bytes(&bytes))
    }

    /// The 64 hex digits, to keep outside (keychain, key file).
    fn hex(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0[2..self.0.len() - 1].to_owned())
    }

    /// The value for `PRAGMA key` and `ATTACH … KEY`.
    pub(crate) fn sql(&self) -> &str {
        &self.0
    }
}

/// Where a data dir's key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    File(PathBuf),
    Env,
    Keychain { account: String },
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::File(path) => write!(f, "the key file {}", path.display()),
            KeySource::Env => write!(f, "{KEY_ENV}"),
            KeySource::Keychain { account } => write!(f, "the OS keychain ({account})"),
        }
    }
}

impl KeySource {
    /// The source this data dir's key is looked up in (the module's order).
    pub fn of(data_dir: &DataDir, install_id: &str) -> KeySource {
        let file = data_dir.root().join(KEY_FILE);
        if file.exists() {
            KeySource::File(file)
        } else if std::env::var_os(KEY_ENV).is_some_and(|v| !v.is_empty()) {
            KeySource::Env
        } else {
            KeySource::Keychain {
                account: format!("{install_id}:database"),
            }
        }
    }
}

/// The cipher every encrypted file of a data dir uses, set before a key is
/// given or a file attached with one. SQLCipher 4's defaults but for the
/// page HMAC: SHA-256 instead of SHA-512, which CPUs with SHA extensions
/// compute several times faster (the HMAC of every page read and written
/// was most of what encryption cost: docs/benchmarks.md). These are
/// SQLCipher's process-wide defaults: setting them again is free.
pub(super) fn cipher_settings(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "PRAGMA cipher_default_hmac_algorithm = HMAC_SHA256;
         PRAGMA cipher_default_kdf_algorithm = PBKDF2_HMAC_SHA256;",
    )
}

/// What a database file holds, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileState {
    /// No file, or an empty one: it is made encrypted.
    Missing,
    /// Plain SQLite: a data dir from before encryption, to migrate.
    Plain,
    Encrypted,
}

/// Asked of SQLite itself, never by reading the file with an fd of our own:
/// closing any fd of a database file drops every POSIX lock this process
/// holds on it, the locks of its open connections too (SQLite's "How To
/// Corrupt" §2.2), while SQLite's own opens share them.
pub(super) fn file_state(path: &Path) -> Result<FileState> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let conn = match Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(conn) => conn,
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::CannotOpen) && !path.exists() => {
            return Ok(FileState::Missing)
        }
        Err(e) => return Err(DbError::sqlite(&file, e).into()),
    };
    // No key given: a plain file reads, an encrypted one is "not a database".
    match conn.query_row("PRAGMA page_count", [], |r| r.get::<_, i64>(0)) {
        Ok(0) => Ok(FileState::Missing),
        Ok(_) => Ok(FileState::Plain),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Ok(FileState::Encrypted)
        }
        Err(e) => Err(DbError::sqlite(&file, e).into()),
    }
}

/// The data dir's key: read from its source, or made (and kept there before
/// anything is encrypted with it) when no file is encrypted yet.
pub(super) fn key(data_dir: &DataDir, install_id: &str, any_encrypted: bool) -> Result<DbKey> {
    let source = KeySource::of(data_dir, install_id);
    match &source {
        KeySource::File(path) => read_key_file(path, &source),
        KeySource::Env => {
            let text = Zeroizing::new(std::env::var(KEY_ENV).unwrap_or_default());
            DbKey::parse(&text, &source)
        }
        KeySource::Keychain { account } => match Keychain.get(account) {
            Ok(text) => DbKey::parse(&Zeroizing::new(text), &source),
            Err(SecretError::NotFound { .. }) if !any_encrypted => {
                let key = DbKey::random()?;
                Keychain.set(account, &key.hex()).map_err(keychain)?;
                Ok(key)
            }
            Err(SecretError::NotFound { .. }) => Err(DbError::KeyMissing {
                place: source.to_string(),
            }
            .into()),
            Err(e) => Err(keychain(e)),
        },
    }
}

fn keychain(e: SecretError) -> Error {
    match e {
        SecretError::Unavailable { detail } => DbError::KeychainUnavailable { detail }.into(),
        e => e.into(),
    }
}

fn read_key_file(path: &Path, source: &KeySource) -> Result<DbKey> {
    let unreadable = |reason: String| DbError::KeyUnreadable {
        place: source.to_string(),
        reason,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|e| unreadable(e.to_string()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(unreadable(format!(
                "others may read it (mode {:o}); run chmod 600 on it",
                mode & 0o777
            ))
            .into());
        }
    }
    let text = Zeroizing::new(fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?);
    DbKey::parse(&text, source)
}

/// Makes `db.key` (0600) for a new data dir on a machine with no keychain.
/// Refused once either database exists: its key is elsewhere already.
pub fn init_key_file(data_dir: &DataDir) -> Result<PathBuf> {
    let io = |e| Error::io("writing the key file", e);
    if file_state(&data_dir.cache_db())? != FileState::Missing
        || file_state(&data_dir.local_db())? != FileState::Missing
    {
        return Err(DbError::AlreadyMade {
            dir: data_dir.root().display().to_string(),
        }
        .into());
    }
    fs::create_dir_all(data_dir.root()).map_err(io)?;
    let path = data_dir.root().join(KEY_FILE);
    let key = DbKey::random()?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(io)?;
    file.write_all(key.hex().as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    Ok(path)
}

/// Encrypts a plain database in place, crash-safely: the encrypted copy is
/// written beside it and renamed over it, so a kill at any point leaves the
/// plain file whole (the next open starts again) or the encrypted one.
pub(super) fn encrypt_plain(path: &Path, key: &DbKey) -> Result<()> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let err = |e| DbError::sqlite(&file, e);
    let io = |e| Error::io(format!("encrypting {file}"), e);
    let partial = sibling(path, ".encrypting");
    if partial.exists() {
        fs::remove_file(&partial).map_err(io)?; // left by a migration cut short
    }
    {
        let plain = Connection::open(path).map_err(err)?;
        plain
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        // Everything in the write-ahead log goes into the file first: the
        // log is dropped at the swap, and must hold nothing by then.
        let busy: i64 = plain
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(err)?;
        if busy != 0 {
            return Err(Error::Busy(format!(
                "another program is using {file}; close it, then start again"
            )));
        }
        let version: i64 = plain
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        let partial_text = partial.to_string_lossy();
        cipher_settings(&plain).map_err(err)?;
        plain
            .execute(
                "ATTACH DATABASE ?1 AS encrypted KEY ?2",
                (&*partial_text, key.sql()),
            )
            .map_err(err)?;
        plain
            .query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))
            .map_err(err)?;
        plain
            .pragma_update(Some("encrypted"), "user_version", version)
            .map_err(err)?;
        plain
            .execute("DETACH DATABASE encrypted", [])
            .map_err(err)?;
    }
    File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    for suffix in ["-wal", "-shm"] {
        let log = sibling(path, suffix);
        if log.exists() {
            fs::remove_file(&log).map_err(io)?;
        }
    }
    fs::rename(&partial, path).map_err(io)?;
    if let Some(dir) = path.parent() {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    tracing::info!("{file} is now encrypted at rest");
    Ok(())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// A plain copy of an encrypted database, made in memory (never on disk):
/// what a backup seals with its passphrase.
pub(crate) fn plain_bytes(conn: &Connection, file: &str) -> Result<Vec<u8>> {
    let err = |e| Error::from(DbError::sqlite(file, e));
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err)?;
    conn.execute("ATTACH DATABASE ':memory:' AS plain KEY ''", [])
        .map_err(err)?;
    // One read transaction: a consistent copy while the app keeps writing.
    let copied = conn
        .execute_batch("BEGIN")
        .and_then(|()| conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(())))
        .and_then(|()| conn.pragma_update(Some("plain"), "user_version", version))
        .and_then(|()| conn.execute_batch("COMMIT"))
        .and_then(|()| conn.serialize("plain").map(|data| data.to_vec()));
    if copied.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    let detached = conn.execute("DETACH DATABASE plain", []);
    let bytes = copied.map_err(err)?;
    detached.map_err(err)?;
    Ok(bytes)
}

/// Writes the plain database in `conn` (a backup being restored) to `out`,
/// encrypted with `key`.
pub(crate) fn write_encrypted(conn: &Connection, out: &Path, key: &DbKey) -> Result<()> {
    let err = |e| Error::from(DbError::sqlite("the restored backup", e));
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err)?;
    cipher_settings(conn).map_err(err)?;
    conn.execute(
        "ATTACH DATABASE ?1 AS encrypted KEY ?2",
        (&*out.to_string_lossy(), key.sql()),
    )
    .map_err(err)?;
    let written = conn
        .query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))
        .and_then(|()| conn.pragma_update(Some("encrypted"), "user_version", version));
    let detached = conn.execute("DETACH DATABASE encrypted", []);
    written.map_err(err)?;
    detached.map_err(err)?;
    File::open(out)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("writing the restore", e))
}
