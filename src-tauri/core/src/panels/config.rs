//! What is kept of a panel: its row in local.sqlite3 and its keys.

use rusqlite::{params, OptionalExtension, Row};

use super::{NewPanel, Panel, PanelConfigError, PanelEdit, PanelStatus};
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::{forget_panel, LocalConn, Writer},
    panel::{normalize_base_url, DEFAULT_RATE_LIMIT},
    secrets::{last4, panel_account, Keychain, PanelKey, SecretError},
    Result,
};

const COLUMNS: &str = "id, name, base_url, staff_name, rate_limit, enabled, status, last_error, admin_key_last4, has_services_key, no_keychain, currency, demo";

fn from_row(r: &Row) -> rusqlite::Result<Panel> {
    Ok(Panel {
        id: r.get("id")?,
        name: r.get("name")?,
        url: r.get("base_url")?,
        staff_name: r.get("staff_name")?,
        rate_limit: r.get("rate_limit")?,
        enabled: r.get("enabled")?,
        status: r.get("status")?,
        last_error: r.get("last_error")?,
        admin_key_last4: r.get("admin_key_last4")?,
        has_services_key: r.get("has_services_key")?,
        no_keychain: r.get("no_keychain")?,
        currency: r.get("currency")?,
        demo: r.get("demo")?,
    })
}

pub fn list(local: &LocalConn) -> Result<Vec<Panel>> {
    let mut st = local
        .prepare(&format!("SELECT {COLUMNS} FROM panels ORDER BY name"))
        .map_err(LocalConn::err)?;
    let rows = st.query_map([], from_row).map_err(LocalConn::err)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}

pub fn by_id(local: &LocalConn, id: i64) -> Result<Panel> {
    local
        .query_row(
            &format!("SELECT {COLUMNS} FROM panels WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| PanelConfigError::Unknown(format!("#{id}")).into())
}

pub fn by_name(local: &LocalConn, name: &str) -> Result<Panel> {
    local
        .query_row(
            &format!("SELECT {COLUMNS} FROM panels WHERE name = ?1"),
            [name],
            from_row,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| PanelConfigError::Unknown(name.to_owned()).into())
}

/// The environment variable holding a `--no-keychain` panel's admin key:
/// `PANELDESK_ADMIN_KEY_<NAME in upper case, non-alphanumerics as _>`.
pub fn env_key_var(panel_name: &str) -> String {
    let name: String = panel_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("PANELDESK_ADMIN_KEY_{name}")
}

/// The environment variables a `--no-keychain` panel's services key is read
/// from, in order: `PANELDESK_SERVICES_KEY_<NAME>`, then the older
/// `PANELDESK_ADMIN_KEY_<NAME>_SERVICES` (still honoured).
pub fn services_env_vars(panel_name: &str) -> [String; 2] {
    let admin = env_key_var(panel_name);
    let name = admin.trim_start_matches("PANELDESK_ADMIN_KEY_");
    [
        format!("PANELDESK_SERVICES_KEY_{name}"),
        format!("{admin}_SERVICES"),
    ]
}

/// Adds a panel: the row in local.sqlite3, the keys in the keychain (unless
/// `no_keychain`). A keychain failure leaves no half-added panel behind.
pub fn add(
    local: &mut LocalConn,
    install_id: &str,
    keychain: &Keychain,
    actor: &Actor,
    new: NewPanel,
) -> Result<Panel> {
    let name = new.name.trim().to_owned();
    if name.is_empty() {
        return Err(PanelConfigError::EmptyName.into());
    }
    let rate = new.rate_limit.unwrap_or(DEFAULT_RATE_LIMIT);
    if !(rate.is_finite() && rate > 0.0) {
        return Err(PanelConfigError::BadRateLimit(rate).into());
    }
    let url = normalize_base_url(&new.url)?;
    let admin_key = new
        .admin_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if admin_key.is_none() && !new.no_keychain {
        return Err(PanelConfigError::MissingKey.into());
    }
    let services_key = new
        .services_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let tx = local.begin()?;
    let exists: bool = tx
        .query_row(
            "SELECT count(*) FROM panels WHERE name = ?1",
            [&name],
            |r| r.get(0),
        )
        .map_err(LocalConn::err)?;
    if exists {
        return Err(PanelConfigError::Duplicate(name).into());
    }
    // Ids are never reused: a removed panel's leftovers (see
    // `store::purge_orphans`) can never pass to the next panel added.
    let id: i64 = tx
        .query_row(
            "SELECT MAX(COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'last_panel_id'), 0),
                        COALESCE((SELECT MAX(id) FROM panels), 0)) + 1",
            [],
            |r| r.get(0),
        )
        .map_err(LocalConn::err)?;
    tx.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('last_panel_id', ?1)",
        [id.to_string()],
    )
    .map_err(LocalConn::err)?;
    tx.execute(
        "INSERT INTO panels (name, base_url, staff_name, rate_limit, admin_key_last4, has_services_key, no_keychain, created_at, id, uid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, lower(hex(randomblob(16))))",
        params![
            name,
            url.as_str(),
            new.staff_name.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            rate,
            admin_key.map(last4),
            services_key.is_some(),
            new.no_keychain,
            chrono::Utc::now().timestamp(),
            id
        ],
    )
    .map_err(LocalConn::err)?;
    if !new.no_keychain {
        if let Some(key) = admin_key {
            keychain.set(&panel_account(install_id, id, PanelKey::Admin), key)?;
        }
        if let Some(key) = services_key {
            keychain.set(&panel_account(install_id, id, PanelKey::Services), key)?;
        }
    }
    log(
        &tx,
        install_id,
        actor,
        Action::Panel,
        (id, &name),
        "added".into(),
    )?;
    tx.commit()?;
    by_name(local, &name)
}

/// One settings change of a panel in the activity log: never a key, only
/// that it changed.
fn log(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    action: Action,
    (id, name): (i64, &str),
    details: String,
) -> Result<()> {
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: Some((id, name.to_owned())),
            action,
            target: Some(format!("panel {name}")),
            outcome: Outcome::Sent,
            details: Some(details),
        },
    )
}

/// Removes a panel: its keys, then its settings and its cached rows on the
/// writer, after any page of it being written (later ones are refused by
/// `db::ensure_configured`). The two files are two steps: a removal cut
/// short between them is finished when the data dir is next opened.
pub fn remove(
    writer: &Writer,
    install_id: &str,
    keychain: &Keychain,
    actor: &Actor,
    panel: &Panel,
) -> Result<()> {
    if !panel.no_keychain && !panel.demo {
        keychain.delete(&panel_account(install_id, panel.id, PanelKey::Admin))?;
        keychain.delete(&panel_account(install_id, panel.id, PanelKey::Services))?;
    }
    let id = panel.id;
    let (name, install_id, actor) = (panel.name.clone(), install_id.to_owned(), actor.clone());
    writer.run_blocking(move |w| {
        w.local
            .execute("DELETE FROM panels WHERE id = ?1", [id])
            .map_err(LocalConn::err)?;
        log(
            &w.local,
            &install_id,
            &actor,
            Action::Panel,
            (id, &name),
            "removed".into(),
        )?;
        let tx = w.cache.begin()?;
        forget_panel(&tx, id)?;
        tx.commit()
    })
}

pub fn set_status(
    local: &LocalConn,
    panel_id: i64,
    status: PanelStatus,
    error: Option<&str>,
) -> Result<()> {
    local
        .execute(
            "UPDATE panels SET status = ?2, last_error = ?3 WHERE id = ?1",
            params![panel_id, status, error],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

pub fn set_currency(local: &LocalConn, panel_id: i64, currency: &str) -> Result<()> {
    local
        .execute(
            "UPDATE panels SET currency = ?2 WHERE id = ?1 AND currency IS NOT ?2",
            params![panel_id, currency],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// The admin key: from the keychain, or the environment for `--no-keychain` panels.
pub fn admin_key(install_id: &str, keychain: &Keychain, panel: &Panel) -> Result<String> {
    if panel.demo {
        return Ok(super::demo::ADMIN_KEY.to_owned());
    }
    if panel.no_keychain {
        let var = env_key_var(&panel.name);
        return std::env::var(&var)
            .ok()
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| SecretError::EnvMissing { var }.into());
    }
    Ok(keychain.get(&panel_account(install_id, panel.id, PanelKey::Admin))?)
}

pub fn services_key(
    install_id: &str,
    keychain: &Keychain,
    panel: &Panel,
) -> Result<Option<String>> {
    if panel.demo {
        return Ok(Some(super::demo::SERVICES_KEY.to_owned()));
    }
    if !panel.has_services_key || panel.no_keychain {
        return Ok(services_env_vars(&panel.name)
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|k| !k.trim().is_empty())));
    }
    match keychain.get(&panel_account(install_id, panel.id, PanelKey::Services)) {
        Ok(k) => Ok(Some(k)),
        Err(SecretError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Applies an edit: checked whole before anything is written, keys to the
/// keychain first so a keychain failure changes nothing in the file.
pub fn update(
    local: &mut LocalConn,
    install_id: &str,
    keychain: &Keychain,
    actor: &Actor,
    id: i64,
    edit: PanelEdit,
) -> Result<Panel> {
    let panel = by_id(local, id)?;
    let name = match non_empty(edit.name.as_deref()) {
        Some(n) => n.to_owned(),
        None if edit.name.is_some() => return Err(PanelConfigError::EmptyName.into()),
        None => panel.name.clone(),
    };
    let rate = edit.rate_limit.unwrap_or(panel.rate_limit);
    if !(rate.is_finite() && rate > 0.0) {
        return Err(PanelConfigError::BadRateLimit(rate).into());
    }
    let url = match edit.url.as_deref() {
        Some(u) if !panel.demo => normalize_base_url(u)?.to_string(),
        _ => panel.url.clone(),
    };
    let staff_name = match edit.staff_name.as_deref() {
        Some(s) => non_empty(Some(s)).map(str::to_owned),
        None => panel.staff_name.clone(),
    };
    let admin_key = non_empty(edit.admin_key.as_deref()).filter(|_| !panel.demo);
    let services_key = non_empty(edit.services_key.as_deref()).filter(|_| !panel.demo);
    let tx = local.begin()?;
    let taken: bool = tx
        .query_row(
            "SELECT count(*) FROM panels WHERE name = ?1 AND id <> ?2",
            params![name, id],
            |r| r.get(0),
        )
        .map_err(LocalConn::err)?;
    if taken {
        return Err(PanelConfigError::Duplicate(name).into());
    }
    // A `--no-keychain` panel's keys live in variables named after it; it
    // moves to the keychain only with a new admin key.
    if panel.no_keychain && admin_key.is_none() && (name != panel.name || services_key.is_some()) {
        return Err(PanelConfigError::EnvKeys(panel.name.clone(), env_key_var(&panel.name)).into());
    }
    tx.execute(
        "UPDATE panels SET name = ?2, base_url = ?3, staff_name = ?4, rate_limit = ?5, enabled = ?6,
            admin_key_last4 = coalesce(?7, admin_key_last4),
            has_services_key = has_services_key OR ?8,
            no_keychain = no_keychain AND ?7 IS NULL
         WHERE id = ?1",
        params![
            id,
            name,
            url,
            staff_name,
            rate,
            edit.enabled.unwrap_or(panel.enabled),
            admin_key.map(last4),
            services_key.is_some(),
        ],
    )
    .map_err(LocalConn::err)?;
    if let Some(key) = admin_key {
        keychain.set(&panel_account(install_id, id, PanelKey::Admin), key)?;
    }
    if let Some(key) = services_key {
        keychain.set(&panel_account(install_id, id, PanelKey::Services), key)?;
    }
    let enabled = edit.enabled.unwrap_or(panel.enabled);
    let changed: Vec<&str> = [
        (name != panel.name, "name"),
        (url != panel.url, "address"),
        (staff_name != panel.staff_name, "staff name"),
        (rate != panel.rate_limit, "rate limit"),
        (
            enabled != panel.enabled,
            if enabled { "enabled" } else { "disabled" },
        ),
    ]
    .into_iter()
    .filter_map(|(c, what)| c.then_some(what))
    .collect();
    if !changed.is_empty() {
        log(
            &tx,
            install_id,
            actor,
            Action::Panel,
            (id, &name),
            format!("changed: {}", changed.join(", ")),
        )?;
    }
    let keys: Vec<&str> = [
        (admin_key.is_some(), "admin key"),
        (services_key.is_some(), "services key"),
    ]
    .into_iter()
    .filter_map(|(c, what)| c.then_some(what))
    .collect();
    if !keys.is_empty() {
        log(
            &tx,
            install_id,
            actor,
            Action::PanelKey,
            (id, &name),
            format!("replaced: {}", keys.join(", ")),
        )?;
    }
    tx.commit()?;
    by_id(local, id)
}
