//! Each panel's payment methods (Settings > Payment methods), kept in
//! `local.sqlite3`: the internal name exactly as the panel expects it, the
//! name shown, and the amounts a payment by it may have.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{amount, MoneyError};
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    panels, Result,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentMethod {
    pub id: i64,
    pub panel_id: i64,
    /// Sent as it is: case and spaces kept.
    pub internal_name: String,
    pub display_name: String,
    /// Micro-units of the panel's currency.
    pub min_micros: i64,
    pub max_micros: i64,
    pub sort: i64,
}

/// A method as the form sends it; amounts as typed, in the panel's currency.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MethodEdit {
    pub panel_id: i64,
    pub internal_name: String,
    pub display_name: String,
    pub min: String,
    pub max: String,
    pub sort: i64,
}

fn method(r: &Row) -> rusqlite::Result<PaymentMethod> {
    Ok(PaymentMethod {
        id: r.get("id")?,
        panel_id: r.get("panel_id")?,
        internal_name: r.get("internal_name")?,
        display_name: r.get("display_name")?,
        min_micros: r.get("min_micros")?,
        max_micros: r.get("max_micros")?,
        sort: r.get("sort")?,
    })
}

const COLUMNS: &str = "id, panel_id, internal_name, display_name, min_micros, max_micros, sort";

/// A panel's methods (every panel's when None), in their sort order.
pub fn list(local: &LocalConn, panel_id: Option<i64>) -> Result<Vec<PaymentMethod>> {
    let mut st = local
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM payment_methods WHERE ?1 IS NULL OR panel_id = ?1
             ORDER BY panel_id, sort, display_name COLLATE NOCASE"
        ))
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([panel_id], method)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

pub fn get(local: &LocalConn, id: i64) -> Result<PaymentMethod> {
    local
        .query_row(
            &format!("SELECT {COLUMNS} FROM payment_methods WHERE id = ?1"),
            [id],
            method,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| MoneyError::UnknownMethod.into())
}

/// Adds (`id` None) or changes a method; logged as a settings change.
pub fn save(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    id: Option<i64>,
    edit: MethodEdit,
) -> Result<PaymentMethod> {
    let panel = panels::by_id(local, edit.panel_id)?;
    let currency = panel.currency.clone().ok_or(MoneyError::NoCurrency)?;
    // The internal name is the panel's exact string: only empty is refused.
    if edit.internal_name.is_empty() || edit.display_name.trim().is_empty() {
        return Err(MoneyError::Invalid(
            "a method needs its internal name and a display name".into(),
        )
        .into());
    }
    let min = amount::parse(&edit.min, &currency).map_err(MoneyError::Amount)?;
    let max = amount::parse(&edit.max, &currency).map_err(MoneyError::Amount)?;
    if max < min {
        return Err(MoneyError::Invalid("the maximum is below the minimum".into()).into());
    }
    let id = match id {
        Some(id) => {
            get(local, id)?;
            local
                .execute(
                    "UPDATE payment_methods SET panel_id = ?2, internal_name = ?3, display_name = ?4,
                         min_micros = ?5, max_micros = ?6, sort = ?7 WHERE id = ?1",
                    params![id, edit.panel_id, edit.internal_name, edit.display_name.trim(), min, max, edit.sort],
                )
                .map_err(LocalConn::err)?;
            id
        }
        None => {
            local
                .execute(
                    "INSERT INTO payment_methods (panel_id, internal_name, display_name, min_micros, max_micros, sort)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![edit.panel_id, edit.internal_name, edit.display_name.trim(), min, max, edit.sort],
                )
                .map_err(LocalConn::err)?;
            local.last_insert_rowid()
        }
    };
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: Some((panel.id, panel.name.clone())),
            action: Action::PaymentMethod,
            target: Some(format!("payment method {}", edit.display_name.trim())),
            outcome: Outcome::Sent,
            details: Some(format!(
                "{} to {} {currency}",
                amount::format(min, &currency),
                amount::format(max, &currency)
            )),
        },
    )?;
    get(local, id)
}

pub fn delete(local: &LocalConn, install_id: &str, actor: &Actor, id: i64) -> Result<()> {
    let m = get(local, id)?;
    let panel = panels::by_id(local, m.panel_id)?;
    local
        .execute("DELETE FROM payment_methods WHERE id = ?1", [id])
        .map_err(LocalConn::err)?;
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: Some((panel.id, panel.name)),
            action: Action::PaymentMethod,
            target: Some(format!("payment method {}", m.display_name)),
            outcome: Outcome::Sent,
            details: Some("deleted".into()),
        },
    )
}
