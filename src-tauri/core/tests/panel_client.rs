//! The panel client against the fake panel over real HTTP: every endpoint,
//! every quirk, every fault, and writes that reach the panel exactly once.

use std::time::Duration;

use paneldesk_core::panel::{ClientOptions, ListQuery, PanelClient, PanelError};
use paneldesk_fakepanel::{Config, FakePanel, Faults, RequestRecord};

fn fast() -> ClientOptions {
    ClientOptions {
        rate_limit: 1000.0,
        timeout: Duration::from_secs(10),
        read_retries: 8,
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(100),
    }
}

async fn fake(orders: usize) -> FakePanel {
    FakePanel::start(Config::with_orders(orders))
        .await
        .expect("the fake panel starts")
}

fn client(fake: &FakePanel, options: ClientOptions) -> PanelClient {
    PanelClient::new(fake.url(), fake.admin_key(), options).unwrap()
}

/// Pages through a list until a short page, like the sync engine does.
macro_rules! all_rows {
    ($client:expr, $method:ident) => {{
        let mut rows = Vec::new();
        let mut skipped = 0;
        let mut offset = 0;
        loop {
            let page = $client
                .$method(&ListQuery::page(1000, offset))
                .await
                .unwrap();
            skipped += page.skipped.len();
            rows.extend(page.rows);
            if page.len < 1000 {
                break;
            }
            offset += 1000;
        }
        (rows, skipped)
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_reads_every_row_field_for_field_despite_the_quirks() {
    let fake = fake(2_500).await;
    let c = client(&fake, fast());

    let (orders, skipped) = all_rows!(c, orders);
    assert_eq!(skipped, 0);
    fake.with_world(|w| {
        assert_eq!(orders.len(), w.orders.len());
        for o in &orders {
            let t = w
                .order(o.id)
                .unwrap_or_else(|| panic!("order {} is not in the truth", o.id));
            assert_eq!(o.user, t.user);
            assert_eq!(
                o.charge.as_ref().map(|m| m.micros),
                Some(t.charge_micros),
                "order {}",
                o.id
            );
            assert_eq!(
                o.charge.as_ref().and_then(|m| m.currency.as_deref()),
                Some("USD")
            );
            assert_eq!(
                o.provider_charge.as_ref().map(|m| m.micros),
                Some(t.provider_charge_micros)
            );
            assert_eq!(
                (o.quantity, o.remains),
                (t.quantity, t.remains),
                "order {}",
                o.id
            );
            assert_eq!(o.status, t.status, "order {}", o.id);
            assert_eq!(o.service_id, Some(t.service_id));
            assert_eq!(o.service_name, t.service_name);
            assert_eq!(o.created, t.created);
            assert_eq!(o.last_update, Some(t.last_update));
            assert_eq!(o.link, t.link);
            assert_eq!(o.external_id, t.external_id);
            assert_eq!(o.mode.as_deref(), Some(t.mode.as_str()));
            assert_eq!(o.start_count, t.start_count, "order {}", o.id);
        }
        // Quirks were really served: some unknown statuses survived as sent.
        assert!(orders
            .iter()
            .any(|o| o.status == "refilling" || o.status == "awaiting"));
    });

    let (users, skipped) = all_rows!(c, users);
    assert_eq!(skipped, 0);
    fake.with_world(|w| {
        assert_eq!(users.len(), w.users.len());
        for u in &users {
            let t = w
                .users
                .iter()
                .find(|x| x.id == u.id)
                .expect("user in truth");
            assert_eq!(u.username, t.username);
            assert_eq!(u.balance.as_ref().map(|m| m.micros), Some(t.balance_micros));
            assert_eq!(u.spent.as_ref().map(|m| m.micros), Some(t.spent_micros));
            assert_eq!((u.created, u.last_auth), (Some(t.created), t.last_auth));
            assert_eq!(u.discount, Some(t.discount));
        }
        assert!(
            users.iter().any(|u| !u.username.is_ascii()),
            "unicode usernames are read"
        );
    });

    let (payments, skipped) = all_rows!(c, payments);
    assert_eq!(skipped, 0);
    fake.with_world(|w| {
        assert_eq!(payments.len(), w.payments.len());
        for p in &payments {
            let t = w
                .payments
                .iter()
                .find(|x| x.id == p.id)
                .expect("payment in truth");
            assert_eq!(
                p.user, t.user,
                "payment {}: user as a string or an object",
                p.id
            );
            assert_eq!(p.amount.as_ref().map(|m| m.micros), Some(t.amount_micros));
            assert_eq!(
                (p.method.as_str(), p.status.as_str()),
                (t.method.as_str(), t.status.as_str())
            );
            assert_eq!((p.created, p.updated), (Some(t.created), Some(t.updated)));
        }
    });

    let (tickets, skipped) = all_rows!(c, tickets);
    assert_eq!(skipped, 0);
    assert_eq!(tickets.len(), fake.with_world(|w| w.tickets.len()));
    // Every ticket's conversation, aliases for times and authors included.
    for t in tickets.iter().take(40) {
        let detail = c.ticket(t.id).await.unwrap();
        fake.with_world(|w| {
            let truth = w.ticket(t.id).unwrap();
            assert_eq!(detail.ticket.subject, truth.subject);
            assert_eq!(detail.ticket.username, truth.username);
            assert_eq!(detail.messages.len(), truth.messages.len());
            for (m, tm) in detail.messages.iter().zip(&truth.messages) {
                assert_eq!(m.message, tm.message);
                assert_eq!(m.is_staff, tm.is_staff);
                assert_eq!(m.staff_name, tm.staff_name);
                assert_eq!(m.created, Some(tm.created));
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_rows_filters_and_the_services_catalogue() {
    let fake = fake(500).await;
    // The address as an operator might paste it.
    let c = PanelClient::new(
        &format!("{}/admin/adminapi/v2/", fake.url()),
        fake.admin_key(),
        fast(),
    )
    .unwrap();
    let first = fake.with_world(|w| w.orders[10].clone());
    let o = c.order(first.id).await.unwrap();
    assert_eq!(
        (o.id, o.charge.unwrap().micros),
        (first.id, first.charge_micros)
    );
    assert!(matches!(
        c.order(99_999_999).await,
        Err(PanelError::NotFound { .. })
    ));

    let ids = fake.with_world(|w| vec![w.orders[1].id, w.orders[7].id, w.orders[42].id]);
    let page = c
        .orders(&ListQuery {
            ids: ids.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut got: Vec<i64> = page.rows.iter().map(|o| o.id).collect();
    got.sort();
    assert_eq!(got, ids);

    let from = fake.with_world(|w| w.orders[400].created);
    let page = c
        .orders(&ListQuery {
            created_from: Some(from),
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 100);
    assert!(page.rows.iter().all(|o| o.created >= from));
    assert!(
        page.rows.windows(2).all(|w| w[0].created >= w[1].created),
        "date-desc by default"
    );

    let services = c.services(fake.services_key()).await.unwrap();
    fake.with_world(|w| {
        assert_eq!(services.len(), w.services.len());
        for s in &services {
            let t = w.services.iter().find(|x| x.id == s.id).unwrap();
            assert_eq!(
                (s.name.as_str(), s.rate_micros, s.min, s.max),
                (
                    t.name.as_str(),
                    Some(t.rate_micros),
                    Some(t.min),
                    Some(t.max)
                )
            );
        }
    });
    assert!(matches!(
        c.services("wrong").await,
        Err(PanelError::WrongKey)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_a_v1_url_and_a_dead_panel_are_clear_errors() {
    let fake = fake(50).await;
    let wrong = PanelClient::new(fake.url(), "not-the-key", fast()).unwrap();
    let err = wrong.orders(&ListQuery::page(10, 0)).await.unwrap_err();
    assert!(matches!(err, PanelError::WrongKey), "{err:?}");
    assert!(err.fix().unwrap().contains("API key"));
    // No retry on a wrong key: one request.
    assert_eq!(fake.requests().len(), 1);

    fake.set_faults(Faults {
        wrong_key_as_200: true,
        ..Faults::default()
    });
    assert!(matches!(
        wrong.users(&ListQuery::page(10, 0)).await,
        Err(PanelError::WrongKey)
    ));

    let v1 = PanelClient::new(&format!("{}/adminapi/v1", fake.url()), "k", fast()).unwrap_err();
    assert!(matches!(v1, PanelError::V1Url { .. }));
    assert!(v1.fix().unwrap().contains("/adminapi/v2"));

    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let dead = PanelClient::new(
        &format!("http://{addr}"),
        "k",
        ClientOptions {
            read_retries: 2,
            ..fast()
        },
    )
    .unwrap();
    let err = dead.orders(&ListQuery::page(10, 0)).await.unwrap_err();
    assert!(matches!(err, PanelError::Unreachable { .. }), "{err:?}");
    assert!(!err.to_string().contains("not-the-key"));
}

/// Checks the rate rule of PRODUCT.md on the fake's record: over any span of
/// t seconds, at most max(1, floor(R)) + R x t requests.
fn assert_rate_kept(requests: &[RequestRecord], rate: f64) {
    let capacity = rate.floor().max(1.0);
    let times: Vec<f64> = requests.iter().map(|r| r.t_ms / 1000.0).collect();
    for i in 0..times.len() {
        for j in i..times.len() {
            let n = (j - i + 1) as f64;
            let span = times[j] - times[i];
            assert!(
                n <= capacity + rate * span + 1e-9,
                "{n} requests in {span:.3} s (requests {i}..={j}): more than {capacity} + {rate} x t"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_keep_the_configured_rate() {
    let fake = fake(300).await;
    let c = client(
        &fake,
        ClientOptions {
            rate_limit: 5.0,
            ..fast()
        },
    );
    let calls = (0..16).map(|i| {
        let c = c.clone();
        async move {
            c.orders(&ListQuery::page(10, i * 10))
                .await
                .map(|p| p.rows.len())
        }
    });
    let results = futures_join(calls).await;
    assert!(results.iter().all(|r| matches!(r, Ok(10))), "{results:?}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 16);
    assert_rate_kept(&requests, 5.0);
}

async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_makes_the_client_wait_what_the_panel_asks() {
    let fake = fake(300).await;
    // The panel allows 2/s; the client was set to 20/s by mistake.
    fake.set_faults(Faults {
        rate_limit: Some(2.0),
        ..Faults::default()
    });
    let c = client(
        &fake,
        ClientOptions {
            rate_limit: 20.0,
            ..fast()
        },
    );
    for i in 0..8 {
        c.orders(&ListQuery::page(5, i * 5))
            .await
            .expect("reads get through after waiting");
    }
    let requests = fake.requests();
    let limited: Vec<usize> = (0..requests.len())
        .filter(|&i| requests[i].status == 429)
        .collect();
    assert!(!limited.is_empty(), "the fake never said 429");
    assert_eq!(requests.iter().filter(|r| r.status == 200).count(), 8);
    for i in limited {
        // Retry-After is at least 1 s: the next request comes no sooner.
        if let Some(next) = requests.get(i + 1) {
            assert!(
                next.t_ms - requests[i].t_ms >= 990.0,
                "retried {} ms after a 429",
                next.t_ms - requests[i].t_ms
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_survive_500s_timeouts_and_cut_bodies() {
    let fake = fake(300).await;
    fake.set_faults(Faults {
        fail_rate: 0.3,
        malformed_rate: 0.2,
        timeout_rate: 0.1,
        hang_ms: 1_500,
        ..Faults::default()
    });
    let c = client(
        &fake,
        ClientOptions {
            timeout: Duration::from_millis(700),
            read_retries: 10,
            ..fast()
        },
    );
    for i in 0..15 {
        let page = c
            .orders(&ListQuery::page(20, i * 20))
            .await
            .expect("a read is retried until it succeeds");
        assert_eq!(page.rows.len(), 20);
    }
    let requests = fake.requests();
    assert!(
        requests.iter().any(|r| r.status == 500),
        "no 500 was served"
    );
    assert!(
        requests.len() > 15,
        "faults were retried: {} requests",
        requests.len()
    );

    // Every body cut short: a clear error after the retries, no panic.
    fake.set_faults(Faults {
        malformed_rate: 1.0,
        ..Faults::default()
    });
    let c = client(
        &fake,
        ClientOptions {
            read_retries: 2,
            ..fast()
        },
    );
    let err = c.users(&ListQuery::page(10, 0)).await.unwrap_err();
    assert!(matches!(err, PanelError::Malformed { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_reaches_the_panel_exactly_once() {
    let fake = fake(400).await;
    let c = client(&fake, fast());
    let (ticket, user, open, failed) = fake.with_world(|w| {
        let open = w
            .orders
            .iter()
            .rev()
            .find(|o| o.status == "in_progress")
            .unwrap()
            .id;
        let failed = w
            .orders
            .iter()
            .find(|o| o.status == "error" || o.status == "fail")
            .unwrap()
            .id;
        (w.tickets[0].id, w.users[3].username.clone(), open, failed)
    });

    c.reply(ticket, "Mira Holt", "<p>Refill started.</p>")
        .await
        .unwrap();
    let pid = c
        .add_payment(&user, 12_500_000, "Bank Transfer (manual)", "test", false)
        .await
        .unwrap();
    let changed = c.change_status(&[open], "completed").await.unwrap();
    let resent = c.resend(&[failed, open]).await.unwrap();
    let other_open = fake.with_world(|w| {
        w.orders
            .iter()
            .rev()
            .find(|o| o.status == "pending" || o.status == "in_progress")
            .unwrap()
            .id
    });
    let canceled = c
        .cancel(&[other_open], Some("customer asked"))
        .await
        .unwrap();

    assert_eq!(changed.ids, vec![open]);
    assert_eq!(
        (resent.ids.clone(), resent.skipped_ids.clone()),
        (vec![failed], vec![open])
    );
    assert_eq!(canceled.ids, vec![other_open]);
    let writes = fake.writes();
    let paths: Vec<&str> = writes.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            format!("/adminapi/v2/tickets/{ticket}/reply").as_str(),
            "/adminapi/v2/payments/add",
            "/adminapi/v2/orders/change-status",
            "/adminapi/v2/orders/resend",
            "/adminapi/v2/orders/cancel"
        ]
    );
    let pay = &writes[1].body;
    assert_eq!(
        pay["method"], "Bank Transfer (manual)",
        "the method is sent exactly as stored"
    );
    assert_eq!(pay["amount"], "12.50");
    assert_eq!(pay["username"], user.as_str());
    assert_eq!(writes[2].body["ids"], open.to_string());
    fake.with_world(|w| {
        assert!(w
            .payments
            .iter()
            .any(|p| p.id == pid && p.amount_micros == 12_500_000));
        assert_eq!(
            w.ticket(ticket)
                .unwrap()
                .messages
                .last()
                .unwrap()
                .staff_name
                .as_deref(),
            Some("Mira Holt")
        );
        assert_eq!(w.order(other_open).unwrap().status, "canceled");
    });

    // An error answer: still exactly one request, and the panel's reason.
    fake.clear_records();
    let err = c
        .add_payment("nobody_here", 5_000_000, "Stripe", "", false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PanelError::Api { message, .. } if message.contains("User not found")),
        "{err:?}"
    );
    assert_eq!(fake.writes().len(), 1);

    // A 500 on a write: not retried, and reported as "maybe applied".
    fake.clear_records();
    fake.set_faults(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    });
    let err = c.reply(ticket, "Mira Holt", "again?").await.unwrap_err();
    assert!(matches!(err, PanelError::OutcomeUnknown { .. }), "{err:?}");
    assert!(err.fix().unwrap().contains("before trying again"));
    let posts = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "a write is never retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_order_and_ticket_actions_reach_the_panel() {
    let fake = fake(400).await;
    let c = client(&fake, fast());
    let (open, ticket) = fake.with_world(|w| {
        (
            w.orders
                .iter()
                .rev()
                .find(|o| o.status == "in_progress")
                .unwrap()
                .clone(),
            w.tickets[1].id,
        )
    });

    c.set_partial(open.id, open.quantity / 2).await.unwrap();
    c.edit_link(open.id, "https://social.panel.example/p/fixed")
        .await
        .unwrap();
    let requested = c.request_cancel(&[open.id]).await.unwrap();
    c.assign_ticket(ticket, "Theo Brandt").await.unwrap();
    c.close_ticket(ticket).await.unwrap();
    fake.with_world(|w| {
        let o = w.order(open.id).unwrap();
        assert_eq!(
            (o.status.as_str(), o.remains),
            ("partial", open.quantity / 2)
        );
        assert_eq!(o.link, "https://social.panel.example/p/fixed");
        let t = w.ticket(ticket).unwrap();
        assert_eq!(
            (t.status.as_str(), t.assignee.as_deref()),
            ("closed", Some("Theo Brandt"))
        );
    });
    // A partial order can no longer be asked to cancel.
    assert_eq!(requested.skipped_ids, vec![open.id]);
    c.reopen_ticket(ticket).await.unwrap();
    assert_eq!(
        fake.with_world(|w| w.ticket(ticket).unwrap().status.clone()),
        "pending"
    );
    assert_eq!(fake.writes().len(), 6);

    // A bad value: the panel's reason, not a success.
    let err = c
        .set_partial(open.id, open.quantity * 10)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PanelError::Api { message, .. } if message.contains("remains")),
        "{err:?}"
    );
}
