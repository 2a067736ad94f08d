//! The reports on small hand-built caches: each rule of PRODUCT.md's "Report
//! rules", with the expected numbers worked out by hand beside the data.

use paneldesk_core::db::ReadConn;
use paneldesk_core::db::{migrate_to, Db, Schema};
use paneldesk_core::export::CsvStyle;
use paneldesk_core::paths::DataDir;
use paneldesk_core::reports::{
    self, HealthStatus, ServiceHealthParams, TopSpendersParams, WindowParams,
};
use paneldesk_core::staff;
use rusqlite::{params, Connection};
use serde_json::{json, Value};

/// "Now" in every test.
const AT: i64 = 1_700_000_000;
const H: i64 = 3_600;
const D: i64 = 86_400;
/// The excluded start of the default 24 h window.
const FROM: i64 = AT - D;

struct Fx {
    _tmp: tempfile::TempDir,
    db: Db,
    conn: ReadConn,
}

fn fx() -> Fx {
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let conn = db.read().unwrap();
    Fx {
        _tmp: tmp,
        db,
        conn,
    }
}

impl Fx {
    fn panel(&self, name: &str, currency: &str) -> i64 {
        self.conn
            .execute(
                "INSERT INTO local.panels (name, base_url, created_at, currency) VALUES (?1, ?2, 0, ?3)",
                params![name, format!("https://{name}.example/adminapi/v2"), currency],
            )
            .unwrap();
        self.conn.last_insert_rowid()
    }

    fn service(&self, panel: i64, id: i64, name: &str) {
        self.conn
            .execute(
                "INSERT INTO services (panel_id, id, name, synced_at) VALUES (?1, ?2, ?3, 0)",
                params![panel, id, name],
            )
            .unwrap();
    }

    fn order(&self, panel: i64, o: O) {
        self.conn
            .execute(
                "INSERT INTO orders (panel_id, id, user, charge, link, quantity, remains, service_id, service_name,
                    status, created, last_update, finished_at, synced_at)
                 VALUES (?1, ?2, ?3, ?4, 'https://x', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, 0)",
                params![
                    panel, o.id, o.user, o.charge, o.quantity, o.remains, o.service, o.name, o.status, o.created,
                    o.finished
                ],
            )
            .unwrap();
    }

    fn user(&self, panel: i64, id: i64, username: &str, created: i64, spent: Option<i64>) {
        self.conn
            .execute(
                "INSERT INTO users (panel_id, id, username, email, spent, status, created, synced_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6, 0)",
                params![panel, id, username, format!("{username}@mail.example"), spent, created],
            )
            .unwrap();
    }

    fn payment(&self, panel: i64, id: i64, user: &str, amount: i64, status: &str, created: i64) {
        self.conn
            .execute(
                "INSERT INTO payments (panel_id, id, user, amount, method, status, memo, created, synced_at)
                 VALUES (?1, ?2, ?3, ?4, 'card', ?5, '', ?6, 0)",
                params![panel, id, user, amount, status, created],
            )
            .unwrap();
    }

    /// A ticket; `fetched` says whether its messages are cached.
    fn ticket(&self, panel: i64, id: i64, subject: &str, created: i64, fetched: bool) {
        self.conn
            .execute(
                "INSERT INTO tickets (panel_id, id, username, subject, status, created, last_update, messages_at, synced_at)
                 VALUES (?1, ?2, 'cust', ?3, 'pending', ?4, ?4, ?5, 0)",
                params![panel, id, subject, created, fetched.then_some(created)],
            )
            .unwrap();
    }

    /// The ticket's next message; `staff` is the staff name of a staff message.
    /// Written as a message cached before migration 3 (no plain text), with
    /// the order IDs it quotes as migration 10 finds them.
    fn msg(&self, panel: i64, ticket: i64, staff: Option<&str>, created: Option<i64>, html: &str) {
        let seq: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM ticket_messages WHERE panel_id = ?1 AND ticket_id = ?2",
                params![panel, ticket],
                |r| r.get(0),
            )
            .unwrap();
        self.conn
            .execute(
                "INSERT INTO ticket_messages (panel_id, ticket_id, seq, message, is_staff, staff_name, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![panel, ticket, seq, html, staff.is_some(), staff, created],
            )
            .unwrap();
        let plain = paneldesk_core::text::strip_html(html);
        paneldesk_core::db::quoted_orders::write(&self.conn, panel, ticket, seq, created, &plain)
            .unwrap();
    }

    /// A conversation as a table: (staff name, or None for the customer; time; message).
    fn conversation(&self, panel: i64, ticket: i64, messages: &[(Option<&str>, i64, &str)]) {
        for &(staff, created, html) in messages {
            self.msg(panel, ticket, staff, Some(created), html);
        }
    }

    fn customer(&self, panel: i64, ticket: i64, created: i64, html: &str) {
        self.msg(panel, ticket, None, Some(created), html);
    }

    fn staff(&self, panel: i64, ticket: i64, name: &str, created: i64, html: &str) {
        self.msg(panel, ticket, Some(name), Some(created), html);
    }
}

/// An order row; `finished` is its recorded finish time.
#[derive(Clone)]
struct O {
    id: i64,
    user: &'static str,
    charge: Option<i64>,
    quantity: i64,
    remains: i64,
    service: Option<i64>,
    name: &'static str,
    status: &'static str,
    created: i64,
    finished: Option<i64>,
}

impl Default for O {
    fn default() -> Self {
        O {
            id: 0,
            user: "someone",
            charge: None,
            quantity: 1_000,
            remains: 0,
            service: None,
            name: "",
            status: "canceled",
            created: AT - H,
            finished: None,
        }
    }
}

/// An order in a table of cases: (status, created, finished, remains, quantity).
type Row = (&'static str, i64, Option<i64>, i64, i64);

/// A customer's order in a top-spenders case: (username, charge, status, service, created).
type Spend = (&'static str, Option<i64>, &'static str, Option<i64>, i64);

/// Numbered orders, so each test can write `next()` for an id.
struct Ids(i64);
impl Ids {
    fn next(&mut self) -> i64 {
        self.0 += 1;
        self.0
    }
}

fn usd(units: f64) -> Option<i64> {
    Some((units * 1_000_000.0).round() as i64)
}

fn health(fx: &Fx, p: &ServiceHealthParams) -> Vec<(String, i64, Option<f64>, HealthStatus)> {
    reports::service_health(&fx.conn, p)
        .unwrap()
        .services
        .into_iter()
        .map(|r| (r.panel, r.service_id, r.score, r.status))
        .collect()
}

#[test]
fn service_health_by_the_rules() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    let beta = fx.panel("Beta", "EUR");
    let mut ids = Ids(1_000);
    // Each service's orders as a table: one row an order, the comment what
    // the rules make of it; `filler` adds canceled orders created inside the
    // window (they only count toward orders_in_window).
    let service = |ids: &mut Ids, panel: i64, id: i64, name: &str, rows: &[Row], filler: usize| {
        fx.service(panel, id, name);
        for &(status, created, finished, remains, quantity) in rows {
            fx.order(
                panel,
                O {
                    id: ids.next(),
                    service: Some(id),
                    status,
                    created,
                    finished,
                    remains,
                    quantity,
                    ..O::default()
                },
            );
        }
        for _ in 0..filler {
            fx.order(
                panel,
                O {
                    id: ids.next(),
                    service: Some(id),
                    ..O::default()
                },
            );
        }
    };
    const Q: i64 = 1_000; // the default quantity

    // 1K/Day, multiplier 2 => a 1000-order may take 172,800 s.
    // => orders 6, stuck 2, finished 2, slow 1, slow% 50, score 100 - 10 - 50 = 40: warning.
    #[rustfmt::skip]
    service(&mut ids, main, 1, "Likes [Speed: 1K/Day]", &[
        // status       created                finished          remains  quantity
        ("canceled",    FROM,                  None,             0,       Q), // at the window's start: out
        ("canceled",    AT,                    None,             0,       Q), // at its end: in (1)
        ("canceled",    AT + 1,                None,             0,       Q), // after `at`: ignored
        ("in_progress", AT - 12 * H,           None,             10,      Q), // open exactly 12 h: not stuck; in (2)
        ("pending",     AT - 12 * H - 1,       None,             10,      Q), // stuck; in (3)
        ("processing",  AT - 20 * H,           None,             0,       Q), // remains 0: not stuck; in (4)
        ("awaiting",    AT - 30 * D,           None,             5,       Q), // stuck (old, still counts)
        ("canceled",    AT - 30 * D,           None,             5,       Q), // not open
        ("completed",   FROM - 1_000,          Some(FROM),       0,       Q), // finished at the start: out
        ("completed",   AT - 172_800,          Some(AT),         0,       Q), // at the end: in; at the limit: not slow
        ("partial",     AT - 100 - 172_801,    Some(AT - 100),   0,       Q), // in; 1 s over: slow
        ("completed",   AT - 1_000,            None,             0,       Q), // no finish time: neither; in (5)
        ("completed",   AT - 10,               Some(AT + 1),     0,       Q), // finished after `at`: out; in (6)
    ], 0);

    // A range takes its lower end, K applying to both: 5,000/day; a
    // 2500-order may take 2500/5000 day x 2 = 86,400 s.
    // => orders 5 (= min orders: enough), finished 2, slow 1, 50%, score 50: warning.
    // (Read as the upper end, 10,000/day, both would be slow: score 0.)
    #[rustfmt::skip]
    service(&mut ids, main, 2, "Views [Speed: 5-10K/Day]", &[
        ("completed",   AT - 1_000 - 86_400,   Some(AT - 1_000), 0,       2_500), // at the limit: not slow
        ("completed",   AT - 1_000 - 86_401,   Some(AT - 1_000), 0,       2_500), // slow
    ], 5);

    // M = 1,000,000: 1M/Day.
    // => finished 4, slow 1, 25%, score 75: healthy.
    #[rustfmt::skip]
    service(&mut ids, main, 3, "Followers [1M/Day]", &[
        ("completed",   AT - 10 - 172_800,     Some(AT - 10),    0,       1_000_000), // limit 172,800: not slow
        ("completed",   AT - 20 - 172_801,     Some(AT - 20),    0,       1_000_000), // slow
        ("completed",   AT - 30 - 86_400,      Some(AT - 30),    0,       500_000),   // limit 86,400: not slow
        ("completed",   AT - 40 - 345_600,     Some(AT - 40),    0,       2_000_000), // limit 345,600: not slow
    ], 5);

    // No speed in the name: never slow.
    // => finished 1, slow 0, score 100: healthy.
    #[rustfmt::skip]
    service(&mut ids, main, 4, "Comments [Custom]", &[
        ("completed",   AT - 100 * D,          Some(AT - 5),     0,       Q),
    ], 5);

    // 4 orders in the window and none stuck: not enough data.
    service(&mut ids, main, 5, "Shares [Speed: 100/Hour]", &[], 4);

    // Service 6: only seen in orders (named by its latest order); 13 stuck
    // orders cost min(60, 65) = 60: score 40, warning.
    for _ in 0..13 {
        fx.order(
            main,
            O {
                id: ids.next(),
                service: Some(6),
                name: "Old Name",
                status: "in_progress",
                remains: 1,
                created: AT - 13 * H,
                ..O::default()
            },
        );
    }
    fx.order(
        main,
        O {
            id: ids.next(),
            service: Some(6),
            name: "Newer Name",
            created: AT - H,
            ..O::default()
        },
    );

    // 3 stuck (15) and 100% slow: 100 - 15 - 100 < 0, so 0: critical.
    // Scored although no order was created in the window, because some are stuck.
    let stuck = ("pending", AT - 48 * H, None, 1, Q);
    #[rustfmt::skip]
    service(&mut ids, main, 7, "Saves [speed: 1k/h]", &[
        stuck, stuck, stuck,
        ("completed",   AT - 30 * H,           Some(AT - 50),    0,       Q),
    ], 0);

    // Snoozed an hour ago (until AT + 23 h): hidden.
    service(&mut ids, main, 8, "Snoozed", &[stuck; 5], 0);
    reports::snooze(fx.conn.local(), main, 8, AT - H).unwrap();
    // Snoozed 25 h ago, so the snooze ended an hour ago: shown.
    service(&mut ids, main, 9, "Snooze over", &[], 5);
    reports::snooze(fx.conn.local(), main, 9, AT - 25 * H).unwrap();

    // 6 stuck: 100 - 30 = 70 exactly: warning, not healthy.
    service(
        &mut ids,
        main,
        10,
        "Seventy",
        &[("processing", AT - 13 * H, None, 3, Q); 6],
        0,
    );

    // Another panel, same service id: its own row.
    service(&mut ids, beta, 1, "Beta Likes", &[], 5);

    let p = ServiceHealthParams::new(AT);
    let report = reports::service_health(&fx.conn, &p).unwrap();
    let by_id = |panel: &str, id: i64| {
        report
            .services
            .iter()
            .find(|r| r.panel == panel && r.service_id == id)
            .unwrap()
            .clone()
    };
    let s1 = by_id("Main", 1);
    assert_eq!(
        (
            s1.orders_in_window,
            s1.stuck,
            s1.finished_in_window,
            s1.slow,
            s1.slow_pct,
            s1.score
        ),
        (6, 2, 2, 1, 50.0, Some(40.0))
    );
    assert_eq!(s1.status, HealthStatus::Warning);
    let s6 = by_id("Main", 6);
    assert_eq!(s6.service_name, "Newer Name");
    assert_eq!((s6.orders_in_window, s6.stuck), (14, 13));
    let s7 = by_id("Main", 7);
    assert_eq!(
        (
            s7.orders_in_window,
            s7.stuck,
            s7.finished_in_window,
            s7.slow
        ),
        (0, 3, 1, 1)
    );
    let s5 = by_id("Main", 5);
    assert_eq!(
        (s5.orders_in_window, s5.score, s5.status),
        (4, None, HealthStatus::NotEnoughData)
    );

    use HealthStatus::*;
    let m = |id, score, status| ("Main".to_owned(), id, score, status);
    assert_eq!(
        health(&fx, &p),
        vec![
            m(7, Some(0.0), Critical),
            // Ties by panel, then service id.
            m(1, Some(40.0), Warning),
            m(6, Some(40.0), Warning),
            m(2, Some(50.0), Warning),
            m(10, Some(70.0), Warning),
            m(3, Some(75.0), Healthy),
            ("Beta".to_owned(), 1, Some(100.0), Healthy),
            m(4, Some(100.0), Healthy),
            m(9, Some(100.0), Healthy),
            // Not enough data last.
            m(5, None, NotEnoughData),
        ]
    );
    assert_eq!(
        report.critical().map(|r| r.service_id).collect::<Vec<_>>(),
        vec![7]
    );

    // One panel; a profile's services; a longer window re-aggregates.
    let only_beta = ServiceHealthParams {
        panel: Some(beta),
        ..p.clone()
    };
    assert_eq!(
        health(&fx, &only_beta),
        vec![("Beta".to_owned(), 1, Some(100.0), Healthy)]
    );
    let profile = ServiceHealthParams {
        services: Some(vec![(main, 2), (main, 5), (beta, 1)]),
        ..p.clone()
    };
    assert_eq!(
        health(&fx, &profile)
            .into_iter()
            .map(|r| (r.0, r.1))
            .collect::<Vec<_>>(),
        vec![
            ("Main".to_owned(), 2),
            ("Beta".to_owned(), 1),
            ("Main".to_owned(), 5)
        ]
    );
    // 48 h: service 1 gains the orders created at FROM and at FROM - 1000, and the
    // one finished at FROM (not slow: 1000 s): orders 8, finished 3, slow 1,
    // score 100 - 10 - 33.33...
    let wide = ServiceHealthParams {
        window_hours: 48.0,
        ..p.clone()
    };
    let r = reports::service_health(&fx.conn, &wide).unwrap();
    let s1 = r
        .services
        .iter()
        .find(|r| r.panel == "Main" && r.service_id == 1)
        .unwrap();
    assert_eq!(
        (s1.orders_in_window, s1.finished_in_window, s1.slow),
        (8, 3, 1)
    );
    assert_eq!(s1.slow_pct, 100.0 / 3.0);
    assert_eq!(s1.score, Some(90.0 - 100.0 / 3.0));

    // The JSON contract.
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["window_hours"], json!(24.0));
    assert_eq!(v["at"], json!(AT));
    let row = |id: i64| {
        v["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["panel"] == "Main" && r["service_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row(1),
        json!({"panel": "Main", "service_id": 1, "service_name": "Likes [Speed: 1K/Day]", "orders_in_window": 6,
               "finished_in_window": 2, "stuck": 2, "slow": 1, "slow_pct": 50.0, "score": 40.0, "status": "warning"})
    );
    assert_eq!(row(5)["score"], Value::Null);
    assert_eq!(row(5)["status"], "not_enough_data");
    let csv = report.to_csv(CsvStyle::Raw);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "panel,service_id,service_name,orders_in_window,finished_in_window,stuck,slow,slow_pct,score,status"
    );
    assert_eq!(
        lines.next().unwrap(),
        "Main,7,Saves [speed: 1k/h],0,1,3,1,100,0,critical"
    );
    assert!(
        csv.contains("\nMain,5,Shares [Speed: 100/Hour],4,0,0,0,0,,not_enough_data\n"),
        "{csv}"
    );
}

#[test]
fn service_health_min_orders_and_thresholds_are_parameters() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    fx.service(main, 1, "A [Speed: 100/H]");
    // 2 orders in the window, one open for 7 h.
    fx.order(
        main,
        O {
            id: 1,
            service: Some(1),
            status: "pending",
            remains: 5,
            created: AT - 7 * H,
            ..O::default()
        },
    );
    fx.order(
        main,
        O {
            id: 2,
            service: Some(1),
            created: AT - H,
            ..O::default()
        },
    );
    let p = ServiceHealthParams::new(AT);
    assert_eq!(
        health(&fx, &p),
        vec![("Main".into(), 1, None, HealthStatus::NotEnoughData)]
    );
    let p2 = ServiceHealthParams {
        min_orders: 2,
        ..p.clone()
    };
    assert_eq!(
        health(&fx, &p2),
        vec![("Main".into(), 1, Some(100.0), HealthStatus::Healthy)]
    );
    // Stuck after 6 h: the 7 h order is stuck, and a stuck order means enough data.
    let p3 = ServiceHealthParams {
        stuck_after_h: 6.0,
        ..p.clone()
    };
    assert_eq!(
        health(&fx, &p3),
        vec![("Main".into(), 1, Some(95.0), HealthStatus::Healthy)]
    );
    assert!(ServiceHealthParams {
        slow_multiplier: 0.0,
        ..p.clone()
    }
    .validate()
    .is_err());
    assert!(ServiceHealthParams {
        window_hours: -1.0,
        ..p.clone()
    }
    .validate()
    .is_err());
    assert!(p.validate().is_ok());
}

#[test]
fn service_health_slow_multiplier_moves_the_limit() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    fx.service(main, 1, "A [Speed: 50/Min]");
    // 3000 at 50/min = 3,600 s; x 1.5 = 5,400 s.
    fx.order(
        main,
        O {
            id: 1,
            service: Some(1),
            quantity: 3_000,
            status: "completed",
            created: AT - 5_400 - 9,
            finished: Some(AT - 9),
            ..O::default()
        },
    );
    fx.order(
        main,
        O {
            id: 2,
            service: Some(1),
            quantity: 3_000,
            status: "completed",
            created: AT - 5_401 - 9,
            finished: Some(AT - 9),
            ..O::default()
        },
    );
    let p = ServiceHealthParams {
        slow_multiplier: 1.5,
        min_orders: 0,
        ..ServiceHealthParams::new(AT)
    };
    let r = reports::service_health(&fx.conn, &p).unwrap();
    assert_eq!(
        (r.services[0].finished_in_window, r.services[0].slow),
        (2, 1)
    );
    // With the default 2 (7,200 s) neither is slow.
    let p = ServiceHealthParams {
        min_orders: 0,
        ..ServiceHealthParams::new(AT)
    };
    assert_eq!(
        reports::service_health(&fx.conn, &p).unwrap().services[0].slow,
        0
    );
}

fn spenders(fx: &Fx, p: &TopSpendersParams) -> Vec<(String, i64, f64, Option<String>)> {
    reports::top_spenders(&fx.conn, p)
        .unwrap()
        .users
        .into_iter()
        .map(|r| (r.panel, r.user_id, r.spend_micros as f64 / 1e6, r.currency))
        .collect()
}

#[test]
fn top_spenders_by_the_rules() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    let beta = fx.panel("Beta", "EUR");
    let mut ids = Ids(0);

    // Each customer's orders as a table: (username, charge, status, service,
    // created), each with what the rules make of it.
    let orders = |ids: &mut Ids, panel: i64, rows: &[Spend]| {
        for &(user, charge, status, service, created) in rows {
            fx.order(
                panel,
                O {
                    id: ids.next(),
                    user,
                    charge,
                    status,
                    service,
                    created,
                    ..O::default()
                },
            );
        }
    };
    let one_hour_ago = O::default().created;

    // alice (Main, 10): spend 10.00 + 2.50 = 12.50; 1 completed payment of
    // 20.00 in the window. Top services: 101 (2 orders), 102 (1; canceled counts).
    fx.user(main, 10, "alice", AT - 100 * D, usd(500.0));
    #[rustfmt::skip]
    orders(&mut ids, main, &[
        ("alice", usd(10.0),  "completed", Some(101), AT - H),
        ("alice", usd(5.0),   "canceled",  Some(102), AT - H),     // canceled: no spend
        ("alice", usd(2.5),   "pending",   Some(101), AT - 2 * H),
        ("alice", usd(100.0), "completed", Some(103), FROM),       // at the window's start: out
        ("alice", usd(100.0), "completed", Some(103), AT + 1),     // after `at`: ignored
    ]);
    fx.payment(main, 1, "alice", usd(20.0).unwrap(), "completed", AT - H);
    fx.payment(main, 2, "alice", usd(30.0).unwrap(), "completed", FROM); // at the start: out
    fx.payment(main, 3, "alice", usd(40.0).unwrap(), "pending", AT - H); // pending: out

    // bob (Main, 5), signed up an hour ago: only a canceled order: still a row, spend 0.
    fx.user(main, 5, "bob", AT - H, Some(0));
    orders(
        &mut ids,
        main,
        &[("bob", usd(8.0), "canceled", Some(103), one_hour_ago)],
    );

    // carol (Main, 7): 12.50 too, a tie with alice: the lower ID first. One order
    // each of 107, 105, 104, 106: top 3 by count tie, lower IDs first: 104, 105, 106.
    fx.user(main, 7, "carol", AT - 50 * D, None);
    #[rustfmt::skip]
    orders(&mut ids, main, &[
        ("carol", None,       "completed", Some(107), one_hour_ago),
        ("carol", None,       "completed", Some(105), one_hour_ago),
        ("carol", usd(12.5),  "completed", Some(104), one_hour_ago),
        ("carol", None,       "completed", Some(106), one_hour_ago),
    ]);

    // dave (Main, 8): only a completed payment: a row with spend 0.
    fx.user(main, 8, "dave", AT - 10 * D, usd(1.0));
    fx.payment(main, 4, "dave", usd(50.0).unwrap(), "completed", AT);

    // erin (Main, 9): nothing inside the window.
    fx.user(main, 9, "erin", AT - 10 * D, None);
    #[rustfmt::skip]
    orders(&mut ids, main, &[
        ("erin",  usd(1.0),   "completed", None,      AT - 2 * D),
        // A username with no cached user: no ID, no row.
        ("ghost", usd(99.0),  "completed", None,      one_hour_ago),
    ]);

    // Beta's alice (also ID 10), in EUR: 12.50 EUR, never added to Main's USD.
    fx.user(beta, 10, "alice", AT - 100 * D, usd(70.0));
    orders(
        &mut Ids(0),
        beta,
        &[("alice", usd(12.5), "completed", Some(201), one_hour_ago)],
    );

    let p = TopSpendersParams::new(AT);
    let s = |panel: &str, id, spend, cur: &str| (panel.to_owned(), id, spend, Some(cur.to_owned()));
    assert_eq!(
        spenders(&fx, &p),
        vec![
            s("Main", 7, 12.5, "USD"),
            // Same spend, same ID: by panel name.
            s("Beta", 10, 12.5, "EUR"),
            s("Main", 10, 12.5, "USD"),
            s("Main", 5, 0.0, "USD"),
            s("Main", 8, 0.0, "USD"),
        ]
    );

    let report = reports::top_spenders(&fx.conn, &p).unwrap();
    let v = serde_json::to_value(&report).unwrap();
    let row = |panel: &str, id: i64| {
        v["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["panel"] == panel && r["user_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("Main", 10),
        json!({"panel": "Main", "user_id": 10, "username": "alice", "joined": AT - 100 * D, "is_new": false,
               "payments_count": 1, "payments_total": 20.0, "spend": 12.5, "lifetime": 500.0, "currency": "USD",
               "top_services": [101, 102]})
    );
    assert_eq!(row("Main", 5)["is_new"], json!(true));
    assert_eq!(row("Main", 5)["top_services"], json!([103]));
    assert_eq!(row("Main", 7)["top_services"], json!([104, 105, 106]));
    assert_eq!(row("Main", 7)["lifetime"], Value::Null);
    assert_eq!(row("Main", 8)["payments_total"], json!(50.0));
    assert_eq!(row("Beta", 10)["currency"], json!("EUR"));
    assert_eq!(row("Beta", 10)["lifetime"], json!(70.0));

    // Filters: payments_count >= N, spend >= X, users.
    let ids_of = |p: &TopSpendersParams| {
        spenders(&fx, p)
            .into_iter()
            .map(|r| (r.0, r.1))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids_of(&TopSpendersParams {
            min_payments: 1,
            ..p.clone()
        }),
        vec![("Main".to_owned(), 10), ("Main".to_owned(), 8)]
    );
    assert_eq!(
        ids_of(&TopSpendersParams {
            min_spend_micros: 12_500_000,
            ..p.clone()
        }),
        vec![
            ("Main".to_owned(), 7),
            ("Beta".to_owned(), 10),
            ("Main".to_owned(), 10)
        ]
    );
    assert_eq!(
        ids_of(&TopSpendersParams {
            users: Some(vec![(main, 5), (beta, 10)]),
            ..p.clone()
        }),
        vec![("Beta".to_owned(), 10), ("Main".to_owned(), 5)]
    );
    assert_eq!(
        ids_of(&TopSpendersParams {
            panel: Some(beta),
            ..p.clone()
        }),
        vec![("Beta".to_owned(), 10)]
    );

    let csv = report.to_csv(CsvStyle::Raw);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "panel,user_id,username,joined,is_new,payments_count,payments_total,spend,lifetime,currency,top_services"
    );
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "Main,7,carol,{},false,0,0.00,12.50,,USD,104 105 106",
            AT - 50 * D
        )
    );

    // A screen's page: the first rows, and how many there are in all. The
    // whole report (the CLI's JSON, a CSV) says nothing of a total.
    assert!(v.get("users_total").is_none(), "{v}");
    let paged = |rows| {
        let req = reports::ReportRequest {
            at: Some(AT),
            rows,
            ..Default::default()
        };
        match reports::run(&fx.conn, reports::ReportKind::TopSpenders, &req).unwrap() {
            reports::Report::TopSpenders(r) => r,
            other => panic!("{other:?}"),
        }
    };
    let first = paged(Some(2));
    assert_eq!(first.users, report.users[..2]);
    assert_eq!(first.users_total, Some(5));
    assert_eq!(
        serde_json::to_value(&first).unwrap()["users_total"],
        json!(5)
    );
    assert_eq!(paged(Some(50)).users, report.users);
    assert_eq!(paged(None), report);
}

#[test]
fn flagged_replies_by_staff_and_staff_stats_by_the_rules() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    let mut local = fx.db.local().unwrap();
    let member = |name: &str, role, aliases: &[&str]| staff::StaffEdit {
        name: name.into(),
        role,
        aliases: aliases
            .iter()
            .map(|a| staff::StaffAlias {
                panel_id: main,
                alias: (*a).into(),
            })
            .collect(),
        panels: vec![],
    };
    let id = fx.db.install_id().to_owned();
    staff::save(
        &mut local,
        &id,
        &paneldesk_core::activity::Actor::cli(),
        None,
        member("Mira", staff::StaffRole::Staff, &["mira_pp"]),
    )
    .unwrap();
    staff::save(
        &mut local,
        &id,
        &paneldesk_core::activity::Actor::cli(),
        None,
        member("AutoBot", staff::StaffRole::Bot, &[]),
    )
    .unwrap();

    // Each ticket's conversation as a table: (staff name, or None for the
    // customer; time; the message as the panel sends it).
    // Ticket 1, Mira (as "mira_pp" and "Mira"):
    fx.ticket(main, 1, "Orders - Speed", AT - 1_000, true);
    #[rustfmt::skip]
    fx.conversation(main, 1, &[
        (None,            AT - 1_000, "Where is my order 550039?"),
        // 60 s after the customer; "Hello, your order is in progress and will finish
        // today." = 55 characters; then the customer writes twice before staff does: repeated.
        (Some("mira_pp"), AT - 940,   "<p>Hello, your order is <b>in progress</b> and will finish today.</p>"),
        (None,            AT - 900,   "??"),
        (None,            AT - 800,   "hello??"),
        // 10 s after the customer: quick fire; 35 characters.
        (Some("Mira"),    AT - 790,   "Sorry for the wait, it is done now."),
        // After a staff message: no response time; 2 characters: quick fire.
        // One customer message after: not repeated.
        (Some("Mira"),    AT - 780,   "<div>ok</div>"),
        (None,            AT - 700,   "thanks"),
    ]);

    // Ticket 3: a bot's reply is left out of the rows but still is a staff
    // message: Mira's reply after it has no response time (41 characters, not a quick fire).
    fx.ticket(main, 3, "Other", AT - 600, true);
    #[rustfmt::skip]
    fx.conversation(main, 3, &[
        (None,            AT - 600,   "hi"),
        (Some("AutoBot"), AT - 599,   "Auto"),
        (Some("Mira"),    AT - 500,   "We are looking into it right now for you."),
    ]);
    // Mira: 4 replies, lengths 55 + 35 + 2 + 41 = 133 (avg 33.25), responses 60 and 10
    // (avg 35 s), 2 quick fires, 1 repeated: 100 - 25 - 12.5 = 62.5, rounded up: 63.

    // Ticket 2, Zed: 4 replies, the last one short: 100 - 12.5 = 87.5 => 88.
    // Responses 1000, 1000, 100, 100: avg 550 s.
    fx.ticket(main, 2, "Orders - Refill", AT - 5_000, true);
    #[rustfmt::skip]
    fx.conversation(main, 2, &[
        (None,            AT - 5_000, "My order 1234567 is stuck"),
        (Some("Zed"),     AT - 4_000, "Long enough reply text for the checker here."),
        (None,            AT - 3_000, "ok"),
        (Some("Zed"),     AT - 2_000, "Another long enough reply for the customer."),
        (None,            AT - 1_900, "thanks"),
        (Some("Zed"),     AT - 1_800, "A third long enough reply to this ticket now."),
        (None,            AT - 1_700, "bye"),
        (Some("Zed"),     AT - 1_600, "short"),
    ]);

    // Ticket 4, Kim: a reply exactly at the window's start is out, one exactly at
    // `at` is in (60 s after the customer, 36 characters), one after `at` ignored.
    // A message with no time is skipped and counted.
    fx.ticket(main, 4, "Orders - Cancel", AT - D - 100, true);
    #[rustfmt::skip]
    fx.conversation(main, 4, &[
        (None,            AT - D - 100, "cancel please"),
        (Some("Kim"),     FROM,         "x"),
    ]);
    fx.msg(main, 4, None, None, "a message with no time");
    #[rustfmt::skip]
    fx.conversation(main, 4, &[
        (None,            AT - 60,      "any news?"),
        (Some("Kim"),     AT,           "Thank you for waiting, all is fixed."),
        (Some("Kim"),     AT + 1,       "y"),
    ]);
    // Kim: 1 reply, 36 characters, 60 s: score 100.

    // Ticket 5, Abe: a ticket opened by staff: no response time; 44 characters: score 100.
    fx.ticket(main, 5, "Notice", AT - 50, true);
    fx.conversation(
        main,
        5,
        &[(
            Some("Abe"),
            AT - 50,
            "Hello, we noticed a problem with your order.",
        )],
    );

    let p = WindowParams {
        panel: None,
        window_hours: 24.0,
        at: AT,
    };
    let report = reports::flagged_by_staff(&fx.conn, &p).unwrap();
    assert_eq!(report.skipped_messages, 1);
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(
        v["staff"],
        json!([
            {"staff": "Mira", "replies": 4, "avg_length": 33.25, "avg_response_s": 35.0, "quick_fires": 2, "repeated": 1, "score": 63},
            {"staff": "Zed", "replies": 4, "avg_length": report.staff[1].avg_length, "avg_response_s": 550.0, "quick_fires": 1, "repeated": 0, "score": 88},
            // Equal scores: by name.
            {"staff": "Abe", "replies": 1, "avg_length": 44.0, "avg_response_s": null, "quick_fires": 0, "repeated": 0, "score": 100},
            {"staff": "Kim", "replies": 1, "avg_length": 36.0, "avg_response_s": 60.0, "quick_fires": 0, "repeated": 0, "score": 100},
        ])
    );
    // Zed's lengths: 44 + 43 + 45 + 5 = 137.
    assert_eq!(report.staff[1].avg_length, 137.0 / 4.0);
    assert_eq!(
        report.staff[0]
            .flagged_tickets
            .iter()
            .map(|t| t.ticket_id)
            .collect::<Vec<_>>(),
        vec![1]
    );
    assert!(report.staff[2].flagged_tickets.is_empty());
    assert_eq!(
        report.to_csv(CsvStyle::Raw).lines().next().unwrap(),
        "staff,replies,avg_length,avg_response_s,quick_fires,repeated,score"
    );

    // Staff statistics: answered = distinct tickets; Mira answered 1 and 3.
    let stats = reports::staff_stats(&fx.conn, &p).unwrap();
    assert_eq!(stats.skipped_messages, 1);
    let v = serde_json::to_value(&stats).unwrap();
    assert_eq!(
        v["staff"],
        json!([
            {"staff": "Mira", "answered": 2, "avg_response_min": 35.0 / 60.0},
            // Equal counts: by name.
            {"staff": "Abe", "answered": 1, "avg_response_min": null},
            {"staff": "Kim", "answered": 1, "avg_response_min": 1.0},
            {"staff": "Zed", "answered": 1, "avg_response_min": 550.0 / 60.0},
        ])
    );
    assert_eq!(
        stats.to_csv(CsvStyle::Raw).lines().next().unwrap(),
        "staff,answered,avg_response_min"
    );

    // Aliases are per panel: with "mira_pp" naming Mira on another panel
    // only, on Main it is a staff member of their own. A bot is never a row,
    // and a window that starts after Kim's reply drops it.
    let other = fx.panel("Other", "USD");
    let mut elsewhere = member("Mira", staff::StaffRole::Staff, &[]);
    elsewhere.aliases.push(staff::StaffAlias {
        panel_id: other,
        alias: "mira_pp".into(),
    });
    staff::save(
        &mut local,
        &id,
        &paneldesk_core::activity::Actor::cli(),
        Some("Mira"),
        elsewhere,
    )
    .unwrap();
    let names: Vec<String> = reports::flagged_by_staff(&fx.conn, &p)
        .unwrap()
        .staff
        .into_iter()
        .map(|r| r.staff)
        .collect();
    assert!(
        names.contains(&"mira_pp".to_owned()) && !names.iter().any(|n| n == "AutoBot"),
        "{names:?}"
    );
    let short = WindowParams {
        window_hours: 0.5,
        ..p.clone()
    };
    let names: Vec<String> = reports::staff_stats(&fx.conn, &short)
        .unwrap()
        .staff
        .into_iter()
        .map(|r| r.staff)
        .collect();
    // 30 min, (AT - 1800, AT]: mira_pp's and Mira's replies, Zed's last one
    // (AT - 1600; the one at AT - 1800 is out), Kim's at AT and Abe's.
    assert_eq!(names, vec!["Mira", "Abe", "Kim", "Zed", "mira_pp"]);

    // The chart's series: each member's replies per local day, by the same
    // rules (the bot left out). In UTC and in a zone 14 hours ahead, the
    // same replies fall on different days.
    let days = |tz: &chrono::FixedOffset| -> Vec<(String, String, i64)> {
        reports::replies_per_day(&fx.conn, &p, tz)
            .unwrap()
            .into_iter()
            .map(|d| (d.staff, d.day, d.replies))
            .collect()
    };
    let utc = days(&chrono::FixedOffset::east_opt(0).unwrap());
    assert!(
        utc.iter().all(|(staff, _, _)| staff != "AutoBot"),
        "{utc:?}"
    );
    let stats = reports::staff_stats(&fx.conn, &p).unwrap();
    for row in &stats.staff {
        let replies: i64 = utc.iter().filter(|d| d.0 == row.staff).map(|d| d.2).sum();
        assert!(
            replies >= row.answered,
            "{}: {replies} replies, {} tickets",
            row.staff,
            row.answered
        );
    }
    let ahead = days(&chrono::FixedOffset::east_opt(14 * 3600).unwrap());
    assert_eq!(
        utc.iter().map(|d| d.2).sum::<i64>(),
        ahead.iter().map(|d| d.2).sum::<i64>()
    );
    assert_ne!(
        utc.iter().map(|d| &d.1).collect::<Vec<_>>(),
        ahead.iter().map(|d| &d.1).collect::<Vec<_>>()
    );
}

#[test]
fn flagged_replies_by_service_by_the_rules() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    let beta = fx.panel("Beta", "USD");
    fx.service(main, 100, "IG Likes");
    fx.service(main, 200, "IG Views");
    fx.service(main, 300, "IG Saves");
    for (id, service, name) in [
        (550039, Some(100), "x"),
        (550040, Some(200), "x"),
        (550041, Some(100), "x"),
        (550050, Some(300), "x"),
        (550051, Some(300), "x"),
        (550060, Some(400), "Old Service"),
        (550070, None, "no service"),
        (12345678901, Some(200), "x"),
    ] {
        fx.order(
            main,
            O {
                id,
                service,
                name,
                created: AT - 2 * D,
                ..O::default()
            },
        );
    }

    // Tickets opened by a customer's message, as a table: (ticket, subject,
    // created, the customer's first message), each with what the rules make of it.
    #[rustfmt::skip]
    let tickets: &[(i64, &str, i64, &str)] = &[
        // Two order IDs in block tags; services 100 and 200.
        (1,  "Orders - Refill", AT - 100, "<div><b>Orders - Refill</b></div><div><b>Order ID</b>: 550039</div><div>550040</div>"),
        // Service 100 twice (orders 550041 and 550039).
        (2,  "Orders - Cancel", AT - 200, "please cancel 550041 and 550039"),
        // A subject with no " - " is kept whole.
        (3,  "Refill",          AT - 300, "order <b>550039</b>"),
        // 11 digits: no order ID; unresolved.
        (4,  "Payment - Other", AT - 400, "I paid 12345678901 yesterday"),
        // An ID not in the cache: unresolved.
        (5,  "Orders - Speed",  AT - 500, "order 999999 please"),
        // Created at the window's start: out.
        (6,  "Orders - Speed",  FROM,     "550039"),
        // Service 300: complaints tie 1-1: alphabetical, "Drop".
        (10, "Orders - Speed",  AT - 600, "550050"),
        (11, "Orders - Drop",   AT - 700, "550051"),
        // Service 400, seen only in orders; one ticket, like service 200.
        (12, "Orders - Refill", AT - 800, "550060"),
        // An order with no service: resolved, but no row.
        (13, "Orders - Other",  AT - 900, "550070"),
    ];
    for &(id, subject, created, html) in tickets {
        fx.ticket(main, id, subject, created, true);
        fx.customer(main, id, created, html);
    }
    // Ticket 2's later message, after `at`: ignored.
    fx.customer(main, 2, AT + 5, "and 550060");
    // The staff's messages count too.
    fx.ticket(main, 14, "Orders - Refill", AT - 950, true);
    fx.customer(main, 14, AT - 950, "help");
    fx.staff(
        main,
        14,
        "Mira",
        AT - 940,
        "Your order 550041 was refilled.",
    );
    // Not fetched: no messages cached (two in the window, one before it).
    fx.ticket(main, 7, "Orders - Speed", AT - 100, false);
    fx.ticket(main, 8, "Orders - Speed", AT - 10, false);
    fx.ticket(main, 9, "Orders - Speed", AT - 3 * D, false);
    // Another panel's ticket quoting 550039: looked up in Beta's orders only: unresolved.
    fx.ticket(beta, 1, "Orders - Refill", AT - 100, true);
    fx.customer(beta, 1, AT - 100, "550039");

    // Service 100: tickets 1, 2, 3, 14 (4); orders 550039, 550041 (2);
    //   complaints Refill (1, 3, 14), Cancel (2): "Refill".
    // Service 300: tickets 10, 11; orders 2; "Drop".
    // Service 200: ticket 1; order 550040; "Refill". Service 400: ticket 12; "Refill".
    // Unresolved: 4, 5 and Beta's 1 = 3. Not fetched: 7, 8 = 2.
    let p = WindowParams {
        panel: None,
        window_hours: 24.0,
        at: AT,
    };
    let report = reports::flagged_by_service(&fx.conn, &p).unwrap();
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(
        v,
        json!({
            "window_hours": 24.0, "at": AT, "unresolved": 3, "not_fetched": 2,
            "services": [
                {"panel": "Main", "service_id": 100, "service_name": "IG Likes", "tickets": 4, "orders": 2, "top_complaint": "Refill"},
                {"panel": "Main", "service_id": 300, "service_name": "IG Saves", "tickets": 2, "orders": 2, "top_complaint": "Drop"},
                // Equal tickets: by panel, then service id.
                {"panel": "Main", "service_id": 200, "service_name": "IG Views", "tickets": 1, "orders": 1, "top_complaint": "Refill"},
                {"panel": "Main", "service_id": 400, "service_name": "Old Service", "tickets": 1, "orders": 1, "top_complaint": "Refill"},
            ]
        })
    );
    let samples = &report.services[0].samples;
    assert_eq!(
        samples.iter().map(|s| s.ticket_id).collect::<Vec<_>>(),
        vec![14, 3, 2, 1]
    );
    assert_eq!(samples[3].order_ids, vec![550039, 550040]);
    assert_eq!(
        report.to_csv(CsvStyle::Raw).lines().next().unwrap(),
        "panel,service_id,service_name,tickets,orders,top_complaint"
    );

    // What a run would fetch: newest first, at most the limit, only the window's.
    assert_eq!(
        reports::tickets_missing_messages(&fx.conn, None, 24.0, AT, reports::MAX_TICKET_FETCHES)
            .unwrap(),
        vec![(main, 8), (main, 7)]
    );
    assert_eq!(
        reports::tickets_missing_messages(&fx.conn, None, 24.0, AT, 1).unwrap(),
        vec![(main, 8)]
    );
    assert_eq!(
        reports::tickets_missing_messages(&fx.conn, Some(beta), 24.0, AT, 80).unwrap(),
        vec![]
    );
    let only_beta = WindowParams {
        panel: Some(beta),
        ..p
    };
    let r = reports::flagged_by_service(&fx.conn, &only_beta).unwrap();
    assert_eq!((r.unresolved, r.not_fetched, r.services.len()), (1, 0, 0));
}

/// The quoted orders' services are kept beside the messages: an order
/// cached after the ticket quoting it, moved to another service, or
/// deleted is seen by the next run as if it had been looked up then.
#[test]
fn flagged_replies_by_service_follow_the_quoted_orders_as_they_come_and_go() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    fx.ticket(main, 1, "Orders - Refill", AT - 100, true);
    fx.customer(main, 1, AT - 100, "order 660001 is stuck");
    let p = WindowParams {
        panel: None,
        window_hours: 24.0,
        at: AT,
    };
    let run = || {
        let r = reports::flagged_by_service(&fx.conn, &p).unwrap();
        (
            r.unresolved,
            r.services
                .iter()
                .map(|s| (s.service_id, s.service_name.clone(), s.tickets))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(run(), (1, vec![]), "the order is not cached yet");

    let order = O {
        id: 660001,
        service: Some(700),
        name: "TT Views",
        created: AT - 2 * D,
        ..O::default()
    };
    fx.order(main, order.clone());
    assert_eq!(run(), (0, vec![(700, "TT Views".to_owned(), 1)]));

    fx.conn
        .execute("UPDATE orders SET service_id = 701 WHERE id = 660001", [])
        .unwrap();
    assert_eq!(run(), (0, vec![(701, "TT Views".to_owned(), 1)]));

    fx.conn
        .execute("DELETE FROM orders WHERE id = 660001", [])
        .unwrap();
    assert_eq!(run(), (1, vec![]), "the order left the cache");

    // Created after `at`: as if not cached.
    fx.order(
        main,
        O {
            created: AT + 10,
            ..order
        },
    );
    assert_eq!(run(), (1, vec![]));
}

#[test]
fn profiles_snoozes_and_the_staff_directory_are_kept() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    let local = fx.db.local().unwrap();

    let mut sh = reports::ServiceHealthProfile::new("Instagram", 123);
    sh.services = Some(vec![(main, 1), (main, 2)]);
    sh.stuck_after_h = 6.0;
    sh.window_hours = 48.0;
    reports::create_service_health_profile(&local, &sh).unwrap();
    assert!(
        reports::create_service_health_profile(&local, &sh).is_err(),
        "names are unique"
    );
    reports::create_service_health_profile(&local, &reports::ServiceHealthProfile::new("All", 124))
        .unwrap();
    let names: Vec<String> = reports::service_health_profiles(&local)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, vec!["All", "Instagram"]);
    let got = reports::service_health_profile(&local, "Instagram")
        .unwrap()
        .unwrap();
    assert_eq!(got, sh);
    let params = got.params(Some(main), AT, None);
    assert_eq!(
        (
            params.window_hours,
            params.stuck_after_h,
            params.slow_multiplier,
            params.min_orders
        ),
        (48.0, 6.0, 2.0, 5)
    );
    assert_eq!(params.services, Some(vec![(main, 1), (main, 2)]));
    assert_eq!(got.params(None, AT, Some(2.0)).window_hours, 2.0);
    assert!(reports::delete_service_health_profile(&local, "Instagram").unwrap());
    assert!(!reports::delete_service_health_profile(&local, "Instagram").unwrap());
    assert_eq!(
        reports::service_health_profile(&local, "Instagram").unwrap(),
        None
    );

    let mut ts = reports::TopSpenderProfile::new("Whales", 1);
    ts.min_payments = 2;
    ts.min_spend_micros = 100_000_000;
    ts.users = Some(vec![(main, 10)]);
    reports::create_top_spender_profile(&local, &ts).unwrap();
    assert_eq!(
        reports::top_spender_profiles(&local).unwrap(),
        vec![ts.clone()]
    );
    let tp = reports::top_spender_profile(&local, "Whales")
        .unwrap()
        .unwrap()
        .params(None, AT, None);
    assert_eq!(
        (tp.min_payments, tp.min_spend_micros, tp.window_hours),
        (2, 100_000_000, 24.0)
    );
    assert!(reports::delete_top_spender_profile(&local, "Whales").unwrap());

    // A snooze lasts 24 h from when it was made; snoozing again moves it.
    assert_eq!(reports::snooze(&local, main, 7, AT).unwrap(), AT + D);
    assert_eq!(
        reports::snooze(&local, main, 7, AT + 10).unwrap(),
        AT + 10 + D
    );
    assert_eq!(reports::snoozes(&local, AT).unwrap().len(), 1);
    assert!(reports::snoozes(&local, AT + 10 + D).unwrap().is_empty());
    assert!(reports::unsnooze(&local, main, 7).unwrap());
    // Removing the panel removes its snoozes.
    reports::snooze(&local, main, 7, AT).unwrap();
    local
        .execute("DELETE FROM panels WHERE id = ?1", [main])
        .unwrap();
    assert!(reports::snoozes(&local, AT).unwrap().is_empty());
}

#[test]
fn migration_3_runs_on_a_version_2_local_file_holding_a_panel() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let mut local = Connection::open(dir.local_db()).unwrap();
    migrate_to(&mut local, Schema::Local, 2).unwrap();
    local
        .execute(
            "INSERT INTO panels (id, name, base_url, currency, created_at) VALUES (4, 'Main', 'https://panel.example/adminapi/v2', 'USD', 0)",
            [],
        )
        .unwrap();
    local
        .execute(
            "INSERT INTO install (id, install_id, created_at) VALUES (1, 'feedface', 0)",
            [],
        )
        .unwrap();
    drop(local);

    let db = Db::open(&dir).unwrap();
    assert_eq!(db.schema_versions().unwrap().local, Schema::Local.latest());
    let local = db.local().unwrap();
    let name: String = local
        .query_row("SELECT name FROM panels WHERE id = 4", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "Main");
    for table in [
        "service_health_profiles",
        "top_spender_profiles",
        "snoozes",
        "staff",
        "staff_aliases",
    ] {
        let n: i64 = local
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    // The new tables work against the kept panel.
    assert_eq!(reports::snooze(&local, 4, 1, AT).unwrap(), AT + D);
    assert!(
        reports::snooze(&local, 99, 1, AT).is_err(),
        "a snooze needs its panel"
    );
    let conn = db.read().unwrap();
    let r = reports::service_health(&conn, &ServiceHealthParams::new(AT)).unwrap();
    assert!(r.services.is_empty());
}

#[test]
fn the_red_bar_copies_and_snoozes_its_critical_services_and_profiles_are_edited_in_place() {
    use paneldesk_core::reports::{
        self, service_health_profile, update_service_health_profile, ServiceHealthParams,
        ServiceHealthProfile,
    };
    let tmp = tempfile::tempdir().unwrap();
    let db =
        paneldesk_core::db::Db::open(&paneldesk_core::paths::DataDir::new(tmp.path())).unwrap();
    let at = 1_800_000_000;
    db.local()
        .unwrap()
        .execute("INSERT INTO panels (id, name, base_url, created_at, currency) VALUES (1, 'Main', 'https://panel.example/adminapi/v2', 0, 'USD')", [])
        .unwrap();
    let cache = db.cache().unwrap();
    cache.execute("INSERT INTO services (panel_id, id, name, synced_at) VALUES (1, 5, 'X [Speed: 1K/Day]', 0)", []).unwrap();
    // Service 5: 1 stuck order (open 13 h) and 1 finished order that took 3 days
    // for 1000 at 1K/Day (limit 2 days): slow 1/1 = 100 %, score max(0, 100 - 5 - 100) = 0: critical.
    cache
        .execute_batch(&format!(
            "INSERT INTO orders (panel_id, id, user, link, quantity, remains, service_id, service_name, status, created, last_update, finished_at, synced_at)
             VALUES (1, 1, 'u', 'l', 1000, 0, 5, 'X', 'completed', {c1}, {f}, {f}, 0),
                    (1, 2, 'u', 'l', 1000, 10, 5, 'X', 'in_progress', {c2}, {c2}, NULL, 0);",
            c1 = at - 3 * 86_400 - 3600,
            f = at - 3600,
            c2 = at - 13 * 3600
        ))
        .unwrap();
    let conn = db.read().unwrap();
    let report = reports::service_health(&conn, &ServiceHealthParams::new(at)).unwrap();
    assert_eq!(report.critical_ids(), "5");
    assert_eq!(report.snooze_critical(&db.local().unwrap(), at).unwrap(), 1);
    let after = reports::service_health(&conn, &ServiceHealthParams::new(at + 3600)).unwrap();
    assert!(after.services.is_empty(), "snoozed for 24 h");
    let later = reports::service_health(&conn, &ServiceHealthParams::new(at + 25 * 3600)).unwrap();
    assert_eq!(later.services.len(), 1, "the snooze ends after 24 h");

    let local = db.local().unwrap();
    let mut profile = ServiceHealthProfile::new("Watch", at);
    reports::create_service_health_profile(&local, &profile).unwrap();
    profile.window_hours = 72.0;
    profile.min_orders = 9;
    assert!(update_service_health_profile(&local, &profile).unwrap());
    let saved = service_health_profile(&local, "Watch").unwrap().unwrap();
    assert_eq!(
        (saved.window_hours, saved.min_orders, saved.created_at),
        (72.0, 9, at)
    );
    assert!(
        !update_service_health_profile(&local, &ServiceHealthProfile::new("Nope", at)).unwrap()
    );
}

#[test]
fn daily_scores_follow_local_midnight_across_a_dst_change_and_missed_days_stay_gaps() {
    use chrono::TimeZone;
    use chrono_tz::Europe::Berlin;
    let fx = fx();
    let main = fx.panel("Main", "USD");
    // Berlin moves its clocks from 02:00 to 03:00 on 2026-03-29: that day
    // ends at 22:00 UTC, the one before at 23:00 UTC.
    let midnight = |d: u32| {
        Berlin
            .with_ymd_and_hms(2026, 3, d, 0, 0, 0)
            .unwrap()
            .timestamp()
    };
    assert_eq!(midnight(30) - midnight(29), 23 * H);
    // Five open orders of service 7 created 11 h before the midnight ending
    // 03-29: not stuck at that local midnight (11 h < 12 h), stuck two hours
    // later (UTC midnight). Stuck, the score would be 100 - 25 = 75.
    for id in 1..=5 {
        fx.order(
            main,
            O {
                id,
                service: Some(7),
                name: "Likes",
                status: "pending",
                remains: 10,
                created: midnight(30) - 11 * H,
                ..O::default()
            },
        );
    }
    let mut local = fx.db.local().unwrap();
    let take = |local: &mut paneldesk_core::db::LocalConn, now: i64| {
        reports::take_daily_scores(&fx.conn, local, &Berlin, now).unwrap()
    };
    // 03-30 at 10:00: the day taken is 03-29, over the 24 h ending at its local midnight.
    let day = take(&mut local, midnight(30) + 10 * H);
    assert_eq!(day.map(|d| d.to_string()).as_deref(), Some("2026-03-29"));
    // Taken once a day.
    assert_eq!(take(&mut local, midnight(30) + 20 * H), None);
    // 03-31 and 04-02: 03-30 and 04-01 taken, 03-31 (the app was off) stays a gap.
    take(&mut local, midnight(31) + H);
    let april2 = Berlin
        .with_ymd_and_hms(2026, 4, 2, 9, 0, 0)
        .unwrap()
        .timestamp();
    take(&mut local, april2);

    let trend = reports::trend(&local, &Berlin, april2, main, 7).unwrap();
    assert_eq!(trend.len() as u64, reports::TREND_DAYS);
    assert_eq!(trend.last().unwrap().day, "2026-04-01");
    let last4: Vec<(&str, Option<f64>)> = trend[trend.len() - 4..]
        .iter()
        .map(|d| (d.day.as_str(), d.score))
        .collect();
    assert_eq!(
        last4,
        vec![
            // Not stuck at its local midnight, and 5 orders: 100.
            ("2026-03-29", Some(100.0)),
            // A day later all five are stuck (created 35 h before).
            ("2026-03-30", Some(75.0)),
            ("2026-03-31", None),
            ("2026-04-01", Some(75.0)),
        ]
    );
}

#[test]
fn reported_services_are_kept_with_their_reason_until_resolved() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    fx.service(main, 7, "Likes [Speed: 1K/Day]");
    fx.order(
        main,
        O {
            id: 1,
            service: Some(7),
            name: "Likes",
            status: "pending",
            remains: 10,
            ..O::default()
        },
    );
    let local = fx.db.local().unwrap();
    let actor = paneldesk_core::activity::Actor::cli();
    let new = |service_id, reason: &str| reports::NewReport {
        panel_id: main,
        service_id,
        reason: reason.into(),
        source: reports::ReportSource::Order,
        source_id: Some(1),
    };
    let err = reports::report_service(&fx.conn, &local, &actor, new(7, "  ")).unwrap_err();
    assert_eq!(err.code(), paneldesk_core::ErrorCode::InvalidRequest);
    let err = reports::report_service(&fx.conn, &local, &actor, new(99, "slow")).unwrap_err();
    assert!(
        err.to_string().contains("service 99 is not in the cache"),
        "{err}"
    );

    let id =
        reports::report_service(&fx.conn, &local, &actor, new(7, " drops after a day ")).unwrap();
    let shown = reports::reported_services(&fx.conn, None).unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (
            shown[0].service_name.as_str(),
            shown[0].reason.as_str(),
            shown[0].open_orders
        ),
        ("Likes [Speed: 1K/Day]", "drops after a day", 1)
    );
    assert!(reports::resolve_report(&local, &actor, id).unwrap());
    assert!(
        !reports::resolve_report(&local, &actor, id).unwrap(),
        "resolved once"
    );
    let shown = reports::reported_services(&fx.conn, Some(main)).unwrap();
    assert_eq!(shown[0].resolved_by.as_deref(), Some(actor.name.as_str()));
}

#[test]
fn service_health_by_provider_groups_the_same_rules_by_each_orders_provider() {
    let fx = fx();
    let main = fx.panel("Main", "USD");
    fx.service(main, 7, "Likes [Speed: 1K/Day]");
    fx.service(main, 8, "Views");
    // (id, service, provider, status, created, finished): alpha has 3 stuck
    // orders of service 7 and a slow one; beta 5 quick finished ones of 8;
    // one order has no provider.
    #[rustfmt::skip]
    type Row = (i64, i64, Option<&'static str>, &'static str, i64, Option<i64>);
    let rows: [Row; 10] = [
        (1, 7, Some("alpha"), "pending", AT - 20 * H, None),
        (2, 7, Some("alpha"), "pending", AT - 20 * H, None),
        (3, 7, Some("alpha"), "pending", AT - 20 * H, None),
        // 1,000 at 1K/day may take 2 days; it took 3: slow.
        (
            4,
            7,
            Some("alpha"),
            "completed",
            AT - 3 * D - H,
            Some(AT - H),
        ),
        (5, 8, Some("beta"), "completed", AT - 2 * H, Some(AT - H)),
        (6, 8, Some("beta"), "completed", AT - 2 * H, Some(AT - H)),
        (7, 8, Some("beta"), "completed", AT - 2 * H, Some(AT - H)),
        (8, 8, Some("beta"), "completed", AT - 2 * H, Some(AT - H)),
        (9, 8, Some("beta"), "completed", AT - 2 * H, Some(AT - H)),
        (10, 8, None, "completed", AT - 2 * H, Some(AT - H)),
    ];
    for (id, service, provider, status, created, finished) in rows {
        fx.order(
            main,
            O {
                id,
                service: Some(service),
                name: "x",
                status,
                remains: if status == "pending" { 10 } else { 0 },
                created,
                finished,
                ..O::default()
            },
        );
        fx.conn
            .execute(
                "UPDATE orders SET provider = ?1 WHERE id = ?2",
                params![provider, id],
            )
            .unwrap();
    }
    let p = ServiceHealthParams::new(AT);
    let report = reports::service_health_by_provider(&fx.conn, &p).unwrap();
    type Got<'a> = (&'a str, i64, i64, i64, i64, Option<f64>, &'a str);
    let got: Vec<Got> = report
        .providers
        .iter()
        .map(|r| {
            (
                r.provider.as_str(),
                r.orders_in_window,
                r.finished_in_window,
                r.stuck,
                r.slow,
                r.score,
                r.status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // 3 created in the window and stuck (-15), 1 of 1 finished slow (-100%): 0, critical.
            ("alpha", 3, 1, 3, 1, Some(0.0), "critical"),
            ("beta", 5, 5, 0, 0, Some(100.0), "healthy"),
            // One order only, none stuck: not enough data.
            ("", 1, 1, 0, 0, None, "not_enough_data"),
        ]
    );
    // The same orders as the by-service view, only grouped otherwise.
    let by_service = reports::service_health(&fx.conn, &p).unwrap();
    let total =
        |f: fn(&reports::ServiceHealthRow) -> i64| by_service.services.iter().map(f).sum::<i64>();
    assert_eq!(
        report.providers.iter().map(|r| r.stuck).sum::<i64>(),
        total(|r| r.stuck)
    );
    assert_eq!(
        report
            .providers
            .iter()
            .map(|r| r.finished_in_window)
            .sum::<i64>(),
        total(|r| r.finished_in_window)
    );
    // A snoozed service's orders leave the view too.
    reports::snooze(&fx.db.local().unwrap(), main, 7, AT).unwrap();
    let report = reports::service_health_by_provider(&fx.conn, &p).unwrap();
    assert!(report.providers.iter().all(|r| r.provider != "alpha"));
    assert!(report
        .to_csv(CsvStyle::Raw)
        .starts_with("panel,provider,orders_in_window,"));
}
