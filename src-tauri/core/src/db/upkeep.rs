//! Whether the hourly aggregates are kept (cache migrations 0006, 0007):
//! the one question every reader of the aggregates asks first.

use rusqlite::Connection;

use super::CacheConn;
use crate::Result;

/// False while a first backfill runs with its upkeep set aside (see
/// `store::defer_order_upkeep`): the aggregates are then rebuilt at its
/// end, and until then only the orders themselves are exact.
pub fn aggregates_kept(conn: &Connection) -> Result<bool> {
    conn.prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM orders_upkeep_deferred)")
        .and_then(|mut st| st.query_row([], |r| r.get(0)))
        .map_err(CacheConn::err)
}
