//! Adding a payment: checked whole before anything is sent, confirmed by the
//! operator, sent once and online only, and read back from the panel.
//!
//! 1. [`prepare`] validates the amount (positive, within the method's
//!    limits, no more decimals than the currency has), the method and the
//!    memo, and asks the panel itself whether the user exists. It returns
//!    the confirmation: exactly what will be sent, under a fresh token.
//! 2. [`send`] claims the token in `local.sqlite3` before the request leaves:
//!    a second submit of the same confirmation (a double click, a retry
//!    after a crash) finds it claimed and sends nothing. Money never waits
//!    in an outbox: offline, it is refused.
//! 3. The panel's answer decides. A payment id is read back from the panel
//!    and written to the cache by the one writer. A lost answer is
//!    "unknown": the user's latest payments on the panel are shown so the
//!    operator can check before trying again.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{amount, methods, MoneyError};
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    model::Payment,
    panel::{ListQuery, PanelError},
    panels::{self, Panel},
    store,
    sync::Engine,
    Result,
};

/// A memo longer than this is refused (panels cut or refuse them).
const MAX_MEMO: usize = 500;
/// The user's payments shown after an unknown outcome.
const LATEST: u32 = 5;

/// A payment as the form sends it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentInput {
    pub panel_id: i64,
    pub username: String,
    pub method_id: i64,
    /// As typed: decimal text in the panel's currency.
    pub amount: String,
    pub memo: String,
    pub affiliate_commission: bool,
}

/// Exactly what will be sent, for the operator to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Confirmation {
    /// Sending the same confirmation twice sends once.
    pub token: String,
    pub panel_id: i64,
    pub panel_name: String,
    pub username: String,
    /// The method's internal name, sent as it is.
    pub method: String,
    pub method_display: String,
    pub amount_micros: i64,
    /// The amount as the currency writes it ("12.50").
    pub amount_text: String,
    pub currency: String,
    pub memo: String,
    pub affiliate_commission: bool,
}

/// What became of a confirmed payment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentOutcome {
    pub outcome: Outcome,
    /// The panel's id of the new payment.
    pub payment_id: Option<i64>,
    /// Why it failed, or why its outcome is unknown.
    pub message: Option<String>,
    /// After an unknown outcome: the user's latest payments on the panel.
    pub latest: Vec<Payment>,
    /// True when this confirmation had already been sent: nothing was sent now.
    pub repeated: bool,
}

fn offline(e: &PanelError) -> bool {
    matches!(
        e,
        PanelError::Unreachable { .. } | PanelError::Timeout(_) | PanelError::Interrupted { .. }
    )
}

/// Checks a payment and returns its confirmation; nothing is sent.
pub async fn prepare(engine: &Engine, input: PaymentInput) -> Result<Confirmation> {
    let (panel, method) = {
        let local = engine.db().local()?;
        let panel = panels::by_id(&local, input.panel_id)?;
        let method = methods::get(&local, input.method_id)?;
        (panel, method)
    };
    if method.panel_id != panel.id {
        return Err(MoneyError::UnknownMethod.into());
    }
    let currency = panel.currency.clone().ok_or(MoneyError::NoCurrency)?;
    let micros = amount::parse(&input.amount, &currency).map_err(MoneyError::Amount)?;
    if micros < method.min_micros || micros > method.max_micros {
        return Err(MoneyError::OutOfRange {
            min: amount::format(method.min_micros, &currency),
            max: amount::format(method.max_micros, &currency),
            currency,
        }
        .into());
    }
    if input.memo.chars().count() > MAX_MEMO {
        return Err(
            MoneyError::Invalid(format!("the memo is longer than {MAX_MEMO} characters")).into(),
        );
    }
    let username = input.username.trim().to_owned();
    if username.is_empty() {
        return Err(MoneyError::UnknownUser(username).into());
    }
    user_on_panel(engine, &panel, &username).await?;
    Ok(Confirmation {
        token: uuid::Uuid::new_v4().simple().to_string(),
        panel_id: panel.id,
        panel_name: panel.name,
        username,
        method: method.internal_name,
        method_display: method.display_name,
        amount_text: amount::format(micros, &currency),
        amount_micros: micros,
        currency,
        memo: input.memo,
        affiliate_commission: input.affiliate_commission,
    })
}

/// Asks the panel (through its one client) whether `username` exists there.
async fn user_on_panel(engine: &Engine, panel: &Panel, username: &str) -> Result<()> {
    let client = engine.client(panel)?;
    let q = ListQuery {
        user: Some(username.to_owned()),
        limit: Some(5),
        ..ListQuery::default()
    };
    match client.users(&q).await {
        Ok(page) if page.rows.iter().any(|u| u.username == username) => Ok(()),
        Ok(_) => Err(MoneyError::UnknownUser(username.to_owned()).into()),
        Err(e) if offline(&e) => Err(MoneyError::Offline(e.to_string()).into()),
        Err(e) => Err(e.into()),
    }
}

/// Sends a confirmed payment, once.
pub async fn send(engine: &Engine, actor: &Actor, c: &Confirmation) -> Result<PaymentOutcome> {
    if let Some(done) = claim(engine, c).await? {
        return Ok(done);
    }
    let panel = panels::by_id(&engine.db().local()?, c.panel_id)?;
    let client = engine.client(&panel)?;
    let answer = client
        .add_payment(
            &c.username,
            c.amount_micros,
            &c.method,
            &c.memo,
            c.affiliate_commission,
        )
        .await;
    let result = match answer {
        Ok(id) => {
            // Read back from the panel by its id, never built here.
            let q = ListQuery {
                ids: vec![id],
                user: Some(c.username.clone()),
                limit: Some(10),
                ..ListQuery::default()
            };
            match client.payments(&q).await {
                Ok(page) => {
                    let rows: Vec<Payment> = page.rows.into_iter().filter(|p| p.id == id).collect();
                    store::save_payments(engine.writer(), panel.id, rows).await?;
                }
                Err(e) => tracing::warn!("payment {id} was added; reading it back failed: {e}"),
            }
            PaymentOutcome {
                outcome: Outcome::Sent,
                payment_id: Some(id),
                message: None,
                latest: Vec::new(),
                repeated: false,
            }
        }
        Err(e @ PanelError::OutcomeUnknown { .. }) => {
            let q = ListQuery {
                user: Some(c.username.clone()),
                limit: Some(LATEST),
                ..ListQuery::default()
            };
            let latest = client
                .payments(&q)
                .await
                .map(|p| p.rows)
                .unwrap_or_default();
            PaymentOutcome {
                outcome: Outcome::Unknown,
                payment_id: None,
                message: Some(format!(
                    "{e}. Check the user's latest payments before trying again."
                )),
                latest,
                repeated: false,
            }
        }
        Err(e) if offline(&e) => PaymentOutcome {
            outcome: Outcome::Failed,
            payment_id: None,
            message: Some(format!("{e}; nothing was sent, and nothing is queued")),
            latest: Vec::new(),
            repeated: false,
        },
        Err(e) => PaymentOutcome {
            outcome: Outcome::Failed,
            payment_id: None,
            message: Some(e.to_string()),
            latest: Vec::new(),
            repeated: false,
        },
    };
    finish(engine, actor, c, &result).await?;
    Ok(result)
}

/// Claims the confirmation's token; the earlier outcome when it was claimed.
async fn claim(engine: &Engine, c: &Confirmation) -> Result<Option<PaymentOutcome>> {
    let c = c.clone();
    engine
        .writer()
        .run(move |w| {
            let inserted = w
                .local
                .execute(
                    "INSERT OR IGNORE INTO payment_sends (token, panel_id, panel_name, username, method,
                         amount_micros, currency, memo, sent_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        c.token,
                        c.panel_id,
                        c.panel_name,
                        c.username,
                        c.method,
                        c.amount_micros,
                        c.currency,
                        c.memo,
                        chrono::Utc::now().timestamp()
                    ],
                )
                .map_err(LocalConn::err)?;
            if inserted == 1 {
                return Ok(None);
            }
            let earlier: Option<(Option<Outcome>, Option<i64>, Option<String>)> = w
                .local
                .query_row(
                    "SELECT outcome, payment_id, error FROM payment_sends WHERE token = ?1",
                    [&c.token],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(LocalConn::err)?;
            let (outcome, payment_id, error) = earlier.unwrap_or((None, None, None));
            Ok(Some(PaymentOutcome {
                // Still under way in another call: as good as unknown here.
                outcome: outcome.unwrap_or(Outcome::Unknown),
                payment_id,
                message: Some(error.unwrap_or_else(|| "this payment was already sent once; it is not sent again".into())),
                latest: Vec::new(),
                repeated: true,
            }))
        })
        .await
}

async fn finish(
    engine: &Engine,
    actor: &Actor,
    c: &Confirmation,
    r: &PaymentOutcome,
) -> Result<()> {
    let (c, r, actor) = (c.clone(), r.clone(), actor.clone());
    let install_id = engine.db().install_id().to_owned();
    engine
        .writer()
        .run(move |w| {
            w.local
                .execute(
                    "UPDATE payment_sends SET outcome = ?2, payment_id = ?3, error = ?4 WHERE token = ?1",
                    params![c.token, r.outcome, r.payment_id, r.message],
                )
                .map_err(LocalConn::err)?;
            activity::append(
                &w.local,
                &install_id,
                &Entry {
                    actor,
                    panel: Some((c.panel_id, c.panel_name.clone())),
                    action: Action::Payment,
                    target: Some(format!("user {}", c.username)),
                    outcome: r.outcome,
                    details: Some(match r.payment_id {
                        Some(id) => format!("{} {} by {}; payment {id}", c.amount_text, c.currency, c.method),
                        None => format!(
                            "{} {} by {}; {}",
                            c.amount_text,
                            c.currency,
                            c.method,
                            r.message.unwrap_or_default()
                        ),
                    }),
                },
            )
        })
        .await
}
