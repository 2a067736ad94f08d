//! Writing panel rows into cache.sqlite3, and the sync cursors beside them.
//!
//! Every function takes the transaction it runs in: the sync engine commits a
//! page and its cursor together, so a crash loses nothing and duplicates nothing.

use rusqlite::{params, OptionalExtension};

use crate::{
    db::{ensure_configured, CacheConn, CacheTx, Writer},
    model::{Order, Payment, Service, Ticket, TicketMessage, TicketWithMessages, User},
    Result,
};

/// Orders still moving: refreshed by id until they finish.
pub const OPEN_ORDER_STATUSES: [&str; 4] = ["pending", "in_progress", "processing", "awaiting"];
/// Orders done for good (a finished order counts for reports from its finish time).
pub const FINISHED_ORDER_STATUSES: [&str; 2] = ["completed", "partial"];

fn micros(m: &Option<crate::model::Money>) -> Option<i64> {
    m.as_ref().map(|m| m.micros)
}

fn currency(ms: &[&Option<crate::model::Money>]) -> Option<String> {
    ms.iter()
        .find_map(|m| m.as_ref().and_then(|m| m.currency.clone()))
}

pub fn upsert_orders(tx: &CacheTx, panel_id: i64, rows: &[Order], now: i64) -> Result<()> {
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
        .map_err(CacheConn::err)?;
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
        .map_err(CacheConn::err)?;
    }
    Ok(())
}

pub fn upsert_users(tx: &CacheTx, panel_id: i64, rows: &[User], now: i64) -> Result<()> {
    let mut st = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO users (panel_id, id, username, email, balance, spent, currency, status, created, last_auth, discount, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .map_err(CacheConn::err)?;
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
        .map_err(CacheConn::err)?;
    }
    Ok(())
}

pub fn upsert_payments(tx: &CacheTx, panel_id: i64, rows: &[Payment], now: i64) -> Result<()> {
    let mut st = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO payments (panel_id, id, user, balance, amount, currency, method, status, fraud_risk, memo, mode, created, updated, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )
        .map_err(CacheConn::err)?;
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
        .map_err(CacheConn::err)?;
    }
    Ok(())
}

/// Keeps `messages_at` (when the messages were fetched) across list updates.
pub fn upsert_tickets(tx: &CacheTx, panel_id: i64, rows: &[Ticket], now: i64) -> Result<()> {
    let mut st = tx
        .prepare_cached(
            "INSERT INTO tickets (panel_id, id, user_id, username, subject, status, assignee, created, last_update, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (panel_id, id) DO UPDATE SET user_id = excluded.user_id, username = excluded.username,
                subject = excluded.subject, status = excluded.status, assignee = excluded.assignee,
                created = excluded.created, last_update = excluded.last_update, synced_at = excluded.synced_at,
                deleted = 0",
        )
        .map_err(CacheConn::err)?;
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
        .map_err(CacheConn::err)?;
    }
    Ok(())
}

/// Replaces a ticket's conversation and records the ticket's `last_update`
/// it belongs to, so it is fetched again only when that moves.
pub fn replace_messages(
    tx: &CacheTx,
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
    .map_err(CacheConn::err)?;
    let mut st = tx
        .prepare_cached(
            "INSERT INTO ticket_messages (panel_id, ticket_id, seq, id, message, is_staff, staff_name, created, plain)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(CacheConn::err)?;
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
        .map_err(CacheConn::err)?;
    }
    // A ticket with no time of its own still counts as fetched.
    tx.execute(
        "UPDATE tickets SET messages_at = COALESCE(?3, 0), fetch_error = NULL, fetch_failures = 0, retry_at = NULL
         WHERE panel_id = ?1 AND id = ?2",
        params![panel_id, ticket.id, ticket.last_update],
    )
    .map_err(CacheConn::err)?;
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
            let tx = w.cache.begin()?;
            replace_messages(
                &tx,
                panel_id,
                &detail.ticket,
                &detail.messages,
                chrono::Utc::now().timestamp(),
            )?;
            tx.commit()
        })
        .await
}

/// The services catalogue is replaced whole: a service the panel dropped goes.
pub fn replace_services(tx: &CacheTx, panel_id: i64, rows: &[Service], now: i64) -> Result<()> {
    tx.execute("DELETE FROM services WHERE panel_id = ?1", [panel_id])
        .map_err(CacheConn::err)?;
    let mut st = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO services (panel_id, id, name, kind, category, rate, min, max, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(CacheConn::err)?;
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
        .map_err(CacheConn::err)?;
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

pub fn load_state(conn: &CacheConn, panel_id: i64, resource: &str) -> Result<SyncState> {
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
    .map_err(CacheConn::err)
    .map(Option::unwrap_or_default)
}

pub fn save_state(conn: &CacheConn, panel_id: i64, resource: &str, s: &SyncState) -> Result<()> {
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
    .map_err(CacheConn::err)?;
    Ok(())
}

/// Ids of orders still moving, the longest unchecked first.
pub fn open_order_ids(conn: &CacheConn, panel_id: i64) -> Result<Vec<i64>> {
    let mut st = conn
        .prepare("SELECT id FROM orders WHERE panel_id = ?1 AND status IN ('pending', 'in_progress', 'processing', 'awaiting') ORDER BY synced_at, id")
        .map_err(CacheConn::err)?;
    let ids = st
        .query_map([panel_id], |r| r.get(0))
        .map_err(CacheConn::err)?;
    ids.collect::<rusqlite::Result<_>>().map_err(CacheConn::err)
}

/// Tickets whose conversation moved since it was fetched (or never was),
/// newest first, among those updated since `since` or still open.
/// A ticket that failed before is left until its `retry_at`; one the panel
/// deleted, until a list shows it again.
pub fn tickets_needing_messages(
    conn: &CacheConn,
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
        .map_err(CacheConn::err)?;
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
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// How many rows of a panel a table holds.
pub fn count_rows(conn: &CacheConn, table: &str, panel_id: i64) -> Result<u64> {
    conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE panel_id = ?1"),
        [panel_id],
        |r| r.get(0),
    )
    .map_err(CacheConn::err)
}

/// Usernames named by an order or a payment cached since `since`: their
/// balance may have moved.
pub fn users_active_since(conn: &CacheConn, panel_id: i64, since: i64) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT user FROM orders WHERE panel_id = ?1 AND created >= ?2
             UNION
             SELECT user FROM payments WHERE panel_id = ?1 AND COALESCE(updated, created) >= ?2",
        )
        .map_err(CacheConn::err)?;
    let names = st
        .query_map(params![panel_id, since], |r| r.get(0))
        .map_err(CacheConn::err)?;
    names
        .collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// The statuses of the panel's open tickets as cached, and `pending` (what
/// a customer writing again makes a ticket), for watch mode's re-list.
pub fn open_ticket_statuses(conn: &CacheConn, panel_id: i64) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT 'pending' UNION SELECT DISTINCT status FROM tickets
             WHERE panel_id = ?1 AND status != 'closed' AND deleted = 0",
        )
        .map_err(CacheConn::err)?;
    let statuses = st
        .query_map([panel_id], |r| r.get(0))
        .map_err(CacheConn::err)?;
    statuses
        .collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// Ids (and created times) of a table's rows in these statuses, created
/// since `from` when given.
pub fn ids_with_status(
    conn: &CacheConn,
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
        .map_err(CacheConn::err)?;
    let statuses = serde_json::to_string(statuses).unwrap_or_else(|_| "[]".into());
    let rows = st
        .query_map(params![panel_id, statuses, from], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(CacheConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(CacheConn::err)
}

/// The created time of the `n`th row created in `[from, to]`, oldest first:
/// the end of a verify range of `n` rows (None when fewer are cached).
pub fn nth_created(
    conn: &CacheConn,
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
    .map_err(CacheConn::err)
}

/// Ids of the rows created in `[from, to]`.
pub fn ids_created_between(
    conn: &CacheConn,
    table: &str,
    panel_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<i64>> {
    let mut st = conn
        .prepare(&format!(
            "SELECT id FROM {table} WHERE panel_id = ?1 AND created BETWEEN ?2 AND ?3"
        ))
        .map_err(CacheConn::err)?;
    let ids = st
        .query_map(params![panel_id, from, to], |r| r.get(0))
        .map_err(CacheConn::err)?;
    ids.collect::<rusqlite::Result<_>>().map_err(CacheConn::err)
}

/// Marks tickets for a fresh read of their detail (their status moved).
pub fn refetch_tickets(conn: &CacheConn, panel_id: i64, ids: &[i64]) -> Result<()> {
    let mut st = conn
        .prepare_cached("UPDATE tickets SET messages_at = NULL WHERE panel_id = ?1 AND id = ?2")
        .map_err(CacheConn::err)?;
    for id in ids {
        st.execute(params![panel_id, id]).map_err(CacheConn::err)?;
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
pub fn apply_retention(tx: &CacheTx, horizon: i64) -> Result<Removed> {
    let orders = tx
        .execute("DELETE FROM orders WHERE created < ?1 AND status NOT IN ('pending', 'in_progress', 'processing', 'awaiting')", [horizon])
        .map_err(CacheConn::err)?;
    let payments = tx
        .execute("DELETE FROM payments WHERE created < ?1", [horizon])
        .map_err(CacheConn::err)?;
    tx.execute(
        "DELETE FROM ticket_messages WHERE (panel_id, ticket_id) IN
           (SELECT panel_id, id FROM tickets WHERE status = 'closed' AND COALESCE(last_update, created) < ?1)",
        [horizon],
    )
    .map_err(CacheConn::err)?;
    let tickets = tx
        .execute(
            "DELETE FROM tickets WHERE status = 'closed' AND COALESCE(last_update, created) < ?1",
            [horizon],
        )
        .map_err(CacheConn::err)?;
    Ok(Removed {
        orders,
        payments,
        tickets,
    })
}

/// Rows a panel answered that the retention does not keep (an old open order
/// that finished, a ticket closed long ago): applying the answer and then the
/// retention leaves them deleted, with a ticket's messages.
pub fn delete_rows(tx: &CacheTx, table: &str, panel_id: i64, ids: &[i64]) -> Result<usize> {
    let mut deleted = 0;
    if table == "tickets" {
        let mut st = tx
            .prepare_cached("DELETE FROM ticket_messages WHERE panel_id = ?1 AND ticket_id = ?2")
            .map_err(CacheConn::err)?;
        for id in ids {
            st.execute(params![panel_id, id]).map_err(CacheConn::err)?;
        }
    }
    let mut st = tx
        .prepare_cached(&format!(
            "DELETE FROM {table} WHERE panel_id = ?1 AND id = ?2"
        ))
        .map_err(CacheConn::err)?;
    for id in ids {
        deleted += st.execute(params![panel_id, id]).map_err(CacheConn::err)?;
    }
    Ok(deleted)
}

/// A ticket whose detail failed: recorded with its error and a later retry
/// time (1 h, doubling to 24 h), so the others go on. `deleted` (a 404)
/// leaves it until a list shows it again.
pub fn ticket_fetch_failed(
    conn: &CacheConn,
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
    .map_err(CacheConn::err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn write(conn: &mut CacheConn, o: Order, now: i64) -> Option<i64> {
        let tx = conn.begin().unwrap();
        upsert_orders(&tx, 1, &[o], now).unwrap();
        tx.commit().unwrap();
        conn.query_row(
            "SELECT finished_at FROM orders WHERE panel_id = 1 AND id = 7",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn db() -> CacheConn {
        CacheConn::memory()
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
