//! The activity log in `local.sqlite3`: append-only (triggers refuse updates
//! and deletes), one row per thing done to a panel or to what this machine
//! keeps. A row names who did it, from which device, to which panel (by
//! name too, so it outlives the panel), and how it ended. Never a message's
//! content or a key: `details` holds counts, ids and reasons.

use rusqlite::params;
use serde::Serialize;

use crate::{
    db::{LocalConn, Writer},
    operators::Operator,
    Result,
};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ActorKind {
    Operator,
    ApiKey,
    Cli,
    Engine,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Sent,
    Failed,
    Unknown,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    Reply,
    Close,
    Reopen,
    Assign,
    TemplateAdd,
    TemplateEdit,
    TemplateDelete,
    OutboxDiscard,
    Export,
    AiKey,
    AiProvider,
    AiPreset,
    AiCall,
    Payment,
    PaymentMethod,
    OrderAction,
}

crate::db::sql_text_enum!(ActorKind, Outcome, Action);

/// Who acts: an operator at the window, the CLI, the engine (the outbox
/// drained in the background) or, later, a local API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actor {
    pub kind: ActorKind,
    pub id: String,
    pub name: String,
}

impl Actor {
    pub fn operator(op: &Operator) -> Actor {
        Actor {
            kind: ActorKind::Operator,
            id: op.id.to_string(),
            name: op.name.clone(),
        }
    }

    pub fn cli() -> Actor {
        Actor {
            kind: ActorKind::Cli,
            id: "cli".into(),
            name: whoami::username(),
        }
    }

    pub fn engine() -> Actor {
        Actor {
            kind: ActorKind::Engine,
            id: "engine".into(),
            name: "outbox".into(),
        }
    }
}

/// One thing done, as it is logged.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor: Actor,
    /// The panel's id and name, when it concerns one.
    pub panel: Option<(i64, String)>,
    pub action: Action,
    pub target: Option<String>,
    pub outcome: Outcome,
    pub details: Option<String>,
}

/// A row of the log, as the CLI and the log screen show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogRow {
    pub id: i64,
    pub at: i64,
    pub actor_kind: ActorKind,
    pub actor_id: String,
    pub actor_name: String,
    pub host: String,
    pub install_id: String,
    pub panel_id: Option<i64>,
    pub panel_name: Option<String>,
    pub action: Action,
    pub target: Option<String>,
    pub outcome: Outcome,
    pub details: Option<String>,
}

/// This machine's name, as log rows give it.
pub fn host() -> String {
    whoami::fallible::hostname().unwrap_or_else(|_| "unknown".into())
}

/// Appends one row. `local` may be the writer's connection or, for the rare
/// log row outside a writer job, a connection of its own.
pub fn append(local: &LocalConn, install_id: &str, e: &Entry) -> Result<()> {
    local
        .execute(
            "INSERT INTO activity_log (at, actor_kind, actor_id, actor_name, host, install_id,
                 panel_id, panel_name, action, target, outcome, details)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                chrono::Utc::now().timestamp(),
                e.actor.kind,
                e.actor.id,
                e.actor.name,
                host(),
                install_id,
                e.panel.as_ref().map(|p| p.0),
                e.panel.as_ref().map(|p| &p.1),
                e.action,
                e.target,
                e.outcome,
                e.details,
            ],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// Appends one row on the writer, for a use case that has no writer job of
/// its own (an export).
pub async fn record(writer: &Writer, install_id: &str, e: Entry) -> Result<()> {
    let install_id = install_id.to_owned();
    writer.run(move |w| append(&w.local, &install_id, &e)).await
}

/// The newest `limit` rows, newest first.
pub fn recent(local: &LocalConn, limit: u32) -> Result<Vec<LogRow>> {
    let mut stmt = local
        .prepare(
            "SELECT id, at, actor_kind, actor_id, actor_name, host, install_id, panel_id,
                    panel_name, action, target, outcome, details
             FROM activity_log ORDER BY id DESC LIMIT ?1",
        )
        .map_err(LocalConn::err)?;
    let rows = stmt
        .query_map([limit], |r| {
            Ok(LogRow {
                id: r.get("id")?,
                at: r.get("at")?,
                actor_kind: r.get("actor_kind")?,
                actor_id: r.get("actor_id")?,
                actor_name: r.get("actor_name")?,
                host: r.get("host")?,
                install_id: r.get("install_id")?,
                panel_id: r.get("panel_id")?,
                panel_name: r.get("panel_name")?,
                action: r.get("action")?,
                target: r.get("target")?,
                outcome: r.get("outcome")?,
                details: r.get("details")?,
            })
        })
        .map_err(LocalConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}
