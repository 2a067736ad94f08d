//! The migrations on real SQLite files in a temp data dir.

use paneldesk_core::db::{Db, Schema};
use paneldesk_core::paths::DataDir;

fn journal_mode(conn: &rusqlite::Connection) -> String {
    conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap()
}

#[test]
fn a_fresh_data_dir_reaches_the_latest_schema_in_wal_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("nested/data"));
    let db = Db::open(&dir).unwrap();

    let versions = db.schema_versions().unwrap();
    assert_eq!(versions.cache, Schema::Cache.latest());
    assert_eq!(versions.local, Schema::Local.latest());
    assert!(versions.cache >= 1 && versions.local >= 1);
    assert!(dir.cache_db().is_file() && dir.local_db().is_file());
    assert_eq!(journal_mode(&db.cache().unwrap()), "wal");
    assert_eq!(journal_mode(&db.local().unwrap()), "wal");
}

#[test]
fn opening_twice_is_a_no_op_that_keeps_data_and_identity() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let first = Db::open(&dir).unwrap();
    first
        .local()
        .unwrap()
        .execute(
            "INSERT INTO settings (key, value) VALUES ('theme', 'dark')",
            [],
        )
        .unwrap();
    // Cached rows belong to a configured panel (others are purged at open).
    first
        .local()
        .unwrap()
        .execute(
            "INSERT INTO panels (id, name, base_url, created_at, uid) VALUES (1, 'Main', 'https://panel.example/adminapi/v2', 0, 'u1')",
            [],
        )
        .unwrap();
    first
        .cache()
        .unwrap()
        .execute(
            "INSERT INTO sync_state (panel_id, resource, head_from) VALUES (1, 'orders', 42)",
            [],
        )
        .unwrap();

    let second = Db::open(&dir).unwrap();
    assert_eq!(
        second.schema_versions().unwrap(),
        first.schema_versions().unwrap()
    );
    assert_eq!(second.install_id(), first.install_id());
    let theme: String = second
        .local()
        .unwrap()
        .query_row("SELECT value FROM settings WHERE key = 'theme'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(theme, "dark");
    let head: i64 = second
        .cache()
        .unwrap()
        .query_row("SELECT head_from FROM sync_state", [], |r| r.get(0))
        .unwrap();
    assert_eq!(head, 42);
}

#[test]
fn two_data_dirs_have_different_install_ids() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let a = Db::open(&DataDir::new(a.path())).unwrap();
    let b = Db::open(&DataDir::new(b.path())).unwrap();
    assert_ne!(a.install_id(), b.install_id());
    assert_eq!(a.install_id().len(), 32);
}

#[test]
fn a_data_dir_from_a_newer_app_is_refused_with_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let conn = Db::open(&dir).unwrap().cache().unwrap();
    conn.pragma_update(None, "user_version", 1000).unwrap();
    drop(conn);

    let err = Db::open(&dir).unwrap_err();
    assert_eq!(err.code().to_string(), "database_too_new");
    assert!(err.to_string().contains("cache.sqlite3"), "{err}");
    assert!(err.fix().unwrap().contains("Update Paneldesk"));
}

#[test]
fn migration_2_runs_on_a_version_1_file_holding_data() {
    use paneldesk_core::db::migrate_to;
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let mut cache = rusqlite::Connection::open(dir.cache_db()).unwrap();
    let mut local = rusqlite::Connection::open(dir.local_db()).unwrap();
    migrate_to(&mut cache, Schema::Cache, 1).unwrap();
    migrate_to(&mut local, Schema::Local, 1).unwrap();
    cache
        .execute("INSERT INTO panels (id, name, base_url, created_at) VALUES (1, 'Main', 'https://panel.example/adminapi/v2', 0)", [])
        .unwrap();
    local
        .execute(
            "INSERT INTO settings (key, value) VALUES ('retention_days', '30')",
            [],
        )
        .unwrap();
    local
        .execute(
            "INSERT INTO install (id, install_id, created_at) VALUES (1, 'feedface', 0)",
            [],
        )
        .unwrap();
    drop((cache, local));

    let db = Db::open(&dir).unwrap();
    assert_eq!(db.schema_versions().unwrap().cache, Schema::Cache.latest());
    assert_eq!(db.install_id(), "feedface", "the keychain prefix survives");
    let local = db.local().unwrap();
    let days: String = local
        .query_row(
            "SELECT value FROM settings WHERE key = 'retention_days'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(days, "30");
    // Panels are configured in local.sqlite3 from version 2 on.
    local.execute("INSERT INTO panels (name, base_url, created_at) VALUES ('Main', 'https://panel.example/adminapi/v2', 0)", []).unwrap();
    let cache = db.cache().unwrap();
    for table in [
        "orders",
        "users",
        "payments",
        "tickets",
        "ticket_messages",
        "services",
        "sync_state",
    ] {
        let n: i64 = cache
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

#[test]
fn migration_3_keeps_cached_messages_and_reports_still_read_them() {
    let (_tmp, dir, cache) = cache_at_version(2);
    cache
        .execute(
            "INSERT INTO ticket_messages (panel_id, ticket_id, seq, message, is_staff, created) VALUES (1, 9, 0, '<p>Order <b>5500391</b></p>', 0, 100)",
            [],
        )
        .unwrap();
    drop(cache);
    let db = Db::open(&dir).unwrap();
    let (message, plain): (String, Option<String>) = db
        .cache()
        .unwrap()
        .query_row(
            "SELECT message, plain FROM ticket_messages WHERE ticket_id = 9",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(message, "<p>Order <b>5500391</b></p>");
    assert_eq!(
        plain, None,
        "old rows are stripped by the reports on the fly"
    );
}

/// A data dir with panel 1 configured whose cache.sqlite3 stops at
/// `version`: the test fills it as that version's app would, then opens it.
fn cache_at_version(version: usize) -> (tempfile::TempDir, DataDir, rusqlite::Connection) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    configured_panel_1(&dir);
    let mut cache = rusqlite::Connection::open(dir.cache_db()).unwrap();
    paneldesk_core::db::migrate_to(&mut cache, Schema::Cache, version).unwrap();
    (tmp, dir, cache)
}

/// local.sqlite3 at the latest version with panel 1 configured: cached rows
/// of panel 1 are then kept when the data dir is opened.
fn configured_panel_1(dir: &DataDir) {
    let mut local = rusqlite::Connection::open(dir.local_db()).unwrap();
    paneldesk_core::db::migrate(&mut local, Schema::Local).unwrap();
    local
        .execute(
            "INSERT INTO panels (id, name, base_url, created_at, uid) VALUES (1, 'Main', 'https://panel.example/adminapi/v2', 0, 'u1')",
            [],
        )
        .unwrap();
}

#[test]
fn migration_5_gives_panels_a_uid_keeps_their_rows_and_never_reuses_an_id() {
    use paneldesk_core::db::migrate_to;
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let mut local = rusqlite::Connection::open(dir.local_db()).unwrap();
    migrate_to(&mut local, Schema::Local, 4).unwrap();
    local
        .execute_batch(
            "INSERT INTO panels (id, name, base_url, created_at) VALUES (1, 'Main', 'https://a.example/adminapi/v2', 0);
             INSERT INTO panels (id, name, base_url, created_at) VALUES (3, 'Shop', 'https://b.example/adminapi/v2', 0);",
        )
        .unwrap();
    drop(local);
    let mut cache = rusqlite::Connection::open(dir.cache_db()).unwrap();
    migrate_to(&mut cache, Schema::Cache, 4).unwrap();
    cache
        .execute_batch(
            "INSERT INTO tickets (panel_id, id, username, subject, status, synced_at) VALUES (3, 9, 'u', 's', 'pending', 0);
             INSERT INTO tickets (panel_id, id, username, subject, status, synced_at) VALUES (2, 8, 'u', 's', 'pending', 0);",
        )
        .unwrap();
    drop(cache);
    let db = Db::open(&dir).unwrap();
    let local = db.local().unwrap();
    let uids: Vec<String> = local
        .prepare("SELECT uid FROM panels ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(uids.len(), 2);
    assert!(uids.iter().all(|u| u.len() == 32) && uids[0] != uids[1]);
    let cache = db.cache().unwrap();
    let (deleted, failures): (i64, i64) = cache
        .query_row(
            "SELECT deleted, fetch_failures FROM tickets WHERE panel_id = 3 AND id = 9",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (deleted, failures),
        (0, 0),
        "a configured panel's rows stay"
    );
    let orphans: i64 = cache
        .query_row("SELECT count(*) FROM tickets WHERE panel_id = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(orphans, 0, "rows of no configured panel are purged");
    let next = common_add(&db);
    assert_eq!(next, 4, "after ids 1 and 3, the next is 4");
}

fn common_add(db: &Db) -> i64 {
    paneldesk_core::panels::add(
        &mut db.local().unwrap(),
        db.install_id(),
        &paneldesk_core::secrets::Keychain,
        &paneldesk_core::activity::Actor::cli(),
        paneldesk_core::panels::NewPanel {
            name: "New".into(),
            url: "https://c.example".into(),
            staff_name: None,
            rate_limit: None,
            admin_key: None,
            services_key: None,
            no_keychain: true,
        },
    )
    .unwrap()
    .id
}

#[test]
fn migration_11_adds_the_competitors_watch_and_keeps_the_report_history() {
    use paneldesk_core::db::migrate_to;
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let mut local = rusqlite::Connection::open(dir.local_db()).unwrap();
    migrate_to(&mut local, Schema::Local, 10).unwrap();
    local
        .execute_batch(
            "INSERT INTO panels (id, name, base_url, created_at, uid) VALUES (1, 'Main', 'https://a.example/adminapi/v2', 0, 'u1');
             INSERT INTO service_score_days (panel_id, service_id, day, score, status) VALUES (1, 101, '2026-12-01', 55.5, 'warning');",
        )
        .unwrap();
    drop(local);
    let db = Db::open(&dir).unwrap();
    let local = db.local().unwrap();
    let kept: f64 = local
        .query_row(
            "SELECT score FROM service_score_days WHERE service_id = 101",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 55.5);
    for table in [
        "rivals",
        "watch_profiles",
        "rival_snapshots",
        "rival_changes",
        "rival_prices",
    ] {
        let n: i64 = local
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table} exists, empty");
    }
}

#[test]
fn migration_10_finds_the_orders_quoted_by_messages_cached_before_it() {
    let (_tmp, dir, cache) = cache_at_version(9);
    cache
        .execute_batch(
            "INSERT INTO orders (panel_id, id, user, link, quantity, remains, service_name, status, created, synced_at)
                 VALUES (1, 5500391, 'ann', 'https://x.example/p', 100, 0, 'Likes', 'completed', 50, 0);
             INSERT INTO tickets (panel_id, id, username, subject, status, created, messages_at, synced_at)
                 VALUES (1, 9, 'ann', 'Orders - Refill', 'pending', 60, 0, 0);
             -- a message from before migration 3 (no plain text), and one after
             INSERT INTO ticket_messages (panel_id, ticket_id, seq, message, is_staff, created)
                 VALUES (1, 9, 0, '<p>Order <b>5500391</b> and 77001234</p>', 0, 100);
             INSERT INTO ticket_messages (panel_id, ticket_id, seq, message, is_staff, created, plain)
                 VALUES (1, 9, 1, '<p>still 5500391</p>', 0, 200, 'still 5500391');",
        )
        .unwrap();
    drop(cache);
    let db = Db::open(&dir).unwrap();
    let quoted: Vec<(i64, i64, i64)> = db
        .cache()
        .unwrap()
        .prepare(
            "SELECT seq, pos, order_id FROM quoted_orders WHERE ticket_id = 9 ORDER BY seq, pos",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(quoted, [(0, 0, 5500391), (0, 1, 77001234), (1, 0, 5500391)]);
    // The order's view finds the ticket, dated by its first quoting message.
    let detail = paneldesk_core::browse::order_detail(&db.read().unwrap(), 1, 5500391).unwrap();
    assert_eq!(detail.mentions.len(), 1);
    assert_eq!(detail.mentions[0].quoted_at, Some(100));
    // A message replaced or deleted takes its quoted IDs with it.
    db.cache()
        .unwrap()
        .execute("DELETE FROM ticket_messages WHERE seq = 0", [])
        .unwrap();
    let left: i64 = db
        .cache()
        .unwrap()
        .query_row("SELECT count(*) FROM quoted_orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1);
}

#[test]
fn migration_11_indexes_the_orders_cached_before_it_for_searches() {
    use paneldesk_core::browse::{Filter, OrderFilter};
    let (_tmp, dir, cache) = cache_at_version(10);
    cache
        .execute_batch(
            "INSERT INTO orders (panel_id, id, user, link, quantity, remains, service_name, status, created, synced_at)
                 VALUES (1, 7001, 'happy_fox12', 'https://insta.example/p/ReelXy9', 100, 0, 'Likes', 'completed', 50, 0),
                        (1, 7002, 'calm_owl7', 'https://insta.example/p/PostQq1', 100, 0, 'Likes', 'completed', 60, 0);",
        )
        .unwrap();
    drop(cache);
    let db = Db::open(&dir).unwrap();
    let read = db.read().unwrap();
    let indexed: i64 = read
        .query_row(
            "SELECT count(*) FROM orders_text WHERE orders_text MATCH '\"lxy\" AND \"xy9\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, 1, "the migration indexed the cached orders");
    let found = |text: &str| {
        OrderFilter {
            text: Some(text.into()),
            ..OrderFilter::default()
        }
        .list(&read, &Default::default())
        .unwrap()
        .rows
        .iter()
        .map(|o| o.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(found("reelxy"), [7001]);
    assert_eq!(found("owl7"), [7002]);
    assert!(found("zzz9").is_empty());
}

#[test]
fn migration_12_keeps_the_dashboards_order_totals_of_the_orders_cached_before_it() {
    let (_tmp, dir, cache) = cache_at_version(11);
    cache
        .execute_batch(
            "INSERT INTO orders (panel_id, id, user, link, quantity, remains, service_name, status, created, synced_at)
                 VALUES (1, 7001, 'happy_fox12', 'https://insta.example/p/1', 100, 0, 'Likes', 'completed', 50, 0),
                        (1, 7002, 'calm_owl7', 'https://insta.example/p/2', 100, 40, 'Likes', 'in_progress', 60, 0),
                        (1, 7003, 'calm_owl7', 'https://insta.example/p/3', 100, 100, 'Likes', 'pending', 7300, 0);",
        )
        .unwrap();
    drop(cache);
    let db = Db::open(&dir).unwrap();
    let read = db.read().unwrap();
    let dash = paneldesk_core::browse::dashboard(&read).unwrap();
    assert_eq!(
        (dash.panels[0].orders, dash.panels[0].open_orders),
        (3, 2),
        "the orders cached before the migration are counted, two of them open"
    );
    // Kept from then on: an order finishing leaves the open ones.
    db.cache()
        .unwrap()
        .execute("UPDATE orders SET status = 'completed' WHERE id = 7003", [])
        .unwrap();
    let dash = paneldesk_core::browse::dashboard(&read).unwrap();
    assert_eq!((dash.panels[0].orders, dash.panels[0].open_orders), (3, 1));
}
