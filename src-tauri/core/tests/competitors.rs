//! The competitors watch against a rival fake panel over HTTP whose
//! catalogue moves with its clock, into a real `local.sqlite3`; the rival's
//! key in the real OS keychain (run inside `make test`'s D-Bus session).

use paneldesk_core::{
    activity::Actor,
    competitors::{self, ChangeKind, ChangesQuery, RivalClients, RivalEdit, WatchProfileEdit},
    db::Db,
    paths::DataDir,
    secrets::Keychain,
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel};

struct Fx {
    rt: tokio::runtime::Runtime,
    _tmp: tempfile::TempDir,
    db: Db,
    rival: FakePanel,
    clients: RivalClients,
}

fn fixture() -> Fx {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let rival = rt
        .block_on(FakePanel::start(Config {
            catalogue_moves: true,
            ..Config::with_orders(200)
        }))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    Fx {
        rt,
        _tmp: tmp,
        db,
        rival,
        clients: RivalClients::default(),
    }
}

impl Fx {
    fn add_rival(&self, key: &str) -> i64 {
        competitors::save_rival(
            &mut self.db.local().unwrap(),
            self.db.install_id(),
            &Keychain,
            &Actor::cli(),
            None,
            RivalEdit {
                name: "Rival SMM".into(),
                url: format!("{}/api/v2", self.rival.url()),
                key: Some(key.into()),
            },
        )
        .unwrap()
        .id
    }

    fn poll(&self, rival: i64, now: i64) -> paneldesk_core::Result<competitors::PollOutcome> {
        self.rt.block_on(competitors::poll(
            &self.db,
            &Keychain,
            &self.clients,
            rival,
            now,
        ))
    }
}

#[test]
fn a_rival_is_polled_diffed_and_kept_with_its_history() {
    let fx = fixture();
    let rival = fx.add_rival(fx.rival.services_key());
    let listed = &competitors::list_rivals(&fx.db.local().unwrap()).unwrap()[0];
    assert_eq!(listed.api_url, format!("{}/api/v2", fx.rival.url()));
    assert_eq!(listed.key_last4.as_deref(), Some("0000"));
    let profile = competitors::save_profile(
        &mut fx.db.local().unwrap(),
        fx.db.install_id(),
        &Actor::cli(),
        None,
        WatchProfileEdit {
            name: "Main rivals".into(),
            rival_ids: vec![rival],
            window_hours: 24,
            interval_minutes: 60,
            threshold_pct: 5.0,
        },
    )
    .unwrap();
    let t0 = 1_800_000_000;
    assert_eq!(
        competitors::due(&fx.db.local().unwrap(), t0).unwrap(),
        vec![rival]
    );

    let first = fx.poll(rival, t0).unwrap();
    let catalogue = fx.rival.with_world(|w| w.services.len()) as i64;
    assert!(
        first.first && first.changes.is_empty(),
        "a first look is a baseline"
    );
    assert_eq!(first.services, catalogue);
    assert!(competitors::due(&fx.db.local().unwrap(), t0 + 59 * 60)
        .unwrap()
        .is_empty());
    assert_eq!(
        competitors::due(&fx.db.local().unwrap(), t0 + 60 * 60).unwrap(),
        vec![rival]
    );

    // The rival's clock moves: one service withdrawn, one new, one +25 %,
    // one +2 %, one renamed.
    let before = fx.rival.with_world(|w| w.services.clone());
    fx.rival.tick(3600);
    let after = fx.rival.with_world(|w| w.services.clone());
    let second = fx.poll(rival, t0 + 3600).unwrap();
    assert!(!second.first);
    let kinds = |changes: &[competitors::Change], k: ChangeKind| {
        changes
            .iter()
            .filter(|c| c.kind == k)
            .map(|c| c.service_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(&second.changes, ChangeKind::Removed),
        vec![before[0].id]
    );
    assert_eq!(
        kinds(&second.changes, ChangeKind::New),
        vec![after.last().unwrap().id]
    );
    assert_eq!(kinds(&second.changes, ChangeKind::Renamed).len(), 1);
    let moves: Vec<f64> = second
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Price)
        .map(|c| c.move_pct.unwrap().round())
        .collect();
    assert_eq!(moves.len(), 2, "every move is kept: {moves:?}");
    assert!(moves.contains(&25.0) && moves.contains(&2.0), "{moves:?}");

    // The profile's threshold (5 %) hides the 2 % move; its window, older changes.
    let q = ChangesQuery {
        profile_id: Some(profile.id),
        rival_id: None,
    };
    let shown = competitors::changes(&fx.db.local().unwrap(), &q, t0 + 3600).unwrap();
    assert_eq!(shown.len(), second.changes.len() - 1);
    assert!(shown
        .iter()
        .all(|c| c.move_pct.is_none_or(|p| p.abs() >= 5.0)));
    let later = competitors::changes(&fx.db.local().unwrap(), &q, t0 + 3600 + 25 * 3600).unwrap();
    assert!(later.is_empty(), "out of the 24 h window");

    // History: two snapshots, and the repriced service's two prices.
    let snaps = competitors::snapshots(&fx.db.local().unwrap(), rival).unwrap();
    assert_eq!(
        snaps
            .iter()
            .map(|s| (s.taken_at, s.changes))
            .collect::<Vec<_>>(),
        vec![(t0 + 3600, second.changes.len() as i64), (t0, 0)]
    );
    let up = shown.iter().find(|c| c.kind == ChangeKind::Price).unwrap();
    let prices = competitors::price_history(&fx.db.local().unwrap(), rival, up.service_id).unwrap();
    assert_eq!(
        prices
            .iter()
            .map(|p| (p.since, p.rate_micros))
            .collect::<Vec<_>>(),
        vec![(t0, up.old_rate_micros), (t0 + 3600, up.rate_micros)]
    );
}

#[test]
fn a_wrong_key_or_a_dead_rival_is_kept_as_an_error_and_loses_no_snapshot() {
    let mut fx = fixture();
    let rival = fx.add_rival(fx.rival.services_key());
    let t0 = 1_800_000_000;
    fx.poll(rival, t0).unwrap();

    competitors::save_rival(
        &mut fx.db.local().unwrap(),
        fx.db.install_id(),
        &Keychain,
        &Actor::cli(),
        Some(rival),
        RivalEdit {
            name: "Rival SMM".into(),
            url: fx.rival.url().into(),
            key: Some("not-the-key".into()),
        },
    )
    .unwrap();
    let err = fx.poll(rival, t0 + 60).unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongKey, "{err}");
    let r = &competitors::list_rivals(&fx.db.local().unwrap()).unwrap()[0];
    assert!(r
        .last_error
        .as_deref()
        .unwrap()
        .contains("refused the API key"));
    assert_eq!(
        r.services as usize,
        fx.rival.with_world(|w| w.services.len()),
        "the last catalogue stays"
    );

    fx.rival.stop();
    let err = fx.poll(rival, t0 + 120).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unreachable, "{err}");
    assert_eq!(
        competitors::snapshots(&fx.db.local().unwrap(), rival)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_rival_needs_a_name_a_valid_address_and_a_key() {
    let fx = fixture();
    let save = |edit: RivalEdit| {
        competitors::save_rival(
            &mut fx.db.local().unwrap(),
            fx.db.install_id(),
            &Keychain,
            &Actor::cli(),
            None,
            edit,
        )
    };
    let no_key = save(RivalEdit {
        name: "R".into(),
        url: "rival.example".into(),
        key: None,
    })
    .unwrap_err();
    assert_eq!(no_key.code(), ErrorCode::InvalidRequest);
    let bad_url = save(RivalEdit {
        name: "R".into(),
        url: "ftp://rival.example".into(),
        key: Some("k".into()),
    })
    .unwrap_err();
    assert_eq!(bad_url.code(), ErrorCode::PanelUrl);
    assert!(competitors::list_rivals(&fx.db.local().unwrap())
        .unwrap()
        .is_empty());
}
