//! Watch profiles: which rivals, how often they are polled, how far back
//! the changes are shown, and the smallest price move worth showing.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::CompetitorError;
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    Result,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WatchProfile {
    pub id: i64,
    pub name: String,
    pub rival_ids: Vec<i64>,
    /// Changes shown: those of the last this many hours.
    pub window_hours: i64,
    /// Each tracked rival is polled at least this often.
    pub interval_minutes: i64,
    /// Price moves smaller than this (in %, either way) are not shown.
    pub threshold_pct: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WatchProfileEdit {
    pub name: String,
    pub rival_ids: Vec<i64>,
    pub window_hours: i64,
    pub interval_minutes: i64,
    pub threshold_pct: f64,
}

/// Polling a rival more often than this is unkind to it and tells nothing new.
pub const MIN_INTERVAL_MINUTES: i64 = 5;

fn rival_ids(local: &LocalConn, profile_id: i64) -> Result<Vec<i64>> {
    let mut st = local
        .prepare_cached(
            "SELECT rival_id FROM watch_profile_rivals WHERE profile_id = ?1 ORDER BY rival_id",
        )
        .map_err(LocalConn::err)?;
    let ids = st
        .query_map([profile_id], |r| r.get(0))
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(ids)
}

fn profile(local: &LocalConn, r: &Row) -> Result<WatchProfile> {
    let read = || -> rusqlite::Result<WatchProfile> {
        Ok(WatchProfile {
            id: r.get("id")?,
            name: r.get("name")?,
            rival_ids: Vec::new(),
            window_hours: r.get("window_hours")?,
            interval_minutes: r.get("interval_minutes")?,
            threshold_pct: r.get("threshold_pct")?,
        })
    };
    let mut p = read().map_err(LocalConn::err)?;
    p.rival_ids = rival_ids(local, p.id)?;
    Ok(p)
}

const SELECT: &str =
    "SELECT id, name, window_hours, interval_minutes, threshold_pct FROM watch_profiles";

pub fn list(local: &LocalConn) -> Result<Vec<WatchProfile>> {
    let mut st = local
        .prepare_cached(&format!("{SELECT} ORDER BY name COLLATE NOCASE"))
        .map_err(LocalConn::err)?;
    let mut rows = st.query([]).map_err(LocalConn::err)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(LocalConn::err)? {
        out.push(profile(local, r)?);
    }
    Ok(out)
}

pub fn get(local: &LocalConn, id: i64) -> Result<WatchProfile> {
    let mut st = local
        .prepare_cached(&format!("{SELECT} WHERE id = ?1"))
        .map_err(LocalConn::err)?;
    let mut rows = st.query([id]).map_err(LocalConn::err)?;
    match rows.next().map_err(LocalConn::err)? {
        Some(r) => profile(local, r),
        None => Err(CompetitorError::UnknownProfile(id).into()),
    }
}

fn check(edit: &WatchProfileEdit) -> std::result::Result<(), CompetitorError> {
    let invalid = |s: &str| Err(CompetitorError::Invalid(s.into()));
    if edit.name.trim().is_empty() {
        return invalid("a watch profile needs a name");
    }
    if edit.rival_ids.is_empty() {
        return invalid("tick at least one rival to watch");
    }
    if edit.window_hours < 1 {
        return invalid("the window is at least 1 hour");
    }
    if edit.interval_minutes < MIN_INTERVAL_MINUTES {
        return invalid("poll at most every 5 minutes");
    }
    if !(edit.threshold_pct.is_finite() && edit.threshold_pct >= 0.0) {
        return invalid("the price threshold is a percentage of 0 or more");
    }
    Ok(())
}

/// Adds a profile (`id` None) or changes one; logged.
pub fn save(
    local: &mut LocalConn,
    install_id: &str,
    actor: &Actor,
    id: Option<i64>,
    edit: WatchProfileEdit,
) -> Result<WatchProfile> {
    check(&edit)?;
    let name = edit.name.trim().to_owned();
    let taken: Option<i64> = local
        .query_row(
            "SELECT id FROM watch_profiles WHERE name = ?1 COLLATE NOCASE",
            [&name],
            |r| r.get(0),
        )
        .optional()
        .map_err(LocalConn::err)?;
    if taken.is_some_and(|t| Some(t) != id) {
        return Err(
            CompetitorError::Invalid(format!("a watch profile is already named {name}")).into(),
        );
    }
    let tx = local.begin()?;
    for rival in &edit.rival_ids {
        super::rivals::get(&tx, *rival)?;
    }
    let id = match id {
        Some(id) => {
            get(&tx, id)?;
            tx.execute(
                "UPDATE watch_profiles SET name = ?2, window_hours = ?3, interval_minutes = ?4, threshold_pct = ?5 WHERE id = ?1",
                params![id, name, edit.window_hours, edit.interval_minutes, edit.threshold_pct],
            )
            .map_err(LocalConn::err)?;
            tx.execute(
                "DELETE FROM watch_profile_rivals WHERE profile_id = ?1",
                [id],
            )
            .map_err(LocalConn::err)?;
            id
        }
        None => {
            tx.execute(
                "INSERT INTO watch_profiles (name, window_hours, interval_minutes, threshold_pct, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, edit.window_hours, edit.interval_minutes, edit.threshold_pct, chrono::Utc::now().timestamp()],
            )
            .map_err(LocalConn::err)?;
            tx.last_insert_rowid()
        }
    };
    for rival in &edit.rival_ids {
        tx.execute(
            "INSERT OR IGNORE INTO watch_profile_rivals (profile_id, rival_id) VALUES (?1, ?2)",
            params![id, rival],
        )
        .map_err(LocalConn::err)?;
    }
    activity::append(
        &tx,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::Competitor,
            target: Some(format!("watch profile {name}")),
            outcome: Outcome::Sent,
            details: Some(format!(
                "{} rival(s), every {} min, {} h window, {} % threshold",
                edit.rival_ids.len(),
                edit.interval_minutes,
                edit.window_hours,
                edit.threshold_pct
            )),
        },
    )?;
    let saved = get(&tx, id)?;
    tx.commit()?;
    Ok(saved)
}

pub fn remove(local: &LocalConn, install_id: &str, actor: &Actor, id: i64) -> Result<()> {
    let p = get(local, id)?;
    local
        .execute("DELETE FROM watch_profiles WHERE id = ?1", [id])
        .map_err(LocalConn::err)?;
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::Competitor,
            target: Some(format!("watch profile {}", p.name)),
            outcome: Outcome::Sent,
            details: Some("removed".into()),
        },
    )
}
