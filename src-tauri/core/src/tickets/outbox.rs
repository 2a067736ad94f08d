//! The reply outbox, durable in `local.sqlite3`: a reply is written here
//! before anything is sent, so it is never lost, and it is sent at most once.
//!
//! A delivery, for each due reply, in this order:
//! 1. the ticket is re-read from the panel (through the panel's one client);
//! 2. if an earlier attempt was posted, the re-read says whether it landed
//!    (a staff message with our staff name and the same stripped text, no
//!    earlier than that attempt minus 5 minutes): then it is sent, and is
//!    not posted again;
//! 3. the freshness guard: a message after those the operator had seen holds
//!    the reply until the operator sends again or edits;
//! 4. the attempt is recorded (committed) before the post, so a process
//!    killed mid-request leaves a reply that step 2 checks;
//! 5. the post; its answer decides: sent, unknown (checked next time),
//!    queued (not reached), or failed with the panel's reason.
//!
//! Only the process that owns the sync lock delivers: it holds the one
//! [`Outbox`]. Others only queue.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use super::{reply_text, TicketError};
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::{Db, LocalConn, Writer},
    model::TicketWithMessages,
    operators,
    panel::PanelError,
    panels::{self, Panel},
    store,
    sync::Engine,
    text, Result,
};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent (never posted, or not reached last time).
    Queued,
    /// A delivery is under way (or the process doing it was killed).
    Sending,
    /// Posted, and the panel's answer never came: checked before any retry.
    Unknown,
    Sent,
    /// The customer or another staff member wrote since the operator opened
    /// the ticket: the operator sends again or edits.
    Held,
    /// The panel refused it; `error` says why.
    Failed,
}

crate::db::sql_text_enum!(OutboxState);

/// How far before an attempt a landed reply's time may be: the panel's clock
/// is not ours.
const CLOCK_SLACK_S: i64 = 5 * 60;

/// Waits before retrying a reply the panel did not take, by attempts made.
fn backoff(attempts: i64) -> i64 {
    (15 << attempts.clamp(0, 5)).min(300)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxRow {
    pub id: i64,
    pub operator_id: Option<i64>,
    pub panel_id: i64,
    pub panel_name: String,
    pub ticket_id: i64,
    pub staff_name: String,
    /// Exactly what is (or was) sent.
    pub body: String,
    /// The operator's text, for editing.
    pub text: String,
    pub seen_messages: i64,
    pub state: OutboxState,
    /// Requests actually sent for it: only a reply never posted can be edited.
    pub posts: i64,
    pub attempted_at: Option<i64>,
    pub retry_at: Option<i64>,
    pub error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const COLUMNS: &str = "id, operator_id, panel_id, panel_name, ticket_id, staff_name, body, plain,
    seen_messages, state, posts, attempted_at, retry_at, error, created_at, sent_at";

fn row(r: &Row) -> rusqlite::Result<OutboxRow> {
    let body: String = r.get("body")?;
    Ok(OutboxRow {
        id: r.get("id")?,
        operator_id: r.get("operator_id")?,
        panel_id: r.get("panel_id")?,
        panel_name: r.get("panel_name")?,
        ticket_id: r.get("ticket_id")?,
        staff_name: r.get("staff_name")?,
        text: body_text(&body),
        body,
        seen_messages: r.get("seen_messages")?,
        state: r.get("state")?,
        posts: r.get("posts")?,
        attempted_at: r.get("attempted_at")?,
        retry_at: r.get("retry_at")?,
        error: r.get("error")?,
        created_at: r.get("created_at")?,
        sent_at: r.get("sent_at")?,
    })
}

/// The reply box's text back from a body (`reply_body` reversed).
fn body_text(body: &str) -> String {
    body.replace("<br>", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A reply as the operator wrote it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewReply {
    pub panel_id: i64,
    pub ticket_id: i64,
    pub text: String,
    /// How many messages of the conversation the operator was shown.
    pub seen_messages: i64,
}

pub fn get(local: &LocalConn, id: i64) -> Result<OutboxRow> {
    local
        .query_row(
            &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
            [id],
            row,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| TicketError::NoSuchReply(id).into())
}

/// The replies not yet sent (and the last day's sent ones), newest first;
/// for one ticket when given.
pub fn list(local: &LocalConn, ticket: Option<(i64, i64)>) -> Result<Vec<OutboxRow>> {
    let (panel_id, ticket_id) = ticket.unzip();
    let mut st = local
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE (state <> 'sent' OR sent_at >= ?1)
               AND (?2 IS NULL OR (panel_id = ?2 AND ticket_id = ?3))
             ORDER BY id DESC"
        ))
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map(params![now() - 86_400, panel_id, ticket_id], row)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

/// Replies waiting on the operator or the panel: the sidebar's badge.
pub fn pending_count(local: &LocalConn) -> Result<i64> {
    local
        .query_row(
            "SELECT count(*) FROM outbox WHERE state <> 'sent'",
            [],
            |r| r.get(0),
        )
        .map_err(LocalConn::err)
}

/// A reply's text checked (not empty, no placeholder left) and made the
/// body that is sent, with its stripped text that finds it again.
fn checked_body(text: &str) -> Result<(String, String)> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TicketError::EmptyReply.into());
    }
    if let Some(name) = reply_text::unfilled_placeholder(text) {
        return Err(TicketError::UnfilledPlaceholder(name).into());
    }
    let body = reply_text::reply_body(text);
    let plain = text::strip_html(&body);
    Ok((body, plain))
}

/// Checks a reply and writes it to the outbox as `queued`: nothing is sent
/// yet. The staff name is the operator's for that panel.
pub async fn queue(db: &Db, writer: &Writer, operator: i64, reply: NewReply) -> Result<OutboxRow> {
    let (body, plain) = checked_body(&reply.text)?;
    let local = db.local()?;
    let panel = panels::by_id(&local, reply.panel_id)?;
    let staff = operators::staff_name(&local, operator, &panel)?.ok_or_else(|| {
        TicketError::NoStaffName {
            panel: panel.name.clone(),
        }
    })?;
    writer
        .run(move |w| {
            w.local
                .execute(
                    "INSERT INTO outbox (operator_id, panel_id, panel_name, ticket_id, staff_name, body,
                         plain, seen_messages, state, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9)",
                    params![
                        operator,
                        panel.id,
                        panel.name,
                        reply.ticket_id,
                        staff,
                        body,
                        plain,
                        reply.seen_messages,
                        now()
                    ],
                )
                .map_err(LocalConn::err)?;
            get(&w.local, w.local.last_insert_rowid())
        })
        .await
}

/// Changes a reply never posted; it is queued again.
pub async fn edit(writer: &Writer, id: i64, text: String, seen_messages: i64) -> Result<OutboxRow> {
    let (body, plain) = checked_body(&text)?;
    writer
        .run(move |w| {
            let r = get(&w.local, id)?;
            if r.posts > 0 || matches!(r.state, OutboxState::Sent | OutboxState::Sending) {
                return Err(TicketError::NotEditable { state: r.state }.into());
            }
            w.local
                .execute(
                    "UPDATE outbox SET body = ?2, plain = ?3, seen_messages = ?4, state = 'queued',
                         retry_at = NULL, error = NULL WHERE id = ?1",
                    params![id, body, plain, seen_messages],
                )
                .map_err(LocalConn::err)?;
            get(&w.local, id)
        })
        .await
}

/// Drops a reply that is not sent (logged: an `unknown` one may have landed).
pub async fn discard(writer: &Writer, install_id: &str, actor: &Actor, id: i64) -> Result<()> {
    let (install_id, actor) = (install_id.to_owned(), actor.clone());
    writer
        .run(move |w| {
            let r = get(&w.local, id)?;
            if matches!(r.state, OutboxState::Sent | OutboxState::Sending) {
                return Err(TicketError::NotEditable { state: r.state }.into());
            }
            w.local
                .execute("DELETE FROM outbox WHERE id = ?1", [id])
                .map_err(LocalConn::err)?;
            activity::append(
                &w.local,
                &install_id,
                &Entry {
                    actor,
                    panel: Some((r.panel_id, r.panel_name.clone())),
                    action: Action::OutboxDiscard,
                    target: Some(format!("ticket {}", r.ticket_id)),
                    outcome: Outcome::Sent,
                    details: Some(format!("reply #{id} was {}", r.state)),
                },
            )
        })
        .await
}

/// What a delivery found, and the row's new state.
enum Step {
    Sent,
    Held(usize),
    Retry { state: OutboxState, error: String },
    Failed(String),
}

/// The delivering side of the outbox: one per process that owns the sync
/// lock. Deliveries run one at a time.
#[derive(Clone)]
pub struct Outbox {
    engine: Engine,
    /// Who the log names when a reply has no operator (the CLI's, the engine's).
    actor: Actor,
    running: Arc<Mutex<()>>,
}

impl Outbox {
    pub fn new(engine: Engine, actor: Actor) -> Outbox {
        Outbox {
            engine,
            actor,
            running: Arc::default(),
        }
    }

    /// Delivers what is due, then every `every`, until `stop`;
    /// `delivered` hears of every reply a pass touched.
    pub async fn watch(
        &self,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
        delivered: impl Fn(&[OutboxRow]),
    ) {
        while !*stop.borrow() {
            match self.drain().await {
                Ok(rows) if !rows.is_empty() => delivered(&rows),
                Ok(_) => {}
                Err(e) => tracing::warn!("the outbox could not be delivered: {e}"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => {}
            }
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Delivers every reply that is due; returns the rows it touched.
    pub async fn drain(&self) -> Result<Vec<OutboxRow>> {
        let _one = self.running.lock().await;
        let due: Vec<i64> = {
            let local = self.engine.db().local()?;
            let mut st = local
                .prepare(
                    "SELECT id FROM outbox
                     WHERE state IN ('queued', 'sending', 'unknown') AND coalesce(retry_at, 0) <= ?1
                     ORDER BY id",
                )
                .map_err(LocalConn::err)?;
            let ids = st
                .query_map([now()], |r| r.get(0))
                .map_err(LocalConn::err)?
                .collect::<rusqlite::Result<_>>()
                .map_err(LocalConn::err)?;
            ids
        };
        let mut done = Vec::with_capacity(due.len());
        for id in due {
            done.push(self.deliver_one(id).await?);
        }
        Ok(done)
    }

    /// Sends one reply now: after `queue` at the window, a retry, or a held
    /// reply the operator confirmed (`seen_messages` then covers what they
    /// have now seen).
    pub async fn send(&self, id: i64, seen_messages: Option<i64>) -> Result<OutboxRow> {
        let _one = self.running.lock().await;
        self.engine
            .writer()
            .run(move |w| {
                let r = get(&w.local, id)?;
                if !matches!(
                    r.state,
                    OutboxState::Queued | OutboxState::Held | OutboxState::Failed | OutboxState::Unknown
                ) {
                    return Err(TicketError::NotEditable { state: r.state }.into());
                }
                let state = if r.posts > 0 { OutboxState::Unknown } else { OutboxState::Queued };
                w.local
                    .execute(
                        "UPDATE outbox SET state = ?2, retry_at = NULL, seen_messages = coalesce(?3, seen_messages)
                         WHERE id = ?1",
                        params![id, state, seen_messages],
                    )
                    .map_err(LocalConn::err)?;
                Ok(())
            })
            .await?;
        self.deliver_one(id).await
    }

    async fn deliver_one(&self, id: i64) -> Result<OutboxRow> {
        // One connection for both reads, closed before any await.
        let (r, panel) = {
            let local = self.engine.db().local()?;
            let r = get(&local, id)?;
            let panel = panels::by_id(&local, r.panel_id).ok();
            (r, panel)
        };
        let Some(panel) = panel else {
            let removed = Step::Failed("the panel was removed from Paneldesk".into());
            return self.finish(&r, removed).await;
        };
        self.set_state(id, OutboxState::Sending).await?;
        let step = self.attempt(&panel, &r).await;
        self.finish(&r, step).await
    }

    async fn attempt(&self, panel: &Panel, r: &OutboxRow) -> Step {
        let retry = |e: &crate::Error| Step::Retry {
            state: if r.posts > 0 {
                OutboxState::Unknown
            } else {
                OutboxState::Queued
            },
            error: e.to_string(),
        };
        let client = match self.engine.client(panel) {
            Ok(c) => c,
            Err(e) => return retry(&e),
        };
        let ticket = match client.ticket(r.ticket_id).await {
            Ok(t) => t,
            Err(PanelError::NotFound { .. }) => {
                return Step::Failed(format!("ticket {} is gone from the panel", r.ticket_id))
            }
            Err(e) => return retry(&e.into()),
        };
        let seen = ticket.messages.len();
        if let Err(e) =
            store::save_conversation(self.engine.writer(), panel.id, ticket.clone()).await
        {
            tracing::warn!("the re-read ticket could not be cached: {e}");
        }
        if r.posts > 0 && landed(&ticket, r) {
            return Step::Sent;
        }
        let new = seen.saturating_sub(r.seen_messages.max(0) as usize);
        if new > 0 {
            return Step::Held(new);
        }
        if let Err(e) = self.record_post(r.id).await {
            return retry(&e);
        }
        match client.reply(r.ticket_id, &r.staff_name, &r.body).await {
            Ok(()) => {
                // The reply, as the panel now holds it, into the cache.
                if let Ok(t) = client.ticket(r.ticket_id).await {
                    let _ = store::save_conversation(self.engine.writer(), panel.id, t).await;
                }
                Step::Sent
            }
            Err(e @ PanelError::OutcomeUnknown { .. }) => Step::Retry {
                state: OutboxState::Unknown,
                error: e.to_string(),
            },
            Err(e @ (PanelError::Unreachable { .. } | PanelError::RateLimited { .. })) => {
                Step::Retry {
                    state: OutboxState::Queued,
                    error: e.to_string(),
                }
            }
            Err(e) => Step::Failed(e.to_string()),
        }
    }

    async fn set_state(&self, id: i64, state: OutboxState) -> Result<()> {
        self.engine
            .writer()
            .run(move |w| {
                w.local
                    .execute(
                        "UPDATE outbox SET state = ?2 WHERE id = ?1",
                        params![id, state],
                    )
                    .map_err(LocalConn::err)?;
                Ok(())
            })
            .await
    }

    /// Committed before the request leaves: a process killed after this
    /// leaves a reply that is checked, not posted again blindly.
    async fn record_post(&self, id: i64) -> Result<()> {
        self.engine
            .writer()
            .run(move |w| {
                w.local
                    .execute(
                        "UPDATE outbox SET posts = posts + 1, attempted_at = ?2 WHERE id = ?1",
                        params![id, now()],
                    )
                    .map_err(LocalConn::err)?;
                Ok(())
            })
            .await
    }

    async fn finish(&self, r: &OutboxRow, step: Step) -> Result<OutboxRow> {
        let actor = match r.operator_id {
            Some(op) => operators::list(&self.engine.db().local()?)?
                .into_iter()
                .find(|o| o.id == op)
                .map(|o| Actor::operator(&o))
                .unwrap_or_else(|| self.actor.clone()),
            None => self.actor.clone(),
        };
        let install_id = self.engine.db().install_id().to_owned();
        let (id, ticket_id, panel_id, panel_name) =
            (r.id, r.ticket_id, r.panel_id, r.panel_name.clone());
        let attempts = r.posts + 1;
        self.engine
            .writer()
            .run(move |w| {
                let t = now();
                let (state, logged) = match &step {
                    Step::Sent => {
                        w.local
                            .execute(
                                "UPDATE outbox SET state = 'sent', sent_at = ?2, error = NULL, retry_at = NULL
                                 WHERE id = ?1",
                                params![id, t],
                            )
                            .map_err(LocalConn::err)?;
                        (OutboxState::Sent, Some((Outcome::Sent, None)))
                    }
                    Step::Held(n) => {
                        w.local
                            .execute(
                                "UPDATE outbox SET state = 'held', error = ?2, retry_at = NULL WHERE id = ?1",
                                params![id, format!("{n} new message(s) since the ticket was opened")],
                            )
                            .map_err(LocalConn::err)?;
                        (OutboxState::Held, None)
                    }
                    Step::Retry { state, error } => {
                        w.local
                            .execute(
                                "UPDATE outbox SET state = ?2, error = ?3, retry_at = ?4 WHERE id = ?1",
                                params![id, state, error, t + backoff(attempts)],
                            )
                            .map_err(LocalConn::err)?;
                        let outcome = (*state == OutboxState::Unknown).then_some(Outcome::Unknown);
                        (*state, outcome.map(|o| (o, Some(error.clone()))))
                    }
                    Step::Failed(error) => {
                        w.local
                            .execute(
                                "UPDATE outbox SET state = 'failed', error = ?2, retry_at = NULL WHERE id = ?1",
                                params![id, error],
                            )
                            .map_err(LocalConn::err)?;
                        (OutboxState::Failed, Some((Outcome::Failed, Some(error.clone()))))
                    }
                };
                tracing::info!(reply = id, ticket = ticket_id, %state, "outbox delivery");
                if let Some((outcome, reason)) = logged {
                    activity::append(
                        &w.local,
                        &install_id,
                        &Entry {
                            actor: actor.clone(),
                            panel: Some((panel_id, panel_name.clone())),
                            action: Action::Reply,
                            target: Some(format!("ticket {ticket_id}")),
                            outcome,
                            details: Some(match reason {
                                Some(r) => format!("reply #{id}: {r}"),
                                None => format!("reply #{id}"),
                            }),
                        },
                    )?;
                }
                get(&w.local, id)
            })
            .await
    }
}

/// Whether the re-read ticket holds this reply: a staff message with our
/// staff name, the same stripped text, no earlier than the last attempt
/// minus the clock slack.
fn landed(ticket: &TicketWithMessages, r: &OutboxRow) -> bool {
    let since = r.attempted_at.unwrap_or(r.created_at) - CLOCK_SLACK_S;
    let ours = text::strip_html(&r.body);
    ticket.messages.iter().any(|m| {
        m.is_staff
            && m.staff_name.as_deref() == Some(r.staff_name.as_str())
            && m.created.is_none_or(|c| c >= since)
            && text::strip_html(&m.message) == ours
    })
}
