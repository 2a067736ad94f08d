//! Opening a ticket in the reply workspace from a cache of 20,000 tickets
//! (with their conversations) and 200,000 orders: the conversation
//! sanitised, the orders it quotes, the customer's recent orders, payments
//! and notes, the outbox and the staff name. 300 different tickets, each
//! opened once on a warm connection, as j / k does; p50, p95 and max.
//! `cargo bench -p paneldesk-core --bench tickets`.

use std::time::Instant;

use paneldesk_core::tickets;
use paneldesk_fakepanel::{Config, Quirks, World};

mod common;
use common::fill;

const TICKETS: usize = 20_000;
const OPENED: usize = 300;

fn main() {
    let world = World::generate(&Config {
        quirks: Quirks::none(),
        tickets: TICKETS,
        ..Config::with_orders(200_000)
    });
    let tmp = tempfile::tempdir().unwrap();
    let db = common::open_db(tmp.path());
    let t = Instant::now();
    fill(&db, &world);
    let messages: usize = world.tickets.iter().map(|t| t.messages.len()).sum();
    println!(
        "cache of {} tickets ({messages} messages), {} orders filled in {:.1} s",
        world.tickets.len(),
        world.orders.len(),
        t.elapsed().as_secs_f64()
    );
    let read = db.read().unwrap();
    let step = world.tickets.len() / OPENED;
    let mut times: Vec<f64> = (0..OPENED)
        .map(|i| {
            let id = world.tickets[i * step].id;
            let t = Instant::now();
            let ws = tickets::workspace(&read, 1, id).unwrap();
            assert_eq!(ws.view.ticket.id, id);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "open a ticket ({OPENED} different ones)   p50 {:6.2} ms   p95 {:6.2} ms   max {:6.2} ms",
        times[OPENED / 2],
        times[OPENED * 95 / 100],
        times[OPENED - 1]
    );
}
