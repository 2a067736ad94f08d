//! The app lock in a real data dir: a wrong passcode is refused, repeated
//! failures lock out (and a restart does not lift it), and only an Argon2id
//! hash is kept: the passcode's text is in no file of the data dir.

use paneldesk_core::{
    activity::{self, Action, Actor},
    app_lock::{self, FIRST_WAIT_S, FREE_TRIES},
    db::Db,
    operators,
    paths::DataDir,
    ErrorCode,
};

const PASSCODE: &str = "tulip-4417-квітка";

fn open(dir: &std::path::Path) -> (Db, i64) {
    let db = Db::open(&DataDir::new(dir)).unwrap();
    let op = operators::current(&db.local().unwrap()).unwrap().id;
    (db, op)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[test]
fn wrong_passcodes_are_refused_then_locked_out_across_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, op) = open(tmp.path());
    let local = db.local().unwrap();
    let actor = Actor::cli();
    assert!(!app_lock::settings(&local, op).unwrap().enabled);
    app_lock::set(&local, db.install_id(), &actor, op, None, PASSCODE, 5).unwrap();
    let s = app_lock::settings(&local, op).unwrap();
    assert!(s.enabled);
    assert_eq!(s.idle_minutes, 5);

    app_lock::unlock(&local, op, PASSCODE, now()).unwrap();
    for left in (1..FREE_TRIES).rev() {
        let err = app_lock::unlock(&local, op, "tulip-4417", now()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::WrongPasscode);
        assert!(
            err.fix().unwrap().starts_with(&format!("{left} more")),
            "{:?}",
            err.fix()
        );
    }
    // The last free try starts the wait.
    let at = now();
    let err = app_lock::unlock(&local, op, "nope", at).unwrap_err();
    assert_eq!(err.code(), ErrorCode::LockedOut);
    assert!(
        err.to_string().contains(&format!("{FIRST_WAIT_S} s")),
        "{err}"
    );
    drop(local);
    drop(db);

    // A restart: the wait is still there, and refuses the right passcode too.
    let (db, op) = open(tmp.path());
    let local = db.local().unwrap();
    let err = app_lock::unlock(&local, op, PASSCODE, at + 1).unwrap_err();
    assert_eq!(err.code(), ErrorCode::LockedOut);
    // After it, a wrong one waits twice as long; the right one opens and
    // clears the count.
    let err = app_lock::unlock(&local, op, "nope", at + FIRST_WAIT_S).unwrap_err();
    assert!(
        err.to_string().contains(&format!("{} s", 2 * FIRST_WAIT_S)),
        "{err}"
    );
    app_lock::unlock(&local, op, PASSCODE, at + 3 * FIRST_WAIT_S).unwrap();
    let s = app_lock::settings(&local, op).unwrap();
    assert_eq!((s.failures, s.locked_until), (0, None));

    // Changing or removing the lock needs the current passcode.
    let err = app_lock::set(
        &local,
        db.install_id(),
        &actor,
        op,
        Some("nope"),
        "new-code",
        0,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPasscode);
    let err = app_lock::remove(&local, db.install_id(), &actor, op, "nope").unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPasscode);
    app_lock::unlock(&local, op, PASSCODE, now()).unwrap();
    // Too short a passcode is refused before anything changes.
    let err = app_lock::set(
        &local,
        db.install_id(),
        &actor,
        op,
        Some(PASSCODE),
        "abc",
        0,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRequest);
    app_lock::remove(&local, db.install_id(), &actor, op, PASSCODE).unwrap();
    assert!(!app_lock::settings(&local, op).unwrap().enabled);

    // Every change is logged; never the passcode.
    let log: Vec<_> = activity::recent(&local, 50)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == Action::AppLock)
        .map(|r| r.details.unwrap())
        .collect();
    assert_eq!(log, vec!["app lock off", "app lock on"]);
}

#[test]
fn only_an_argon2id_hash_is_kept_and_the_passcode_is_in_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, op) = open(tmp.path());
    let local = db.local().unwrap();
    app_lock::set(
        &local,
        db.install_id(),
        &Actor::cli(),
        op,
        None,
        PASSCODE,
        10,
    )
    .unwrap();
    let hash: String = local
        .query_row(
            "SELECT hash FROM app_locks WHERE operator_id = ?1",
            [op],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSCODE));
    // Salted: the same passcode set again hashes differently.
    app_lock::set(
        &local,
        db.install_id(),
        &Actor::cli(),
        op,
        Some(PASSCODE),
        PASSCODE,
        10,
    )
    .unwrap();
    let again: String = local
        .query_row(
            "SELECT hash FROM app_locks WHERE operator_id = ?1",
            [op],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(hash, again);
    drop(local);
    drop(db);

    // Every file of the data dir (databases, WAL, logs), as bytes.
    let needle = PASSCODE.as_bytes();
    let mut files = 0;
    let mut stack = vec![tmp.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the passcode is in {}",
                path.display()
            );
        }
    }
    assert!(files >= 2, "the databases were scanned");
}
