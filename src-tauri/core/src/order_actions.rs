//! Acting on orders: resend, cancel (with a reason), request cancel, change
//! status, set partial and edit link, on one order or many. Each is sent
//! online, through the panel's one client, after the operator confirmed it;
//! the answer says per order whether it was done or skipped, and the orders
//! acted on are re-read from the panel into the cache by the one writer.
//! Every action is logged.

use serde::{Deserialize, Serialize};

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::CacheConn,
    model::Order,
    panel::{ActionOutcome, ListQuery, PanelError},
    panels, store,
    sync::Engine,
    Result,
};

/// Orders one action may name (the panel's own bulk limit is unknown; a
/// hundred keeps a request small).
pub const MAX_ORDERS: usize = 100;

/// The statuses "change status" may set.
pub const STATUSES: &[&str] = &[
    "pending",
    "in_progress",
    "processing",
    "completed",
    "partial",
    "canceled",
    "error",
    "fail",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrderAction {
    /// Sends failed orders to their provider again (not a refill).
    Resend,
    /// Cancels and refunds.
    Cancel {
        reason: Option<String>,
    },
    RequestCancel,
    ChangeStatus {
        status: String,
    },
    /// One order: how many were not delivered.
    SetPartial {
        remains: i64,
    },
    /// One order: its new link.
    EditLink {
        link: String,
    },
}

impl OrderAction {
    fn name(&self) -> &'static str {
        match self {
            OrderAction::Resend => "resend",
            OrderAction::Cancel { .. } => "cancel",
            OrderAction::RequestCancel => "request cancel",
            OrderAction::ChangeStatus { .. } => "change status",
            OrderAction::SetPartial { .. } => "set partial",
            OrderAction::EditLink { .. } => "edit link",
        }
    }

    fn single(&self) -> bool {
        matches!(
            self,
            OrderAction::SetPartial { .. } | OrderAction::EditLink { .. }
        )
    }
}

/// What became of one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderResult {
    pub id: i64,
    pub done: bool,
    /// Why the panel skipped it.
    pub reason: Option<String>,
    /// The order's status on the panel afterwards, when re-read.
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderActionError {
    #[error("choose at least one order, and at most {MAX_ORDERS}")]
    Count,
    #[error("{0} works on one order at a time")]
    OneOnly(&'static str),
    #[error("{0:?} is not an order status")]
    Status(String),
    #[error("remains must be between 0 and the order's quantity ({quantity})")]
    Remains { quantity: i64 },
    #[error("the link must be a web address")]
    Link,
    #[error("order {0} is not in the cache")]
    Unknown(i64),
}

/// Checks the action against the cached orders; nothing is sent.
pub fn check(cache: &CacheConn, panel_id: i64, ids: &[i64], action: &OrderAction) -> Result<()> {
    if ids.is_empty() || ids.len() > MAX_ORDERS {
        return Err(OrderActionError::Count.into());
    }
    if action.single() && ids.len() != 1 {
        return Err(OrderActionError::OneOnly(action.name()).into());
    }
    match action {
        OrderAction::ChangeStatus { status } if !STATUSES.contains(&status.as_str()) => {
            return Err(OrderActionError::Status(status.clone()).into())
        }
        OrderAction::SetPartial { remains } => {
            let quantity: Option<i64> = cache
                .query_row(
                    "SELECT quantity FROM orders WHERE panel_id = ?1 AND id = ?2",
                    [panel_id, ids[0]],
                    |r| r.get(0),
                )
                .ok();
            let quantity = quantity.ok_or(OrderActionError::Unknown(ids[0]))?;
            if *remains < 0 || *remains > quantity {
                return Err(OrderActionError::Remains { quantity }.into());
            }
        }
        OrderAction::EditLink { link } => {
            let ok = url::Url::parse(link.trim())
                .map(|u| matches!(u.scheme(), "http" | "https"))
                .unwrap_or(false);
            if !ok {
                return Err(OrderActionError::Link.into());
            }
        }
        _ => {}
    }
    Ok(())
}

/// Does `action` on the orders `ids` of a panel, online, and re-reads them.
pub async fn act(
    engine: &Engine,
    actor: &Actor,
    panel_id: i64,
    ids: &[i64],
    action: &OrderAction,
) -> Result<Vec<OrderResult>> {
    check(&engine.db().cache()?, panel_id, ids, action)?;
    let panel = panels::by_id(&engine.db().local()?, panel_id)?;
    let client = engine.client(&panel)?;
    let answer: std::result::Result<ActionOutcome, PanelError> = match action {
        OrderAction::Resend => client.resend(ids).await,
        OrderAction::Cancel { reason } => {
            let reason = reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            client.cancel(ids, reason).await
        }
        OrderAction::RequestCancel => client.request_cancel(ids).await,
        OrderAction::ChangeStatus { status } => client.change_status(ids, status).await,
        OrderAction::SetPartial { remains } => {
            client
                .set_partial(ids[0], *remains)
                .await
                .map(|()| ActionOutcome {
                    ids: ids.to_vec(),
                    skipped_ids: Vec::new(),
                })
        }
        OrderAction::EditLink { link } => {
            client
                .edit_link(ids[0], link.trim())
                .await
                .map(|()| ActionOutcome {
                    ids: ids.to_vec(),
                    skipped_ids: Vec::new(),
                })
        }
    };
    let outcome = match &answer {
        Ok(_) => Outcome::Sent,
        Err(PanelError::OutcomeUnknown { .. }) => Outcome::Unknown,
        Err(_) => Outcome::Failed,
    };
    // Whatever the answer, the orders are re-read: an unknown outcome shows
    // what the panel now holds.
    let q = ListQuery {
        ids: ids.to_vec(),
        limit: Some(MAX_ORDERS as u32),
        ..ListQuery::default()
    };
    let reread: Vec<Order> = match client.orders(&q).await {
        Ok(page) => page
            .rows
            .into_iter()
            .filter(|o| ids.contains(&o.id))
            .collect(),
        Err(e) => {
            tracing::warn!("orders acted on could not be re-read: {e}");
            Vec::new()
        }
    };
    let status_of = |id: i64| reread.iter().find(|o| o.id == id).map(|o| o.status.clone());
    let results: Vec<OrderResult> = match &answer {
        Ok(done) => ids
            .iter()
            .map(|id| {
                let skipped = done.skipped_ids.contains(id) || !done.ids.contains(id);
                OrderResult {
                    id: *id,
                    done: !skipped,
                    reason: skipped.then(|| match status_of(*id) {
                        Some(s) => format!("the panel skipped it (it is {s})"),
                        None => "the panel skipped it".into(),
                    }),
                    status: status_of(*id),
                }
            })
            .collect(),
        Err(e) => ids
            .iter()
            .map(|id| OrderResult {
                id: *id,
                done: false,
                reason: Some(e.to_string()),
                status: status_of(*id),
            })
            .collect(),
    };
    if !reread.is_empty() {
        store::save_orders(engine.writer(), panel_id, reread).await?;
    }
    let done = results.iter().filter(|r| r.done).count();
    let entry = Entry {
        actor: actor.clone(),
        panel: Some((panel.id, panel.name.clone())),
        action: Action::OrderAction,
        target: Some(format!(
            "orders {}",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        )),
        outcome,
        details: Some(format!(
            "{}: {done} done, {} skipped",
            action.name(),
            results.len() - done
        )),
    };
    let install_id = engine.db().install_id().to_owned();
    engine
        .writer()
        .run(move |w| activity::append(&w.local, &install_id, &entry))
        .await?;
    match answer {
        Err(e @ (PanelError::Unreachable { .. } | PanelError::WrongKey)) => Err(e.into()),
        _ => Ok(results),
    }
}
