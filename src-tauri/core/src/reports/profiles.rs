//! What reports keep in local.sqlite3: profiles and snoozes (the staff
//! directory is `crate::staff`).
//!
//! Every function takes a connection to local.sqlite3 (or the reports'
//! connection, which has it attached as `local`).

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{ReportError, ServiceHealthParams, TopSpendersParams};
use crate::db::LocalConn;
use crate::Result;

/// A service snoozed now is hidden from service health for this long.
pub const SNOOZE_SECONDS: i64 = 24 * 3600;

fn pairs_to_json(pairs: &Option<Vec<(i64, i64)>>) -> Option<String> {
    pairs
        .as_ref()
        .map(|p| serde_json::to_string(p).expect("pairs of integers serialize"))
}

fn pairs_from_json(text: Option<String>) -> Option<Vec<(i64, i64)>> {
    // A damaged list is taken as "all" rather than failing the report.
    text.and_then(|t| serde_json::from_str(&t).ok())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceHealthProfile {
    pub name: String,
    /// (panel id, service id) pairs; `None` is every service.
    pub services: Option<Vec<(i64, i64)>>,
    pub stuck_after_h: f64,
    pub slow_multiplier: f64,
    pub min_orders: i64,
    pub window_hours: f64,
    pub created_at: i64,
}

impl ServiceHealthProfile {
    /// A profile with the default thresholds and window, over every service.
    pub fn new(name: impl Into<String>, created_at: i64) -> Self {
        ServiceHealthProfile {
            name: name.into(),
            services: None,
            stuck_after_h: ServiceHealthParams::DEFAULT_STUCK_AFTER_H,
            slow_multiplier: ServiceHealthParams::DEFAULT_SLOW_MULTIPLIER,
            min_orders: ServiceHealthParams::DEFAULT_MIN_ORDERS,
            window_hours: super::DEFAULT_WINDOW_HOURS,
            created_at,
        }
    }

    /// The report's parameters from this profile (its window unless one is given).
    pub fn params(
        &self,
        panel: Option<i64>,
        at: i64,
        window_hours: Option<f64>,
    ) -> ServiceHealthParams {
        ServiceHealthParams {
            panel,
            window_hours: window_hours.unwrap_or(self.window_hours),
            at,
            stuck_after_h: self.stuck_after_h,
            slow_multiplier: self.slow_multiplier,
            min_orders: self.min_orders,
            services: self.services.clone(),
        }
    }

    fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(ServiceHealthProfile {
            name: r.get("name")?,
            services: pairs_from_json(r.get("services")?),
            stuck_after_h: r.get("stuck_after_h")?,
            slow_multiplier: r.get("slow_multiplier")?,
            min_orders: r.get("min_orders")?,
            window_hours: r.get("window_hours")?,
            created_at: r.get("created_at")?,
        })
    }
}

const SH_COLUMNS: &str =
    "name, services, stuck_after_h, slow_multiplier, min_orders, window_hours, created_at";

/// Saves a new profile; a name already taken is a database (UNIQUE) error,
/// so look it up with [`service_health_profile`] first to say so nicely.
pub fn create_service_health_profile(local: &LocalConn, p: &ServiceHealthProfile) -> Result<()> {
    local
        .execute(
            &format!("INSERT INTO service_health_profiles ({SH_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
            params![
                p.name,
                pairs_to_json(&p.services),
                p.stuck_after_h,
                p.slow_multiplier,
                p.min_orders,
                p.window_hours,
                p.created_at
            ],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// Edits a profile in place (found by name; its creation time stays).
/// False when there is no such profile.
pub fn update_service_health_profile(local: &LocalConn, p: &ServiceHealthProfile) -> Result<bool> {
    let n = local
        .execute(
            "UPDATE service_health_profiles SET services = ?2, stuck_after_h = ?3, slow_multiplier = ?4,
                 min_orders = ?5, window_hours = ?6 WHERE name = ?1",
            params![p.name, pairs_to_json(&p.services), p.stuck_after_h, p.slow_multiplier, p.min_orders, p.window_hours],
        )
        .map_err(LocalConn::err)?;
    Ok(n == 1)
}

/// Saves a profile from the editor: new (`previous` None) or replacing the
/// one named `previous` (renamed when the name changed). Checked whole
/// first: a name, thresholds the report accepts, a name not another's.
pub fn save_service_health_profile(
    local: &mut LocalConn,
    previous: Option<&str>,
    mut p: ServiceHealthProfile,
) -> Result<()> {
    p.name = p.name.trim().to_owned();
    p.params(None, 0, None)
        .validate()
        .map_err(ReportError::Invalid)?;
    check_name(
        &p.name,
        previous,
        service_health_profile(local, &p.name)?.is_some(),
    )?;
    let tx = local.begin()?;
    let kept = previous.and_then(|n| service_health_profile(&tx, n).ok().flatten());
    p.created_at = kept.map_or_else(|| chrono::Utc::now().timestamp(), |k| k.created_at);
    if let Some(prev) = previous {
        delete_service_health_profile(&tx, prev)?;
    }
    create_service_health_profile(&tx, &p)?;
    tx.commit()
}

/// A profile's name: not empty, not taken by another profile.
fn check_name(name: &str, previous: Option<&str>, taken: bool) -> Result<()> {
    if name.is_empty() || name.chars().count() > 60 {
        return Err(ReportError::Invalid("a profile's name is 1 to 60 characters".into()).into());
    }
    if taken && previous != Some(name) {
        return Err(
            ReportError::Invalid(format!("there is already a profile named {name:?}")).into(),
        );
    }
    Ok(())
}

/// Every service health profile, by name.
pub fn service_health_profiles(local: &LocalConn) -> Result<Vec<ServiceHealthProfile>> {
    let mut st = local
        .prepare(&format!(
            "SELECT {SH_COLUMNS} FROM service_health_profiles ORDER BY name"
        ))
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([], ServiceHealthProfile::from_row)
        .map_err(LocalConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}

pub fn service_health_profile(
    local: &LocalConn,
    name: &str,
) -> Result<Option<ServiceHealthProfile>> {
    local
        .query_row(
            &format!("SELECT {SH_COLUMNS} FROM service_health_profiles WHERE name = ?1"),
            [name],
            ServiceHealthProfile::from_row,
        )
        .optional()
        .map_err(LocalConn::err)
}

/// Whether there was such a profile.
pub fn delete_service_health_profile(local: &LocalConn, name: &str) -> Result<bool> {
    let n = local
        .execute(
            "DELETE FROM service_health_profiles WHERE name = ?1",
            [name],
        )
        .map_err(LocalConn::err)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TopSpenderProfile {
    pub name: String,
    /// (panel id, user id) pairs; `None` is every user.
    pub users: Option<Vec<(i64, i64)>>,
    pub min_payments: i64,
    /// In micro-units of each row's own currency.
    pub min_spend_micros: i64,
    pub window_hours: f64,
    pub created_at: i64,
}

impl TopSpenderProfile {
    /// A profile with no filters and the default window, over every user.
    pub fn new(name: impl Into<String>, created_at: i64) -> Self {
        TopSpenderProfile {
            name: name.into(),
            users: None,
            min_payments: 0,
            min_spend_micros: 0,
            window_hours: super::DEFAULT_WINDOW_HOURS,
            created_at,
        }
    }

    /// The report's parameters from this profile (its window unless one is given).
    pub fn params(
        &self,
        panel: Option<i64>,
        at: i64,
        window_hours: Option<f64>,
    ) -> TopSpendersParams {
        TopSpendersParams {
            panel,
            window_hours: window_hours.unwrap_or(self.window_hours),
            at,
            users: self.users.clone(),
            min_payments: self.min_payments,
            min_spend_micros: self.min_spend_micros,
        }
    }

    fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(TopSpenderProfile {
            name: r.get("name")?,
            users: pairs_from_json(r.get("users")?),
            min_payments: r.get("min_payments")?,
            min_spend_micros: r.get("min_spend")?,
            window_hours: r.get("window_hours")?,
            created_at: r.get("created_at")?,
        })
    }
}

const TS_COLUMNS: &str = "name, users, min_payments, min_spend, window_hours, created_at";

/// Saves a new profile; a name already taken is a database (UNIQUE) error.
pub fn create_top_spender_profile(local: &LocalConn, p: &TopSpenderProfile) -> Result<()> {
    local
        .execute(
            &format!(
                "INSERT INTO top_spender_profiles ({TS_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ),
            params![
                p.name,
                pairs_to_json(&p.users),
                p.min_payments,
                p.min_spend_micros,
                p.window_hours,
                p.created_at
            ],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// Edits a profile in place (found by name; its creation time stays).
/// False when there is no such profile.
pub fn update_top_spender_profile(local: &LocalConn, p: &TopSpenderProfile) -> Result<bool> {
    let n = local
        .execute(
            "UPDATE top_spender_profiles SET users = ?2, min_payments = ?3, min_spend = ?4, window_hours = ?5 WHERE name = ?1",
            params![p.name, pairs_to_json(&p.users), p.min_payments, p.min_spend_micros, p.window_hours],
        )
        .map_err(LocalConn::err)?;
    Ok(n == 1)
}

/// Saves a top spenders profile from the editor, as
/// [`save_service_health_profile`] does.
pub fn save_top_spender_profile(
    local: &mut LocalConn,
    previous: Option<&str>,
    mut p: TopSpenderProfile,
) -> Result<()> {
    p.name = p.name.trim().to_owned();
    p.params(None, 0, None)
        .validate()
        .map_err(ReportError::Invalid)?;
    if p.min_spend_micros < 0 {
        return Err(ReportError::Invalid("the minimum spend must be 0 or more".into()).into());
    }
    check_name(
        &p.name,
        previous,
        top_spender_profile(local, &p.name)?.is_some(),
    )?;
    let tx = local.begin()?;
    let kept = previous.and_then(|n| top_spender_profile(&tx, n).ok().flatten());
    p.created_at = kept.map_or_else(|| chrono::Utc::now().timestamp(), |k| k.created_at);
    if let Some(prev) = previous {
        delete_top_spender_profile(&tx, prev)?;
    }
    create_top_spender_profile(&tx, &p)?;
    tx.commit()
}

/// Every top spenders profile, by name.
pub fn top_spender_profiles(local: &LocalConn) -> Result<Vec<TopSpenderProfile>> {
    let mut st = local
        .prepare(&format!(
            "SELECT {TS_COLUMNS} FROM top_spender_profiles ORDER BY name"
        ))
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([], TopSpenderProfile::from_row)
        .map_err(LocalConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}

pub fn top_spender_profile(local: &LocalConn, name: &str) -> Result<Option<TopSpenderProfile>> {
    local
        .query_row(
            &format!("SELECT {TS_COLUMNS} FROM top_spender_profiles WHERE name = ?1"),
            [name],
            TopSpenderProfile::from_row,
        )
        .optional()
        .map_err(LocalConn::err)
}

/// Whether there was such a profile.
pub fn delete_top_spender_profile(local: &LocalConn, name: &str) -> Result<bool> {
    let n = local
        .execute("DELETE FROM top_spender_profiles WHERE name = ?1", [name])
        .map_err(LocalConn::err)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snooze {
    pub panel_id: i64,
    pub service_id: i64,
    pub snoozed_until: i64,
}

/// Hides a service from service health until `at` + 24 h; returns that time.
pub fn snooze(local: &LocalConn, panel_id: i64, service_id: i64, at: i64) -> Result<i64> {
    let until = at + SNOOZE_SECONDS;
    local
        .execute(
            "INSERT INTO snoozes (panel_id, service_id, snoozed_until) VALUES (?1, ?2, ?3)
             ON CONFLICT (panel_id, service_id) DO UPDATE SET snoozed_until = excluded.snoozed_until",
            params![panel_id, service_id, until],
        )
        .map_err(LocalConn::err)?;
    Ok(until)
}

/// Whether the service was snoozed.
pub fn unsnooze(local: &LocalConn, panel_id: i64, service_id: i64) -> Result<bool> {
    let n = local
        .execute(
            "DELETE FROM snoozes WHERE panel_id = ?1 AND service_id = ?2",
            params![panel_id, service_id],
        )
        .map_err(LocalConn::err)?;
    Ok(n > 0)
}

/// The services still snoozed at `at`.
pub fn snoozes(local: &LocalConn, at: i64) -> Result<Vec<Snooze>> {
    let mut st = local
        .prepare(
            "SELECT panel_id, service_id, snoozed_until FROM snoozes WHERE snoozed_until > ?1
             ORDER BY panel_id, service_id",
        )
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([at], |r| {
            Ok(Snooze {
                panel_id: r.get("panel_id")?,
                service_id: r.get("service_id")?,
                snoozed_until: r.get("snoozed_until")?,
            })
        })
        .map_err(LocalConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}
