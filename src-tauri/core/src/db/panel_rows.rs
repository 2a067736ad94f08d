//! What belongs to a panel in the cache, known by its id and uid together:
//! the writes that register a panel beside its rows, and that remove them.

use rusqlite::{params, OptionalExtension};

use super::{CacheConn, CacheTx, DbError, LocalConn};
use crate::Result;

/// Refuses a sync write for a panel removed meanwhile: its rows would
/// outlive it. Records the panel's uid beside its rows, so rows left by a
/// removal cut short are recognised (see [`purge_orphans`]).
pub fn ensure_configured(local: &LocalConn, cache: &CacheConn, panel_id: i64) -> Result<()> {
    let uid: Option<String> = local
        .query_row("SELECT uid FROM panels WHERE id = ?1", [panel_id], |r| {
            r.get(0)
        })
        .optional()
        .map_err(LocalConn::err)?
        .flatten();
    let uid = uid.ok_or(DbError::PanelRemoved { panel_id })?;
    cache
        .prepare_cached("INSERT OR IGNORE INTO cache_panels (id, uid) VALUES (?1, ?2)")
        .and_then(|mut st| st.execute(params![panel_id, uid]))
        .map_err(CacheConn::err)?;
    Ok(())
}

const PANEL_TABLES: [&str; 10] = [
    "orders",
    "users",
    "payments",
    "tickets",
    "row_counts",    // after the rows its triggers count down
    "quoted_orders", // before the messages: their trigger then finds none
    "ticket_messages",
    "services",
    "sync_state",
    "cache_panels",
];

/// Everything cached for a panel, gone (when the panel is removed).
pub fn forget_panel(cache: &CacheTx, panel_id: i64) -> Result<()> {
    for table in PANEL_TABLES {
        let column = if table == "cache_panels" {
            "id"
        } else {
            "panel_id"
        };
        cache
            .execute(
                &format!("DELETE FROM {table} WHERE {column} = ?1"),
                [panel_id],
            )
            .map_err(CacheConn::err)?;
    }
    Ok(())
}

/// Deletes what belongs to no configured panel: a removal is two steps
/// (local.sqlite3, then cache.sqlite3) and a crash may fall between them.
/// A panel is known by its id and uid together. Run when the data dir is
/// opened, before any sync; it only reads unless there is something to
/// purge. Returns the panel ids purged.
pub(super) fn purge_orphans(local: &LocalConn, cache: &mut CacheConn) -> Result<Vec<i64>> {
    let configured: std::collections::HashMap<i64, Option<String>> = local
        .prepare("SELECT id, uid FROM panels")
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(LocalConn::err)?;
    let registered: std::collections::HashMap<i64, String> = cache
        .prepare("SELECT id, uid FROM cache_panels")
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(CacheConn::err)?;
    let mut cached = std::collections::BTreeSet::new();
    for table in PANEL_TABLES {
        cached.extend(panel_ids(cache, table)?);
    }
    let purged: Vec<i64> = cached
        .into_iter()
        .filter(|id| match (configured.get(id), registered.get(id)) {
            (None, _) => true,
            // Rows recorded for another panel that once had this id.
            (Some(Some(local_uid)), Some(cache_uid)) => local_uid != cache_uid,
            _ => false,
        })
        .collect();
    if purged.is_empty() {
        return Ok(purged);
    }
    let tx = cache.begin()?;
    for id in &purged {
        tracing::warn!(
            panel_id = id,
            "purging cached rows of a panel that is no longer configured"
        );
        forget_panel(&tx, *id)?;
    }
    tx.commit()?;
    Ok(purged)
}

/// The panel ids a table holds rows of, by one index seek per panel (every
/// table's key starts with the panel id): cheap at every start, whatever
/// the table's size.
fn panel_ids(conn: &CacheConn, table: &str) -> Result<Vec<i64>> {
    let column = if table == "cache_panels" {
        "id"
    } else {
        "panel_id"
    };
    let mut st = conn
        .prepare(&format!(
            "WITH RECURSIVE p(id) AS (
                SELECT MIN({column}) FROM {table}
                UNION ALL
                SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > p.id) FROM p WHERE p.id IS NOT NULL
             )
             SELECT id FROM p WHERE id IS NOT NULL"
        ))
        .map_err(CacheConn::err)?;
    let ids = st.query_map([], |r| r.get(0)).map_err(CacheConn::err)?;
    ids.collect::<rusqlite::Result<_>>().map_err(CacheConn::err)
}

/// The distinct service ids of a panel's orders created by `at` (service
/// health's services, and the slow rules the sync keeps for them): a skip scan
/// of the (panel_id, service_id, created) index, one seek per service.
pub fn order_service_ids(conn: &CacheConn, panel_id: i64, at: i64) -> Result<Vec<i64>> {
    let mut st = conn
        .prepare_cached(
            "WITH RECURSIVE s(id) AS (
                 SELECT (SELECT min(service_id) FROM orders WHERE panel_id = ?1)
                 UNION ALL
                 SELECT (SELECT min(service_id) FROM orders WHERE panel_id = ?1 AND service_id > s.id)
                 FROM s WHERE s.id IS NOT NULL
             )
             SELECT id FROM s WHERE id IS NOT NULL
               AND EXISTS (SELECT 1 FROM orders WHERE panel_id = ?1 AND service_id = s.id AND created <= ?2)",
        )
        .map_err(CacheConn::err)?;
    let rows = st
        .query_map(params![panel_id, at], |r| r.get(0))
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// The service's name on its latest order created by `at`: its name when
/// the catalogue has none.
pub fn latest_order_name(
    conn: &CacheConn,
    panel_id: i64,
    service_id: i64,
    at: i64,
) -> Result<Option<String>> {
    conn.prepare_cached(
        "SELECT service_name FROM orders WHERE panel_id = ?1 AND service_id = ?2 AND created <= ?3
         ORDER BY created DESC, id DESC LIMIT 1",
    )
    .map_err(CacheConn::err)?
    .query_row(params![panel_id, service_id, at], |r| r.get(0))
    .optional()
    .map_err(CacheConn::err)
}
