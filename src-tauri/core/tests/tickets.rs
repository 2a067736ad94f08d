//! Answering tickets against the fake panel over HTTP and a real SQLite file:
//! the outbox delivers a reply exactly once whatever happens to the network
//! or the answer, the freshness guard holds a reply the customer has
//! overtaken, ticket actions a panel lacks are remembered, and every reply
//! is in the activity log. Each test reads the fake's write record.

use paneldesk_core::{
    activity::{self, Action, Actor, Outcome},
    browse,
    db::Db,
    operators,
    paths::DataDir,
    sync::{Engine, Resource},
    templates::{self, TemplateEdit},
    tickets::{self, NewReply, Outbox, OutboxState, TicketAction},
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel, Faults, WriteRecord};

mod common;

struct Fx {
    rt: tokio::runtime::Runtime,
    _tmp: tempfile::TempDir,
    db: Db,
    fake: FakePanel,
    engine: Engine,
    outbox: Outbox,
    panel_id: i64,
    operator: i64,
}

/// A fake panel on the real clock (a reply's time is compared with ours),
/// synced once, and the outbox of the process that owns the sync.
fn fx(name: &str) -> Fx {
    let fake = FakePanel::spawn(Config {
        now: chrono::Utc::now().timestamp(),
        tickets: 30,
        ..Config::with_orders(300)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let panel_id = common::env_panel(&db, name, &fake, 50.0).id;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = common::engine(&db);
    for r in rt
        .block_on(engine.sync_once(
            None,
            &[Resource::Orders, Resource::Users, Resource::Tickets],
        ))
        .unwrap()
    {
        assert!(r.error.is_none(), "{:?}", r.error);
    }
    let outbox = Outbox::new(engine.clone(), Actor::cli());
    let operator = operators::current(&db.local().unwrap()).unwrap().id;
    Fx {
        rt,
        _tmp: tmp,
        db,
        fake,
        engine,
        outbox,
        panel_id,
        operator,
    }
}

impl Fx {
    /// An open ticket whose conversation is cached, and how many messages
    /// the operator sees in it.
    fn open_ticket(&self) -> (i64, i64) {
        let read = self.db.read().unwrap();
        let id: i64 = read
            .query_row(
                "SELECT t.id FROM tickets t WHERE t.panel_id = ?1 AND t.status <> 'closed'
                   AND EXISTS (SELECT 1 FROM ticket_messages m WHERE m.panel_id = t.panel_id AND m.ticket_id = t.id)
                 ORDER BY t.id LIMIT 1",
                [self.panel_id],
                |r| r.get(0),
            )
            .unwrap();
        let view = browse::ticket_view(&read, self.panel_id, id).unwrap();
        (id, view.messages.len() as i64)
    }

    fn queue(&self, ticket_id: i64, seen: i64, text: &str) -> paneldesk_core::Result<i64> {
        self.rt
            .block_on(tickets::outbox::queue(
                &self.db,
                self.engine.writer(),
                self.operator,
                NewReply {
                    panel_id: self.panel_id,
                    ticket_id,
                    text: text.into(),
                    seen_messages: seen,
                },
            ))
            .map(|r| r.id)
    }

    fn replies(&self) -> Vec<WriteRecord> {
        self.fake
            .writes()
            .into_iter()
            .filter(|w| w.path.ends_with("/reply"))
            .collect()
    }

    fn state(&self, id: i64) -> OutboxState {
        tickets::outbox::get(&self.db.local().unwrap(), id)
            .unwrap()
            .state
    }

    /// Staff messages on the fake that carry `text` in ticket `id`.
    fn on_fake(&self, id: i64, text: &str) -> usize {
        self.fake.with_world(|w| {
            w.ticket(id)
                .unwrap()
                .messages
                .iter()
                .filter(|m| m.is_staff && m.message.contains(text))
                .count()
        })
    }

    fn log(&self) -> Vec<activity::LogRow> {
        activity::recent(&self.db.local().unwrap(), 100).unwrap()
    }
}

#[test]
fn a_reply_goes_out_at_once_with_the_staff_name_escaped_and_is_logged() {
    let f = fx("Reply");
    let (ticket, seen) = f.open_ticket();
    let id = f
        .queue(
            ticket,
            seen,
            "Hello <b>there</b>\nYour refill is on its way",
        )
        .unwrap();
    let row = f.rt.block_on(f.outbox.send(id, None)).unwrap();
    assert_eq!(row.state, OutboxState::Sent, "{:?}", row.error);
    let replies = f.replies();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].body["staff_name"], "mira");
    assert_eq!(
        replies[0].body["message"],
        "Hello &lt;b&gt;there&lt;/b&gt;<br>Your refill is on its way"
    );
    // The reply is in the cached thread, and the ticket no longer waits.
    let view = browse::ticket_view(&f.db.read().unwrap(), f.panel_id, ticket).unwrap();
    let last = view.messages.last().unwrap();
    assert!(last.is_staff && last.staff_name.as_deref() == Some("mira"));
    assert_eq!(view.ticket.waiting_since, None);
    let log = f.log();
    assert_eq!(log[0].action, Action::Reply);
    assert_eq!(log[0].outcome, Outcome::Sent);
    assert_eq!(log[0].target.as_deref(), Some(&*format!("ticket {ticket}")));
    assert!(
        !log[0].details.as_deref().unwrap_or("").contains("refill"),
        "the log never holds a message's content"
    );
}

#[test]
fn a_reply_written_while_the_panel_is_down_is_queued_and_sent_once_when_it_is_back() {
    let mut f = fx("Down");
    let (ticket, seen) = f.open_ticket();
    f.fake.stop();
    let id = f.queue(ticket, seen, "Queued while you were away").unwrap();
    let row = f.rt.block_on(f.outbox.send(id, None)).unwrap();
    assert_eq!(row.state, OutboxState::Queued);
    assert!(
        row.error
            .as_deref()
            .unwrap()
            .contains("could not be reached"),
        "{row:?}"
    );
    assert!(row.retry_at.is_some());
    f.fake.restart().unwrap();
    assert!(f.replies().is_empty());
    // The retry the operator (or the outbox's clock) asks for.
    let row = f.rt.block_on(f.outbox.send(id, None)).unwrap();
    assert_eq!(row.state, OutboxState::Sent, "{:?}", row.error);
    // Draining again sends nothing more.
    f.rt.block_on(f.outbox.drain()).unwrap();
    assert_eq!(f.replies().len(), 1);
    assert_eq!(f.on_fake(ticket, "Queued while you were away"), 1);
}

#[test]
fn a_reply_the_panel_applied_before_answering_500_is_not_sent_again() {
    let f = fx("Lost");
    let (ticket, seen) = f.open_ticket();
    f.fake.set_faults(Faults {
        fail_after_write: true,
        ..Faults::default()
    });
    let id = f.queue(ticket, seen, "Applied, answer lost").unwrap();
    let row = f.rt.block_on(f.outbox.send(id, None)).unwrap();
    assert_eq!(row.state, OutboxState::Unknown);
    assert_eq!(f.log()[0].outcome, Outcome::Unknown);
    f.fake.set_faults(Faults::default());
    let row = f.rt.block_on(f.outbox.send(id, None)).unwrap();
    assert_eq!(row.state, OutboxState::Sent, "the re-read finds it landed");
    assert_eq!(f.replies().len(), 1, "posted once");
    assert_eq!(f.on_fake(ticket, "Applied, answer lost"), 1);
}

#[test]
fn the_freshness_guard_holds_a_reply_the_customer_overtook_until_the_operator_confirms() {
    let f = fx("Guard");
    let (ticket, seen) = f.open_ticket();
    let id = f.queue(ticket, seen, "Answer to what I saw").unwrap();
    f.fake.edit_world(|w| {
        w.customer_writes(ticket, "<p>Actually, never mind</p>")
            .unwrap()
    });
    let row = f.rt.block_on(f.outbox.send(id, None)).unwrap();
    assert_eq!(row.state, OutboxState::Held);
    assert!(row.error.unwrap().contains("1 new message"));
    assert!(f.replies().is_empty(), "nothing goes out while held");
    // The new message is in the cache for the operator to read first.
    let view = browse::ticket_view(&f.db.read().unwrap(), f.panel_id, ticket).unwrap();
    assert_eq!(view.messages.len() as i64, seen + 1);
    assert!(view
        .messages
        .last()
        .unwrap()
        .html
        .contains("Actually, never mind"));
    // Confirmed after reading it: sent once.
    let row =
        f.rt.block_on(f.outbox.send(id, Some(view.messages.len() as i64)))
            .unwrap();
    assert_eq!(row.state, OutboxState::Sent);
    assert_eq!(f.replies().len(), 1);
}

#[test]
fn a_reply_with_no_staff_name_an_unfilled_placeholder_or_no_text_is_refused_and_nothing_is_sent() {
    let f = fx("Refuse");
    let (ticket, seen) = f.open_ticket();
    let err = f.queue(ticket, seen, "   \n ").unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRequest);
    let err = f.queue(ticket, seen, "Hi {{customer}}").unwrap_err();
    assert!(err.to_string().contains("{{customer}}"), "{err}");
    f.db.local()
        .unwrap()
        .execute("UPDATE panels SET staff_name = NULL", [])
        .unwrap();
    let err = f.queue(ticket, seen, "Hello").unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoStaffName);
    assert!(err.fix().unwrap().contains("staff name"));
    // The operator's own staff name for the panel is what a reply carries.
    f.rt.block_on(operators::set_staff_name(
        f.engine.writer(),
        f.db.install_id(),
        &paneldesk_core::activity::Actor::cli(),
        f.operator,
        f.panel_id,
        "Ann (support)",
    ))
    .unwrap();
    let id = f.queue(ticket, seen, "Hello").unwrap();
    assert!(
        f.replies().is_empty(),
        "queued only: nothing sent before `send`"
    );
    f.rt.block_on(f.outbox.send(id, None)).unwrap();
    assert_eq!(f.replies()[0].body["staff_name"], "Ann (support)");
    assert_eq!(f.state(id), OutboxState::Sent);
}

#[test]
fn only_a_reply_never_posted_can_be_edited_and_a_discard_is_logged() {
    let f = fx("Edit");
    let (ticket, seen) = f.open_ticket();
    let id = f.queue(ticket, seen, "first words").unwrap();
    let row =
        f.rt.block_on(tickets::outbox::edit(
            f.engine.writer(),
            id,
            "better words".into(),
            seen,
        ))
        .unwrap();
    assert_eq!(row.text, "better words");
    f.fake.set_faults(Faults {
        fail_after_write: true,
        ..Faults::default()
    });
    f.rt.block_on(f.outbox.send(id, None)).unwrap();
    let err =
        f.rt.block_on(tickets::outbox::edit(
            f.engine.writer(),
            id,
            "changed".into(),
            seen,
        ))
        .unwrap_err();
    assert!(err.to_string().contains("already sent"), "{err}");
    f.rt.block_on(tickets::outbox::discard(
        f.engine.writer(),
        f.db.install_id(),
        &Actor::cli(),
        id,
    ))
    .unwrap();
    assert_eq!(f.log()[0].action, Action::OutboxDiscard);
    assert!(tickets::outbox::list(&f.db.local().unwrap(), None)
        .unwrap()
        .is_empty());
}

#[test]
fn close_reopen_and_assign_work_where_the_panel_has_them_and_are_remembered_missing_where_not() {
    let f = fx("Actions");
    let (ticket, _) = f.open_ticket();
    let act = |action, who: Option<&str>| {
        f.rt.block_on(tickets::act(
            &f.engine,
            &Actor::cli(),
            f.panel_id,
            ticket,
            action,
            who.map(str::to_owned),
        ))
    };
    act(TicketAction::Close, None).unwrap();
    let status = |f: &Fx| {
        browse::ticket_view(&f.db.read().unwrap(), f.panel_id, ticket)
            .unwrap()
            .ticket
    };
    assert_eq!(status(&f).status, "closed");
    act(TicketAction::Reopen, None).unwrap();
    assert_eq!(status(&f).status, "pending");
    act(TicketAction::Assign, Some("mira")).unwrap();
    assert_eq!(status(&f).assignee.as_deref(), Some("mira"));
    assert_eq!(f.fake.writes().len(), 3);

    f.fake.set_faults(Faults {
        no_ticket_actions: true,
        ..Faults::default()
    });
    let err = act(TicketAction::Close, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ActionMissing);
    let missing = tickets::missing_actions(&f.db.local().unwrap(), f.panel_id).unwrap();
    assert_eq!(missing, [TicketAction::Close]);
    // Not asked again: refused before any request.
    let before = f.fake.requests().len();
    assert_eq!(
        act(TicketAction::Close, None).unwrap_err().code(),
        ErrorCode::ActionMissing
    );
    assert_eq!(f.fake.requests().len(), before);
    let log = f.log();
    assert_eq!(
        (log[0].action, log[0].outcome),
        (Action::Close, Outcome::Failed)
    );
}

#[test]
fn a_template_fills_from_the_cache_and_shows_what_it_cannot_fill() {
    let f = fx("Templates");
    let (ticket, _) = f.open_ticket();
    let t = f
        .rt
        .block_on(templates::save(
            f.engine.writer(),
            f.db.install_id(),
            &Actor::cli(),
            None,
            TemplateEdit {
                title: "Refill".into(),
                body: "Hi {{customer}}, {{staff}} from {{panel}} here. Orders: {{order_ids}}. {{nonsense}}".into(),
            },
        ))
        .unwrap();
    let read = f.db.read().unwrap();
    let filled = templates::fill(&read, f.operator, t.id, f.panel_id, ticket).unwrap();
    let view = browse::ticket_view(&read, f.panel_id, ticket).unwrap();
    assert!(filled.text.starts_with(&format!(
        "Hi {}, mira from Templates here. Orders: ",
        view.ticket.username
    )));
    assert!(filled.text.ends_with("{{nonsense}}"), "{}", filled.text);
    assert_eq!(filled.missing.last().map(String::as_str), Some("nonsense"));
    for q in &view.quoted_orders {
        assert!(filled.text.contains(&q.id.to_string()));
    }
    assert_eq!(f.log()[0].action, Action::TemplateAdd);
}

#[test]
fn unread_counts_new_customer_messages_since_the_operator_opened_the_ticket() {
    let f = fx("Unread");
    let (ticket, _) = f.open_ticket();
    let read = f.db.read().unwrap();
    let view = browse::ticket_view(&read, f.panel_id, ticket).unwrap();
    assert_eq!(
        view.ticket.unread, view.customer_messages,
        "never opened: all unread"
    );
    f.rt.block_on(tickets::mark_read(
        f.engine.writer(),
        f.operator,
        f.panel_id,
        ticket,
        view.customer_messages,
    ))
    .unwrap();
    assert_eq!(
        browse::ticket_view(&read, f.panel_id, ticket)
            .unwrap()
            .ticket
            .unread,
        0
    );
    f.fake
        .edit_world(|w| w.customer_writes(ticket, "one more").unwrap());
    f.fake.tick(1);
    f.rt.block_on(f.engine.sync_once(None, &[Resource::Tickets]))
        .unwrap();
    assert_eq!(
        browse::ticket_view(&read, f.panel_id, ticket)
            .unwrap()
            .ticket
            .unread,
        1
    );
    // Another operator has read nothing.
    let other =
        f.rt.block_on(operators::add(
            f.engine.writer(),
            f.db.install_id(),
            &paneldesk_core::activity::Actor::cli(),
            "Bea",
        ))
        .unwrap();
    operators::switch(&f.db.local().unwrap(), other.id).unwrap();
    let unread = browse::ticket_view(&read, f.panel_id, ticket)
        .unwrap()
        .ticket
        .unread;
    assert_eq!(unread, view.customer_messages + 1);
}

#[test]
fn the_log_filters_by_action_operator_and_panel() {
    let f = fx("Log");
    let (ticket, seen) = f.open_ticket();
    let id = f.queue(ticket, seen, "Logged reply").unwrap();
    f.rt.block_on(f.outbox.send(id, None)).unwrap();
    f.rt.block_on(templates::save(
        f.engine.writer(),
        f.db.install_id(),
        &Actor::cli(),
        None,
        TemplateEdit {
            title: "T".into(),
            body: "B".into(),
        },
    ))
    .unwrap();
    let local = f.db.local().unwrap();
    let only = |filter: activity::LogFilter| {
        activity::query(&local, &filter)
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        only(activity::LogFilter {
            action: Some(Action::Reply),
            ..Default::default()
        }),
        [Action::Reply]
    );
    assert_eq!(
        only(activity::LogFilter {
            operator_id: Some(f.operator),
            ..Default::default()
        }),
        [Action::Reply],
        "the reply is the operator's; the template was the CLI's"
    );
    // The panel's own row: its addition, a settings change.
    assert_eq!(
        only(activity::LogFilter {
            panel_id: Some(f.panel_id),
            ..Default::default()
        }),
        [Action::Reply, Action::Panel]
    );
    let mut csv = Vec::new();
    let n = activity::write_csv(
        &local,
        &activity::LogFilter::default(),
        paneldesk_core::export::CsvStyle::SpreadsheetSafe,
        &mut csv,
    )
    .unwrap();
    assert_eq!(n, 3);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("at,actor_kind,actor_id,actor_name,host,install_id,panel_id,panel_name,action,target,outcome,details\n"));
    assert!(!csv.contains("Logged reply"), "never a message's content");
}
