//! The built-in demo panel's server: the fake Perfect Panel served inside
//! the app, so a new user sees every screen working before connecting a real
//! panel. Its record and world live in the core (`panels::demo`); this is the
//! part that plays the panel, so the core and the CLI never ship the fake.
//!
//! Each start takes a new local port and updates the panel's URL; the world
//! is generated again from its seed and moved forward by the real time since.

use std::{
    sync::{mpsc, Arc},
    thread::JoinHandle,
    time::Duration,
};

use paneldesk_core::{
    activity::Actor,
    db::Db,
    panels::{self, demo, Panel},
    Error, Result,
};
use paneldesk_fakepanel::{Config, FakePanel};

/// How often the demo's clock moves on while the app runs (new orders,
/// orders progressing, new tickets), so the demo looks alive.
const TICK: Duration = Duration::from_secs(30);
/// A realistic small panel: enough rows to feel the tables, quick to sync
/// (each ticket's conversation is a request of its own).
const ORDERS: usize = 40_000;
const TICKETS: usize = 200;

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

/// Serves the demo world, moved on to now.
fn serve(world: demo::World) -> Result<DemoServer> {
    let fake = FakePanel::spawn(Config {
        seed: world.seed,
        admin_key: demo::ADMIN_KEY.into(),
        services_key: demo::SERVICES_KEY.into(),
        now: world.origin,
        tickets: TICKETS,
        ..Config::with_orders(ORDERS)
    })
    .map_err(|e| Error::io("starting the demo panel", e))?;
    let elapsed = chrono::Utc::now().timestamp() - world.origin;
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
pub fn create(db: &Db, actor: &Actor) -> Result<(Panel, DemoServer)> {
    let mut local = db.local()?;
    if let Some(p) = demo::panel(&local)? {
        drop(local);
        let server = resume(db)?.expect("the demo panel exists");
        return Ok((panels::by_id(&db.local()?, p.id)?, server));
    }
    let server = serve(demo::new_world(&local)?)?;
    let panel = demo::add_panel(&mut local, db.install_id(), actor, server.url())?;
    Ok((panel, server))
}

/// At app start: serves the demo panel again if there is one, on a new port.
pub fn resume(db: &Db) -> Result<Option<DemoServer>> {
    let local = db.local()?;
    let Some(p) = demo::panel(&local)? else {
        return Ok(None);
    };
    let server = serve(demo::world(&local)?)?;
    demo::set_url(&local, p.id, server.url())?;
    Ok(Some(server))
}

#[cfg(test)]
mod tests {
    use paneldesk_core::{
        db::Writer,
        paths::DataDir,
        secrets::Keychain,
        sync::{Engine, EngineOptions, Resource},
    };

    use super::*;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Runtime::new().unwrap()
    }

    fn count(db: &Db, sql: &str) -> i64 {
        db.cache()
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }

    fn sync_all(db: &Db) {
        let engine = Engine::new(
            db.clone(),
            Writer::start(db).unwrap(),
            Keychain,
            EngineOptions::default(),
        );
        for outcome in rt()
            .block_on(engine.sync_once(None, &Resource::ALL))
            .unwrap()
        {
            assert!(outcome.error.is_none(), "{:?}", outcome.error);
        }
    }

    #[test]
    fn the_demo_panel_syncs_keeps_its_data_across_restarts_and_is_removable() {
        let tmp = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(tmp.path())).unwrap();
        assert!(resume(&db).unwrap().is_none(), "no demo until asked");

        let (panel, server) = create(&db, &Actor::cli()).unwrap();
        assert!(panel.demo);
        assert_eq!(panel.name, demo::NAME);
        assert!(panel.url.starts_with("http://127.0.0.1:"), "{}", panel.url);
        assert_eq!(panel.admin_key_last4, None, "no key is stored for it");
        assert!(panel.has_services_key);
        let probe = rt()
            .block_on(panels::test(&db, &Keychain, panel.id))
            .unwrap();
        assert!(probe.orders >= 40_000, "{probe:?}");
        assert_eq!(probe.services, Some(12));

        sync_all(&db);
        let orders = count(&db, "SELECT count(*) FROM orders");
        assert!(orders >= 40_000, "{orders}");
        // Its data is dated around now, so every report has something to show.
        let newest = count(&db, "SELECT max(created) FROM orders");
        assert!((chrono::Utc::now().timestamp() - newest).abs() < 3_600);
        let (first_id, first_link): (i64, String) = db
            .cache()
            .unwrap()
            .query_row("SELECT id, link FROM orders ORDER BY id LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();

        // A restart: the server stops, and the next start serves the same world
        // (same seed, same clock origin) on a port of its own, under the same panel.
        drop(server);
        let server = resume(&db).unwrap().expect("the demo panel is configured");
        let moved = panels::by_id(&db.local().unwrap(), panel.id).unwrap();
        assert!(
            moved.url.starts_with(server.url()),
            "{} vs {}",
            moved.url,
            server.url()
        );
        sync_all(&db);
        let (again_link,): (String,) = db
            .cache()
            .unwrap()
            .query_row("SELECT link FROM orders WHERE id = ?1", [first_id], |r| {
                Ok((r.get(0)?,))
            })
            .unwrap();
        assert_eq!(again_link, first_link, "the same world was served again");
        assert!(count(&db, "SELECT count(*) FROM orders") >= orders);
        assert_eq!(
            count(
                &db,
                "SELECT count(*) FROM (SELECT DISTINCT panel_id, id FROM orders)"
            ),
            count(&db, "SELECT count(*) FROM orders")
        );

        // Asking again does not add a second demo panel.
        let (same, _server2) = create(&db, &Actor::cli()).unwrap();
        assert_eq!(same.id, panel.id);
        assert_eq!(panels::list(&db.local().unwrap()).unwrap().len(), 1);

        // Removing it touches no keychain (there is none to touch in this test).
        let writer = Writer::start(&db).unwrap();
        panels::remove(&writer, db.install_id(), &Keychain, &Actor::cli(), &same).unwrap();
        assert!(resume(&db).unwrap().is_none());
    }
}
