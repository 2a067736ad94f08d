//! What watch mode costs one panel in requests, at the default intervals and
//! rate (5 requests/s), on the fake's record:
//! `cargo bench -p paneldesk-core --bench watch_cost` (10 minutes; set
//! `WATCH_COST_MINUTES` for another span). The fake's clock moves 30 s every
//! 30 s, as the demo panel's does: new orders, open orders moving on,
//! payments, customers writing again on open tickets.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use paneldesk_core::{
    db::{Db, Writer},
    panels::{self, NewPanel},
    paths::DataDir,
    secrets::Keychain,
    sync::{Engine, EngineOptions, Resource},
};
use paneldesk_fakepanel::{Config, FakePanel, Faults};

fn main() {
    let minutes: f64 = std::env::var("WATCH_COST_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(10.0);
    let fake = FakePanel::spawn(Config {
        now: chrono::Utc::now().timestamp(),
        ..Config::with_orders(40_000)
    })
    .unwrap();
    fake.set_faults(Faults {
        rate_limit: Some(5.0),
        ..Faults::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    // Keyed by a key file: the bench runs with no keychain.
    let dir = DataDir::new(tmp.path());
    paneldesk_core::db::init_key_file(&dir).unwrap();
    let db = Db::open(&dir).unwrap();
    std::env::set_var(panels::env_key_var("Cost"), fake.admin_key());
    std::env::set_var("PANELDESK_SERVICES_KEY_COST", fake.services_key());
    panels::add(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &paneldesk_core::activity::Actor::cli(),
        NewPanel {
            name: "Cost".into(),
            url: fake.url().into(),
            staff_name: None,
            rate_limit: Some(5.0),
            admin_key: None,
            services_key: None,
            no_keychain: true,
        },
    )
    .unwrap();
    let engine = Engine::new(
        db.clone(),
        Writer::start(&db).unwrap(),
        Keychain,
        EngineOptions::default(),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = Instant::now();
    for r in rt.block_on(engine.sync_once(None, &Resource::ALL)).unwrap() {
        assert!(r.error.is_none(), "{:?}", r.error);
    }
    println!(
        "first full sync: {:.1} s, {} requests",
        first.elapsed().as_secs_f64(),
        fake.requests().len()
    );
    fake.clear_records();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let watch = {
        let engine = engine.clone();
        rt.spawn(async move { engine.watch(stop_rx).await })
    };
    let start = Instant::now();
    let span = Duration::from_secs_f64(minutes * 60.0);
    while start.elapsed() < span {
        std::thread::sleep(Duration::from_secs(30).min(span.saturating_sub(start.elapsed())));
        fake.tick(30);
    }
    stop_tx.send(true).unwrap();
    rt.block_on(watch).unwrap().unwrap();
    let requests = fake.requests();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for r in &requests {
        let kind = match r.path.strip_prefix("/adminapi/v2/") {
            Some(rest) => {
                let resource = rest.split('/').next().unwrap_or(rest);
                if rest.contains('/') {
                    format!("{resource}/{{id}}")
                } else {
                    resource.to_owned()
                }
            }
            None => "services (user API)".to_owned(),
        };
        *by_kind.entry(kind).or_default() += 1;
    }
    let limited = requests.iter().filter(|r| r.status == 429).count();
    println!(
        "watch mode, default intervals, {minutes} min: {} requests, {:.1} per minute, {limited} answered 429",
        requests.len(),
        requests.len() as f64 / minutes
    );
    for (kind, n) in by_kind {
        println!("  {kind:<20} {:>6.1} per minute", n as f64 / minutes);
    }
    // The panel's rule over every span t of the record, in arrival order:
    // at most capacity (5) + 5 t requests.
    let mut worst = f64::NEG_INFINITY;
    for i in 0..requests.len() {
        for j in i..requests.len() {
            let span = (requests[j].t_ms - requests[i].t_ms) / 1000.0;
            worst = worst.max((j - i + 1) as f64 - (5.0 + 5.0 * span));
        }
    }
    println!(
        "rate rule (at most 5 + 5 t requests in any span t): {} (worst span {worst:+.2} requests from the bound)",
        if worst <= 1e-9 { "kept" } else { "BROKEN" }
    );
}
