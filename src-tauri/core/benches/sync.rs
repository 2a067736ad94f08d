//! Ingest and full-sync figures, the full sync beside the floor (the pages
//! over HTTP plus the shell's `.import`): `cargo bench -p paneldesk-core --bench sync`.
//! Needs the `sqlite3` shell (installed by `make`) for the .import baseline.

use std::{process::Command, time::Instant};

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

fn rss_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
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
async fn fetch_only(fake: &FakePanel, orders: usize) -> f64 {
    let http = reqwest::Client::new();
    let t = Instant::now();
    for page in 0..orders.div_ceil(1000) {
        let body = http
            .get(format!(
                "{}/orders?limit=1000&offset={}",
                fake.api_base(),
                page * 1000
            ))
            .header("X-Api-Key", fake.admin_key())
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

/// A full sync beside the floor (issue 20): the pages fetched over HTTP
/// plus `.import` of the rows, one after the other. `import_s` is the
/// `.import` of as many rows, when measured.
async fn full_sync(orders: usize, import_s: Option<f64>) {
    let fake = FakePanel::start(common::config(orders)).await.unwrap();
    let fetch_s = fetch_only(&fake, orders).await;
    record(
        &format!("fetching the {orders} orders' pages over HTTP, no parsing"),
        fetch_s,
        "s",
        None,
        true,
    );
    let (_tmp, engine) = engine_for(&fake, 1e9);
    // The peak so far is the ingest's (its CSV of a million rows): start
    // the high-water mark again from here (Linux's clear_refs, 5).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let rss_before = rss_kb("VmRSS:");
    let t = Instant::now();
    let reports = engine.sync_once(None, &[Resource::Orders]).await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    let fetched = reports[0].fetched[0].1;
    let _ = fetched;
    record(
        &format!("full sync of {orders} orders, no rate limit, to a usable cache"),
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
        "peak memory over the start during the full sync (fake in the same process)",
        (rss_kb("VmHWM:").saturating_sub(rss_before)) as f64 / 1024.0,
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
