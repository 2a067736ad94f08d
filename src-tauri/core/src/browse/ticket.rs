//! A ticket as the reply workspace shows it: the conversation (sanitised),
//! the orders it quotes with their cached status, and the customer's recent
//! orders, payments and private notes. All from the cache, in a few indexed
//! queries: opening a ticket never waits on a panel.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{
    detail::{notes, Note},
    filters::{
        order_row, payment_row, ticket_row, user_row, waiting_since, ORDER_COLUMNS,
        PAYMENT_COLUMNS, TICKET_COLUMNS, USER_COLUMNS,
    },
    BrowseError, OrderRow, PaymentRow, TicketRow, UserRow,
};
use crate::db::{CacheConn, ReadConn};
use crate::{sanitize::safe_html, text::order_ids, Result};

/// The customer's orders and payments shown beside a ticket.
const BESIDE: i64 = 10;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageView {
    pub seq: i64,
    pub is_staff: bool,
    pub staff_name: Option<String>,
    pub created: Option<i64>,
    /// The message made safe to show (`sanitize::safe_html`).
    pub html: String,
}

/// An order ID the ticket quotes, and the order when it is cached.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuotedOrder {
    pub id: i64,
    pub order: Option<OrderRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketView {
    pub ticket: TicketRow,
    pub messages: Vec<MessageView>,
    /// Customer messages in the conversation: what "read" records.
    pub customer_messages: i64,
    pub quoted_orders: Vec<QuotedOrder>,
    pub user: Option<UserRow>,
    pub recent_orders: Vec<OrderRow>,
    pub recent_payments: Vec<PaymentRow>,
    pub notes: Vec<Note>,
}

pub fn ticket_view(read: &ReadConn, panel_id: i64, id: i64) -> Result<TicketView> {
    let ticket = read
        .query_row(
            &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE panel_id = ?1 AND id = ?2"),
            params![panel_id, id],
            ticket_row,
        )
        .optional()
        .map_err(CacheConn::err)?
        .ok_or(BrowseError::NotFound { what: "ticket", id })?;
    let mut st = read
        .prepare_cached(
            "SELECT seq, is_staff, staff_name, created, message, coalesce(plain, '') AS plain
             FROM ticket_messages WHERE panel_id = ?1 AND ticket_id = ?2 ORDER BY seq",
        )
        .map_err(CacheConn::err)?;
    let mut quoted: Vec<i64> = Vec::new();
    let mut messages = Vec::new();
    let mut rows = st.query(params![panel_id, id]).map_err(CacheConn::err)?;
    while let Some(r) = rows.next().map_err(CacheConn::err)? {
        let is_staff: bool = r.get("is_staff").map_err(CacheConn::err)?;
        let html: String = r.get("message").map_err(CacheConn::err)?;
        if !is_staff {
            let plain: String = r.get("plain").map_err(CacheConn::err)?;
            let plain = if plain.is_empty() {
                crate::text::strip_html(&html)
            } else {
                plain
            };
            for o in order_ids(&plain) {
                if !quoted.contains(&o) {
                    quoted.push(o);
                }
            }
        }
        messages.push(MessageView {
            seq: r.get("seq").map_err(CacheConn::err)?,
            is_staff,
            staff_name: r.get("staff_name").map_err(CacheConn::err)?,
            created: r.get("created").map_err(CacheConn::err)?,
            html: safe_html(&html),
        });
    }
    drop(rows);
    let customer_messages = messages.iter().filter(|m| !m.is_staff).count() as i64;
    let mut order = read
        .prepare_cached(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE panel_id = ?1 AND id = ?2"
        ))
        .map_err(CacheConn::err)?;
    let quoted_orders = quoted
        .into_iter()
        .map(|oid| {
            let order = order
                .query_row(params![panel_id, oid], order_row)
                .optional()
                .map_err(CacheConn::err)?;
            Ok(QuotedOrder { id: oid, order })
        })
        .collect::<Result<Vec<_>>>()?;
    let user = match ticket.user_id {
        Some(uid) => read
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE panel_id = ?1 AND id = ?2"),
                params![panel_id, uid],
                user_row,
            )
            .optional(),
        None => read
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE panel_id = ?1 AND username = ?2"),
                params![panel_id, ticket.username],
                user_row,
            )
            .optional(),
    }
    .map_err(CacheConn::err)?;
    let recent = |sql: String| read.prepare_cached(&sql).map_err(CacheConn::err);
    let recent_orders = recent(format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE panel_id = ?1 AND user = ?2 ORDER BY created DESC, id DESC LIMIT ?3"
    ))?
    .query_map(params![panel_id, ticket.username, BESIDE], order_row)
    .map_err(CacheConn::err)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(CacheConn::err)?;
    let recent_payments = recent(format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE panel_id = ?1 AND user = ?2 ORDER BY created DESC, id DESC LIMIT ?3"
    ))?
    .query_map(params![panel_id, ticket.username, BESIDE], payment_row)
    .map_err(CacheConn::err)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(CacheConn::err)?;
    let notes = match &user {
        Some(u) => notes(read.local(), panel_id, u.id)?,
        None => Vec::new(),
    };
    Ok(TicketView {
        ticket,
        messages,
        customer_messages,
        quoted_orders,
        user,
        recent_orders,
        recent_payments,
        notes,
    })
}

/// Tickets per status, and how many wait for an answer: the list's live counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketCounts {
    pub by_status: Vec<(String, i64)>,
    pub waiting: i64,
}

pub fn ticket_counts(read: &ReadConn, panel_id: Option<i64>) -> Result<TicketCounts> {
    let mut st = read
        .prepare_cached(
            "SELECT status, count(*) FROM tickets WHERE (?1 IS NULL OR panel_id = ?1)
             GROUP BY status ORDER BY status",
        )
        .map_err(CacheConn::err)?;
    let by_status = st
        .query_map([panel_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(CacheConn::err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CacheConn::err)?;
    let waiting = read
        .query_row(
            concat!(
                "SELECT count(*) FROM tickets WHERE (?1 IS NULL OR panel_id = ?1) AND ",
                waiting_since!(),
                " IS NOT NULL"
            ),
            [panel_id],
            |r| r.get(0),
        )
        .map_err(CacheConn::err)?;
    Ok(TicketCounts { by_status, waiting })
}
