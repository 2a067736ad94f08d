//! Who is working at this machine. Several operators may share one install:
//! unread markers, notes, replies and log rows belong to one. The first is
//! named after the OS user when the data dir is opened (`db::Db::open`).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::{LocalConn, Writer},
    panels::{self, Panel},
    settings, Result,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Operator {
    pub id: i64,
    pub name: String,
}

/// The setting that remembers who was working last.
const CURRENT: &str = "current_operator";

pub fn list(local: &LocalConn) -> Result<Vec<Operator>> {
    let mut stmt = local
        .prepare("SELECT id, name FROM operators ORDER BY name COLLATE NOCASE")
        .map_err(LocalConn::err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Operator {
                id: r.get("id")?,
                name: r.get("name")?,
            })
        })
        .map_err(LocalConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}

/// The operator working now: the last one switched to, else the first.
pub fn current(local: &LocalConn) -> Result<Operator> {
    let id: Option<i64> = settings::get(local, CURRENT)?.and_then(|v| v.parse().ok());
    let ops = list(local)?;
    ops.iter()
        .find(|o| Some(o.id) == id)
        .or_else(|| ops.iter().min_by_key(|o| o.id))
        .cloned()
        .ok_or_else(|| OperatorError::Unknown("(none)".into()).into())
}

/// Switches to `id`, which must exist.
pub fn switch(local: &LocalConn, id: i64) -> Result<Operator> {
    let op = list(local)?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| OperatorError::Unknown(id.to_string()))?;
    settings::set(local, CURRENT, &id.to_string())?;
    Ok(op)
}

/// A name an operator may take: 1 to 60 characters, not another's (case ignored).
fn free_name(local: &LocalConn, name: &str, except: Option<i64>) -> Result<String> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(OperatorError::BadName.into());
    }
    let taken = list(local)?
        .iter()
        .any(|o| Some(o.id) != except && o.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(OperatorError::Taken(name).into());
    }
    Ok(name)
}

fn log(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    panel: Option<(i64, String)>,
    target: String,
    details: String,
) -> Result<()> {
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel,
            action: Action::Profile,
            target: Some(target),
            outcome: Outcome::Sent,
            details: Some(details),
        },
    )
}

/// Adds an operator; names are unique, ignoring case. Logged.
pub async fn add(writer: &Writer, install_id: &str, actor: &Actor, name: &str) -> Result<Operator> {
    let (name, install_id, actor) = (name.to_owned(), install_id.to_owned(), actor.clone());
    writer
        .run(move |w| {
            let name = free_name(&w.local, &name, None)?;
            w.local
                .execute(
                    "INSERT INTO operators (name, created_at) VALUES (?1, ?2)",
                    params![name, chrono::Utc::now().timestamp()],
                )
                .map_err(LocalConn::err)?;
            let op = Operator {
                id: w.local.last_insert_rowid(),
                name,
            };
            log(
                &w.local,
                &install_id,
                &actor,
                None,
                format!("operator {}", op.name),
                "added".into(),
            )?;
            Ok(op)
        })
        .await
}

/// Renames an operator (Settings > My profile). Logged.
pub async fn rename(
    writer: &Writer,
    install_id: &str,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<Operator> {
    let (name, install_id, actor) = (name.to_owned(), install_id.to_owned(), actor.clone());
    writer
        .run(move |w| {
            let old = list(&w.local)?
                .into_iter()
                .find(|o| o.id == id)
                .ok_or_else(|| OperatorError::Unknown(id.to_string()))?;
            let name = free_name(&w.local, &name, Some(id))?;
            w.local
                .execute(
                    "UPDATE operators SET name = ?2 WHERE id = ?1",
                    params![id, name],
                )
                .map_err(LocalConn::err)?;
            log(
                &w.local,
                &install_id,
                &actor,
                None,
                format!("operator {name}"),
                format!("renamed from {}", old.name),
            )?;
            Ok(Operator { id, name })
        })
        .await
}

/// The operator's own staff name on each panel that has one set.
pub fn own_staff_names(local: &LocalConn, operator: i64) -> Result<Vec<(i64, String)>> {
    local
        .prepare_cached(
            "SELECT panel_id, staff_name FROM operator_staff_names WHERE operator_id = ?1 ORDER BY panel_id",
        )
        .map_err(LocalConn::err)?
        .query_map([operator], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}

/// The staff name `operator` replies with on `panel`: their own for that
/// panel, else the panel's.
pub fn staff_name(local: &LocalConn, operator: i64, panel: &Panel) -> Result<Option<String>> {
    let own: Option<String> = local
        .query_row(
            "SELECT staff_name FROM operator_staff_names WHERE operator_id = ?1 AND panel_id = ?2",
            params![operator, panel.id],
            |r| r.get(0),
        )
        .optional()
        .map_err(LocalConn::err)?;
    Ok(own
        .or_else(|| panel.staff_name.clone())
        .filter(|s| !s.trim().is_empty()))
}

/// Sets (or, when blank, clears) the operator's own staff name on a panel. Logged.
pub async fn set_staff_name(
    writer: &Writer,
    install_id: &str,
    actor: &Actor,
    operator: i64,
    panel_id: i64,
    staff_name: &str,
) -> Result<()> {
    let name = staff_name.trim().to_owned();
    let (install_id, actor) = (install_id.to_owned(), actor.clone());
    writer
        .run(move |w| {
            let panel = panels::by_id(&w.local, panel_id)?;
            if name.is_empty() {
                w.local.execute(
                    "DELETE FROM operator_staff_names WHERE operator_id = ?1 AND panel_id = ?2",
                    params![operator, panel_id],
                )
            } else {
                w.local.execute(
                    "INSERT INTO operator_staff_names (operator_id, panel_id, staff_name) VALUES (?1, ?2, ?3)
                     ON CONFLICT (operator_id, panel_id) DO UPDATE SET staff_name = excluded.staff_name",
                    params![operator, panel_id, name],
                )
            }
            .map_err(LocalConn::err)?;
            log(
                &w.local,
                &install_id,
                &actor,
                Some((panel.id, panel.name)),
                format!("operator {}", actor.name),
                if name.is_empty() {
                    "staff name cleared".into()
                } else {
                    format!("staff name {name}")
                },
            )
        })
        .await
}

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("there is no operator {0}")]
    Unknown(String),
    #[error("an operator's name is 1 to 60 characters")]
    BadName,
    #[error("there is already an operator named {0:?}")]
    Taken(String),
}
