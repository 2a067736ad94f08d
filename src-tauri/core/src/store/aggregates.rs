//! The slow-check rules the hourly aggregates are kept for (cache migration
//! 0006). The counts themselves are kept by triggers on `orders`; what they
//! cannot know is each service's speed (parsed from its name, in Rust) and
//! the multipliers in use (the default and the service health profiles',
//! in `local.sqlite3`). The sync owner calls [`keep_slow_rules`] after
//! each services and orders pass: a rule whose speed or multiplier is no
//! longer in use goes with its counts, and a new one is counted once from
//! the orders. A report finding no rule for a service counts it from the
//! orders itself, so a rule that lags behind costs speed, never exactness.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::params;

use crate::{
    db::{self, CacheConn, CacheTx, LocalConn},
    text::parse_speed,
    Result,
};

/// The default slow multiplier (service health's), kept always.
const DEFAULT_MULTIPLIER: f64 = 2.0;

/// A rule's key, with the multiplier's bits (f64 is not `Ord`).
type RuleKey = (i64, u64);

/// Brings the panel's rules up to date; answers how many were (re)added.
/// While a first backfill has the upkeep set aside, a rule is added but not
/// counted: the upkeep's return counts every rule in one pass.
pub fn keep_slow_rules(tx: &CacheTx, local: &LocalConn, panel_id: i64) -> Result<usize> {
    let count_now = db::aggregates_kept(tx)?;
    let multipliers = multipliers_in_use(local)?;
    let mut wanted: BTreeMap<RuleKey, (f64, i64)> = BTreeMap::new();
    for (service_id, name) in service_names(tx, panel_id)? {
        if let Some(speed) = parse_speed(&name) {
            for m in &multipliers {
                wanted.insert((service_id, *m), (speed.amount, speed.per_seconds));
            }
        }
    }
    let kept: BTreeMap<RuleKey, (f64, i64)> = {
        let mut st = tx
            .prepare_cached(
                "SELECT service_id, multiplier, amount, per_s FROM agg_slow_rules WHERE panel_id = ?1",
            )
            .map_err(CacheConn::err)?;
        let rows = st
            .query_map([panel_id], |r| {
                Ok((
                    (r.get::<_, i64>(0)?, r.get::<_, f64>(1)?.to_bits()),
                    (r.get(2)?, r.get(3)?),
                ))
            })
            .map_err(CacheConn::err)?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(CacheConn::err)?
    };
    for (key, speed) in &kept {
        if wanted.get(key) != Some(speed) {
            drop_rule(tx, panel_id, *key)?;
        }
    }
    let mut counted = 0;
    for (key, speed) in &wanted {
        if kept.get(key) != Some(speed) {
            add_rule(tx, panel_id, *key, *speed)?;
            if count_now {
                count_rule(tx, panel_id, *key, *speed)?;
            }
            counted += 1;
        }
    }
    Ok(counted)
}

/// The default multiplier and every profile's.
fn multipliers_in_use(local: &LocalConn) -> Result<BTreeSet<u64>> {
    let mut st = local
        .prepare_cached("SELECT DISTINCT slow_multiplier FROM service_health_profiles")
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([], |r| r.get::<_, f64>(0))
        .map_err(LocalConn::err)?;
    let mut out = BTreeSet::from([DEFAULT_MULTIPLIER.to_bits()]);
    for m in rows {
        let m = m.map_err(LocalConn::err)?;
        if m.is_finite() && m > 0.0 {
            out.insert(m.to_bits());
        }
    }
    Ok(out)
}

/// Each service of the panel's catalogue or orders, with the name the
/// report reads its speed from: the catalogue's, else its latest order's
/// (the same lookups as the report's).
fn service_names(tx: &CacheTx, panel_id: i64) -> Result<BTreeMap<i64, String>> {
    let mut names = BTreeMap::new();
    for id in db::order_service_ids(tx, panel_id, i64::MAX)? {
        if let Some(name) = db::latest_order_name(tx, panel_id, id, i64::MAX)? {
            names.insert(id, name);
        }
    }
    let mut st = tx
        .prepare_cached("SELECT id, name FROM services WHERE panel_id = ?1")
        .map_err(CacheConn::err)?;
    let rows = st
        .query_map([panel_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(CacheConn::err)?;
    for row in rows {
        let (id, name) = row.map_err(CacheConn::err)?;
        names.insert(id, name);
    }
    Ok(names)
}

fn drop_rule(tx: &CacheTx, panel_id: i64, (service_id, m): RuleKey) -> Result<()> {
    let m = f64::from_bits(m);
    tx.execute(
        "DELETE FROM agg_slow_rules WHERE panel_id = ?1 AND service_id = ?2 AND multiplier = ?3",
        params![panel_id, service_id, m],
    )
    .map_err(CacheConn::err)?;
    tx.execute(
        "DELETE FROM agg_slow WHERE panel_id = ?1 AND multiplier = ?3 AND service_id = ?2",
        params![panel_id, service_id, m],
    )
    .map_err(CacheConn::err)?;
    Ok(())
}

/// Adds a rule (a changed one was dropped first).
fn add_rule(
    tx: &CacheTx,
    panel_id: i64,
    (service_id, m): RuleKey,
    (amount, per_s): (f64, i64),
) -> Result<()> {
    tx.execute(
        "INSERT INTO agg_slow_rules (panel_id, service_id, multiplier, amount, per_s) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![panel_id, service_id, f64::from_bits(m), amount, per_s],
    )
    .map_err(CacheConn::err)?;
    Ok(())
}

/// Counts a new rule's slow orders once, by the same comparison the
/// triggers make for every later write.
fn count_rule(
    tx: &CacheTx,
    panel_id: i64,
    (service_id, m): RuleKey,
    (amount, per_s): (f64, i64),
) -> Result<()> {
    let m = f64::from_bits(m);
    tx.execute(
        "INSERT INTO agg_slow (panel_id, multiplier, hour, service_id, provider, slow)
         SELECT ?1, ?3, finished_at / 3600, ?2, coalesce(provider, ''), count(*)
         FROM orders INDEXED BY orders_service
         WHERE panel_id = ?1 AND service_id = ?2
           AND status IN ('completed', 'partial') AND finished_at >= created
           AND (finished_at - created) * ?4 > quantity * ?5 * ?3
         GROUP BY 3, 5",
        params![panel_id, service_id, m, amount, per_s],
    )
    .map_err(CacheConn::err)?;
    Ok(())
}
