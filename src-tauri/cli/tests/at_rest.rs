//! The encrypted data dir through the CLI: a server's data dir with no
//! keychain (a 0600 key file, or the environment), `db sql`, and the
//! migration of a plain data dir killed at moments along the way.

use std::{
    path::Path,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use paneldesk_core::db::{migrate, Db, Schema};

const BIN: &str = env!("CARGO_BIN_EXE_paneldesk-cli");
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";
/// A session bus that does not exist: no keychain can be reached.
const NO_KEYCHAIN: (&str, &str) = ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");

fn cli(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PANELDESK_DB_KEY")
        .envs(envs.iter().copied())
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    cli(dir, args, envs).output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failure(out: &Output) -> (i32, String) {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn is_plain(path: &Path) -> bool {
    std::fs::read(path)
        .map(|b| b.starts_with(SQLITE_HEADER))
        .unwrap_or(false)
}

#[test]
fn a_server_data_dir_takes_its_key_from_a_0600_key_file_or_the_environment() {
    let tmp = tempfile::tempdir().unwrap();

    // No keychain and no way given: refused, saying which ways there are.
    let bare = tmp.path().join("bare");
    let (code, err) = failure(&run(&bare, &["panel", "list"], &[NO_KEYCHAIN]));
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("init --no-keychain") && err.contains("PANELDESK_DB_KEY"),
        "{err}"
    );
    assert!(
        !bare.join("cache.sqlite3").exists(),
        "nothing was made unencrypted"
    );

    // `init --no-keychain`: a key file readable by its owner only.
    let server = tmp.path().join("server");
    let said = stdout(&run(&server, &["init", "--no-keychain"], &[NO_KEYCHAIN]));
    assert!(said.contains("the key file"), "{said}");
    let key_file = server.join("db.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(key.trim().len(), 64);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    stdout(&run(
        &server,
        &[
            "panel",
            "add",
            "--name",
            "Srv",
            "--url",
            "http://127.0.0.1:9/adminapi/v2",
            "--no-keychain",
        ],
        &[NO_KEYCHAIN],
    ));
    assert!(stdout(&run(&server, &["info"], &[NO_KEYCHAIN])).contains("db.key"));
    assert!(!is_plain(&server.join("local.sqlite3")));
    // Made twice: refused, the key kept.
    let (_, err) = failure(&run(&server, &["init", "--no-keychain"], &[NO_KEYCHAIN]));
    assert!(err.contains("already holds databases"), "{err}");
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key);

    // Readable by others: refused until mended.
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, err) = failure(&run(&server, &["panel", "list"], &[NO_KEYCHAIN]));
    assert_eq!(code, 3);
    assert!(err.contains("chmod 600"), "{err}");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(stdout(&run(&server, &["panel", "list"], &[NO_KEYCHAIN])).contains("Srv"));

    // The key in the environment.
    let env_dir = tmp.path().join("env");
    let hex = "5e".repeat(32);
    let with_key = [NO_KEYCHAIN, ("PANELDESK_DB_KEY", hex.as_str())];
    stdout(&run(
        &env_dir,
        &[
            "panel",
            "add",
            "--name",
            "Env",
            "--url",
            "http://127.0.0.1:9/adminapi/v2",
            "--no-keychain",
        ],
        &with_key,
    ));
    assert!(stdout(&run(&env_dir, &["info"], &with_key)).contains("PANELDESK_DB_KEY"));
    let other = "77".repeat(32);
    let (code, err) = failure(&run(
        &env_dir,
        &["panel", "list"],
        &[NO_KEYCHAIN, ("PANELDESK_DB_KEY", other.as_str())],
    ));
    assert_eq!(code, 3);
    assert!(err.contains("does not open"), "{err}");
    assert!(
        !err.contains("sqlcipher"),
        "SQLCipher's own lines stay quiet: {err}"
    );
    assert!(stdout(&run(&env_dir, &["panel", "list"], &with_key)).contains("Env"));
}

#[test]
fn db_sql_reads_the_decrypted_databases_and_cannot_write() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let with_key = [
        NO_KEYCHAIN,
        (
            "PANELDESK_DB_KEY",
            "a1b2c3d4e5f60718a1b2c3d4e5f60718a1b2c3d4e5f60718a1b2c3d4e5f60718",
        ),
    ];
    stdout(&run(
        dir,
        &[
            "panel",
            "add",
            "--name",
            "Tab\tName",
            "--url",
            "http://127.0.0.1:9/adminapi/v2",
            "--no-keychain",
        ],
        &with_key,
    ));
    let rows = stdout(&run(
        dir,
        &[
            "db",
            "sql",
            "SELECT id, name, has_services_key FROM local.panels",
        ],
        &with_key,
    ));
    assert_eq!(rows, "id\tname\thas_services_key\n1\tTab Name\t0\n");
    let (_, err) = failure(&run(
        dir,
        &["db", "sql", "DELETE FROM local.panels"],
        &with_key,
    ));
    assert!(err.contains("readonly"), "{err}");
    let rows = stdout(&run(
        dir,
        &["db", "sql", "SELECT count(*) AS n FROM local.panels"],
        &with_key,
    ));
    assert_eq!(rows, "n\n1\n");
}

/// A data dir as the last version without encryption left it, with
/// `users` rows in its cache.
fn plain_data_dir(dir: &Path, users: i64) {
    let mut local = rusqlite::Connection::open(dir.join("local.sqlite3")).unwrap();
    let mut cache = rusqlite::Connection::open(dir.join("cache.sqlite3")).unwrap();
    paneldesk_core::db::migrate_to(&mut local, Schema::Local, 11).unwrap();
    migrate(&mut cache, Schema::Cache).unwrap();
    local
        .execute_batch(
            "INSERT INTO install (id, install_id, created_at) VALUES (1, '0123456789abcdef0123456789abcdef', 0);
             INSERT INTO panels (id, name, base_url, created_at, uid) VALUES (1, 'Main', 'https://panel.example/adminapi/v2', 0, 'u1');",
        )
        .unwrap();
    cache
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO users (panel_id, id, username, email, status, synced_at)
             SELECT 1, i, 'customer-' || i || '-' || hex(randomblob(12)), 'buyer' || i || '@mail.example', 'active', 0 FROM n",
            [users],
        )
        .unwrap();
}

fn plain_users(dir: &Path) -> i64 {
    rusqlite::Connection::open(dir.join("cache.sqlite3"))
        .unwrap()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_migration_to_encryption_killed_at_any_moment_loses_nothing() {
    const USERS: i64 = 150_000;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    plain_data_dir(dir, USERS);
    let plain_size = std::fs::metadata(dir.join("cache.sqlite3")).unwrap().len();
    let partial = dir.join("cache.sqlite3.encrypting");

    // Killed (SIGKILL) while the encrypted copy is being written: when it is
    // first seen, then a quarter, half and three quarters of the way.
    for share in [0.0, 0.25, 0.5, 0.75] {
        let mut child = cli(dir, &["panel", "list"], &[])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let reached = loop {
            let written = std::fs::metadata(&partial).map(|m| m.len()).ok();
            if written.is_some_and(|n| n as f64 >= share * plain_size as f64) {
                break true;
            }
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            assert!(Instant::now() < deadline, "the migration stalled");
            std::thread::sleep(Duration::from_millis(1));
        };
        child.kill().ok();
        child.wait().unwrap();
        assert!(
            reached,
            "the migration ended before {share} of it was written"
        );
        // The plain file is whole, and still the one in place.
        assert!(is_plain(&dir.join("cache.sqlite3")), "killed at {share}");
        assert_eq!(plain_users(dir), USERS, "killed at {share}");
    }

    // The next start finishes it: encrypted, with every row.
    stdout(&run(dir, &["panel", "list"], &[]));
    assert!(!is_plain(&dir.join("cache.sqlite3")) && !is_plain(&dir.join("local.sqlite3")));
    assert!(!partial.exists());
    let db = Db::open(&paneldesk_core::paths::DataDir::new(dir)).unwrap();
    assert_eq!(db.install_id(), "0123456789abcdef0123456789abcdef");
    let users: i64 = db
        .cache()
        .unwrap()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, USERS);
}
