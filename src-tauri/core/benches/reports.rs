//! Every report over a 1,000,000-order cache (with its users, payments,
//! tickets and messages): cold (the first query of a fresh connection) and
//! warm p50/p95. `cargo bench -p paneldesk-core --bench reports`.

use std::time::Instant;

use paneldesk_core::{
    db::Db,
    reports::{self, ServiceHealthParams, TopSpendersParams, WindowParams},
};
use paneldesk_fakepanel::{Config, Quirks, World};

mod common;
use common::fill;

fn time<T>(db: &Db, name: &str, run: impl Fn(&paneldesk_core::db::ReadConn) -> T) {
    let conn = db.read().unwrap();
    let t = Instant::now();
    run(&conn);
    let cold = t.elapsed().as_secs_f64() * 1000.0;
    let mut warm: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            run(&conn);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    warm.sort_by(f64::total_cmp);
    println!(
        "{name:<38} cold {cold:7.1} ms   warm p50 {:7.1} ms   p95 {:7.1} ms",
        warm[9], warm[18]
    );
}

fn main() {
    let world = World::generate(&Config {
        quirks: Quirks::none(),
        ..Config::with_orders(1_000_000)
    });
    let tmp = tempfile::tempdir().unwrap();
    let db = common::open_db(tmp.path());
    let t = Instant::now();
    fill(&db, &world);
    println!(
        "cache of {} orders, {} users, {} payments, {} tickets filled in {:.1} s",
        world.orders.len(),
        world.users.len(),
        world.payments.len(),
        world.tickets.len(),
        t.elapsed().as_secs_f64()
    );
    let at = world.now;
    for hours in [24.0, 72.0] {
        time(&db, &format!("service health, {hours} h"), |c| {
            let mut p = ServiceHealthParams::new(at);
            p.window_hours = hours;
            reports::service_health(c, &p).unwrap()
        });
        time(&db, &format!("top spenders, {hours} h"), |c| {
            let mut p = TopSpendersParams::new(at);
            p.window_hours = hours;
            reports::top_spenders(c, &p).unwrap()
        });
        let w = WindowParams {
            panel: None,
            window_hours: hours,
            at,
        };
        time(&db, &format!("flagged replies by staff, {hours} h"), |c| {
            reports::flagged_by_staff(c, &w).unwrap()
        });
        time(
            &db,
            &format!("flagged replies by service, {hours} h"),
            |c| reports::flagged_by_service(c, &w).unwrap(),
        );
        time(&db, &format!("staff statistics, {hours} h"), |c| {
            reports::staff_stats(c, &w).unwrap()
        });
    }
}
