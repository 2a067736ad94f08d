//! `paneldesk-fakepanel`: the fake Perfect Panel as a program, for the CLI's
//! tests, manual runs and benchmarks. Prints its URL when ready.

use clap::Parser;
use paneldesk_fakepanel::{Config, FakePanel, Faults, Quirks};

#[derive(Parser)]
#[command(
    name = "paneldesk-fakepanel",
    version,
    about = "A fake Perfect Panel (Admin API v2 + services) on 127.0.0.1"
)]
struct Args {
    /// Port (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[arg(long, default_value_t = 10_000)]
    orders: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The days the orders are spread over (the data's density).
    #[arg(long, default_value_t = 60)]
    order_days: i64,
    /// The data's "now" (unix seconds): the newest orders are just before
    /// it. Default: a fixed time, so the data is the same every run.
    #[arg(long)]
    now: Option<i64>,
    /// Default: orders / 20.
    #[arg(long)]
    users: Option<usize>,
    /// Default: orders / 50.
    #[arg(long)]
    tickets: Option<usize>,
    #[arg(long)]
    admin_key: Option<String>,
    #[arg(long)]
    services_key: Option<String>,
    /// Requests per second before HTTP 429.
    #[arg(long)]
    rate_limit: Option<f64>,
    /// Share of requests answered HTTP 500 (0..1).
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Share of answers with a truncated JSON body (0..1).
    #[arg(long, default_value_t = 0.0)]
    malformed_rate: f64,
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// `all`, `none` or a comma list (ids-as-strings, money-as-string, ...).
    #[arg(long, default_value = "all")]
    quirks: String,
    /// The services catalogue changes at each tick (a rival to watch).
    #[arg(long)]
    catalogue_moves: bool,
}

fn main() {
    let args = Args::parse();
    let quirks = Quirks::parse(&args.quirks).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2);
    });
    let mut config = Config::with_orders(args.orders);
    config.port = args.port;
    config.order_days = args.order_days;
    if let Some(now) = args.now {
        config.now = now;
    }
    config.seed = args.seed;
    config.quirks = quirks;
    config.catalogue_moves = args.catalogue_moves;
    if let Some(u) = args.users {
        config.users = u;
    }
    if let Some(t) = args.tickets {
        config.tickets = t;
    }
    if let Some(k) = args.admin_key {
        config.admin_key = k;
    }
    if let Some(k) = args.services_key {
        config.services_key = k;
    }
    config.faults = Faults {
        rate_limit: args.rate_limit,
        fail_rate: args.fail_rate,
        malformed_rate: args.malformed_rate,
        latency_ms: args.latency_ms,
        ..Faults::default()
    };
    let started = std::time::Instant::now();
    let panel = FakePanel::spawn(config).unwrap_or_else(|e| {
        eprintln!("error: the fake panel could not start: {e}");
        std::process::exit(1);
    });
    eprintln!("generated in {:.2} s", started.elapsed().as_secs_f64());
    println!("{}", panel.url());
    // Serve until killed (Ctrl+C or SIGTERM end the process).
    loop {
        std::thread::park();
    }
}
