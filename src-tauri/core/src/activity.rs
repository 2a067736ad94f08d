//! The activity log in `local.sqlite3`: append-only (triggers refuse updates
//! and deletes), one row per thing done to a panel or to what this machine
//! keeps. A row names who did it, from which device, to which panel (by
//! name too, so it outlives the panel), and how it ended. Never a message's
//! content or a key: `details` holds counts, ids and reasons.

use rusqlite::params;
use serde::{Deserialize, Serialize};

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
    Deserialize,
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
    /// A panel added, edited or removed (Settings > Panels).
    Panel,
    /// A panel's admin or services key replaced.
    PanelKey,
    /// Sync intervals, page sizes or retention.
    SyncSettings,
    /// Service descriptions imported from a file.
    Import,
    /// The staff directory changed.
    Staff,
    /// An operator added, or their staff name on a panel changed.
    Profile,
    /// An app lock turned on or off, its passcode or idle time changed.
    AppLock,
    /// A rival or a watch profile of the competitors watch changed.
    Competitor,
    /// The desktop notifications' switches changed.
    Notifications,
    /// local.sqlite3 exported to an encrypted backup, or a restore staged.
    Backup,
    /// A local API key made or revoked.
    ApiKey,
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

/// Which rows of the log to show: every field unset means all.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogFilter {
    pub action: Option<Action>,
    /// An operator's id (actor kind `operator`).
    pub operator_id: Option<i64>,
    pub panel_id: Option<i64>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    pub limit: Option<u32>,
}

/// Rows a screen shows at most.
const MAX_ROWS: u32 = 5_000;

/// The newest `limit` rows, newest first.
pub fn recent(local: &LocalConn, limit: u32) -> Result<Vec<LogRow>> {
    query(
        local,
        &LogFilter {
            limit: Some(limit),
            ..LogFilter::default()
        },
    )
}

/// The rows matching `f`, newest first.
pub fn query(local: &LocalConn, f: &LogFilter) -> Result<Vec<LogRow>> {
    let mut stmt = local
        .prepare_cached(
            "SELECT id, at, actor_kind, actor_id, actor_name, host, install_id, panel_id,
                    panel_name, action, target, outcome, details
             FROM activity_log
             WHERE (?1 IS NULL OR action = ?1)
               AND (?2 IS NULL OR (actor_kind = 'operator' AND actor_id = CAST(?2 AS TEXT)))
               AND (?3 IS NULL OR panel_id = ?3)
               AND (?4 IS NULL OR at >= ?4)
               AND (?5 IS NULL OR at < ?5)
             ORDER BY id DESC LIMIT ?6",
        )
        .map_err(LocalConn::err)?;
    let rows = stmt
        .query_map(
            params![
                f.action,
                f.operator_id,
                f.panel_id,
                f.from,
                f.to,
                f.limit.unwrap_or(MAX_ROWS).min(MAX_ROWS)
            ],
            |r| {
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
            },
        )
        .map_err(LocalConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}

/// The rows matching `f` as CSV (RFC 4180, a header row, times as unix seconds).
pub fn write_csv(
    local: &LocalConn,
    f: &LogFilter,
    style: crate::export::CsvStyle,
    out: impl std::io::Write,
) -> Result<u64> {
    let rows = query(local, f)?;
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| crate::Error::io("writing the log as CSV", std::io::Error::other(e));
    w.write_record([
        "at",
        "actor_kind",
        "actor_id",
        "actor_name",
        "host",
        "install_id",
        "panel_id",
        "panel_name",
        "action",
        "target",
        "outcome",
        "details",
    ])
    .map_err(io)?;
    for r in &rows {
        crate::export::write_row(
            &mut w,
            style,
            [
                r.at.to_string(),
                r.actor_kind.to_string(),
                r.actor_id.clone(),
                r.actor_name.clone(),
                r.host.clone(),
                r.install_id.clone(),
                r.panel_id.map(|p| p.to_string()).unwrap_or_default(),
                r.panel_name.clone().unwrap_or_default(),
                r.action.to_string(),
                r.target.clone().unwrap_or_default(),
                r.outcome.to_string(),
                r.details.clone().unwrap_or_default(),
            ],
        )
        .map_err(io)?;
    }
    w.flush()
        .map_err(|e| crate::Error::io("writing the log as CSV", e))?;
    Ok(rows.len() as u64)
}
