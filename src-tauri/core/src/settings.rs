//! Sync settings, kept in local.sqlite3: per panel and resource (interval,
//! records per fetch) and the global retention. Read at every step, so a
//! change applies at once.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{
    activity::{self, Actor},
    db::{LocalConn, Writer},
    model::Resource,
    panels,
    store::{self, Removed},
    Result,
};

/// Days of finished orders, payments and closed tickets kept.
pub const DEFAULT_RETENTION_DAYS: i64 = 365;

/// What the settings accept. Core clamps to them; the UI validates against
/// the same values (exported to TypeScript in `RULES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncLimits {
    /// Seconds: a panel is not asked more often than this.
    pub min_interval_s: i64,
    /// Rows a request may ask for.
    pub max_per_fetch: u32,
    pub min_retention_days: i64,
}

pub const SYNC_LIMITS: SyncLimits = SyncLimits {
    min_interval_s: 5,
    max_per_fetch: crate::panel::MAX_LIMIT,
    min_retention_days: 1,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ResourceSettings {
    pub interval_s: i64,
    /// Rows a request asks for, 1..=1000.
    pub per_fetch: u32,
}

impl Resource {
    pub fn default_settings(self) -> ResourceSettings {
        let interval_s = match self {
            Resource::Orders => 60,
            Resource::Tickets => 60,
            Resource::Payments => 120,
            Resource::Users => 300,
            Resource::Services => 3600,
        };
        ResourceSettings {
            interval_s,
            per_fetch: crate::panel::MAX_LIMIT,
        }
    }
}

pub fn resource_settings(
    local: &LocalConn,
    panel_id: i64,
    resource: Resource,
) -> Result<ResourceSettings> {
    let row = local
        .query_row(
            "SELECT interval_s, per_fetch FROM sync_settings WHERE panel_id = ?1 AND resource = ?2",
            params![panel_id, resource.as_str()],
            |r| {
                Ok(ResourceSettings {
                    interval_s: r.get(0)?,
                    per_fetch: r.get(1)?,
                })
            },
        )
        .optional()
        .map_err(LocalConn::err)?;
    Ok(row.unwrap_or_else(|| resource.default_settings()))
}

/// Changes one resource's interval and page size on a panel; logged as a
/// settings change.
pub fn set_resource_settings(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    panel_id: i64,
    resource: Resource,
    s: ResourceSettings,
) -> Result<()> {
    let panel = panels::by_id(local, panel_id)?;
    let s = store_resource_settings(local, panel_id, resource, s)?;
    log_change(
        local,
        install_id,
        actor,
        Some((panel.id, panel.name)),
        format!(
            "{}: every {} s, {} per page",
            resource.as_str(),
            s.interval_s,
            s.per_fetch
        ),
    )
}

fn log_change(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    panel: Option<(i64, String)>,
    details: String,
) -> Result<()> {
    activity::append(
        local,
        install_id,
        &activity::Entry {
            actor: actor.clone(),
            panel,
            action: activity::Action::SyncSettings,
            target: Some("sync settings".into()),
            outcome: activity::Outcome::Sent,
            details: Some(details),
        },
    )
}

/// Stores the settings within their limits; what was stored.
fn store_resource_settings(
    local: &LocalConn,
    panel_id: i64,
    resource: Resource,
    s: ResourceSettings,
) -> Result<ResourceSettings> {
    let s = ResourceSettings {
        interval_s: s.interval_s.max(SYNC_LIMITS.min_interval_s),
        per_fetch: s.per_fetch.clamp(1, SYNC_LIMITS.max_per_fetch),
    };
    local
        .execute(
            "INSERT OR REPLACE INTO sync_settings (panel_id, resource, interval_s, per_fetch) VALUES (?1, ?2, ?3, ?4)",
            params![panel_id, resource.as_str(), s.interval_s, s.per_fetch],
        )
        .map_err(LocalConn::err)?;
    Ok(s)
}

/// Sets it for every resource of every panel (the CLI's `--per-fetch`); one log row.
pub fn set_per_fetch_everywhere(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    per_fetch: u32,
) -> Result<()> {
    for p in panels::list(local)? {
        for r in Resource::ALL {
            let s = resource_settings(local, p.id, r)?;
            store_resource_settings(local, p.id, r, ResourceSettings { per_fetch, ..s })?;
        }
    }
    log_change(
        local,
        install_id,
        actor,
        None,
        format!("{per_fetch} per page everywhere"),
    )
}

/// One setting's stored value, if it was ever set.
pub fn get(local: &LocalConn, key: &str) -> Result<Option<String>> {
    local
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()
        .map_err(LocalConn::err)
}

pub fn set(local: &LocalConn, key: &str, value: &str) -> Result<()> {
    local
        .execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            [key, value],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

pub fn retention_days(local: &LocalConn) -> Result<i64> {
    Ok(get(local, "retention_days")?
        .and_then(|v| v.parse().ok())
        .filter(|d| *d > 0)
        .unwrap_or(DEFAULT_RETENTION_DAYS))
}

/// Changes the retention, on the writer: what falls outside it is deleted
/// at once, in the same job.
pub fn set_retention_days(
    writer: &Writer,
    install_id: &str,
    actor: &Actor,
    days: i64,
) -> Result<Removed> {
    let days = days.max(SYNC_LIMITS.min_retention_days);
    let (install_id, actor) = (install_id.to_owned(), actor.clone());
    writer.run_blocking(move |w| {
        set(&w.local, "retention_days", &days.to_string())?;
        log_change(
            &w.local,
            &install_id,
            &actor,
            None,
            format!("retention {days} days"),
        )?;
        let tx = w.cache.begin()?;
        let removed = store::apply_retention(&tx, chrono::Utc::now().timestamp() - days * 86_400)?;
        tx.commit()?;
        Ok(removed)
    })
}
