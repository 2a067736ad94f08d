//! The command palette: an order, user, ticket or payment by ID or name,
//! across panels.

use rusqlite::params;
use serde::Serialize;

use crate::db::CacheConn;
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Order,
    User,
    Ticket,
    Payment,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub kind: SearchKind,
    pub panel_id: i64,
    pub id: i64,
    /// What the palette shows first: "Order #123456", the username...
    pub title: String,
    /// A line of context: the service and status, the email...
    pub detail: String,
}

/// Hits of each kind at most.
const PER_KIND: i64 = 8;

/// A number finds that ID among orders, tickets, payments and users; text
/// finds users by username or email (prefix first) and tickets by subject.
/// Only configured panels' rows: none of a panel removed mid-sync.
pub fn search(cache: &CacheConn, query: &str) -> Result<Vec<SearchHit>> {
    let q = query.trim().trim_start_matches('#');
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let mut hits = Vec::new();
    let mut run = |kind: SearchKind, sql_text: &str, p: &[&dyn rusqlite::ToSql]| -> Result<()> {
        let mut st = cache.prepare_cached(sql_text).map_err(CacheConn::err)?;
        let rows = st
            .query_map(p, |r| {
                Ok(SearchHit {
                    kind,
                    panel_id: r.get(0)?,
                    id: r.get(1)?,
                    title: r.get(2)?,
                    detail: r.get(3)?,
                })
            })
            .map_err(CacheConn::err)?;
        for h in rows {
            hits.push(h.map_err(CacheConn::err)?);
        }
        Ok(())
    };
    if let Ok(id) = q.parse::<i64>() {
        run(
            SearchKind::Order,
            "SELECT panel_id, id, 'Order #' || id, service_name || ' · ' || status || ' · ' || user
             FROM orders WHERE id = ?1 AND panel_id IN (SELECT id FROM local.panels)
             ORDER BY panel_id LIMIT ?2",
            params![id, PER_KIND],
        )?;
        run(
            SearchKind::Ticket,
            "SELECT panel_id, id, 'Ticket #' || id, subject || ' · ' || username
             FROM tickets WHERE id = ?1 AND panel_id IN (SELECT id FROM local.panels)
             ORDER BY panel_id LIMIT ?2",
            params![id, PER_KIND],
        )?;
        run(
            SearchKind::Payment,
            "SELECT panel_id, id, 'Payment #' || id, method || ' · ' || status || ' · ' || user
             FROM payments WHERE id = ?1 AND panel_id IN (SELECT id FROM local.panels)
             ORDER BY panel_id LIMIT ?2",
            params![id, PER_KIND],
        )?;
        run(
            SearchKind::User,
            "SELECT panel_id, id, username, 'User #' || id || coalesce(' · ' || email, '')
             FROM users WHERE id = ?1 AND panel_id IN (SELECT id FROM local.panels)
             ORDER BY panel_id LIMIT ?2",
            params![id, PER_KIND],
        )?;
        return Ok(hits);
    }
    let escaped = super::like_escape(q);
    let prefix = format!("{escaped}%");
    let anywhere = format!("%{escaped}%");
    // Usernames and emails containing the text, those starting with it first.
    run(
        SearchKind::User,
        "SELECT panel_id, id, username, 'User #' || id || coalesce(' · ' || email, '')
         FROM users WHERE (username LIKE ?2 ESCAPE '\\' OR email LIKE ?2 ESCAPE '\\')
           AND panel_id IN (SELECT id FROM local.panels)
         ORDER BY username NOT LIKE ?1 ESCAPE '\\', length(username), panel_id, id LIMIT ?3",
        params![prefix, anywhere, PER_KIND],
    )?;
    run(
        SearchKind::Ticket,
        "SELECT panel_id, id, 'Ticket #' || id, subject || ' · ' || username
         FROM tickets WHERE (subject LIKE ?1 ESCAPE '\\' OR username LIKE ?1 ESCAPE '\\')
           AND panel_id IN (SELECT id FROM local.panels)
         ORDER BY id DESC LIMIT ?2",
        params![anywhere, PER_KIND],
    )?;
    Ok(hits)
}
