//! The fake panel over real HTTP: what a client sees, and what tests rely on.

use paneldesk_fakepanel::{Config, FakePanel, Faults, Quirks, BASE_NOW};
use serde_json::{json, Value};

async fn start(orders: usize) -> FakePanel {
    FakePanel::start(Config::with_orders(orders)).await.unwrap()
}

async fn get(fake: &FakePanel, path: &str, key: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(format!("{}{path}", fake.url()))
        .header("X-Api-Key", key)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_envelope_keys_and_unknown_routes_behave_like_a_panel() {
    let fake = start(100).await;
    let key = fake.admin_key().to_owned();
    let (status, body) = get(&fake, "/adminapi/v2/no-such-thing", &key).await;
    assert_eq!(
        (
            status,
            body["error_code"].as_i64(),
            body["error_message"].as_str()
        ),
        (200, Some(100), Some("Page not found."))
    );

    let (status, body) = get(&fake, "/adminapi/v2/orders", "wrong").await;
    assert_eq!(status, 401);
    assert_ne!(body["error_code"], 0);
    fake.set_faults(Faults {
        wrong_key_as_200: true,
        ..Faults::default()
    });
    let (status, body) = get(&fake, "/adminapi/v2/orders", "wrong").await;
    assert_eq!(status, 200);
    assert_ne!(body["error_code"], 0);

    // Controls need the admin key too.
    assert_eq!(get(&fake, "/__fake/truth", "wrong").await.0, 401);
}

#[tokio::test]
async fn lists_page_with_both_date_forms_and_pagination_where_panels_put_it() {
    let fake = start(250).await;
    let key = fake.admin_key().to_owned();
    let (_, orders) = get(&fake, "/adminapi/v2/orders?limit=100&offset=200", &key).await;
    assert_eq!(orders["data"]["count"], 250);
    assert_eq!(orders["data"]["list"].as_array().unwrap().len(), 50);
    assert_eq!(orders["pagination"]["offset"], 200);
    let first = &orders["data"]["list"][0];
    assert!(first["created"].as_str().unwrap().starts_with("2026-"));
    assert!(first["created_timestamp"].as_i64().unwrap() < BASE_NOW);

    let (_, users) = get(&fake, "/adminapi/v2/users?limit=5", &key).await;
    assert!(
        users["data"]["pagination"].is_object(),
        "pagination inside data for users"
    );
    let (_, tickets) = get(&fake, "/adminapi/v2/tickets?limit=5", &key).await;
    assert_eq!(
        tickets["data"].as_array().map(Vec::len),
        Some(5),
        "tickets data as a bare array"
    );
    // At most 1000 rows a page, whatever the limit asked.
    let big = start(1_200).await;
    let (_, limited) = get(&big, "/adminapi/v2/orders?limit=5000", big.admin_key()).await;
    assert_eq!(limited["data"]["list"].as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn the_same_seed_makes_the_same_panel() {
    let a = FakePanel::start(Config {
        seed: 7,
        ..Config::with_orders(300)
    })
    .await
    .unwrap();
    let b = FakePanel::start(Config {
        seed: 7,
        ..Config::with_orders(300)
    })
    .await
    .unwrap();
    let c = FakePanel::start(Config {
        seed: 8,
        ..Config::with_orders(300)
    })
    .await
    .unwrap();
    assert_eq!(a.truth(), b.truth());
    assert_ne!(a.truth()["orders"], c.truth()["orders"]);
}

#[tokio::test]
async fn the_data_exercises_every_report() {
    let fake = start(20_000).await;
    fake.with_world(|w| {
        let now = w.now;
        let stuck = w
            .orders
            .iter()
            .filter(|o| {
                matches!(
                    o.status.as_str(),
                    "in_progress" | "processing" | "pending" | "awaiting"
                ) && o.created < now - 12 * 3600
                    && o.remains > 0
            })
            .count();
        assert!(stuck > 10, "{stuck} stuck orders");
        let finished = w.orders.iter().filter(|o| o.status == "completed").count();
        assert!(finished > 10_000);
        for status in [
            "pending",
            "in_progress",
            "processing",
            "completed",
            "partial",
            "canceled",
            "error",
            "fail",
            "awaiting",
            "refilling",
        ] {
            assert!(
                w.orders.iter().any(|o| o.status == status),
                "no {status} order"
            );
        }
        assert!(
            w.orders.iter().any(|o| o.mode == "manual")
                && w.orders.iter().any(|o| o.creation_type == "api")
        );
        assert!(w
            .services
            .iter()
            .any(|s| s.name.contains("[Speed: 5-10K/Day]")));
        assert!(w
            .services
            .iter()
            .any(|s| !s.name.to_lowercase().contains("speed") && !s.name.contains("/Day")));
        let messages: Vec<_> = w.tickets.iter().flat_map(|t| &t.messages).collect();
        assert!(
            messages.iter().any(|m| m.message.contains("<script>")),
            "hostile HTML"
        );
        assert!(messages.iter().any(|m| m.message.contains("🙏")), "emoji");
        let staff: std::collections::HashSet<_> = messages
            .iter()
            .filter_map(|m| m.staff_name.clone())
            .collect();
        assert!(staff.len() >= 4, "{staff:?}");
        // A quick fire: a staff reply within 30 s of the customer's message.
        let quick = w.tickets.iter().any(|t| {
            t.messages
                .windows(2)
                .any(|p| !p[0].is_staff && p[1].is_staff && p[1].created - p[0].created < 30)
        });
        assert!(quick);
        // A customer who wrote twice after a staff reply.
        let repeated = w.tickets.iter().any(|t| {
            t.messages
                .windows(3)
                .any(|p| p[0].is_staff && !p[1].is_staff && !p[2].is_staff)
        });
        assert!(repeated);
        // Tickets quote order ids that exist and ids no order has.
        assert!(messages
            .iter()
            .any(|m| m.message.contains("Order ID</b>: 55")));
        assert!(messages
            .iter()
            .any(|m| m.message.contains(": 9") && m.message.contains("Order ID")));
        assert!(
            w.payments.iter().any(|p| p.status == "pending")
                && w.payments.iter().any(|p| p.status == "failed")
        );
        assert!(
            w.users.iter().any(|u| u.created > now - 3 * 86_400),
            "recent sign-ups"
        );
    });
}

#[tokio::test]
async fn the_clock_moves_the_panel_forward_over_http() {
    let fake = start(2_000).await;
    let key = fake.admin_key().to_owned();
    let before = fake.truth();
    let open_before: Vec<i64> = fake.with_world(|w| {
        w.orders
            .iter()
            .filter(|o| o.status == "in_progress" && o.created > w.now - 12 * 3600)
            .map(|o| o.id)
            .collect()
    });
    assert!(!open_before.is_empty());
    let http = reqwest::Client::new();
    let now: Value = http
        .post(format!("{}/__fake/tick", fake.url()))
        .header("X-Api-Key", &key)
        .json(&json!({ "seconds": 3600 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        now["now"].as_i64(),
        Some(before["now"].as_i64().unwrap() + 3600)
    );
    fake.with_world(|w| {
        assert!(w.orders.len() > 2_000, "new orders arrived");
        let moved = open_before
            .iter()
            .filter(|id| w.order(**id).unwrap().last_update == w.now)
            .count();
        assert!(moved > 0, "open orders moved on");
        let messages_before: usize = before["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["messages"].as_array().unwrap().len())
            .sum();
        let messages_after: usize = w.tickets.iter().map(|t| t.messages.len()).sum();
        assert!(messages_after > messages_before, "customers wrote");
        assert!(w.payments.len() > before["payments"].as_array().unwrap().len());
    });

    // Faults switch over HTTP, and the record is readable by another process.
    http.post(format!("{}/__fake/faults", fake.url()))
        .header("X-Api-Key", &key)
        .json(&json!({ "fail_rate": 1.0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&fake, "/adminapi/v2/orders", &key).await.0, 500);
    let (_, record) = get(&fake, "/__fake/requests", &key).await;
    assert_eq!(record.as_array().unwrap().last().unwrap()["status"], 500);
}

#[test]
fn quirk_lists_parse_and_unknown_names_are_refused() {
    assert_eq!(Quirks::parse("all").unwrap(), Quirks::all());
    assert!(Quirks::parse("ids-as-strings,unicode")
        .unwrap()
        .has(paneldesk_fakepanel::Quirk::Unicode));
    assert!(Quirks::parse("ids-as-strings,nope")
        .unwrap_err()
        .contains("unknown quirk"));
}
