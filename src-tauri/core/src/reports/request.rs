//! A report as a screen asks for it: which report, one panel or all, the
//! window, a profile, and "now". One function turns that into the report, so
//! the window's screen and its CSV export compute exactly the same thing.

use serde::{Deserialize, Serialize};

use super::{
    flagged_by_service, flagged_by_staff, service_health, service_health_by_provider,
    service_health_profile, staff_stats, top_spender_profile, top_spenders, FlaggedServiceReport,
    FlaggedStaffReport, ProviderHealthReport, ServiceHealthParams, ServiceHealthReport,
    StaffStatsReport, TicketRef, TicketSample, TopSpendersParams, TopSpendersReport, WindowParams,
    DEFAULT_WINDOW_HOURS,
};
use crate::{db::ReadConn, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "kebab-case")]
pub enum ReportKind {
    ServiceHealth,
    /// Service health grouped by each order's provider.
    ServiceHealthByProvider,
    TopSpenders,
    FlaggedByStaff,
    FlaggedByService,
    StaffStats,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportRequest {
    /// One panel, or every panel.
    pub panel_id: Option<i64>,
    /// Hours; None: the profile's window, else 24.
    pub window_hours: Option<f64>,
    /// A saved profile's name (service health, top spenders).
    pub profile: Option<String>,
    /// "Now", unix seconds; None is the clock. An export passes the shown
    /// report's, so the file holds exactly what the screen shows.
    pub at: Option<i64>,
    /// Top spenders: the first this many users, and how many there are in
    /// all (a screen's page; 50,000 rows a day on a big panel are megabytes
    /// across the IPC). None: every user, as the CLI and a CSV export give.
    #[serde(default)]
    pub rows: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "report", rename_all = "snake_case")]
pub enum Report {
    ServiceHealth(ServiceHealthReport),
    ServiceHealthByProvider(ProviderHealthReport),
    TopSpenders(TopSpendersReport),
    FlaggedByStaff(FlaggedStaffReport),
    FlaggedByService(FlaggedServiceReport),
    StaffStats(StaffStatsReport),
}

impl Report {
    pub fn to_csv(&self, style: crate::export::CsvStyle) -> String {
        match self {
            Report::ServiceHealth(r) => r.to_csv(style),
            Report::ServiceHealthByProvider(r) => r.to_csv(style),
            Report::TopSpenders(r) => r.to_csv(style),
            Report::FlaggedByStaff(r) => r.to_csv(style),
            Report::FlaggedByService(r) => r.to_csv(style),
            Report::StaffStats(r) => r.to_csv(style),
        }
    }

    /// Rows shown.
    pub fn rows(&self) -> usize {
        match self {
            Report::ServiceHealth(r) => r.services.len(),
            Report::ServiceHealthByProvider(r) => r.providers.len(),
            Report::TopSpenders(r) => r.users.len(),
            Report::FlaggedByStaff(r) => r.staff.len(),
            Report::FlaggedByService(r) => r.services.len(),
            Report::StaffStats(r) => r.staff.len(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Invalid(String),
    #[error("there is no {kind} profile named {name:?}")]
    NoProfile { kind: &'static str, name: String },
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn window(req: &ReportRequest) -> Result<WindowParams> {
    let p = WindowParams {
        panel: req.panel_id,
        window_hours: req.window_hours.unwrap_or(DEFAULT_WINDOW_HOURS),
        at: req.at.unwrap_or_else(now),
    };
    super::check_window(p.window_hours).map_err(ReportError::Invalid)?;
    Ok(p)
}

/// Computes the report from the cache (and `local`'s profiles and snoozes).
pub fn run(conn: &ReadConn, kind: ReportKind, req: &ReportRequest) -> Result<Report> {
    let at = req.at.unwrap_or_else(now);
    Ok(match kind {
        ReportKind::ServiceHealth | ReportKind::ServiceHealthByProvider => {
            let params = match &req.profile {
                Some(name) => service_health_profile(conn.local(), name)?
                    .ok_or_else(|| ReportError::NoProfile {
                        kind: "service health",
                        name: name.clone(),
                    })?
                    .params(req.panel_id, at, req.window_hours),
                None => ServiceHealthParams {
                    panel: req.panel_id,
                    window_hours: req.window_hours.unwrap_or(DEFAULT_WINDOW_HOURS),
                    ..ServiceHealthParams::new(at)
                },
            };
            params.validate().map_err(ReportError::Invalid)?;
            if kind == ReportKind::ServiceHealth {
                Report::ServiceHealth(service_health(conn, &params)?)
            } else {
                Report::ServiceHealthByProvider(service_health_by_provider(conn, &params)?)
            }
        }
        ReportKind::TopSpenders => {
            let params = match &req.profile {
                Some(name) => top_spender_profile(conn.local(), name)?
                    .ok_or_else(|| ReportError::NoProfile {
                        kind: "top spenders",
                        name: name.clone(),
                    })?
                    .params(req.panel_id, at, req.window_hours),
                None => TopSpendersParams {
                    panel: req.panel_id,
                    window_hours: req.window_hours.unwrap_or(DEFAULT_WINDOW_HOURS),
                    ..TopSpendersParams::new(at)
                },
            };
            params.validate().map_err(ReportError::Invalid)?;
            let mut report = top_spenders(conn, &params)?;
            if let Some(rows) = req.rows {
                report.users_total = Some(report.users.len() as u64);
                report.users.truncate(rows as usize);
            }
            Report::TopSpenders(report)
        }
        ReportKind::FlaggedByStaff => {
            Report::FlaggedByStaff(flagged_by_staff(conn, &window(req)?)?)
        }
        ReportKind::FlaggedByService => {
            Report::FlaggedByService(flagged_by_service(conn, &window(req)?)?)
        }
        ReportKind::StaffStats => Report::StaffStats(staff_stats(conn, &window(req)?)?),
    })
}

/// The tickets holding a staff member's flagged replies (the drill-down of
/// flagged replies by staff); empty for a name with none.
pub fn flagged_tickets(
    conn: &ReadConn,
    req: &ReportRequest,
    staff: &str,
) -> Result<Vec<TicketRef>> {
    Ok(flagged_by_staff(conn, &window(req)?)?
        .staff
        .into_iter()
        .find(|r| r.staff == staff)
        .map(|r| r.flagged_tickets)
        .unwrap_or_default())
}

/// Each staff member's replies per local day of the OS time zone (the
/// staff statistics' chart).
pub fn staff_days(conn: &ReadConn, req: &ReportRequest) -> Result<Vec<super::StaffDay>> {
    super::replies_per_day(conn, &window(req)?, &chrono::Local)
}

/// The chosen spenders' spend per OS-local day, in the request's window.
pub fn spend_days(
    conn: &ReadConn,
    req: &ReportRequest,
    users: &[super::SpenderKey],
) -> Result<Vec<super::SpendDay>> {
    super::spend_per_day(conn, users, &window(req)?, &chrono::Local)
}

/// A flagged service's sample tickets, each with its first three order IDs.
pub fn service_samples(
    conn: &ReadConn,
    req: &ReportRequest,
    panel_id: i64,
    service_id: i64,
) -> Result<Vec<TicketSample>> {
    Ok(flagged_by_service(conn, &window(req)?)?
        .services
        .into_iter()
        .find(|r| r.panel_id == panel_id && r.service_id == service_id)
        .map(|r| r.samples)
        .unwrap_or_default())
}
