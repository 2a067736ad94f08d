//! Each table's rows, filters and sortable columns.

use rusqlite::{types::Value, Row};
use serde::{Deserialize, Serialize};

use super::{Filter, KeyKind, SortColumn, Table, Where};
use crate::db::{self, CacheConn, ReadConn};
use crate::{model::Resource, Result};

macro_rules! sort {
    ($name:literal, $expr:literal, $kind:ident) => {
        SortColumn {
            name: $name,
            expr: $expr,
            kind: KeyKind::$kind,
        }
    };
}

// ---------------------------------------------------------------- orders

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderRow {
    pub panel_id: i64,
    pub id: i64,
    pub external_id: Option<String>,
    pub user: String,
    /// `creation_type`: how the order was placed (api, web).
    pub source: Option<String>,
    /// Micro-units of `currency`.
    pub charge: Option<i64>,
    pub provider_charge: Option<i64>,
    pub currency: Option<String>,
    pub link: String,
    pub start_count: Option<i64>,
    pub quantity: i64,
    pub remains: i64,
    pub service_id: Option<i64>,
    pub service_name: String,
    pub status: String,
    pub provider: Option<String>,
    pub mode: Option<String>,
    pub created: i64,
    pub last_update: Option<i64>,
    pub finished_at: Option<i64>,
    pub ip_address: Option<String>,
}

pub(super) const ORDER_COLUMNS: &str = "panel_id, id, external_id, user, creation_type, charge, provider_charge, currency, link, start_count, quantity, remains, service_id, service_name, status, provider, mode, created, last_update, finished_at, ip_address";

pub(super) fn order_row(r: &Row) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        panel_id: r.get("panel_id")?,
        id: r.get("id")?,
        external_id: r.get("external_id")?,
        user: r.get("user")?,
        source: r.get("creation_type")?,
        charge: r.get("charge")?,
        provider_charge: r.get("provider_charge")?,
        currency: r.get("currency")?,
        link: r.get("link")?,
        start_count: r.get("start_count")?,
        quantity: r.get("quantity")?,
        remains: r.get("remains")?,
        service_id: r.get("service_id")?,
        service_name: r.get("service_name")?,
        status: r.get("status")?,
        provider: r.get("provider")?,
        mode: r.get("mode")?,
        created: r.get("created")?,
        last_update: r.get("last_update")?,
        finished_at: r.get("finished_at")?,
        ip_address: r.get("ip_address")?,
    })
}

const ORDERS: Table<OrderRow> = Table {
    name: "orders",
    resource: Resource::Orders,
    row: order_row,
    select: ORDER_COLUMNS,
    sorts: &[
        sort!("id", "id", Int),
        sort!("created", "created", Int),
        sort!("charge", "coalesce(charge, -1)", Int),
        sort!("quantity", "quantity", Int),
        sort!("remains", "remains", Int),
    ],
};

/// The orders screen's filters; every field is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderFilter {
    pub panel_id: Option<i64>,
    pub status: Option<String>,
    pub mode: Option<String>,
    pub source: Option<String>,
    pub service_id: Option<i64>,
    pub provider: Option<String>,
    /// Unix seconds, inclusive.
    pub created_from: Option<i64>,
    /// Unix seconds, exclusive.
    pub created_to: Option<i64>,
    /// An order ID, or part of a link or username.
    pub text: Option<String>,
    /// Only these users' orders (a user's detail pane).
    pub user: Option<String>,
}

impl Filter for OrderFilter {
    type Row = OrderRow;
    const TABLE: &'static Table<OrderRow> = &ORDERS;

    fn panel(&self) -> Option<i64> {
        self.panel_id
    }

    fn conditions(&self, cache: &ReadConn) -> Result<Where> {
        let mut w = Where::default();
        w.eq_text("status", &self.status);
        w.eq_text("mode", &self.mode);
        w.eq_text("creation_type", &self.source);
        w.eq_int("service_id", self.service_id);
        w.eq_text("provider", &self.provider);
        w.eq_text("user", &self.user);
        w.range("created", self.created_from, self.created_to);
        match self.text.as_deref().map(str::trim) {
            // A whole username (what a customer quotes): that customer's
            // orders, through the (panel, user) index instead of a scan of
            // every link.
            Some(t) if is_username(cache, t)? => w.eq_text("user", &Some(t.to_owned())),
            Some(t) => {
                w.text(&self.text, &["link", "user"]);
                // Part of a link or username (not an order ID): only the
                // orders the trigram index says may hold it are read.
                if w.scans {
                    if let Some(ids) = super::text_index::candidates(cache, t)? {
                        w.among_ids(&ids);
                    }
                }
            }
            None => {}
        }
        Ok(w)
    }

    /// Counted from the hourly aggregates (cache migration 0006) when only
    /// their columns are filtered: the whole hours of the created range are
    /// summed there, its partial hours at both ends counted from the orders.
    /// A count over 1,000,000 orders walked them all (0.4 to 1.5 s encrypted).
    /// Free text and a user's orders are counted from the orders.
    fn count(&self, cache: &ReadConn) -> Result<u64> {
        let from_orders = |f: &OrderFilter| -> Result<u64> {
            let w = f.conditions(cache)?;
            super::count(cache, Self::TABLE, &super::panel_ids(cache, f.panel())?, &w)
        };
        let typed = |v: &Option<String>| v.as_deref().is_some_and(|t| !t.trim().is_empty());
        if typed(&self.text) || typed(&self.user) || !db::aggregates_kept(cache)? {
            return from_orders(self);
        }
        // The whole hours: from the first starting at or after `created_from`
        // to the last ending by `created_to` (exclusive).
        let first = self.created_from.map(|f| (f + 3599).div_euclid(3600));
        let last = self.created_to.map(|t| t.div_euclid(3600) - 1);
        if let (Some(f), Some(l)) = (first, last) {
            if f > l {
                return from_orders(self);
            }
        }
        let mut total = 0;
        if let (Some(from), Some(f)) = (self.created_from, first) {
            if from < f * 3600 {
                total += from_orders(&OrderFilter {
                    created_to: Some(f * 3600),
                    ..self.clone()
                })?;
            }
        }
        if let (Some(to), Some(l)) = (self.created_to, last) {
            if (l + 1) * 3600 < to {
                total += from_orders(&OrderFilter {
                    created_from: Some((l + 1) * 3600),
                    ..self.clone()
                })?;
            }
        }
        let mut w = Where::default();
        w.eq_text("status", &self.status);
        w.eq_text("mode", &self.mode);
        w.eq_text("source", &self.source);
        w.eq_int("service_id", self.service_id);
        w.eq_text("provider", &self.provider);
        if let Some(f) = first {
            w.add("hour >= ?", [Value::Integer(f)]);
        }
        if let Some(l) = last {
            w.add("hour <= ?", [Value::Integer(l)]);
        }
        for panel in super::panel_ids(cache, self.panel())? {
            let mut params = vec![Value::Integer(panel)];
            params.extend(w.params.iter().cloned());
            let n: i64 = cache
                .prepare_cached(&format!(
                    "SELECT coalesce(sum(orders), 0) FROM agg_orders WHERE panel_id = ?{}",
                    w.sql()
                ))
                .and_then(|mut st| st.query_row(rusqlite::params_from_iter(params), |r| r.get(0)))
                .map_err(CacheConn::err)?;
            total += n as u64;
        }
        Ok(total)
    }
}

/// True when some panel has a customer of exactly this name.
fn is_username(cache: &ReadConn, text: &str) -> Result<bool> {
    if text.is_empty() || text.parse::<i64>().is_ok() {
        return Ok(false);
    }
    cache
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)")
        .and_then(|mut st| st.query_row([text], |r| r.get(0)))
        .map_err(CacheConn::err)
}

// ---------------------------------------------------------------- users

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserRow {
    pub panel_id: i64,
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub balance: Option<i64>,
    pub spent: Option<i64>,
    pub currency: Option<String>,
    pub status: String,
    pub created: Option<i64>,
    pub last_auth: Option<i64>,
    /// Percent.
    pub discount: Option<i64>,
}

pub(super) const USER_COLUMNS: &str =
    "panel_id, id, username, email, balance, spent, currency, status, created, last_auth, discount";

pub(super) fn user_row(r: &Row) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        panel_id: r.get("panel_id")?,
        id: r.get("id")?,
        username: r.get("username")?,
        email: r.get("email")?,
        balance: r.get("balance")?,
        spent: r.get("spent")?,
        currency: r.get("currency")?,
        status: r.get("status")?,
        created: r.get("created")?,
        last_auth: r.get("last_auth")?,
        discount: r.get("discount")?,
    })
}

const USERS: Table<UserRow> = Table {
    name: "users",
    resource: Resource::Users,
    row: user_row,
    select: USER_COLUMNS,
    sorts: &[
        sort!("id", "id", Int),
        sort!("username", "username", Text),
        sort!("balance", "coalesce(balance, -1)", Int),
        sort!("spent", "coalesce(spent, -1)", Int),
        sort!("created", "coalesce(created, 0)", Int),
        sort!("last_auth", "coalesce(last_auth, 0)", Int),
        sort!("discount", "coalesce(discount, 0)", Int),
    ],
};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserFilter {
    pub panel_id: Option<i64>,
    pub status: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// A user ID, or part of a username or email.
    pub text: Option<String>,
}

impl Filter for UserFilter {
    type Row = UserRow;
    const TABLE: &'static Table<UserRow> = &USERS;

    fn panel(&self) -> Option<i64> {
        self.panel_id
    }

    fn conditions(&self, _cache: &ReadConn) -> Result<Where> {
        let mut w = Where::default();
        w.eq_text("status", &self.status);
        w.range("created", self.created_from, self.created_to);
        w.text(&self.text, &["username", "email"]);
        Ok(w)
    }
}

// ---------------------------------------------------------------- payments

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentRow {
    pub panel_id: i64,
    pub id: i64,
    pub user: String,
    pub balance: Option<i64>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub method: String,
    pub status: String,
    pub fraud_risk: Option<String>,
    pub memo: String,
    pub mode: Option<String>,
    pub created: Option<i64>,
    pub updated: Option<i64>,
}

pub(super) const PAYMENT_COLUMNS: &str = "panel_id, id, user, balance, amount, currency, method, status, fraud_risk, memo, mode, created, updated";

pub(super) fn payment_row(r: &Row) -> rusqlite::Result<PaymentRow> {
    Ok(PaymentRow {
        panel_id: r.get("panel_id")?,
        id: r.get("id")?,
        user: r.get("user")?,
        balance: r.get("balance")?,
        amount: r.get("amount")?,
        currency: r.get("currency")?,
        method: r.get("method")?,
        status: r.get("status")?,
        fraud_risk: r.get("fraud_risk")?,
        memo: r.get("memo")?,
        mode: r.get("mode")?,
        created: r.get("created")?,
        updated: r.get("updated")?,
    })
}

const PAYMENTS: Table<PaymentRow> = Table {
    name: "payments",
    resource: Resource::Payments,
    row: payment_row,
    select: PAYMENT_COLUMNS,
    sorts: &[
        sort!("id", "id", Int),
        sort!("amount", "coalesce(amount, -1)", Int),
        sort!("created", "coalesce(created, 0)", Int),
        sort!("updated", "coalesce(updated, 0)", Int),
    ],
};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentFilter {
    pub panel_id: Option<i64>,
    pub status: Option<String>,
    pub method: Option<String>,
    pub mode: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// A payment ID, or part of a username or memo.
    pub text: Option<String>,
    /// Only this user's payments (a user's detail pane).
    pub user: Option<String>,
}

impl Filter for PaymentFilter {
    type Row = PaymentRow;
    const TABLE: &'static Table<PaymentRow> = &PAYMENTS;

    fn panel(&self) -> Option<i64> {
        self.panel_id
    }

    fn conditions(&self, _cache: &ReadConn) -> Result<Where> {
        let mut w = Where::default();
        w.eq_text("status", &self.status);
        w.eq_text("method", &self.method);
        w.eq_text("mode", &self.mode);
        w.eq_text("user", &self.user);
        w.range("created", self.created_from, self.created_to);
        w.text(&self.text, &["user", "memo"]);
        Ok(w)
    }
}

// ---------------------------------------------------------------- tickets

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketRow {
    pub panel_id: i64,
    pub id: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub subject: String,
    pub status: String,
    pub assignee: Option<String>,
    pub created: Option<i64>,
    pub last_update: Option<i64>,
    /// For a ticket not closed whose last message is the customer's: when
    /// the customer first wrote after the last staff message.
    pub waiting_since: Option<i64>,
    /// Customer messages cached since the current operator last opened it.
    pub unread: i64,
}

/// The customer's first message after the last staff one, for open tickets.
/// A customer message after the last staff message means the last message is
/// the customer's, so this is NULL exactly when nobody is waiting.
macro_rules! waiting_since {
    () => {
        "CASE WHEN lower(tickets.status) <> 'closed' THEN (
         SELECT min(m.created) FROM ticket_messages m
         WHERE m.panel_id = tickets.panel_id AND m.ticket_id = tickets.id AND m.is_staff = 0
           AND m.seq > coalesce((SELECT max(s.seq) FROM ticket_messages s
                                 WHERE s.panel_id = tickets.panel_id AND s.ticket_id = tickets.id
                                   AND s.is_staff = 1), -1)) END"
    };
}
pub(super) use waiting_since;

/// Customer messages in the cache less those the current operator (kept in
/// `local.settings`) had seen when they last opened the ticket.
macro_rules! unread {
    () => {
        "max(0, (SELECT count(*) FROM ticket_messages c
             WHERE c.panel_id = tickets.panel_id AND c.ticket_id = tickets.id AND c.is_staff = 0)
         - coalesce((SELECT r.customer_messages FROM local.ticket_reads r
             WHERE r.operator_id = (SELECT CAST(value AS INTEGER) FROM local.settings WHERE key = 'current_operator')
               AND r.panel_id = tickets.panel_id AND r.ticket_id = tickets.id), 0))"
    };
}

/// Needs `local` attached (a [`ReadConn`]).
pub(super) const TICKET_COLUMNS: &str = concat!(
    "panel_id, id, user_id, username, subject, status, assignee, created, last_update, ",
    waiting_since!(),
    " AS waiting_since, ",
    unread!(),
    " AS unread"
);

pub(super) fn ticket_row(r: &Row) -> rusqlite::Result<TicketRow> {
    Ok(TicketRow {
        panel_id: r.get("panel_id")?,
        id: r.get("id")?,
        user_id: r.get("user_id")?,
        username: r.get("username")?,
        subject: r.get("subject")?,
        status: r.get("status")?,
        assignee: r.get("assignee")?,
        created: r.get("created")?,
        last_update: r.get("last_update")?,
        waiting_since: r.get("waiting_since")?,
        unread: r.get("unread")?,
    })
}

const TICKETS: Table<TicketRow> = Table {
    name: "tickets",
    resource: Resource::Tickets,
    row: ticket_row,
    select: TICKET_COLUMNS,
    sorts: &[
        sort!("id", "id", Int),
        sort!("created", "coalesce(created, 0)", Int),
        sort!("last_update", "coalesce(last_update, 0)", Int),
    ],
};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketFilter {
    pub panel_id: Option<i64>,
    pub status: Option<String>,
    pub assignee: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// A ticket ID, or part of a username or subject.
    pub text: Option<String>,
    /// Only this user's tickets (a user's detail pane).
    pub username: Option<String>,
    /// Only tickets whose customer waits for an answer.
    pub waiting: Option<bool>,
}

impl Filter for TicketFilter {
    type Row = TicketRow;
    const TABLE: &'static Table<TicketRow> = &TICKETS;

    fn panel(&self) -> Option<i64> {
        self.panel_id
    }

    fn conditions(&self, _cache: &ReadConn) -> Result<Where> {
        let mut w = Where::default();
        w.eq_text("status", &self.status);
        w.eq_text("assignee", &self.assignee);
        w.eq_text("username", &self.username);
        w.range("created", self.created_from, self.created_to);
        w.text(&self.text, &["username", "subject"]);
        if self.waiting == Some(true) {
            w.add(concat!(waiting_since!(), " IS NOT NULL"), []);
        }
        Ok(w)
    }
}

// ---------------------------------------------------------------- services

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceRow {
    pub panel_id: i64,
    pub id: i64,
    pub name: String,
    pub kind: Option<String>,
    pub category: Option<String>,
    /// Micro-units per 1000, in the panel's currency.
    pub rate: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Imported from a file (`service_descriptions`); kept in local.sqlite3.
    pub description: Option<String>,
}

fn service_row(r: &Row) -> rusqlite::Result<ServiceRow> {
    Ok(ServiceRow {
        panel_id: r.get("panel_id")?,
        id: r.get("id")?,
        name: r.get("name")?,
        kind: r.get("kind")?,
        category: r.get("category")?,
        rate: r.get("rate")?,
        min: r.get("min")?,
        max: r.get("max")?,
        description: r.get("description")?,
    })
}

const SERVICES: Table<ServiceRow> = Table {
    name: "services",
    resource: Resource::Services,
    row: service_row,
    select: "panel_id, id, name, kind, category, rate, min, max,
             (SELECT d.description FROM local.service_descriptions d
              WHERE d.panel_id = services.panel_id AND d.service_id = services.id) AS description",
    sorts: &[
        sort!("id", "id", Int),
        sort!("name", "name", Text),
        sort!("rate", "coalesce(rate, -1)", Int),
    ],
};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceFilter {
    pub panel_id: Option<i64>,
    pub kind: Option<String>,
    pub category: Option<String>,
    /// A service ID, or part of its name or category.
    pub text: Option<String>,
}

impl Filter for ServiceFilter {
    type Row = ServiceRow;
    const TABLE: &'static Table<ServiceRow> = &SERVICES;

    fn panel(&self) -> Option<i64> {
        self.panel_id
    }

    fn conditions(&self, _cache: &ReadConn) -> Result<Where> {
        let mut w = Where::default();
        w.eq_text("kind", &self.kind);
        w.eq_text("category", &self.category);
        w.text(&self.text, &["name", "category"]);
        Ok(w)
    }
}

// ---------------------------------------------------------------- facets

/// A service as a filter offers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceOption {
    pub panel_id: i64,
    pub id: i64,
    pub name: String,
}

/// The values the filters offer, read from what is cached.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Facets {
    pub order_statuses: Vec<String>,
    pub modes: Vec<String>,
    pub sources: Vec<String>,
    pub providers: Vec<String>,
    pub services: Vec<ServiceOption>,
    pub user_statuses: Vec<String>,
    pub payment_statuses: Vec<String>,
    pub payment_methods: Vec<String>,
    pub ticket_statuses: Vec<String>,
    pub assignees: Vec<String>,
    pub service_kinds: Vec<String>,
}

fn distinct(cache: &ReadConn, table: &str, column: &str) -> Result<Vec<String>> {
    // From each value to the next through the column's index (cache
    // migration 0008): a seek per value, where `DISTINCT` walks every row
    // (60 to 90 ms a column at 1,000,000 orders' worth of payments and
    // users). Ascending, without NULL or ''.
    let q = format!(
        "WITH RECURSIVE seen(v) AS (
             SELECT min({column}) FROM {table} WHERE {column} > ''
             UNION ALL
             SELECT (SELECT min({column}) FROM {table} WHERE {column} > seen.v) FROM seen
             WHERE seen.v IS NOT NULL)
         SELECT v FROM seen WHERE v IS NOT NULL"
    );
    let mut st = cache.prepare_cached(&q).map_err(CacheConn::err)?;
    let v = st
        .query_map([], |r| r.get::<_, Value>(0))
        .map_err(CacheConn::err)?
        .filter_map(|v| match v {
            Ok(Value::Text(t)) => Some(Ok(t)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<Vec<String>>>()
        .map_err(CacheConn::err)?;
    Ok(v)
}

pub fn facets(cache: &ReadConn) -> Result<Facets> {
    let mut st = cache
        .prepare_cached("SELECT panel_id, id, name FROM services ORDER BY panel_id, id")
        .map_err(CacheConn::err)?;
    let services = st
        .query_map([], |r| {
            Ok(ServiceOption {
                panel_id: r.get(0)?,
                id: r.get(1)?,
                name: r.get(2)?,
            })
        })
        .map_err(CacheConn::err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CacheConn::err)?;
    // The orders' statuses, modes, sources and providers from their hourly
    // counts (a few thousand rows), not from the orders (a pass over all).
    type Combo = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut st = cache
        .prepare_cached(if db::aggregates_kept(cache)? {
            "SELECT DISTINCT mode, source, provider, status FROM agg_orders WHERE orders > 0"
        } else {
            "SELECT DISTINCT mode, creation_type, provider, status FROM orders"
        })
        .map_err(CacheConn::err)?;
    let combos = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(CacheConn::err)?
        .collect::<rusqlite::Result<Vec<Combo>>>()
        .map_err(CacheConn::err)?;
    let set = |pick: fn(&Combo) -> &Option<String>| -> Vec<String> {
        combos
            .iter()
            .filter_map(|c| pick(c).clone().filter(|v| !v.is_empty()))
            .collect::<std::collections::BTreeSet<String>>()
            .into_iter()
            .collect()
    };
    Ok(Facets {
        order_statuses: set(|c| &c.3),
        modes: set(|c| &c.0),
        sources: set(|c| &c.1),
        providers: set(|c| &c.2),
        services,
        user_statuses: distinct(cache, "users", "status")?,
        payment_statuses: distinct(cache, "payments", "status")?,
        payment_methods: distinct(cache, "payments", "method")?,
        ticket_statuses: distinct(cache, "tickets", "status")?,
        assignees: distinct(cache, "tickets", "assignee")?,
        service_kinds: distinct(cache, "services", "kind")?,
    })
}

/// Each table's sortable columns: the one list the screens read (exported to
/// TypeScript in `RULES`), so a column sorts in the UI exactly
/// when the core can sort by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SortableColumns {
    pub orders: Vec<&'static str>,
    pub users: Vec<&'static str>,
    pub payments: Vec<&'static str>,
    pub tickets: Vec<&'static str>,
    pub services: Vec<&'static str>,
}

pub fn sortable_columns() -> SortableColumns {
    SortableColumns {
        orders: ORDERS.sort_names(),
        users: USERS.sort_names(),
        payments: PAYMENTS.sort_names(),
        tickets: TICKETS.sort_names(),
        services: SERVICES.sort_names(),
    }
}
