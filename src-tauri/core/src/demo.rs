//! The built-in demo panel: a fake Perfect Panel served inside the app, so a
//! new user sees every screen working before connecting a real panel.
//!
//! Its data survives a restart: the seed and the clock's origin are kept in
//! local.sqlite3, so the same world is generated again and moved forward by
//! the real time since. Each start takes a new local port and updates the
//! panel's URL; the key is fixed and public (it guards nothing real), so it
//! never touches the keychain.

use std::{
    sync::{mpsc, Arc},
    thread::JoinHandle,
    time::Duration,
};

use paneldesk_fakepanel::{Config, FakePanel};
use rusqlite::{params, OptionalExtension};

use crate::db::LocalConn;
use crate::{
    db::Db,
    panels::{self, Panel},
    Error, Result,
};

/// The demo panel's name, as every screen shows it.
pub const NAME: &str = "Demo panel";
/// The fake panel's admin key: fixed, so nothing is stored for it.
pub const ADMIN_KEY: &str = "paneldesk-demo-admin-key";
pub const SERVICES_KEY: &str = "paneldesk-demo-services-key";
/// How often the demo's clock moves on while the app runs (new orders,
/// orders progressing, new tickets), so the demo looks alive.
const TICK: Duration = Duration::from_secs(30);
/// A realistic small panel: enough rows to feel the tables, quick to sync
/// (each ticket's conversation is a request of its own).
const ORDERS: usize = 40_000;
const TICKETS: usize = 200;
/// The demo is local, so it can be read faster than a real panel.
const RATE_LIMIT: f64 = 20.0;

/// The running demo server. Dropping it stops the server and its clock.
pub struct DemoServer {
    fake: Arc<FakePanel>,
    stop: Option<mpsc::Sender<()>>,
    ticker: Option<JoinHandle<()>>,
}

impl DemoServer {
    pub fn url(&self) -> &str {
        self.fake.url()
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

fn setting(local: &LocalConn, key: &str) -> Result<Option<i64>> {
    let v: Option<String> = local
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()
        .map_err(LocalConn::err)?;
    Ok(v.and_then(|v| v.parse().ok()))
}

fn set_setting(local: &LocalConn, key: &str, value: i64) -> Result<()> {
    local
        .execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            params![key, value.to_string()],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// The configured demo panel, if any.
pub fn panel(local: &LocalConn) -> Result<Option<Panel>> {
    Ok(panels::list(local)?.into_iter().find(|p| p.demo))
}

/// Serves the demo world of `seed`, generated at `origin` and moved on to now.
fn serve(seed: u64, origin: i64) -> Result<DemoServer> {
    let fake = FakePanel::spawn(Config {
        seed,
        admin_key: ADMIN_KEY.into(),
        services_key: SERVICES_KEY.into(),
        now: origin,
        tickets: TICKETS,
        ..Config::with_orders(ORDERS)
    })
    .map_err(|e| Error::io("starting the demo panel", e))?;
    let elapsed = chrono::Utc::now().timestamp() - origin;
    if elapsed > 0 {
        fake.tick(elapsed);
    }
    let fake = Arc::new(fake);
    let (stop, stopped) = mpsc::channel::<()>();
    let clock = fake.clone();
    let ticker = std::thread::Builder::new()
        .name("demo-clock".into())
        .spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                clock.tick(TICK.as_secs() as i64);
            }
        })
        .map_err(|e| Error::io("starting the demo panel's clock", e))?;
    Ok(DemoServer {
        fake,
        stop: Some(stop),
        ticker: Some(ticker),
    })
}

/// Creates the demo panel and starts its server (or resumes the existing one).
pub fn create(db: &Db) -> Result<(Panel, DemoServer)> {
    let mut local = db.local()?;
    if let Some(p) = panel(&local)? {
        drop(local);
        let server = resume(db)?.expect("the demo panel exists");
        return Ok((panels::by_id(&db.local()?, p.id)?, server));
    }
    let seed = rand_seed();
    let origin = chrono::Utc::now().timestamp();
    let server = serve(seed, origin)?;
    set_setting(&local, "demo_seed", seed as i64)?;
    set_setting(&local, "demo_origin", origin)?;
    let name = unique_name(&local)?;
    let added = panels::add(
        &mut local,
        db.install_id(),
        &crate::secrets::Keychain,
        panels::NewPanel {
            name,
            url: server.url().to_owned(),
            staff_name: Some("demo_operator".into()),
            rate_limit: Some(RATE_LIMIT),
            admin_key: None,
            services_key: None,
            no_keychain: true,
        },
    )?;
    local
        .execute(
            "UPDATE panels SET demo = 1, no_keychain = 0, has_services_key = 1 WHERE id = ?1",
            [added.id],
        )
        .map_err(LocalConn::err)?;
    Ok((panels::by_id(&local, added.id)?, server))
}

/// At app start: serves the demo panel again if there is one, on a new port.
pub fn resume(db: &Db) -> Result<Option<DemoServer>> {
    let local = db.local()?;
    let Some(p) = panel(&local)? else {
        return Ok(None);
    };
    let seed = setting(&local, "demo_seed")?.unwrap_or(1) as u64;
    let origin = match setting(&local, "demo_origin")? {
        Some(o) => o,
        None => {
            let now = chrono::Utc::now().timestamp();
            set_setting(&local, "demo_origin", now)?;
            now
        }
    };
    let server = serve(seed, origin)?;
    let url = crate::panel::normalize_base_url(server.url())?;
    local
        .execute(
            "UPDATE panels SET base_url = ?2 WHERE id = ?1",
            params![p.id, url.as_str()],
        )
        .map_err(LocalConn::err)?;
    Ok(Some(server))
}

/// "Demo panel", or "Demo panel 2" when the operator named a panel that.
fn unique_name(local: &LocalConn) -> Result<String> {
    let taken: Vec<String> = panels::list(local)?.into_iter().map(|p| p.name).collect();
    Ok(std::iter::once(NAME.to_owned())
        .chain((2..).map(|n| format!("{NAME} {n}")))
        .find(|n| !taken.contains(n))
        .expect("an unbounded range"))
}

fn rand_seed() -> u64 {
    // Any seed gives a realistic world; the time is random enough here.
    chrono::Utc::now()
        .timestamp_nanos_opt()
        .unwrap_or_default()
        .unsigned_abs()
        % 1_000_000_007
}
