//! The staff directory and the settings-change log, in a real data dir: a
//! member's names per panel, role and panels; renames carry their aliases;
//! an alias names one member per panel; the old global aliases become one
//! per panel; and every settings change (panels, keys, sync, staff) is
//! logged without a key's text.

use paneldesk_core::{
    activity::{self, Action, Actor},
    db::{migrate_to, Db, Schema},
    panels::{self, NewPanel, PanelEdit},
    paths::DataDir,
    secrets::Keychain,
    settings::{self, ResourceSettings},
    staff::{self, StaffAlias, StaffEdit, StaffRole},
    sync::Resource,
    ErrorCode,
};
use rusqlite::Connection;

fn add_panel(db: &Db, name: &str) -> i64 {
    panels::add(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &Actor::cli(),
        NewPanel {
            name: name.into(),
            url: format!("https://{}.example", name.to_lowercase()),
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

fn alias(panel_id: i64, alias: &str) -> StaffAlias {
    StaffAlias {
        panel_id,
        alias: alias.into(),
    }
}

#[test]
fn members_have_names_per_panel_a_role_and_panels_and_renames_keep_them() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let (a, b) = (add_panel(&db, "Alpha"), add_panel(&db, "Beta"));
    let mut local = db.local().unwrap();
    let id = db.install_id().to_owned();
    let actor = Actor::cli();

    let kainat = staff::save(
        &mut local,
        &id,
        &actor,
        None,
        StaffEdit {
            name: " Kainat ".into(),
            role: StaffRole::Admin,
            aliases: vec![alias(b, "kainat_b"), alias(a, "kainat"), alias(a, "  ")],
            panels: vec![b, a],
        },
    )
    .unwrap();
    assert_eq!(kainat.name, "Kainat");
    assert_eq!(
        kainat.aliases,
        vec![alias(a, "kainat"), alias(b, "kainat_b")]
    );
    assert_eq!(kainat.panels, vec![a, b]);

    // The same alias on another panel is someone else's; on the same panel it is refused.
    let edit = |name: &str, aliases| StaffEdit {
        name: name.into(),
        role: StaffRole::Staff,
        aliases,
        panels: vec![],
    };
    staff::save(
        &mut local,
        &id,
        &actor,
        None,
        edit("Huseyin", vec![alias(b, "kainat")]),
    )
    .unwrap();
    let err = staff::save(
        &mut local,
        &id,
        &actor,
        None,
        edit("Bot", vec![alias(a, "kainat")]),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRequest);
    assert_eq!(err.to_string(), "\"kainat\" already names Kainat on Alpha");
    let err = staff::save(&mut local, &id, &actor, None, edit("kainat", vec![])).unwrap_err();
    assert!(err.to_string().contains("already a staff member"), "{err}");

    // A rename carries the aliases and panels over.
    let renamed = staff::save(
        &mut local,
        &id,
        &actor,
        Some("Kainat"),
        StaffEdit {
            name: "Kainat A.".into(),
            role: StaffRole::Bot,
            aliases: kainat.aliases.clone(),
            panels: vec![a],
        },
    )
    .unwrap();
    assert_eq!(
        (renamed.role, renamed.panels.clone()),
        (StaffRole::Bot, vec![a])
    );
    let dir = staff::directory(&local).unwrap();
    assert_eq!(
        dir.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        vec!["Huseyin", "Kainat A."]
    );

    // Removing a panel removes its aliases and its place in the panels.
    panels::remove(
        &paneldesk_core::db::Writer::start(&db).unwrap(),
        db.install_id(),
        &Keychain,
        &actor,
        &panels::by_id(&local, b).unwrap(),
    )
    .unwrap();
    let dir = staff::directory(&local).unwrap();
    assert_eq!(dir[0].aliases, vec![]);
    assert_eq!(dir[1].aliases, vec![alias(a, "kainat")]);

    assert!(staff::remove(&local, &id, &actor, "Huseyin").unwrap());
    assert!(!staff::remove(&local, &id, &actor, "Huseyin").unwrap());
    let logged: Vec<String> = activity::recent(&local, 50)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == Action::Staff)
        .map(|r| r.details.unwrap())
        .collect();
    assert_eq!(
        logged,
        vec![
            "removed".to_owned(),
            "renamed from Kainat; role bot; 2 alias(es); panels: 1".to_owned(),
            "added; role staff; 1 alias(es); panels: all".to_owned(),
            "added; role admin; 2 alias(es); panels: 2".to_owned(),
        ]
    );
}

#[test]
fn the_old_global_aliases_become_one_per_panel() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    let mut local = Connection::open(dir.local_db()).unwrap();
    migrate_to(&mut local, Schema::Local, 8).unwrap();
    local
        .execute_batch(
            "INSERT INTO panels (id, name, base_url, created_at) VALUES
                 (1, 'A', 'https://a.example/adminapi/v2', 0), (2, 'B', 'https://b.example/adminapi/v2', 0);
             INSERT INTO staff (name, role) VALUES ('Mira', 'staff'), ('Helper', 'Support Lead');
             INSERT INTO staff_aliases (alias, staff) VALUES ('mira_pp', 'Mira');",
        )
        .unwrap();
    drop(local);
    let db = Db::open(&dir).unwrap();
    let members = staff::directory(&db.local().unwrap()).unwrap();
    assert_eq!(members[0].name, "Helper");
    // A role typed by hand becomes staff.
    assert_eq!(members[0].role, StaffRole::Staff);
    assert_eq!(
        members[1].aliases,
        vec![alias(1, "mira_pp"), alias(2, "mira_pp")]
    );
}

#[test]
fn every_settings_change_is_logged_and_no_key_is() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let a = add_panel(&db, "Alpha");
    let actor = Actor::cli();
    panels::update(
        &mut db.local().unwrap(),
        db.install_id(),
        &Keychain,
        &actor,
        a,
        PanelEdit {
            staff_name: Some("mira".into()),
            rate_limit: Some(3.0),
            ..PanelEdit::default()
        },
    )
    .unwrap();
    let local = db.local().unwrap();
    settings::set_resource_settings(
        &local,
        db.install_id(),
        &actor,
        a,
        Resource::Orders,
        ResourceSettings {
            interval_s: 120,
            per_fetch: 50,
        },
    )
    .unwrap();
    settings::set_retention_days(
        &paneldesk_core::db::Writer::start(&db).unwrap(),
        db.install_id(),
        &actor,
        90,
    )
    .unwrap();
    let rows: Vec<(Action, Option<String>, String)> = activity::recent(&local, 10)
        .unwrap()
        .into_iter()
        .map(|r| (r.action, r.details, r.host))
        .collect();
    let host = activity::host();
    assert_eq!(
        rows,
        vec![
            (
                Action::SyncSettings,
                Some("retention 90 days".into()),
                host.clone()
            ),
            (
                Action::SyncSettings,
                Some("orders: every 120 s, 50 per page".into()),
                host.clone()
            ),
            (
                Action::Panel,
                Some("changed: staff name, rate limit".into()),
                host.clone()
            ),
            (Action::Panel, Some("added".into()), host),
        ]
    );
}
