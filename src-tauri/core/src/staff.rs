//! The staff directory (Settings > Staff directory), in `local.sqlite3`: who
//! answers tickets, the name each panel writes for them (an alias per
//! panel), their role (a bot is left out of the staff reports) and the panels
//! they work on. The reports map a message's `staff_name` through the alias
//! of the message's own panel.

use std::collections::BTreeSet;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    panels, Result,
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
pub enum StaffRole {
    Staff,
    Admin,
    /// An automatic replier: never a row of the staff reports.
    Bot,
}

crate::db::sql_text_enum!(StaffRole);

/// The name a panel writes for a staff member.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffAlias {
    pub panel_id: i64,
    pub alias: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffMember {
    pub name: String,
    pub role: StaffRole,
    /// By panel, then alias.
    pub aliases: Vec<StaffAlias>,
    /// The panels they work on; empty means every panel.
    pub panels: Vec<i64>,
}

/// A member as the form sends it: the whole entry, replacing what was kept.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffEdit {
    pub name: String,
    pub role: StaffRole,
    pub aliases: Vec<StaffAlias>,
    pub panels: Vec<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("a staff member's name is 1 to 60 characters")]
    BadName,
    #[error("there is already a staff member named {0:?}")]
    Taken(String),
    #[error("there is no staff member named {0:?}")]
    Unknown(String),
    #[error("{alias:?} already names {staff} on {panel}")]
    AliasTaken {
        alias: String,
        staff: String,
        panel: String,
    },
}

/// The directory, by name (case ignored), each member with their aliases and panels.
pub fn directory(local: &LocalConn) -> Result<Vec<StaffMember>> {
    let mut st = local
        .prepare_cached("SELECT name, role FROM staff ORDER BY name COLLATE NOCASE")
        .map_err(LocalConn::err)?;
    let members: Vec<(String, StaffRole)> = st
        .query_map([], |r| Ok((r.get("name")?, r.get("role")?)))
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    let aliases: Vec<(String, StaffAlias)> = local
        .prepare_cached("SELECT staff, panel_id, alias FROM staff_aliases ORDER BY panel_id, alias")
        .map_err(LocalConn::err)?
        .query_map([], |r| {
            Ok((
                r.get("staff")?,
                StaffAlias {
                    panel_id: r.get("panel_id")?,
                    alias: r.get("alias")?,
                },
            ))
        })
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    let allowed: Vec<(String, i64)> = local
        .prepare_cached("SELECT staff, panel_id FROM staff_panels ORDER BY panel_id")
        .map_err(LocalConn::err)?
        .query_map([], |r| Ok((r.get("staff")?, r.get("panel_id")?)))
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(members
        .into_iter()
        .map(|(name, role)| StaffMember {
            aliases: aliases
                .iter()
                .filter(|(s, _)| *s == name)
                .map(|(_, a)| a.clone())
                .collect(),
            panels: allowed
                .iter()
                .filter(|(s, _)| *s == name)
                .map(|(_, p)| *p)
                .collect(),
            name,
            role,
        })
        .collect())
}

/// Adds a member (`previous` None) or replaces one, renaming it when the
/// name changed; logged as a settings change. An alias names one member per
/// panel: one already taken by someone else is refused, naming them.
pub fn save(
    local: &mut LocalConn,
    install_id: &str,
    actor: &Actor,
    previous: Option<&str>,
    edit: StaffEdit,
) -> Result<StaffMember> {
    let name = edit.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(StaffError::BadName.into());
    }
    let existing = directory(local)?;
    let clash = |n: &str| n.to_lowercase() == name.to_lowercase() && Some(n) != previous;
    if existing.iter().any(|m| clash(&m.name)) {
        return Err(StaffError::Taken(name).into());
    }
    if let Some(prev) = previous {
        if !existing.iter().any(|m| m.name == prev) {
            return Err(StaffError::Unknown(prev.to_owned()).into());
        }
    }
    // Blank aliases are dropped; the same one twice is kept once.
    let aliases: BTreeSet<StaffAlias> = edit
        .aliases
        .into_iter()
        .map(|a| StaffAlias {
            panel_id: a.panel_id,
            alias: a.alias.trim().to_owned(),
        })
        .filter(|a| !a.alias.is_empty())
        .collect();
    for a in &aliases {
        let owner = existing
            .iter()
            .find(|m| Some(m.name.as_str()) != previous && m.aliases.iter().any(|x| x == a));
        if let Some(owner) = owner {
            return Err(StaffError::AliasTaken {
                alias: a.alias.clone(),
                staff: owner.name.clone(),
                panel: panels::by_id(local, a.panel_id)?.name,
            }
            .into());
        }
    }
    let allowed: BTreeSet<i64> = edit.panels.into_iter().collect();
    for p in allowed.iter().chain(aliases.iter().map(|a| &a.panel_id)) {
        panels::by_id(local, *p)?;
    }

    let tx = local.begin()?;
    match previous {
        // ON UPDATE CASCADE carries the aliases and panels over to the new name.
        Some(prev) => tx.execute(
            "UPDATE staff SET name = ?2, role = ?3 WHERE name = ?1",
            params![prev, name, edit.role],
        ),
        None => tx.execute(
            "INSERT INTO staff (name, role) VALUES (?1, ?2)",
            params![name, edit.role],
        ),
    }
    .map_err(LocalConn::err)?;
    tx.execute("DELETE FROM staff_aliases WHERE staff = ?1", [&name])
        .map_err(LocalConn::err)?;
    tx.execute("DELETE FROM staff_panels WHERE staff = ?1", [&name])
        .map_err(LocalConn::err)?;
    for a in &aliases {
        tx.execute(
            "INSERT INTO staff_aliases (panel_id, alias, staff) VALUES (?1, ?2, ?3)",
            params![a.panel_id, a.alias, name],
        )
        .map_err(LocalConn::err)?;
    }
    for p in &allowed {
        tx.execute(
            "INSERT INTO staff_panels (staff, panel_id) VALUES (?1, ?2)",
            params![name, p],
        )
        .map_err(LocalConn::err)?;
    }
    activity::append(
        &tx,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::Staff,
            target: Some(format!("staff {name}")),
            outcome: Outcome::Sent,
            details: Some(format!(
                "{}; role {}; {} alias(es); panels: {}",
                match previous {
                    Some(p) if p != name => format!("renamed from {p}"),
                    Some(_) => "edited".to_owned(),
                    None => "added".to_owned(),
                },
                edit.role,
                aliases.len(),
                if allowed.is_empty() {
                    "all".to_owned()
                } else {
                    allowed.len().to_string()
                }
            )),
        },
    )?;
    tx.commit()?;
    directory(local)?
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| StaffError::Unknown(name).into())
}

/// Removes a member with their aliases and panels; whether there was one.
pub fn remove(local: &LocalConn, install_id: &str, actor: &Actor, name: &str) -> Result<bool> {
    let n = local
        .execute("DELETE FROM staff WHERE name = ?1", [name])
        .map_err(LocalConn::err)?;
    if n > 0 {
        activity::append(
            local,
            install_id,
            &Entry {
                actor: actor.clone(),
                panel: None,
                action: Action::Staff,
                target: Some(format!("staff {name}")),
                outcome: Outcome::Sent,
                details: Some("removed".into()),
            },
        )?;
    }
    Ok(n > 0)
}
