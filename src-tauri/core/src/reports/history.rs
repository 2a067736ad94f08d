//! What the report screens keep over time in `local.sqlite3`, because the
//! cache keeps no history: each service's daily score (the trend charts) and
//! the services operators reported.
//!
//! A day is a local day of the OS time zone (`chrono::Local` in the app; any
//! time zone in tests). Its score uses the default rules over the 24 hours
//! ending at that day's local midnight. Only the last finished day is ever
//! taken: a day the app did not run stays a gap, never filled in later from
//! a cache that has moved on since.

use chrono::{Days, NaiveDate, TimeZone};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{service_health, ReportError, ServiceHealthParams};
use crate::{
    activity::Actor,
    db::{CacheConn, LocalConn, ReadConn},
    model::{sql_list, OPEN_ORDER_STATUSES},
    Result,
};

/// Days a trend shows.
pub const TREND_DAYS: u64 = 30;

/// The local midnight that starts `day` in `tz` (the first instant of the
/// day; on a day a DST change skips midnight, the first one after it).
fn midnight<Tz: TimeZone>(tz: &Tz, day: NaiveDate) -> i64 {
    let start = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    match tz.from_local_datetime(&start) {
        chrono::LocalResult::Single(t) => t.timestamp(),
        chrono::LocalResult::Ambiguous(first, _) => first.timestamp(),
        // Midnight skipped: the day starts an hour later.
        chrono::LocalResult::None => tz
            .from_local_datetime(&(start + chrono::Duration::hours(1)))
            .earliest()
            .expect("an hour after a skipped midnight exists")
            .timestamp(),
    }
}

/// Takes the score of every service for the last finished local day at
/// `now`, unless it was taken already; the day taken, if any (none while
/// the cache holds no service). The report
/// is computed over the 24 h ending at the midnight that ended that day.
pub fn take_daily_scores<Tz: TimeZone>(
    read: &ReadConn,
    local: &mut LocalConn,
    tz: &Tz,
    now: i64,
) -> Result<Option<NaiveDate>> {
    let today = tz
        .timestamp_opt(now, 0)
        .earliest()
        .expect("a unix time is a time")
        .date_naive();
    let day = today - Days::new(1);
    let key = day.to_string();
    let taken: bool = local
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM service_score_days WHERE day = ?1)",
            [&key],
            |r| r.get(0),
        )
        .map_err(LocalConn::err)?;
    if taken {
        return Ok(None);
    }
    let report = service_health(
        read,
        &ServiceHealthParams {
            window_hours: 24.0,
            ..ServiceHealthParams::new(midnight(tz, today))
        },
    )?;
    // Nothing cached yet (a first run): asked again after the next sync.
    if report.services.is_empty() {
        return Ok(None);
    }
    let tx = local.begin()?;
    for r in &report.services {
        tx.execute(
            "INSERT OR REPLACE INTO service_score_days (panel_id, service_id, day, score, status)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![r.panel_id, r.service_id, key, r.score, r.status.as_str()],
        )
        .map_err(LocalConn::err)?;
    }
    tx.commit()?;
    Ok(Some(day))
}

/// A day of a service's trend: its score, or None for a gap (the app did not
/// run) or a day without enough data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrendDay {
    /// YYYY-MM-DD.
    pub day: String,
    pub score: Option<f64>,
}

/// The last [`TREND_DAYS`] days ending yesterday (local), oldest first, with
/// gaps as None.
pub fn trend<Tz: TimeZone>(
    local: &LocalConn,
    tz: &Tz,
    now: i64,
    panel_id: i64,
    service_id: i64,
) -> Result<Vec<TrendDay>> {
    let today = tz
        .timestamp_opt(now, 0)
        .earliest()
        .expect("a unix time is a time")
        .date_naive();
    let mut st = local
        .prepare_cached(
            "SELECT score FROM service_score_days WHERE panel_id = ?1 AND service_id = ?2 AND day = ?3",
        )
        .map_err(LocalConn::err)?;
    (1..=TREND_DAYS)
        .rev()
        .map(|back| {
            let day = (today - Days::new(back)).to_string();
            let score: Option<Option<f64>> = st
                .query_row(params![panel_id, service_id, day], |r| r.get(0))
                .optional()
                .map_err(LocalConn::err)?;
            Ok(TrendDay {
                day,
                score: score.flatten(),
            })
        })
        .collect()
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReportSource {
    Order,
    Service,
    Ticket,
}

crate::db::sql_text_enum!(ReportSource);

/// A service reported as a problem, from where and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportedService {
    pub id: i64,
    pub panel_id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub reason: String,
    pub source: ReportSource,
    /// The order's or ticket's id it was reported from.
    pub source_id: Option<i64>,
    pub reported_by: String,
    pub reported_at: i64,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
    /// Open orders of the service in the cache now.
    pub open_orders: i64,
}

/// A report as the window sends it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewReport {
    pub panel_id: i64,
    pub service_id: i64,
    pub reason: String,
    pub source: ReportSource,
    pub source_id: Option<i64>,
}

/// Reports a service, with a reason; its name is read from the cache (the
/// catalogue, else its latest order). The new report's id.
pub fn report_service(
    read: &ReadConn,
    local: &LocalConn,
    actor: &Actor,
    new: NewReport,
) -> Result<i64> {
    let NewReport {
        panel_id,
        service_id,
        reason,
        source,
        source_id,
    } = new;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(
            ReportError::Invalid("a report needs a reason of 1 to 500 characters".into()).into(),
        );
    }
    let name: Option<String> = read
        .query_row(
            "SELECT coalesce(
                 (SELECT name FROM services WHERE panel_id = ?1 AND id = ?2),
                 (SELECT service_name FROM orders WHERE panel_id = ?1 AND service_id = ?2 ORDER BY id DESC LIMIT 1))",
            params![panel_id, service_id],
            |r| r.get(0),
        )
        .map_err(CacheConn::err)?;
    let name = name.ok_or_else(|| {
        ReportError::Invalid(format!(
            "service {service_id} is not in the cache of this panel"
        ))
    })?;
    local
        .execute(
            "INSERT INTO reported_services (panel_id, service_id, service_name, reason, source, source_id, reported_by, reported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![panel_id, service_id, name, reason, source, source_id, actor.name, chrono::Utc::now().timestamp()],
        )
        .map_err(LocalConn::err)?;
    Ok(local.last_insert_rowid())
}

/// Marks a report resolved; whether it was open.
pub fn resolve_report(local: &LocalConn, actor: &Actor, id: i64) -> Result<bool> {
    let n = local
        .execute(
            "UPDATE reported_services SET resolved_by = ?2, resolved_at = ?3
             WHERE id = ?1 AND resolved_at IS NULL",
            params![id, actor.name, chrono::Utc::now().timestamp()],
        )
        .map_err(LocalConn::err)?;
    Ok(n > 0)
}

/// The reports, open ones first (newest first), then the resolved ones; of
/// one panel or all.
pub fn reported_services(read: &ReadConn, panel: Option<i64>) -> Result<Vec<ReportedService>> {
    let mut st = read
        .prepare_cached(&format!(
            "SELECT r.*, (SELECT count(*) FROM orders o
                          WHERE o.panel_id = r.panel_id AND o.service_id = r.service_id
                            AND o.status IN {}) AS open_orders
             FROM local.reported_services r
             WHERE ?1 IS NULL OR r.panel_id = ?1
             ORDER BY r.resolved_at IS NOT NULL, r.reported_at DESC, r.id DESC",
            sql_list(&OPEN_ORDER_STATUSES)
        ))
        .map_err(CacheConn::err)?;
    let rows = st
        .query_map([panel], |r| {
            Ok(ReportedService {
                id: r.get("id")?,
                panel_id: r.get("panel_id")?,
                service_id: r.get("service_id")?,
                service_name: r.get("service_name")?,
                reason: r.get("reason")?,
                source: r.get("source")?,
                source_id: r.get("source_id")?,
                reported_by: r.get("reported_by")?,
                reported_at: r.get("reported_at")?,
                resolved_by: r.get("resolved_by")?,
                resolved_at: r.get("resolved_at")?,
                open_orders: r.get("open_orders")?,
            })
        })
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}
