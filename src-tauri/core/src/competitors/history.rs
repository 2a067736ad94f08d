//! What the watch has seen: the changes (filtered by a profile's rivals,
//! window and threshold), each rival's snapshots, and a service's price
//! over time.

use rusqlite::Row;
use serde::{Deserialize, Serialize};

use super::{
    diff::{beyond, move_pct, ChangeKind},
    profiles,
};
use crate::{db::LocalConn, Result};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Change {
    pub id: i64,
    pub rival_id: i64,
    pub rival_name: String,
    pub taken_at: i64,
    pub kind: ChangeKind,
    pub service_id: i64,
    pub name: String,
    pub old_name: Option<String>,
    pub rate_micros: Option<i64>,
    pub old_rate_micros: Option<i64>,
    /// The price move in % of the old price, for price changes.
    pub move_pct: Option<f64>,
}

/// Which changes: a profile's (its rivals, window and threshold), narrowed
/// to one rival; with no profile, every rival's, every move, most recent
/// first.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangesQuery {
    pub profile_id: Option<i64>,
    pub rival_id: Option<i64>,
}

/// At most this many changes are listed (the newest).
const MAX_CHANGES: i64 = 2_000;

const SELECT: &str =
    "SELECT c.id, c.rival_id, r.name AS rival_name, c.taken_at, c.kind, c.service_id,
        c.name, c.old_name, c.rate_micros, c.old_rate_micros
     FROM rival_changes c JOIN rivals r ON r.id = c.rival_id";

fn change(r: &Row) -> rusqlite::Result<Change> {
    let (rate, old) = (r.get("rate_micros")?, r.get("old_rate_micros")?);
    let kind: ChangeKind = r.get("kind")?;
    Ok(Change {
        id: r.get("id")?,
        rival_id: r.get("rival_id")?,
        rival_name: r.get("rival_name")?,
        taken_at: r.get("taken_at")?,
        kind,
        service_id: r.get("service_id")?,
        name: r.get("name")?,
        old_name: r.get("old_name")?,
        rate_micros: rate,
        old_rate_micros: old,
        move_pct: (kind == ChangeKind::Price)
            .then(|| move_pct(old, rate))
            .flatten(),
    })
}

/// The changes one poll found.
pub(super) fn of_snapshot(local: &LocalConn, snapshot_id: i64) -> Result<Vec<Change>> {
    let mut st = local
        .prepare_cached(&format!(
            "{SELECT} WHERE c.snapshot_id = ?1 ORDER BY c.service_id, c.id"
        ))
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([snapshot_id], change)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

/// The changes `q` asks for at `now`, newest first.
pub fn changes(local: &LocalConn, q: &ChangesQuery, now: i64) -> Result<Vec<Change>> {
    let profile = q
        .profile_id
        .map(|id| profiles::get(local, id))
        .transpose()?;
    let since = profile
        .as_ref()
        .map_or(i64::MIN, |p| now - p.window_hours * 3600);
    let threshold = profile.as_ref().map_or(0.0, |p| p.threshold_pct);
    let mut st = local
        .prepare_cached(&format!(
            "{SELECT} WHERE c.taken_at > ?1 AND (?2 IS NULL OR c.rival_id = ?2)
             ORDER BY c.taken_at DESC, c.service_id, c.id LIMIT ?3"
        ))
        .map_err(LocalConn::err)?;
    let rows: Vec<Change> = st
        .query_map(rusqlite::params![since, q.rival_id, MAX_CHANGES], change)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows
        .into_iter()
        .filter(|c| {
            profile
                .as_ref()
                .is_none_or(|p| p.rival_ids.contains(&c.rival_id))
        })
        .filter(|c| {
            c.kind != ChangeKind::Price || beyond(c.old_rate_micros, c.rate_micros, threshold)
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Snapshot {
    pub id: i64,
    pub taken_at: i64,
    pub services: i64,
    /// Changes found against the snapshot before (every price move).
    pub changes: i64,
}

/// A rival's snapshots, newest first (the last 200).
pub fn snapshots(local: &LocalConn, rival_id: i64) -> Result<Vec<Snapshot>> {
    super::rivals::get(local, rival_id)?;
    let mut st = local
        .prepare_cached(
            "SELECT id, taken_at, services, changes FROM rival_snapshots WHERE rival_id = ?1
             ORDER BY taken_at DESC, id DESC LIMIT 200",
        )
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([rival_id], |r| {
            Ok(Snapshot {
                id: r.get(0)?,
                taken_at: r.get(1)?,
                services: r.get(2)?,
                changes: r.get(3)?,
            })
        })
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PricePoint {
    /// When the watch first saw this price.
    pub since: i64,
    pub rate_micros: Option<i64>,
}

/// A rival service's price over time, oldest first.
pub fn price_history(local: &LocalConn, rival_id: i64, service_id: i64) -> Result<Vec<PricePoint>> {
    let mut st = local
        .prepare_cached(
            "SELECT since, rate_micros FROM rival_prices WHERE rival_id = ?1 AND service_id = ?2 ORDER BY since, snapshot_id",
        )
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([rival_id, service_id], |r| {
            Ok(PricePoint {
                since: r.get(0)?,
                rate_micros: r.get(1)?,
            })
        })
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

/// The changes as CSV (what the screen shows, in its order), cells made
/// as `style` says.
pub fn changes_csv(changes: &[Change], style: crate::export::CsvStyle) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let money = |m: Option<i64>| m.map(crate::model::format_micros).unwrap_or_default();
    // Writing to memory cannot fail.
    w.write_record([
        "taken_at",
        "rival",
        "change",
        "service_id",
        "name",
        "old_name",
        "rate",
        "old_rate",
        "move_pct",
    ])
    .expect("CSV to memory");
    for c in changes {
        crate::export::write_row(
            &mut w,
            style,
            [
                c.taken_at.to_string(),
                c.rival_name.clone(),
                c.kind.to_string(),
                c.service_id.to_string(),
                c.name.clone(),
                c.old_name.clone().unwrap_or_default(),
                money(c.rate_micros),
                money(c.old_rate_micros),
                c.move_pct.map(|p| format!("{p:.2}")).unwrap_or_default(),
            ],
        )
        .expect("CSV to memory");
    }
    String::from_utf8(w.into_inner().expect("CSV to memory")).expect("CSV of UTF-8 fields")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changes_export_is_what_is_shown_and_safe_in_a_spreadsheet() {
        let change = Change {
            id: 1,
            rival_id: 1,
            rival_name: "Rival SMM".into(),
            taken_at: 1_800_000_000,
            kind: ChangeKind::Price,
            service_id: 105,
            name: "=HYPERLINK(\"http://evil.example\")".into(),
            old_name: None,
            rate_micros: Some(2_400_000),
            old_rate_micros: Some(3_000_000),
            move_pct: Some(-20.0),
        };
        let csv = changes_csv(&[change], crate::export::CsvStyle::SpreadsheetSafe);
        assert_eq!(
            csv,
            "taken_at,rival,change,service_id,name,old_name,rate,old_rate,move_pct\n\
             1800000000,Rival SMM,price,105,\"'=HYPERLINK(\"\"http://evil.example\"\")\",,2.40,3.00,-20.00\n"
        );
    }
}
