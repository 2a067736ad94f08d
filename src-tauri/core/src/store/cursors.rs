//! Where each resource's sync stands: one `sync_state` row per panel and
//! resource, moved in the transaction that writes the page it describes.

use rusqlite::{params, OptionalExtension};

use crate::{db::CacheConn, Result};

/// Where a resource's sync stands (see the `sync_state` table).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub head_from: Option<i64>,
    pub backfill_to: Option<i64>,
    pub backfill_done: bool,
    pub reconcile_offset: i64,
    pub reconciled_at: Option<i64>,
    pub last_fetched: Option<i64>,
    pub status: crate::sync::SyncStatus,
    pub last_error: Option<String>,
    /// The verify pass: the next created time to compare (None: no pass under way).
    pub verify_from: Option<i64>,
    /// The end of the verify pass under way (newer rows are the head's).
    pub verify_to: Option<i64>,
    pub verified_at: Option<i64>,
    /// When watch mode last re-read the rows that still move.
    pub refreshed_at: Option<i64>,
}

pub fn load_state(conn: &CacheConn, panel_id: i64, resource: &str) -> Result<SyncState> {
    conn.query_row(
        "SELECT head_from, backfill_to, backfill_done, reconcile_offset, reconciled_at, last_fetched, status, last_error,
                verify_from, verify_to, verified_at, refreshed_at
         FROM sync_state WHERE panel_id = ?1 AND resource = ?2",
        params![panel_id, resource],
        |r| {
            Ok(SyncState {
                head_from: r.get("head_from")?,
                backfill_to: r.get("backfill_to")?,
                backfill_done: r.get("backfill_done")?,
                reconcile_offset: r.get("reconcile_offset")?,
                reconciled_at: r.get("reconciled_at")?,
                last_fetched: r.get("last_fetched")?,
                status: r.get("status")?,
                last_error: r.get("last_error")?,
                verify_from: r.get("verify_from")?,
                verify_to: r.get("verify_to")?,
                verified_at: r.get("verified_at")?,
                refreshed_at: r.get("refreshed_at")?,
            })
        },
    )
    .optional()
    .map_err(CacheConn::err)
    .map(Option::unwrap_or_default)
}

pub fn save_state(conn: &CacheConn, panel_id: i64, resource: &str, s: &SyncState) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO sync_state (panel_id, resource, head_from, backfill_to, backfill_done, reconcile_offset,
            reconciled_at, last_fetched, status, last_error, verify_from, verify_to, verified_at, refreshed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            panel_id,
            resource,
            s.head_from,
            s.backfill_to,
            s.backfill_done,
            s.reconcile_offset,
            s.reconciled_at,
            s.last_fetched,
            s.status,
            s.last_error,
            s.verify_from,
            s.verify_to,
            s.verified_at,
            s.refreshed_at
        ],
    )
    .map_err(CacheConn::err)?;
    Ok(())
}
