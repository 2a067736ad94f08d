//! What ages out of the cache: finished rows older than the retention.

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
pub fn apply_retention(tx: &CacheTx, horizon: i64) -> Result<Removed> {
    let orders = tx
        .execute(
            &format!(
                "DELETE FROM orders WHERE created < ?1 AND status NOT IN {}",
                sql_list(&OPEN_ORDER_STATUSES)
            ),
            [horizon],
        )
        .map_err(CacheConn::err)?;
    let payments = tx
        .execute("DELETE FROM payments WHERE created < ?1", [horizon])
        .map_err(CacheConn::err)?;
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
