//! Adding a payment against the fake panel over HTTP, into a real data dir:
//! every bad input is refused before anything is sent (the fake's write
//! record stays empty), and a good payment reaches the panel exactly once,
//! whatever the panel answers and however often it is submitted.

use paneldesk_core::{
    activity::{self, Action, Actor, Outcome},
    db::Db,
    money::{self, Confirmation, MethodEdit, PaymentInput},
    paths::DataDir,
    sync::{Engine, Resource},
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
    panel_id: i64,
    method: i64,
    user: String,
}

fn fx() -> Fx {
    let fake = FakePanel::spawn(Config {
        now: chrono::Utc::now().timestamp(),
        ..Config::with_orders(200)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let panel_id = common::env_panel(&db, "Shop", &fake, 50.0).id;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = common::engine(&db);
    rt.block_on(engine.sync_once(
        None,
        &[Resource::Orders, Resource::Users, Resource::Payments],
    ))
    .unwrap();
    let method = money::methods::save(
        &db.local().unwrap(),
        db.install_id(),
        &Actor::cli(),
        None,
        MethodEdit {
            panel_id,
            // Sent exactly as the panel expects it: case and spaces kept.
            internal_name: "Bank Transfer (manual)".into(),
            display_name: "Bank".into(),
            min: "1".into(),
            max: "1000".into(),
            sort: 0,
        },
    )
    .unwrap()
    .id;
    let user = fake.with_world(|w| w.users[3].username.clone());
    Fx {
        rt,
        _tmp: tmp,
        db,
        fake,
        engine,
        panel_id,
        method,
        user,
    }
}

impl Fx {
    fn input(&self, amount: &str) -> PaymentInput {
        PaymentInput {
            panel_id: self.panel_id,
            username: self.user.clone(),
            method_id: self.method,
            amount: amount.into(),
            memo: "refund for #550039".into(),
            affiliate_commission: false,
        }
    }

    fn prepare(&self, input: PaymentInput) -> paneldesk_core::Result<Confirmation> {
        self.rt
            .block_on(money::payments::prepare(&self.engine, input))
    }

    fn payments_written(&self) -> Vec<WriteRecord> {
        self.fake
            .writes()
            .into_iter()
            .filter(|w| w.path.ends_with("/payments/add"))
            .collect()
    }
}

#[test]
fn every_bad_input_is_refused_before_anything_is_sent() {
    let mut f = fx();
    let other_panel_method = 9_999;
    let cases: Vec<(&str, PaymentInput, ErrorCode)> = vec![
        (
            "below the minimum",
            f.input("0.99"),
            ErrorCode::InvalidRequest,
        ),
        (
            "above the maximum",
            f.input("1000.01"),
            ErrorCode::InvalidRequest,
        ),
        ("zero", f.input("0"), ErrorCode::InvalidRequest),
        ("negative", f.input("-5"), ErrorCode::InvalidRequest),
        ("NaN", f.input("NaN"), ErrorCode::InvalidRequest),
        (
            "too many decimals",
            f.input("10.005"),
            ErrorCode::InvalidRequest,
        ),
        ("an exponent", f.input("1e2"), ErrorCode::InvalidRequest),
        ("empty", f.input(""), ErrorCode::InvalidRequest),
        (
            "an unknown method",
            PaymentInput {
                method_id: other_panel_method,
                ..f.input("10")
            },
            ErrorCode::InvalidRequest,
        ),
        (
            "an unknown user",
            PaymentInput {
                username: "nobody_here_at_all".into(),
                ..f.input("10")
            },
            ErrorCode::NotFound,
        ),
    ];
    for (what, input, code) in cases {
        let err = f.prepare(input).unwrap_err();
        assert_eq!(err.code(), code, "{what}: {err}");
        assert!(err.fix().is_some(), "{what}: a fix");
    }
    // Offline: refused with the reason, nothing queued.
    f.fake.stop();
    let err = f.prepare(f.input("10")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unreachable);
    assert!(
        err.to_string().contains("nothing was sent or queued"),
        "{err}"
    );
    f.fake.restart().unwrap();
    assert!(f.payments_written().is_empty(), "nothing reached the panel");
}

#[test]
fn a_confirmed_payment_is_sent_once_with_exactly_what_was_confirmed_and_read_back_into_the_cache() {
    let f = fx();
    let c = f.prepare(f.input("12.5")).unwrap();
    assert_eq!(
        (
            c.amount_text.as_str(),
            c.currency.as_str(),
            c.method.as_str(),
            c.method_display.as_str()
        ),
        ("12.50", "USD", "Bank Transfer (manual)", "Bank")
    );
    assert!(f.payments_written().is_empty(), "confirming sends nothing");
    let out =
        f.rt.block_on(money::payments::send(&f.engine, &Actor::cli(), &c))
            .unwrap();
    assert_eq!(out.outcome, Outcome::Sent);
    let id = out.payment_id.unwrap();
    let written = f.payments_written();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].body["username"], f.user.as_str());
    assert_eq!(written[0].body["amount"], "12.50");
    assert_eq!(written[0].body["method"], "Bank Transfer (manual)");
    assert_eq!(written[0].body["memo"], "refund for #550039");
    // In the cache, as the panel has it.
    let cached: (String, i64) =
        f.db.cache()
            .unwrap()
            .query_row(
                "SELECT user, amount FROM payments WHERE panel_id = ?1 AND id = ?2",
                [f.panel_id, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
    assert_eq!(cached, (f.user.clone(), 12_500_000));
    // Submitted again (a double click): nothing more is sent.
    let again =
        f.rt.block_on(money::payments::send(&f.engine, &Actor::cli(), &c))
            .unwrap();
    assert!(again.repeated);
    assert_eq!(again.payment_id, Some(id));
    assert_eq!(f.payments_written().len(), 1);
    let log = activity::recent(&f.db.local().unwrap(), 10).unwrap();
    let row = log.iter().find(|r| r.action == Action::Payment).unwrap();
    assert_eq!(row.outcome, Outcome::Sent);
    assert!(row
        .details
        .as_deref()
        .unwrap()
        .contains("12.50 USD by Bank Transfer (manual)"));
}

#[test]
fn two_submits_at_once_send_once() {
    let f = fx();
    let c = f.prepare(f.input("20")).unwrap();
    let actor = Actor::cli();
    let (a, b) = f.rt.block_on(async {
        tokio::join!(
            money::payments::send(&f.engine, &actor, &c),
            money::payments::send(&f.engine, &actor, &c)
        )
    });
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!([a.repeated, b.repeated].iter().filter(|r| **r).count(), 1);
    assert_eq!(f.payments_written().len(), 1);
}

#[test]
fn a_refusal_is_reported_with_the_panel_s_reason_and_sent_once() {
    let f = fx();
    let c = f.prepare(f.input("30")).unwrap();
    f.fake.set_faults(Faults {
        refuse_with: Some("Amount exceeds limit".into()),
        ..Faults::default()
    });
    let out =
        f.rt.block_on(money::payments::send(&f.engine, &Actor::cli(), &c))
            .unwrap();
    assert_eq!(out.outcome, Outcome::Failed);
    assert!(out.message.unwrap().contains("Amount exceeds limit"));
    let written = f.payments_written();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].error_code, 9);
}

#[test]
fn a_payment_applied_before_a_500_is_unknown_and_shows_the_user_s_latest_payments() {
    let f = fx();
    let c = f.prepare(f.input("40")).unwrap();
    f.fake.set_faults(Faults {
        fail_after_write: true,
        ..Faults::default()
    });
    let out =
        f.rt.block_on(money::payments::send(&f.engine, &Actor::cli(), &c))
            .unwrap();
    f.fake.set_faults(Faults::default());
    assert_eq!(out.outcome, Outcome::Unknown);
    assert!(out.message.unwrap().contains("before trying again"));
    // The panel did apply it: it is among the latest the operator is shown.
    assert!(out
        .latest
        .iter()
        .any(|p| p.user == f.user && p.amount.as_ref().map(|m| m.micros) == Some(40_000_000)));
    assert_eq!(f.payments_written().len(), 1);
    // The same confirmation again sends nothing.
    let again =
        f.rt.block_on(money::payments::send(&f.engine, &Actor::cli(), &c))
            .unwrap();
    assert!(again.repeated && again.outcome == Outcome::Unknown);
    assert_eq!(f.payments_written().len(), 1);
}

#[test]
fn a_payment_goes_offline_between_confirming_and_sending_and_nothing_is_queued() {
    let mut f = fx();
    let c = f.prepare(f.input("15")).unwrap();
    f.fake.stop();
    let out =
        f.rt.block_on(money::payments::send(&f.engine, &Actor::cli(), &c))
            .unwrap();
    assert_eq!(out.outcome, Outcome::Failed);
    assert!(out.message.unwrap().contains("nothing is queued"));
    f.fake.restart().unwrap();
    assert!(f.payments_written().is_empty());
}
