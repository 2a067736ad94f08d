//! Order actions against the fake panel over HTTP: a bad choice is refused
//! before anything is sent, and an action on many orders says per order
//! whether it was done or skipped, with the cache agreeing afterwards.

use paneldesk_core::{
    activity::{self, Action, Actor},
    db::Db,
    order_actions::{self, OrderAction},
    paths::DataDir,
    sync::Resource,
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel};

mod common;

fn cached_status(db: &Db, panel_id: i64, id: i64) -> String {
    db.cache()
        .unwrap()
        .query_row(
            "SELECT status FROM orders WHERE panel_id = ?1 AND id = ?2",
            [panel_id, id],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn cancelling_open_and_finished_orders_cancels_the_open_ones_skips_the_others_and_the_cache_agrees()
{
    let fake = FakePanel::spawn(Config {
        now: chrono::Utc::now().timestamp(),
        ..Config::with_orders(400)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let panel_id = common::env_panel(&db, "Shop", &fake, 50.0).id;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = common::engine(&db);
    rt.block_on(engine.sync_once(None, &[Resource::Orders]))
        .unwrap();
    let (open, finished): (Vec<i64>, Vec<i64>) = fake.with_world(|w| {
        let open = w
            .orders
            .iter()
            .filter(|o| matches!(o.status.as_str(), "pending" | "in_progress" | "processing"))
            .map(|o| o.id)
            .take(2)
            .collect();
        let done = w
            .orders
            .iter()
            .filter(|o| o.status == "completed")
            .map(|o| o.id)
            .take(1)
            .collect();
        (open, done)
    });
    let ids: Vec<i64> = open.iter().chain(&finished).copied().collect();

    // Refused before anything is sent.
    for (ids, action) in [
        (vec![], OrderAction::Resend),
        (ids.clone(), OrderAction::SetPartial { remains: 1 }),
        (
            vec![open[0]],
            OrderAction::EditLink {
                link: "javascript:alert(1)".into(),
            },
        ),
        (
            vec![open[0]],
            OrderAction::ChangeStatus {
                status: "done-ish".into(),
            },
        ),
        (vec![open[0]], OrderAction::SetPartial { remains: -1 }),
    ] {
        let err = rt
            .block_on(order_actions::act(
                &engine,
                &Actor::cli(),
                panel_id,
                &ids,
                &action,
            ))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidRequest, "{action:?}: {err}");
    }
    assert!(fake.writes().is_empty());

    let results = rt
        .block_on(order_actions::act(
            &engine,
            &Actor::cli(),
            panel_id,
            &ids,
            &OrderAction::Cancel {
                reason: Some("customer asked".into()),
            },
        ))
        .unwrap();
    assert_eq!(fake.writes().len(), 1, "one request for the three orders");
    assert_eq!(fake.writes()[0].body["cancel_reason"], "customer asked");
    for r in &results {
        let is_open = open.contains(&r.id);
        assert_eq!(r.done, is_open, "{r:?}");
        if is_open {
            assert_eq!(r.status.as_deref(), Some("canceled"));
            assert_eq!(cached_status(&db, panel_id, r.id), "canceled");
        } else {
            assert_eq!(
                r.reason.as_deref(),
                Some("the panel skipped it (it is completed)")
            );
            assert_eq!(cached_status(&db, panel_id, r.id), "completed");
        }
    }
    let log = activity::recent(&db.local().unwrap(), 5).unwrap();
    assert_eq!(log[0].action, Action::OrderAction);
    assert_eq!(log[0].details.as_deref(), Some("cancel: 2 done, 1 skipped"));

    // One order's link, then its remains: each re-read into the cache.
    let one = open[0];
    rt.block_on(order_actions::act(
        &engine,
        &Actor::cli(),
        panel_id,
        &[one],
        &OrderAction::EditLink {
            link: "https://instagram.example/new".into(),
        },
    ))
    .unwrap();
    let link: String = db
        .cache()
        .unwrap()
        .query_row(
            "SELECT link FROM orders WHERE panel_id = ?1 AND id = ?2",
            [panel_id, one],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(link, "https://instagram.example/new");
}
