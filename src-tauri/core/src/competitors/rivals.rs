//! The rivals watched: a name, the panel's address and the operator's key
//! for its user API (in the keychain, shown as its last 4 characters).

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::CompetitorError;
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    panel::{normalize_base_url, user_api_url},
    secrets::{last4, Keychain, SecretError},
    Result,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rival {
    pub id: i64,
    pub name: String,
    /// The user API address polled (`https://rival.example/api/v2`).
    pub api_url: String,
    pub key_last4: Option<String>,
    pub last_polled_at: Option<i64>,
    /// Why the last poll failed; None after a good one.
    pub last_error: Option<String>,
    /// Services in the last snapshot (0 before the first).
    pub services: i64,
}

/// A rival as the form sends it. `key`: None or blank keeps the stored key.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RivalEdit {
    pub name: String,
    /// The panel's address in any form: `rival.example`, `.../api/v2`.
    pub url: String,
    pub key: Option<String>,
}

pub(super) fn account(install_id: &str, id: i64) -> String {
    format!("{install_id}:rival:{id}")
}

fn rival(r: &Row) -> rusqlite::Result<Rival> {
    let base: String = r.get("base_url")?;
    let api_url = url::Url::parse(&base)
        .map(|u| user_api_url(&u).to_string())
        .unwrap_or(base);
    Ok(Rival {
        id: r.get("id")?,
        name: r.get("name")?,
        api_url,
        key_last4: r.get("key_last4")?,
        last_polled_at: r.get("last_polled_at")?,
        last_error: r.get("last_error")?,
        services: r.get("services")?,
    })
}

const SELECT: &str = "SELECT r.id, r.name, r.base_url, r.key_last4, r.last_polled_at, r.last_error,
        (SELECT count(*) FROM rival_services s WHERE s.rival_id = r.id) AS services
     FROM rivals r";

pub fn list(local: &LocalConn) -> Result<Vec<Rival>> {
    let mut st = local
        .prepare_cached(&format!("{SELECT} ORDER BY r.name COLLATE NOCASE"))
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([], rival)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

pub fn get(local: &LocalConn, id: i64) -> Result<Rival> {
    local
        .query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], rival)
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| CompetitorError::UnknownRival(id).into())
}

/// The Admin API base the client is built on (the user API is beside it):
/// an address given as `.../api/v2` loses that part first.
fn base_url(input: &str) -> Result<String> {
    let trimmed = input.trim().trim_end_matches('/');
    let root = trimmed
        .strip_suffix("/api/v2")
        .or_else(|| trimmed.strip_suffix("/api/v2/"))
        .unwrap_or(trimmed);
    Ok(normalize_base_url(root)?.to_string())
}

fn log(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    name: &str,
    details: String,
) -> Result<()> {
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::Competitor,
            target: Some(format!("rival {name}")),
            outcome: Outcome::Sent,
            details: Some(details),
        },
    )
}

/// Adds a rival (`id` None) or changes one; a new rival needs a key.
pub fn save(
    local: &mut LocalConn,
    install_id: &str,
    keychain: &Keychain,
    actor: &Actor,
    id: Option<i64>,
    edit: RivalEdit,
) -> Result<Rival> {
    let name = edit.name.trim().to_owned();
    if name.is_empty() {
        return Err(CompetitorError::Invalid("a rival needs a name".into()).into());
    }
    let base = base_url(&edit.url)?;
    let key = edit
        .key
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty());
    if id.is_none() && key.is_none() {
        return Err(CompetitorError::Invalid(
            "a rival needs your account's API key on that panel".into(),
        )
        .into());
    }
    let taken: Option<i64> = local
        .query_row(
            "SELECT id FROM rivals WHERE name = ?1 COLLATE NOCASE",
            [&name],
            |r| r.get(0),
        )
        .optional()
        .map_err(LocalConn::err)?;
    if taken.is_some_and(|t| Some(t) != id) {
        return Err(CompetitorError::Invalid(format!("a rival is already named {name}")).into());
    }
    let tx = local.begin()?;
    let id = match id {
        Some(id) => {
            let was = get(&tx, id)?;
            tx.execute(
                "UPDATE rivals SET name = ?2, base_url = ?3 WHERE id = ?1",
                params![id, name, base],
            )
            .map_err(LocalConn::err)?;
            if url::Url::parse(&base)
                .map(|u| user_api_url(&u).to_string())
                .ok()
                .as_deref()
                != Some(was.api_url.as_str())
            {
                // Another panel: its catalogue is not the old one's.
                tx.execute("DELETE FROM rival_services WHERE rival_id = ?1", [id])
                    .map_err(LocalConn::err)?;
            }
            id
        }
        None => {
            tx.execute(
                "INSERT INTO rivals (name, base_url, created_at) VALUES (?1, ?2, ?3)",
                params![name, base, chrono::Utc::now().timestamp()],
            )
            .map_err(LocalConn::err)?;
            tx.last_insert_rowid()
        }
    };
    if let Some(k) = &key {
        keychain.set(&account(install_id, id), k)?;
        tx.execute(
            "UPDATE rivals SET key_last4 = ?2 WHERE id = ?1",
            params![id, last4(k)],
        )
        .map_err(LocalConn::err)?;
    }
    let saved = get(&tx, id)?;
    log(
        &tx,
        install_id,
        actor,
        &name,
        format!(
            "watching {}{}",
            saved.api_url,
            if key.is_some() { ", key set" } else { "" }
        ),
    )?;
    tx.commit()?;
    Ok(saved)
}

/// Stops watching a rival: its key, snapshots and history go with it.
pub fn remove(
    local: &LocalConn,
    install_id: &str,
    keychain: &Keychain,
    actor: &Actor,
    id: i64,
) -> Result<()> {
    let r = get(local, id)?;
    keychain.delete(&account(install_id, id))?;
    local
        .execute("DELETE FROM rivals WHERE id = ?1", [id])
        .map_err(LocalConn::err)?;
    log(local, install_id, actor, &r.name, "removed".into())
}

/// The rival's key from the keychain.
pub(super) fn key(install_id: &str, keychain: &Keychain, r: &Rival) -> Result<String> {
    if r.key_last4.is_none() {
        return Err(CompetitorError::NoKey(r.name.clone()).into());
    }
    keychain
        .get(&account(install_id, r.id))
        .map_err(|e| match e {
            SecretError::NotFound { .. } => CompetitorError::NoKey(r.name.clone()).into(),
            e => e.into(),
        })
}
