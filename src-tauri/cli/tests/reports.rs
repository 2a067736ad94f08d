// Expected figures are kept in plain tuples keyed by user or service.
#![allow(clippy::type_complexity)]
//! Each report on the fake panel's data, computed two ways: by the engine
//! (through the CLI, from the synced cache) and by a straightforward
//! computation over the fake's truth, here. They must agree.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    process::{Command, Stdio},
};

use paneldesk_core::text::{complaint, order_ids, parse_speed, strip_html};
use paneldesk_fakepanel::{Config, FakePanel, World};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_paneldesk-cli");

struct Synced {
    fake: FakePanel,
    dir: tempfile::TempDir,
}

impl Synced {
    fn new(orders: usize) -> Synced {
        let fake = FakePanel::spawn(Config::with_orders(orders)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let s = Synced { fake, dir };
        s.cli(&[
            "panel",
            "add",
            "--name",
            "Main",
            "--url",
            s.fake.url(),
            "--no-keychain",
            "--rate-limit",
            "100000",
        ]);
        s.cli(&["sync", "--once"]);
        s
    }
    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env("PANELDESK_ADMIN_KEY_MAIN", self.fake.admin_key())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        let at = self.fake.with_world(|w| w.now).to_string();
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--at", &at, "--json"]);
        serde_json::from_str(&self.cli(&all)).unwrap()
    }
}

fn in_window(t: i64, at: i64, hours: i64) -> bool {
    t > at - hours * 3600 && t <= at
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn service_health_agrees_with_the_truth() {
    let s = Synced::new(20_000);
    let report = s.json(&["service-health", "--window-hours", "72"]);
    s.fake.with_world(|w: &World| {
        let at = w.now;
        let rows = report["services"].as_array().unwrap();
        assert_eq!(rows.len(), w.services.len());
        for svc in &w.services {
            let orders: Vec<_> = w
                .orders
                .iter()
                .filter(|o| o.service_id == svc.id && o.created <= at)
                .collect();
            let stuck = orders
                .iter()
                .filter(|o| {
                    matches!(
                        o.status.as_str(),
                        "in_progress" | "pending" | "processing" | "awaiting"
                    ) && o.created < at - 12 * 3600
                        && o.remains > 0
                })
                .count() as i64;
            let finished: Vec<_> = orders
                .iter()
                .filter(|o| {
                    matches!(o.status.as_str(), "completed" | "partial")
                        && in_window(o.last_update, at, 72)
                })
                .collect();
            let speed = parse_speed(&svc.name);
            let slow = finished
                .iter()
                .filter(|o| {
                    speed
                        .as_ref()
                        .is_some_and(|sp| sp.is_slow(o.last_update - o.created, o.quantity, 2.0))
                })
                .count() as i64;
            let in_win = orders
                .iter()
                .filter(|o| in_window(o.created, at, 72))
                .count() as i64;
            let row = rows
                .iter()
                .find(|r| r["service_id"] == svc.id)
                .unwrap_or_else(|| panic!("service {} missing", svc.id));
            assert_eq!(row["panel"], "Main");
            assert_eq!(
                (row["stuck"].as_i64(), row["slow"].as_i64()),
                (Some(stuck), Some(slow)),
                "service {}",
                svc.id
            );
            assert_eq!(
                (
                    row["finished_in_window"].as_i64(),
                    row["orders_in_window"].as_i64()
                ),
                (Some(finished.len() as i64), Some(in_win)),
                "service {}",
                svc.id
            );
            let slow_pct = if finished.is_empty() {
                0.0
            } else {
                slow as f64 * 100.0 / finished.len() as f64
            };
            assert!(close(row["slow_pct"].as_f64().unwrap(), slow_pct));
            if in_win < 5 && stuck == 0 {
                assert_eq!(row["status"], "not_enough_data");
                assert!(row["score"].is_null());
            } else {
                let score = (100.0 - (stuck as f64 * 5.0).min(60.0) - slow_pct).max(0.0);
                assert!(
                    close(row["score"].as_f64().unwrap(), score),
                    "service {}",
                    svc.id
                );
                let status = if score > 70.0 {
                    "healthy"
                } else if score >= 40.0 {
                    "warning"
                } else {
                    "critical"
                };
                assert_eq!(row["status"], status);
            }
        }
        // Some services are scored, some are slow: the data exercises the rules.
        assert!(rows.iter().any(|r| r["slow"].as_i64() > Some(0)));
        assert!(rows.iter().any(|r| r["stuck"].as_i64() > Some(0)));
    });
}

#[test]
fn top_spenders_agree_with_the_truth() {
    let s = Synced::new(20_000);
    let report = s.json(&["top-spenders", "--window-hours", "48"]);
    s.fake.with_world(|w: &World| {
        let at = w.now;
        let mut expected: BTreeMap<String, (i64, i64, i64, HashMap<i64, i64>)> = BTreeMap::new();
        for o in w.orders.iter().filter(|o| in_window(o.created, at, 48)) {
            let e = expected.entry(o.user.clone()).or_default();
            if o.status != "canceled" {
                e.2 += o.charge_micros;
            }
            *e.3.entry(o.service_id).or_default() += 1;
        }
        for p in w
            .payments
            .iter()
            .filter(|p| p.status == "completed" && in_window(p.created, at, 48))
        {
            let e = expected.entry(p.user.clone()).or_default();
            e.0 += 1;
            e.1 += p.amount_micros;
        }
        let users = report["users"].as_array().unwrap();
        assert_eq!(users.len(), expected.len());
        let mut previous: Option<(f64, i64)> = None;
        for row in users {
            let name = row["username"].as_str().unwrap();
            let (count, total, spend, services) = &expected[name];
            let user = w.users.iter().find(|u| u.username == name).unwrap();
            assert_eq!(row["user_id"].as_i64(), Some(user.id));
            assert_eq!(row["payments_count"].as_i64(), Some(*count), "{name}");
            assert!(
                close(row["payments_total"].as_f64().unwrap(), *total as f64 / 1e6),
                "{name}"
            );
            assert!(
                close(row["spend"].as_f64().unwrap(), *spend as f64 / 1e6),
                "{name}"
            );
            assert!(close(
                row["lifetime"].as_f64().unwrap(),
                user.spent_micros as f64 / 1e6
            ));
            assert_eq!(
                row["is_new"].as_bool(),
                Some(in_window(user.created, at, 48))
            );
            assert_eq!(row["currency"], "USD");
            let mut top: Vec<(i64, i64)> = services.iter().map(|(s, n)| (*s, *n)).collect();
            top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let top: Vec<i64> = top.into_iter().take(3).map(|t| t.0).collect();
            let got: Vec<i64> = row["top_services"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect();
            assert_eq!(got, top, "{name}");
            let key = (row["spend"].as_f64().unwrap(), user.id);
            if let Some(p) = previous {
                assert!(
                    p.0 > key.0 || (close(p.0, key.0) && p.1 < key.1),
                    "row order"
                );
            }
            previous = Some(key);
        }
    });
}

struct Reply {
    staff: String,
    len: usize,
    response: Option<i64>,
    quick: bool,
    repeated: bool,
    ticket: i64,
}

fn replies(w: &World, at: i64, hours: i64) -> Vec<Reply> {
    let mut out = Vec::new();
    for t in &w.tickets {
        for (i, m) in t.messages.iter().enumerate() {
            if !m.is_staff || !in_window(m.created, at, hours) {
                continue;
            }
            let text = strip_html(&m.message);
            let response = (i > 0 && !t.messages[i - 1].is_staff)
                .then(|| m.created - t.messages[i - 1].created);
            let after = t.messages[i + 1..]
                .iter()
                .filter(|n| n.created <= at)
                .take_while(|n| !n.is_staff)
                .count();
            let len = text.chars().count();
            out.push(Reply {
                staff: m.staff_name.clone().unwrap(),
                len,
                response,
                quick: len < 25 || response.is_some_and(|r| r < 30),
                repeated: after >= 2,
                ticket: t.id,
            });
        }
    }
    out
}

#[test]
fn flagged_replies_and_staff_statistics_agree_with_the_truth() {
    let s = Synced::new(20_000);
    // Every conversation with a reply in the window is cached: those tickets are still open, and the sync fetches open ones.
    let by_staff = s.json(&["flagged-replies", "--window-hours", "168"]);
    let stats = s.json(&["staff-stats", "--window-hours", "168"]);
    s.fake.with_world(|w: &World| {
        let all = replies(w, w.now, 168);
        assert!(!all.is_empty());
        let staff: HashSet<&str> = all.iter().map(|r| r.staff.as_str()).collect();
        let rows = by_staff["staff"].as_array().unwrap();
        assert_eq!(rows.len(), staff.len());
        for name in &staff {
            let mine: Vec<&Reply> = all.iter().filter(|r| r.staff == *name).collect();
            let n = mine.len() as i64;
            let qf = mine.iter().filter(|r| r.quick).count() as i64;
            let rep = mine.iter().filter(|r| r.repeated).count() as i64;
            let row = rows.iter().find(|r| r["staff"] == *name).unwrap();
            assert_eq!(
                (
                    row["replies"].as_i64(),
                    row["quick_fires"].as_i64(),
                    row["repeated"].as_i64()
                ),
                (Some(n), Some(qf), Some(rep)),
                "{name}"
            );
            let avg_len = mine.iter().map(|r| r.len).sum::<usize>() as f64 / n as f64;
            assert!(
                close(row["avg_length"].as_f64().unwrap(), avg_len),
                "{name}"
            );
            let times: Vec<i64> = mine.iter().filter_map(|r| r.response).collect();
            let score = (100.0 - 50.0 * qf as f64 / n as f64 - 50.0 * rep as f64 / n as f64 + 0.5)
                .floor()
                .clamp(0.0, 100.0) as i64;
            assert_eq!(row["score"].as_i64(), Some(score), "{name}");
            let stat = stats["staff"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["staff"] == *name)
                .unwrap();
            let answered: HashSet<i64> = mine.iter().map(|r| r.ticket).collect();
            assert_eq!(
                stat["answered"].as_i64(),
                Some(answered.len() as i64),
                "{name}"
            );
            if times.is_empty() {
                assert!(row["avg_response_s"].is_null() && stat["avg_response_min"].is_null());
            } else {
                let avg = times.iter().sum::<i64>() as f64 / times.len() as f64;
                assert!(
                    close(row["avg_response_s"].as_f64().unwrap(), avg),
                    "{name}"
                );
                assert!(
                    close(stat["avg_response_min"].as_f64().unwrap(), avg / 60.0),
                    "{name}"
                );
            }
        }
    });
}

#[test]
fn flagged_replies_by_service_fetch_what_is_missing_once_then_read_the_cache() {
    let s = Synced::new(20_000);
    // Forget the conversations of the window, as if the sync had not fetched them.
    let cache = paneldesk_core::db::Db::open(&paneldesk_core::paths::DataDir::new(s.dir.path()))
        .unwrap()
        .cache()
        .unwrap();
    let at = s.fake.with_world(|w| w.now);
    cache
        .execute(
            "UPDATE tickets SET messages_at = NULL WHERE created > ?1",
            [at - 72 * 3600],
        )
        .unwrap();
    cache.execute("DELETE FROM ticket_messages WHERE ticket_id IN (SELECT id FROM tickets WHERE messages_at IS NULL)", []).unwrap();
    let before = s.fake.requests().len();
    let report = s.json(&["flagged-replies", "--by", "service", "--window-hours", "72"]);
    let fetched = s.fake.requests().len() - before;
    assert!(fetched > 0, "the missing conversations were fetched");
    assert_eq!(report["not_fetched"].as_i64(), Some(0));
    let again = s.json(&["flagged-replies", "--by", "service", "--window-hours", "72"]);
    assert_eq!(
        s.fake.requests().len() - before,
        fetched,
        "the second run made no panel request"
    );
    assert_eq!(report, again);

    s.fake.with_world(|w: &World| {
        let mut per_service: BTreeMap<i64, (HashSet<i64>, HashSet<i64>, Vec<String>)> =
            BTreeMap::new();
        let mut unresolved = 0;
        for t in w.tickets.iter().filter(|t| in_window(t.created, at, 72)) {
            let text: String = t
                .messages
                .iter()
                .map(|m| strip_html(&m.message))
                .collect::<Vec<_>>()
                .join(" ");
            let found: Vec<_> = order_ids(&text)
                .into_iter()
                .filter_map(|id| w.order(id))
                .collect();
            if found.is_empty() {
                unresolved += 1;
            }
            for o in found {
                let e = per_service.entry(o.service_id).or_default();
                if e.0.insert(t.id) {
                    e.2.push(complaint(&t.subject));
                }
                e.1.insert(o.id);
            }
        }
        assert_eq!(report["unresolved"].as_i64(), Some(unresolved));
        let rows = report["services"].as_array().unwrap();
        assert_eq!(rows.len(), per_service.len());
        for (svc, (tickets, orders, complaints)) in per_service {
            let row = rows.iter().find(|r| r["service_id"] == svc).unwrap();
            assert_eq!(
                (row["tickets"].as_i64(), row["orders"].as_i64()),
                (Some(tickets.len() as i64), Some(orders.len() as i64))
            );
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for c in &complaints {
                *counts.entry(c).or_default() += 1;
            }
            let top = counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .unwrap()
                .0;
            assert_eq!(row["top_complaint"], *top, "service {svc}");
        }
    });
}

#[test]
fn reports_print_an_aligned_table_and_csv_and_refuse_bad_options() {
    let s = Synced::new(2_000);
    let table = s.cli(&["report", "service-health", "--window-hours", "72"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("panel") && lines[0].contains("service_id"));
    // Aligned: every row's second column starts where the header's does.
    let col = lines[0].find("service_id").unwrap();
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.len() > col && l[..col].ends_with("  ")),
        "{table}"
    );
    let csv = s.cli(&["report", "staff-stats", "--csv"]);
    assert!(csv.starts_with("staff,answered,avg_response_min"), "{csv}");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(s.dir.path())
        .args(["report", "top-spenders", "--window-hours", "-3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(s.dir.path())
        .args(["report", "top-spenders", "--users", "12"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--users without --panel");
}

#[test]
fn flagged_replies_by_service_fetch_nothing_while_another_process_owns_the_sync() {
    let s = Synced::new(5_000);
    let cache = paneldesk_core::db::Db::open(&paneldesk_core::paths::DataDir::new(s.dir.path()))
        .unwrap()
        .cache()
        .unwrap();
    let at = s.fake.with_world(|w| w.now);
    let missing = cache
        .execute(
            "UPDATE tickets SET messages_at = NULL WHERE created > ?1",
            [at - 72 * 3600],
        )
        .unwrap();
    assert!(missing > 0);
    let _owner = paneldesk_core::lock::SyncLock::acquire(
        &paneldesk_core::paths::DataDir::new(s.dir.path()),
        "paneldesk-cli sync --watch",
    )
    .unwrap();
    let before = s.fake.requests().len();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(s.dir.path())
        .args([
            "report",
            "flagged-replies",
            "--by",
            "service",
            "--window-hours",
            "72",
        ])
        .args(["--at", &at.to_string(), "--json"])
        .env("PANELDESK_ADMIN_KEY_MAIN", s.fake.admin_key())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("paneldesk-cli sync --watch")
            && stderr.contains("no conversation was fetched"),
        "{stderr}"
    );
    assert_eq!(
        s.fake.requests().len(),
        before,
        "a report reached the panel"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["not_fetched"].as_i64(), Some(missing as i64));
}
