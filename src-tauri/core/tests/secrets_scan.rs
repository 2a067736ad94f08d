//! After a full run (a panel added with its keys, a sync, every report, an
//! AI call, a rival polled twice, the diagnostics), no key is anywhere
//! Paneldesk writes: not in any file of the data dir (logs included), not
//! in any value of any table of either database. Keys live in the OS
//! keychain (this runs inside `make test`'s D-Bus session).

use paneldesk_core::{
    activity::Actor,
    ai::{self, providers, NewProvider, ProviderKind, Task},
    competitors::{self, RivalClients, RivalEdit},
    db::Db,
    diagnostics, logging,
    panels::{self, NewPanel},
    paths::DataDir,
    reports::{self, ReportKind, ReportRequest},
    secrets::Keychain,
    sync::Resource,
};
use paneldesk_fakepanel::{ai::FakeAi, Config, FakePanel};
use rusqlite::types::ValueRef;

mod common;

const ADMIN: &str = "pp-admin-SCAN-7f3a9c21e0";
const SERVICES: &str = "pp-services-SCAN-1b2c3d4e";
const AI_KEY: &str = "sk-ai-SCAN-9q8w7e6r5t";
const RIVAL: &str = "rival-SCAN-5t4r3e2w1q";
const KEYS: [&str; 4] = [ADMIN, SERVICES, AI_KEY, RIVAL];

/// Every key found in `bytes`.
fn found(bytes: &[u8]) -> Vec<&'static str> {
    KEYS.into_iter()
        .filter(|k| bytes.windows(k.len()).any(|w| w == k.as_bytes()))
        .collect()
}

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = e.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every value of every table of the connection's main database.
fn scan_tables(conn: &rusqlite::Connection, file: &str) -> usize {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut values = 0;
    for t in &tables {
        let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let bytes = match r.get_ref(i).unwrap() {
                    ValueRef::Text(b) | ValueRef::Blob(b) => b,
                    _ => continue,
                };
                values += 1;
                let keys = found(bytes);
                assert!(keys.is_empty(), "{file}, table {t}: {keys:?}");
            }
        }
    }
    values
}

#[test]
fn after_a_full_run_no_key_is_in_any_file_log_or_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("data"));
    let _log = logging::init(&dir.log_dir(), false).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let panel = FakePanel::spawn(Config {
        admin_key: ADMIN.into(),
        services_key: SERVICES.into(),
        tickets: 30,
        ..Config::with_orders(2_000)
    })
    .unwrap();
    let rival = FakePanel::spawn(Config {
        services_key: RIVAL.into(),
        catalogue_moves: true,
        ..Config::with_orders(100)
    })
    .unwrap();
    let ai_server = FakeAi::spawn(0, AI_KEY).unwrap();
    let db = Db::open(&dir).unwrap();
    let actor = Actor::cli();

    // A panel with both keys in the keychain, synced whole.
    let p = panels::add(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &actor,
        NewPanel {
            name: "Scan".into(),
            url: panel.url().into(),
            staff_name: Some("mira".into()),
            rate_limit: Some(500.0),
            admin_key: Some(ADMIN.into()),
            services_key: Some(SERVICES.into()),
            no_keychain: false,
        },
    )
    .unwrap();
    for outcome in rt
        .block_on(common::engine(&db).sync_once(None, &Resource::ALL))
        .unwrap()
    {
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
    }

    // Every report.
    let read = db.read().unwrap();
    for kind in [
        ReportKind::ServiceHealth,
        ReportKind::ServiceHealthByProvider,
        ReportKind::TopSpenders,
        ReportKind::FlaggedByStaff,
        ReportKind::FlaggedByService,
        ReportKind::StaffStats,
    ] {
        reports::run(&read, kind, &ReportRequest::default()).unwrap();
    }

    // An AI call with its key.
    let provider = providers::save(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &actor,
        None,
        NewProvider {
            kind: Some(ProviderKind::OpenAi),
            name: "Scan AI".into(),
            base_url: Some(format!("{}/v1", ai_server.url())),
            model: Some("fake-small".into()),
            key: Some(AI_KEY.into()),
            context_tokens: None,
        },
    )
    .unwrap();
    let ticket: i64 = read
        .query_row(
            "SELECT ticket_id FROM ticket_messages WHERE panel_id = ?1 LIMIT 1",
            [p.id],
            |r| r.get(0),
        )
        .unwrap();
    let (_keep, stop) = tokio::sync::watch::channel(false);
    rt.block_on(async {
        let plan = ai::plan(&db, p.id, ticket, &Task::Analyze, Some(provider.id))?;
        ai::ask(&db, &Keychain, &actor, plan, &Task::Analyze, |_| {}, stop).await
    })
    .unwrap();

    // A rival with its key, polled twice.
    let r = competitors::save_rival(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &actor,
        None,
        RivalEdit {
            name: "Scan rival".into(),
            url: rival.url().into(),
            key: Some(RIVAL.into()),
        },
    )
    .unwrap();
    let clients = RivalClients::default();
    let now = chrono::Utc::now().timestamp();
    rt.block_on(competitors::poll(&db, &Keychain, &clients, r.id, now))
        .unwrap();
    rival.tick(3600);
    rt.block_on(competitors::poll(&db, &Keychain, &clients, r.id, now + 1))
        .unwrap();
    let diag = diagnostics::collect(&db, "Paneldesk scan").unwrap();
    assert!(found(diag.as_bytes()).is_empty(), "{diag}");
    drop(read);

    // The keys were used: they are in the keychain, and only there.
    assert_eq!(
        panels::admin_key(db.install_id(), &Keychain, &p).unwrap(),
        ADMIN
    );

    // Every file the data dir holds, logs and WAL included.
    let mut all = Vec::new();
    files(dir.root(), &mut all);
    assert!(
        all.iter().any(|f| f.starts_with(dir.log_dir())),
        "a log was written"
    );
    for f in &all {
        let keys = found(&std::fs::read(f).unwrap());
        assert!(keys.is_empty(), "{}: {keys:?}", f.display());
    }
    // Every value of every table, through decrypted connections (the files
    // are encrypted at rest: their bytes alone prove nothing).
    let cache = db.cache().unwrap();
    let local = db.local().unwrap();
    assert!(scan_tables(&cache, "cache.sqlite3") > 1_000);
    assert!(scan_tables(&local, "local.sqlite3") > 10);
}
