//! Flagged replies by service: the services the window's tickets complain about.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::params;
use serde::Serialize;

use super::{csv_text, panels, window_start, PanelInfo, WindowParams};
use crate::db::{CacheConn, ReadConn};
use crate::{text::complaint, Result};

/// At most this many tickets without cached messages are fetched per report run.
pub const MAX_TICKET_FETCHES: usize = 80;

/// How many sample tickets a service row keeps.
const SAMPLES: usize = 10;

/// A ticket of a service row, with its first 3 order IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketSample {
    pub ticket_id: i64,
    pub order_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlaggedServiceRow {
    #[serde(skip)]
    pub panel_id: i64,
    /// The panel's name.
    pub panel: String,
    pub service_id: i64,
    /// The catalogue's name, else the name on a quoted order.
    pub service_name: String,
    /// Distinct tickets quoting an order of the service.
    pub tickets: i64,
    /// Distinct quoted orders of the service.
    pub orders: i64,
    /// The most frequent cut subject among those tickets (ties: alphabetical).
    pub top_complaint: String,
    /// Up to 10 of those tickets, newest (highest id) first.
    #[serde(skip)]
    pub samples: Vec<TicketSample>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlaggedServiceReport {
    pub window_hours: f64,
    pub at: i64,
    /// Tickets (with cached messages) quoting no order ID, or none found in the cache.
    pub unresolved: i64,
    /// Tickets of the window whose messages are still not cached.
    pub not_fetched: i64,
    pub services: Vec<FlaggedServiceRow>,
}

impl FlaggedServiceReport {
    pub fn to_csv(&self, style: crate::export::CsvStyle) -> String {
        csv_text(
            &[
                "panel",
                "service_id",
                "service_name",
                "tickets",
                "orders",
                "top_complaint",
            ],
            self.services.iter().map(|r| {
                vec![
                    r.panel.clone(),
                    r.service_id.to_string(),
                    r.service_name.clone(),
                    r.tickets.to_string(),
                    r.orders.to_string(),
                    r.top_complaint.clone(),
                ]
            }),
            style,
        )
    }
}

/// Tickets created inside the window whose messages were never fetched,
/// newest first (created, then id), at most `limit`: what a report run
/// fetches (`GET /tickets/{id}`, then `store::replace_messages`) before
/// [`flagged_by_service`]. Pass [`MAX_TICKET_FETCHES`].
pub fn tickets_missing_messages(
    conn: &ReadConn,
    panel: Option<i64>,
    window_hours: f64,
    at: i64,
    limit: usize,
) -> Result<Vec<(i64, i64)>> {
    let from = window_start(at, window_hours);
    let limit_sql = i64::try_from(limit).unwrap_or(i64::MAX);
    // (created, panel id, ticket id), the newest `limit` of each panel, then of all.
    let mut found: Vec<(i64, i64, i64)> = Vec::new();
    for p in panels(conn, panel)? {
        let mut st = conn
            .prepare_cached(
                "SELECT created, id FROM tickets
                 WHERE panel_id = ?1 AND created > ?2 AND created <= ?3 AND messages_at IS NULL AND deleted = 0
                 ORDER BY created DESC, id DESC LIMIT ?4",
            )
            .map_err(CacheConn::err)?;
        let rows = st
            .query_map(params![p.id, from, at, limit_sql], |r| {
                Ok((r.get(0)?, p.id, r.get(1)?))
            })
            .map_err(CacheConn::err)?;
        for row in rows {
            found.push(row.map_err(CacheConn::err)?);
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    found.truncate(limit);
    Ok(found.into_iter().map(|(_, p, t)| (p, t)).collect())
}

/// Flagged replies by service (see [`super::help::FLAGGED_BY_SERVICE`]), from
/// cached messages only; rows by tickets descending, then panel, service id.
///
/// A ticket's order IDs come from all its cached messages written by `at`
/// (messages without a time included: only their text matters here); each is
/// looked up among the same panel's orders created by `at`.
pub fn flagged_by_service(conn: &ReadConn, p: &WindowParams) -> Result<FlaggedServiceReport> {
    let from = window_start(p.at, p.window_hours);
    let mut report = FlaggedServiceReport {
        window_hours: p.window_hours,
        at: p.at,
        unresolved: 0,
        not_fetched: 0,
        services: Vec::new(),
    };
    for panel in panels(conn, p.panel)? {
        panel_rows(conn, &panel, p.at, from, &mut report)?;
    }
    report.services.sort_by(|a, b| {
        b.tickets
            .cmp(&a.tickets)
            .then_with(|| a.panel.cmp(&b.panel))
            .then_with(|| a.panel_id.cmp(&b.panel_id))
            .then_with(|| a.service_id.cmp(&b.service_id))
    });
    Ok(report)
}

struct Ticket {
    id: i64,
    subject: String,
    /// Each quoted order once, in the order quoted: (order id, its service
    /// when the order is cached and created by `at`).
    orders: Vec<(i64, Option<Option<i64>>)>,
}

#[derive(Default)]
struct Acc {
    /// The first order quoted of the service (its name when the catalogue has none).
    first_order: i64,
    /// Ticket id -> its cut subject.
    tickets: BTreeMap<i64, String>,
    orders: BTreeSet<i64>,
}

fn panel_rows(
    conn: &ReadConn,
    panel: &PanelInfo,
    at: i64,
    from: f64,
    report: &mut FlaggedServiceReport,
) -> Result<()> {
    report.not_fetched += conn
        .prepare_cached(
            "SELECT count(*) FROM tickets
             WHERE panel_id = ?1 AND created > ?2 AND created <= ?3 AND messages_at IS NULL",
        )
        .map_err(CacheConn::err)?
        .query_row(params![panel.id, from, at], |r| r.get::<_, i64>(0))
        .map_err(CacheConn::err)?;

    // The window's tickets with the orders their messages quote, in the
    // order quoted, each with its service: kept per message at write time
    // (quoted_orders), so no order is looked up here.
    let mut tickets: Vec<Ticket> = Vec::new();
    {
        let mut st = conn
            .prepare_cached(
                "SELECT t.id, t.subject, q.order_id, q.order_created, q.service_id
                 FROM tickets t INDEXED BY tickets_created
                 LEFT JOIN quoted_orders q ON q.panel_id = t.panel_id AND q.ticket_id = t.id
                      AND (q.created IS NULL OR q.created <= ?3)
                 WHERE t.panel_id = ?1 AND t.created > ?2 AND t.created <= ?3 AND t.messages_at IS NOT NULL
                 ORDER BY t.id, q.seq, q.pos",
            )
            .map_err(CacheConn::err)?;
        let mut rows = st
            .query(params![panel.id, from, at])
            .map_err(CacheConn::err)?;
        while let Some(r) = rows.next().map_err(CacheConn::err)? {
            let id: i64 = r.get(0).map_err(CacheConn::err)?;
            if tickets.last().is_none_or(|t| t.id != id) {
                tickets.push(Ticket {
                    id,
                    subject: r.get(1).map_err(CacheConn::err)?,
                    orders: Vec::new(),
                });
            }
            let ticket = tickets.last_mut().expect("pushed above");
            let Some(order) = r.get::<_, Option<i64>>(2).map_err(CacheConn::err)? else {
                continue;
            };
            let cached = r
                .get::<_, Option<i64>>(3)
                .map_err(CacheConn::err)?
                .is_some_and(|created| created <= at);
            let service: Option<i64> = r.get(4).map_err(CacheConn::err)?;
            if ticket.orders.iter().all(|(o, _)| *o != order) {
                ticket.orders.push((order, cached.then_some(service)));
            }
        }
    }

    let mut services: BTreeMap<i64, Acc> = BTreeMap::new();
    let mut samples: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for ticket in &tickets {
        let mut resolved = false;
        for &(order, hit) in &ticket.orders {
            let Some(service) = hit else { continue };
            resolved = true;
            let Some(service) = service else { continue };
            let acc = services.entry(service).or_insert_with(|| Acc {
                first_order: order,
                ..Acc::default()
            });
            acc.tickets
                .entry(ticket.id)
                .or_insert_with(|| complaint(&ticket.subject));
            acc.orders.insert(order);
            samples.insert(
                ticket.id,
                ticket.orders.iter().take(3).map(|(o, _)| *o).collect(),
            );
        }
        if !resolved {
            report.unresolved += 1;
        }
    }

    // The catalogue's name, else the name on the service's first quoted order.
    let mut name = conn
        .prepare_cached(
            "SELECT COALESCE((SELECT name FROM services WHERE panel_id = ?1 AND id = ?2),
                             (SELECT service_name FROM orders WHERE panel_id = ?1 AND id = ?3))",
        )
        .map_err(CacheConn::err)?;
    for (service_id, acc) in services {
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        for subject in acc.tickets.values() {
            *counts.entry(subject).or_default() += 1;
        }
        // Most frequent; among equals the alphabetically first wins.
        let top_complaint = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, _)| (*s).to_owned())
            .unwrap_or_default();
        report.services.push(FlaggedServiceRow {
            panel_id: panel.id,
            panel: panel.name.clone(),
            service_id,
            service_name: name
                .query_row(params![panel.id, service_id, acc.first_order], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .map_err(CacheConn::err)?
                .unwrap_or_default(),
            tickets: acc.tickets.len() as i64,
            orders: acc.orders.len() as i64,
            top_complaint,
            samples: acc
                .tickets
                .keys()
                .rev()
                .take(SAMPLES)
                .map(|id| TicketSample {
                    ticket_id: *id,
                    order_ids: samples.get(id).cloned().unwrap_or_default(),
                })
                .collect(),
        });
    }
    Ok(())
}
