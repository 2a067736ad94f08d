//! The console's reads (tables, details, dashboard, palette, exports) over a
//! real cache filled by a real sync from two fake panels over HTTP: what each
//! screen shows is checked against the panels' own data, or against a plain
//! SQL read of the whole cache sorted and filtered in Rust.

use std::sync::OnceLock;

use paneldesk_core::db::ReadConn;
use paneldesk_core::{
    browse::{
        self, Cursor, Filter, OrderFilter, OrderRow, PageRequest, PaymentFilter, SearchKind, Sort,
        SortDir, TicketFilter, UserFilter,
    },
    db::Db,
    paths::DataDir,
    sync::{Resource, SyncStatus},
    text::order_ids,
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel};

mod common;

struct Fx {
    _tmp: tempfile::TempDir,
    db: Db,
    alpha: FakePanel,
    beta: FakePanel,
    alpha_id: i64,
    beta_id: i64,
}

/// Two panels, synced once, shared by every read-only test of this file.
fn fx() -> &'static Fx {
    static FX: OnceLock<Fx> = OnceLock::new();
    FX.get_or_init(|| {
        let alpha = FakePanel::spawn(Config {
            tickets: 120,
            ..Config::with_orders(2_400)
        })
        .unwrap();
        let beta = FakePanel::spawn(Config {
            seed: 2,
            tickets: 60,
            ..Config::with_orders(1_300)
        })
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(tmp.path())).unwrap();
        let alpha_id = common::env_panel(&db, "BrowseAlpha", &alpha, 1_000.0).id;
        let beta_id = common::env_panel(&db, "BrowseBeta", &beta, 1_000.0).id;
        common::sync_all(&db);
        Fx {
            _tmp: tmp,
            db,
            alpha,
            beta,
            alpha_id,
            beta_id,
        }
    })
}

fn conn() -> ReadConn {
    fx().db.read().unwrap()
}

/// Every cached order, read plainly: what the keyset engine must reproduce.
fn all_orders(c: &ReadConn) -> Vec<OrderRow> {
    let mut out = Vec::new();
    // One plain query, independent of `browse`'s keyset and merge.
    let mut st = c
        .prepare("SELECT panel_id, id, user, status, service_id, created, charge, link, mode, creation_type, provider FROM orders")
        .unwrap();
    let rows = st
        .query_map([], |r| {
            Ok(OrderRow {
                panel_id: r.get(0)?,
                id: r.get(1)?,
                user: r.get(2)?,
                status: r.get(3)?,
                service_id: r.get(4)?,
                created: r.get(5)?,
                charge: r.get(6)?,
                link: r.get(7)?,
                mode: r.get(8)?,
                source: r.get(9)?,
                provider: r.get(10)?,
                external_id: None,
                provider_charge: None,
                currency: None,
                start_count: None,
                quantity: 0,
                remains: 0,
                service_name: String::new(),
                last_update: None,
                finished_at: None,
                ip_address: None,
            })
        })
        .unwrap();
    for r in rows {
        out.push(r.unwrap());
    }
    out
}

/// Pages through a filter and sort to the end with `per` rows a page.
fn page_all(c: &ReadConn, f: &OrderFilter, sort: Sort, per: u32) -> Vec<(i64, i64)> {
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .list(
                c,
                &PageRequest {
                    sort: Some(sort.clone()),
                    after: after.clone(),
                    limit: Some(per),
                },
            )
            .unwrap();
        assert!(page.rows.len() <= per as usize);
        seen.extend(page.rows.iter().map(|o| (o.panel_id, o.id)));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    seen
}

fn sort(column: &str, dir: SortDir) -> Sort {
    Sort {
        column: column.into(),
        dir,
    }
}

#[test]
fn paging_two_panels_by_any_sort_yields_every_order_once_in_order() {
    let fx = fx();
    let c = conn();
    let all = all_orders(&c);
    let truth = fx.alpha.with_world(|w| w.orders.len()) + fx.beta.with_world(|w| w.orders.len());
    assert_eq!(
        all.len(),
        truth,
        "the sync cached every order of both panels"
    );
    assert!(all.iter().any(|o| o.panel_id == fx.alpha_id));
    assert!(all.iter().any(|o| o.panel_id == fx.beta_id));

    type Key = fn(&OrderRow) -> i64;
    let cases: [(&str, SortDir, Key); 4] = [
        ("id", SortDir::Desc, |o| o.id),
        ("created", SortDir::Asc, |o| o.created),
        ("charge", SortDir::Desc, |o| o.charge.unwrap_or(-1)),
        ("created", SortDir::Desc, |o| o.created),
    ];
    for (column, dir, key) in cases {
        let mut expected: Vec<&OrderRow> = all.iter().collect();
        // The global order: the key, then the panel, then the id.
        expected.sort_by_key(|o| (key(o), o.panel_id, o.id));
        if dir == SortDir::Desc {
            expected.reverse();
        }
        let expected: Vec<(i64, i64)> = expected.iter().map(|o| (o.panel_id, o.id)).collect();
        // Page sizes that do not divide the total, and one page of one row.
        for per in [97, 500] {
            let got = page_all(&c, &OrderFilter::default(), sort(column, dir), per);
            assert_eq!(got.len(), expected.len(), "{column} {dir:?} by {per}");
            assert!(got == expected, "{column} {dir:?} by {per}: order differs");
        }
    }
    // A page that takes exactly the last rows says there is no next page,
    // even when they come from both panels.
    let mut newest: Vec<&OrderRow> = all.iter().collect();
    newest.sort_by_key(|o| std::cmp::Reverse(o.created));
    let recent = OrderFilter {
        created_from: Some(newest[40].created),
        ..OrderFilter::default()
    };
    let k = recent.count(&c).unwrap() as u32;
    let both: std::collections::BTreeSet<i64> = newest[..=40].iter().map(|o| o.panel_id).collect();
    assert_eq!(both.len(), 2, "the newest rows come from both panels");
    let whole = recent
        .list(
            &c,
            &PageRequest {
                limit: Some(k),
                ..PageRequest::default()
            },
        )
        .unwrap();
    assert_eq!((whole.rows.len() as u32, whole.next), (k, None));
    let short = recent
        .list(
            &c,
            &PageRequest {
                limit: Some(k - 1),
                ..PageRequest::default()
            },
        )
        .unwrap();
    assert!(short.next.is_some());

    let first = OrderFilter::default()
        .list(
            &c,
            &PageRequest {
                limit: Some(1),
                ..PageRequest::default()
            },
        )
        .unwrap();
    assert_eq!(first.rows.len(), 1);
    assert!(first.next.is_some());
}

#[test]
fn filters_match_exactly_the_rows_they_name_and_counts_agree() {
    let fx = fx();
    let c = conn();
    let all = all_orders(&c);
    let service = all[all.len() / 2].service_id;
    let status = "completed".to_string();
    let mid = all.iter().map(|o| o.created).sum::<i64>() / all.len() as i64;
    type Keep = Box<dyn Fn(&OrderRow) -> bool>;
    let cases: Vec<(OrderFilter, Keep)> = vec![
        (
            OrderFilter {
                status: Some(status.clone()),
                ..OrderFilter::default()
            },
            Box::new(|o: &OrderRow| o.status == "completed"),
        ),
        (
            OrderFilter {
                status: Some(status.clone()),
                service_id: service,
                created_from: Some(mid),
                ..OrderFilter::default()
            },
            Box::new(move |o: &OrderRow| {
                o.status == "completed" && o.service_id == service && o.created >= mid
            }),
        ),
        (
            OrderFilter {
                panel_id: Some(fx.beta_id),
                created_to: Some(mid),
                mode: Some("manual".into()),
                ..OrderFilter::default()
            },
            Box::new(move |o: &OrderRow| {
                o.panel_id == fx.beta_id && o.created < mid && o.mode.as_deref() == Some("manual")
            }),
        ),
        (
            OrderFilter {
                source: Some("api".into()),
                ..OrderFilter::default()
            },
            Box::new(|o: &OrderRow| o.source.as_deref() == Some("api")),
        ),
    ];
    for (f, keep) in cases {
        let mut expected: Vec<(i64, i64)> = all
            .iter()
            .filter(|o| keep(o))
            .map(|o| (o.panel_id, o.id))
            .collect();
        expected.sort();
        expected.reverse();
        assert!(!expected.is_empty(), "the fixture holds rows for {f:?}");
        let mut got = page_all(&c, &f, sort("id", SortDir::Desc), 250);
        assert_eq!(f.count(&c).unwrap() as usize, expected.len(), "{f:?}");
        got.sort();
        got.reverse();
        assert_eq!(got, expected, "{f:?}");
    }

    // Free text: a number is that order's ID on every panel; other text is a
    // case-insensitive part of the link or the username.
    let one = &all[17];
    let by_id = OrderFilter {
        text: Some(format!("#{}", one.id)),
        ..OrderFilter::default()
    };
    let ids: Vec<i64> = page_all(&c, &by_id, sort("id", SortDir::Desc), 50)
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert!(ids.iter().all(|id| *id == one.id) && ids.contains(&one.id));
    let part = one.user[1..one.user.len() - 1].to_uppercase();
    let expected = all
        .iter()
        .filter(|o| {
            o.user.to_lowercase().contains(&part.to_lowercase())
                || o.link.to_lowercase().contains(&part.to_lowercase())
        })
        .count();
    let by_text = OrderFilter {
        text: Some(part),
        ..OrderFilter::default()
    };
    assert_eq!(by_text.count(&c).unwrap() as usize, expected);
    assert!(expected >= 1);
    // A whole username is that customer's orders (not other users whose
    // names contain it).
    let exact = OrderFilter {
        text: Some(format!(" {} ", one.user)),
        ..OrderFilter::default()
    };
    let theirs = all.iter().filter(|o| o.user == one.user).count();
    assert_eq!(exact.count(&c).unwrap() as usize, theirs);
    assert!(page_all(&c, &exact, sort("created", SortDir::Desc), 7)
        .iter()
        .all(|(p, id)| all
            .iter()
            .any(|o| o.panel_id == *p && o.id == *id && o.user == one.user)));
    // LIKE's wildcards typed by the operator are plain characters.
    for wild in ["%", "_", "\\"] {
        let f = OrderFilter {
            text: Some(wild.into()),
            ..OrderFilter::default()
        };
        let expected = all
            .iter()
            .filter(|o| o.link.contains(wild) || o.user.contains(wild))
            .count();
        assert_eq!(f.count(&c).unwrap() as usize, expected, "{wild:?}");
    }
}

#[test]
fn users_payments_and_tickets_page_and_filter_too() {
    let fx = fx();
    let c = conn();
    let users = fx.alpha.with_world(|w| w.users.len()) + fx.beta.with_world(|w| w.users.len());
    assert_eq!(
        UserFilter::default().count(&c).unwrap() as usize,
        users,
        "every user"
    );
    let mut after = None;
    let mut seen = 0;
    loop {
        let page = UserFilter::default()
            .list(
                &c,
                &PageRequest {
                    sort: Some(sort("username", SortDir::Asc)),
                    after,
                    limit: Some(64),
                },
            )
            .unwrap();
        for w in page.rows.windows(2) {
            assert!(
                (&w[0].username, w[0].panel_id, w[0].id) < (&w[1].username, w[1].panel_id, w[1].id)
            );
        }
        seen += page.rows.len();
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, users);

    let pending = PaymentFilter {
        status: Some("pending".into()),
        ..PaymentFilter::default()
    };
    let page = pending
        .list(
            &c,
            &PageRequest {
                limit: Some(500),
                ..PageRequest::default()
            },
        )
        .unwrap();
    assert!(page.rows.iter().all(|p| p.status == "pending"));
    assert_eq!(pending.count(&c).unwrap() as usize, {
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM payments WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        n as usize
    });

    let open = TicketFilter {
        status: Some("pending".into()),
        ..TicketFilter::default()
    };
    let tickets = open
        .list(
            &c,
            &PageRequest {
                limit: Some(500),
                ..PageRequest::default()
            },
        )
        .unwrap();
    assert!(!tickets.rows.is_empty());
    // "Waiting since": the customer's first message after the last staff
    // message, by the rule, recomputed from the panel's own conversation.
    for t in &tickets.rows {
        let fake = if t.panel_id == fx.alpha_id {
            &fx.alpha
        } else {
            &fx.beta
        };
        let expected = fake.with_world(|w| {
            let ticket = w.tickets.iter().find(|x| x.id == t.id).unwrap();
            let last_staff = ticket.messages.iter().rposition(|m| m.is_staff);
            let after = match last_staff {
                Some(i) => &ticket.messages[i + 1..],
                None => &ticket.messages[..],
            };
            after
                .iter()
                .filter(|m| !m.is_staff)
                .map(|m| m.created)
                .min()
        });
        assert_eq!(t.waiting_since, expected, "ticket {}", t.id);
    }
}

#[test]
fn the_order_pane_shows_its_user_and_the_tickets_quoting_it() {
    let fx = fx();
    let c = conn();
    // An order quoted in a ticket whose conversation the sync fetched (open
    // tickets and those updated in the last 30 days).
    let fetched: Vec<i64> = c
        .prepare("SELECT DISTINCT ticket_id FROM ticket_messages WHERE panel_id = ?1")
        .unwrap()
        .query_map([fx.alpha_id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (ticket_id, order_id) = fx.alpha.with_world(|w| {
        w.tickets
            .iter()
            .filter(|t| fetched.contains(&t.id))
            .find_map(|t| {
                t.messages.iter().find_map(|m| {
                    order_ids(&paneldesk_core::text::strip_html(&m.message))
                        .into_iter()
                        .find(|id| w.orders.iter().any(|o| o.id == *id))
                        .map(|id| (t.id, id))
                })
            })
            .expect("the fake's tickets quote orders")
    });
    let d = browse::order_detail(&c, fx.alpha_id, order_id).unwrap();
    assert_eq!(d.order.id, order_id);
    let truth = fx
        .alpha
        .with_world(|w| w.orders.iter().find(|o| o.id == order_id).cloned().unwrap());
    assert_eq!(d.order.link, truth.link);
    assert_eq!(d.order.user, truth.user);
    assert_eq!(d.order.quantity, truth.quantity);
    assert_eq!(d.order.charge, Some(truth.charge_micros));
    assert_eq!(
        d.user.as_ref().map(|u| u.username.as_str()),
        Some(truth.user.as_str())
    );
    assert!(
        d.mentions.iter().any(|m| m.ticket.id == ticket_id),
        "ticket {ticket_id} quotes order {order_id}: {:?}",
        d.mentions.iter().map(|m| m.ticket.id).collect::<Vec<_>>()
    );
    let err = browse::order_detail(&c, fx.alpha_id, 1).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.fix().unwrap().contains("Sync"));
}

#[test]
fn the_user_pane_counts_their_orders_and_keeps_private_notes_locally() {
    let fx = fx();
    let c = conn();
    let user = fx.beta.with_world(|w| w.users[3].clone());
    let d = browse::user_detail(&c, fx.beta_id, user.id).unwrap();
    assert_eq!(d.user.username, user.username);
    assert_eq!(d.user.balance, Some(user.balance_micros));
    let orders = fx
        .beta
        .with_world(|w| w.orders.iter().filter(|o| o.user == user.username).count());
    assert_eq!(d.order_count as usize, orders);
    assert_eq!(d.orders.len(), orders.min(50));
    assert!(d.orders.windows(2).all(|w| w[0].created >= w[1].created));
    assert!(d.orders.iter().all(|o| o.user == user.username));
    let payments = fx.beta.with_world(|w| {
        w.payments
            .iter()
            .filter(|p| p.user == user.username)
            .count()
    });
    assert_eq!(d.payment_count as usize, payments);

    let local = fx.db.local().unwrap();
    let note =
        browse::add_note(&local, fx.beta_id, user.id, "  VIP: answer <b>first</b>  ").unwrap();
    assert_eq!(note.body, "VIP: answer <b>first</b>");
    let again = browse::user_detail(&c, fx.beta_id, user.id).unwrap();
    assert_eq!(again.notes, vec![note.clone()]);
    let empty = browse::add_note(&local, fx.beta_id, user.id, " \n ").unwrap_err();
    assert_eq!(empty.code(), ErrorCode::InvalidRequest);
    // The note is in local.sqlite3, never in the cache the panels fill.
    let in_cache: i64 = fx
        .db
        .cache()
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'user_notes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_cache, 0);
    browse::delete_note(&local, note.id).unwrap();
    assert!(browse::user_detail(&c, fx.beta_id, user.id)
        .unwrap()
        .notes
        .is_empty());
}

#[test]
fn the_palette_finds_ids_and_names_across_panels() {
    let fx = fx();
    let c = conn();
    let order = fx.beta.with_world(|w| w.orders[5].id);
    let hits = browse::search(&c, &order.to_string()).unwrap();
    assert!(hits
        .iter()
        .any(|h| h.kind == SearchKind::Order && h.id == order && h.panel_id == fx.beta_id));
    let user = fx.alpha.with_world(|w| w.users[7].username.clone());
    let prefix = &user[..user.len() - 1];
    let hits = browse::search(&c, prefix).unwrap();
    assert_eq!(hits[0].kind, SearchKind::User);
    assert!(hits[0].title.starts_with(prefix), "{:?}", hits[0]);
    assert!(hits.iter().any(|h| h.title == user));
    let ticket = fx.alpha.with_world(|w| w.tickets[0].id);
    assert!(browse::search(&c, &format!("#{ticket}"))
        .unwrap()
        .iter()
        .any(|h| h.kind == SearchKind::Ticket && h.id == ticket));
    assert!(browse::search(&c, "no-such-customer-anywhere")
        .unwrap()
        .is_empty());
    assert!(browse::search(&c, "  ").unwrap().is_empty());
}

#[test]
fn the_dashboard_and_sync_table_count_what_the_panels_hold() {
    let fx = fx();
    let c = conn();
    let d = browse::dashboard(&c).unwrap();
    assert_eq!(d.panels.len(), 2);
    for (id, fake) in [(fx.alpha_id, &fx.alpha), (fx.beta_id, &fx.beta)] {
        let t = d.panels.iter().find(|p| p.panel_id == id).unwrap();
        fake.with_world(|w| {
            assert_eq!(t.orders as usize, w.orders.len());
            assert_eq!(t.users as usize, w.users.len());
            assert_eq!(t.tickets as usize, w.tickets.len());
            assert_eq!(t.payments as usize, w.payments.len());
        });
        assert!(t.last_synced.is_some());
    }
    assert!(d
        .waiting
        .windows(2)
        .all(|w| w[0].waiting_since <= w[1].waiting_since));
    assert!(d.waiting.iter().all(|t| t.waiting_since.is_some()));

    let status = browse::sync_status(&c).unwrap();
    // The footer's "last synced" is the newest fetch of any resource.
    assert_eq!(
        browse::last_synced(&c).unwrap(),
        status.iter().filter_map(|r| r.last_fetched).max()
    );
    assert!(browse::last_synced(&c).unwrap().is_some());
    assert_eq!(status.len(), 2 * Resource::ALL.len());
    let orders = status
        .iter()
        .find(|r| r.panel_id == fx.alpha_id && r.resource == Resource::Orders)
        .unwrap();
    assert_eq!(
        orders.cached as usize,
        fx.alpha.with_world(|w| w.orders.len())
    );
    assert_eq!(orders.status, SyncStatus::Ok);
    assert_eq!(orders.interval_s, 60);
    // These panels read their services key from the environment, so the
    // services were fetched, and say ok rather than "no key".
    let services = status
        .iter()
        .find(|r| r.panel_id == fx.beta_id && r.resource == Resource::Services)
        .unwrap();
    assert_eq!((services.cached, services.status), (12, SyncStatus::Ok));

    let facets = browse::facets(&c).unwrap();
    assert!(facets.order_statuses.contains(&"completed".to_string()));
    assert!(facets.order_statuses.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        facets.services.len(),
        fx.alpha.with_world(|w| w.services.len()) + fx.beta.with_world(|w| w.services.len())
    );
}

#[test]
fn a_filtered_view_exports_as_csv_with_exactly_its_rows() {
    let fx = fx();
    let c = conn();
    let f = OrderFilter {
        panel_id: Some(fx.alpha_id),
        status: Some("completed".into()),
        ..OrderFilter::default()
    };
    let names = vec![
        (fx.alpha_id, "BrowseAlpha".to_string()),
        (fx.beta_id, "BrowseBeta".to_string()),
    ];
    let mut out = Vec::new();
    let n = f.export_csv(&c, &names, &mut out).unwrap();
    assert_eq!(n, f.count(&c).unwrap());
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("panel,id,user,charge,"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, n);
    assert!(rows.iter().all(|r| r.starts_with("BrowseAlpha,")));
    assert!(rows.iter().all(|r| r.contains(",completed,")));
}

#[test]
fn a_bad_sort_or_cursor_is_a_clear_error_not_a_wrong_page() {
    let c = conn();
    let err = OrderFilter::default()
        .list(
            &c,
            &PageRequest {
                sort: Some(sort("link; DROP TABLE orders", SortDir::Asc)),
                ..PageRequest::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRequest);
    assert!(err.to_string().contains("cannot be sorted by"));
    let err = UserFilter::default()
        .list(
            &c,
            &PageRequest {
                sort: Some(sort("username", SortDir::Asc)),
                after: Some(Cursor {
                    key: browse::SortKey::Int(3),
                    panel_id: 1,
                    id: 1,
                }),
                limit: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRequest);
    let orders: i64 = c
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert!(orders > 0, "the table is still there");
}
