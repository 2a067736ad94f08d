//! The detail panes: an order, a user, a payment; and private notes.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{
    filters::{
        order_row, payment_row, ticket_row, user_row, ORDER_COLUMNS, PAYMENT_COLUMNS,
        TICKET_COLUMNS, USER_COLUMNS,
    },
    BrowseError, OrderRow, PaymentRow, TicketRow, UserRow,
};
use crate::db::{CacheConn, LocalConn, ReadConn};
use crate::{Error, Result};

/// A ticket that quotes an order's ID.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketMention {
    pub ticket: TicketRow,
    /// When the customer or staff first quoted the order in it.
    pub quoted_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderDetail {
    pub order: OrderRow,
    /// The customer, when cached (matched by username on the same panel).
    pub user: Option<UserRow>,
    pub mentions: Vec<TicketMention>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Note {
    pub id: i64,
    pub panel_id: i64,
    pub user_id: i64,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserDetail {
    pub user: UserRow,
    /// The newest orders, at most RECENT.
    pub orders: Vec<OrderRow>,
    pub order_count: u64,
    pub payments: Vec<PaymentRow>,
    pub payment_count: u64,
    pub tickets: Vec<TicketRow>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentDetail {
    pub payment: PaymentRow,
    pub user: Option<UserRow>,
}

/// Rows of each kind a user's pane lists (the tables filtered by user show all).
const RECENT: i64 = 50;

fn not_found(what: &'static str, id: i64) -> Error {
    BrowseError::NotFound { what, id }.into()
}

fn user_by_name(cache: &CacheConn, panel_id: i64, username: &str) -> Result<Option<UserRow>> {
    cache
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE panel_id = ?1 AND username = ?2"),
            params![panel_id, username],
            user_row,
        )
        .optional()
        .map_err(CacheConn::err)
}

pub fn order_detail(cache: &ReadConn, panel_id: i64, id: i64) -> Result<OrderDetail> {
    let order = cache
        .query_row(
            &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE panel_id = ?1 AND id = ?2"),
            params![panel_id, id],
            order_row,
        )
        .optional()
        .map_err(CacheConn::err)?
        .ok_or_else(|| not_found("order", id))?;
    let user = user_by_name(cache, panel_id, &order.user)?;
    // The messages quoting the ID (kept per message at write time), newest
    // ticket first; the first such message of each ticket dates the mention.
    let mut st = cache
        .prepare_cached(
            "SELECT ticket_id, created FROM quoted_orders
             WHERE panel_id = ?1 AND order_id = ?2
             ORDER BY ticket_id DESC, seq",
        )
        .map_err(CacheConn::err)?;
    let mut quoted: Vec<(i64, Option<i64>)> = Vec::new();
    let rows = st
        .query_map(params![panel_id, id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
        })
        .map_err(CacheConn::err)?;
    for row in rows {
        let (ticket, at) = row.map_err(CacheConn::err)?;
        match quoted.last_mut() {
            Some((t, first)) if *t == ticket => {
                *first = match (*first, at) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            _ => quoted.push((ticket, at)),
        }
    }
    let mut mentions = Vec::with_capacity(quoted.len());
    for (ticket_id, quoted_at) in quoted {
        if let Some(ticket) = ticket(cache, panel_id, ticket_id)? {
            mentions.push(TicketMention { ticket, quoted_at });
        }
    }
    Ok(OrderDetail {
        order,
        user,
        mentions,
    })
}

fn ticket(cache: &ReadConn, panel_id: i64, id: i64) -> Result<Option<TicketRow>> {
    cache
        .query_row(
            &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE panel_id = ?1 AND id = ?2"),
            params![panel_id, id],
            ticket_row,
        )
        .optional()
        .map_err(CacheConn::err)
}

pub fn user_detail(cache: &ReadConn, panel_id: i64, id: i64) -> Result<UserDetail> {
    let user = cache
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE panel_id = ?1 AND id = ?2"),
            params![panel_id, id],
            user_row,
        )
        .optional()
        .map_err(CacheConn::err)?
        .ok_or_else(|| not_found("user", id))?;
    let name = user.username.as_str();
    let rows = |q: &str| -> Result<rusqlite::CachedStatement<'_>> {
        cache.prepare_cached(q).map_err(CacheConn::err)
    };
    let orders = rows(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE panel_id = ?1 AND user = ?2 ORDER BY created DESC, id DESC LIMIT ?3"
    ))?
    .query_map(params![panel_id, name, RECENT], order_row)
    .map_err(CacheConn::err)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(CacheConn::err)?;
    let count_of = |table: &str| -> Result<u64> {
        cache
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE panel_id = ?1 AND user = ?2"),
                params![panel_id, name],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(CacheConn::err)
    };
    let payments = rows(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE panel_id = ?1 AND user = ?2 ORDER BY created DESC, id DESC LIMIT ?3"
    ))?
    .query_map(params![panel_id, name, RECENT], payment_row)
    .map_err(CacheConn::err)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(CacheConn::err)?;
    let tickets = rows(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE panel_id = ?1 AND (user_id = ?2 OR username = ?3) ORDER BY id DESC LIMIT ?4"
    ))?
    .query_map(params![panel_id, id, name, RECENT], ticket_row)
    .map_err(CacheConn::err)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(CacheConn::err)?;
    Ok(UserDetail {
        order_count: count_of("orders")?,
        payment_count: count_of("payments")?,
        orders,
        payments,
        tickets,
        notes: notes(cache.local(), panel_id, id)?,
        user,
    })
}

pub fn payment_detail(cache: &CacheConn, panel_id: i64, id: i64) -> Result<PaymentDetail> {
    let payment = cache
        .query_row(
            &format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE panel_id = ?1 AND id = ?2"),
            params![panel_id, id],
            payment_row,
        )
        .optional()
        .map_err(CacheConn::err)?
        .ok_or_else(|| not_found("payment", id))?;
    let user = user_by_name(cache, panel_id, &payment.user)?;
    Ok(PaymentDetail { payment, user })
}

/// A user's private notes, newest first. They live in local.sqlite3 only.
pub fn notes(local: &LocalConn, panel_id: i64, user_id: i64) -> Result<Vec<Note>> {
    let mut st = local
        .prepare_cached(
            "SELECT id, panel_id, user_id, body, created_at FROM user_notes
             WHERE panel_id = ?1 AND user_id = ?2 ORDER BY created_at DESC, id DESC",
        )
        .map_err(LocalConn::err)?;
    let notes = st
        .query_map(params![panel_id, user_id], |r| {
            Ok(Note {
                id: r.get("id")?,
                panel_id: r.get("panel_id")?,
                user_id: r.get("user_id")?,
                body: r.get("body")?,
                created_at: r.get("created_at")?,
            })
        })
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(LocalConn::err)?;
    Ok(notes)
}

pub fn add_note(local: &LocalConn, panel_id: i64, user_id: i64, body: &str) -> Result<Note> {
    let body = body.trim();
    if body.is_empty() {
        return Err(BrowseError::EmptyNote.into());
    }
    let now = chrono::Utc::now().timestamp();
    local
        .execute(
            // The note belongs to the operator working now.
            "INSERT INTO user_notes (panel_id, user_id, body, created_at, operator_id)
             VALUES (?1, ?2, ?3, ?4, (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'current_operator'))",
            params![panel_id, user_id, body, now],
        )
        .map_err(LocalConn::err)?;
    Ok(Note {
        id: local.last_insert_rowid(),
        panel_id,
        user_id,
        body: body.to_owned(),
        created_at: now,
    })
}

pub fn delete_note(local: &LocalConn, id: i64) -> Result<()> {
    local
        .execute("DELETE FROM user_notes WHERE id = ?1", [id])
        .map_err(LocalConn::err)?;
    Ok(())
}
