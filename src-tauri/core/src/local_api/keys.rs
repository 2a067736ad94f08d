//! The local API's keys: made here, shown once, kept only as their SHA-256
//! in local.sqlite3. Each key has scopes (a resource, read or write) and
//! the panels it may reach (none listed: every panel). Revoking one takes
//! effect at its next request: every request looks its key up again.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::LocalApiError;
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    Error, Result,
};

/// What every key starts with, so a leaked one is recognisable.
pub const KEY_PREFIX: &str = "pdk_";
/// Characters of a key shown in the list (the prefix and 8 hex digits).
const SHOWN: usize = 12;

/// What a scope covers: the Admin API's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::Display)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ApiResource {
    Orders,
    Users,
    Payments,
    Tickets,
    Services,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::Display)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Access {
    Read,
    Write,
}

/// One resource, read or write. Write includes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Scope {
    pub resource: ApiResource,
    pub access: Access,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.resource, self.access)
    }
}

impl std::str::FromStr for Scope {
    type Err = LocalApiError;

    /// `orders:read`, `payments:write`...
    fn from_str(s: &str) -> std::result::Result<Scope, LocalApiError> {
        let bad = || {
            LocalApiError::Invalid(format!(
                "{s:?} is not a scope: use <resource>:read or <resource>:write, the resource one of orders, users, payments, tickets, services"
            ))
        };
        let (resource, access) = s.split_once(':').ok_or_else(bad)?;
        let resource = match resource.trim() {
            "orders" => ApiResource::Orders,
            "users" => ApiResource::Users,
            "payments" => ApiResource::Payments,
            "tickets" => ApiResource::Tickets,
            "services" => ApiResource::Services,
            _ => return Err(bad()),
        };
        let access = match access.trim() {
            "read" => Access::Read,
            "write" => Access::Write,
            _ => return Err(bad()),
        };
        Ok(Scope { resource, access })
    }
}

/// A key as listed: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// Panel ids; empty is every panel.
    pub panels: Vec<i64>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl ApiKey {
    pub fn allows(&self, resource: ApiResource, access: Access) -> bool {
        self.scopes
            .iter()
            .any(|s| s.resource == resource && (s.access == access || s.access == Access::Write))
    }

    pub fn reaches(&self, panel_id: i64) -> bool {
        self.panels.is_empty() || self.panels.contains(&panel_id)
    }
}

/// A key just made: `secret` is shown once and kept nowhere.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewApiKey {
    pub key: ApiKey,
    pub secret: String,
}

/// What a new key may do.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiKeyEdit {
    pub name: String,
    pub scopes: Vec<Scope>,
    pub panels: Vec<i64>,
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

const COLUMNS: &str = "id, name, prefix, scopes, panels, created_at, last_used_at, revoked_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiKey> {
    let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let bad = |i: usize, e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    };
    Ok(ApiKey {
        id: r.get(0)?,
        name: r.get(1)?,
        prefix: r.get(2)?,
        scopes: serde_json::from_str(&json(3)?).map_err(|e| bad(3, e))?,
        panels: serde_json::from_str(&json(4)?).map_err(|e| bad(4, e))?,
        created_at: r.get(5)?,
        last_used_at: r.get(6)?,
        revoked_at: r.get(7)?,
    })
}

/// Makes a key: 32 random bytes, shown once. Logged (never the key).
pub fn create(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    edit: &ApiKeyEdit,
) -> Result<NewApiKey> {
    let name = edit.name.trim();
    if name.is_empty() {
        return Err(LocalApiError::Invalid("a key needs a name".into()).into());
    }
    if edit.scopes.is_empty() {
        return Err(LocalApiError::Invalid("a key needs at least one scope".into()).into());
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::io("making an API key", std::io::Error::other(e.to_string())))?;
    let secret = format!("{KEY_PREFIX}{}", hex::encode(bytes));
    let now = chrono::Utc::now().timestamp();
    local
        .execute(
            "INSERT INTO api_keys (name, prefix, hash, scopes, panels, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                name,
                &secret[..SHOWN],
                hash(&secret),
                to_json(&edit.scopes),
                to_json(&edit.panels),
                now,
            ),
        )
        .map_err(LocalConn::err)?;
    let id = local.last_insert_rowid();
    log(local, install_id, actor, name, "created")?;
    let key = get(local, id)?;
    Ok(NewApiKey { key, secret })
}

/// Scopes and panel lists as the JSON their columns hold (plain data: it
/// always serialises).
fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

pub fn get(local: &LocalConn, id: i64) -> Result<ApiKey> {
    local
        .query_row(
            &format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1"),
            [id],
            row,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| LocalApiError::UnknownKey(id).into())
}

/// Every key, newest first, revoked ones too (their history stays).
pub fn list(local: &LocalConn) -> Result<Vec<ApiKey>> {
    let mut st = local
        .prepare(&format!("SELECT {COLUMNS} FROM api_keys ORDER BY id DESC"))
        .map_err(LocalConn::err)?;
    let keys = st
        .query_map([], row)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(LocalConn::err)?;
    Ok(keys)
}

/// Revokes a key: its next request is refused.
pub fn revoke(local: &LocalConn, install_id: &str, actor: &Actor, id: i64) -> Result<ApiKey> {
    let key = get(local, id)?;
    local
        .execute(
            "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            (id, chrono::Utc::now().timestamp()),
        )
        .map_err(LocalConn::err)?;
    log(local, install_id, actor, &key.name, "revoked")?;
    get(local, id)
}

/// The active key `secret` is, if any. A revoked key is no key.
pub fn authenticate(
    conn: &rusqlite::Connection,
    table: &str,
    secret: &str,
) -> Result<Option<ApiKey>> {
    if !secret.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM {table} WHERE hash = ?1 AND revoked_at IS NULL"),
        [hash(secret)],
        row,
    )
    .optional()
    .map_err(LocalConn::err)
}

/// Records a key's use, at most once a minute (a write per request would
/// cost more than the reads it serves).
pub fn touch(local: &LocalConn, id: i64, now: i64) -> Result<()> {
    local
        .execute(
            "UPDATE api_keys SET last_used_at = ?2
             WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at <= ?2 - 60)",
            (id, now),
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// The activity log's row for a key made or revoked, or the server's settings.
pub(super) fn log(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    name: &str,
    what: &str,
) -> Result<()> {
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::ApiKey,
            target: Some(name.to_owned()),
            outcome: Outcome::Sent,
            details: Some(what.to_owned()),
        },
    )
}
