//! The local API over real HTTP, from a real (encrypted) data dir: this
//! project's own panel client syncs a second cache from it, equal to the
//! first; keys' scopes, panels, revocation, last use and rate; loopback only.

use paneldesk_core::{
    activity::Actor,
    db::Db,
    local_api::{self, keys, Access, ApiKeyEdit, ApiResource, LocalApi, Scope},
    panels::{self, NewPanel},
    paths::DataDir,
    secrets::Keychain,
};
use paneldesk_fakepanel::{Config, FakePanel};
use serde_json::Value;

mod common;

fn scope(resource: ApiResource, access: Access) -> Scope {
    Scope { resource, access }
}

fn reads() -> Vec<Scope> {
    [
        ApiResource::Orders,
        ApiResource::Users,
        ApiResource::Payments,
        ApiResource::Tickets,
        ApiResource::Services,
    ]
    .into_iter()
    .map(|r| scope(r, Access::Read))
    .collect()
}

fn key(db: &Db, name: &str, scopes: Vec<Scope>, panels: Vec<i64>) -> String {
    keys::create(
        &db.local().unwrap(),
        db.install_id(),
        &Actor::cli(),
        &ApiKeyEdit {
            name: name.into(),
            scopes,
            panels,
        },
    )
    .unwrap()
    .secret
}

/// Every row of `table`, its columns in `columns`, in a stable order.
fn rows(db: &Db, table: &str, columns: &str, order: &str) -> Vec<Vec<rusqlite::types::Value>> {
    let cache = db.cache().unwrap();
    let n = columns.split(',').count();
    let mut st = cache
        .prepare(&format!("SELECT {columns} FROM {table} ORDER BY {order}"))
        .unwrap();
    st.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_project_client_syncs_a_second_cache_from_the_local_api_equal_to_the_first() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = FakePanel::spawn(Config {
        tickets: 40,
        ..Config::with_orders(3_000)
    })
    .unwrap();
    let first_dir = tempfile::tempdir().unwrap();
    let first = Db::open(&DataDir::new(first_dir.path())).unwrap();
    common::env_panel(&first, "Main", &fake, 1000.0);
    common::sync_all(&first);

    let secret = key(&first, "mirror", reads(), vec![]);
    let running = rt
        .block_on(local_api::serve(
            LocalApi::new(first.clone(), 1000, None),
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();

    // A second data dir whose panel is the local API, keys from the environment.
    let second_dir = tempfile::tempdir().unwrap();
    let second = Db::open(&DataDir::new(second_dir.path())).unwrap();
    std::env::set_var(panels::env_key_var("Mirror"), &secret);
    std::env::set_var("PANELDESK_SERVICES_KEY_MIRROR", &secret);
    panels::add(
        &mut second.local().unwrap(),
        second.install_id(),
        &Keychain,
        &Actor::cli(),
        NewPanel {
            name: "Mirror".into(),
            url: format!("http://{}/Main/adminapi/v2", running.addr),
            staff_name: None,
            rate_limit: Some(1000.0),
            admin_key: None,
            services_key: None,
            no_keychain: true,
        },
    )
    .unwrap();
    common::sync_all(&second);

    // Everything the panel holds, column by column (not the times of the
    // syncs themselves: synced_at, finished_at, messages_at).
    let tables = [
        ("orders", "id, external_id, user, creation_type, charge, provider_charge, currency, link, start_count, quantity, remains, service_id, service_name, status, provider, mode, created, last_update, ip_address", "id"),
        ("users", "id, username, email, balance, spent, currency, status, created, last_auth, discount", "id"),
        ("payments", "id, user, balance, amount, currency, method, status, fraud_risk, memo, mode, created, updated", "id"),
        ("tickets", "id, user_id, username, subject, status, assignee, created, last_update", "id"),
        ("ticket_messages", "ticket_id, seq, id, message, is_staff, staff_name, created", "ticket_id, seq"),
        ("services", "id, name, kind, category, rate, min, max", "id"),
    ];
    for (table, columns, order) in tables {
        let a = rows(&first, table, columns, order);
        let b = rows(&second, table, columns, order);
        assert!(!a.is_empty(), "{table}: the first cache has rows");
        assert_eq!(a.len(), b.len(), "{table}: row count");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{table}: a row differs");
        }
    }
    rt.block_on(running.stop());
}

/// GET `path` with `key`: the status and the JSON body.
async fn get(base: &str, path: &str, key: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("X-Api-Key", key)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[test]
fn keys_are_held_to_their_scopes_panels_and_rate_and_revoking_one_refuses_it_at_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let main = FakePanel::spawn(Config::with_orders(300)).unwrap();
    let side = FakePanel::spawn(Config::with_orders(200)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(dir.path())).unwrap();
    let main_panel = common::env_panel(&db, "Main", &main, 1000.0);
    common::env_panel(&db, "Side", &side, 1000.0);
    common::sync_all(&db);

    let orders_main = key(
        &db,
        "orders on Main",
        vec![scope(ApiResource::Orders, Access::Read)],
        vec![main_panel.id],
    );
    let everything = key(&db, "everything", reads(), vec![]);
    let running = rt
        .block_on(local_api::serve(
            LocalApi::new(db.clone(), 5, None),
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let base = format!("http://{}", running.addr);

    rt.block_on(async {
        // In scope, on its panel: the panel's own shape.
        let (status, body) = get(&base, "/Main/adminapi/v2/orders?limit=50", &orders_main).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["error_code"], 0);
        assert_eq!(body["data"]["list"].as_array().unwrap().len(), 50);
        assert!(body["pagination"]["next_page_href"].is_string());
        let order = &body["data"]["list"][0];
        assert!(
            order["created_timestamp"].is_i64() && order["created"].is_string(),
            "{order}"
        );
        assert!(
            order.get("panel").is_none(),
            "one panel's rows name no panel"
        );

        // Another panel, another resource: 403; no key or a wrong one: 401.
        let (status, body) = get(&base, "/Side/adminapi/v2/orders", &orders_main).await;
        assert_eq!((status, body["error_code"].as_i64()), (403, Some(403)));
        let (status, body) = get(&base, "/Main/adminapi/v2/users", &orders_main).await;
        assert_eq!(status, 403);
        assert!(
            body["error_message"]
                .as_str()
                .unwrap()
                .contains("read users"),
            "{body}"
        );
        let (status, body) = get(&base, "/Main/adminapi/v2/orders", "pdk_0000").await;
        assert_eq!((status, body["error_code"].as_i64()), (401, Some(401)));

        // Every panel at /adminapi/v2: only those the key reaches, each row named.
        let (_, body) = get(&base, "/adminapi/v2/orders?limit=1000", &orders_main).await;
        let names: std::collections::BTreeSet<String> = body["data"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["panel"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["Main"]);
        let (_, body) = get(&base, "/adminapi/v2/orders?limit=1000", &everything).await;
        let names: std::collections::BTreeSet<&str> = body["data"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["panel"].as_str().unwrap())
            .collect();
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["Main", "Side"]);

        // Unknown routes answer as a panel does.
        let (status, body) = get(&base, "/Main/adminapi/v2/nothing", &everything).await;
        assert_eq!((status, body["error_code"].as_i64()), (200, Some(100)));
    });

    // Last use is recorded; revoking takes effect at the next request.
    let listed = keys::list(&db.local().unwrap()).unwrap();
    let k = listed.iter().find(|k| k.name == "orders on Main").unwrap();
    assert!(k.last_used_at.is_some(), "its use was recorded");
    assert!(k.prefix.starts_with("pdk_") && orders_main.starts_with(&k.prefix));
    keys::revoke(&db.local().unwrap(), db.install_id(), &Actor::cli(), k.id).unwrap();
    rt.block_on(async {
        let (status, _) = get(&base, "/Main/adminapi/v2/orders", &orders_main).await;
        assert_eq!(status, 401, "a revoked key is refused at once");
        // 5 requests a second per key: a burst past it is told to wait.
        let mut statuses = Vec::new();
        let mut retry_after = None;
        for _ in 0..8 {
            let r = reqwest::Client::new()
                .get(format!("{base}/Main/adminapi/v2/users?limit=1"))
                .header("X-Api-Key", &everything)
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
            if r.status() == 429 {
                retry_after = r.headers().get("retry-after").cloned();
            }
        }
        assert!(
            statuses.contains(&200) && statuses.contains(&429),
            "{statuses:?}"
        );
        assert!(retry_after.is_some());
    });
    // Made and revoked keys are in the activity log.
    let log = paneldesk_core::activity::recent(&db.local().unwrap(), 50).unwrap();
    let key_rows: Vec<String> = log
        .iter()
        .filter(|r| r.action == paneldesk_core::activity::Action::ApiKey)
        .map(|r| {
            format!(
                "{} {}",
                r.target.clone().unwrap_or_default(),
                r.details.clone().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        key_rows.contains(&"orders on Main revoked".to_owned()),
        "{key_rows:?}"
    );
    assert!(
        key_rows.contains(&"everything created".to_owned()),
        "{key_rows:?}"
    );
    rt.block_on(running.stop());
}

#[test]
fn the_local_api_refuses_to_listen_beyond_this_computer() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(dir.path())).unwrap();
    for addr in ["0.0.0.0:0", "192.168.1.10:8737", "[::]:0"] {
        let err = rt
            .block_on(local_api::serve(
                LocalApi::new(db.clone(), 20, None),
                addr.parse().unwrap(),
            ))
            .err()
            .unwrap_or_else(|| panic!("{addr} was accepted"));
        assert!(
            err.to_string().contains("only listens on this computer"),
            "{err}"
        );
        assert!(err.fix().unwrap().contains("127.0.0.1"));
    }
    let ok = rt
        .block_on(local_api::serve(
            LocalApi::new(db, 20, None),
            "[::1]:0".parse().unwrap(),
        ))
        .unwrap();
    assert!(ok.addr.ip().is_loopback());
}

/// POST `path` with `key`, an Idempotency-Key and a JSON body.
async fn post(
    base: &str,
    path: &str,
    key: &str,
    idempotency: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("X-Api-Key", key)
        .json(&body);
    if let Some(k) = idempotency {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[test]
fn writes_reach_the_panel_once_per_idempotency_key_through_the_core_and_are_logged() {
    use paneldesk_core::{
        activity::{self, Action, ActorKind},
        money::{self, MethodEdit},
        sync::Resource,
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = FakePanel::spawn(Config {
        now: chrono::Utc::now().timestamp(),
        tickets: 10,
        ..Config::with_orders(300)
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(dir.path())).unwrap();
    let panel = common::env_panel(&db, "Shop", &fake, 50.0);
    let engine = common::engine(&db);
    for outcome in rt.block_on(engine.sync_once(None, &Resource::ALL)).unwrap() {
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
    }
    money::methods::save(
        &db.local().unwrap(),
        db.install_id(),
        &Actor::cli(),
        None,
        MethodEdit {
            panel_id: panel.id,
            internal_name: "Bank Transfer (manual)".into(),
            display_name: "Bank".into(),
            min: "1".into(),
            max: "1000".into(),
            sort: 0,
        },
    )
    .unwrap();
    let user = fake.with_world(|w| w.users[3].username.clone());
    let (open, done): (Vec<i64>, i64) = fake.with_world(|w| {
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
            .find(|o| o.status == "completed")
            .unwrap()
            .id;
        (open, done)
    });

    let writer = key(
        &db,
        "billing",
        vec![
            scope(ApiResource::Payments, Access::Write),
            scope(ApiResource::Orders, Access::Write),
            scope(ApiResource::Tickets, Access::Write),
        ],
        vec![],
    );
    let reader = key(&db, "reader", reads(), vec![]);
    let running = rt
        .block_on(local_api::serve(
            LocalApi::new(
                db.clone(),
                1000,
                Some(paneldesk_core::tickets::Outbox::new(
                    engine.clone(),
                    Actor::cli(),
                )),
            ),
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let base = format!("http://{}/Shop/adminapi/v2", running.addr);
    let payment = serde_json::json!({
        "username": user, "amount": "12.50", "method": "Bank Transfer (manual)", "memo": "api", "affiliate_commission": false
    });

    rt.block_on(async {
        // Refused before anything is sent: no write scope, no Idempotency-Key,
        // an amount past the method's maximum, a method not set up.
        let (status, _) = post(
            &base,
            "/payments/add",
            &reader,
            Some("r-1"),
            payment.clone(),
        )
        .await;
        assert_eq!(status, 403);
        let (status, body) = post(&base, "/payments/add", &writer, None, payment.clone()).await;
        assert_eq!(status, 400, "{body}");
        let mut big = payment.clone();
        big["amount"] = serde_json::json!("5000");
        let (status, body) = post(&base, "/payments/add", &writer, Some("w-big"), big).await;
        assert_eq!(status, 422, "{body}");
        let mut other = payment.clone();
        other["method"] = serde_json::json!("bank transfer (manual)");
        let (status, body) = post(&base, "/payments/add", &writer, Some("w-other"), other).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            fake.writes().is_empty(),
            "nothing reached the panel: {:?}",
            fake.writes()
        );

        // A good one lands once; the same key again gets the same answer and sends nothing.
        let (status, first) = post(
            &base,
            "/payments/add",
            &writer,
            Some("pay-1"),
            payment.clone(),
        )
        .await;
        assert_eq!(status, 200, "{first}");
        assert!(first["data"]["payment_id"].as_i64().is_some(), "{first}");
        let (status, again) = post(
            &base,
            "/payments/add",
            &writer,
            Some("pay-1"),
            payment.clone(),
        )
        .await;
        assert_eq!((status, &again), (200, &first));
        let payments: Vec<_> = fake
            .writes()
            .into_iter()
            .filter(|w| w.path.ends_with("/payments/add"))
            .collect();
        assert_eq!(payments.len(), 1, "{payments:?}");
        assert_eq!(payments[0].body["method"], "Bank Transfer (manual)");
        // The same key for another request is refused.
        let mut changed = payment.clone();
        changed["amount"] = serde_json::json!("13");
        let (status, _) = post(&base, "/payments/add", &writer, Some("pay-1"), changed).await;
        assert_eq!(status, 422);

        // An order action with one order skipped by the panel: the panel's own answer.
        let ids = format!("{},{},{done}", open[0], open[1]);
        let (status, body) = post(
            &base,
            "/orders/cancel",
            &writer,
            Some("cancel-1"),
            serde_json::json!({ "ids": ids, "cancel_reason": "api" }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["ids"], serde_json::json!(open));
        assert_eq!(body["data"]["skipped_ids"], serde_json::json!([done]));
        let (_, again) = post(
            &base,
            "/orders/cancel",
            &writer,
            Some("cancel-1"),
            serde_json::json!({ "ids": ids, "cancel_reason": "api" }),
        )
        .await;
        assert_eq!(again, body);
        let cancels = fake
            .writes()
            .into_iter()
            .filter(|w| w.path.ends_with("/orders/cancel"))
            .count();
        assert_eq!(cancels, 1);

        // A ticket reply, through the outbox, as the current operator: once.
        let ticket: i64 = db
            .cache()
            .unwrap()
            .query_row(
                "SELECT id FROM tickets WHERE panel_id = ?1 ORDER BY id LIMIT 1",
                [panel.id],
                |r| r.get(0),
            )
            .unwrap();
        let path = format!("/tickets/{ticket}/reply");
        let text = serde_json::json!({ "message": "Refilled: check in an hour." });
        let (status, replied) = post(&base, &path, &writer, Some("reply-1"), text.clone()).await;
        assert_eq!(status, 200, "{replied}");
        assert_eq!(replied["data"]["state"], "sent");
        assert_eq!(replied["data"]["staff_name"], "mira");
        let (_, again) = post(&base, &path, &writer, Some("reply-1"), text.clone()).await;
        assert_eq!(again, replied);
        let replies: Vec<_> = fake
            .writes()
            .into_iter()
            .filter(|w| w.path.ends_with("/reply"))
            .collect();
        assert_eq!(replies.len(), 1, "{replies:?}");
        assert!(replies[0].body["message"]
            .as_str()
            .unwrap()
            .contains("Refilled: check in an hour."));

        // The panel applies it but its answer is lost (500 after the write):
        // outcome unknown, and asking again with the key sends nothing more.
        fake.set_faults(paneldesk_fakepanel::Faults {
            fail_after_write: true,
            ..Default::default()
        });
        let (status, lost) = post(
            &base,
            "/payments/add",
            &writer,
            Some("pay-2"),
            payment.clone(),
        )
        .await;
        assert_eq!(status, 504, "{lost}");
        assert!(
            lost["error_message"]
                .as_str()
                .unwrap()
                .contains("before trying again"),
            "{lost}"
        );
        fake.set_faults(paneldesk_fakepanel::Faults::default());
        let (status, _) = post(
            &base,
            "/payments/add",
            &writer,
            Some("pay-2"),
            payment.clone(),
        )
        .await;
        assert_eq!(status, 504);
        let payments = fake
            .writes()
            .into_iter()
            .filter(|w| w.path.ends_with("/payments/add"))
            .count();
        assert_eq!(payments, 2, "the lost one reached the panel once");
    });

    // Killed after claiming its key, before the answer: that key is never sent again.
    let writer_id = keys::list(&db.local().unwrap())
        .unwrap()
        .into_iter()
        .find(|k| k.name == "billing")
        .unwrap()
        .id;
    db.local()
        .unwrap()
        .execute(
            "INSERT INTO api_writes (key_id, idempotency, request, created_at) VALUES (?1, 'pay-killed', 'x', 0)",
            [writer_id],
        )
        .unwrap();
    rt.block_on(async {
        let before = fake.writes().len();
        let (status, body) = post(&base, "/payments/add", &writer, Some("pay-killed"), payment.clone()).await;
        assert_eq!(status, 422, "another request's key: {body}");
        db.local()
            .unwrap()
            .execute("UPDATE api_writes SET request = (SELECT request FROM api_writes WHERE idempotency = 'pay-1') WHERE idempotency = 'pay-killed'", [])
            .unwrap();
        let (status, body) = post(&base, "/payments/add", &writer, Some("pay-killed"), payment.clone()).await;
        assert_eq!(status, 409, "{body}");
        assert!(body["error_message"].as_str().unwrap().contains("outcome is unknown"), "{body}");
        assert_eq!(fake.writes().len(), before, "nothing sent");
    });

    // The cache agrees, and each write is in the activity log, done by the key.
    let status: String = db
        .cache()
        .unwrap()
        .query_row(
            "SELECT status FROM orders WHERE panel_id = ?1 AND id = ?2",
            (panel.id, open[0]),
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "canceled");
    let log = activity::recent(&db.local().unwrap(), 50).unwrap();
    let by_key: Vec<(Action, String)> = log
        .iter()
        .filter(|r| r.actor_kind == ActorKind::ApiKey)
        .map(|r| (r.action, r.actor_name.clone()))
        .collect();
    assert!(
        by_key.contains(&(Action::Payment, "billing".into())),
        "{by_key:?}"
    );
    assert!(
        by_key.contains(&(Action::OrderAction, "billing".into())),
        "{by_key:?}"
    );
    assert_eq!(
        by_key.len(),
        3,
        "each write logged once (two payments, one cancel): {by_key:?}"
    );
    rt.block_on(running.stop());
}
