//! Settings > Backup on a real data dir: local.sqlite3 exported encrypted
//! with a passphrase, refused with a wrong passphrase or a changed byte,
//! and restored at the next open.

use paneldesk_core::{
    activity::Actor,
    backup,
    db::{Db, Writer},
    paths::DataDir,
    templates::{self, TemplateEdit},
    ErrorCode,
};

const PASSPHRASE: &str = "correct horse battery staple";

fn template(db: &Db, title: &str, body: &str) {
    let writer = Writer::start(db).unwrap();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(templates::save(
            &writer,
            db.install_id(),
            &Actor::cli(),
            None,
            TemplateEdit {
                title: title.into(),
                body: body.into(),
            },
        ))
        .unwrap();
}

fn titles(db: &Db) -> Vec<String> {
    templates::list(&db.local().unwrap())
        .unwrap()
        .into_iter()
        .map(|t| t.title)
        .collect()
}

#[test]
fn a_backup_is_sealed_refused_when_wrong_and_restored_at_the_next_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path().join("data"));
    let db = Db::open(&dir).unwrap();
    template(
        &db,
        "Refill started",
        "Hi, your refill has started (kept in the backup).",
    );
    let file = tmp.path().join("paneldesk.backup");

    let weak = backup::export(&db, &Actor::cli(), "short", &file).unwrap_err();
    assert_eq!(weak.code(), ErrorCode::InvalidRequest);
    assert!(!file.exists(), "nothing written");

    let made = backup::export(&db, &Actor::cli(), PASSPHRASE, &file).unwrap();
    let sealed = std::fs::read(&file).unwrap();
    assert_eq!(made.bytes, sealed.len() as u64);
    assert!(
        !String::from_utf8_lossy(&sealed).contains("kept in the backup"),
        "the file is encrypted"
    );

    // After the backup: a template the restore takes back.
    template(&db, "Made after", "gone after the restore");
    assert_eq!(titles(&db), ["Made after", "Refill started"]);

    let staged = dir.root().join("local.sqlite3.restore");
    let wrong =
        backup::stage_restore(&db, &Actor::cli(), "not the passphrase!", &sealed).unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPasscode, "{wrong}");
    let mut changed = sealed.clone();
    let at = changed.len() / 2;
    changed[at] ^= 1;
    let tampered = backup::stage_restore(&db, &Actor::cli(), PASSPHRASE, &changed).unwrap_err();
    assert_eq!(tampered.code(), ErrorCode::WrongPasscode, "{tampered}");
    let junk =
        backup::stage_restore(&db, &Actor::cli(), PASSPHRASE, b"not a backup at all").unwrap_err();
    assert_eq!(junk.code(), ErrorCode::InvalidRequest, "{junk}");
    assert!(!staged.exists(), "nothing staged by a refused file");
    assert_eq!(
        titles(&db),
        ["Made after", "Refill started"],
        "nothing changed"
    );

    backup::stage_restore(&db, &Actor::cli(), PASSPHRASE, &sealed).unwrap();
    assert!(staged.exists());
    // Opened again while it is open (the CLI while the app runs): the file
    // is not swapped under the open one.
    let meanwhile = Db::open(&dir).unwrap();
    assert!(staged.exists(), "not applied while the data dir is in use");
    assert_eq!(titles(&meanwhile), ["Made after", "Refill started"]);
    drop((db, meanwhile));
    let reopened = Db::open(&dir).unwrap();
    assert_eq!(titles(&reopened), ["Refill started"]);
    assert!(!staged.exists());
    assert!(
        dir.root().join("local.sqlite3.before-restore").exists(),
        "the replaced file is kept"
    );
}
