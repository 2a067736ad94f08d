//! Reply templates, kept in `local.sqlite3`. A template's `{{placeholders}}`
//! are filled from the cache when it is inserted into a reply; one with no
//! value stays visible in the reply box (and a reply holding one is refused),
//! never sent blank.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::{CacheConn, LocalConn, ReadConn, Writer},
    operators, panels, text, tickets, Result,
};

/// The placeholders a template may use, with what fills each.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("customer", "the customer's username"),
    (
        "order_ids",
        "the order IDs the ticket quotes, comma-separated",
    ),
    ("staff", "your staff name on the ticket's panel"),
    ("panel", "the panel's name"),
    ("ticket_id", "the ticket's ID"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateEdit {
    pub title: String,
    pub body: String,
}

/// A template filled in for one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Filled {
    pub text: String,
    /// Placeholders left in `text` because the ticket gives them no value.
    pub missing: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("a template needs a title and a body")]
    Blank,
    #[error("there is no template #{0}")]
    Unknown(i64),
}

fn template(r: &Row) -> rusqlite::Result<Template> {
    Ok(Template {
        id: r.get("id")?,
        title: r.get("title")?,
        body: r.get("body")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn list(local: &LocalConn) -> Result<Vec<Template>> {
    let mut st = local
        .prepare_cached(
            "SELECT id, title, body, updated_at FROM templates ORDER BY title COLLATE NOCASE, id",
        )
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([], template)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

fn get(local: &LocalConn, id: i64) -> Result<Template> {
    local
        .query_row(
            "SELECT id, title, body, updated_at FROM templates WHERE id = ?1",
            [id],
            template,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| TemplateError::Unknown(id).into())
}

/// Adds a template (`id` None) or changes one; logged either way.
pub async fn save(
    writer: &Writer,
    install_id: &str,
    actor: &Actor,
    id: Option<i64>,
    edit: TemplateEdit,
) -> Result<Template> {
    let (title, body) = (edit.title.trim().to_owned(), edit.body.trim().to_owned());
    if title.is_empty() || body.is_empty() {
        return Err(TemplateError::Blank.into());
    }
    let (install_id, actor) = (install_id.to_owned(), actor.clone());
    let action = match id {
        Some(_) => Action::TemplateEdit,
        None => Action::TemplateAdd,
    };
    writer
        .run(move |w| {
            let now = chrono::Utc::now().timestamp();
            let id = match id {
                Some(id) => {
                    get(&w.local, id)?;
                    w.local
                        .execute(
                            "UPDATE templates SET title = ?2, body = ?3, updated_at = ?4 WHERE id = ?1",
                            params![id, title, body, now],
                        )
                        .map_err(LocalConn::err)?;
                    id
                }
                None => {
                    w.local
                        .execute(
                            "INSERT INTO templates (title, body, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                            params![title, body, now],
                        )
                        .map_err(LocalConn::err)?;
                    w.local.last_insert_rowid()
                }
            };
            log(&w.local, &install_id, &actor, action, id)?;
            get(&w.local, id)
        })
        .await
}

pub async fn delete(writer: &Writer, install_id: &str, actor: &Actor, id: i64) -> Result<()> {
    let (install_id, actor) = (install_id.to_owned(), actor.clone());
    writer
        .run(move |w| {
            get(&w.local, id)?;
            w.local
                .execute("DELETE FROM templates WHERE id = ?1", [id])
                .map_err(LocalConn::err)?;
            log(&w.local, &install_id, &actor, Action::TemplateDelete, id)
        })
        .await
}

fn log(local: &LocalConn, install_id: &str, actor: &Actor, action: Action, id: i64) -> Result<()> {
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action,
            target: Some(format!("template {id}")),
            outcome: Outcome::Sent,
            details: None,
        },
    )
}

/// Template `id` filled in for a ticket, from the cache: the customer, the
/// order IDs the ticket quotes, the operator's staff name, the panel.
pub fn fill(
    read: &ReadConn,
    operator: i64,
    id: i64,
    panel_id: i64,
    ticket_id: i64,
) -> Result<Filled> {
    let local = read.local();
    let t = get(local, id)?;
    let panel = panels::by_id(local, panel_id)?;
    let staff = operators::staff_name(local, operator, &panel)?;
    let customer: Option<String> = read
        .query_row(
            "SELECT username FROM tickets WHERE panel_id = ?1 AND id = ?2",
            params![panel_id, ticket_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(CacheConn::err)?;
    let mut ids: Vec<i64> = Vec::new();
    let mut st = read
        .prepare_cached(
            "SELECT coalesce(plain, message) FROM ticket_messages
             WHERE panel_id = ?1 AND ticket_id = ?2 AND is_staff = 0 ORDER BY seq",
        )
        .map_err(CacheConn::err)?;
    for m in st
        .query_map(params![panel_id, ticket_id], |r| r.get::<_, String>(0))
        .map_err(CacheConn::err)?
    {
        for id in text::order_ids(&m.map_err(CacheConn::err)?) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let order_ids = (!ids.is_empty()).then(|| {
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    });
    let (text, missing) = tickets::fill_placeholders(&t.body, |name| match name {
        "customer" => customer.clone(),
        "order_ids" => order_ids.clone(),
        "staff" => staff.clone(),
        "panel" => Some(panel.name.clone()),
        "ticket_id" => Some(ticket_id.to_string()),
        _ => None,
    });
    Ok(Filled { text, missing })
}
