//! "Copy diagnostics" on a real data dir synced from the fake panel over
//! HTTP: the states support needs, and no key or customer text.

use paneldesk_core::{db::Db, diagnostics, paths::DataDir};
use paneldesk_fakepanel::{Config, FakePanel};

mod common;

#[test]
fn diagnostics_say_how_each_panel_and_resource_stands_and_hold_no_key_or_customer_text() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(FakePanel::start(Config::with_orders(500)))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    common::env_panel(&db, "Diag", &fake, 500.0);
    common::sync_all(&db);

    let text = diagnostics::collect(&db, "Paneldesk test").unwrap();
    assert!(text.starts_with("Paneldesk test (core "), "{text}");
    assert!(text.contains("panels: 1"), "{text}");
    for resource in ["orders", "users", "payments", "tickets", "services"] {
        assert!(
            text.contains(&format!("- panel #1 {resource}: ok (")),
            "{resource}: {text}"
        );
    }
    assert!(!text.contains(fake.admin_key()) && !text.contains(fake.services_key()));
    fake.with_world(|w| {
        for u in w.users.iter().take(50) {
            assert!(!text.contains(&u.username), "a username: {}", u.username);
        }
        for t in w.tickets.iter().take(20) {
            for m in &t.messages {
                let words: String = m.message.chars().take(30).collect();
                assert!(!text.contains(&words), "a message: {words}");
            }
        }
    });
}
