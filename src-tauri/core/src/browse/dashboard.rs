//! The dashboard and the sync engine's status table.

use rusqlite::params;
use serde::Serialize;

use super::{
    filters::{ticket_row, TICKET_COLUMNS},
    TicketRow,
};
use crate::db::{self, CacheConn, ReadConn};
use crate::{
    model::{Resource, SyncStatus},
    panels,
    reports::{self, ServiceHealthParams},
    settings::resource_settings,
    Result,
};

/// One panel's totals, as the dashboard's cards show them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PanelTotals {
    pub panel_id: i64,
    pub orders: u64,
    /// Orders not finished: pending, in progress, processing...
    pub open_orders: u64,
    pub tickets: u64,
    pub open_tickets: u64,
    pub users: u64,
    pub payments: u64,
    /// The newest successful fetch of any resource (unix seconds).
    pub last_synced: Option<i64>,
}

/// A service of the red bar (critical in the default service health report).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CriticalService {
    pub panel_id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub stuck: i64,
    pub score: Option<f64>,
}

/// The dashboard's totals and waiting tickets: kept counts, so it answers
/// at once. Its red bar is [`critical_services`], read after it (a service
/// health report over the last 24 hours).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    pub panels: Vec<PanelTotals>,
    /// Open tickets whose customer waits for an answer, longest first.
    pub waiting: Vec<TicketRow>,
}

/// Tickets the dashboard lists as waiting longest.
const WAITING: i64 = 10;

/// `conn` is the cache with local.sqlite3 attached (`reports::open`).
pub fn dashboard(conn: &ReadConn) -> Result<Dashboard> {
    // Each panel's orders and open orders, from its counts by status
    // (cache migration 0012): a count(*) walks every order, each page
    // decrypted, and a sum of the hourly counts some 85,000 rows with
    // 1,000,000 orders (24 ms of the app's start). From the orders only
    // while a first backfill has the counts set aside.
    let (n, table) = if db::aggregates_kept(conn)? {
        ("orders", "agg_order_statuses")
    } else {
        ("1", "orders")
    };
    let mut orders = conn
        .prepare_cached(&format!(
            "SELECT coalesce(sum({n}), 0), coalesce(sum({n}) FILTER (WHERE status IN {}), 0)
             FROM {table} WHERE panel_id = ?1",
            crate::model::sql_list(&crate::model::OPEN_ORDER_STATUSES)
        ))
        .map_err(CacheConn::err)?;
    let mut panels_out = Vec::new();
    for p in panels::list(conn.local())? {
        let (total, open) = orders
            .query_row([p.id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(CacheConn::err)?;
        let kept = |what: &str| -> Result<u64> {
            conn.prepare_cached(
                "SELECT coalesce(sum(n), 0) FROM row_counts WHERE panel_id = ?1 AND what = ?2",
            )
            .and_then(|mut st| st.query_row(params![p.id, what], |r| r.get::<_, i64>(0)))
            .map(|n| n as u64)
            .map_err(CacheConn::err)
        };
        panels_out.push(PanelTotals {
            panel_id: p.id,
            orders: total as u64,
            open_orders: open as u64,
            // Kept by triggers (cache migration 0009).
            tickets: kept("tickets")?,
            open_tickets: kept("open_tickets")?,
            users: kept("users")?,
            payments: kept("payments")?,
            last_synced: conn
                .query_row(
                    "SELECT max(last_fetched) FROM sync_state WHERE panel_id = ?1",
                    [p.id],
                    |r| r.get(0),
                )
                .map_err(CacheConn::err)?,
        });
    }
    let mut st = conn
        .prepare_cached(&format!(
            "SELECT * FROM (SELECT {TICKET_COLUMNS} FROM tickets WHERE lower(status) <> 'closed'
                            AND panel_id IN (SELECT id FROM local.panels))
             WHERE waiting_since IS NOT NULL ORDER BY waiting_since, panel_id, id LIMIT ?1"
        ))
        .map_err(CacheConn::err)?;
    let waiting = st
        .query_map([WAITING], ticket_row)
        .map_err(CacheConn::err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CacheConn::err)?;
    Ok(Dashboard {
        panels: panels_out,
        waiting,
    })
}

/// The dashboard's red bar: the services critical in the default service
/// health report at `at`.
pub fn critical_services(conn: &ReadConn, at: i64) -> Result<Vec<CriticalService>> {
    let health = reports::service_health(conn, &ServiceHealthParams::new(at))?;
    Ok(health
        .critical()
        .map(|r| CriticalService {
            panel_id: r.panel_id,
            service_id: r.service_id,
            service_name: r.service_name.clone(),
            stuck: r.stuck,
            score: r.score,
        })
        .collect())
}

/// When any panel's resource last fetched rows (the footer's "last synced").
pub fn last_synced(conn: &ReadConn) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT max(last_fetched) FROM sync_state WHERE panel_id IN (SELECT id FROM local.panels)",
        [],
        |r| r.get(0),
    )
    .map_err(CacheConn::err)
}

/// One row of Settings > Sync engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ResourceStatus {
    pub panel_id: i64,
    pub resource: Resource,
    pub interval_s: i64,
    pub per_fetch: u32,
    /// Rows of this resource in the cache.
    pub cached: u64,
    pub last_fetched: Option<i64>,
    pub status: SyncStatus,
    pub last_error: Option<String>,
}

/// Every panel's resources, with their settings and where their sync stands.
/// `conn` is the cache with local.sqlite3 attached.
pub fn sync_status(conn: &ReadConn) -> Result<Vec<ResourceStatus>> {
    let mut out = Vec::new();
    for p in panels::list(conn.local())? {
        for r in Resource::ALL {
            let settings = resource_settings(conn.local(), p.id, r)?;
            let cached: i64 = conn
                .query_row(
                    &format!("SELECT count(*) FROM {} WHERE panel_id = ?1", r.as_str()),
                    [p.id],
                    |row| row.get(0),
                )
                .map_err(CacheConn::err)?;
            let (last_fetched, status, last_error) = conn
                .query_row(
                    "SELECT last_fetched, status, last_error FROM sync_state WHERE panel_id = ?1 AND resource = ?2",
                    params![p.id, r.as_str()],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok((None, SyncStatus::Idle, None)),
                    e => Err(e),
                })
                .map_err(CacheConn::err)?;
            // Services need the panel's services key; without one the step
            // is skipped, which is not "ok".
            let (status, last_error) =
                if r == Resource::Services && !p.has_services_key && cached == 0 {
                    (
                        SyncStatus::NoKey,
                        Some(
                            "Add a Services API key in Settings › Panels to fetch the services."
                                .to_owned(),
                        ),
                    )
                } else {
                    (status, last_error)
                };
            out.push(ResourceStatus {
                panel_id: p.id,
                resource: r,
                interval_s: settings.interval_s,
                per_fetch: settings.per_fetch,
                cached: cached as u64,
                last_fetched,
                status,
                last_error,
            });
        }
    }
    Ok(out)
}
