//! The data dir encrypted at rest (SQLCipher), on real files: what its
//! bytes hold after a full sync, the key kept in the OS keychain (this runs
//! inside `make test`'s D-Bus session), a wrong or lost key, and a plain
//! data dir from before encryption migrated in place.

use paneldesk_core::{
    db::{migrate, Db, Schema},
    paths::DataDir,
    secrets::Keychain,
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel};

mod common;

const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

fn header(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()[..16].to_vec()
}

fn all_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        if e.path().is_dir() {
            out.extend(all_files(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

/// Every file of the data dir (databases, their WAL, logs): which of `needles`
/// each holds.
fn leaks(dir: &DataDir, needles: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for f in all_files(dir.root()) {
        // A file gone since the listing (a journal SQLite just removed) holds nothing.
        let bytes = match std::fs::read(&f) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            read => read.unwrap(),
        };
        for n in needles {
            if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                found.push(format!("{}: {n}", f.display()));
            }
        }
    }
    found
}

fn strings(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn after_a_full_sync_the_files_hold_no_customer_text_username_or_email() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("data"));
    let _log = paneldesk_core::logging::init(&dir.log_dir(), false).unwrap();
    let fake = FakePanel::spawn(Config {
        tickets: 60,
        ..Config::with_orders(3_000)
    })
    .unwrap();
    let db = Db::open(&dir).unwrap();
    common::env_panel(&db, "Rest", &fake, 1000.0);
    // Held open, so the WAL is not folded into the file when the writer
    // closes: the scan sees the pages as the sync wrote them.
    let holder = db.cache().unwrap();
    common::sync_all(&db);

    // What a thief would look for, read back through the decrypted cache.
    let cache = db.cache().unwrap();
    let mut needles = strings(&cache, "SELECT username FROM users LIMIT 30");
    needles.extend(strings(
        &cache,
        "SELECT email FROM users WHERE email <> '' LIMIT 30",
    ));
    needles.extend(strings(
        &cache,
        "SELECT substr(message, 1, 40) FROM ticket_messages WHERE length(message) >= 20 LIMIT 30",
    ));
    needles.extend(strings(&cache, "SELECT link FROM orders LIMIT 30"));
    needles.retain(|n| n.len() >= 6);
    assert!(
        needles.len() >= 80,
        "the sync brought customers: {needles:?}"
    );

    assert!(
        std::fs::metadata(format!("{}-wal", dir.cache_db().display()))
            .unwrap()
            .len()
            > 0,
        "the WAL holds the sync's pages"
    );
    let found = leaks(&dir, &needles);
    assert!(found.is_empty(), "customer text at rest: {found:?}");
    for file in [dir.cache_db(), dir.local_db()] {
        assert_ne!(header(&file), SQLITE_HEADER, "{} is plain", file.display());
    }
    drop(holder);
}

#[test]
fn the_key_is_32_random_bytes_per_data_dir_kept_in_the_keychain_under_its_install_id() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (a, b) = (DataDir::new(a.path()), DataDir::new(b.path()));
    let db_a = Db::open(&a).unwrap();
    let db_b = Db::open(&b).unwrap();
    // The install id is a plain file, read before any database is opened.
    let id = std::fs::read_to_string(a.root().join("install-id")).unwrap();
    assert_eq!(id.trim(), db_a.install_id());
    let key_a = Keychain
        .get(&format!("{}:database", db_a.install_id()))
        .unwrap();
    let key_b = Keychain
        .get(&format!("{}:database", db_b.install_id()))
        .unwrap();
    assert_eq!(key_a.len(), 64);
    assert!(key_a.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(key_a, key_b);
    assert_eq!(
        db_a.key_source().to_string(),
        format!("the OS keychain ({}:database)", db_a.install_id())
    );
    // Reopened: the same key, the same data.
    db_a.local()
        .unwrap()
        .execute(
            "INSERT INTO settings (key, value) VALUES ('kept', 'yes')",
            [],
        )
        .unwrap();
    drop(db_a);
    let again = Db::open(&a).unwrap();
    let kept: String = again
        .local()
        .unwrap()
        .query_row("SELECT value FROM settings WHERE key = 'kept'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, "yes");
}

#[test]
fn a_wrong_or_lost_key_is_a_clear_error_and_never_an_empty_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let db = Db::open(&dir).unwrap();
    db.local()
        .unwrap()
        .execute(
            "INSERT INTO settings (key, value) VALUES ('kept', 'yes')",
            [],
        )
        .unwrap();
    let account = format!("{}:database", db.install_id());
    let right = Keychain.get(&account).unwrap();
    drop(db);
    let sizes =
        |d: &DataDir| [d.cache_db(), d.local_db()].map(|f| std::fs::metadata(f).unwrap().len());
    let before = sizes(&dir);

    // Another key in its place.
    Keychain.set(&account, &"ab".repeat(32)).unwrap();
    let err = Db::open(&dir).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DatabaseKey);
    assert!(err.to_string().contains("does not open"), "{err}");
    assert!(
        err.fix().unwrap().contains("Settings > Backup"),
        "{:?}",
        err.fix()
    );

    // No key at all: said so, and no new key is made over encrypted files.
    Keychain.delete(&account).unwrap();
    let err = Db::open(&dir).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DatabaseKey);
    assert!(
        err.to_string().contains("is not in the OS keychain"),
        "{err}"
    );
    assert!(matches!(
        Keychain.get(&account),
        Err(paneldesk_core::secrets::SecretError::NotFound { .. })
    ));
    assert_eq!(sizes(&dir), before, "the files were not touched");

    // The right key back: everything is there.
    Keychain.set(&account, &right).unwrap();
    let db = Db::open(&dir).unwrap();
    let kept: String = db
        .local()
        .unwrap()
        .query_row("SELECT value FROM settings WHERE key = 'kept'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, "yes");
}

#[test]
fn a_plain_data_dir_with_data_is_encrypted_in_place_and_keeps_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    // A data dir as the last version without encryption left it: plain,
    // in WAL mode, its install id in local.sqlite3, rows still in the WAL.
    let mut local = rusqlite::Connection::open(dir.local_db()).unwrap();
    let mut cache = rusqlite::Connection::open(dir.cache_db()).unwrap();
    for conn in [&local, &cache] {
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    }
    paneldesk_core::db::migrate_to(&mut local, Schema::Local, 11).unwrap();
    migrate(&mut cache, Schema::Cache).unwrap();
    local
        .execute_batch(
            "INSERT INTO install (id, install_id, created_at) VALUES (1, 'c0ffee00c0ffee00c0ffee00c0ffee00', 0);
             INSERT INTO panels (id, name, base_url, created_at, uid) VALUES (1, 'Main', 'https://panel.example/adminapi/v2', 0, 'u1');
             INSERT INTO settings (key, value) VALUES ('note', 'private-note-Zanzibar');",
        )
        .unwrap();
    cache
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
             INSERT INTO users (panel_id, id, username, email, status, synced_at)
             SELECT 1, i, 'customer' || i || '-Quetzal', 'buyer' || i || '@mail.example', 'active', 0 FROM n;",
        )
        .unwrap();
    assert!(
        std::fs::metadata(format!("{}-wal", dir.cache_db().display()))
            .unwrap()
            .len()
            > 0,
        "rows wait in the WAL"
    );
    drop((local, cache));
    // A migration cut short by a kill left its half-written copy behind.
    std::fs::write(
        format!("{}.encrypting", dir.cache_db().display()),
        b"half a file",
    )
    .unwrap();

    let db = Db::open(&dir).unwrap();
    assert_eq!(db.install_id(), "c0ffee00c0ffee00c0ffee00c0ffee00");
    let cache = db.cache().unwrap();
    let users: i64 = cache
        .query_row(
            "SELECT count(*) FROM users WHERE username LIKE '%-Quetzal'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(users, 5000);
    let local = db.local().unwrap();
    let note: String = local
        .query_row("SELECT value FROM settings WHERE key = 'note'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(note, "private-note-Zanzibar");
    let install_table: bool = local
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'install')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!install_table, "the install id lives in its file only");
    assert_eq!(db.schema_versions().unwrap().local, Schema::Local.latest());
    drop((cache, local));

    for file in [dir.cache_db(), dir.local_db()] {
        assert_ne!(header(&file), SQLITE_HEADER, "{} is plain", file.display());
    }
    assert!(!tmp.path().join("cache.sqlite3.encrypting").exists());
    let found = leaks(
        &dir,
        &[
            "-Quetzal".into(),
            "@mail.example".into(),
            "private-note-Zanzibar".into(),
        ],
    );
    assert!(found.is_empty(), "plain text left: {found:?}");
}
