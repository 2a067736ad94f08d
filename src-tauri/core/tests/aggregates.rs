//! The hourly aggregates are exact: service health computed from them
//! equals the same report computed from the orders alone, and so does the
//! Orders screen's count of any filter, on random caches
//! moved by random writes (inserts, status and finish changes, services and
//! providers changed, deletions, a service renamed to another speed), at
//! random windows, "now"s and multipliers. The aggregate tables themselves
//! are compared with a recount of the orders after every batch of writes.
//! A first backfill sets the upkeep aside and ends with it whole and exact.

use paneldesk_core::browse::{self, Filter, OrderFilter, PageRequest};
use paneldesk_core::db::{self, Db, ReadConn};
use paneldesk_core::paths::DataDir;
use paneldesk_core::reports::{self, CountFrom, ServiceHealthParams};
use paneldesk_core::settings::set_per_fetch_everywhere;
use paneldesk_core::store;
use paneldesk_core::sync::Resource;
use paneldesk_fakepanel::{Config, FakePanel, Faults};
use rusqlite::params;

mod common;

const DAY: i64 = 86_400;
const T0: i64 = 1_700_000_000 - 6 * DAY;

/// A small deterministic generator (splitmix64): a failing seed replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: i64) -> i64 {
        (self.next() % n as u64) as i64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as i64) as usize]
    }
    fn chance(&mut self, percent: i64) -> bool {
        self.below(100) < percent
    }
}

const STATUSES: &[&str] = &[
    "pending",
    "in_progress",
    "processing",
    "awaiting",
    "completed",
    "completed",
    "completed",
    "partial",
    "canceled",
    "error",
];
const PROVIDERS: &[Option<&str>] = &[Some("a.example"), Some("b.example"), None];
/// Service ids of the orders: 105 is in no catalogue, None is no service.
const SERVICES: &[Option<i64>] = &[Some(101), Some(102), Some(103), Some(104), Some(105), None];

fn insert(conn: &ReadConn, rng: &mut Rng, panel: i64, id: i64) {
    let created = T0 + rng.below(6 * DAY);
    let status = *rng.pick(STATUSES);
    let finished = match status {
        "completed" | "partial" | "canceled" => {
            if rng.chance(5) {
                None // first seen finished, with no finish time
            } else if rng.chance(3) {
                Some(created - 1 - rng.below(3_600)) // a panel's clock before its creation
            } else {
                Some(created + rng.below(2 * DAY))
            }
        }
        _ => None,
    };
    let quantity = 100 + rng.below(20_000);
    let service = *rng.pick(SERVICES);
    let provider = *rng.pick(PROVIDERS);
    let remains = if rng.chance(20) {
        0
    } else {
        rng.below(quantity)
    };
    let name = match service {
        Some(105) => "Retired [100/Min]",
        _ => "as ordered",
    };
    // The sync's upsert: a row seen again is updated in place.
    conn.execute(
        "INSERT INTO orders (panel_id, id, user, link, quantity, remains, service_id, service_name,
            status, provider, created, finished_at, mode, creation_type, synced_at)
         VALUES (?1, ?2, ?13, ?14, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0)
         ON CONFLICT (panel_id, id) DO UPDATE SET user = excluded.user, link = excluded.link,
            quantity = excluded.quantity, remains = excluded.remains,
            service_id = excluded.service_id, status = excluded.status, provider = excluded.provider,
            created = excluded.created, finished_at = excluded.finished_at, mode = excluded.mode,
            creation_type = excluded.creation_type",
        params![
            panel,
            id,
            quantity,
            remains,
            service,
            name,
            status,
            provider,
            created,
            finished,
            *rng.pick(&[Some("auto"), Some("manual"), None]),
            *rng.pick(&[Some("api"), Some("web"), None]),
            *rng.pick(USERS),
            link(rng)
        ],
    )
    .unwrap();
}

/// Customers, some names beyond ASCII (the index folds their case, LIKE does not).
const USERS: &[&str] = &[
    "annabelle",
    "bobby_k",
    "Ömer.yılmaz",
    "carla99",
    "DENIZ_shop",
];

fn link(rng: &mut Rng) -> String {
    let host = rng.pick(&[
        "https://insta.example/p/",
        "http://tt.example/@",
        "https://yt.example/watch?v=",
    ]);
    let word = rng.pick(&["Reel", "post", "VIDEO", "Çiçek", "100%_real"]);
    format!("{host}{word}{}", rng.below(400))
}

/// Random writes of every kind the cache sees.
fn move_orders(conn: &ReadConn, rng: &mut Rng, panel: i64, ids: i64, n: usize) {
    for _ in 0..n {
        let id = 1 + rng.below(ids);
        match rng.below(7) {
            0 => insert(conn, rng, panel, id),
            1 => {
                // Delivered now.
                let status = *rng.pick(&["completed", "partial"]);
                conn.execute(
                    "UPDATE orders SET status = ?3, remains = 0,
                        finished_at = coalesce(finished_at, created + ?4)
                     WHERE panel_id = ?1 AND id = ?2",
                    params![panel, id, status, rng.below(DAY)],
                )
                .unwrap();
            }
            2 => {
                // Canceled or refunded after it finished: the finish time stays.
                conn.execute(
                    "UPDATE orders SET status = 'canceled' WHERE panel_id = ?1 AND id = ?2",
                    params![panel, id],
                )
                .unwrap();
            }
            3 => {
                conn.execute(
                    "UPDATE orders SET provider = ?3 WHERE panel_id = ?1 AND id = ?2",
                    params![panel, id, *rng.pick(PROVIDERS)],
                )
                .unwrap();
            }
            4 => {
                conn.execute(
                    "UPDATE orders SET service_id = ?3, quantity = ?4 WHERE panel_id = ?1 AND id = ?2",
                    params![panel, id, *rng.pick(SERVICES), 100 + rng.below(20_000)],
                )
                .unwrap();
            }
            5 => {
                conn.execute(
                    "DELETE FROM orders WHERE panel_id = ?1 AND id = ?2",
                    params![panel, id],
                )
                .unwrap();
            }
            6 if rng.chance(50) => {
                // The customer corrected the link.
                conn.execute(
                    "UPDATE orders SET link = ?3 WHERE panel_id = ?1 AND id = ?2",
                    params![panel, id, link(rng)],
                )
                .unwrap();
            }
            _ => {
                // Written again unchanged, as every sync pass does.
                conn.execute(
                    "UPDATE orders SET status = status, created = created, synced_at = synced_at + 1
                     WHERE panel_id = ?1 AND id = ?2",
                    params![panel, id],
                )
                .unwrap();
            }
        }
    }
}

fn keep_rules(db: &Db, panels: &[i64]) {
    let mut cache = db.cache().unwrap();
    let local = db.local().unwrap();
    let tx = cache.begin().unwrap();
    for &p in panels {
        store::keep_slow_rules(&tx, &local, p).unwrap();
    }
    tx.commit().unwrap();
}

/// The aggregate tables hold what a recount of the orders gives.
fn assert_tables_recount(conn: &ReadConn, seed: u64) {
    for (what, kept, recount) in [
        (
            "agg_orders",
            "SELECT panel_id, hour, service_id, provider, status, mode, source, orders
             FROM agg_orders WHERE orders <> 0",
            "SELECT panel_id, created / 3600, coalesce(service_id, -1), coalesce(provider, ''), status,
                    coalesce(mode, ''), coalesce(creation_type, ''), count(*)
             FROM orders GROUP BY 1, 2, 3, 4, 5, 6, 7",
        ),
        (
            "agg_order_statuses",
            "SELECT panel_id, status, orders FROM agg_order_statuses WHERE orders <> 0",
            "SELECT panel_id, status, count(*) FROM orders GROUP BY 1, 2",
        ),
        (
            "agg_finished",
            "SELECT panel_id, hour, service_id, provider, finished FROM agg_finished WHERE finished <> 0",
            "SELECT panel_id, finished_at / 3600, coalesce(service_id, -1), coalesce(provider, ''), count(*)
             FROM orders WHERE status IN ('completed', 'partial') AND finished_at >= created
             GROUP BY 1, 2, 3, 4",
        ),
        (
            "agg_slow",
            "SELECT panel_id, multiplier, hour, service_id, provider, slow FROM agg_slow WHERE slow <> 0",
            "SELECT o.panel_id, r.multiplier, o.finished_at / 3600, o.service_id, coalesce(o.provider, ''), count(*)
             FROM orders o JOIN agg_slow_rules r ON r.panel_id = o.panel_id AND r.service_id = o.service_id
             WHERE o.status IN ('completed', 'partial') AND o.finished_at >= o.created
               AND (o.finished_at - o.created) * r.amount > o.quantity * r.per_s * r.multiplier
             GROUP BY 1, 2, 3, 4, 5",
        ),
    ] {
        let differ: i64 = conn
            .query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM ({kept} EXCEPT {recount}))
                          + (SELECT count(*) FROM ({recount} EXCEPT {kept}))"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(differ, 0, "seed {seed}: {what} differs from a recount of the orders");
    }
}

/// Service health from the aggregates equals it from the orders, at many
/// random windows.
fn assert_reports_equal(conn: &ReadConn, rng: &mut Rng, seed: u64) {
    let mut with_slow = 0;
    for _ in 0..30 {
        let mut at = T0 + rng.below(7 * DAY);
        match rng.below(4) {
            0 => at -= at.rem_euclid(3_600),     // on an hour
            1 => at -= at.rem_euclid(3_600) + 1, // a second before one
            _ => {}
        }
        let mut p = ServiceHealthParams::new(at);
        p.window_hours = match rng.below(8) {
            0 => 0.5,
            1 => 1.0,
            2 => 1.5,
            3 => 2.0,
            4 => 24.0,
            5 => 72.0,
            6 => (rng.below(1_000) + 1) as f64 / 7.0,
            _ => 200.0,
        };
        p.slow_multiplier = *rng.pick(&[2.0, 3.5, 1.25]);
        p.stuck_after_h = *rng.pick(&[0.0, 6.0, 12.0]);
        p.min_orders = rng.below(6);
        p.panel = *rng.pick(&[None, Some(1), Some(2)]);
        let case = format!(
            "seed {seed}, at {at}, {} h, multiplier {}, panel {:?}",
            p.window_hours, p.slow_multiplier, p.panel
        );
        let from_orders = reports::service_health_from(conn, &p, CountFrom::Orders).unwrap();
        if from_orders
            .services
            .iter()
            .any(|r| r.orders_in_window > 0 && r.finished_in_window > 0 && r.slow > 0)
        {
            with_slow += 1;
        }
        assert_eq!(
            reports::service_health_from(conn, &p, CountFrom::Aggregates).unwrap(),
            from_orders,
            "{case}"
        );
        assert_eq!(
            reports::service_health_by_provider_from(conn, &p, CountFrom::Aggregates).unwrap(),
            reports::service_health_by_provider_from(conn, &p, CountFrom::Orders).unwrap(),
            "{case}: by provider"
        );
    }
    assert!(
        with_slow >= 15,
        "seed {seed}: only {with_slow} of 30 windows held slow orders"
    );
}

/// The Orders screen's count of a random filter (from the hourly counts
/// and the range's partial hours) equals a count of the orders.
fn assert_counts_equal(conn: &ReadConn, rng: &mut Rng, seed: u64) {
    for _ in 0..40 {
        let mut f = OrderFilter {
            panel_id: *rng.pick(&[None, Some(1), Some(2)]),
            status: rng
                .pick(&[None, Some("completed"), Some("pending"), Some("canceled")])
                .map(str::to_owned),
            mode: rng
                .pick(&[None, Some("auto"), Some("manual")])
                .map(str::to_owned),
            source: rng
                .pick(&[None, Some("api"), Some("web")])
                .map(str::to_owned),
            service_id: *rng.pick(&[None, Some(101), Some(105)]),
            provider: rng.pick(&[None, Some("a.example")]).map(|p| p.to_string()),
            ..OrderFilter::default()
        };
        let mut edge = || {
            let t = T0 + rng.below(7 * DAY);
            match rng.below(3) {
                0 => t - t.rem_euclid(3_600),
                1 => t - t.rem_euclid(3_600) + 1,
                _ => t,
            }
        };
        let (a, b) = (edge(), edge());
        f.created_from = rng.chance(70).then_some(a.min(b));
        f.created_to = rng.chance(70).then_some(a.max(b) + rng.below(3) * 1_800);
        let sql = "SELECT count(*) FROM orders WHERE (?1 IS NULL OR panel_id = ?1)
            AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR mode = ?3) AND (?4 IS NULL OR creation_type = ?4)
            AND (?5 IS NULL OR service_id = ?5) AND (?6 IS NULL OR provider = ?6)
            AND (?7 IS NULL OR created >= ?7) AND (?8 IS NULL OR created < ?8)";
        let expected: i64 = conn
            .query_row(
                sql,
                params![
                    f.panel_id,
                    f.status,
                    f.mode,
                    f.source,
                    f.service_id,
                    f.provider,
                    f.created_from,
                    f.created_to
                ],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            f.count(conn).unwrap(),
            expected as u64,
            "seed {seed}: {f:?}"
        );
    }
}

/// A search for part of a link or username finds what LIKE over every
/// order finds, whether the trigram index narrows it or not (too short,
/// too common): counts, and the first page's orders.
fn assert_searches_equal(conn: &ReadConn, rng: &mut Rng, seed: u64) {
    // 30 orders picked by the seed's generator (replayable, unlike random()).
    let texts: Vec<String> = {
        let mut st = conn
            .prepare("SELECT link, user FROM orders ORDER BY panel_id, id LIMIT 1 OFFSET ?1")
            .unwrap();
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
            .unwrap();
        (0..30)
            .flat_map(|_| {
                let (link, user): (String, String) = st
                    .query_row([rng.below(rows)], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap();
                [link, user]
            })
            .collect()
    };
    let mut searches: Vec<String> =
        vec!["zzzq".into(), "ab".into(), "example".into(), "%_r".into()];
    for text in texts {
        let chars: Vec<char> = text.chars().collect();
        let len = 3 + rng.below(5) as usize;
        if chars.len() <= len {
            continue;
        }
        let at = rng.below((chars.len() - len) as i64) as usize;
        let part: String = chars[at..at + len].iter().collect();
        if part.parse::<i64>().is_ok() {
            continue; // a number is an order ID, not part of a text
        }
        // Half in another case: LIKE folds ASCII only, and so must the answer.
        searches.push(if rng.chance(50) {
            part.to_uppercase()
        } else {
            part
        });
    }
    for text in searches {
        let f = OrderFilter {
            panel_id: *rng.pick(&[None, Some(1), Some(2)]),
            text: Some(text.clone()),
            ..OrderFilter::default()
        };
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let matches: Vec<(i64, i64)> = {
            let mut st = conn
                .prepare(
                    "SELECT panel_id, id FROM orders WHERE (?1 IS NULL OR panel_id = ?1)
                     AND (link LIKE ?2 ESCAPE '\\' OR user LIKE ?2 ESCAPE '\\')",
                )
                .unwrap();
            st.query_map(params![f.panel_id, format!("%{escaped}%")], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        assert_eq!(
            f.count(conn).unwrap(),
            matches.len() as u64,
            "seed {seed}: {text:?}"
        );
        let page = f
            .list(
                conn,
                &PageRequest {
                    sort: None,
                    after: None,
                    limit: Some(50),
                },
            )
            .unwrap();
        let mut got: Vec<(i64, i64)> = page.rows.iter().map(|o| (o.panel_id, o.id)).collect();
        got.sort_unstable();
        if matches.len() <= 50 {
            let mut want = matches;
            want.sort_unstable();
            assert_eq!(got, want, "seed {seed}: the page for {text:?}");
        } else {
            assert_eq!(got.len(), 50, "seed {seed}: the page for {text:?}");
            assert!(
                got.iter().all(|o| matches.contains(o)),
                "seed {seed}: {text:?}"
            );
        }
    }
}

#[test]
fn service_health_and_order_counts_from_the_hourly_aggregates_equal_them_from_the_orders() {
    for seed in [1_u64, 2, 3, 4] {
        let tmp = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(tmp.path())).unwrap();
        let conn = db.read().unwrap();
        let mut rng = Rng(seed);
        for (name, currency) in [("Main", "USD"), ("Second", "EUR")] {
            conn.execute(
                "INSERT INTO local.panels (name, base_url, created_at, currency) VALUES (?1, ?2, 0, ?3)",
                params![name, format!("https://{name}.example/adminapi/v2"), currency],
            )
            .unwrap();
        }
        for (panel, id, name) in [
            (1, 101, "Likes [Speed: 5-10K/Day]"),
            (1, 102, "Views 1M/Day"),
            (1, 103, "Followers Speed: 500/Hour"),
            (1, 104, "No speed here"),
            (2, 101, "Likes 2K/Day"),
            (2, 103, "Followers [50/Min]"),
        ] {
            conn.execute(
                "INSERT INTO services (panel_id, id, name, synced_at) VALUES (?1, ?2, ?3, 0)",
                params![panel, id, name],
            )
            .unwrap();
        }
        // A profile's multiplier is kept beside the default.
        conn.execute(
            "INSERT INTO local.service_health_profiles (name, slow_multiplier, created_at) VALUES ('Fast', 3.5, 0)",
            [],
        )
        .unwrap();
        const IDS: i64 = 1_500;
        // Half the orders counted by the first rules' pass, half by the triggers.
        for panel in [1, 2] {
            for id in 1..=IDS / 2 {
                insert(&conn, &mut rng, panel, id);
            }
        }
        keep_rules(&db, &[1, 2]);
        let rules: i64 = conn
            .query_row("SELECT count(*) FROM agg_slow_rules", [], |r| r.get(0))
            .unwrap();
        // Panel 1: 101, 102, 103, 105 (from its orders' name); panel 2: 101,
        // 103, 105; each at the default and the profile's multiplier.
        assert_eq!(rules, 14, "seed {seed}: the rules kept");
        for panel in [1, 2] {
            for id in IDS / 2 + 1..=IDS {
                insert(&conn, &mut rng, panel, id);
            }
            move_orders(&conn, &mut rng, panel, IDS, 800);
        }
        assert_tables_recount(&conn, seed);
        assert_reports_equal(&conn, &mut rng, seed);
        assert_counts_equal(&conn, &mut rng, seed);
        assert_searches_equal(&conn, &mut rng, seed);

        // A service renamed to another speed: until the rules are kept
        // again, the report counts it from the orders; after, from its new rule.
        conn.execute(
            "UPDATE services SET name = 'Followers Speed: 800/Hour' WHERE panel_id = 1 AND id = 103",
            [],
        )
        .unwrap();
        move_orders(&conn, &mut rng, 1, IDS, 300);
        assert_reports_equal(&conn, &mut rng, seed);
        keep_rules(&db, &[1, 2]);
        move_orders(&conn, &mut rng, 2, IDS, 300);
        assert_tables_recount(&conn, seed);
        assert_reports_equal(&conn, &mut rng, seed);
    }
}

/// What a reader sees equals what the orders alone give: the dashboard's
/// totals, the Orders screen's counts and filter choices, service health
/// at 24 and 72 hours. True whether the aggregates are kept or set aside.
fn assert_reads_exact(conn: &ReadConn, at: i64, when: &str) {
    let count =
        |sql: &str| -> u64 { conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64 };
    let orders = count("SELECT count(*) FROM orders");
    assert!(orders > 0, "{when}: no order cached");
    let dash = browse::dashboard(conn).unwrap();
    assert_eq!(
        dash.panels.iter().map(|p| p.orders).sum::<u64>(),
        orders,
        "{when}: the dashboard's orders"
    );
    assert_eq!(
        dash.panels.iter().map(|p| p.open_orders).sum::<u64>(),
        count(&format!(
            "SELECT count(*) FROM orders WHERE status IN {}",
            paneldesk_core::model::sql_list(&paneldesk_core::model::OPEN_ORDER_STATUSES)
        )),
        "{when}: the dashboard's open orders"
    );
    assert_eq!(
        OrderFilter::default().count(conn).unwrap(),
        orders,
        "{when}: the Orders screen's count"
    );
    let completed = OrderFilter {
        status: Some("completed".into()),
        ..OrderFilter::default()
    };
    assert_eq!(
        completed.count(conn).unwrap(),
        count("SELECT count(*) FROM orders WHERE status = 'completed'"),
        "{when}: completed orders"
    );
    // Part of a link: through the search index once it is whole, by a scan before.
    let link: String = conn
        .query_row(
            "SELECT link FROM orders ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let part: String = link
        .chars()
        .rev()
        .take(7)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let searched = OrderFilter {
        text: Some(part.clone()),
        ..OrderFilter::default()
    };
    let like: u64 = conn
        .query_row(
            "SELECT count(*) FROM orders WHERE link LIKE ?1 OR user LIKE ?1",
            [format!("%{part}%")],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as u64;
    assert!(like > 0);
    assert_eq!(
        searched.count(conn).unwrap(),
        like,
        "{when}: a search for {part:?}"
    );
    let statuses: Vec<String> = {
        let mut st = conn
            .prepare("SELECT DISTINCT status FROM orders ORDER BY 1")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        browse::facets(conn).unwrap().order_statuses,
        statuses,
        "{when}: the status choices"
    );
    for hours in [24.0, 72.0] {
        let mut p = ServiceHealthParams::new(at);
        p.window_hours = hours;
        let report = reports::service_health(conn, &p).unwrap();
        assert!(
            report.services.iter().any(|r| r.orders_in_window > 0),
            "{when}: {hours} h is empty"
        );
        assert_eq!(
            report,
            reports::service_health_from(conn, &p, CountFrom::Orders).unwrap(),
            "{when}: {hours} h"
        );
        assert_eq!(
            reports::service_health_by_provider(conn, &p).unwrap(),
            reports::service_health_by_provider_from(conn, &p, CountFrom::Orders).unwrap(),
            "{when}: {hours} h by provider"
        );
    }
}

/// The orders' indexes and triggers, by name and statement.
fn orders_schema(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    let mut st = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'orders' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_first_backfill_sets_its_upkeep_aside_and_ends_with_it_whole_and_exact() {
    let now = chrono::Utc::now().timestamp();
    let fake = FakePanel::spawn(Config {
        now,
        order_days: 3,
        ..Config::with_orders(6_000)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let fresh = {
        let t = tempfile::tempdir().unwrap();
        orders_schema(&Db::open(&DataDir::new(t.path())).unwrap().cache().unwrap())
    };
    common::env_panel(&db, "First", &fake, 1_000.0);
    let actor = paneldesk_core::activity::Actor::cli();
    set_per_fetch_everywhere(&db.local().unwrap(), db.install_id(), &actor, 500).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = common::engine(&db);
    let sync = || {
        rt.block_on(engine.sync_once(None, &[Resource::Orders]))
            .unwrap()
            .remove(0)
            .error
    };

    // Halfway through, the panel fails: the upkeep stays set aside, and
    // every read still answers exactly, from the orders.
    fake.set_faults(Faults {
        fail_from_offset: Some(3_000),
        ..Faults::default()
    });
    assert!(sync().is_some(), "the backfill was to fail halfway");
    let conn = db.read().unwrap();
    assert!(
        !db::aggregates_kept(&conn).unwrap(),
        "the upkeep was not set aside"
    );
    let names: Vec<String> = orders_schema(&conn).into_iter().map(|(n, _)| n).collect();
    for gone in ["orders_user", "orders_charge", "orders_agg_insert"] {
        assert!(
            !names.iter().any(|n| n == gone),
            "{gone} is still there during the first backfill"
        );
    }
    // What the reads walk once per service or name in `INDEXED BY` stays:
    // without it, service health during a first sync scans once per service.
    for kept in [
        "orders_service",
        "orders_created",
        "orders_finished",
        "orders_open",
    ] {
        assert!(
            names.iter().any(|n| n == kept),
            "{kept} was set aside during the first backfill"
        );
    }
    assert_reads_exact(&conn, now, "halfway");

    // The next run ends the backfill: the indexes and triggers are a fresh
    // cache's but the search index's, and every aggregate equals a recount
    // of the orders.
    fake.set_faults(Faults::default());
    assert_eq!(sync().map(|e| e.to_string()), None);
    assert!(db::aggregates_kept(&conn).unwrap());
    let text_triggers = |schema: &[(String, String)]| {
        schema
            .iter()
            .filter(|(n, _)| n.starts_with("orders_text_"))
            .count()
    };
    let without_search: Vec<_> = fresh
        .iter()
        .filter(|(n, _)| !n.starts_with("orders_text_"))
        .cloned()
        .collect();
    assert_eq!(text_triggers(&fresh), 3);
    assert_eq!(
        orders_schema(&conn),
        without_search,
        "the orders' indexes and triggers after the backfill"
    );
    assert!(!db::search_index_whole(&conn).unwrap());
    assert_tables_recount(&conn, 0);
    assert_reads_exact(
        &conn,
        now,
        "after the backfill, the search index not filled",
    );

    // The pass after it fills the search index and puts its triggers back.
    assert_eq!(sync().map(|e| e.to_string()), None);
    assert!(db::search_index_whole(&conn).unwrap());
    assert_eq!(
        orders_schema(&conn),
        fresh,
        "the orders' indexes and triggers after the next pass"
    );
    let rules: i64 = conn
        .query_row("SELECT count(*) FROM agg_slow_rules", [], |r| r.get(0))
        .unwrap();
    assert!(rules > 0, "the slow rules were not counted again");
    assert_reads_exact(&conn, now, "after the backfill");
    let all = fake.with_world(|w| w.orders.len()) as u64;
    assert_eq!(
        OrderFilter::default().count(&conn).unwrap(),
        all,
        "the cache holds every order"
    );

    // A second panel's first backfill finds orders in the cache: the
    // upkeep stays, so the first panel's reads stay fast and exact.
    let second = FakePanel::spawn(Config {
        now,
        order_days: 3,
        seed: 2,
        ..Config::with_orders(2_000)
    })
    .unwrap();
    common::env_panel(&db, "Second", &second, 1_000.0);
    set_per_fetch_everywhere(&db.local().unwrap(), db.install_id(), &actor, 500).unwrap();
    second.set_faults(Faults {
        fail_from_offset: Some(1_000),
        ..Faults::default()
    });
    rt.block_on(engine.sync_once(None, &[Resource::Orders]))
        .unwrap();
    assert!(
        db::aggregates_kept(&conn).unwrap(),
        "a backfill beside cached orders set the upkeep aside"
    );
    assert_eq!(orders_schema(&conn), fresh);
    assert_tables_recount(&conn, 0);
}

/// The dashboard's users, payments, tickets and open tickets, kept by
/// triggers (cache migration 0009), equal counts of the tables after random
/// writes through the sync's own functions: new rows, rows written again
/// (users and payments by INSERT OR REPLACE, tickets by an upsert), ticket
/// statuses moving in and out of 'closed' in any case, deletions, and a
/// panel forgotten.
#[test]
fn the_dashboards_kept_totals_equal_counts_of_the_tables_after_random_writes() {
    use paneldesk_core::model::{Payment, Ticket, User};
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let conn = db.read().unwrap();
    for name in ["Main", "Second"] {
        conn.execute(
            "INSERT INTO local.panels (name, base_url, created_at) VALUES (?1, ?2, 0)",
            params![name, format!("https://{name}.example/adminapi/v2")],
        )
        .unwrap();
    }
    let mut rng = Rng(20);
    let mut cache = db.cache().unwrap();
    let assert_totals = |step: &str| {
        let dash = browse::dashboard(&conn).unwrap();
        for p in &dash.panels {
            let count = |sql: &str| -> u64 {
                conn.query_row(sql, [p.panel_id], |r| r.get::<_, i64>(0))
                    .unwrap() as u64
            };
            let case = format!("{step}, panel {}", p.panel_id);
            assert_eq!(
                p.users,
                count("SELECT count(*) FROM users WHERE panel_id = ?1"),
                "{case}: users"
            );
            assert_eq!(
                p.payments,
                count("SELECT count(*) FROM payments WHERE panel_id = ?1"),
                "{case}: payments"
            );
            assert_eq!(
                p.tickets,
                count("SELECT count(*) FROM tickets WHERE panel_id = ?1"),
                "{case}: tickets"
            );
            assert_eq!(
                p.open_tickets,
                count("SELECT count(*) FROM tickets WHERE panel_id = ?1 AND lower(status) <> 'closed'"),
                "{case}: open tickets"
            );
        }
    };
    for step in 0..5 {
        let tx = cache.begin().unwrap();
        for _ in 0..400 {
            let panel = *rng.pick(&[1, 2]);
            let id = rng.below(300);
            let status = rng
                .pick(&["open", "closed", "Closed", "answered", "pending"])
                .to_string();
            match rng.below(6) {
                0 => store::upsert_users(
                    &tx,
                    panel,
                    &[User {
                        id,
                        username: format!("u{id}"),
                        email: None,
                        balance: None,
                        spent: None,
                        status,
                        created: Some(T0),
                        last_auth: None,
                        discount: None,
                    }],
                    T0,
                )
                .unwrap(),
                1 => store::upsert_payments(
                    &tx,
                    panel,
                    &[Payment {
                        id,
                        user: format!("u{id}"),
                        balance: None,
                        amount: None,
                        method: "card".into(),
                        status,
                        fraud_risk: None,
                        memo: String::new(),
                        mode: None,
                        created: Some(T0 + id),
                        updated: None,
                    }],
                    T0,
                )
                .unwrap(),
                2 | 3 => store::upsert_tickets(
                    &tx,
                    panel,
                    &[Ticket {
                        id,
                        user_id: None,
                        username: format!("u{id}"),
                        subject: "s".into(),
                        status,
                        assignee: None,
                        created: Some(T0 + id),
                        last_update: Some(T0 + id),
                    }],
                    T0,
                )
                .unwrap(),
                _ => {
                    let table = *rng.pick(&["users", "payments", "tickets"]);
                    store::delete_rows(&tx, table, panel, &[id]).unwrap();
                }
            }
        }
        tx.commit().unwrap();
        assert_totals(&format!("step {step}"));
    }
    let tx = cache.begin().unwrap();
    db::forget_panel(&tx, 2).unwrap();
    tx.commit().unwrap();
    assert_totals("panel 2 forgotten");
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM row_counts WHERE panel_id = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the forgotten panel's totals stayed");
}
