//! Writing panel rows into cache.sqlite3, and the sync cursors beside them.
//!
//! Every function takes the transaction it runs in: the sync engine commits a
//! page and its cursor together, so a crash loses nothing and duplicates nothing.

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::{
    db::{DbError, Writer},
    model::{Order, Payment, Service, Ticket, TicketMessage, TicketWithMessages, User},
    Error, Result,
};

/// Orders still moving: refreshed by id until they finish.
pub const OPEN_ORDER_STATUSES: [&str; 4] = ["pending", "in_progress", "processing", "awaiting"];
/// Orders done for good (a finished order counts for reports from its finish time).
pub const FINISHED_ORDER_STATUSES: [&str; 2] = ["completed", "partial"];

pub(crate) fn sql(e: rusqlite::Error) -> Error {
    DbError::sqlite("cache.sqlite3", e).into()
}

/// The same, for local.sqlite3.
pub(crate) fn local_sql(e: rusqlite::Error) -> Error {
    DbError::sqlite("local.sqlite3", e).into()
}

fn micros(m: &Option<crate::model::Money>) -> Option<i64> {
    m.as_ref().map(|m| m.micros)
}

fn currency(ms: &[&Option<crate::model::Money>]) -> Option<String> {
    ms.iter()
        .find_map(|m| m.as_ref().and_then(|m| m.currency.clone()))
}

pub fn upsert_orders(tx: &Transaction, panel_id: i64, rows: &[Order], now: i64) -> Result<()> {
    // A finish time is recorded once: the panel's last update when it gives
    // one; else the sync time, but only for an order seen open before (one
    // first seen already finished has no reliable finish time). Then frozen.
    let mut st = tx
        .prepare_cached(
            "INSERT INTO orders (panel_id, id, external_id, user, creation_type, charge, provider_charge, currency, link,
                start_count, quantity, remains, service_id, service_name, status, provider, mode, created, last_update,
                ip_address, finished_at, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                CASE WHEN ?15 IN ('completed', 'partial') THEN ?19 END, ?21)
             ON CONFLICT (panel_id, id) DO UPDATE SET
                external_id = excluded.external_id, user = excluded.user, creation_type = excluded.creation_type,
                charge = excluded.charge, provider_charge = excluded.provider_charge, currency = excluded.currency,
                link = excluded.link, start_count = excluded.start_count, quantity = excluded.quantity,
                remains = excluded.remains, service_id = excluded.service_id, service_name = excluded.service_name,
                status = excluded.status, provider = excluded.provider, mode = excluded.mode, created = excluded.created,
                last_update = excluded.last_update, ip_address = excluded.ip_address,
                finished_at = COALESCE(orders.finished_at,
                    CASE WHEN excluded.status IN ('completed', 'partial') THEN
                        COALESCE(excluded.last_update,
                                 CASE WHEN orders.status NOT IN ('completed', 'partial') THEN excluded.synced_at END)
                    END),
                synced_at = excluded.synced_at",
        )
        .map_err(sql)?;
    for o in rows {
        st.execute(params![
            panel_id,
            o.id,
            o.external_id,
            o.user,
            o.creation_type,
            micros(&o.charge),
            micros(&o.provider_charge),
            currency(&[&o.charge, &o.provider_charge]),
            o.link,
            o.start_count,
            o.quantity,
            o.remains,
            o.service_id,
            o.service_name,
            o.status,
            o.provider,
            o.mode,
            o.created,
            o.last_update,
            o.ip_address,
            now
        ])
        .map_err(sql)?;
    }
    Ok(())
}

pub fn upsert_users(tx: &Transaction, panel_id: i64, rows: &[User], now: i64) -> Result<()> {
    let mut st = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO users (panel_id, id, username, email, balance, spent, currency, status, created, last_auth, discount, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .map_err(sql)?;
    for u in rows {
        st.execute(params![
            panel_id,
            u.id,
            u.username,
            u.email,
            micros(&u.balance),
            micros(&u.spent),
            currency(&[&u.balance, &u.spent]),
            u.status,
            u.created,
            u.last_auth,
            u.discount,
            now
        ])
        .map_err(sql)?;
    }
    Ok(())
}

pub fn upsert_payments(tx: &Transaction, panel_id: i64, rows: &[Payment], now: i64) -> Result<()> {
    let mut st = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO payments (panel_id, id, user, balance, amount, currency, method, status, fraud_risk, memo, mode, created, updated, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )
        .map_err(sql)?;
    for p in rows {
        st.execute(params![
            panel_id,
            p.id,
            p.user,
            micros(&p.balance),
            micros(&p.amount),
            currency(&[&p.amount, &p.balance]),
            p.method,
            p.status,
            p.fraud_risk,
            p.memo,
            p.mode,
            p.created,
            p.updated,
            now
        ])
        .map_err(sql)?;
    }
    Ok(())
}

/// Keeps `messages_at` (when the messages were fetched) across list updates.
pub fn upsert_tickets(tx: &Transaction, panel_id: i64, rows: &[Ticket], now: i64) -> Result<()> {
    let mut st = tx
        .prepare_cached(
            "INSERT INTO tickets (panel_id, id, user_id, username, subject, status, assignee, created, last_update, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (panel_id, id) DO UPDATE SET user_id = excluded.user_id, username = excluded.username,
                subject = excluded.subject, status = excluded.status, assignee = excluded.assignee,
                created = excluded.created, last_update = excluded.last_update, synced_at = excluded.synced_at,
                deleted = 0",
        )
        .map_err(sql)?;
    for t in rows {
        st.execute(params![
            panel_id,
            t.id,
            t.user_id,
            t.username,
            t.subject,
            t.status,
            t.assignee,
            t.created,
            t.last_update,
            now
        ])
        .map_err(sql)?;
    }
    Ok(())
}

/// Replaces a ticket's conversation and records the ticket's `last_update`
/// it belongs to, so it is fetched again only when that moves.
pub fn replace_messages(
    tx: &Transaction,
    panel_id: i64,
    ticket: &Ticket,
    messages: &[TicketMessage],
    now: i64,
) -> Result<()> {
    upsert_tickets(tx, panel_id, std::slice::from_ref(ticket), now)?;
    tx.execute(
        "DELETE FROM ticket_messages WHERE panel_id = ?1 AND ticket_id = ?2",
        params![panel_id, ticket.id],
    )
    .map_err(sql)?;
    let mut st = tx
        .prepare_cached(
            "INSERT INTO ticket_messages (panel_id, ticket_id, seq, id, message, is_staff, staff_name, created, plain)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(sql)?;
    for (seq, m) in messages.iter().enumerate() {
        st.execute(params![
            panel_id,
            ticket.id,
            seq as i64,
            m.id,
            m.message,
            m.is_staff,
            m.staff_name,
            m.created,
            crate::text::strip_html(&m.message)
        ])
        .map_err(sql)?;
    }
    // A ticket with no time of its own still counts as fetched.
    tx.execute(
        "UPDATE tickets SET messages_at = COALESCE(?3, 0), fetch_error = NULL, fetch_failures = 0, retry_at = NULL
         WHERE panel_id = ?1 AND id = ?2",
        params![panel_id, ticket.id, ticket.last_update],
    )
    .map_err(sql)?;
    Ok(())
}

/// Stores a fetched conversation through the writer, in one transaction.
pub async fn save_conversation(
    writer: &Writer,
    panel_id: i64,
    detail: TicketWithMessages,
) -> Result<()> {
    writer
        .run(move |w| {
            ensure_configured(&w.local, &w.cache, panel_id)?;
            let tx = w
                .cache
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sql)?;
            replace_messages(
                &tx,
                panel_id,
                &detail.ticket,
                &detail.messages,
                chrono::Utc::now().timestamp(),
            )?;
            tx.commit().map_err(sql)
        })
        .await
}

/// The services catalogue is replaced whole: a service the panel dropped goes.
pub fn replace_services(tx: &Transaction, panel_id: i64, rows: &[Service], now: i64) -> Result<()> {
    tx.execute("DELETE FROM services WHERE panel_id = ?1", [panel_id])
        .map_err(sql)?;
    let mut st = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO services (panel_id, id, name, kind, category, rate, min, max, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(sql)?;
    for s in rows {
        st.execute(params![
            panel_id,
            s.id,
            s.name,
            s.kind,
            s.category,
            s.rate_micros,
            s.min,
            s.max,
            now
        ])
        .map_err(sql)?;
    }
    Ok(())
}

/// Where a resource's sync stands (see the `sync_state` table).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub head_from: Option<i64>,
    pub backfill_to: Option<i64>,
    pub backfill_done: bool,
    pub reconcile_offset: i64,
    pub reconciled_at: Option<i64>,
    pub last_fetched: Option<i64>,
    pub status: crate::sync::SyncStatus,
    pub last_error: Option<String>,
    /// The verify pass: the next created time to compare (None: no pass under way).
    pub verify_from: Option<i64>,
    /// The end of the verify pass under way (newer rows are the head's).
    pub verify_to: Option<i64>,
    pub verified_at: Option<i64>,
    /// When watch mode last re-read the rows that still move.
    pub refreshed_at: Option<i64>,
}

pub fn load_state(conn: &Connection, panel_id: i64, resource: &str) -> Result<SyncState> {
    conn.query_row(
        "SELECT head_from, backfill_to, backfill_done, reconcile_offset, reconciled_at, last_fetched, status, last_error,
                verify_from, verify_to, verified_at, refreshed_at
         FROM sync_state WHERE panel_id = ?1 AND resource = ?2",
        params![panel_id, resource],
        |r| {
            Ok(SyncState {
                head_from: r.get(0)?,
                backfill_to: r.get(1)?,
                backfill_done: r.get(2)?,
                reconcile_offset: r.get(3)?,
                reconciled_at: r.get(4)?,
                last_fetched: r.get(5)?,
                status: r.get(6)?,
                last_error: r.get(7)?,
                verify_from: r.get(8)?,
                verify_to: r.get(9)?,
                verified_at: r.get(10)?,
                refreshed_at: r.get(11)?,
            })
        },
    )
    .optional()
    .map_err(sql)
    .map(Option::unwrap_or_default)
}

pub fn save_state(conn: &Connection, panel_id: i64, resource: &str, s: &SyncState) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO sync_state (panel_id, resource, head_from, backfill_to, backfill_done, reconcile_offset,
            reconciled_at, last_fetched, status, last_error, verify_from, verify_to, verified_at, refreshed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            panel_id,
            resource,
            s.head_from,
            s.backfill_to,
            s.backfill_done,
            s.reconcile_offset,
            s.reconciled_at,
            s.last_fetched,
            s.status,
            s.last_error,
            s.verify_from,
            s.verify_to,
            s.verified_at,
            s.refreshed_at
        ],
    )
    .map_err(sql)?;
    Ok(())
}

/// Ids of orders still moving, the longest unchecked first.
pub fn open_order_ids(conn: &Connection, panel_id: i64) -> Result<Vec<i64>> {
    let mut st = conn
        .prepare("SELECT id FROM orders WHERE panel_id = ?1 AND status IN ('pending', 'in_progress', 'processing', 'awaiting') ORDER BY synced_at, id")
        .map_err(sql)?;
    let ids = st.query_map([panel_id], |r| r.get(0)).map_err(sql)?;
    ids.collect::<rusqlite::Result<_>>().map_err(sql)
}

/// Tickets whose conversation moved since it was fetched (or never was),
/// newest first, among those updated since `since` or still open.
/// A ticket that failed before is left until its `retry_at`; one the panel
/// deleted, until a list shows it again.
pub fn tickets_needing_messages(
    conn: &Connection,
    panel_id: i64,
    since: i64,
    now: i64,
) -> Result<Vec<Ticket>> {
    let mut st = conn
        .prepare(
            "SELECT id, user_id, username, subject, status, assignee, created, last_update FROM tickets
             WHERE panel_id = ?1 AND (messages_at IS NULL OR messages_at IS NOT COALESCE(last_update, 0))
               AND (status != 'closed' OR COALESCE(last_update, created, 0) >= ?2)
               AND deleted = 0 AND (retry_at IS NULL OR retry_at <= ?3)
             ORDER BY last_update DESC, id DESC",
        )
        .map_err(sql)?;
    let rows = st
        .query_map(params![panel_id, since, now], |r| {
            Ok(Ticket {
                id: r.get(0)?,
                user_id: r.get(1)?,
                username: r.get(2)?,
                subject: r.get(3)?,
                status: r.get(4)?,
                assignee: r.get(5)?,
                created: r.get(6)?,
                last_update: r.get(7)?,
            })
        })
        .map_err(sql)?;
    rows.collect::<rusqlite::Result<_>>().map_err(sql)
}

/// How many rows of a panel a table holds.
pub fn count_rows(conn: &Connection, table: &str, panel_id: i64) -> Result<u64> {
    conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE panel_id = ?1"),
        [panel_id],
        |r| r.get(0),
    )
    .map_err(sql)
}

/// Usernames named by an order or a payment cached since `since`: their
/// balance may have moved.
pub fn users_active_since(conn: &Connection, panel_id: i64, since: i64) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT user FROM orders WHERE panel_id = ?1 AND created >= ?2
             UNION
             SELECT user FROM payments WHERE panel_id = ?1 AND COALESCE(updated, created) >= ?2",
        )
        .map_err(sql)?;
    let names = st
        .query_map(params![panel_id, since], |r| r.get(0))
        .map_err(sql)?;
    names.collect::<rusqlite::Result<_>>().map_err(sql)
}

/// The statuses of the panel's open tickets as cached, and `pending` (what
/// a customer writing again makes a ticket), for watch mode's re-list.
pub fn open_ticket_statuses(conn: &Connection, panel_id: i64) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT 'pending' UNION SELECT DISTINCT status FROM tickets
             WHERE panel_id = ?1 AND status != 'closed' AND deleted = 0",
        )
        .map_err(sql)?;
    let statuses = st.query_map([panel_id], |r| r.get(0)).map_err(sql)?;
    statuses.collect::<rusqlite::Result<_>>().map_err(sql)
}

/// Ids (and created times) of a table's rows in these statuses, created
/// since `from` when given.
pub fn ids_with_status(
    conn: &Connection,
    table: &str,
    panel_id: i64,
    statuses: &[String],
    from: Option<i64>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let deleted = if table == "tickets" {
        " AND deleted = 0"
    } else {
        ""
    };
    let mut st = conn
        .prepare(&format!(
            "SELECT id, created FROM {table}
             WHERE panel_id = ?1 AND status IN (SELECT value FROM json_each(?2))
               AND (?3 IS NULL OR created >= ?3){deleted}
             ORDER BY synced_at, id"
        ))
        .map_err(sql)?;
    let statuses = serde_json::to_string(statuses).unwrap_or_else(|_| "[]".into());
    let rows = st
        .query_map(params![panel_id, statuses, from], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(sql)?;
    rows.collect::<rusqlite::Result<_>>().map_err(sql)
}

/// The created time of the `n`th row created in `[from, to]`, oldest first:
/// the end of a verify range of `n` rows (None when fewer are cached).
pub fn nth_created(
    conn: &Connection,
    table: &str,
    panel_id: i64,
    from: i64,
    to: i64,
    n: i64,
) -> Result<Option<i64>> {
    conn.query_row(
        &format!(
            "SELECT created FROM {table} WHERE panel_id = ?1 AND created BETWEEN ?2 AND ?3
             ORDER BY created LIMIT 1 OFFSET ?4"
        ),
        params![panel_id, from, to, n - 1],
        |r| r.get(0),
    )
    .optional()
    .map_err(sql)
}

/// Ids of the rows created in `[from, to]`.
pub fn ids_created_between(
    conn: &Connection,
    table: &str,
    panel_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<i64>> {
    let mut st = conn
        .prepare(&format!(
            "SELECT id FROM {table} WHERE panel_id = ?1 AND created BETWEEN ?2 AND ?3"
        ))
        .map_err(sql)?;
    let ids = st
        .query_map(params![panel_id, from, to], |r| r.get(0))
        .map_err(sql)?;
    ids.collect::<rusqlite::Result<_>>().map_err(sql)
}

/// Marks tickets for a fresh read of their detail (their status moved).
pub fn refetch_tickets(conn: &Connection, panel_id: i64, ids: &[i64]) -> Result<()> {
    let mut st = conn
        .prepare_cached("UPDATE tickets SET messages_at = NULL WHERE panel_id = ?1 AND id = ?2")
        .map_err(sql)?;
    for id in ids {
        st.execute(params![panel_id, id]).map_err(sql)?;
    }
    Ok(())
}

/// How many rows were removed by [`apply_retention`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Removed {
    pub orders: usize,
    pub payments: usize,
    pub tickets: usize,
}

/// Deletes what is older than `horizon`: orders no longer moving, payments,
/// and closed tickets with their messages. Never users, services or open rows.
pub fn apply_retention(tx: &Transaction, horizon: i64) -> Result<Removed> {
    let orders = tx
        .execute("DELETE FROM orders WHERE created < ?1 AND status NOT IN ('pending', 'in_progress', 'processing', 'awaiting')", [horizon])
        .map_err(sql)?;
    let payments = tx
        .execute("DELETE FROM payments WHERE created < ?1", [horizon])
        .map_err(sql)?;
    tx.execute(
        "DELETE FROM ticket_messages WHERE (panel_id, ticket_id) IN
           (SELECT panel_id, id FROM tickets WHERE status = 'closed' AND COALESCE(last_update, created) < ?1)",
        [horizon],
    )
    .map_err(sql)?;
    let tickets = tx
        .execute(
            "DELETE FROM tickets WHERE status = 'closed' AND COALESCE(last_update, created) < ?1",
            [horizon],
        )
        .map_err(sql)?;
    Ok(Removed {
        orders,
        payments,
        tickets,
    })
}

/// Refuses a sync write for a panel removed meanwhile: its rows would
/// outlive it. Records the panel's uid beside its rows, so rows left by a
/// removal cut short are recognised (see [`purge_orphans`]).
pub fn ensure_configured(local: &Connection, cache: &Connection, panel_id: i64) -> Result<()> {
    let uid = crate::panels::uid(local, panel_id)?
        .ok_or_else(|| crate::panels::PanelConfigError::Unknown(format!("#{panel_id}")))?;
    cache
        .prepare_cached("INSERT OR IGNORE INTO cache_panels (id, uid) VALUES (?1, ?2)")
        .and_then(|mut st| st.execute(params![panel_id, uid]))
        .map_err(sql)?;
    Ok(())
}

const PANEL_TABLES: [&str; 8] = [
    "orders",
    "users",
    "payments",
    "tickets",
    "ticket_messages",
    "services",
    "sync_state",
    "cache_panels",
];

/// Everything cached for a panel, gone (when the panel is removed).
pub fn forget_panel(cache: &Connection, panel_id: i64) -> Result<()> {
    for table in PANEL_TABLES {
        let column = if table == "cache_panels" {
            "id"
        } else {
            "panel_id"
        };
        cache
            .execute(
                &format!("DELETE FROM {table} WHERE {column} = ?1"),
                [panel_id],
            )
            .map_err(sql)?;
    }
    Ok(())
}

/// Deletes what belongs to no configured panel: a removal is two steps
/// (local.sqlite3, then cache.sqlite3) and a crash may fall between them.
/// A panel is known by its id and uid together. Run when the data dir is
/// opened, before any sync; it only reads unless there is something to
/// purge. Returns the panel ids purged.
pub fn purge_orphans(local: &Connection, cache: &mut Connection) -> Result<Vec<i64>> {
    let configured: std::collections::HashMap<i64, Option<String>> = local
        .prepare("SELECT id, uid FROM panels")
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(local_sql)?;
    let registered: std::collections::HashMap<i64, String> = cache
        .prepare("SELECT id, uid FROM cache_panels")
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(sql)?;
    let mut cached = std::collections::BTreeSet::new();
    for table in PANEL_TABLES {
        cached.extend(panel_ids(cache, table)?);
    }
    let purged: Vec<i64> = cached
        .into_iter()
        .filter(|id| match (configured.get(id), registered.get(id)) {
            (None, _) => true,
            // Rows recorded for another panel that once had this id.
            (Some(Some(local_uid)), Some(cache_uid)) => local_uid != cache_uid,
            _ => false,
        })
        .collect();
    if purged.is_empty() {
        return Ok(purged);
    }
    let tx = cache
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql)?;
    for id in &purged {
        tracing::warn!(
            panel_id = id,
            "purging cached rows of a panel that is no longer configured"
        );
        forget_panel(&tx, *id)?;
    }
    tx.commit().map_err(sql)?;
    Ok(purged)
}

/// The panel ids a table holds rows of, by one index seek per panel (every
/// table's key starts with the panel id): cheap at every start, whatever
/// the table's size.
fn panel_ids(conn: &Connection, table: &str) -> Result<Vec<i64>> {
    let column = if table == "cache_panels" {
        "id"
    } else {
        "panel_id"
    };
    let mut st = conn
        .prepare(&format!(
            "WITH RECURSIVE p(id) AS (
                SELECT MIN({column}) FROM {table}
                UNION ALL
                SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > p.id) FROM p WHERE p.id IS NOT NULL
             )
             SELECT id FROM p WHERE id IS NOT NULL"
        ))
        .map_err(sql)?;
    let ids = st.query_map([], |r| r.get(0)).map_err(sql)?;
    ids.collect::<rusqlite::Result<_>>().map_err(sql)
}

/// Rows a panel answered that the retention does not keep (an old open order
/// that finished, a ticket closed long ago): applying the answer and then the
/// retention leaves them deleted, with a ticket's messages.
pub fn delete_rows(tx: &Transaction, table: &str, panel_id: i64, ids: &[i64]) -> Result<usize> {
    let mut deleted = 0;
    if table == "tickets" {
        let mut st = tx
            .prepare_cached("DELETE FROM ticket_messages WHERE panel_id = ?1 AND ticket_id = ?2")
            .map_err(sql)?;
        for id in ids {
            st.execute(params![panel_id, id]).map_err(sql)?;
        }
    }
    let mut st = tx
        .prepare_cached(&format!(
            "DELETE FROM {table} WHERE panel_id = ?1 AND id = ?2"
        ))
        .map_err(sql)?;
    for id in ids {
        deleted += st.execute(params![panel_id, id]).map_err(sql)?;
    }
    Ok(deleted)
}

/// A ticket whose detail failed: recorded with its error and a later retry
/// time (1 h, doubling to 24 h), so the others go on. `deleted` (a 404)
/// leaves it until a list shows it again.
pub fn ticket_fetch_failed(
    conn: &Connection,
    panel_id: i64,
    ticket_id: i64,
    error: &str,
    deleted: bool,
    now: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE tickets SET fetch_error = ?3, fetch_failures = fetch_failures + 1, deleted = ?4,
            retry_at = ?5 + MIN(86400, 3600 << MIN(fetch_failures, 5))
         WHERE panel_id = ?1 AND id = ?2",
        params![panel_id, ticket_id, error, deleted, now],
    )
    .map_err(sql)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{migrate, Schema};

    fn order(status: &str, last_update: Option<i64>) -> Order {
        Order {
            id: 7,
            external_id: None,
            user: "u".into(),
            creation_type: None,
            charge: None,
            provider_charge: None,
            link: "l".into(),
            start_count: None,
            quantity: 10,
            remains: 0,
            service_id: Some(1),
            service_name: "s".into(),
            status: status.into(),
            provider: None,
            mode: None,
            created: 100,
            last_update,
            ip_address: None,
        }
    }

    fn write(conn: &mut Connection, o: Order, now: i64) -> Option<i64> {
        let tx = conn.transaction().unwrap();
        upsert_orders(&tx, 1, &[o], now).unwrap();
        tx.commit().unwrap();
        conn.query_row(
            "SELECT finished_at FROM orders WHERE panel_id = 1 AND id = 7",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, Schema::Cache).unwrap();
        c
    }

    #[test]
    fn a_finish_time_is_the_panels_last_update_and_then_frozen() {
        let mut c = db();
        assert_eq!(write(&mut c, order("in_progress", Some(150)), 1000), None);
        assert_eq!(
            write(&mut c, order("completed", Some(200)), 1001),
            Some(200)
        );
        // Changed again later (a refill, a status flip): the finish time stays.
        assert_eq!(write(&mut c, order("partial", Some(900)), 1002), Some(200));
        assert_eq!(
            write(&mut c, order("completed", Some(950)), 1003),
            Some(200)
        );
    }

    #[test]
    fn without_a_last_update_only_an_order_seen_open_gets_the_sync_time() {
        let mut c = db();
        assert_eq!(
            write(&mut c, order("completed", None), 1000),
            None,
            "first seen finished: no reliable finish time"
        );
        let mut c = db();
        write(&mut c, order("processing", None), 1000);
        assert_eq!(write(&mut c, order("completed", None), 1234), Some(1234));
    }
}
