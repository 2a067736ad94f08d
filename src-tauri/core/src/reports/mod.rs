//! The reports, computed from the cache by PRODUCT.md's "Report rules".
//!
//! Every report function takes a connection to `cache.sqlite3` with
//! `local.sqlite3` attached as `local` (a [`ReadConn`], from `Db::read`): panels, profiles,
//! snoozes and the staff directory live there. Orders and payments are
//! aggregated in SQL over indexed columns, one panel at a time; only ticket
//! messages (whose HTML must be stripped) come into Rust, and only those of
//! the window. The cache has no planner statistics, so where SQLite would
//! guess wrong the queries name their index (`INDEXED BY`); a renamed index
//! fails loudly in the tests instead of silently scanning.
//!
//! "Now" is `at` (unix seconds): rows created after it are ignored, and a
//! window of H hours is `(at - H*3600, at]`.

mod by_service;
mod history;
mod profiles;
mod replies;
mod request;
mod service_health;
mod top_spenders;

use serde::Serializer;

use crate::db::{CacheConn, ReadConn};
use crate::Result;

pub use by_service::{
    flagged_by_service, tickets_missing_messages, FlaggedServiceReport, FlaggedServiceRow,
    TicketSample, MAX_TICKET_FETCHES,
};
pub use history::{
    report_service, reported_services, resolve_report, take_daily_scores, trend, NewReport,
    ReportSource, ReportedService, TrendDay, TREND_DAYS,
};
pub use profiles::{
    create_service_health_profile, create_top_spender_profile, delete_service_health_profile,
    delete_top_spender_profile, save_service_health_profile, save_top_spender_profile,
    service_health_profile, service_health_profiles, snooze, snoozes, top_spender_profile,
    top_spender_profiles, unsnooze, update_service_health_profile, update_top_spender_profile,
    ServiceHealthProfile, Snooze, TopSpenderProfile, SNOOZE_SECONDS,
};
pub use replies::{
    flagged_by_staff, replies_per_day, staff_score, staff_stats, FlaggedStaffReport,
    FlaggedStaffRow, StaffDay, StaffStatsReport, StaffStatsRow, TicketRef, UNKNOWN_STAFF,
};
pub use request::{
    flagged_tickets, run, service_samples, spend_days, staff_days, Report, ReportError, ReportKind,
    ReportRequest,
};
pub use service_health::{
    service_health, service_health_by_provider, service_health_by_provider_from,
    service_health_from, CountFrom, HealthStatus, ProviderHealthReport, ProviderHealthRow,
    ServiceHealthParams, ServiceHealthReport, ServiceHealthRow,
};
pub use top_spenders::{
    spend_per_day, top_spenders, SpendDay, SpenderKey, TopSpenderRow, TopSpendersParams,
    TopSpendersReport,
};

/// The window the CLI uses when neither `--window-hours` nor a profile gives one.
pub const DEFAULT_WINDOW_HOURS: f64 = 24.0;

/// The parameters the flagged-replies and staff-statistics reports share.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowParams {
    /// One panel (its id), or every configured panel.
    pub panel: Option<i64>,
    pub window_hours: f64,
    /// "Now", unix seconds.
    pub at: i64,
}

/// What is wrong with a window, for the CLI's usage error (exit 2).
pub fn check_window(window_hours: f64) -> std::result::Result<(), String> {
    if window_hours.is_finite() && window_hours > 0.0 {
        Ok(())
    } else {
        Err(format!(
            "the window must be a positive number of hours, not {window_hours}"
        ))
    }
}

/// A panel as reports name it.
#[derive(Debug, Clone)]
pub(crate) struct PanelInfo {
    pub id: i64,
    pub name: String,
    pub currency: Option<String>,
}

/// The configured panels (one, or all), by name.
pub(crate) fn panels(conn: &ReadConn, only: Option<i64>) -> Result<Vec<PanelInfo>> {
    let mut st = conn
        .prepare(
            "SELECT id, name, currency FROM local.panels WHERE ?1 IS NULL OR id = ?1 ORDER BY name, id",
        )
        .map_err(CacheConn::err)?;
    let rows = st
        .query_map([only], |r| {
            Ok(PanelInfo {
                id: r.get("id")?,
                name: r.get("name")?,
                currency: r.get("currency")?,
            })
        })
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// The excluded start of a window ending at `at`.
pub(crate) fn window_start(at: i64, window_hours: f64) -> f64 {
    at as f64 - window_hours * 3600.0
}

/// Micro-units as the JSON's money number (12_500_000 -> 12.5).
pub(crate) fn money<S: Serializer>(micros: &i64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(*micros as f64 / 1_000_000.0)
}

pub(crate) fn money_opt<S: Serializer>(
    micros: &Option<i64>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match micros {
        Some(m) => money(m, s),
        None => s.serialize_none(),
    }
}

/// A CSV document (RFC 4180) from a header and rows of fields.
pub(crate) fn csv_text(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    style: crate::export::CsvStyle,
) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    w.write_record(header).expect("CSV to memory");
    for row in rows {
        crate::export::write_row(&mut w, style, &row).expect("CSV to memory");
    }
    String::from_utf8(w.into_inner().expect("CSV to memory")).expect("CSV of UTF-8 fields")
}

pub(crate) fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

/// How to read each report (the app's help panels and `--help` of the CLI).
pub mod help {
    pub const SERVICE_HEALTH: &str = "\
Service health scores every service of the chosen panels over the window (the last H hours up to now).
- Stuck: orders now pending, in progress, processing or awaiting, opened more than \"stuck after\" hours ago (default 12) with something still to deliver. Counted over the whole cache, whatever the window.
- Slow: orders finished (completed or partial) inside the window that took longer than quantity / speed x the slow multiplier (default 2). The speed is read from the service name (\"Speed: 5-10K/Day\" means at least 5,000 a day; K = 1,000, M = 1,000,000; per Day, Hour or Minute). A service without a speed in its name is never slow. Orders whose finish time the panel did not give are left out.
- Slow % = slow x 100 / finished in the window (0 when none finished).
- Score = 100 - min(60, stuck x 5) - slow %, never below 0. Healthy above 70, Warning from 40 to 70, Critical below 40.
- A service with fewer than \"min orders\" (default 5) orders created in the window and no stuck order shows \"not enough data\" and no score.
- Snooze hides a service for 24 hours.";

    pub const TOP_SPENDERS: &str = "\
Top spenders lists the users who ordered or paid inside the window, biggest spend first (ties: lower user ID first).
- Spend: the charges of the user's orders created in the window, canceled orders excluded.
- Payments: how many completed payments the user made in the window, and their sum.
- Lifetime: what the panel itself reports the user has spent.
- New: the user signed up inside the window.
- Top services: the 3 services the user ordered most in the window (canceled orders count; ties: lower ID first).
- Filters: at least N payments, at least X spent. Money is in each panel's own currency and is never added across currencies.";

    pub const FLAGGED_BY_STAFF: &str = "\
Flagged replies by staff looks at every staff reply written inside the window.
- A reply's length is its text without HTML, in characters.
- Its response time is the time since the customer's message just before it; a reply that follows another staff message has none.
- Quick fire: a reply shorter than 25 characters, or sent less than 30 seconds after the customer wrote.
- Repeated: after the reply the customer wrote 2 or more messages before staff answered again.
- Score (ours, not the panel's): 100 - 50 x quick fires / replies - 50 x repeated / replies, rounded, from 0 to 100. Lower is worse.
- Bots in the staff directory are left out; aliases count for the staff member they name. Messages without a time are skipped and counted.";

    pub const FLAGGED_BY_SERVICE: &str = "\
Flagged replies by service finds the services customers complain about, from the tickets created inside the window.
- A ticket's orders are the 6 to 10 digit numbers in its messages, looked up in the same panel's cached orders.
- Tickets: tickets quoting an order of the service. Orders: distinct orders of the service quoted.
- Top complaint: the most frequent ticket subject, cut after its first \" - \" (\"Orders - Refill\" counts as \"Refill\"; ties: alphabetical).
- Unresolved: tickets quoting no order, or only orders not in the cache.
- Tickets whose messages are not cached yet are fetched (at most 80 per run, newest first); \"not fetched\" counts those still missing.";

    pub const STAFF_STATS: &str = "\
Staff statistics, inside the window: per staff member, Answered is the number of distinct tickets they replied to, and Avg response the mean time, in minutes, from the customer's message to their reply (over the replies that follow a customer message). Bots are left out; aliases count for the staff member they name.";
}
