//! The local API against the panel itself: the first page of 1,000 orders
//! (newest first, as a script asks) from a cache of 1,000,000 orders, and
//! the same page from the fake panel holding the same 1,000,000 orders,
//! each over HTTP on 127.0.0.1. Prints p50 and p95; asserts nothing.

mod common;

use std::time::Instant;

use paneldesk_core::{
    activity::Actor,
    local_api::{self, keys, Access, ApiKeyEdit, ApiResource, LocalApi, Scope},
};
use paneldesk_fakepanel::{Config, FakePanel, Quirks, World};

const RUNS: usize = 60;

fn stats(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() * 95 / 100])
}

async fn time_page(url: &str, key: &str) -> (f64, f64) {
    let http = reqwest::Client::new();
    let mut times = Vec::with_capacity(RUNS);
    for i in 0..RUNS + 5 {
        let t = Instant::now();
        let body = http
            .get(url)
            .header("X-Api-Key", key)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(body.len() > 100_000, "a page of 1000 orders");
        if i >= 5 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    stats(times)
}

fn main() {
    let config = Config {
        quirks: Quirks::none(),
        ..Config::with_orders(1_000_000)
    };
    let world = World::generate(&config);
    let tmp = tempfile::tempdir().unwrap();
    let db = common::open_db(tmp.path());
    common::fill(&db, &world);
    drop(world);
    let secret = keys::create(
        &db.local().unwrap(),
        db.install_id(),
        &Actor::cli(),
        &ApiKeyEdit {
            name: "bench".into(),
            scopes: vec![Scope {
                resource: ApiResource::Orders,
                access: Access::Read,
            }],
            panels: vec![],
        },
    )
    .unwrap()
    .secret;
    let fake = FakePanel::spawn(config).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let running = local_api::serve(LocalApi::new(db.clone(), 100_000, None), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let ours = format!("http://{}/Bench/adminapi/v2/orders?limit=1000&sort=date-desc", running.addr);
        let (p50, p95) = time_page(&ours, &secret).await;
        println!("local API, first page of 1000 orders of 1,000,000 (encrypted cache): p50 {p50:.1} ms, p95 {p95:.1} ms");
        let theirs = format!("{}/orders?limit=1000&sort=date-desc", fake.api_base());
        let (p50, p95) = time_page(&theirs, fake.admin_key()).await;
        println!("fake panel, the same page from its memory: p50 {p50:.1} ms, p95 {p95:.1} ms");
        running.stop().await;
    });
}
