//! Polling a rival: its catalogue fetched through its one client, diffed
//! against the last snapshot and kept, in one transaction.

use std::{collections::HashMap, sync::Mutex};

use rusqlite::params;
use serde::Serialize;

use super::{
    diff::{diff, RivalService},
    history::{self, Change},
    rivals,
};
use crate::{
    db::{Db, LocalConn},
    panel::{ClientOptions, PanelClient},
    secrets::Keychain,
    Result,
};

/// A rival's user API is asked for one list per poll: one request a second
/// is plenty, and gentle.
const RIVAL_RATE_LIMIT: f64 = 1.0;

/// One client (and so one rate bucket) per rival, kept for the process's
/// life, as each panel has its one client.
#[derive(Default)]
pub struct RivalClients {
    clients: Mutex<HashMap<i64, (String, PanelClient)>>,
}

impl RivalClients {
    fn client(&self, rival_id: i64, base: &str) -> Result<PanelClient> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((b, c)) = clients.get(&rival_id) {
            if b == base {
                return Ok(c.clone());
            }
        }
        // A rival gives no admin key: only its user API is ever called.
        let client = PanelClient::new(
            base,
            "",
            ClientOptions {
                rate_limit: RIVAL_RATE_LIMIT,
                read_retries: 2,
                ..ClientOptions::default()
            },
        )?;
        clients.insert(rival_id, (base.to_owned(), client.clone()));
        Ok(client)
    }
}

/// What one poll found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PollOutcome {
    pub rival_id: i64,
    pub snapshot_id: i64,
    pub taken_at: i64,
    pub services: i64,
    /// The first look at this rival: nothing to compare with yet.
    pub first: bool,
    /// Every change since the last snapshot (every price move, whatever a
    /// profile's threshold).
    pub changes: Vec<Change>,
}

/// The rivals a profile says are due at `now`: never polled, or polled
/// longer ago than the shortest interval of the profiles tracking them.
pub fn due(local: &LocalConn, now: i64) -> Result<Vec<i64>> {
    let mut st = local
        .prepare_cached(
            "SELECT r.id FROM rivals r
             JOIN watch_profile_rivals wr ON wr.rival_id = r.id
             JOIN watch_profiles p ON p.id = wr.profile_id
             GROUP BY r.id
             HAVING r.last_polled_at IS NULL OR r.last_polled_at + min(p.interval_minutes) * 60 <= ?1
             ORDER BY r.id",
        )
        .map_err(LocalConn::err)?;
    let ids = st
        .query_map([now], |r| r.get(0))
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(ids)
}

/// Polls one rival now. A failure is kept on the rival (shown beside it)
/// and returned; the last good snapshot stays.
pub async fn poll(
    db: &Db,
    keychain: &Keychain,
    clients: &RivalClients,
    rival_id: i64,
    now: i64,
) -> Result<PollOutcome> {
    let (client, key) = {
        let local = db.local()?;
        let rival = rivals::get(&local, rival_id)?;
        let base: String = local
            .query_row(
                "SELECT base_url FROM rivals WHERE id = ?1",
                [rival_id],
                |r| r.get(0),
            )
            .map_err(LocalConn::err)?;
        let key = rivals::key(db.install_id(), keychain, &rival);
        (clients.client(rival_id, &base)?, key)
    };
    let fetched = match key {
        Ok(key) => client.services(&key).await.map_err(crate::Error::from),
        Err(e) => Err(e),
    };
    let mut local = db.local()?;
    let catalogue = match fetched {
        Ok(c) => c,
        Err(e) => {
            local
                .execute(
                    "UPDATE rivals SET last_polled_at = ?2, last_error = ?3 WHERE id = ?1",
                    params![rival_id, now, e.to_string()],
                )
                .map_err(LocalConn::err)?;
            return Err(e);
        }
    };
    let next: Vec<RivalService> = catalogue
        .into_iter()
        .map(|s| RivalService {
            service_id: s.id,
            name: s.name,
            category: s.category,
            rate_micros: s.rate_micros,
        })
        .collect();
    let tx = local.begin()?;
    let prev = current(&tx, rival_id)?;
    let first = prev.is_empty();
    let found = if first {
        Vec::new()
    } else {
        diff(&prev, &next, 0.0)
    };
    tx.execute(
        "INSERT INTO rival_snapshots (rival_id, taken_at, services, changes) VALUES (?1, ?2, ?3, ?4)",
        params![rival_id, now, next.len() as i64, found.len() as i64],
    )
    .map_err(LocalConn::err)?;
    let snapshot_id = tx.last_insert_rowid();
    for d in &found {
        tx.execute(
            "INSERT INTO rival_changes (rival_id, snapshot_id, taken_at, service_id, kind, name, old_name, rate_micros, old_rate_micros)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![rival_id, snapshot_id, now, d.service_id, d.kind, d.name, d.old_name, d.rate_micros, d.old_rate_micros],
        )
        .map_err(LocalConn::err)?;
    }
    // A price point when a service is first seen, and at each move.
    let before: HashMap<i64, Option<i64>> =
        prev.iter().map(|s| (s.service_id, s.rate_micros)).collect();
    tx.execute("DELETE FROM rival_services WHERE rival_id = ?1", [rival_id])
        .map_err(LocalConn::err)?;
    for s in &next {
        tx.execute(
            "INSERT OR REPLACE INTO rival_services (rival_id, service_id, name, category, rate_micros) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![rival_id, s.service_id, s.name, s.category, s.rate_micros],
        )
        .map_err(LocalConn::err)?;
        if before.get(&s.service_id) != Some(&s.rate_micros) {
            tx.execute(
                "INSERT INTO rival_prices (rival_id, service_id, snapshot_id, since, rate_micros) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![rival_id, s.service_id, snapshot_id, now, s.rate_micros],
            )
            .map_err(LocalConn::err)?;
        }
    }
    tx.execute(
        "UPDATE rivals SET last_polled_at = ?2, last_error = NULL WHERE id = ?1",
        params![rival_id, now],
    )
    .map_err(LocalConn::err)?;
    let changes = history::of_snapshot(&tx, snapshot_id)?;
    tx.commit()?;
    Ok(PollOutcome {
        rival_id,
        snapshot_id,
        taken_at: now,
        services: next.len() as i64,
        first,
        changes,
    })
}

/// The catalogue of the rival's last snapshot.
fn current(local: &LocalConn, rival_id: i64) -> Result<Vec<RivalService>> {
    let mut st = local
        .prepare_cached(
            "SELECT service_id, name, category, rate_micros FROM rival_services WHERE rival_id = ?1",
        )
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([rival_id], |r| {
            Ok(RivalService {
                service_id: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                rate_micros: r.get(3)?,
            })
        })
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}
