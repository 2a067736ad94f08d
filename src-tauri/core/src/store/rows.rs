//! The panels' rows in the cache: upserts, conversations, the services
//! catalogue, and the rows a panel no longer has.

use rusqlite::params;

use crate::{
    db::{ensure_configured, CacheConn, CacheTx, Writer},
    model::{
        sql_list, Order, Payment, Service, Ticket, TicketMessage, TicketWithMessages, User,
        FINISHED_ORDER_STATUSES,
    },
    Result,
};

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
    let finished = sql_list(&FINISHED_ORDER_STATUSES);
    let mut st = tx
        .prepare_cached(&format!(
            "INSERT INTO orders (panel_id, id, external_id, user, creation_type, charge, provider_charge, currency, link,
                start_count, quantity, remains, service_id, service_name, status, provider, mode, created, last_update,
                ip_address, finished_at, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                CASE WHEN ?15 IN {finished} THEN ?19 END, ?21)
             ON CONFLICT (panel_id, id) DO UPDATE SET
                external_id = excluded.external_id, user = excluded.user, creation_type = excluded.creation_type,
                charge = excluded.charge, provider_charge = excluded.provider_charge, currency = excluded.currency,
                link = excluded.link, start_count = excluded.start_count, quantity = excluded.quantity,
                remains = excluded.remains, service_id = excluded.service_id, service_name = excluded.service_name,
                status = excluded.status, provider = excluded.provider, mode = excluded.mode, created = excluded.created,
                last_update = excluded.last_update, ip_address = excluded.ip_address,
                finished_at = COALESCE(orders.finished_at,
                    CASE WHEN excluded.status IN {finished} THEN
                        COALESCE(excluded.last_update,
                                 CASE WHEN orders.status NOT IN {finished} THEN excluded.synced_at END)
                    END),
                synced_at = excluded.synced_at"
        ))
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
        let plain = crate::text::strip_html(&m.message);
        st.execute(params![
            panel_id,
            ticket.id,
            seq as i64,
            m.id,
            m.message,
            m.is_staff,
            m.staff_name,
            m.created,
            plain
        ])
        .map_err(CacheConn::err)?;
        crate::db::quoted_orders::write(tx, panel_id, ticket.id, seq as i64, m.created, &plain)
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

/// Stores payments read back from the panel (a payment just added) through
/// the writer, in one transaction.
pub async fn save_payments(writer: &Writer, panel_id: i64, rows: Vec<Payment>) -> Result<()> {
    writer
        .run(move |w| {
            ensure_configured(&w.local, &w.cache, panel_id)?;
            let tx = w.cache.begin()?;
            upsert_payments(&tx, panel_id, &rows, chrono::Utc::now().timestamp())?;
            tx.commit()
        })
        .await
}

/// Stores orders re-read from the panel after an action on them, through
/// the writer, in one transaction.
pub async fn save_orders(writer: &Writer, panel_id: i64, rows: Vec<Order>) -> Result<()> {
    writer
        .run(move |w| {
            ensure_configured(&w.local, &w.cache, panel_id)?;
            let tx = w.cache.begin()?;
            upsert_orders(&tx, panel_id, &rows, chrono::Utc::now().timestamp())?;
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
