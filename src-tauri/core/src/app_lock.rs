//! The app lock (Settings > My profile): an optional passcode per operator,
//! asked when the app starts and after the operator's idle time. Only an
//! Argon2id hash (a PHC string, salted) is kept, in `local.sqlite3`. Failed
//! tries are counted there too, so a lockout outlives a restart: after
//! [`FREE_TRIES`] wrong passcodes in a row, each further try waits, doubling
//! from [`FIRST_WAIT_S`] up to an hour.

use argon2::{
    password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier},
    Argon2,
};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    Result,
};

/// Wrong passcodes allowed before the waits begin.
pub const FREE_TRIES: u32 = 5;
/// The first wait after the free tries, in seconds; each failure doubles it.
pub const FIRST_WAIT_S: i64 = 30;
const MAX_WAIT_S: i64 = 3600;
/// A passcode's length, in characters.
const MIN_LEN: usize = 4;
const MAX_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LockSettings {
    pub enabled: bool,
    /// Minutes without input before the passcode is asked again; 0: only at start.
    pub idle_minutes: u32,
    /// Wrong passcodes since the last right one.
    pub failures: u32,
    /// Unix seconds until which no passcode is tried.
    pub locked_until: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("that passcode is not right")]
    Wrong {
        /// Tries left before the waits begin.
        tries_left: u32,
    },
    #[error("too many wrong passcodes: try again in {wait_s} s")]
    LockedOut { until: i64, wait_s: i64 },
    #[error("a passcode is {MIN_LEN} to {MAX_LEN} characters")]
    BadPasscode,
    #[error("an idle time is 0 to 1,440 minutes")]
    BadIdle,
    #[error("this operator has no app lock")]
    NotSet,
}

impl LockError {
    pub fn fix(&self) -> Option<String> {
        match self {
            LockError::Wrong { tries_left } => Some(format!(
                "{tries_left} more wrong tries, then each one makes you wait."
            )),
            LockError::LockedOut { .. } => Some(
                "Wait, then type the passcode again; restarting the app does not lift the wait."
                    .into(),
            ),
            _ => None,
        }
    }
}

struct Row {
    hash: String,
    idle_minutes: u32,
    failures: u32,
    locked_until: Option<i64>,
}

fn row(local: &LocalConn, operator: i64) -> Result<Option<Row>> {
    local
        .query_row(
            "SELECT hash, idle_minutes, failures, locked_until FROM app_locks WHERE operator_id = ?1",
            [operator],
            |r| {
                Ok(Row {
                    hash: r.get("hash")?,
                    idle_minutes: r.get("idle_minutes")?,
                    failures: r.get("failures")?,
                    locked_until: r.get("locked_until")?,
                })
            },
        )
        .optional()
        .map_err(LocalConn::err)
}

pub fn settings(local: &LocalConn, operator: i64) -> Result<LockSettings> {
    Ok(match row(local, operator)? {
        Some(r) => LockSettings {
            enabled: true,
            idle_minutes: r.idle_minutes,
            failures: r.failures,
            locked_until: r.locked_until,
        },
        None => LockSettings {
            enabled: false,
            idle_minutes: 0,
            failures: 0,
            locked_until: None,
        },
    })
}

fn log(local: &LocalConn, install_id: &str, actor: &Actor, details: &str) -> Result<()> {
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::AppLock,
            target: Some(format!("operator {}", actor.name)),
            outcome: Outcome::Sent,
            details: Some(details.to_owned()),
        },
    )
}

/// Sets (or changes) the operator's passcode and idle time. Changing an
/// existing passcode needs the current one, checked as `unlock` does.
pub fn set(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    operator: i64,
    current: Option<&str>,
    passcode: &str,
    idle_minutes: u32,
) -> Result<LockSettings> {
    let len = passcode.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(LockError::BadPasscode.into());
    }
    if idle_minutes > 1440 {
        return Err(LockError::BadIdle.into());
    }
    let had = row(local, operator)?.is_some();
    if had {
        unlock(local, operator, current.unwrap_or_default(), now())?;
    }
    let hash = Argon2::default()
        .hash_password(passcode.as_bytes())
        .expect("hashing with the default parameters and a fresh salt cannot fail")
        .to_string();
    local
        .execute(
            "INSERT INTO app_locks (operator_id, hash, idle_minutes, failures, locked_until, updated_at)
             VALUES (?1, ?2, ?3, 0, NULL, ?4)
             ON CONFLICT (operator_id) DO UPDATE SET hash = excluded.hash,
                 idle_minutes = excluded.idle_minutes, failures = 0, locked_until = NULL,
                 updated_at = excluded.updated_at",
            params![operator, hash, idle_minutes, now()],
        )
        .map_err(LocalConn::err)?;
    log(
        local,
        install_id,
        actor,
        if had {
            "passcode changed"
        } else {
            "app lock on"
        },
    )?;
    settings(local, operator)
}

/// Changes the idle time only; the lock must be on.
pub fn set_idle(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    operator: i64,
    idle_minutes: u32,
) -> Result<LockSettings> {
    if idle_minutes > 1440 {
        return Err(LockError::BadIdle.into());
    }
    let n = local
        .execute(
            "UPDATE app_locks SET idle_minutes = ?2, updated_at = ?3 WHERE operator_id = ?1",
            params![operator, idle_minutes, now()],
        )
        .map_err(LocalConn::err)?;
    if n == 0 {
        return Err(LockError::NotSet.into());
    }
    log(
        local,
        install_id,
        actor,
        &format!("idle time {idle_minutes} min"),
    )?;
    settings(local, operator)
}

/// Turns the lock off; needs the current passcode.
pub fn remove(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    operator: i64,
    current: &str,
) -> Result<()> {
    unlock(local, operator, current, now())?;
    local
        .execute("DELETE FROM app_locks WHERE operator_id = ?1", [operator])
        .map_err(LocalConn::err)?;
    log(local, install_id, actor, "app lock off")
}

/// Checks a passcode at `at` (unix seconds). A right one clears the
/// failures; a wrong one is counted, and past the free tries starts a wait
/// during which no passcode, right or wrong, is checked.
pub fn unlock(local: &LocalConn, operator: i64, passcode: &str, at: i64) -> Result<()> {
    let r = row(local, operator)?.ok_or(LockError::NotSet)?;
    if let Some(until) = r.locked_until.filter(|u| *u > at) {
        return Err(LockError::LockedOut {
            until,
            wait_s: until - at,
        }
        .into());
    }
    let right = PasswordHash::new(&r.hash)
        .map(|h| {
            Argon2::default()
                .verify_password(passcode.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    if right {
        local
            .execute(
                "UPDATE app_locks SET failures = 0, locked_until = NULL WHERE operator_id = ?1",
                [operator],
            )
            .map_err(LocalConn::err)?;
        return Ok(());
    }
    let failures = r.failures + 1;
    let until = (failures >= FREE_TRIES).then(|| {
        let doublings = (failures - FREE_TRIES).min(10);
        at + (FIRST_WAIT_S << doublings).min(MAX_WAIT_S)
    });
    local
        .execute(
            "UPDATE app_locks SET failures = ?2, locked_until = ?3 WHERE operator_id = ?1",
            params![operator, failures, until],
        )
        .map_err(LocalConn::err)?;
    Err(match until {
        Some(until) => LockError::LockedOut {
            until,
            wait_s: until - at,
        },
        None => LockError::Wrong {
            tries_left: FREE_TRIES - failures,
        },
    }
    .into())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
