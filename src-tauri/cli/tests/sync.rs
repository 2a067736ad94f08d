// Rows are read as tuples and compared field by field with the truth.
#![allow(clippy::type_complexity)]
//! The CLI over real HTTP against the fake panel, into a real data dir: the
//! cache ends equal to the panel's truth, through faults, crashes and restarts.

use std::{
    path::Path,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use paneldesk_core::db::{CacheConn, Db};
use paneldesk_fakepanel::{Config, FakePanel, Faults, RequestRecord, World};
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};

const BIN: &str = env!("CARGO_BIN_EXE_paneldesk-cli");

struct DataDir(tempfile::TempDir);

impl DataDir {
    fn new() -> DataDir {
        DataDir(tempfile::tempdir().unwrap())
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--data-dir")
            .arg(self.path())
            .args(args)
            .env_remove("PANELDESK_ADMIN_KEY")
            .stdin(Stdio::null());
        c
    }
    fn run(&self, args: &[&str], envs: &[(&str, &str)]) -> Output {
        self.cmd(args).envs(envs.iter().copied()).output().unwrap()
    }
    fn ok(&self, args: &[&str], envs: &[(&str, &str)]) -> String {
        let out = self.run(args, envs);
        assert!(
            out.status.success(),
            "{args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    /// Adds `fake` as panel `name` whose key comes from the environment.
    fn add(&self, name: &str, fake: &FakePanel, rate: &str) {
        self.ok(
            &[
                "panel",
                "add",
                "--name",
                name,
                "--url",
                fake.url(),
                "--no-keychain",
                "--rate-limit",
                rate,
            ],
            &[],
        );
    }
    /// The data dir opened as the app opens it: decrypted with its key.
    fn db(&self) -> Db {
        Db::open(&paneldesk_core::paths::DataDir::new(self.path())).unwrap()
    }
    fn cache(&self) -> CacheConn {
        self.db().cache().unwrap()
    }
}

fn key_env(name: &str, fake: &FakePanel) -> (String, String) {
    (
        format!(
            "PANELDESK_ADMIN_KEY_{}",
            name.to_uppercase().replace(' ', "_")
        ),
        fake.admin_key().to_owned(),
    )
}

fn sync(dir: &DataDir, envs: &[(String, String)], extra: &[&str]) -> Output {
    let mut c = dir.cmd(&["sync", "--once"]);
    c.args(extra);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn sync_ok(dir: &DataDir, envs: &[(String, String)], extra: &[&str]) {
    let out = sync(dir, envs, extra);
    assert!(
        out.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The cache of panel 1 equals the fake's world, row for row and field for field.
fn assert_equal_to_truth(cache: &Connection, w: &World, check_messages: bool) {
    let mut st = cache
        .prepare(
            "SELECT id, user, charge, quantity, remains, status, service_id, service_name, created, last_update, link,
                    external_id, mode, start_count, finished_at, creation_type, provider, currency
             FROM orders WHERE panel_id = 1 ORDER BY id",
        )
        .unwrap();
    let rows: Vec<(
        i64,
        String,
        Option<i64>,
        i64,
        i64,
        String,
        Option<i64>,
        String,
        i64,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
                r.get(14)?,
                r.get(15)?,
                r.get(16)?,
                r.get(17)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), w.orders.len(), "order count");
    for (r, t) in rows.iter().zip(&w.orders) {
        assert_eq!(r.0, t.id, "orders differ in ids: a gap or an extra row");
        assert_eq!(
            (&r.1, r.2, r.3, r.4),
            (&t.user, Some(t.charge_micros), t.quantity, t.remains),
            "order {}",
            t.id
        );
        assert_eq!(
            (&r.5, r.6, &r.7),
            (&t.status, Some(t.service_id), &t.service_name),
            "order {}",
            t.id
        );
        assert_eq!(
            (r.8, r.9, &r.10, &r.11),
            (t.created, Some(t.last_update), &t.link, &t.external_id),
            "order {}",
            t.id
        );
        assert_eq!(
            (r.12.as_deref(), r.13, r.15.as_deref(), &r.16),
            (
                Some(t.mode.as_str()),
                t.start_count,
                Some(t.creation_type.as_str()),
                &t.provider
            ),
            "order {}",
            t.id
        );
        assert_eq!(r.17.as_deref(), Some("USD"));
        if matches!(t.status.as_str(), "completed" | "partial") {
            assert!(r.14.is_some(), "finished order {} has no finish time", t.id);
        } else {
            assert_eq!(r.14, None, "order {} is not finished", t.id);
        }
    }

    let users: Vec<(i64, String, Option<String>, Option<i64>, Option<i64>, String, Option<i64>, Option<i64>, Option<i64>)> = cache
        .prepare("SELECT id, username, email, balance, spent, status, created, last_auth, discount FROM users WHERE panel_id = 1 ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(users.len(), w.users.len(), "user count");
    for (u, t) in users.iter().zip(&w.users) {
        assert_eq!(
            (u.0, &u.1, u.2.as_deref(), u.3, u.4, &u.5, u.6, u.7, u.8),
            (
                t.id,
                &t.username,
                Some(t.email.as_str()),
                Some(t.balance_micros),
                Some(t.spent_micros),
                &t.status,
                Some(t.created),
                t.last_auth,
                Some(t.discount)
            )
        );
    }

    let payments: Vec<(i64, String, Option<i64>, Option<i64>, String, String, Option<String>, String, Option<String>, Option<i64>, Option<i64>)> = cache
        .prepare("SELECT id, user, amount, balance, method, status, fraud_risk, memo, mode, created, updated FROM payments WHERE panel_id = 1 ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(payments.len(), w.payments.len(), "payment count");
    for (p, t) in payments.iter().zip(&w.payments) {
        assert_eq!(
            (
                p.0,
                &p.1,
                p.2,
                p.3,
                &p.4,
                &p.5,
                &p.6,
                &p.7,
                p.8.as_deref(),
                p.9,
                p.10
            ),
            (
                t.id,
                &t.user,
                Some(t.amount_micros),
                Some(t.balance_micros),
                &t.method,
                &t.status,
                &t.fraud_risk,
                &t.memo,
                Some(t.mode.as_str()),
                Some(t.created),
                Some(t.updated)
            )
        );
    }

    let tickets: Vec<(i64, Option<i64>, String, String, String, Option<String>, Option<i64>, Option<i64>, Option<i64>)> = cache
        .prepare("SELECT id, user_id, username, subject, status, assignee, created, last_update, messages_at FROM tickets WHERE panel_id = 1 ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(tickets.len(), w.tickets.len(), "ticket count");
    let mut with_messages = 0;
    for (t, truth) in tickets.iter().zip(&w.tickets) {
        assert_eq!(
            (t.0, t.1, &t.2, &t.3, &t.4, &t.5, t.6, t.7),
            (
                truth.id,
                Some(truth.user_id),
                &truth.username,
                &truth.subject,
                &truth.status,
                &truth.assignee,
                Some(truth.created),
                Some(truth.last_update)
            )
        );
        if truth.status != "closed" {
            assert!(
                t.8.is_some(),
                "open ticket {} has no conversation",
                truth.id
            );
        }
        if t.8.is_some() && check_messages {
            with_messages += 1;
            let msgs: Vec<(String, bool, Option<String>, Option<i64>)> = cache
                .prepare("SELECT message, is_staff, staff_name, created FROM ticket_messages WHERE panel_id = 1 AND ticket_id = ?1 ORDER BY seq")
                .unwrap()
                .query_map([truth.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(
                msgs.len(),
                truth.messages.len(),
                "ticket {} messages",
                truth.id
            );
            for (m, tm) in msgs.iter().zip(&truth.messages) {
                assert_eq!(
                    (&m.0, m.1, &m.2, m.3),
                    (&tm.message, tm.is_staff, &tm.staff_name, Some(tm.created)),
                    "ticket {}",
                    truth.id
                );
            }
        }
    }
    if check_messages {
        assert!(with_messages > 0);
    }
}

#[test]
fn a_full_sync_of_100k_orders_equals_the_panel_then_follows_its_clock() {
    let fake = FakePanel::spawn(Config::with_orders(100_000)).unwrap();
    let dir = DataDir::new();
    dir.add("Main", &fake, "100000");
    let env = [key_env("Main", &fake)];
    sync_ok(&dir, &env, &[]);
    fake.with_world(|w| assert_equal_to_truth(&dir.cache(), w, true));

    // The panel moves on: new orders, open orders finish, customers write.
    let open_before: Vec<i64> = fake.with_world(|w| {
        w.orders
            .iter()
            .filter(|o| o.status == "in_progress")
            .map(|o| o.id)
            .collect()
    });
    fake.tick(3 * 3600);
    sync_ok(&dir, &env, &[]);
    fake.with_world(|w| {
        assert_equal_to_truth(&dir.cache(), w, true);
        // An order seen open and finished since gets the panel's finish time, exactly.
        let cache = dir.cache();
        let finished: Vec<_> = open_before
            .iter()
            .filter_map(|id| w.order(*id))
            .filter(|o| o.status == "completed")
            .collect();
        assert!(
            !finished.is_empty(),
            "no open order finished during the tick"
        );
        for o in finished {
            let at: Option<i64> = cache
                .query_row(
                    "SELECT finished_at FROM orders WHERE panel_id = 1 AND id = ?1",
                    [o.id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(at, Some(o.last_update), "order {}", o.id);
        }
    });
}

/// PRODUCT.md's rule on the fake's record: over any span t, at most max(1, floor(R)) + R x t requests.
fn assert_rate_kept(requests: &[RequestRecord], rate: f64) {
    let capacity = rate.floor().max(1.0);
    for i in 0..requests.len() {
        for j in i..requests.len() {
            let span = (requests[j].t_ms - requests[i].t_ms) / 1000.0;
            let n = (j - i + 1) as f64;
            assert!(
                n <= capacity + rate * span + 1e-9,
                "{n} requests in {span:.3} s"
            );
        }
    }
}

#[test]
fn faults_slow_answers_and_a_rate_limit_still_end_equal_to_the_panel() {
    let config = Config {
        tickets: 200,
        ..Config::with_orders(2_000)
    };
    let fake = FakePanel::spawn(config).unwrap();
    // Orders also arrive during every order list read (pages shift under the reader).
    fake.set_faults(Faults {
        rate_limit: Some(5.0),
        fail_rate: 0.05,
        malformed_rate: 0.02,
        latency_ms: 30,
        shift_rate: 1.0,
        ..Faults::default()
    });
    let dir = DataDir::new();
    dir.add("Faulty", &fake, "5");
    sync_ok(&dir, &[key_env("Faulty", &fake)], &[]);
    // Orders that arrived during the very last requests are the next sync's:
    // one more, with the panel quiet, must end equal, having lost nothing
    // to the shifting pages (the backfill is not read again).
    let faults = fake.faults();
    fake.set_faults(Faults {
        shift_rate: 0.0,
        ..faults
    });
    let first_run = fake.requests().len();
    sync_ok(&dir, &[key_env("Faulty", &fake)], &[]);
    fake.with_world(|w| assert_equal_to_truth(&dir.cache(), w, true));
    let requests = fake.requests();
    // Each run is one client with one bucket: the rule holds within each
    // (a new process starts with a full bucket).
    assert_rate_kept(&requests[first_run..], 5.0);
    let requests = requests[..first_run].to_vec();
    assert!(
        requests.iter().any(|r| r.status == 500),
        "the faults were not exercised"
    );
    assert!(
        fake.with_world(|w| w.orders.len()) > 2_000,
        "no order arrived mid-paging"
    );
    assert_rate_kept(&requests, 5.0);
}

#[test]
fn a_sync_killed_at_ten_moments_resumes_without_loss_or_duplicates() {
    let fake = FakePanel::spawn(Config {
        tickets: 300,
        ..Config::with_orders(20_000)
    })
    .unwrap();
    let dir = DataDir::new();
    dir.add("Crashy", &fake, "100000");
    let env = [key_env("Crashy", &fake)];
    // Replayable: the moments come from a fixed seed.
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    let mut moments: Vec<usize> = (0..10).map(|_| rng.random_range(1..400)).collect();
    moments.sort();
    for after in moments {
        let before = fake.requests().len();
        let mut child = dir
            .cmd(&["sync", "--once", "--per-fetch", "100"])
            .env(&env[0].0, &env[0].1)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        // Wait for the moment: `after` requests into this run (or the run's end).
        while fake.requests().len() < before + after && child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the sync stalled");
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        let ok: String = dir
            .cache()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "killed after {after} requests");
    }
    sync_ok(&dir, &env, &["--per-fetch", "100"]);
    fake.with_world(|w| assert_equal_to_truth(&dir.cache(), w, true));
    // The first backfill's upkeep, set aside and killed with it, is whole
    // again once the pass after the backfill's has filled the search index:
    // the orders' indexes and triggers are a fresh cache's.
    sync_ok(&dir, &env, &["--per-fetch", "100"]);
    let schema = |c: &Connection| -> Vec<String> {
        let mut st = c
            .prepare("SELECT sql FROM sqlite_schema WHERE tbl_name = 'orders' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(schema(&dir.cache()), schema(&DataDir::new().cache()));
}

#[test]
fn a_wrong_key_is_a_clear_error_on_its_panel_and_the_others_still_sync() {
    let good = FakePanel::spawn(Config::with_orders(300)).unwrap();
    let bad = FakePanel::spawn(Config::with_orders(300)).unwrap();
    let dir = DataDir::new();
    dir.add("Good", &good, "1000");
    dir.add("Bad", &bad, "1000");
    let out = sync(
        &dir,
        &[
            key_env("Good", &good),
            ("PANELDESK_ADMIN_KEY_BAD".into(), "wrong-key".into()),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3), "wrong key is exit 3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("panel Bad: the panel refused the API key"),
        "{stderr}"
    );
    assert!(
        stderr.contains("enter it again"),
        "the error says what to do: {stderr}"
    );

    let list: serde_json::Value =
        serde_json::from_str(&dir.ok(&["panel", "list", "--json"], &[])).unwrap();
    let by = |n: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by("Bad")["status"], "auth_error");
    assert!(by("Bad")["last_error"]
        .as_str()
        .unwrap()
        .contains("refused the API key"));
    assert_eq!(by("Good")["status"], "connected");
    let good_orders: i64 = dir
        .cache()
        .query_row("SELECT count(*) FROM orders WHERE panel_id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(good_orders >= 300, "the good panel synced: {good_orders}");
    let bad_orders: i64 = dir
        .cache()
        .query_row("SELECT count(*) FROM orders WHERE panel_id = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(bad_orders, 0);
}

#[test]
fn lowering_the_retention_deletes_exactly_the_old_finished_rows_and_they_stay_gone() {
    // Two panels: each one's old rows go, and only those (the deletes run
    // panel by panel).
    let fake = FakePanel::spawn(Config::with_orders(5_000)).unwrap();
    let other = FakePanel::spawn(Config::with_orders(2_000)).unwrap();
    let dir = DataDir::new();
    dir.add("Main", &fake, "100000");
    dir.add("Other", &other, "100000");
    let env = [key_env("Main", &fake), key_env("Other", &other)];
    sync_ok(&dir, &env, &[]);
    // The fake's orders are 36 to 96 days old; keep 60 days.
    let horizon_before = chrono_now() - 60 * 86_400;
    let out = dir.ok(&["retention", "--days", "60"], &[]);
    let horizon_after = chrono_now() - 60 * 86_400;
    assert!(out.contains("removed"), "{out}");
    let check = |cache: &Connection, panel: i64, fake: &FakePanel| {
        fake.with_world(|w| {
            for o in &w.orders {
                let kept: bool = cache.query_row("SELECT count(*) FROM orders WHERE panel_id = ?1 AND id = ?2", params![panel, o.id], |r| r.get(0)).unwrap();
                let open = matches!(o.status.as_str(), "pending" | "in_progress" | "processing" | "awaiting");
                if open || o.created >= horizon_after {
                    assert!(kept, "order {} ({}) should stay", o.id, o.status);
                } else if o.created < horizon_before {
                    assert!(!kept, "order {} ({}, created {}) should be gone", o.id, o.status, o.created);
                }
            }
            for p in &w.payments {
                let kept: bool = cache.query_row("SELECT count(*) FROM payments WHERE panel_id = ?1 AND id = ?2", params![panel, p.id], |r| r.get(0)).unwrap();
                if p.created >= horizon_after {
                    assert!(kept, "payment {}", p.id);
                } else if p.created < horizon_before {
                    assert!(!kept, "payment {}", p.id);
                }
            }
            for t in &w.tickets {
                let kept: bool = cache.query_row("SELECT count(*) FROM tickets WHERE panel_id = ?1 AND id = ?2", params![panel, t.id], |r| r.get(0)).unwrap();
                if t.status != "closed" || t.last_update >= horizon_after {
                    assert!(kept, "ticket {}", t.id);
                } else if t.last_update < horizon_before {
                    assert!(!kept, "ticket {}", t.id);
                    let msgs: i64 = cache.query_row("SELECT count(*) FROM ticket_messages WHERE panel_id = ?1 AND ticket_id = ?2", params![panel, t.id], |r| r.get(0)).unwrap();
                    assert_eq!(msgs, 0);
                }
            }
            let users: i64 = cache.query_row("SELECT count(*) FROM users WHERE panel_id = ?1", [panel], |r| r.get(0)).unwrap();
            assert_eq!(users as usize, w.users.len(), "users are never deleted");
        })
    };
    for (panel, fake, orders) in [(1, &fake, 5_000), (2, &other, 2_000)] {
        let left: i64 = dir
            .cache()
            .query_row(
                "SELECT count(*) FROM orders WHERE panel_id = ?1",
                [panel],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            (left as usize) < orders,
            "nothing was deleted on panel {panel}"
        );
        check(&dir.cache(), panel, fake);
    }
    // The next sync does not bring them back.
    fake.clear_records();
    other.clear_records();
    sync_ok(&dir, &env, &[]);
    check(&dir.cache(), 1, &fake);
    check(&dir.cache(), 2, &other);
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn the_contract_exit_codes_and_clear_errors() {
    let dir = DataDir::new();
    // Usage error.
    assert_eq!(dir.run(&["sync"], &[]).status.code(), Some(2));
    assert_eq!(dir.run(&["export", "orders"], &[]).status.code(), Some(2));
    // No key given: exit 3.
    let out = dir.run(
        &[
            "panel",
            "add",
            "--name",
            "X",
            "--url",
            "https://panel.example",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A v1 address.
    let out = dir.run(
        &[
            "panel",
            "add",
            "--name",
            "X",
            "--url",
            "https://panel.example/adminapi/v1",
            "--no-keychain",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Admin API v1 address"));
    // Unreachable: exit 4, status unreachable.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    dir.ok(
        &[
            "panel",
            "add",
            "--name",
            "Gone",
            "--url",
            &url,
            "--no-keychain",
        ],
        &[],
    );
    let out = sync(
        &dir,
        &[("PANELDESK_ADMIN_KEY_GONE".into(), "k".into())],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.ok(&["panel", "list"], &[]).contains("unreachable"));
    // The key for a --no-keychain panel is missing from the environment: exit 3 naming the variable.
    let out = sync(&dir, &[], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PANELDESK_ADMIN_KEY_GONE"));
    // No keychain reachable: exit 5 with the way out.
    let out = dir
        .cmd(&[
            "panel",
            "add",
            "--name",
            "K",
            "--url",
            "https://panel.example",
        ])
        .env("PANELDESK_ADMIN_KEY", "abc")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-keychain"));
    assert!(
        !dir.ok(&["panel", "list"], &[]).contains("\nK "),
        "no half-added panel"
    );
}

#[test]
fn one_sync_owner_per_data_dir() {
    let fake = FakePanel::spawn(Config::with_orders(300)).unwrap();
    fake.set_faults(Faults {
        latency_ms: 300,
        ..Faults::default()
    });
    let dir = DataDir::new();
    dir.add("Slow", &fake, "1000");
    let env = key_env("Slow", &fake);
    let mut first = dir
        .cmd(&["sync", "--watch"])
        .env(&env.0, &env.1)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first owner is really syncing.
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.requests().is_empty() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = sync(&dir, std::slice::from_ref(&env), &[]);
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("paneldesk-cli sync --watch (pid") && stderr.contains("already syncing"),
        "{stderr}"
    );
    // Readers never wait for the owner.
    dir.ok(&["export", "orders", "--csv"], &[]);
}

#[test]
fn export_writes_rfc4180_csv_with_the_contract_header() {
    let fake = FakePanel::spawn(Config::with_orders(200)).unwrap();
    let dir = DataDir::new();
    dir.add("Main, \"Quoted\"", &fake, "1000");
    sync_ok(
        &dir,
        &[(
            "PANELDESK_ADMIN_KEY_MAIN___QUOTED_".into(),
            fake.admin_key().into(),
        )],
        &["--resource", "orders"],
    );
    let csv = dir.ok(&["export", "orders", "--csv"], &[]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "panel,id,user,charge,link,start_count,quantity,service_id,service_name,status,remains,created_timestamp,last_update_timestamp,finished_at,mode,provider,external_id"
    );
    let first = fake.with_world(|w| w.orders[0].clone());
    let row = csv
        .lines()
        .find(|l| l.contains(&format!(",{},", first.id)))
        .unwrap();
    assert!(row.starts_with("\"Main, \"\"Quoted\"\"\","), "{row}");
    assert!(
        row.contains(&format!(
            ",{},",
            paneldesk_core::model::format_micros(first.charge_micros)
        )),
        "money as a decimal: {row}"
    );
    assert_eq!(csv.lines().count(), 201);
}

/// Runs inside `make test`'s D-Bus session with an unlocked keyring: the key
/// goes to the real OS keychain, and nowhere in the data dir.
#[test]
fn after_a_full_run_the_admin_key_appears_nowhere_in_the_data_dir() {
    let key = format!("pk_live_SECRET_{}_7f3a9c2e", std::process::id());
    let fake = FakePanel::spawn(Config {
        admin_key: key.clone(),
        ..Config::with_orders(2_000)
    })
    .unwrap();
    let dir = DataDir::new();
    dir.ok(
        &[
            "panel",
            "add",
            "--name",
            "Keyed",
            "--url",
            fake.url(),
            "--rate-limit",
            "100000",
        ],
        &[("PANELDESK_ADMIN_KEY", &key)],
    );
    sync_ok(&dir, &[], &[]);
    let out = dir.run(&["panel", "test", "Keyed"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value =
        serde_json::from_str(&dir.ok(&["panel", "list", "--json"], &[])).unwrap();
    assert_eq!(list[0]["admin_key_last4"], "9c2e");

    let mut files = 0;
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        for entry in std::fs::read_dir(&p).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                "the admin key is written in {}",
                path.display()
            );
        }
    }
    // The databases, their WAL files and the log were all read.
    assert!(files >= 4, "{files} files");
    dir.ok(&["panel", "remove", "Keyed"], &[]);
}

#[test]
fn a_rate_limit_that_never_ends_exits_6_in_bounded_time_with_one_error_line() {
    let fake = FakePanel::spawn(Config::with_orders(100)).unwrap();
    let dir = DataDir::new();
    dir.add("Main", &fake, "5");
    fake.set_faults(Faults {
        always_429_retry_after: Some(1),
        ..Faults::default()
    });
    let (k, v) = key_env("Main", &fake);
    let mut child = dir
        .cmd(&["sync", "--once"])
        .env(k, v)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Bounded: the retry budget is about a minute; past two, it hangs.
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("sync --once still running after 120 s against a 429 that never ends");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(6), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("429"), "{stderr}");
    let list: serde_json::Value =
        serde_json::from_str(&dir.ok(&["panel", "list", "--json"], &[])).unwrap();
    assert_eq!(list[0]["status"], "rate_limited");
}

#[test]
fn a_removal_killed_between_its_two_steps_leaves_nothing_of_the_panel() {
    let fake = FakePanel::spawn(Config::with_orders(500)).unwrap();
    let dir = DataDir::new();
    dir.add("Gone", &fake, "100000");
    sync_ok(&dir, &[key_env("Gone", &fake)], &[]);
    let local = dir.db().local().unwrap();
    let old_id: i64 = local
        .query_row("SELECT id FROM panels WHERE name = 'Gone'", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Hold cache.sqlite3's write lock: `panel remove` deletes the panel from
    // local.sqlite3, then waits on this lock for its second step.
    let blocker = dir.cache();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = dir
        .cmd(&["panel", "remove", "Gone"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let left: i64 = local
            .query_row("SELECT count(*) FROM panels WHERE name = 'Gone'", [], |r| {
                r.get(0)
            })
            .unwrap();
        if left == 0 {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            panic!(
                "the removal ended before its first step was seen ({:?}): {err}",
                start.elapsed()
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the first step never came"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // Killed between its two steps.
    child.kill().unwrap();
    child.wait().unwrap();
    blocker.execute_batch("ROLLBACK").unwrap();
    // Read through the connection already open: opening the data dir again
    // would purge the orphaned rows before they are counted.
    let cache = blocker;
    let count = |table: &str| -> i64 {
        cache
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert!(count("orders") > 0, "the kill left the cached rows behind");
    // The next run opens the data dir: nothing of the removed panel is left.
    dir.ok(&["panel", "list"], &[]);
    for table in [
        "orders",
        "users",
        "payments",
        "tickets",
        "ticket_messages",
        "sync_state",
        "cache_panels",
    ] {
        assert_eq!(count(table), 0, "{table} kept the removed panel's rows");
    }
    dir.add("Next", &fake, "100000");
    let new_id: i64 = local
        .query_row("SELECT id FROM panels WHERE name = 'Next'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(new_id > old_id, "id {old_id} was given again");
}
