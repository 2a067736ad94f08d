//! Ingest and full-sync figures, the full sync beside the floor (the pages
//! over HTTP plus the shell's `.import`): `cargo bench -p paneldesk-core --bench sync`.
//! Needs the `sqlite3` shell (installed by `make`) for the .import baseline,
//! and the release CLI and fake panel binaries for the full sync
//! (`PANELDESK_BENCH_CLI`, `PANELDESK_BENCH_FAKE`; `make bench` sets both).

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Instant,
};

use paneldesk_core::{
    db::Writer,
    panels::{self, NewPanel},
    secrets::Keychain,
    settings::set_per_fetch_everywhere,
    store,
    sync::{Engine, EngineOptions, Resource},
};
use paneldesk_fakepanel::{FakePanel, Faults, World};

mod common;
use common::{record, to_model};

/// A `VmHWM:`-style field of a /proc status file, in kB.
fn vm_kb(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn csv_field(v: Option<String>) -> String {
    match v {
        None => String::new(),
        Some(s) => format!("\"{}\"", s.replace('"', "\"\"")),
    }
}

/// Our ingest of `rows` parsed orders beside the `sqlite3` shell's
/// `.import` of the same rows into the same table and indexes: answers the
/// shell's time (the floor's writing half).
fn ingest(rows: usize) -> f64 {
    let world = World::generate(&common::config(rows));
    let orders = to_model(&world);
    let tmp = tempfile::tempdir().unwrap();
    let db = common::open_db(tmp.path());
    let mut conn = db.cache().unwrap();
    conn.pragma_update(None, "cache_size", -16 * 1024).unwrap(); // as the writer has it
    conn.pragma_update(None, "wal_autocheckpoint", 16_384)
        .unwrap(); // as the writer has it
    let t = Instant::now();
    for chunk in orders.chunks(1000) {
        let tx = conn.begin().unwrap();
        store::upsert_orders(&tx, 1, chunk, 0).unwrap();
        tx.commit().unwrap();
    }
    let ours = t.elapsed().as_secs_f64();

    // The baseline: the sqlite3 shell's .import of the same rows as CSV into a
    // fresh cache file (same table, key and indexes).
    // .import inserts empty fields as text, which a STRICT table refuses:
    // the baseline table is the same columns, key and indexes, not STRICT.
    let base = tempfile::tempdir().unwrap();
    let schema: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'orders' AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|s| s.unwrap().replace("STRICT, ", ""))
        .collect();
    let baseline = rusqlite::Connection::open(base.path().join("cache.sqlite3")).unwrap();
    baseline.pragma_update(None, "journal_mode", "WAL").unwrap();
    baseline.execute_batch(&schema.join(";\n")).unwrap();
    drop(baseline);
    let csv_path = base.path().join("orders.csv");
    let mut csv = String::new();
    for o in &orders {
        let f = [
            Some("1".to_owned()),
            Some(o.id.to_string()),
            o.external_id.clone(),
            Some(o.user.clone()),
            o.creation_type.clone(),
            o.charge.as_ref().map(|m| m.micros.to_string()),
            o.provider_charge.as_ref().map(|m| m.micros.to_string()),
            Some("USD".into()),
            Some(o.link.clone()),
            o.start_count.map(|v| v.to_string()),
            Some(o.quantity.to_string()),
            Some(o.remains.to_string()),
            o.service_id.map(|v| v.to_string()),
            Some(o.service_name.clone()),
            Some(o.status.clone()),
            o.provider.clone(),
            o.mode.clone(),
            Some(o.created.to_string()),
            o.last_update.map(|v| v.to_string()),
            o.ip_address.clone(),
            None,
            Some("0".into()),
        ];
        let line: Vec<String> = f.into_iter().map(csv_field).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    std::fs::write(&csv_path, csv).unwrap();
    let t = Instant::now();
    let out = Command::new("sqlite3")
        .arg(base.path().join("cache.sqlite3"))
        .arg(format!(".import --csv {} orders", csv_path.display()))
        .output()
        .expect("the sqlite3 shell");
    let shell = t.elapsed().as_secs_f64();
    let imported: String = String::from_utf8_lossy(
        &Command::new("sqlite3")
            .arg(base.path().join("cache.sqlite3"))
            .arg("SELECT count(*) FROM orders")
            .output()
            .unwrap()
            .stdout,
    )
    .trim()
    .to_owned();
    assert_eq!(
        imported,
        rows.to_string(),
        "sqlite3 .import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    record(
        &format!(
            "ingest of {rows} parsed orders, encrypted (1000-row transactions, upsert, triggers)"
        ),
        rows as f64 / ours,
        "rows/s",
        None,
        false,
    );
    record(
        &format!("sqlite3 .import of the same {rows} rows, plain, same indexes"),
        rows as f64 / shell,
        "rows/s",
        None,
        false,
    );
    shell
}

/// The floor's fetching half: every page of the fake's orders over HTTP,
/// one after the other, bodies read and not parsed.
async fn fetch_only(api_base: &str, admin_key: &str, orders: usize) -> f64 {
    let http = reqwest::Client::new();
    let t = Instant::now();
    for page in 0..orders.div_ceil(1000) {
        let body = http
            .get(format!(
                "{api_base}/orders?limit=1000&offset={}",
                page * 1000
            ))
            .header("X-Api-Key", admin_key)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(body.len() > 1000, "{}", String::from_utf8_lossy(&body));
    }
    t.elapsed().as_secs_f64()
}

fn engine_for(fake: &FakePanel, rate: f64) -> (tempfile::TempDir, Engine) {
    let tmp = tempfile::tempdir().unwrap();
    let db = common::open_db(tmp.path());
    std::env::set_var("PANELDESK_ADMIN_KEY_BENCH", fake.admin_key());
    let new = NewPanel {
        name: "Bench".into(),
        url: fake.url().into(),
        staff_name: None,
        rate_limit: Some(rate),
        admin_key: None,
        services_key: None,
        no_keychain: true,
    };
    panels::add(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &paneldesk_core::activity::Actor::cli(),
        new,
    )
    .unwrap();
    set_per_fetch_everywhere(
        &db.local().unwrap(),
        db.install_id(),
        &paneldesk_core::activity::Actor::cli(),
        1000,
    )
    .unwrap();
    let writer = Writer::start(&db).unwrap();
    (
        tmp,
        Engine::new(db, writer, Keychain, EngineOptions::default()),
    )
}

/// A child process killed when dropped (a failed assertion ends the bench).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The full sync beside the floor (issue 20), measured as the issue did:
/// the fake panel's release binary in a process of its own, the release
/// CLI's `sync --once --resource orders` in another, timed from its start
/// to its exit (a usable cache: indexes and aggregates built). The floor is
/// the same pages fetched over HTTP plus `.import` of the rows (`import_s`,
/// when measured at this size), one after the other. Needs
/// `PANELDESK_BENCH_CLI` and `PANELDESK_BENCH_FAKE` (`make bench` sets them).
async fn full_sync(orders: usize, import_s: Option<f64>) {
    let (Some(cli), Some(fake_bin)) = (
        std::env::var_os("PANELDESK_BENCH_CLI"),
        std::env::var_os("PANELDESK_BENCH_FAKE"),
    ) else {
        println!("full sync: skipped (set PANELDESK_BENCH_CLI and PANELDESK_BENCH_FAKE, as make bench does)");
        return;
    };
    let config = common::config(orders);
    let key = "bench-admin-key";
    let mut fake = Child(
        Command::new(fake_bin)
            .args(["--port", "0", "--quirks", "none", "--admin-key", key])
            .args(["--orders", &orders.to_string()])
            .args(["--order-days", &config.order_days.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the fake panel's binary"),
    );
    let mut url = String::new();
    BufReader::new(fake.0.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();
    assert!(url.starts_with("http"), "the fake printed {url:?}");
    let fetch_s = fetch_only(&format!("{url}/adminapi/v2"), key, orders).await;
    record(
        &format!("fetching the {orders} orders' pages over HTTP, no parsing"),
        fetch_s,
        "s",
        None,
        true,
    );
    let tmp = tempfile::tempdir().unwrap();
    drop(common::open_db(tmp.path())); // its key file, as the CLI reads it
    let cli = |args: &[&str]| {
        let mut c = Command::new(&cli);
        c.arg("--data-dir")
            .arg(tmp.path())
            .args(args)
            .env("PANELDESK_ADMIN_KEY_BENCH", key)
            .stdin(Stdio::null());
        c
    };
    let added = cli(&["panel", "add", "--name", "Bench", "--url", &url])
        .args(["--no-keychain", "--rate-limit", "1000000"])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let t = Instant::now();
    let mut sync = Child(
        cli(&[
            "sync",
            "--once",
            "--resource",
            "orders",
            "--per-fetch",
            "1000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap(),
    );
    // The child's own high-water mark, read from /proc while it runs: its
    // rusage would count the bench's size at the fork.
    let status_path = format!("/proc/{}/status", sync.0.id());
    let mut peak_kb = 0;
    let exit = loop {
        if let Some(exit) = sync.0.try_wait().unwrap() {
            break exit;
        }
        if let Some(kb) = std::fs::read_to_string(&status_path)
            .ok()
            .and_then(|s| vm_kb(&s, "VmHWM:"))
        {
            peak_kb = peak_kb.max(kb);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let secs = t.elapsed().as_secs_f64();
    let mut err = String::new();
    std::io::Read::read_to_string(sync.0.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(exit.success(), "the sync failed: {err}");
    let cached: i64 =
        paneldesk_core::db::Db::open(&paneldesk_core::paths::DataDir::new(tmp.path()))
            .unwrap()
            .cache()
            .unwrap()
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
            .unwrap();
    assert_eq!(cached, orders as i64, "the sync cached every order");
    record(
        &format!("full sync of {orders} orders (the CLI, its own process), to a usable cache"),
        secs,
        "s",
        None,
        true,
    );
    record(
        &format!("full sync of {orders} orders, per second"),
        orders as f64 / secs,
        "orders/s",
        None,
        false,
    );
    if let Some(import_s) = import_s {
        let floor = fetch_s + import_s;
        record(
            "the floor: HTTP fetch + .import, one after the other",
            floor,
            "s",
            None,
            true,
        );
        record("full sync / the floor", secs / floor, "x", Some(0.8), true);
    }
    record(
        "peak memory of the CLI during the full sync (its VmHWM)",
        peak_kb as f64 / 1024.0,
        "MB",
        Some(100.0),
        true,
    );
}

async fn rate_limited(orders: usize, rate: f64) {
    let fake = FakePanel::start(common::config(orders)).await.unwrap();
    fake.set_faults(Faults {
        rate_limit: Some(rate),
        ..Faults::default()
    });
    let (_tmp, engine) = engine_for(&fake, rate);
    let t = Instant::now();
    let reports = engine.sync_once(None, &[Resource::Orders]).await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(reports[0].error.is_none());
    let requests = fake.requests();
    let limited = requests.iter().filter(|r| r.status == 429).count();
    let bound = (requests.len() as f64 - rate.floor().max(1.0)) / rate;
    println!(
        "sync of {orders} orders at {rate} requests/s: {} requests in {secs:.2} s; the limit's bound is {bound:.2} s; {limited} answered 429",
        requests.len(),
    );
    record(
        &format!("sync of {orders} orders at {rate} requests/s, time over the limit's bound"),
        (secs / bound - 1.0) * 100.0,
        "%",
        Some(5.0),
        true,
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // PANELDESK_BENCH_INGEST_ROWS measures ingest at another size (default
    // 1,000,000, the full sync's, which makes the floor's .import).
    const ORDERS: usize = 1_000_000;
    let rows = std::env::var("PANELDESK_BENCH_INGEST_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ORDERS);
    let import_s = ingest(rows);
    if std::env::var_os("PANELDESK_BENCH_INGEST_ONLY").is_some() {
        return;
    }
    full_sync(ORDERS, (rows == ORDERS).then_some(import_s)).await;
    rate_limited(50_000, 5.0).await;
}
