//! What the benches share: the fake's world as the core's rows.

// Each bench binary compiles this module and uses part of it.
#![allow(dead_code)]

use paneldesk_core::{
    db::Db,
    model::{Money, Order, Payment, Service, Ticket, TicketMessage, User},
    panels::{self, NewPanel},
    secrets::Keychain,
    store,
};
use paneldesk_fakepanel::World;

/// A new data dir keyed by a key file (as a server's): the benches run
/// with no keychain, and where the key lives costs nothing after the open.
pub fn open_db(root: &std::path::Path) -> Db {
    let dir = paneldesk_core::paths::DataDir::new(root);
    paneldesk_core::db::init_key_file(&dir).unwrap();
    Db::open(&dir).unwrap()
}

pub fn to_model(w: &World) -> Vec<Order> {
    w.orders
        .iter()
        .map(|o| Order {
            id: o.id,
            external_id: o.external_id.clone(),
            user: o.user.clone(),
            creation_type: Some(o.creation_type.clone()),
            charge: Some(Money {
                micros: o.charge_micros,
                currency: Some("USD".into()),
            }),
            provider_charge: Some(Money {
                micros: o.provider_charge_micros,
                currency: Some("USD".into()),
            }),
            link: o.link.clone(),
            start_count: o.start_count,
            quantity: o.quantity,
            remains: o.remains,
            service_id: Some(o.service_id),
            service_name: o.service_name.clone(),
            status: o.status.clone(),
            provider: o.provider.clone(),
            mode: Some(o.mode.clone()),
            created: o.created,
            last_update: Some(o.last_update),
            ip_address: Some(o.ip_address.clone()),
        })
        .collect()
}

fn money(m: i64) -> Option<Money> {
    Some(Money {
        micros: m,
        currency: Some("USD".into()),
    })
}

/// A cache holding the whole world as panel 1, as a full sync leaves it.
pub fn fill(db: &Db, w: &World) {
    let new = NewPanel {
        name: "Bench".into(),
        url: "https://panel.example".into(),
        staff_name: None,
        rate_limit: None,
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
    let mut conn = db.cache().unwrap();
    conn.pragma_update(None, "cache_size", -64 * 1024).unwrap();
    let tx = conn.begin().unwrap();
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
    let services: Vec<Service> = w
        .services
        .iter()
        .map(|s| Service {
            id: s.id,
            name: s.name.clone(),
            kind: Some(s.kind.clone()),
            category: Some(s.category.clone()),
            rate_micros: Some(s.rate_micros),
            min: Some(s.min),
            max: Some(s.max),
        })
        .collect();
    store::replace_services(&tx, 1, &services, 0).unwrap();
    store::keep_slow_rules(&tx, &db.local().unwrap(), 1).unwrap();
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

/// A data dir holding `world` as [`fill`] leaves it. With
/// `PANELDESK_BENCH_DATA` set, that dir is filled once and reused by later
/// runs (the world is generated the same each time); else a temp dir.
pub fn bench_dir(world: &World) -> (Option<tempfile::TempDir>, std::path::PathBuf, Db) {
    let (tmp, dir) = match std::env::var_os("PANELDESK_BENCH_DATA") {
        Some(d) => (None, std::path::PathBuf::from(d)),
        None => {
            let t = tempfile::tempdir().unwrap();
            let p = t.path().to_owned();
            (Some(t), p)
        }
    };
    let db = if dir.join("cache.sqlite3").exists() {
        Db::open(&paneldesk_core::paths::DataDir::new(&dir)).unwrap()
    } else {
        std::fs::create_dir_all(&dir).unwrap();
        let db = open_db(&dir);
        fill(&db, world);
        db
    };
    (tmp, dir, db)
}

/// Whether a figure is to be measured: `PANELDESK_BENCH_ONLY` (a substring
/// of its name) picks some; unset, every one.
pub fn selected(name: &str) -> bool {
    std::env::var("PANELDESK_BENCH_ONLY").map_or(true, |only| name.contains(&only))
}

/// The orders a day the bench data holds (`PANELDESK_BENCH_ORDERS_PER_DAY`,
/// default 100,000: a big panel's). Budgets are judged at that density.
pub fn orders_per_day() -> usize {
    std::env::var("PANELDESK_BENCH_ORDERS_PER_DAY")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(100_000)
}

/// A fake panel of `orders` orders at the bench's density, quirks off.
pub fn config(orders: usize) -> paneldesk_fakepanel::Config {
    let mut c = paneldesk_fakepanel::Config::with_orders(orders);
    c.quirks = paneldesk_fakepanel::Quirks::none();
    c.order_days = orders.div_ceil(orders_per_day()).max(1) as i64;
    c
}

/// One figure for `make bench`'s table: printed, and appended as a JSON
/// line to `PANELDESK_BENCH_JSON` when it is set. `budget` is the figure
/// that passes (`None`: reported only); `lower_is_better` says which side.
pub fn record(what: &str, value: f64, unit: &str, budget: Option<f64>, lower_is_better: bool) {
    let met = budget.map(|b| {
        if lower_is_better {
            value <= b
        } else {
            value >= b
        }
    });
    println!(
        "{what:<60} {value:>12.1} {unit}{}",
        match (budget, met) {
            (Some(b), Some(true)) => format!("   (budget {b}: met)"),
            (Some(b), _) => format!("   (budget {b}: NOT met)"),
            _ => String::new(),
        }
    );
    if let Ok(path) = std::env::var("PANELDESK_BENCH_JSON") {
        use std::io::Write;
        let line = serde_json::json!({
            "bench": std::env::args().next().and_then(|a| std::path::Path::new(&a).file_stem().map(|s| s.to_string_lossy().split('-').next().unwrap_or_default().to_owned())),
            "what": what, "value": value, "unit": unit, "budget": budget,
            "lower_is_better": lower_is_better, "met": met,
        });
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        writeln!(f, "{line}").unwrap();
    }
}
