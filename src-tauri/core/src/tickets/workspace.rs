//! What the reply workspace opens: the cached ticket, this ticket's replies
//! in the outbox, the actions its panel lacks and the staff name a reply
//! will carry. Opening marks the customer's messages read for the operator.

use rusqlite::params;
use serde::Serialize;

use super::{actions::missing_actions, outbox, OutboxRow, TicketAction};
use crate::{
    browse::{self, TicketView},
    db::{LocalConn, ReadConn, Writer},
    operators::{self, Operator},
    panels, Result,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Workspace {
    pub view: TicketView,
    pub outbox: Vec<OutboxRow>,
    pub missing_actions: Vec<TicketAction>,
    /// The name a reply from the current operator carries; None: replying
    /// is refused until one is set.
    pub staff_name: Option<String>,
    pub operator: Operator,
}

pub fn workspace(read: &ReadConn, panel_id: i64, id: i64) -> Result<Workspace> {
    let local = read.local();
    let operator = operators::current(local)?;
    let panel = panels::by_id(local, panel_id)?;
    Ok(Workspace {
        view: browse::ticket_view(read, panel_id, id)?,
        outbox: outbox::list(local, Some((panel_id, id)))?,
        missing_actions: missing_actions(local, panel_id)?,
        staff_name: operators::staff_name(local, operator.id, &panel)?,
        operator,
    })
}

/// Records that `operator` has seen `customer_messages` of the ticket's
/// customer messages: fewer than the cache holds later are unread.
pub async fn mark_read(
    writer: &Writer,
    operator: i64,
    panel_id: i64,
    ticket_id: i64,
    customer_messages: i64,
) -> Result<()> {
    writer
        .run(move |w| {
            w.local
                .execute(
                    "INSERT INTO ticket_reads (operator_id, panel_id, ticket_id, customer_messages, read_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (operator_id, panel_id, ticket_id) DO UPDATE SET
                        customer_messages = max(customer_messages, excluded.customer_messages),
                        read_at = excluded.read_at",
                    params![operator, panel_id, ticket_id, customer_messages, chrono::Utc::now().timestamp()],
                )
                .map_err(LocalConn::err)?;
            Ok(())
        })
        .await
}
