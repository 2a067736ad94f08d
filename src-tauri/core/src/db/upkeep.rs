//! Whether the hourly aggregates are kept (cache migrations 0006, 0007),
//! and the search index whole (0011): the question every reader of them
//! asks first.

use rusqlite::Connection;

use super::CacheConn;
use crate::Result;

/// False while a first backfill runs with its upkeep set aside (see
/// `store::defer_order_upkeep`): the aggregates are then rebuilt at its
/// end, and until then only the orders themselves are exact.
pub fn aggregates_kept(conn: &Connection) -> Result<bool> {
    conn.prepare_cached(
        "SELECT NOT EXISTS (SELECT 1 FROM orders_upkeep_deferred WHERE name NOT GLOB 'orders_text_*')",
    )
    .and_then(|mut st| st.query_row([], |r| r.get(0)))
    .map_err(CacheConn::err)
}

/// False from a first backfill's start until the sync pass after its end
/// has filled the search index of links and usernames (cache migration
/// 0011, `store::fill_search_index`): searches read the orders meanwhile.
pub fn search_index_whole(conn: &Connection) -> Result<bool> {
    conn.prepare_cached(
        "SELECT NOT EXISTS (SELECT 1 FROM orders_upkeep_deferred WHERE name GLOB 'orders_text_*')",
    )
    .and_then(|mut st| st.query_row([], |r| r.get(0)))
    .map_err(CacheConn::err)
}
