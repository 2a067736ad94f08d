//! Every report over a 1,000,000-order cache (with its users, payments,
//! tickets and messages): cold (the first query of a fresh connection) and
//! warm p50/p95. `cargo bench -p paneldesk-core --bench reports`.

use std::time::Instant;

use paneldesk_core::{
    db::Db,
    model::{Money, Payment, Ticket, TicketMessage, User},
    panels::{self, NewPanel},
    paths::DataDir,
    reports::{self, ServiceHealthParams, TopSpendersParams, WindowParams},
    secrets::Keychain,
    store,
};
use paneldesk_fakepanel::{Config, Quirks, World};

mod common;
use common::to_model;

fn money(m: i64) -> Option<Money> {
    Some(Money {
        micros: m,
        currency: Some("USD".into()),
    })
}

fn fill(db: &Db, w: &World) {
    let new = NewPanel {
        name: "Bench".into(),
        url: "https://panel.example".into(),
        staff_name: None,
        rate_limit: None,
        admin_key: None,
        services_key: None,
        no_keychain: true,
    };
    panels::add(&mut db.local().unwrap(), db.install_id(), &Keychain, new).unwrap();
    let mut conn = db.cache().unwrap();
    conn.pragma_update(None, "cache_size", -64 * 1024).unwrap();
    let tx = conn.transaction().unwrap();
    for chunk in to_model(w).chunks(10_000) {
        store::upsert_orders(&tx, 1, chunk, 0).unwrap();
    }
    let users: Vec<User> = w
        .users
        .iter()
        .map(|u| User {
            id: u.id,
            username: u.username.clone(),
            email: Some(u.email.clone()),
            balance: money(u.balance_micros),
            spent: money(u.spent_micros),
            status: u.status.clone(),
            created: Some(u.created),
            last_auth: u.last_auth,
            discount: Some(u.discount),
        })
        .collect();
    store::upsert_users(&tx, 1, &users, 0).unwrap();
    let payments: Vec<Payment> = w
        .payments
        .iter()
        .map(|p| Payment {
            id: p.id,
            user: p.user.clone(),
            balance: money(p.balance_micros),
            amount: money(p.amount_micros),
            method: p.method.clone(),
            status: p.status.clone(),
            fraud_risk: p.fraud_risk.clone(),
            memo: p.memo.clone(),
            mode: Some(p.mode.clone()),
            created: Some(p.created),
            updated: Some(p.updated),
        })
        .collect();
    store::upsert_payments(&tx, 1, &payments, 0).unwrap();
    for t in &w.tickets {
        let ticket = Ticket {
            id: t.id,
            user_id: Some(t.user_id),
            username: t.username.clone(),
            subject: t.subject.clone(),
            status: t.status.clone(),
            assignee: t.assignee.clone(),
            created: Some(t.created),
            last_update: Some(t.last_update),
        };
        let messages: Vec<TicketMessage> = t
            .messages
            .iter()
            .map(|m| TicketMessage {
                id: Some(m.id),
                message: m.message.clone(),
                is_staff: m.is_staff,
                staff_name: m.staff_name.clone(),
                created: Some(m.created),
            })
            .collect();
        store::replace_messages(&tx, 1, &ticket, &messages, 0).unwrap();
    }
    tx.commit().unwrap();
    conn.execute_batch("ANALYZE").unwrap();
}

fn time<T>(db: &Db, name: &str, run: impl Fn(&rusqlite::Connection) -> T) {
    let conn = reports::open(db).unwrap();
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
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
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
