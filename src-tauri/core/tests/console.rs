//! What the console's first screens do to panels: the demo panel, the
//! connection test before saving, editing a panel, and testing a saved one.
//! Real fake panels over HTTP, a real data dir.

use paneldesk_core::{
    db::{Db, Writer},
    panels::{self, PanelEdit, PanelStatus},
    paths::DataDir,
    secrets::Keychain,
    sync::{Engine, EngineOptions, Resource},
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel};

mod common;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn count(db: &Db, sql: &str) -> i64 {
    db.cache()
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn testing_a_connection_before_saving_reports_each_failure_by_its_code() {
    let fake = FakePanel::spawn(Config {
        tickets: 5,
        ..Config::with_orders(300)
    })
    .unwrap();
    let rt = rt();
    let ok = rt
        .block_on(panels::probe(
            fake.url(),
            fake.admin_key(),
            Some(fake.services_key()),
            50.0,
        ))
        .unwrap();
    assert_eq!(ok.orders, 300);
    assert_eq!(ok.users as usize, fake.with_world(|w| w.users.len()));
    assert_eq!(ok.services, Some(12));

    let wrong = rt
        .block_on(panels::probe(fake.url(), "not-the-key", None, 50.0))
        .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongKey);
    assert!(wrong.fix().is_some());

    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = rt
        .block_on(panels::probe(&dead, "key", None, 50.0))
        .unwrap_err();
    assert_eq!(unreachable.code(), ErrorCode::Unreachable);

    let v1 = rt
        .block_on(panels::probe(
            "https://panel.example/adminapi/v1",
            "key",
            None,
            5.0,
        ))
        .unwrap_err();
    assert_eq!(v1.code(), ErrorCode::PanelUrl);
    assert!(v1.to_string().contains("v1"), "{v1}");
}

#[test]
fn editing_a_panel_checks_everything_first_and_a_test_records_its_status() {
    let fake = FakePanel::spawn(Config {
        tickets: 5,
        ..Config::with_orders(100)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let add =
        |name: &str| common::env_panel(&db, name, &fake, paneldesk_core::panel::DEFAULT_RATE_LIMIT);
    let main = add("ConsoleMain");
    add("ConsoleOther");
    let edit = |e: PanelEdit| {
        panels::update(
            &mut db.local().unwrap(),
            db.install_id(),
            &Keychain,
            &paneldesk_core::activity::Actor::cli(),
            main.id,
            e,
        )
    };

    let renamed = edit(PanelEdit {
        name: Some("  ConsoleMain ".into()),
        rate_limit: Some(2.5),
        staff_name: Some(String::new()),
        ..PanelEdit::default()
    })
    .unwrap();
    assert_eq!(renamed.name, "ConsoleMain", "trimmed");
    assert_eq!(renamed.rate_limit, 2.5);
    assert_eq!(renamed.staff_name, None, "an empty staff name clears it");
    assert_eq!(renamed.url, main.url, "what was not edited stays");

    // Each bad value is refused, and nothing of the edit is kept.
    for (bad, code) in [
        (
            PanelEdit {
                name: Some("ConsoleOther".into()),
                ..PanelEdit::default()
            },
            ErrorCode::Config,
        ),
        (
            PanelEdit {
                rate_limit: Some(0.0),
                staff_name: Some("changed".into()),
                ..PanelEdit::default()
            },
            ErrorCode::Config,
        ),
        (
            PanelEdit {
                url: Some("https://panel.example/adminapi/v1".into()),
                ..PanelEdit::default()
            },
            ErrorCode::PanelUrl,
        ),
        (
            PanelEdit {
                name: Some("   ".into()),
                ..PanelEdit::default()
            },
            ErrorCode::Config,
        ),
    ] {
        assert_eq!(edit(bad).unwrap_err().code(), code);
    }
    assert_eq!(
        panels::by_id(&db.local().unwrap(), main.id).unwrap(),
        renamed
    );

    // Without a services key the Sync engine table says so, with what to do.
    let status = paneldesk_core::browse::sync_status(&db.read().unwrap()).unwrap();
    let services = status
        .iter()
        .find(|r| r.panel_id == main.id && r.resource == paneldesk_core::sync::Resource::Services)
        .unwrap();
    assert_eq!(services.status, paneldesk_core::sync::SyncStatus::NoKey);
    assert!(services
        .last_error
        .as_deref()
        .unwrap()
        .contains("Services API key"));

    let disabled = edit(PanelEdit {
        enabled: Some(false),
        ..PanelEdit::default()
    })
    .unwrap();
    assert!(!disabled.enabled);

    // A wrong key in the environment: the test fails with wrong_key and the
    // panel's status says so, with the fix; the right key clears it.
    let var = panels::env_key_var("ConsoleMain");
    std::env::set_var(&var, "wrong-key");
    let err = rt()
        .block_on(panels::test(&db, &Keychain, main.id))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongKey);
    let p = panels::by_id(&db.local().unwrap(), main.id).unwrap();
    assert_eq!(p.status, PanelStatus::AuthError);
    assert!(p.last_error.as_deref().unwrap().contains(&err.to_string()));
    std::env::set_var(&var, fake.admin_key());
    let probe = rt()
        .block_on(panels::test(&db, &Keychain, main.id))
        .unwrap();
    assert_eq!(probe.orders, 100);
    let p = panels::by_id(&db.local().unwrap(), main.id).unwrap();
    assert_eq!(p.status, PanelStatus::Connected);
    assert_eq!(p.last_error, None);
}

#[test]
fn a_panel_removed_while_it_syncs_leaves_no_row_behind() {
    let fake = FakePanel::spawn(Config {
        tickets: 40,
        ..Config::with_orders(30_000)
    })
    .unwrap();
    // Slow pages, so the removal lands in the middle of the backfill.
    fake.set_faults(paneldesk_fakepanel::Faults {
        latency_ms: 40,
        ..paneldesk_fakepanel::Faults::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let name = "ConsoleGone";
    let panel = common::env_panel(&db, name, &fake, 1_000.0);
    let rt = rt();
    let writer = Writer::start(&db).unwrap();
    let engine = Engine::new(
        db.clone(),
        writer.clone(),
        Keychain,
        EngineOptions::default(),
    );
    let running = {
        let engine = engine.clone();
        rt.spawn(async move { engine.sync_once(None, &[Resource::Orders]).await })
    };
    // Wait until pages are being written, then remove the panel as the app does.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while count(&db, "SELECT count(*) FROM orders") < 2_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "the sync never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panels::remove(
        &writer,
        db.install_id(),
        &Keychain,
        &paneldesk_core::activity::Actor::cli(),
        &panel,
    )
    .unwrap();
    let reports = rt.block_on(running).unwrap().unwrap();
    let err = reports[0]
        .error
        .as_ref()
        .expect("the sync stopped on the removal");
    assert_eq!(err.code(), ErrorCode::Config, "{err}");
    for table in ["orders", "sync_state", "users", "tickets"] {
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM {table}")),
            0,
            "{table} kept rows of the removed panel"
        );
    }
}

#[test]
fn an_env_key_panel_is_not_renamed_out_of_its_key_and_a_500_keeps_its_status() {
    let fake = FakePanel::spawn(Config {
        tickets: 5,
        ..Config::with_orders(50)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let name = "ConsoleEnv";
    let panel = common::env_panel(&db, name, &fake, paneldesk_core::panel::DEFAULT_RATE_LIMIT);
    let err = panels::update(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &paneldesk_core::activity::Actor::cli(),
        panel.id,
        PanelEdit {
            name: Some("Renamed".into()),
            ..PanelEdit::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Config);
    assert!(
        err.to_string().contains("PANELDESK_ADMIN_KEY_CONSOLEENV"),
        "{err}"
    );
    assert!(err.fix().unwrap().contains("admin API key"));
    assert_eq!(
        panels::by_id(&db.local().unwrap(), panel.id).unwrap().name,
        name
    );

    // A test that meets a panel error (every answer a 500) is that error,
    // not "connected": the status stays what it was.
    panels::set_status(
        &db.local().unwrap(),
        panel.id,
        PanelStatus::AuthError,
        Some("x"),
    )
    .unwrap();
    fake.set_faults(paneldesk_fakepanel::Faults {
        fail_rate: 1.0,
        ..paneldesk_fakepanel::Faults::default()
    });
    let err = rt()
        .block_on(panels::test(&db, &Keychain, panel.id))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PanelError, "{err}");
    let p = panels::by_id(&db.local().unwrap(), panel.id).unwrap();
    assert_eq!(p.status, PanelStatus::AuthError);
    assert!(p.last_error.unwrap().contains(&err.to_string()));
}

#[test]
fn another_process_writing_the_cache_is_noticed() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let _watch = paneldesk_core::db::CacheChanges::watch(
        &db,
        std::time::Duration::from_millis(20),
        move || {
            let _ = tx.send(());
        },
    )
    .unwrap();
    // Nothing written: nothing noticed.
    assert!(rx
        .recv_timeout(std::time::Duration::from_millis(200))
        .is_err());
    // A commit on another connection (as the CLI's sync makes) is noticed.
    db.cache()
        .unwrap()
        .execute(
            "INSERT INTO sync_state (panel_id, resource) VALUES (1, 'orders')",
            [],
        )
        .unwrap();
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("the commit was noticed");
}
