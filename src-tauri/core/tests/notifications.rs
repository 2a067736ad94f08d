//! What the desktop is told, decided on a real cache synced from the fake
//! panel over HTTP: each event once, never the cache's history, never HTML.

use paneldesk_core::{
    activity::Actor,
    db::Db,
    notifications::{self, NotificationSettings, TicketAlerts},
    paths::DataDir,
    reports,
};
use paneldesk_fakepanel::{Config, FakePanel};

mod common;

struct Fx {
    _rt: tokio::runtime::Runtime,
    _tmp: tempfile::TempDir,
    db: Db,
    fake: FakePanel,
}

/// A panel of `orders` orders, synced once.
fn fixture(orders: usize) -> Fx {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(FakePanel::start(Config::with_orders(orders)))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    common::env_panel(&db, "Notify", &fake, 500.0);
    common::sync_all(&db);
    Fx {
        _rt: rt,
        _tmp: tmp,
        db,
        fake,
    }
}

impl Fx {
    fn critical(&self) -> Vec<notifications::Notice> {
        let now = self.fake.with_world(|w| w.now);
        let read = self.db.read().unwrap();
        notifications::newly_critical(&read, &self.db.local().unwrap(), now).unwrap()
    }

    fn messages(&self) -> Vec<notifications::Notice> {
        let read = self.db.read().unwrap();
        notifications::customer_messages(&read, &self.db.local().unwrap()).unwrap()
    }
}

#[test]
fn a_service_turning_critical_is_told_once_and_not_while_snoozed() {
    // As big as the demo panel: enough orders a day for its stuck services to score.
    let fx = fixture(40_000);
    let now = fx.fake.with_world(|w| w.now);
    let report = reports::service_health(
        &fx.db.read().unwrap(),
        &reports::ServiceHealthParams::new(now),
    )
    .unwrap();
    let critical: Vec<_> = report
        .services
        .iter()
        .filter(|r| r.status == reports::HealthStatus::Critical)
        .collect();
    assert!(!critical.is_empty(), "the fake has stuck services");
    let told = fx.critical();
    if critical.len() <= 3 {
        assert_eq!(told.len(), critical.len());
        assert_eq!(
            told[0].title,
            format!("Service {} is critical", critical[0].service_id)
        );
    } else {
        assert_eq!(
            told[0].title,
            format!("{} services turned critical", critical.len())
        );
    }
    assert!(fx.critical().is_empty(), "told once");

    // Snoozed, then critical again once the snooze is over: told again.
    let panel = critical[0].panel_id;
    let local = fx.db.local().unwrap();
    reports::snooze(&local, panel, critical[0].service_id, now).unwrap();
    assert!(fx.critical().is_empty());
    reports::snooze(&local, panel, critical[0].service_id, now - 25 * 3600).unwrap();
    let again = fx.critical();
    assert_eq!(again.len(), 1);
    assert!(again[0].title.contains(&critical[0].service_id.to_string()));
}

#[test]
fn a_customer_writing_again_is_told_once_in_plain_text_and_the_history_never() {
    let fx = fixture(3_000);
    assert!(
        fx.messages().is_empty(),
        "the first check only starts counting"
    );
    let open = fx.fake.with_world(|w| {
        w.tickets
            .iter()
            .find(|t| t.status != "closed")
            .map(|t| t.id)
            .unwrap()
    });
    fx.fake.edit_world(|w| {
        w.customer_writes(
            open,
            "<b>Still</b> waiting <script>alert(1)</script>for my refill",
        )
    });
    common::sync_all(&fx.db);
    let told = fx.messages();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].title.ends_with(&format!("wrote again on #{open}")),
        "{told:?}"
    );
    assert!(
        told[0].body.contains("Still waiting for my refill"),
        "{told:?}"
    );
    assert!(!told[0].body.contains('<'), "never HTML: {told:?}");
    assert!(fx.messages().is_empty(), "told once");

    // Another message a minute later: told too.
    fx.fake.edit_world(|w| {
        w.now += 60;
        w.customer_writes(open, "one more thing")
    });
    common::sync_all(&fx.db);
    assert_eq!(fx.messages().len(), 1);

    // Switched off: nothing, and nothing kept for later either.
    notifications::set_settings(
        &fx.db.local().unwrap(),
        fx.db.install_id(),
        &Actor::cli(),
        NotificationSettings {
            tickets: TicketAlerts::Off,
            ..NotificationSettings::default()
        },
    )
    .unwrap();
    fx.fake.edit_world(|w| {
        w.now += 60;
        w.customer_writes(open, "and again")
    });
    common::sync_all(&fx.db);
    assert!(fx.messages().is_empty());
    notifications::set_settings(
        &fx.db.local().unwrap(),
        fx.db.install_id(),
        &Actor::cli(),
        NotificationSettings::default(),
    )
    .unwrap();
    assert!(fx.messages().is_empty());
}
