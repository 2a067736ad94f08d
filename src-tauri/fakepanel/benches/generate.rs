//! How fast the fake panel generates its data: `cargo bench -p paneldesk-fakepanel --bench generate`.

use std::time::Instant;

use paneldesk_fakepanel::{Config, World};

fn main() {
    for orders in [100_000usize, 1_000_000] {
        let config = Config::with_orders(orders);
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let world = World::generate(&config);
            best = best.min(t.elapsed().as_secs_f64());
            assert_eq!(world.orders.len(), orders);
        }
        println!(
            "generate {orders} orders (+{} users, {} tickets): best of 3 {best:.3} s, {:.0} orders/s",
            config.users,
            config.tickets,
            orders as f64 / best
        );
    }
}
