//! Every report over a 1,000,000-order cache at the bench's density
//! (`PANELDESK_BENCH_ORDERS_PER_DAY`, default 100,000), with its users,
//! payments, tickets and messages. `cargo bench -p paneldesk-core --bench reports`.
//!
//! Three figures per report and window:
//! - in process: each run on a fresh read connection (SQLite's page cache
//!   empty, the OS's warm), p50 and p95 of 20;
//! - the CLI, process start included (`PANELDESK_BENCH_CLI`, the release
//!   `paneldesk-cli`; `make bench` sets it): warm p95 of 10, the budget's figure;
//! - cold: the CLI's first run after the OS page cache is dropped (as root).

use std::{path::Path, process::Command, time::Instant};

use paneldesk_core::reports::{self, ServiceHealthParams, TopSpendersParams, WindowParams};
use paneldesk_fakepanel::World;

mod common;
use common::record;

/// The budgets (issue 20): warm p95 with process start, and cold.
const WARM_MS: f64 = 100.0;
const COLD_MS: f64 = 300.0;

/// A report's run on a read connection.
type Run = Box<dyn Fn(&paneldesk_core::db::ReadConn)>;

fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

fn in_process(
    db: &paneldesk_core::db::Db,
    name: &str,
    run: &dyn Fn(&paneldesk_core::db::ReadConn),
) {
    let ms = (0..20)
        .map(|_| {
            let t = Instant::now();
            let conn = db.read().unwrap();
            run(&conn);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let (p50, p95) = percentiles(ms);
    record(&format!("{name}, in process, p50"), p50, "ms", None, true);
    record(&format!("{name}, in process, p95"), p95, "ms", None, true);
}

fn drop_page_cache() -> bool {
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// The report through the CLI: the figure the budgets judge.
fn cli(cli: &Path, data_dir: &Path, name: &str, args: &[&str]) {
    let run = || {
        let t = Instant::now();
        let out = Command::new(cli)
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.elapsed().as_secs_f64() * 1000.0
    };
    if drop_page_cache() {
        record(
            &format!("{name}, CLI, cold"),
            run(),
            "ms",
            Some(COLD_MS),
            true,
        );
    }
    let ms = (0..10).map(|_| run()).collect();
    let (p50, p95) = percentiles(ms);
    record(&format!("{name}, CLI, warm p50"), p50, "ms", None, true);
    record(
        &format!("{name}, CLI, warm p95"),
        p95,
        "ms",
        Some(WARM_MS),
        true,
    );
}

fn main() {
    let config = common::config(1_000_000);
    let world = World::generate(&config);
    let t = Instant::now();
    let (_tmp, dir, db) = common::bench_dir(&world);
    println!(
        "cache of {} orders over {} days, {} users, {} payments, {} tickets ready in {:.1} s",
        world.orders.len(),
        config.order_days,
        world.users.len(),
        world.payments.len(),
        world.tickets.len(),
        t.elapsed().as_secs_f64()
    );
    let cli_bin = std::env::var_os("PANELDESK_BENCH_CLI").map(std::path::PathBuf::from);
    let at = world.now;
    for hours in [24.0, 72.0] {
        let in_window = world
            .orders
            .iter()
            .filter(|o| o.created > at - (hours * 3600.0) as i64)
            .count();
        println!("{hours} h window: {in_window} orders created in it");
        let w = WindowParams {
            panel: None,
            window_hours: hours,
            at,
        };
        let runs: [(&str, &str, Run); 5] = [
            ("service health", "service-health", {
                Box::new(move |c| {
                    let mut p = ServiceHealthParams::new(at);
                    p.window_hours = hours;
                    reports::service_health(c, &p).unwrap();
                })
            }),
            ("top spenders", "top-spenders", {
                Box::new(move |c| {
                    let mut p = TopSpendersParams::new(at);
                    p.window_hours = hours;
                    reports::top_spenders(c, &p).unwrap();
                })
            }),
            ("flagged replies by staff", "flagged-replies --by staff", {
                let w = w.clone();
                Box::new(move |c| {
                    reports::flagged_by_staff(c, &w).unwrap();
                })
            }),
            (
                "flagged replies by service",
                "flagged-replies --by service",
                {
                    let w = w.clone();
                    Box::new(move |c| {
                        reports::flagged_by_service(c, &w).unwrap();
                    })
                },
            ),
            ("staff statistics", "staff-stats", {
                let w = w.clone();
                Box::new(move |c| {
                    reports::staff_stats(c, &w).unwrap();
                })
            }),
        ];
        for (name, command, run) in &runs {
            let name = format!("{name}, {hours} h ({in_window} orders)");
            if !common::selected(&name) {
                continue;
            }
            in_process(&db, &name, run.as_ref());
            if let Some(bin) = &cli_bin {
                let hours = hours.to_string();
                let at = at.to_string();
                let mut args = vec!["report"];
                args.extend(command.split(' '));
                args.extend(["--window-hours", &hours, "--at", &at, "--json"]);
                cli(bin, &dir, &name, &args);
            }
        }
    }
}
