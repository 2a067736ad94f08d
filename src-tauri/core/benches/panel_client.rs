//! The client's throughput against the fake panel with no rate limit:
//! `cargo bench -p paneldesk-core --bench panel_client`.

use std::time::{Duration, Instant};

use paneldesk_core::panel::{ClientOptions, ListQuery, PanelClient};
use paneldesk_fakepanel::{Config, FakePanel, Quirks};

const ORDERS: usize = 200_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let fake = FakePanel::start(Config {
        quirks: Quirks::none(),
        ..Config::with_orders(ORDERS)
    })
    .await
    .unwrap();
    let options = ClientOptions {
        rate_limit: 1_000_000.0,
        timeout: Duration::from_secs(30),
        ..ClientOptions::default()
    };
    let client = PanelClient::new(fake.url(), fake.admin_key(), options).unwrap();

    // Small pages: requests per second (the client's and the fake's overhead).
    let t = Instant::now();
    let n = 2_000u64;
    for i in 0..n {
        client.orders(&ListQuery::page(1, i)).await.unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "sequential 1-row pages: {n} requests in {secs:.2} s = {:.0} requests/s",
        n as f64 / secs
    );

    // Full pages: every order, 1000 a page, then 4 pages in flight.
    for in_flight in [1u64, 4] {
        let t = Instant::now();
        let pages = (ORDERS as u64).div_ceil(1000);
        let mut rows = 0usize;
        for chunk in (0..pages).collect::<Vec<_>>().chunks(in_flight as usize) {
            let calls: Vec<_> = chunk
                .iter()
                .map(|&p| {
                    let c = client.clone();
                    tokio::spawn(async move {
                        c.orders(&ListQuery::page(1000, p * 1000))
                            .await
                            .unwrap()
                            .rows
                            .len()
                    })
                })
                .collect();
            for c in calls {
                rows += c.await.unwrap();
            }
        }
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(rows, ORDERS);
        println!(
            "1000-row pages, {in_flight} in flight: {rows} orders in {secs:.2} s = {:.0} orders/s ({:.0} requests/s), fetch + parse",
            rows as f64 / secs,
            pages as f64 / secs
        );
    }
}
