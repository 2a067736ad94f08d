//! What ages out of the cache: finished rows older than the retention.

use rusqlite::params;

use crate::{
    db::{CacheConn, CacheTx},
    model::{sql_list, OPEN_ORDER_STATUSES},
    Result,
};

/// How many rows were removed by [`apply_retention`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Removed {
    pub orders: usize,
    pub payments: usize,
    pub tickets: usize,
}

/// Deletes what is older than `horizon`: orders no longer moving, payments,
/// and closed tickets with their messages. Never users, services or open rows.
///
/// Orders and payments are deleted panel by panel: each delete is then a
/// range of the `(panel_id, created)` index, which finds nothing at once when
/// nothing aged out. Without the panel the planner walked every order's
/// index entry (1,000,000 encrypted pages read at each app start and each
/// hour of watch mode, about half a second of the writer's time).
pub fn apply_retention(tx: &CacheTx, horizon: i64) -> Result<Removed> {
    let mut orders = 0;
    for panel in panels_with_rows(tx, "orders")? {
        orders += tx
            .prepare_cached(&format!(
                "DELETE FROM orders WHERE panel_id = ?1 AND created < ?2 AND status NOT IN {}",
                sql_list(&OPEN_ORDER_STATUSES)
            ))
            .and_then(|mut st| st.execute(params![panel, horizon]))
            .map_err(CacheConn::err)?;
    }
    let mut payments = 0;
    for panel in panels_with_rows(tx, "payments")? {
        payments += tx
            .prepare_cached("DELETE FROM payments WHERE panel_id = ?1 AND created < ?2")
            .and_then(|mut st| st.execute(params![panel, horizon]))
            .map_err(CacheConn::err)?;
    }
    tx.execute(
        "DELETE FROM ticket_messages WHERE (panel_id, ticket_id) IN
           (SELECT panel_id, id FROM tickets WHERE status = 'closed' AND COALESCE(last_update, created) < ?1)",
        [horizon],
    )
    .map_err(CacheConn::err)?;
    let tickets = tx
        .execute(
            "DELETE FROM tickets WHERE status = 'closed' AND COALESCE(last_update, created) < ?1",
            [horizon],
        )
        .map_err(CacheConn::err)?;
    Ok(Removed {
        orders,
        payments,
        tickets,
    })
}

/// The panels with rows in `table`, each found by one step down its
/// `panel_id`-first index (`min` above the last one found), never by reading
/// the rows.
fn panels_with_rows(tx: &CacheTx, table: &str) -> Result<Vec<i64>> {
    let mut panels = Vec::new();
    let mut st = tx
        .prepare_cached(&format!(
            "SELECT min(panel_id) FROM {table} WHERE panel_id > ?1"
        ))
        .map_err(CacheConn::err)?;
    while let Some(panel) = st
        .query_row([panels.last().copied().unwrap_or(i64::MIN)], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .map_err(CacheConn::err)?
    {
        panels.push(panel);
    }
    Ok(panels)
}
