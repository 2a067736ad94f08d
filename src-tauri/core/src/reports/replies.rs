//! Staff replies: flagged replies by staff, and staff statistics.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::params;
use serde::Serialize;

use super::{csv_text, opt, panels, window_start, WindowParams};
use crate::db::{CacheConn, ReadConn};
use crate::{text::strip_html, Result};

/// The staff name of a staff message that carries none (and has no alias).
pub const UNKNOWN_STAFF: &str = "(unknown)";

/// Shorter than this many characters: a quick fire.
const QUICK_FIRE_CHARS: usize = 25;
/// Answered sooner than this many seconds after the customer: a quick fire.
const QUICK_FIRE_SECONDS: i64 = 30;
/// This many customer messages after a reply, before the next staff message: repeated.
const REPEATED_MESSAGES: i64 = 2;

/// A ticket of one panel.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketRef {
    pub panel_id: i64,
    pub panel: String,
    pub ticket_id: i64,
}

/// One staff reply inside the window.
struct Reply {
    ticket: TicketRef,
    staff: String,
    /// Unix seconds.
    created: i64,
    /// Characters of the stripped text.
    length: usize,
    /// Seconds since the customer message just before it, if that is one.
    response_s: Option<i64>,
    /// Customer messages after it before the next staff message.
    customer_after: i64,
}

impl Reply {
    fn quick_fire(&self) -> bool {
        self.length < QUICK_FIRE_CHARS || self.response_s.is_some_and(|s| s < QUICK_FIRE_SECONDS)
    }

    fn repeated(&self) -> bool {
        self.customer_after >= REPEATED_MESSAGES
    }
}

/// The staff replies inside the window (bots left out, aliases mapped) and
/// how many messages were skipped for having no time.
///
/// A conversation is read in `seq` order, without its messages that have no
/// time (skipped: counted, over the tickets with a message in the window or
/// updated or created in it) and without those written after `at`.
fn replies(conn: &ReadConn, p: &WindowParams) -> Result<(Vec<Reply>, i64)> {
    let from = window_start(p.at, p.window_hours);
    let mut out = Vec::new();
    let mut skipped = 0;
    for panel in panels(conn, p.panel)? {
        let mut st = conn
            .prepare_cached(
                "WITH t AS (
                     SELECT DISTINCT ticket_id FROM ticket_messages INDEXED BY ticket_messages_created
                     WHERE panel_id = ?1 AND is_staff = 1 AND created > ?2 AND created <= ?3
                 ),
                 m AS (
                     SELECT tm.ticket_id, tm.seq, tm.is_staff, tm.staff_name, tm.created, tm.message, tm.plain,
                            lag(tm.is_staff) OVER w AS prev_staff,
                            lag(tm.created) OVER w AS prev_created,
                            sum(tm.is_staff) OVER w AS grp
                     FROM t JOIN ticket_messages tm ON tm.panel_id = ?1 AND tm.ticket_id = t.ticket_id
                     -- `+`: read each conversation by its key, not by the time index.
                     WHERE +tm.created <= ?3
                     WINDOW w AS (PARTITION BY tm.ticket_id ORDER BY tm.seq)
                 ),
                 -- Customer messages after a staff message until the next one share its
                 -- group: count them with a window, not a join back onto m (which
                 -- SQLite would run as a nested loop).
                 c AS (
                     SELECT m.*, sum(1 - is_staff) OVER (PARTITION BY ticket_id, grp) AS customer_after FROM m
                 )
                 SELECT c.ticket_id, COALESCE(a.staff, c.staff_name) AS staff, c.created, c.message,
                        c.prev_staff, c.prev_created, c.customer_after, c.plain
                 FROM c
                 LEFT JOIN local.staff_aliases a ON a.panel_id = ?1 AND a.alias = c.staff_name
                 LEFT JOIN local.staff s ON s.name = COALESCE(a.staff, c.staff_name)
                 WHERE c.is_staff = 1 AND c.created > ?2 AND s.role IS NOT 'bot'
                 ORDER BY c.ticket_id, c.seq",
            )
            .map_err(CacheConn::err)?;
        let rows = st
            .query_map(params![panel.id, from, p.at], |r| {
                let created: i64 = r.get("created")?;
                // Stripped at write time; rows from before that are stripped here.
                let plain: Option<String> = r.get("plain")?;
                let text = match plain {
                    Some(p) => p,
                    None => strip_html(&r.get::<_, String>("message")?),
                };
                let prev_staff: Option<bool> = r.get("prev_staff")?;
                let prev_created: Option<i64> = r.get("prev_created")?;
                Ok(Reply {
                    created,
                    ticket: TicketRef {
                        panel_id: panel.id,
                        panel: panel.name.clone(),
                        ticket_id: r.get("ticket_id")?,
                    },
                    staff: r
                        .get::<_, Option<String>>("staff")?
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| UNKNOWN_STAFF.to_owned()),
                    length: text.chars().count(),
                    response_s: match (prev_staff, prev_created) {
                        (Some(false), Some(prev)) => Some(created - prev),
                        _ => None,
                    },
                    customer_after: r.get("customer_after")?,
                })
            })
            .map_err(CacheConn::err)?;
        for row in rows {
            out.push(row.map_err(CacheConn::err)?);
        }
        skipped += conn
            .prepare_cached(
                "SELECT count(*) FROM ticket_messages
                 WHERE panel_id = ?1 AND created IS NULL AND ticket_id IN (
                     SELECT ticket_id FROM ticket_messages WHERE panel_id = ?1 AND created > ?2 AND created <= ?3
                     UNION SELECT id FROM tickets WHERE panel_id = ?1 AND last_update > ?2 AND last_update <= ?3
                     UNION SELECT id FROM tickets WHERE panel_id = ?1 AND created > ?2 AND created <= ?3
                 )",
            )
            .map_err(CacheConn::err)?
            .query_row(params![panel.id, from, p.at], |r| r.get::<_, i64>(0))
            .map_err(CacheConn::err)?;
    }
    Ok((out, skipped))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlaggedStaffRow {
    pub staff: String,
    pub replies: i64,
    /// Mean length of the replies' stripped text, in characters.
    pub avg_length: f64,
    /// Mean response time in seconds, over the replies that have one.
    pub avg_response_s: Option<f64>,
    pub quick_fires: i64,
    pub repeated: i64,
    /// round(100 - 50 x quick fires / replies - 50 x repeated / replies), .5 up, within 0..=100.
    pub score: i64,
    /// The tickets holding this staff member's flagged replies (quick fire or
    /// repeated), in panel and ticket order.
    #[serde(skip)]
    pub flagged_tickets: Vec<TicketRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlaggedStaffReport {
    pub window_hours: f64,
    pub at: i64,
    pub staff: Vec<FlaggedStaffRow>,
    /// Messages left out for having no time.
    pub skipped_messages: i64,
}

impl FlaggedStaffReport {
    pub fn to_csv(&self, style: crate::export::CsvStyle) -> String {
        csv_text(
            &[
                "staff",
                "replies",
                "avg_length",
                "avg_response_s",
                "quick_fires",
                "repeated",
                "score",
            ],
            self.staff.iter().map(|r| {
                vec![
                    r.staff.clone(),
                    r.replies.to_string(),
                    r.avg_length.to_string(),
                    opt(&r.avg_response_s),
                    r.quick_fires.to_string(),
                    r.repeated.to_string(),
                    r.score.to_string(),
                ]
            }),
            style,
        )
    }
}

/// The staff score: `round(100 - 50 x quick_fires / replies - 50 x repeated /
/// replies)` with .5 rounded up, within 0..=100; computed in integers, so
/// exact. 100 when there are no replies.
pub fn staff_score(replies: i64, quick_fires: i64, repeated: i64) -> i64 {
    if replies <= 0 {
        return 100;
    }
    // score = num / replies; round half up = floor((2 num + replies) / (2 replies)).
    let num = 100 * replies - 50 * (quick_fires + repeated);
    (2 * num + replies).div_euclid(2 * replies).clamp(0, 100)
}

/// Flagged replies by staff (see [`super::help::FLAGGED_BY_STAFF`]); rows by
/// score ascending, then staff name.
pub fn flagged_by_staff(conn: &ReadConn, p: &WindowParams) -> Result<FlaggedStaffReport> {
    let (replies, skipped) = replies(conn, p)?;
    #[derive(Default)]
    struct Acc {
        replies: i64,
        length: usize,
        response_sum: i64,
        responses: i64,
        quick_fires: i64,
        repeated: i64,
        flagged: BTreeSet<TicketRef>,
    }
    let mut by_staff: BTreeMap<String, Acc> = BTreeMap::new();
    for r in replies {
        let acc = by_staff.entry(r.staff.clone()).or_default();
        acc.replies += 1;
        acc.length += r.length;
        if let Some(s) = r.response_s {
            acc.response_sum += s;
            acc.responses += 1;
        }
        let (quick, repeated) = (r.quick_fire(), r.repeated());
        acc.quick_fires += i64::from(quick);
        acc.repeated += i64::from(repeated);
        if quick || repeated {
            acc.flagged.insert(r.ticket);
        }
    }
    let mut rows: Vec<FlaggedStaffRow> = by_staff
        .into_iter()
        .map(|(staff, a)| FlaggedStaffRow {
            staff,
            replies: a.replies,
            avg_length: a.length as f64 / a.replies as f64,
            avg_response_s: (a.responses > 0).then(|| a.response_sum as f64 / a.responses as f64),
            quick_fires: a.quick_fires,
            repeated: a.repeated,
            score: staff_score(a.replies, a.quick_fires, a.repeated),
            flagged_tickets: a.flagged.into_iter().collect(),
        })
        .collect();
    // The map gave name order; a stable sort by score keeps it for ties.
    rows.sort_by_key(|r| r.score);
    Ok(FlaggedStaffReport {
        window_hours: p.window_hours,
        at: p.at,
        staff: rows,
        skipped_messages: skipped,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffStatsRow {
    pub staff: String,
    /// Distinct tickets with a reply by them in the window.
    pub answered: i64,
    /// Mean response time in minutes, over their replies that have one.
    pub avg_response_min: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffStatsReport {
    pub window_hours: f64,
    pub at: i64,
    pub staff: Vec<StaffStatsRow>,
    /// Messages left out for having no time.
    pub skipped_messages: i64,
}

impl StaffStatsReport {
    pub fn to_csv(&self, style: crate::export::CsvStyle) -> String {
        csv_text(
            &["staff", "answered", "avg_response_min"],
            self.staff.iter().map(|r| {
                vec![
                    r.staff.clone(),
                    r.answered.to_string(),
                    opt(&r.avg_response_min),
                ]
            }),
            style,
        )
    }
}

/// Staff statistics (see [`super::help::STAFF_STATS`]); rows by answered
/// descending, then staff name.
pub fn staff_stats(conn: &ReadConn, p: &WindowParams) -> Result<StaffStatsReport> {
    let (replies, skipped) = replies(conn, p)?;
    #[derive(Default)]
    struct Acc {
        tickets: BTreeSet<(i64, i64)>,
        response_sum: i64,
        responses: i64,
    }
    let mut by_staff: BTreeMap<String, Acc> = BTreeMap::new();
    for r in replies {
        let acc = by_staff.entry(r.staff).or_default();
        acc.tickets.insert((r.ticket.panel_id, r.ticket.ticket_id));
        if let Some(s) = r.response_s {
            acc.response_sum += s;
            acc.responses += 1;
        }
    }
    let mut rows: Vec<StaffStatsRow> = by_staff
        .into_iter()
        .map(|(staff, a)| StaffStatsRow {
            staff,
            answered: a.tickets.len() as i64,
            avg_response_min: (a.responses > 0)
                .then(|| a.response_sum as f64 / a.responses as f64 / 60.0),
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.answered));
    Ok(StaffStatsReport {
        window_hours: p.window_hours,
        at: p.at,
        staff: rows,
        skipped_messages: skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::staff_score;

    #[test]
    fn staff_score_rounds_half_up_and_stays_in_range() {
        for (replies, quick, repeated, want) in [
            (0, 0, 0, 100),
            (1, 0, 0, 100),
            (1, 1, 1, 0),
            (4, 1, 0, 88),  // 87.5 -> 88
            (4, 3, 0, 63),  // 62.5 -> 63
            (4, 1, 2, 63),  // 62.5 -> 63
            (3, 1, 0, 83),  // 83.33 -> 83
            (3, 2, 0, 67),  // 66.67 -> 67
            (8, 1, 0, 94),  // 93.75 -> 94
            (16, 1, 0, 97), // 96.875 -> 97
            (16, 3, 0, 91), // 90.625 -> 91
            (2, 1, 0, 75),
            (2, 2, 2, 0),
        ] {
            assert_eq!(
                staff_score(replies, quick, repeated),
                want,
                "{replies} {quick} {repeated}"
            );
        }
    }
}

/// A staff member's replies on one local day (the staff statistics' chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffDay {
    pub staff: String,
    /// YYYY-MM-DD in the time zone asked for (the OS's in the app).
    pub day: String,
    pub replies: i64,
}

/// Each staff member's replies per local day inside the window, by the same
/// rules as the staff statistics (bots left out, aliases mapped); by staff,
/// then day. Days without a reply are not listed.
pub fn replies_per_day<Tz: chrono::TimeZone>(
    conn: &ReadConn,
    p: &WindowParams,
    tz: &Tz,
) -> Result<Vec<StaffDay>> {
    let (replies, _) = replies(conn, p)?;
    let mut days: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in replies {
        let day = tz
            .timestamp_opt(r.created, 0)
            .earliest()
            .expect("a unix time is a time")
            .date_naive()
            .to_string();
        *days.entry((r.staff, day)).or_default() += 1;
    }
    Ok(days
        .into_iter()
        .map(|((staff, day), replies)| StaffDay {
            staff,
            day,
            replies,
        })
        .collect())
}
