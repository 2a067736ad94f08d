//! Who is working at this machine. Several operators may share one install:
//! unread markers, notes, replies and log rows belong to one. The first is
//! named after the OS user when the data dir is opened (`db::Db::open`).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{
    db::{LocalConn, Writer},
    panels::Panel,
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

/// Adds an operator; names are unique, ignoring case.
pub async fn add(writer: &Writer, name: &str) -> Result<Operator> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(OperatorError::BadName.into());
    }
    writer
        .run(move |w| {
            let taken = list(&w.local)?
                .iter()
                .any(|o| o.name.to_lowercase() == name.to_lowercase());
            if taken {
                return Err(OperatorError::Taken(name).into());
            }
            w.local
                .execute(
                    "INSERT INTO operators (name, created_at) VALUES (?1, ?2)",
                    params![name, chrono::Utc::now().timestamp()],
                )
                .map_err(LocalConn::err)?;
            Ok(Operator {
                id: w.local.last_insert_rowid(),
                name,
            })
        })
        .await
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

/// Sets (or, when blank, clears) the operator's own staff name on a panel.
pub async fn set_staff_name(
    writer: &Writer,
    operator: i64,
    panel_id: i64,
    staff_name: &str,
) -> Result<()> {
    let name = staff_name.trim().to_owned();
    writer
        .run(move |w| {
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
            Ok(())
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
