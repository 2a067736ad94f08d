//! Service health: stuck and slow orders per service, scored.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::params;
use serde::Serialize;

use super::{csv_text, opt, panels, window_start, PanelInfo};
use crate::db::{self, CacheConn, LocalConn, ReadConn};
use crate::{
    model::{sql_list, FINISHED_ORDER_STATUSES, OPEN_ORDER_STATUSES},
    text::parse_speed,
    Result,
};

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceHealthParams {
    /// One panel (its id), or every configured panel.
    pub panel: Option<i64>,
    pub window_hours: f64,
    /// "Now", unix seconds.
    pub at: i64,
    /// An order open longer than this (strictly) is stuck. Default 12.
    pub stuck_after_h: f64,
    /// Slow: took longer than quantity / speed x this (strictly). Default 2.
    pub slow_multiplier: f64,
    /// Fewer orders created in the window (and none stuck): not enough data. Default 5.
    pub min_orders: i64,
    /// A profile's (panel id, service id) pairs; `None` is every service of the panels.
    pub services: Option<Vec<(i64, i64)>>,
}

impl ServiceHealthParams {
    pub const DEFAULT_STUCK_AFTER_H: f64 = 12.0;
    pub const DEFAULT_SLOW_MULTIPLIER: f64 = 2.0;
    pub const DEFAULT_MIN_ORDERS: i64 = 5;

    /// Every panel and service, the default window and thresholds, at `at`.
    pub fn new(at: i64) -> Self {
        ServiceHealthParams {
            panel: None,
            window_hours: super::DEFAULT_WINDOW_HOURS,
            at,
            stuck_after_h: Self::DEFAULT_STUCK_AFTER_H,
            slow_multiplier: Self::DEFAULT_SLOW_MULTIPLIER,
            min_orders: Self::DEFAULT_MIN_ORDERS,
            services: None,
        }
    }

    /// What is wrong with the parameters, for a usage error.
    pub fn validate(&self) -> std::result::Result<(), String> {
        super::check_window(self.window_hours)?;
        if !(self.stuck_after_h.is_finite() && self.stuck_after_h >= 0.0) {
            return Err(format!(
                "\"stuck after\" must be a number of hours (0 or more), not {}",
                self.stuck_after_h
            ));
        }
        if !(self.slow_multiplier.is_finite() && self.slow_multiplier > 0.0) {
            return Err(format!(
                "the slow multiplier must be a positive number, not {}",
                self.slow_multiplier
            ));
        }
        if self.min_orders < 0 {
            return Err(format!(
                "min orders must be 0 or more, not {}",
                self.min_orders
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Healthy,
    Warning,
    Critical,
    NotEnoughData,
}

impl HealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "healthy",
            HealthStatus::Warning => "warning",
            HealthStatus::Critical => "critical",
            HealthStatus::NotEnoughData => "not_enough_data",
        }
    }

    /// Decided on the exact score: above 70 healthy, 40 to 70 warning, below 40 critical.
    pub fn of_score(score: f64) -> Self {
        if score > 70.0 {
            HealthStatus::Healthy
        } else if score >= 40.0 {
            HealthStatus::Warning
        } else {
            HealthStatus::Critical
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceHealthRow {
    #[serde(skip)]
    pub panel_id: i64,
    /// The panel's name.
    pub panel: String,
    pub service_id: i64,
    /// The catalogue's name, else the name on the service's latest order.
    pub service_name: String,
    pub orders_in_window: i64,
    pub finished_in_window: i64,
    pub stuck: i64,
    pub slow: i64,
    pub slow_pct: f64,
    /// `None` when there is not enough data. Not rounded.
    pub score: Option<f64>,
    pub status: HealthStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceHealthReport {
    pub window_hours: f64,
    pub at: i64,
    pub services: Vec<ServiceHealthRow>,
}

impl ServiceHealthReport {
    /// The rows of the red bar.
    pub fn critical(&self) -> impl Iterator<Item = &ServiceHealthRow> {
        self.services
            .iter()
            .filter(|r| r.status == HealthStatus::Critical)
    }

    /// "Copy all critical IDs": the red bar's service ids, one per line.
    pub fn critical_ids(&self) -> String {
        self.critical()
            .map(|r| r.service_id.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// "Snooze all critical": each critical service hidden for 24 h from `at`.
    pub fn snooze_critical(&self, local: &LocalConn, at: i64) -> Result<usize> {
        let mut n = 0;
        for r in self.critical() {
            super::snooze(local, r.panel_id, r.service_id, at)?;
            n += 1;
        }
        Ok(n)
    }

    pub fn to_csv(&self, style: crate::export::CsvStyle) -> String {
        csv_text(
            &[
                "panel",
                "service_id",
                "service_name",
                "orders_in_window",
                "finished_in_window",
                "stuck",
                "slow",
                "slow_pct",
                "score",
                "status",
            ],
            self.services.iter().map(|r| {
                vec![
                    r.panel.clone(),
                    r.service_id.to_string(),
                    r.service_name.clone(),
                    r.orders_in_window.to_string(),
                    r.finished_in_window.to_string(),
                    r.stuck.to_string(),
                    r.slow.to_string(),
                    r.slow_pct.to_string(),
                    opt(&r.score),
                    r.status.as_str().to_owned(),
                ]
            }),
            style,
        )
    }
}

/// Where a window's counts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountFrom {
    /// The hourly aggregates for the whole hours, the orders for the
    /// partial hours at both ends: what the reports use.
    Aggregates,
    /// The orders alone: the yardstick the aggregates are tested against,
    /// and the source while a first backfill has them set aside.
    Orders,
}

impl CountFrom {
    /// The aggregates when they are kept, else the orders.
    fn kept(conn: &ReadConn) -> Result<CountFrom> {
        Ok(if db::aggregates_kept(conn)? {
            CountFrom::Aggregates
        } else {
            CountFrom::Orders
        })
    }
}

/// The service health report by the rules (see [`super::help::SERVICE_HEALTH`]).
pub fn service_health(conn: &ReadConn, p: &ServiceHealthParams) -> Result<ServiceHealthReport> {
    service_health_from(conn, p, CountFrom::kept(conn)?)
}

/// [`service_health`], its counts taken from `source`.
pub fn service_health_from(
    conn: &ReadConn,
    p: &ServiceHealthParams,
    source: CountFrom,
) -> Result<ServiceHealthReport> {
    let from = window_start(p.at, p.window_hours);
    begin_temp(conn)?;
    let mut rows = Vec::new();
    for panel in panels(conn, p.panel)? {
        rows.extend(panel_rows(conn, &panel, p, from, source)?);
    }
    end_temp(conn)?;
    rows.sort_by(|a, b| {
        worst_first(a.score, b.score)
            .then_with(|| a.panel.cmp(&b.panel))
            .then_with(|| a.panel_id.cmp(&b.panel_id))
            .then_with(|| a.service_id.cmp(&b.service_id))
    });
    Ok(ServiceHealthReport {
        window_hours: p.window_hours,
        at: p.at,
        services: rows,
    })
}

/// The temp tables a report fills per panel: the min speed of each covered
/// service (so the slow check runs in SQL beside the finished count), and
/// the covered services themselves (the by-provider view joins them).
fn begin_temp(conn: &ReadConn) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS report_speeds (
             panel_id   INTEGER NOT NULL,
             service_id INTEGER NOT NULL,
             amount     REAL    NOT NULL,
             per_s      INTEGER NOT NULL,
             PRIMARY KEY (panel_id, service_id)
         );
         CREATE TEMP TABLE IF NOT EXISTS report_services (
             panel_id   INTEGER NOT NULL,
             service_id INTEGER NOT NULL,
             PRIMARY KEY (panel_id, service_id)
         );
         DELETE FROM temp.report_speeds;
         DELETE FROM temp.report_services;",
    )
    .map_err(CacheConn::err)
}

fn end_temp(conn: &ReadConn) -> Result<()> {
    conn.execute_batch("DELETE FROM temp.report_speeds; DELETE FROM temp.report_services;")
        .map_err(CacheConn::err)
}

/// Two counts per key (a service id, a provider) from a `SELECT key, a, b ...` query.
fn counts<K: rusqlite::types::FromSql + std::hash::Hash + Eq>(
    conn: &ReadConn,
    query: &str,
    params: impl rusqlite::Params,
) -> Result<HashMap<K, (i64, i64)>> {
    let mut st = conn.prepare_cached(query).map_err(CacheConn::err)?;
    let rows = st
        .query_map(params, |r| Ok((r.get::<_, K>(0)?, (r.get(1)?, r.get(2)?))))
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// The services a panel's report covers, by id with their names: the
/// catalogue plus every service id seen in orders (or the profile's), less
/// the snoozed ones. Their speeds go to `temp.report_speeds` and their ids
/// to `temp.report_services`.
fn covered_services(
    conn: &ReadConn,
    panel: &PanelInfo,
    p: &ServiceHealthParams,
) -> Result<Vec<(i64, String)>> {
    // The services: the catalogue plus every service id seen in orders
    // (or the profile's), less the snoozed ones.
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    {
        let mut st = conn
            .prepare_cached("SELECT id, name FROM services WHERE panel_id = ?1")
            .map_err(CacheConn::err)?;
        let rows = st
            .query_map([panel.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(CacheConn::err)?;
        for row in rows {
            let (id, name) = row.map_err(CacheConn::err)?;
            names.insert(id, name);
        }
    }
    let selected: BTreeSet<i64> = match &p.services {
        Some(list) => list
            .iter()
            .filter(|(pid, _)| *pid == panel.id)
            .map(|(_, sid)| *sid)
            .collect(),
        None => {
            let mut all: BTreeSet<i64> = names.keys().copied().collect();
            all.extend(db::order_service_ids(conn, panel.id, p.at)?);
            all
        }
    };
    let snoozed: BTreeSet<i64> = {
        let mut st = conn
            .prepare_cached(
                "SELECT service_id FROM local.snoozes WHERE panel_id = ?1 AND snoozed_until > ?2",
            )
            .map_err(CacheConn::err)?;
        let rows = st
            .query_map(params![panel.id, p.at], |r| r.get(0))
            .map_err(CacheConn::err)?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(CacheConn::err)?
    };
    let services: Vec<(i64, String)> = selected
        .difference(&snoozed)
        .map(|&sid| {
            let name = match names.get(&sid) {
                Some(name) => name.clone(),
                None => db::latest_order_name(conn, panel.id, sid, p.at)?.unwrap_or_default(),
            };
            Ok((sid, name))
        })
        .collect::<Result<_>>()?;
    let mut speeds = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO temp.report_speeds (panel_id, service_id, amount, per_s) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(CacheConn::err)?;
    let mut covered = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO temp.report_services (panel_id, service_id) VALUES (?1, ?2)",
        )
        .map_err(CacheConn::err)?;
    for (sid, name) in &services {
        covered
            .execute(params![panel.id, sid])
            .map_err(CacheConn::err)?;
        if let Some(speed) = parse_speed(name) {
            speeds
                .execute(params![panel.id, sid, speed.amount, speed.per_seconds])
                .map_err(CacheConn::err)?;
        }
    }
    Ok(services)
}

/// The rules' judgement of the counts: slow %, the score (None when there
/// is not enough data) and the status.
fn judge(
    orders_in_window: i64,
    stuck: i64,
    finished: i64,
    slow: i64,
    min_orders: i64,
) -> (f64, Option<f64>, HealthStatus) {
    let slow_pct = if finished > 0 {
        slow as f64 * 100.0 / finished as f64
    } else {
        0.0
    };
    let score = (orders_in_window >= min_orders || stuck > 0)
        .then(|| (100.0 - (stuck.saturating_mul(5)).min(60) as f64 - slow_pct).max(0.0));
    let status = score.map_or(HealthStatus::NotEnoughData, HealthStatus::of_score);
    (slow_pct, score, status)
}

/// Rows worst first: scored ones by score ascending, then the unscored.
fn worst_first(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    a.is_none()
        .cmp(&b.is_none())
        .then_with(|| a.unwrap_or(0.0).total_cmp(&b.unwrap_or(0.0)))
}

/// What a panel's orders are grouped by.
#[derive(Clone, Copy)]
enum Grouping {
    /// Each order's service: the rows are the covered services themselves.
    Service,
    /// Each order's provider, over the orders of the covered services only.
    Provider,
}

impl Grouping {
    /// The group's key and the orders it counts, as SQL over `orders o`.
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            Grouping::Service => ("o.service_id", "AND o.service_id IS NOT NULL"),
            Grouping::Provider => ("coalesce(o.provider, '')", COVERED),
        }
    }

    /// The same over an hourly aggregate `o` (a missing service is -1 there,
    /// a missing provider '').
    fn agg_sql(self) -> (&'static str, &'static str) {
        match self {
            Grouping::Service => ("o.service_id", "AND o.service_id <> -1"),
            Grouping::Provider => ("o.provider", COVERED),
        }
    }
}

const COVERED: &str = "AND EXISTS (SELECT 1 FROM temp.report_services c
                                   WHERE c.panel_id = o.panel_id AND c.service_id = o.service_id)";

/// A service's slow counts are kept in `agg_slow` for the multiplier (the
/// parameter `multiplier` names) and for the speed the report reads from its
/// name (see `store::aggregates`): SQL over `o`, a row naming the service.
fn rule_kept(multiplier: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM agg_slow_rules r JOIN temp.report_speeds s
                 ON s.panel_id = r.panel_id AND s.service_id = r.service_id
                 WHERE r.panel_id = o.panel_id AND r.service_id = o.service_id
                   AND r.multiplier = {multiplier} AND r.amount = s.amount AND r.per_s = s.per_s)"
    )
}

/// Whether a covered service with a speed has no slow rule kept for this
/// multiplier and speed (so its slow orders are counted from the orders).
fn any_rule_missing(conn: &ReadConn, panel_id: i64, multiplier: f64) -> Result<bool> {
    conn.prepare_cached(&format!(
        "SELECT EXISTS (SELECT 1 FROM temp.report_speeds o WHERE o.panel_id = ?1 AND NOT {})",
        rule_kept("?2")
    ))
    .map_err(CacheConn::err)?
    .query_row(params![panel_id, multiplier], |r| r.get(0))
    .map_err(CacheConn::err)
}

/// The hours of a window (from, at] the aggregates answer: from the first
/// hour starting after `from` (an hour starting exactly at `from` misses its
/// first second) to the hour holding `at`. The partial hour at the start is
/// counted from the orders; the orders of the last hour after `at` are
/// counted and taken off. A report runs at "now", when nothing is after `at`
/// yet, so neither end walks more than the start's partial hour, even when
/// a panel finishes thousands of orders in the second before the report.
/// `None` when the window holds no hour start.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Hours {
    first: i64,
    last: i64,
}

impl Hours {
    fn of(from: f64, at: i64) -> Option<Self> {
        let first = (from / 3600.0).floor() as i64 + 1;
        let last = at.div_euclid(3600);
        (first <= last).then_some(Hours { first, last })
    }

    /// The partial hour at the start, as (after, up to) seconds.
    fn start(self, from: f64) -> (f64, i64) {
        (from, self.first * 3600 - 1)
    }

    /// The window's part the aggregates count, as (after, up to).
    fn counted(self, at: i64) -> (f64, i64) {
        ((self.first * 3600 - 1) as f64, at)
    }

    /// What the last hour holds after `at`, as (after, up to).
    fn beyond(self, at: i64) -> (f64, i64) {
        (at as f64, self.last * 3600 + 3599)
    }
}

/// Which finished orders a raw count takes.
#[derive(Clone, Copy)]
enum Finished {
    /// Every one created by `at`.
    All,
    /// Those the aggregates leave out: finished before they were created.
    Early,
    /// The slow ones of services whose rule is not kept (the finished
    /// count of these comes from the aggregates).
    SlowUnkept,
    /// Those the aggregates count (whenever created), the slow ones only
    /// for services whose rule is kept: what to take off past `at`.
    Counted,
}

/// The counts kept per hour.
#[derive(Clone, Copy)]
enum Aggregate {
    Created,
    Finished,
    Slow,
}

/// The rules' counts per group of one panel's orders.
struct Counts<K> {
    in_window: HashMap<K, (i64, i64)>,
    stuck: HashMap<K, (i64, i64)>,
    finished: HashMap<K, (i64, i64)>,
}

/// Adds counts into `into` (`sign` 1), or takes them off (-1), pair by pair.
fn add<K: std::hash::Hash + Eq>(
    into: &mut HashMap<K, (i64, i64)>,
    counts: HashMap<K, (i64, i64)>,
    sign: i64,
) {
    for (k, (a, b)) in counts {
        let e = into.entry(k).or_insert((0, 0));
        e.0 += sign * a;
        e.1 += sign * b;
    }
}

impl<K: rusqlite::types::FromSql + std::hash::Hash + Eq + Ord> Counts<K> {
    fn of(
        conn: &ReadConn,
        panel_id: i64,
        p: &ServiceHealthParams,
        from: f64,
        g: Grouping,
        source: CountFrom,
    ) -> Result<Self> {
        let mut in_window = HashMap::new();
        let mut finished = HashMap::new();
        let hours = match source {
            CountFrom::Aggregates => Hours::of(from, p.at),
            CountFrom::Orders => None,
        };
        match hours {
            None => {
                let all = (from, p.at);
                add(&mut in_window, Self::created(conn, panel_id, g, all)?, 1);
                add(
                    &mut finished,
                    Self::finished(conn, panel_id, p, g, all, Finished::All)?,
                    1,
                );
            }
            Some(hours) => {
                let start = hours.start(from);
                add(&mut in_window, Self::created(conn, panel_id, g, start)?, 1);
                add(
                    &mut finished,
                    Self::finished(conn, panel_id, p, g, start, Finished::All)?,
                    1,
                );
                let kept = |what| Self::aggregated(conn, panel_id, p, g, hours, what);
                add(&mut in_window, kept(Aggregate::Created)?, 1);
                add(&mut finished, kept(Aggregate::Finished)?, 1);
                add(&mut finished, kept(Aggregate::Slow)?, 1);
                let beyond = hours.beyond(p.at);
                add(
                    &mut in_window,
                    Self::created(conn, panel_id, g, beyond)?,
                    -1,
                );
                add(
                    &mut finished,
                    Self::finished(conn, panel_id, p, g, beyond, Finished::Counted)?,
                    -1,
                );
                let counted = hours.counted(p.at);
                add(
                    &mut finished,
                    Self::finished(conn, panel_id, p, g, counted, Finished::Early)?,
                    1,
                );
                if any_rule_missing(conn, panel_id, p.slow_multiplier)? {
                    let slow = Self::finished(conn, panel_id, p, g, counted, Finished::SlowUnkept)?;
                    add(
                        &mut finished,
                        slow.into_iter().map(|(k, (_, s))| (k, (0, s))).collect(),
                        1,
                    );
                }
            }
        }
        in_window.retain(|_, c| c.0 > 0);
        finished.retain(|_, c| c.0 > 0 || c.1 > 0);
        let (key, only) = g.sql();
        // Stuck: open, opened more than `stuck_after` hours before now
        // (strictly), something left to deliver; over the whole cache.
        let stuck = counts(
            conn,
            &format!(
                "SELECT {key}, count(*), 0 FROM orders o INDEXED BY orders_open
                 WHERE o.panel_id = ?1 AND o.status IN {}
                   AND o.created < ?2 AND o.created <= ?3 AND o.remains > 0 {only}
                 GROUP BY 1",
                sql_list(&OPEN_ORDER_STATUSES)
            ),
            params![panel_id, p.at as f64 - p.stuck_after_h * 3600.0, p.at],
        )?;
        Ok(Counts {
            in_window,
            stuck,
            finished,
        })
    }

    /// Orders created in (lo, hi], from the orders.
    fn created(
        conn: &ReadConn,
        panel_id: i64,
        g: Grouping,
        (lo, hi): (f64, i64),
    ) -> Result<HashMap<K, (i64, i64)>> {
        let (key, only) = g.sql();
        counts(
            conn,
            &format!(
                "SELECT {key}, count(*), 0 FROM orders o INDEXED BY orders_created
                 WHERE o.panel_id = ?1 AND o.created > ?2 AND o.created <= ?3 {only}
                 GROUP BY 1"
            ),
            params![panel_id, lo, hi],
        )
    }

    /// Finished orders with a finish time in (lo, hi], and of those the
    /// slow, from the orders: duration x amount > quantity x period x
    /// multiplier is "duration > quantity / speed x multiplier" without a
    /// division (exact at the limit). An order with no recorded finish time
    /// has a NULL finished_at and is in neither count.
    fn finished(
        conn: &ReadConn,
        panel_id: i64,
        p: &ServiceHealthParams,
        g: Grouping,
        (lo, hi): (f64, i64),
        which: Finished,
    ) -> Result<HashMap<K, (i64, i64)>> {
        let (key, only) = g.sql();
        const SLOW: &str = "(o.finished_at - o.created) * s.amount > o.quantity * s.per_s * ?4";
        let by_at = "AND o.created <= ?5";
        // The aggregates count an order whenever it was created.
        let created_by = match which {
            Finished::Counted => i64::MAX,
            _ => p.at,
        };
        let (index, slow, which) = match which {
            Finished::All => ("orders_finished", SLOW.to_owned(), by_at.to_owned()),
            Finished::Early => (
                "orders_finished_early",
                SLOW.to_owned(),
                format!("{by_at} AND o.finished_at IS NOT NULL AND o.finished_at < o.created"),
            ),
            Finished::SlowUnkept => (
                "orders_finished",
                SLOW.to_owned(),
                format!("{by_at} AND o.finished_at >= o.created AND s.service_id IS NOT NULL AND NOT {}", rule_kept("?4")),
            ),
            Finished::Counted => (
                "orders_finished",
                format!("CASE WHEN {} THEN {SLOW} END", rule_kept("?4")),
                format!("{by_at} AND o.finished_at >= o.created"),
            ),
        };
        counts(
            conn,
            &format!(
                "SELECT {key}, count(*), COALESCE(sum({slow}), 0)
                 FROM orders o INDEXED BY {index}
                 LEFT JOIN temp.report_speeds s ON s.panel_id = o.panel_id AND s.service_id = o.service_id
                 WHERE o.panel_id = ?1 AND o.finished_at > ?2 AND o.finished_at <= ?3
                   AND o.status IN {} {only} {which}
                 GROUP BY 1",
                sql_list(&FINISHED_ORDER_STATUSES)
            ),
            params![panel_id, lo, hi, p.slow_multiplier, created_by],
        )
    }

    /// A count kept per hour, over the whole hours.
    fn aggregated(
        conn: &ReadConn,
        panel_id: i64,
        p: &ServiceHealthParams,
        g: Grouping,
        hours: Hours,
        what: Aggregate,
    ) -> Result<HashMap<K, (i64, i64)>> {
        let (key, only) = g.agg_sql();
        let query = match what {
            Aggregate::Created => format!(
                "SELECT {key}, sum(o.orders), 0 FROM agg_orders o
                 WHERE o.panel_id = ?1 AND o.hour BETWEEN ?2 AND ?3 {only}
                 GROUP BY 1"
            ),
            Aggregate::Finished => format!(
                "SELECT {key}, sum(o.finished), 0 FROM agg_finished o
                 WHERE o.panel_id = ?1 AND o.hour BETWEEN ?2 AND ?3 {only}
                 GROUP BY 1"
            ),
            Aggregate::Slow => format!(
                "SELECT {key}, 0, sum(o.slow) FROM agg_slow o
                 WHERE o.panel_id = ?1 AND o.multiplier = ?4 AND o.hour BETWEEN ?2 AND ?3 {only}
                   AND {}
                 GROUP BY 1",
                rule_kept("?4")
            ),
        };
        match what {
            Aggregate::Slow => counts(
                conn,
                &query,
                params![panel_id, hours.first, hours.last, p.slow_multiplier],
            ),
            _ => counts(conn, &query, params![panel_id, hours.first, hours.last]),
        }
    }

    /// (orders in the window, stuck, finished in the window, slow) of a group.
    fn get(&self, k: &K) -> (i64, i64, i64, i64) {
        let (finished, slow) = self.finished.get(k).copied().unwrap_or((0, 0));
        (
            self.in_window.get(k).map_or(0, |c| c.0),
            self.stuck.get(k).map_or(0, |c| c.0),
            finished,
            slow,
        )
    }

    /// Every group with a count, in key order.
    fn keys(&self) -> BTreeSet<&K> {
        self.in_window
            .keys()
            .chain(self.stuck.keys())
            .chain(self.finished.keys())
            .collect()
    }
}

fn panel_rows(
    conn: &ReadConn,
    panel: &PanelInfo,
    p: &ServiceHealthParams,
    from: f64,
    source: CountFrom,
) -> Result<Vec<ServiceHealthRow>> {
    let services = covered_services(conn, panel, p)?;
    if services.is_empty() {
        return Ok(Vec::new());
    }

    let counts: Counts<i64> = Counts::of(conn, panel.id, p, from, Grouping::Service, source)?;

    Ok(services
        .into_iter()
        .map(|(sid, name)| {
            let (orders_in_window, stuck, finished, slow) = counts.get(&sid);
            let (slow_pct, score, status) =
                judge(orders_in_window, stuck, finished, slow, p.min_orders);
            ServiceHealthRow {
                panel_id: panel.id,
                panel: panel.name.clone(),
                service_id: sid,
                service_name: name,
                orders_in_window,
                finished_in_window: finished,
                stuck,
                slow,
                slow_pct,
                score,
                status,
            }
        })
        .collect())
}

/// Service health by provider: the same rules over the same services (the
/// profile's, less the snoozed), grouped by each order's provider instead of
/// its service. Owners choose providers by it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProviderHealthRow {
    /// The panel's name.
    pub panel: String,
    /// As the panel names it; empty for orders with no provider.
    pub provider: String,
    pub orders_in_window: i64,
    pub finished_in_window: i64,
    pub stuck: i64,
    pub slow: i64,
    pub slow_pct: f64,
    pub score: Option<f64>,
    pub status: HealthStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProviderHealthReport {
    pub window_hours: f64,
    pub at: i64,
    pub providers: Vec<ProviderHealthRow>,
}

impl ProviderHealthReport {
    pub fn to_csv(&self, style: crate::export::CsvStyle) -> String {
        csv_text(
            &[
                "panel",
                "provider",
                "orders_in_window",
                "finished_in_window",
                "stuck",
                "slow",
                "slow_pct",
                "score",
                "status",
            ],
            self.providers.iter().map(|r| {
                vec![
                    r.panel.clone(),
                    r.provider.clone(),
                    r.orders_in_window.to_string(),
                    r.finished_in_window.to_string(),
                    r.stuck.to_string(),
                    r.slow.to_string(),
                    r.slow_pct.to_string(),
                    opt(&r.score),
                    r.status.as_str().to_owned(),
                ]
            }),
            style,
        )
    }
}

/// The by-provider view (see [`ProviderHealthRow`]); worst first.
pub fn service_health_by_provider(
    conn: &ReadConn,
    p: &ServiceHealthParams,
) -> Result<ProviderHealthReport> {
    service_health_by_provider_from(conn, p, CountFrom::kept(conn)?)
}

/// [`service_health_by_provider`], its counts taken from `source`.
pub fn service_health_by_provider_from(
    conn: &ReadConn,
    p: &ServiceHealthParams,
    source: CountFrom,
) -> Result<ProviderHealthReport> {
    let from = window_start(p.at, p.window_hours);
    begin_temp(conn)?;
    let mut rows = Vec::new();
    for panel in panels(conn, p.panel)? {
        if covered_services(conn, &panel, p)?.is_empty() {
            continue;
        }
        let counts: Counts<String> =
            Counts::of(conn, panel.id, p, from, Grouping::Provider, source)?;
        for provider in counts.keys() {
            let (orders_in_window, stuck, finished, slow) = counts.get(provider);
            let (slow_pct, score, status) =
                judge(orders_in_window, stuck, finished, slow, p.min_orders);
            rows.push(ProviderHealthRow {
                panel: panel.name.clone(),
                provider: provider.clone(),
                orders_in_window,
                finished_in_window: finished,
                stuck,
                slow,
                slow_pct,
                score,
                status,
            });
        }
    }
    end_temp(conn)?;
    rows.sort_by(|a, b| {
        worst_first(a.score, b.score)
            .then_with(|| a.panel.cmp(&b.panel))
            .then_with(|| a.provider.cmp(&b.provider))
    });
    Ok(ProviderHealthReport {
        window_hours: p.window_hours,
        at: p.at,
        providers: rows,
    })
}
