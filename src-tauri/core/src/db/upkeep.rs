//! Whether the hourly aggregates are kept (cache migrations 0006, 0007),
//! and the search index whole (0011): the question every reader of them
//! asks first.

use rusqlite::Connection;

use super::CacheConn;
use crate::Result;

/// What the search index's triggers are named (a GLOB): a first backfill
/// sets them aside with the rest of its upkeep, but they come back apart.
pub(crate) const SEARCH_INDEX_TRIGGERS: &str = "orders_text_*";

/// False while a first backfill runs with its upkeep set aside (see
/// `store::defer_order_upkeep`): the aggregates are then rebuilt at its
/// end, and until then only the orders themselves are exact.
pub fn aggregates_kept(conn: &Connection) -> Result<bool> {
    none_set_aside(
        conn,
        "SELECT NOT EXISTS (SELECT 1 FROM orders_upkeep_deferred WHERE name NOT GLOB ?1)",
    )
}

/// False from a first backfill's start until the sync pass after its end
/// has filled the search index of links and usernames (cache migration
/// 0011, `store::end_backfill`): searches read the orders meanwhile.
pub fn search_index_whole(conn: &Connection) -> Result<bool> {
    none_set_aside(
        conn,
        "SELECT NOT EXISTS (SELECT 1 FROM orders_upkeep_deferred WHERE name GLOB ?1)",
    )
}

fn none_set_aside(conn: &Connection, sql: &str) -> Result<bool> {
    conn.prepare_cached(sql)
        .and_then(|mut st| st.query_row([SEARCH_INDEX_TRIGGERS], |r| r.get(0)))
        .map_err(CacheConn::err)
}
