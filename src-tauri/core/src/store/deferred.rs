//! The first backfill of an empty cache, written without its costliest
//! upkeep and given it once at the end (cache migration 0007).
//!
//! A backfill pages newest first, so an index keyed by time takes each
//! insert at its edge, but one keyed by user, charge or status takes it
//! anywhere in the index: a page read, decrypted, changed and encrypted
//! again per row. The aggregates' triggers cost an upsert per order into
//! each table. Built once from the finished table instead (a sort per
//! index, a `GROUP BY` per day), the same cache is usable sooner.
//!
//! Crash-safe: what is set aside is recorded with its CREATE statement in
//! the same transaction that drops it, and put back in the one that
//! rebuilds the aggregates. Exact meanwhile: readers ask
//! [`db::aggregates_kept`] and count from the orders while it is false.

use rusqlite::{params, OptionalExtension};

use super::keep_slow_rules;
use crate::{
    db::{self, CacheConn, CacheTx, LocalConn},
    Result,
};

/// What a first backfill sets aside. No read names these indexes
/// (`INDEXED BY`), and none needs them more than once a query (one pass
/// over the orders while they are away). The ones keyed by time stay, as
/// the reports name them; so does the service index, which service health
/// and the slow rules walk once per service. The search index's triggers
/// too: searches read the orders until the pass after the backfill's has
/// filled it (`browse::text_index`).
const SET_ASIDE: [&str; 9] = [
    "orders_user",
    "orders_charge",
    "orders_status",
    "orders_agg_insert",
    "orders_agg_update",
    "orders_agg_delete",
    "orders_text_insert",
    "orders_text_update",
    "orders_text_delete",
];

/// The aggregates are rebuilt a day of orders at a time: each `GROUP BY`
/// sorts one day's rows, so memory stays flat however large the cache.
/// A multiple of an hour, so no hour's group spans two days.
const DAY: i64 = 86_400;

/// Before a backfill's first page: sets the upkeep aside when the cache
/// holds no order at all (a cache with orders keeps its upkeep, as other
/// panels' reads depend on it). Answers whether it did.
pub fn defer_order_upkeep(tx: &CacheTx) -> Result<bool> {
    let empty: bool = tx
        .query_row("SELECT NOT EXISTS (SELECT 1 FROM orders)", [], |r| r.get(0))
        .map_err(CacheConn::err)?;
    if !empty || !db::aggregates_kept(tx)? {
        return Ok(false);
    }
    for name in SET_ASIDE {
        let schema: Option<(String, String)> = tx
            .query_row(
                "SELECT type, sql FROM sqlite_schema WHERE name = ?1 AND tbl_name = 'orders'",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(CacheConn::err)?;
        let Some((kind, sql)) = schema else { continue };
        tx.execute(
            "INSERT INTO orders_upkeep_deferred (name, type, sql) VALUES (?1, ?2, ?3)",
            params![name, kind, sql],
        )
        .map_err(CacheConn::err)?;
        // `kind` comes from sqlite_schema: 'index' or 'trigger'.
        tx.execute_batch(&format!("DROP {kind} {name}"))
            .map_err(CacheConn::err)?;
    }
    Ok(true)
}

/// After a backfill ends (any panel's): the upkeep a first one set aside
/// is built again ([`restore_order_upkeep`]); on a later pass, the search
/// index is filled ([`fill_search_index`]). One transaction either way.
pub fn end_backfill(tx: &CacheTx, local: &LocalConn) -> Result<()> {
    // The search index waits for the pass after the one that ended a
    // first backfill: that one's cache is usable sooner.
    if !restore_order_upkeep(tx, local)? {
        fill_search_index(tx)?;
    }
    Ok(())
}

/// Keeps the slow rules, recounts the aggregates, puts the indexes and
/// triggers back, all but the search index's (the rebuild counts every
/// order, so it is exact whoever wrote meanwhile). Answers whether
/// anything was set aside.
fn restore_order_upkeep(tx: &CacheTx, local: &LocalConn) -> Result<bool> {
    let set_aside: Vec<String> = column(
        tx,
        "SELECT sql FROM orders_upkeep_deferred WHERE name NOT GLOB ?1 ORDER BY type, name",
        [db::SEARCH_INDEX_TRIGGERS],
    )?;
    if set_aside.is_empty() {
        return Ok(false);
    }
    // The indexes first, so the recount and the rules' lookups have them.
    for sql in set_aside {
        tx.execute_batch(&sql).map_err(CacheConn::err)?;
    }
    tx.execute_batch("DELETE FROM agg_orders; DELETE FROM agg_finished; DELETE FROM agg_slow;")
        .map_err(CacheConn::err)?;
    for panel_id in column::<i64>(tx, "SELECT id FROM cache_panels", [])? {
        // Until the marker goes, rules are added, not counted: all of
        // them are counted here with the other aggregates.
        keep_slow_rules(tx, local, panel_id)?;
        recount(tx, panel_id)?;
    }
    tx.execute(
        "DELETE FROM orders_upkeep_deferred WHERE name NOT GLOB ?1",
        [db::SEARCH_INDEX_TRIGGERS],
    )
    .map_err(CacheConn::err)?;
    Ok(true)
}

/// The search index of links and usernames (cache migration 0011), filled
/// whole and its triggers put back, when a first backfill set them aside
/// and has ended. Not at the backfill's own end: the cache is usable
/// without it (searches read the orders meanwhile), and filling it takes
/// about 10 s a million orders.
fn fill_search_index(tx: &CacheTx) -> Result<()> {
    if !db::aggregates_kept(tx)? {
        return Ok(());
    }
    let triggers: Vec<String> = column(
        tx,
        "SELECT sql FROM orders_upkeep_deferred WHERE name GLOB ?1 ORDER BY name",
        [db::SEARCH_INDEX_TRIGGERS],
    )?;
    if triggers.is_empty() {
        return Ok(());
    }
    // No order is in it: none was indexed while its triggers were away.
    tx.execute_batch(
        "INSERT INTO orders_text (orders_text) VALUES ('delete-all');
         INSERT INTO orders_text (rowid, link, user) SELECT (panel_id << 40) | id, link, user FROM orders;",
    )
    .map_err(CacheConn::err)?;
    for sql in triggers {
        tx.execute_batch(&sql).map_err(CacheConn::err)?;
    }
    tx.execute(
        "DELETE FROM orders_upkeep_deferred WHERE name GLOB ?1",
        [db::SEARCH_INDEX_TRIGGERS],
    )
    .map_err(CacheConn::err)?;
    Ok(())
}

/// The panel's aggregates from its orders, a day at a time: the same
/// counts the triggers keep (cache migration 0006).
fn recount(tx: &CacheTx, panel_id: i64) -> Result<()> {
    let created = "SELECT min(created), max(created) FROM orders WHERE panel_id = ?1";
    for from in days(tx, created, panel_id)? {
        tx.execute(
            "INSERT INTO agg_orders
             SELECT panel_id, created / 3600, coalesce(service_id, -1), coalesce(provider, ''), status,
                    coalesce(mode, ''), coalesce(creation_type, ''), count(*)
             FROM orders WHERE panel_id = ?1 AND created >= ?2 AND created < ?3
             GROUP BY 1, 2, 3, 4, 5, 6, 7
             ON CONFLICT DO UPDATE SET orders = orders + excluded.orders",
            params![panel_id, from, from + DAY],
        )
        .map_err(CacheConn::err)?;
    }
    let finished = "SELECT min(finished_at), max(finished_at) FROM orders
                    WHERE panel_id = ?1 AND finished_at IS NOT NULL";
    for from in days(tx, finished, panel_id)? {
        tx.execute(
            "INSERT INTO agg_finished
             SELECT panel_id, finished_at / 3600, coalesce(service_id, -1), coalesce(provider, ''), count(*)
             FROM orders WHERE panel_id = ?1 AND finished_at >= ?2 AND finished_at < ?3
               AND status IN ('completed', 'partial') AND finished_at >= created
             GROUP BY 1, 2, 3, 4
             ON CONFLICT DO UPDATE SET finished = finished + excluded.finished",
            params![panel_id, from, from + DAY],
        )
        .map_err(CacheConn::err)?;
        tx.execute(
            "INSERT INTO agg_slow
             SELECT o.panel_id, r.multiplier, o.finished_at / 3600, o.service_id, coalesce(o.provider, ''), count(*)
             FROM orders o JOIN agg_slow_rules r ON r.panel_id = o.panel_id AND r.service_id = o.service_id
             WHERE o.panel_id = ?1 AND o.finished_at >= ?2 AND o.finished_at < ?3
               AND o.status IN ('completed', 'partial') AND o.finished_at >= o.created
               AND (o.finished_at - o.created) * r.amount > o.quantity * r.per_s * r.multiplier
             GROUP BY 1, 2, 3, 4, 5
             ON CONFLICT DO UPDATE SET slow = slow + excluded.slow",
            params![panel_id, from, from + DAY],
        )
        .map_err(CacheConn::err)?;
    }
    Ok(())
}

/// The starts of the whole days spanning `range`'s (min, max) for the panel.
fn days(tx: &CacheTx, range: &str, panel_id: i64) -> Result<Vec<i64>> {
    let (min, max): (Option<i64>, Option<i64>) = tx
        .query_row(range, [panel_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(CacheConn::err)?;
    Ok(match (min, max) {
        (Some(min), Some(max)) => {
            let first = min.div_euclid(DAY) * DAY;
            (first..=max).step_by(DAY as usize).collect()
        }
        _ => Vec::new(),
    })
}

fn column<T: rusqlite::types::FromSql>(
    tx: &CacheTx,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let mut st = tx.prepare(sql).map_err(CacheConn::err)?;
    let rows = st.query_map(p, |r| r.get(0)).map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}
