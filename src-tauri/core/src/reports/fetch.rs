//! Flagged replies by service needs the conversations of the tickets in its
//! window: the missing ones are fetched here (at most 80 a run, newest
//! first) and stored, so once none is missing a run reads the cache only.

use super::{tickets_missing_messages, MAX_TICKET_FETCHES};
use crate::{
    db::{Db, Writer},
    panel::PanelError,
    panels,
    secrets::Keychain,
    store, Result,
};

/// Fetches what the window lacks; returns how many conversations were stored.
/// A panel that cannot be reached leaves its tickets for the next run
/// (`not_fetched` says how many), it does not fail the report.
pub async fn fetch_missing_tickets(
    db: &Db,
    writer: &Writer,
    panel: Option<i64>,
    window_hours: f64,
    at: i64,
) -> Result<usize> {
    let missing = tickets_missing_messages(
        &super::open(db)?,
        panel,
        window_hours,
        at,
        MAX_TICKET_FETCHES,
    )?;
    let local = db.local()?;
    let all = panels::list(&local)?;
    drop(local);
    let mut stored = 0;
    let mut clients = std::collections::HashMap::new();
    for (panel_id, ticket_id) in missing {
        let Some(p) = all.iter().find(|p| p.id == panel_id) else {
            continue;
        };
        // One client per panel (cheap to clone; clones share the rate bucket).
        let Some(client) = clients
            .entry(panel_id)
            .or_insert_with(|| panels::client(db.install_id(), &Keychain, p).ok())
            .clone()
        else {
            continue;
        };
        let detail = match client.ticket(ticket_id).await {
            Ok(d) => d,
            Err(PanelError::NotFound { .. }) => continue,
            Err(e) => {
                tracing::warn!(panel = %p.name, ticket = ticket_id, "could not fetch a ticket for the report: {e}");
                clients.insert(panel_id, None); // the panel is out of reach: no more tries this run
                continue;
            }
        };
        store::save_conversation(writer, panel_id, detail).await?;
        stored += 1;
    }
    Ok(stored)
}
