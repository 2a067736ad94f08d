//! The cache stays true for as long as the app runs: each test drives the
//! real engine against the fake panel over HTTP and a real SQLite file, and
//! checks what an operator would see in the cache.

use std::time::{Duration, Instant};

use paneldesk_core::{
    db::{CacheConn, Db, Writer},
    panel::{ClientOptions, PanelClient, PanelError},
    panels::{self, PanelStatus},
    paths::DataDir,
    secrets::Keychain,
    sync::{Engine, EngineOptions, Resource},
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel, Faults};
use rusqlite::{params, Connection, OptionalExtension};

mod common;

struct Fx {
    /// One runtime per test: the engine's clients keep their connections on it.
    rt: tokio::runtime::Runtime,
    _tmp: tempfile::TempDir,
    db: Db,
    fake: FakePanel,
    panel_id: i64,
}

/// A fake panel whose clock is the real one (so "recent" means recent to
/// the engine too), and a data dir with it configured.
fn fx(name: &str, orders: usize, rate: f64) -> Fx {
    let fake = FakePanel::spawn(Config {
        now: chrono::Utc::now().timestamp(),
        tickets: 80,
        ..Config::with_orders(orders)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let panel_id = common::env_panel(&db, name, &fake, rate).id;
    Fx {
        rt: rt(),
        _tmp: tmp,
        db,
        fake,
        panel_id,
    }
}

fn engine_with(db: &Db, options: EngineOptions) -> Engine {
    Engine::new(db.clone(), Writer::start(db).unwrap(), Keychain, options)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn sync(f: &Fx, engine: &Engine, resources: &[Resource]) -> Option<paneldesk_core::Error> {
    let mut reports = f.rt.block_on(engine.sync_once(None, resources)).unwrap();
    reports.pop().unwrap().error
}

fn cache(db: &Db) -> CacheConn {
    db.cache().unwrap()
}

fn one<T: rusqlite::types::FromSql>(c: &Connection, sql: &str, p: impl rusqlite::Params) -> T {
    c.query_row(sql, p, |r| r.get(0)).unwrap()
}

/// Every resource of the panel on `interval` seconds (below the UI's
/// 5 s floor: watch tests run in seconds, not minutes).
fn intervals(db: &Db, panel_id: i64, interval: i64) {
    for r in Resource::ALL {
        db.local()
            .unwrap()
            .execute(
                "INSERT OR REPLACE INTO sync_settings (panel_id, resource, interval_s, per_fetch) VALUES (?1, ?2, ?3, 1000)",
                params![panel_id, r.as_str(), interval],
            )
            .unwrap();
    }
}

/// Runs `watch` on its own runtime until `done` holds or `deadline` passes;
/// answers whether `done` held. The cache is polled, the engine never waited on.
fn watch_until(
    f: &Fx,
    engine: &Engine,
    deadline: Duration,
    mut done: impl FnMut() -> bool,
) -> bool {
    let rt = &f.rt;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = {
        let engine = engine.clone();
        rt.spawn(async move { engine.watch(stop_rx).await })
    };
    let start = Instant::now();
    let mut ok = false;
    while start.elapsed() < deadline {
        if done() {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    stop_tx.send(true).unwrap();
    rt.block_on(task).unwrap().unwrap();
    ok
}

// 1. An old open order that finishes leaves the cache (retention), instead of
//    staying "in progress" for ever.
#[test]
fn an_old_open_order_that_finishes_is_no_longer_open_in_the_cache() {
    let f = fx("OldOpen", 6_000, 1_000.0);
    let engine = common::engine(&f.db);
    assert!(sync(&f, &engine, &[Resource::Orders]).is_none());
    // Time passes: the horizon moves past orders still open (kept by retention).
    paneldesk_core::settings::set_retention_days(
        &Writer::start(&f.db).unwrap(),
        f.db.install_id(),
        &paneldesk_core::activity::Actor::cli(),
        30,
    )
    .unwrap();
    let horizon = chrono::Utc::now().timestamp() - 30 * 86_400;
    let open_old: Vec<i64> = {
        let c = cache(&f.db);
        let mut st = c
            .prepare("SELECT id FROM orders WHERE created < ?1 AND status IN ('pending','in_progress','processing','awaiting')")
            .unwrap();
        st.query_map([horizon], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(!open_old.is_empty(), "the fake has old open orders");
    let id = open_old[0];
    f.fake
        .edit_world(|w| assert!(w.set_order_status(id, "completed")));
    assert!(sync(&f, &engine, &[Resource::Orders]).is_none());
    let status: Option<String> = cache(&f.db)
        .query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()
        .unwrap();
    assert_eq!(
        status, None,
        "a finished order past the horizon is deleted, not kept open"
    );
}

// 2. One bad ticket does not block the others; a failing one waits for its
//    retry time; a deleted one is not asked for again.
#[test]
fn a_failing_ticket_detail_is_recorded_and_the_others_still_get_their_conversation() {
    let f = fx("BadTicket", 2_000, 1_000.0);
    let newest = f.fake.with_world(|w| w.tickets.last().unwrap().id);
    f.fake.set_faults(Faults {
        ticket_code_100: vec![newest],
        ..Faults::default()
    });
    let engine = common::engine(&f.db);
    assert!(sync(&f, &engine, &[Resource::Tickets]).is_none());
    let c = cache(&f.db);
    let without: i64 = one(
        &c,
        "SELECT count(*) FROM tickets WHERE messages_at IS NULL",
        [],
    );
    assert_eq!(without, 1, "every other conversation was fetched");
    let (error, retry_at): (String, i64) = c
        .query_row(
            "SELECT fetch_error, retry_at FROM tickets WHERE id = ?1",
            [newest],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(error.contains("100"), "{error}");
    assert!(retry_at > chrono::Utc::now().timestamp() + 3000);

    // Deleted on the panel while its conversation moved: a 404.
    let gone = f.fake.with_world(|w| w.tickets[3].id);
    c.execute(
        "UPDATE tickets SET messages_at = NULL WHERE id = ?1",
        [gone],
    )
    .unwrap();
    f.fake.edit_world(|w| assert!(w.delete_ticket(gone)));
    f.fake.clear_records();
    assert!(sync(&f, &engine, &[Resource::Tickets]).is_none());
    assert_eq!(
        one::<i64>(&c, "SELECT deleted FROM tickets WHERE id = ?1", [gone]),
        1
    );
    let asked = |id: i64| {
        f.fake
            .requests()
            .iter()
            .filter(|r| r.path == format!("/adminapi/v2/tickets/{id}"))
            .count()
    };
    assert_eq!(
        asked(newest),
        0,
        "the failing ticket waits for its retry time"
    );
    assert_eq!(asked(gone), 1);
    f.fake.clear_records();
    assert!(sync(&f, &engine, &[Resource::Tickets]).is_none());
    assert_eq!(asked(gone), 0, "a deleted ticket is not asked for again");
}

// 3. In watch mode a new customer message, a payment's new status and a
//    user's new balance are cached within two intervals.
#[test]
fn watch_mode_caches_new_messages_payment_statuses_and_balances_within_two_intervals() {
    let f = fx("Fresh", 2_000, 1_000.0);
    let engine = engine_with(&f.db, EngineOptions::default());
    assert!(sync(&f, &engine, &Resource::ALL).is_none());
    const INTERVAL: i64 = 2;
    intervals(&f.db, f.panel_id, INTERVAL);
    // The panel moves on: customers write again on open tickets, a pending
    // payment completes, a user is credited.
    f.fake.tick(60);
    let (pending, user) = f.fake.edit_world(|w| {
        let recent = w.now - 6 * 86_400;
        let p = w
            .payments
            .iter()
            .rev()
            .find(|p| p.status == "pending" && p.created >= recent)
            .map(|p| p.id)
            .expect("a recent pending payment");
        assert!(w.set_payment_status(p, "completed"));
        let u = w.users[7].username.clone();
        w.add_payment(&u, 12_340_000, "Manual", "credit").unwrap();
        (p, u)
    });
    let truth = f.fake.with_world(|w| {
        let written: Vec<(i64, usize)> = w
            .tickets
            .iter()
            .filter(|t| t.last_update == w.now)
            .map(|t| (t.id, t.messages.len()))
            .collect();
        let balance = w.user_by_name(&user).unwrap().balance_micros;
        (written, balance)
    });
    assert!(!truth.0.is_empty());
    let c = cache(&f.db);
    let caught_up = || {
        let messages_ok = truth.0.iter().all(|(id, n)| {
            one::<i64>(
                &c,
                "SELECT count(*) FROM ticket_messages WHERE ticket_id = ?1",
                [id],
            ) == *n as i64
        });
        let status: String = one(&c, "SELECT status FROM payments WHERE id = ?1", [pending]);
        let balance: Option<i64> =
            one(&c, "SELECT balance FROM users WHERE username = ?1", [&user]);
        messages_ok && status == "completed" && balance == Some(truth.1)
    };
    // Two intervals, and the requests' own time (the fake answers in ms).
    let deadline = Duration::from_secs(2 * INTERVAL as u64 + 4);
    assert!(
        watch_until(&f, &engine, deadline, caught_up),
        "the cache did not catch up within two intervals"
    );
}

// 4. One bucket per panel for the engine's lifetime, whatever runs.
#[test]
fn watch_mode_keeps_one_rate_limit_for_the_panel_across_every_resource() {
    let f = fx("Bucket", 3_000, 5.0);
    f.fake.set_faults(Faults {
        rate_limit: Some(5.0),
        ..Faults::default()
    });
    intervals(&f.db, f.panel_id, 1);
    let engine = engine_with(&f.db, EngineOptions::default());
    f.fake.clear_records();
    // Twelve seconds with every resource due every second.
    watch_until(&f, &engine, Duration::from_secs(12), || false);
    let requests = f.fake.requests();
    assert!(requests.len() > 40, "only {} requests", requests.len());
    assert!(
        requests.iter().all(|r| r.status != 429),
        "the panel answered 429"
    );
    // In arrival order, over every span t: at most capacity + 5 t requests
    // (the fake's own bucket: capacity floor(5) = 5). Tolerance: none.
    for i in 0..requests.len() {
        for j in i..requests.len() {
            let span = (requests[j].t_ms - requests[i].t_ms) / 1000.0;
            let n = (j - i + 1) as f64;
            assert!(n <= 5.0 + 5.0 * span + 1e-9, "{n} requests in {span:.3} s");
        }
    }
}

// 5. A 429 that never ends fails in bounded time, and says how long the
//    panel asked to wait when that was capped.
#[test]
fn a_rate_limit_that_never_ends_fails_in_bounded_time_and_names_the_capped_wait() {
    let fake = FakePanel::spawn(Config::with_orders(50)).unwrap();
    fake.set_faults(Faults {
        always_429_retry_after: Some(3_600),
        ..Faults::default()
    });
    let client = PanelClient::new(
        fake.url(),
        fake.admin_key(),
        ClientOptions {
            read_retries: 1,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let err = rt()
        .block_on(client.orders(&paneldesk_core::panel::ListQuery::page(10, 0)))
        .unwrap_err();
    assert!(
        matches!(err, PanelError::RateLimited { tries: 2, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("asked to wait 3600 s"), "{text}");
    assert!(text.contains("at most 10 s"), "{text}");
    assert_eq!(fake.requests().len(), 2);
}

// 6. The verify pass: statuses corrected, deleted rows removed, and a range
//    missing too much is refused rather than emptied.
#[test]
fn the_verify_pass_makes_the_cache_equal_the_panel_and_refuses_a_mass_deletion() {
    let f = fx("Verify", 4_000, 1_000.0);
    let engine = common::engine(&f.db);
    assert!(sync(&f, &engine, &Resource::ALL).is_none());
    let c = cache(&f.db);
    let horizon = chrono::Utc::now().timestamp() - 90 * 86_400;
    let completed: i64 = one(
        &c,
        "SELECT id FROM orders WHERE status = 'completed' AND created > ?1 ORDER BY id LIMIT 1",
        [horizon],
    );
    let deleted_order: i64 = one(
        &c,
        "SELECT id FROM orders WHERE status = 'completed' AND created > ?1 ORDER BY id DESC LIMIT 1",
        [horizon],
    );
    let (user, ticket) = f
        .fake
        .with_world(|w| (w.users.last().unwrap().id, w.tickets[10].id));
    f.fake.edit_world(|w| {
        assert!(w.set_order_status(completed, "canceled"));
        assert!(w.delete_order(deleted_order));
        assert!(w.delete_user(user));
        assert!(w.delete_ticket(ticket));
    });
    let reports = f.rt.block_on(engine.verify_once(None)).unwrap();
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    assert_eq!(
        one::<String>(&c, "SELECT status FROM orders WHERE id = ?1", [completed]),
        "canceled"
    );
    let count = |table: &str, id: i64| -> i64 {
        one(
            &c,
            &format!("SELECT count(*) FROM {table} WHERE id = ?1"),
            [id],
        )
    };
    assert_eq!(count("orders", deleted_order), 0);
    assert_eq!(count("users", user), 0);
    assert_eq!(count("tickets", ticket), 0);
    assert_eq!(
        one::<i64>(
            &c,
            "SELECT count(*) FROM ticket_messages WHERE ticket_id = ?1",
            [ticket]
        ),
        0
    );
    // The cache's orders inside the window are exactly the panel's.
    let panel_ids: std::collections::BTreeSet<i64> = f.fake.with_world(|w| {
        w.orders
            .iter()
            .filter(|o| o.created >= horizon)
            .map(|o| o.id)
            .collect()
    });
    let cached: std::collections::BTreeSet<i64> = c
        .prepare("SELECT id FROM orders WHERE created >= ?1")
        .unwrap()
        .query_map([horizon], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(cached, panel_ids);

    // A tenth of the oldest range vanishes on the panel: nothing is deleted.
    let victims: Vec<i64> = c
        .prepare("SELECT id FROM orders WHERE created >= ?1 ORDER BY created LIMIT 200")
        .unwrap()
        .query_map([horizon], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    f.fake
        .edit_world(|w| victims.iter().for_each(|id| assert!(w.delete_order(*id))));
    let before: i64 = one(&c, "SELECT count(*) FROM orders", []);
    let reports = f.rt.block_on(engine.verify_once(None)).unwrap();
    let err = reports[0].error.as_ref().expect("the pass stops");
    assert_eq!(err.code(), ErrorCode::VerifyStopped);
    assert!(err.to_string().contains("200 of the"), "{err}");
    assert_eq!(one::<i64>(&c, "SELECT count(*) FROM orders", []), before);
}

// 8. The status follows the admin API's last answer, never the services run.
#[test]
fn a_services_run_never_turns_a_wrong_key_panel_back_to_connected() {
    let f = fx("Status", 200, 1_000.0);
    std::env::set_var(panels::env_key_var("Status"), "a-wrong-key");
    let engine = common::engine(&f.db);
    let err = sync(&f, &engine, &[Resource::Users]).expect("a wrong key fails");
    assert_eq!(err.code(), ErrorCode::WrongKey);
    assert!(sync(&f, &engine, &[Resource::Services]).is_none());
    let p = panels::by_id(&f.db.local().unwrap(), f.panel_id).unwrap();
    assert_eq!(p.status, PanelStatus::AuthError);
    assert!(p.last_error.unwrap().contains("refused the API key"));
}

// 9. A removal cut short between the two files leaves nothing of the old
//    panel, and its id is never given again.
#[test]
fn a_panel_removed_halfway_is_purged_at_open_and_its_id_is_never_reused() {
    let f = fx("Removed", 500, 1_000.0);
    assert!(sync(&f, &common::engine(&f.db), &Resource::ALL).is_none());
    // `panel remove` deletes the row from local.sqlite3, then the cached rows:
    // the process dies between the two.
    let removed = f.panel_id;
    f.db.local()
        .unwrap()
        .execute("DELETE FROM panels WHERE id = ?1", [removed])
        .unwrap();
    assert!(one::<i64>(&cache(&f.db), "SELECT count(*) FROM orders", []) > 0);
    let db = Db::open(f.db.data_dir()).unwrap();
    let c = cache(&db);
    for table in [
        "orders",
        "users",
        "payments",
        "tickets",
        "ticket_messages",
        "services",
        "sync_state",
    ] {
        assert_eq!(
            one::<i64>(&c, &format!("SELECT count(*) FROM {table}"), []),
            0,
            "{table} kept the removed panel's rows"
        );
    }
    let again = common::env_panel(&db, "Again", &f.fake, 1_000.0);
    assert!(again.id > removed, "id {} was given again", again.id);
}

// 10. A failing backfill stops neither the head nor the open orders' refresh.
#[test]
fn a_failing_backfill_still_brings_new_orders_and_moves_open_ones() {
    let f = fx("Backfill", 3_000, 1_000.0);
    for r in Resource::ALL {
        f.db.local()
            .unwrap()
            .execute(
                "INSERT OR REPLACE INTO sync_settings (panel_id, resource, interval_s, per_fetch) VALUES (?1, ?2, 60, 200)",
                params![f.panel_id, r.as_str()],
            )
            .unwrap();
    }
    f.fake.set_faults(Faults {
        fail_from_offset: Some(600),
        ..Faults::default()
    });
    let engine = common::engine(&f.db);
    let err = sync(&f, &engine, &[Resource::Orders]).expect("the backfill fails");
    assert!(err.to_string().contains("500"), "{err}");
    f.fake.tick(600);
    let (newest, moved) = f.fake.with_world(|w| {
        let newest = w.orders.last().unwrap().id;
        let moved: Vec<(i64, String)> = w
            .orders
            .iter()
            .rev()
            .take(400)
            .filter(|o| o.last_update == w.now && o.created < w.now - 600)
            .map(|o| (o.id, o.status.clone()))
            .collect();
        (newest, moved)
    });
    assert!(!moved.is_empty());
    assert!(
        sync(&f, &engine, &[Resource::Orders]).is_some(),
        "the backfill still fails"
    );
    let c = cache(&f.db);
    assert_eq!(
        one::<i64>(&c, "SELECT count(*) FROM orders WHERE id = ?1", [newest]),
        1,
        "the head ran"
    );
    for (id, status) in moved {
        assert_eq!(
            one::<String>(&c, "SELECT status FROM orders WHERE id = ?1", [id]),
            status,
            "order {id} was not refreshed"
        );
    }
}

// 11. A refusal that mentions "limit" is the panel's error, told at once:
//     not rate limiting, not retried.
#[test]
fn a_refusal_that_says_limit_is_not_taken_for_rate_limiting() {
    let f = fx("Refusal", 50, 1_000.0);
    f.fake.set_faults(Faults {
        refuse_with: Some("Amount exceeds limit".into()),
        ..Faults::default()
    });
    let engine = common::engine(&f.db);
    let err = sync(&f, &engine, &[Resource::Users]).expect("a refusal fails the run");
    assert_ne!(err.code(), ErrorCode::RateLimited, "{err}");
    assert!(err.to_string().contains("Amount exceeds limit"), "{err}");
    assert_eq!(f.fake.requests().len(), 1, "a refusal was retried");
    let p = panels::by_id(&f.db.local().unwrap(), f.panel_id).unwrap();
    assert_eq!(p.status, PanelStatus::Connected);
}

// 12. A panel that caps `limit` below what is asked is paged to the end.
#[test]
fn a_panel_that_caps_limit_at_100_is_still_synced_whole() {
    let f = fx("Capped", 3_000, 1_000.0);
    f.fake.set_faults(Faults {
        max_limit: Some(100),
        ..Faults::default()
    });
    assert!(sync(
        &f,
        &common::engine(&f.db),
        &[Resource::Orders, Resource::Users]
    )
    .is_none());
    let horizon = chrono::Utc::now().timestamp() - 90 * 86_400;
    let (orders, users) = f.fake.with_world(|w| {
        (
            w.orders.iter().filter(|o| o.created >= horizon).count() as i64,
            w.users.len() as i64,
        )
    });
    let c = cache(&f.db);
    assert_eq!(
        one::<i64>(
            &c,
            "SELECT count(*) FROM orders WHERE created >= ?1",
            [horizon]
        ),
        orders
    );
    assert_eq!(one::<i64>(&c, "SELECT count(*) FROM users", []), users);
}

// 13. Watch mode applies the retention while it runs.
#[test]
fn watch_mode_applies_a_lowered_retention_without_a_restart() {
    let f = fx("Retention", 2_000, 1_000.0);
    let engine = engine_with(
        &f.db,
        EngineOptions {
            retention_every_s: 1,
            ..EngineOptions::default()
        },
    );
    assert!(sync(&f, &engine, &[Resource::Orders]).is_none());
    intervals(&f.db, f.panel_id, 3_600);
    let horizon = chrono::Utc::now().timestamp() - 20 * 86_400;
    let c = cache(&f.db);
    let old = "SELECT count(*) FROM orders WHERE created < ?1 AND status NOT IN ('pending','in_progress','processing','awaiting')";
    assert!(one::<i64>(&c, old, [horizon]) > 0);
    // Once the running engine has synced (past its start, when it applies
    // the retention anyway), the retention is lowered by another process
    // that deletes nothing itself.
    let started = chrono::Utc::now().timestamp();
    let mut lowered = false;
    let gone = || {
        if !lowered {
            let synced: Option<i64> = one(
                &c,
                "SELECT MAX(last_fetched) FROM sync_state WHERE resource = 'users'",
                [],
            );
            if synced.is_some_and(|t| t >= started) {
                f.db.local()
                    .unwrap()
                    .execute(
                        "INSERT OR REPLACE INTO settings (key, value) VALUES ('retention_days', '20')",
                        [],
                    )
                    .unwrap();
                lowered = true;
            }
            return false;
        }
        one::<i64>(&c, old, [horizon]) == 0
    };
    assert!(
        watch_until(&f, &engine, Duration::from_secs(15), gone),
        "old finished orders outlived the retention"
    );
}

// 14. The services key's documented variable.
#[test]
fn a_no_keychain_panel_reads_its_services_key_from_paneldesk_services_key() {
    let f = fx("Svc Env", 100, 1_000.0);
    std::env::remove_var(format!("{}_SERVICES", panels::env_key_var("Svc Env")));
    std::env::set_var("PANELDESK_SERVICES_KEY_SVC_ENV", f.fake.services_key());
    assert!(sync(&f, &common::engine(&f.db), &[Resource::Services]).is_none());
    assert!(one::<i64>(&cache(&f.db), "SELECT count(*) FROM services", []) > 0);
}
