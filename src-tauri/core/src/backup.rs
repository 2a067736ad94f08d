//! Settings > Backup: `local.sqlite3` (notes, templates, the activity log,
//! profiles, staff, snapshots, settings) exported encrypted with a
//! passphrase, and restored from such a file. The cache is rebuilt by a
//! sync; this file cannot be, and a lost machine would lose it.
//!
//! The file is an age file (scrypt passphrase, ChaCha20-Poly1305): a wrong
//! passphrase or a changed byte is refused, with nothing touched. A restore
//! is staged beside the data dir's file and swapped in when the data dir is
//! next opened, before any connection exists (a rename: a kill leaves
//! either the old file or the new one, never half of each).

use std::path::Path;

use age::secrecy::SecretString;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::Db,
    Error, Result,
};

/// The shortest passphrase taken: a backup leaves the machine.
pub const MIN_PASSPHRASE: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the passphrase is too short: use at least {MIN_PASSPHRASE} characters")]
    WeakPassphrase,
    #[error(
        "this file cannot be opened with this passphrase, or it was changed after it was made"
    )]
    WrongPassphrase,
    #[error("this is not a Paneldesk backup: {0}")]
    NotABackup(String),
    #[error("this backup was made by a newer Paneldesk (schema {found}; this one knows {known})")]
    TooNew { found: i64, known: i64 },
}

impl BackupError {
    pub fn fix(&self) -> Option<String> {
        Some(match self {
            BackupError::WeakPassphrase => {
                "Choose a longer passphrase, and keep it apart from the file.".into()
            }
            BackupError::WrongPassphrase => {
                "Type the passphrase the backup was made with; nothing was changed.".into()
            }
            BackupError::NotABackup(_) => "Pick a file made by Settings > Backup > Export.".into(),
            BackupError::TooNew { .. } => "Update Paneldesk, then restore it.".into(),
        })
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupFile {
    pub path: String,
    pub bytes: u64,
}

fn secret(passphrase: &str) -> SecretString {
    SecretString::from(passphrase.to_owned())
}

fn io(context: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(context, e)
}

/// Writes `local.sqlite3`, consistent as of now, encrypted with
/// `passphrase`, to `out`. Logged (never the passphrase).
pub fn export(db: &Db, actor: &Actor, passphrase: &str, out: &Path) -> Result<BackupFile> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(BackupError::WeakPassphrase.into());
    }
    let local = db.local()?;
    // A consistent plain copy, made in memory: the file itself is encrypted
    // with this data dir's key, which a backup must not need.
    let plain = Zeroizing::new(crate::db::plain_bytes(&local, "local.sqlite3")?);
    let sealed = age::encrypt(
        &age::scrypt::Recipient::new(secret(passphrase)),
        plain.as_slice(),
    )
    .map_err(|e| {
        Error::io(
            "encrypting the backup",
            std::io::Error::other(e.to_string()),
        )
    })?;
    std::fs::write(out, &sealed).map_err(io("writing the backup"))?;
    activity::append(
        &local,
        db.install_id(),
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::Backup,
            target: Some("local.sqlite3".into()),
            outcome: Outcome::Sent,
            details: Some(format!("exported, {} bytes", sealed.len())),
        },
    )?;
    Ok(BackupFile {
        path: out.display().to_string(),
        bytes: sealed.len() as u64,
    })
}

/// Checks `sealed` opens with `passphrase` and holds a local database this
/// Paneldesk can use, then stages it: it replaces `local.sqlite3` when the
/// data dir is next opened (the app restarts for it).
pub fn stage_restore(db: &Db, actor: &Actor, passphrase: &str, sealed: &[u8]) -> Result<()> {
    let plain = age::decrypt(&age::scrypt::Identity::new(secret(passphrase)), sealed).map_err(
        |e| match e {
            age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
                BackupError::NotABackup("not an encrypted backup file".into())
            }
            _ => BackupError::WrongPassphrase,
        },
    )?;
    let plain = Zeroizing::new(plain);
    let mut conn = rusqlite::Connection::open_in_memory()
        .map_err(|e| Error::from(crate::db::DbError::sqlite("the restored backup", e)))?;
    conn.deserialize_read_exact("main", plain.as_slice(), plain.len(), true)
        .map_err(|_| BackupError::NotABackup("not a database".into()))?;
    check(&conn)?;
    // Staged encrypted with this data dir's key, as the file it replaces.
    let staged = db.data_dir().root().join(crate::db::STAGED_RESTORE);
    let partial = staged.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    if let Err(e) = crate::db::write_encrypted(&conn, &partial, db.key()) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &staged).map_err(io("staging the restore"))?;
    activity::append(
        &db.local()?,
        db.install_id(),
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::Backup,
            target: Some("local.sqlite3".into()),
            outcome: Outcome::Sent,
            details: Some("restore staged: applied at the next start".into()),
        },
    )?;
    Ok(())
}

/// A staged file must be a whole SQLite database of a local schema this
/// build knows.
fn check(conn: &rusqlite::Connection) -> Result<()> {
    let not = |why: &str| Error::from(BackupError::NotABackup(why.into()));
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| not("not a database"))?;
    if ok != "ok" {
        return Err(not("the database inside is damaged"));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|_| not("not a database"))?;
    let has_panels: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'panels')",
            [],
            |r| r.get(0),
        )
        .map_err(|_| not("not a database"))?;
    if !has_panels || version < 1 {
        return Err(not("it holds no Paneldesk settings"));
    }
    let known = crate::db::Schema::Local.latest();
    if version > known {
        return Err(BackupError::TooNew {
            found: version,
            known,
        }
        .into());
    }
    Ok(())
}
