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
            LocalApi::new(first.clone(), 1000),
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
            LocalApi::new(db.clone(), 5),
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
                LocalApi::new(db.clone(), 20),
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
            LocalApi::new(db, 20),
            "[::1]:0".parse().unwrap(),
        ))
        .unwrap();
    assert!(ok.addr.ip().is_loopback());
}
