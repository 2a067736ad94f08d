//! The order IDs a cached message quotes, kept beside it (cache migration
//! 0010). Here rather than in the store because the migration that adds the
//! table fills it for the messages already cached, through the same code.

use rusqlite::{params, Connection};

use crate::text::{order_ids, strip_html};

/// Records the order IDs `text` (a message's plain text) quotes, in order.
/// The message's rows must not be there yet (its seq and pos are the key).
pub fn write(
    conn: &Connection,
    panel_id: i64,
    ticket_id: i64,
    seq: i64,
    created: Option<i64>,
    text: &str,
) -> rusqlite::Result<()> {
    let ids = order_ids(text);
    if ids.is_empty() {
        return Ok(());
    }
    // With the order's time and service when it is cached already; the
    // triggers on orders keep them from then on.
    let mut st = conn.prepare_cached(
        "INSERT INTO quoted_orders (panel_id, ticket_id, seq, pos, order_id, created, order_created, service_id)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, o.created, o.service_id
         FROM (SELECT 1) LEFT JOIN orders o ON o.panel_id = ?1 AND o.id = ?5",
    )?;
    for (pos, id) in ids.into_iter().enumerate() {
        st.execute(params![panel_id, ticket_id, seq, pos as i64, id, created])?;
    }
    Ok(())
}

/// Every cached message's quoted IDs (the migration's hook). Messages
/// cached before migration 0003 have no plain text: stripped here.
pub(super) fn fill(conn: &Connection) -> rusqlite::Result<()> {
    let mut st = conn
        .prepare("SELECT panel_id, ticket_id, seq, created, plain, message FROM ticket_messages")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let text = match r.get::<_, Option<String>>(4)? {
            Some(plain) => plain,
            None => strip_html(&r.get::<_, String>(5)?),
        };
        write(conn, r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, &text)?;
    }
    Ok(())
}
