//! What deserves a desktop notification, decided here; the app only shows
//! the [`Notice`]s. Each kind has a switch in Settings > Notifications, and
//! each event is told once: what was told is remembered in `local.sqlite3`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    competitors::{self, ChangeKind, PollOutcome},
    db::{CacheConn, LocalConn, ReadConn},
    operators, panels,
    reports::{service_health, HealthStatus, ServiceHealthParams},
    settings, Result,
};

/// Which tickets tell when a customer writes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::Display, strum::EnumString,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TicketAlerts {
    Off,
    /// Tickets assigned to the operator's staff name on their panel.
    Mine,
    Anyone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NotificationSettings {
    /// A service turns critical (the default profile, the last 24 h).
    pub service_critical: bool,
    /// A new ticket arrives, or a customer writes again on an open one.
    pub tickets: TicketAlerts,
    /// A watched rival's price moves past a watch profile's threshold.
    pub competitor_prices: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            service_critical: true,
            tickets: TicketAlerts::Anyone,
            competitor_prices: true,
        }
    }
}

/// One notification: plain text (the OS renders it, never as HTML).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

const SETTINGS: &str = "notifications";
/// The (panel, service) pairs critical at the last check.
const CRITICAL_TOLD: &str = "notifications.critical_told";
/// The newest customer message already told (its `created`).
const MESSAGES_TOLD: &str = "notifications.messages_told_at";
/// More than this many events of a kind at once make one summary notice.
const MAX_NOTICES: usize = 3;

pub fn settings(local: &LocalConn) -> Result<NotificationSettings> {
    Ok(settings::get(local, SETTINGS)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

pub fn set_settings(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    s: NotificationSettings,
) -> Result<NotificationSettings> {
    settings::set(
        local,
        SETTINGS,
        &serde_json::to_string(&s).expect("plain data serializes"),
    )?;
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::Notifications,
            target: Some("notifications".into()),
            outcome: Outcome::Sent,
            details: Some(format!(
                "critical services {}, tickets {}, competitor prices {}",
                on(s.service_critical),
                s.tickets,
                on(s.competitor_prices)
            )),
        },
    )?;
    Ok(s)
}

fn on(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// Many events make one notice that counts them; a few, one each.
fn bundle(mut notices: Vec<Notice>, summary: impl FnOnce(usize) -> Notice) -> Vec<Notice> {
    if notices.len() > MAX_NOTICES {
        let n = notices.len();
        notices = vec![summary(n)];
    }
    notices
}

/// Services that turned critical since the last check (snoozed ones are
/// not shown, so not told). A service that recovers is told again when it
/// turns critical again.
pub fn newly_critical(read: &ReadConn, local: &LocalConn, now: i64) -> Result<Vec<Notice>> {
    if !settings(local)?.service_critical {
        return Ok(Vec::new());
    }
    let report = service_health(read, &ServiceHealthParams::new(now))?;
    let critical: Vec<_> = report
        .services
        .iter()
        .filter(|r| r.status == HealthStatus::Critical)
        .collect();
    let told: BTreeSet<(i64, i64)> = settings::get(local, CRITICAL_TOLD)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    let now_critical: BTreeSet<(i64, i64)> = critical
        .iter()
        .map(|r| (r.panel_id, r.service_id))
        .collect();
    settings::set(
        local,
        CRITICAL_TOLD,
        &serde_json::to_string(&now_critical).expect("pairs serialize"),
    )?;
    let notices = critical
        .iter()
        .filter(|r| !told.contains(&(r.panel_id, r.service_id)))
        .map(|r| Notice {
            title: format!("Service {} is critical", r.service_id),
            body: format!(
                "{} on {}: score {:.0}, {} stuck, {:.0} % slow.",
                r.service_name,
                r.panel,
                r.score.unwrap_or(0.0),
                r.stuck,
                r.slow_pct
            ),
        })
        .collect();
    Ok(bundle(notices, |n| Notice {
        title: format!("{n} services turned critical"),
        body: "Open Reports > Service health to see them.".into(),
    }))
}

/// Where the customer messages' check stands: the newest `created` told, and
/// the messages of that very second already told (another may come in the
/// same second, and must still be told once).
#[derive(Debug, Default, Serialize, Deserialize)]
struct MessagesTold {
    at: i64,
    keys: BTreeSet<(i64, i64, i64)>,
}

/// Customer messages that came since the last check: a new ticket, or a
/// customer writing again on an open one. The first check only remembers
/// where it starts: the cache's history is not news.
pub fn customer_messages(read: &ReadConn, local: &LocalConn) -> Result<Vec<Notice>> {
    let alerts = settings(local)?.tickets;
    let told: Option<MessagesTold> =
        settings::get(local, MESSAGES_TOLD)?.and_then(|v| serde_json::from_str(&v).ok());
    let since = told.as_ref().map_or(i64::MAX, |t| t.at);
    let mut st = read
        .prepare_cached(
            "SELECT t.panel_id, t.id, m.seq, m.created, t.username, t.subject, t.assignee,
                    m.seq = (SELECT min(seq) FROM ticket_messages f
                             WHERE f.panel_id = m.panel_id AND f.ticket_id = m.ticket_id) AS first,
                    coalesce(m.plain, '') AS text
             FROM ticket_messages m
             JOIN tickets t ON t.panel_id = m.panel_id AND t.id = m.ticket_id
             WHERE m.is_staff = 0 AND m.created >= ?1 AND t.status <> 'closed' AND t.deleted = 0
             ORDER BY m.created, m.panel_id, m.ticket_id, m.seq",
        )
        .map_err(CacheConn::err)?;
    struct Message {
        key: (i64, i64, i64),
        created: i64,
        user: String,
        subject: String,
        assignee: Option<String>,
        first: bool,
        text: String,
    }
    let fresh: Vec<Message> = st
        .query_map([since], |r| {
            Ok(Message {
                key: (r.get(0)?, r.get(1)?, r.get(2)?),
                created: r.get(3)?,
                user: r.get(4)?,
                subject: r.get(5)?,
                assignee: r.get(6)?,
                first: r.get(7)?,
                text: r.get(8)?,
            })
        })
        .map_err(CacheConn::err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CacheConn::err)?
        .into_iter()
        .filter(|m| told.as_ref().is_some_and(|t| !t.keys.contains(&m.key)))
        .collect();
    // The newest second told, and what of it was told.
    let newest: Option<i64> = read
        .query_row(
            "SELECT max(created) FROM ticket_messages WHERE is_staff = 0",
            [],
            |r| r.get(0),
        )
        .map_err(CacheConn::err)?;
    let mut next = MessagesTold {
        at: newest.unwrap_or(0).max(told.as_ref().map_or(0, |t| t.at)),
        keys: BTreeSet::new(),
    };
    if let Some(t) = &told {
        if t.at == next.at {
            next.keys.extend(t.keys.iter().copied());
        }
    }
    next.keys
        .extend(fresh.iter().filter(|m| m.created == next.at).map(|m| m.key));
    if told.is_none() {
        // The first check: everything of the newest second counts as told.
        let mut st = read
            .prepare_cached(
                "SELECT panel_id, ticket_id, seq FROM ticket_messages WHERE is_staff = 0 AND created = ?1",
            )
            .map_err(CacheConn::err)?;
        let keys = st
            .query_map([next.at], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(CacheConn::err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(CacheConn::err)?;
        next.keys.extend(keys);
    }
    settings::set(
        local,
        MESSAGES_TOLD,
        &serde_json::to_string(&next).expect("plain data serializes"),
    )?;
    if alerts == TicketAlerts::Off {
        return Ok(Vec::new());
    }
    let me = operators::current(local)?;
    let mut notices = Vec::new();
    let mut tickets = Vec::new();
    for m in fresh {
        let (panel_id, ticket, _) = m.key;
        let Ok(panel) = panels::by_id(local, panel_id) else {
            continue;
        };
        if alerts == TicketAlerts::Mine {
            let mine = operators::staff_name(local, me.id, &panel)?;
            if mine.is_none() || m.assignee != mine {
                continue;
            }
        }
        let title = if m.first {
            format!("New ticket #{ticket} from {}", m.user)
        } else {
            format!("{} wrote again on #{ticket}", m.user)
        };
        let words: Vec<&str> = m.text.split_whitespace().collect();
        let excerpt: String = words.join(" ").chars().take(140).collect();
        let id = format!("#{ticket}");
        if !tickets.contains(&id) {
            tickets.push(id);
        }
        notices.push(Notice {
            title,
            body: format!("{} ({}): {excerpt}", m.subject, panel.name),
        });
    }
    Ok(bundle(notices, |n| Notice {
        title: format!("{n} new customer messages"),
        body: format!(
            "Tickets {}. Open Tickets to answer them.",
            tickets.join(", ")
        ),
    }))
}

/// A poll's price moves past the threshold of a profile watching the rival.
pub fn price_moves(local: &LocalConn, outcome: &PollOutcome) -> Result<Vec<Notice>> {
    if !settings(local)?.competitor_prices {
        return Ok(Vec::new());
    }
    let threshold = competitors::list_profiles(local)?
        .into_iter()
        .filter(|p| p.rival_ids.contains(&outcome.rival_id))
        .map(|p| p.threshold_pct)
        .reduce(f64::min);
    let Some(threshold) = threshold else {
        return Ok(Vec::new());
    };
    let notices = outcome
        .changes
        .iter()
        .filter(|c| {
            c.kind == ChangeKind::Price
                && competitors::beyond(c.old_rate_micros, c.rate_micros, threshold)
        })
        .map(|c| Notice {
            title: format!(
                "{}: price {} {}",
                c.rival_name,
                if c.rate_micros > c.old_rate_micros {
                    "up"
                } else {
                    "down"
                },
                c.move_pct
                    .map(|p| format!("{:.1} %", p.abs()))
                    .unwrap_or_default()
            ),
            body: format!(
                "{} · {}: {} → {}",
                c.service_id,
                c.name,
                price(c.old_rate_micros),
                price(c.rate_micros)
            ),
        })
        .collect();
    Ok(bundle(notices, |n| Notice {
        title: format!("{n} rival prices moved"),
        body: "Open Reports > Competitors to see them.".into(),
    }))
}

fn price(micros: Option<i64>) -> String {
    micros.map_or_else(|| "—".into(), crate::model::format_micros)
}
