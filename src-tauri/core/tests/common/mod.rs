//! What the core's integration tests share. Each test binary uses part of it.
#![allow(dead_code)]

use paneldesk_core::{
    db::{Db, Writer},
    panels::{self, NewPanel, Panel},
    secrets::Keychain,
    sync::{Engine, EngineOptions, Resource},
};
use paneldesk_fakepanel::FakePanel;

/// A panel on `fake` whose keys are read from the environment (the CLI's
/// `--no-keychain`), set here: the tests need no keychain. Staff name "mira",
/// and the fake's services key too.
pub fn env_panel(db: &Db, name: &str, fake: &FakePanel, rate_limit: f64) -> Panel {
    std::env::set_var(panels::env_key_var(name), fake.admin_key());
    std::env::set_var(
        format!("{}_SERVICES", panels::env_key_var(name)),
        fake.services_key(),
    );
    panels::add(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &paneldesk_core::activity::Actor::cli(),
        NewPanel {
            name: name.into(),
            url: fake.url().into(),
            staff_name: Some("mira".into()),
            rate_limit: Some(rate_limit),
            admin_key: None,
            services_key: None,
            no_keychain: true,
        },
    )
    .unwrap()
}

pub fn engine(db: &Db) -> Engine {
    Engine::new(
        db.clone(),
        Writer::start(db).unwrap(),
        Keychain,
        EngineOptions::default(),
    )
}

/// Syncs every enabled panel once, every resource; each must succeed.
pub fn sync_all(db: &Db) {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        for report in engine(db).sync_once(None, &Resource::ALL).await.unwrap() {
            assert!(report.error.is_none(), "{:?}", report.error);
        }
    });
}
