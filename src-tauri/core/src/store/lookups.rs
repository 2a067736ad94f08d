//! What the sync engine reads back from the cache to plan its requests.

use rusqlite::{params, OptionalExtension};

use crate::{
    db::CacheConn,
    model::{sql_list, Ticket, OPEN_ORDER_STATUSES},
    Result,
};

/// Ids of orders still moving, the longest unchecked first.
pub fn open_order_ids(conn: &CacheConn, panel_id: i64) -> Result<Vec<i64>> {
    let mut st = conn
        .prepare(&format!(
            "SELECT id FROM orders WHERE panel_id = ?1 AND status IN {} ORDER BY synced_at, id",
            sql_list(&OPEN_ORDER_STATUSES)
        ))
        .map_err(CacheConn::err)?;
    let ids = st
        .query_map([panel_id], |r| r.get(0))
        .map_err(CacheConn::err)?;
    ids.collect::<rusqlite::Result<_>>().map_err(CacheConn::err)
}

/// Tickets whose conversation moved since it was fetched (or never was),
/// newest first, among those updated since `since` or still open.
/// A ticket that failed before is left until its `retry_at`; one the panel
/// deleted, until a list shows it again.
pub fn tickets_needing_messages(
    conn: &CacheConn,
    panel_id: i64,
    since: i64,
    now: i64,
) -> Result<Vec<Ticket>> {
    let mut st = conn
        .prepare(
            "SELECT id, user_id, username, subject, status, assignee, created, last_update FROM tickets
             WHERE panel_id = ?1 AND (messages_at IS NULL OR messages_at IS NOT COALESCE(last_update, 0))
               AND (status != 'closed' OR COALESCE(last_update, created, 0) >= ?2)
               AND deleted = 0 AND (retry_at IS NULL OR retry_at <= ?3)
             ORDER BY last_update DESC, id DESC",
        )
        .map_err(CacheConn::err)?;
    let rows = st
        .query_map(params![panel_id, since, now], |r| {
            Ok(Ticket {
                id: r.get("id")?,
                user_id: r.get("user_id")?,
                username: r.get("username")?,
                subject: r.get("subject")?,
                status: r.get("status")?,
                assignee: r.get("assignee")?,
                created: r.get("created")?,
                last_update: r.get("last_update")?,
            })
        })
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// How many rows of a panel a table holds.
pub fn count_rows(conn: &CacheConn, table: &str, panel_id: i64) -> Result<u64> {
    conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE panel_id = ?1"),
        [panel_id],
        |r| r.get(0),
    )
    .map_err(CacheConn::err)
}

/// Usernames named by an order or a payment cached since `since`: their
/// balance may have moved.
pub fn users_active_since(conn: &CacheConn, panel_id: i64, since: i64) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT user FROM orders WHERE panel_id = ?1 AND created >= ?2
             UNION
             SELECT user FROM payments WHERE panel_id = ?1 AND COALESCE(updated, created) >= ?2",
        )
        .map_err(CacheConn::err)?;
    let names = st
        .query_map(params![panel_id, since], |r| r.get(0))
        .map_err(CacheConn::err)?;
    names
        .collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// The statuses of the panel's open tickets as cached, and `pending` (what
/// a customer writing again makes a ticket), for watch mode's re-list.
pub fn open_ticket_statuses(conn: &CacheConn, panel_id: i64) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT 'pending' UNION SELECT DISTINCT status FROM tickets
             WHERE panel_id = ?1 AND status != 'closed' AND deleted = 0",
        )
        .map_err(CacheConn::err)?;
    let statuses = st
        .query_map([panel_id], |r| r.get(0))
        .map_err(CacheConn::err)?;
    statuses
        .collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// Ids (and created times) of a table's rows in these statuses, created
/// since `from` when given.
pub fn ids_with_status(
    conn: &CacheConn,
    table: &str,
    panel_id: i64,
    statuses: &[String],
    from: Option<i64>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let deleted = if table == "tickets" {
        " AND deleted = 0"
    } else {
        ""
    };
    let mut st = conn
        .prepare(&format!(
            "SELECT id, created FROM {table}
             WHERE panel_id = ?1 AND status IN (SELECT value FROM json_each(?2))
               AND (?3 IS NULL OR created >= ?3){deleted}
             ORDER BY synced_at, id"
        ))
        .map_err(CacheConn::err)?;
    let statuses = serde_json::to_string(statuses).unwrap_or_else(|_| "[]".into());
    let rows = st
        .query_map(params![panel_id, statuses, from], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// The created time of the `n`th row created in `[from, to]`, oldest first:
/// the end of a verify range of `n` rows (None when fewer are cached).
pub fn nth_created(
    conn: &CacheConn,
    table: &str,
    panel_id: i64,
    from: i64,
    to: i64,
    n: i64,
) -> Result<Option<i64>> {
    conn.query_row(
        &format!(
            "SELECT created FROM {table} WHERE panel_id = ?1 AND created BETWEEN ?2 AND ?3
             ORDER BY created LIMIT 1 OFFSET ?4"
        ),
        params![panel_id, from, to, n - 1],
        |r| r.get(0),
    )
    .optional()
    .map_err(CacheConn::err)
}

/// Ids of the rows created in `[from, to]`.
pub fn ids_created_between(
    conn: &CacheConn,
    table: &str,
    panel_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<i64>> {
    let mut st = conn
        .prepare(&format!(
            "SELECT id FROM {table} WHERE panel_id = ?1 AND created BETWEEN ?2 AND ?3"
        ))
        .map_err(CacheConn::err)?;
    let ids = st
        .query_map(params![panel_id, from, to], |r| r.get(0))
        .map_err(CacheConn::err)?;
    ids.collect::<rusqlite::Result<_>>().map_err(CacheConn::err)
}
