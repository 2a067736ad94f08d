//! The panels this machine talks to: their configuration in local.sqlite3,
//! their keys in the OS keychain (or the environment, with `--no-keychain`).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::{
    db::DbError,
    panel::{normalize_base_url, ClientOptions, PanelClient, DEFAULT_RATE_LIMIT},
    secrets::{last4, panel_account, Keychain, PanelKey, SecretError},
    Error, Result,
};

/// What the operator last saw of a panel, as `panel list --json` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelStatus {
    Connected,
    AuthError,
    Unreachable,
    Disabled,
}

impl PanelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PanelStatus::Connected => "connected",
            PanelStatus::AuthError => "auth_error",
            PanelStatus::Unreachable => "unreachable",
            PanelStatus::Disabled => "disabled",
        }
    }

    fn parse(s: &str) -> PanelStatus {
        match s {
            "auth_error" => PanelStatus::AuthError,
            "unreachable" => PanelStatus::Unreachable,
            "disabled" => PanelStatus::Disabled,
            _ => PanelStatus::Connected,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub staff_name: Option<String>,
    pub rate_limit: f64,
    pub enabled: bool,
    pub status: PanelStatus,
    pub last_error: Option<String>,
    pub admin_key_last4: Option<String>,
    pub has_services_key: bool,
    pub no_keychain: bool,
    pub currency: Option<String>,
}

/// A panel to add.
#[derive(Debug, Clone)]
pub struct NewPanel {
    pub name: String,
    pub url: String,
    pub staff_name: Option<String>,
    pub rate_limit: Option<f64>,
    pub admin_key: Option<String>,
    pub services_key: Option<String>,
    /// Keys come from the environment at every run instead of the keychain.
    pub no_keychain: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PanelConfigError {
    #[error("there is no panel named {0:?}")]
    Unknown(String),
    #[error("a panel named {0:?} already exists")]
    Duplicate(String),
    #[error("the panel name must not be empty")]
    EmptyName,
    #[error("the rate limit must be a positive number of requests per second, not {0}")]
    BadRateLimit(f64),
    #[error("no admin API key was given")]
    MissingKey,
}

const COLUMNS: &str = "id, name, base_url, staff_name, rate_limit, enabled, status, last_error, admin_key_last4, has_services_key, no_keychain, currency";

fn from_row(r: &Row) -> rusqlite::Result<Panel> {
    Ok(Panel {
        id: r.get(0)?,
        name: r.get(1)?,
        url: r.get(2)?,
        staff_name: r.get(3)?,
        rate_limit: r.get(4)?,
        enabled: r.get(5)?,
        status: PanelStatus::parse(&r.get::<_, String>(6)?),
        last_error: r.get(7)?,
        admin_key_last4: r.get(8)?,
        has_services_key: r.get(9)?,
        no_keychain: r.get(10)?,
        currency: r.get(11)?,
    })
}

fn sql(e: rusqlite::Error) -> Error {
    DbError::sqlite("local.sqlite3", e).into()
}

pub fn list(local: &Connection) -> Result<Vec<Panel>> {
    let mut st = local
        .prepare(&format!("SELECT {COLUMNS} FROM panels ORDER BY name"))
        .map_err(sql)?;
    let rows = st.query_map([], from_row).map_err(sql)?;
    rows.collect::<rusqlite::Result<_>>().map_err(sql)
}

pub fn by_name(local: &Connection, name: &str) -> Result<Panel> {
    local
        .query_row(
            &format!("SELECT {COLUMNS} FROM panels WHERE name = ?1"),
            [name],
            from_row,
        )
        .optional()
        .map_err(sql)?
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

/// Adds a panel: the row in local.sqlite3, the keys in the keychain (unless
/// `no_keychain`). A keychain failure leaves no half-added panel behind.
pub fn add(
    local: &mut Connection,
    install_id: &str,
    keychain: &Keychain,
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
    let tx = local.transaction().map_err(sql)?;
    let exists: bool = tx
        .query_row(
            "SELECT count(*) FROM panels WHERE name = ?1",
            [&name],
            |r| r.get(0),
        )
        .map_err(sql)?;
    if exists {
        return Err(PanelConfigError::Duplicate(name).into());
    }
    tx.execute(
        "INSERT INTO panels (name, base_url, staff_name, rate_limit, admin_key_last4, has_services_key, no_keychain, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            name,
            url.as_str(),
            new.staff_name.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            rate,
            admin_key.map(last4),
            services_key.is_some(),
            new.no_keychain,
            chrono::Utc::now().timestamp()
        ],
    )
    .map_err(sql)?;
    let id = tx.last_insert_rowid();
    if !new.no_keychain {
        if let Some(key) = admin_key {
            keychain.set(&panel_account(install_id, id, PanelKey::Admin), key)?;
        }
        if let Some(key) = services_key {
            keychain.set(&panel_account(install_id, id, PanelKey::Services), key)?;
        }
    }
    tx.commit().map_err(sql)?;
    by_name(local, &name)
}

/// Removes a panel, its keys and its settings (its cached rows are the caller's: see `store::forget_panel`).
pub fn remove(
    local: &Connection,
    install_id: &str,
    keychain: &Keychain,
    name: &str,
) -> Result<Panel> {
    let panel = by_name(local, name)?;
    if !panel.no_keychain {
        keychain.delete(&panel_account(install_id, panel.id, PanelKey::Admin))?;
        keychain.delete(&panel_account(install_id, panel.id, PanelKey::Services))?;
    }
    local
        .execute("DELETE FROM panels WHERE id = ?1", [panel.id])
        .map_err(sql)?;
    Ok(panel)
}

pub fn set_status(
    local: &Connection,
    panel_id: i64,
    status: PanelStatus,
    error: Option<&str>,
) -> Result<()> {
    local
        .execute(
            "UPDATE panels SET status = ?2, last_error = ?3 WHERE id = ?1",
            params![panel_id, status.as_str(), error],
        )
        .map_err(sql)?;
    Ok(())
}

pub fn set_currency(local: &Connection, panel_id: i64, currency: &str) -> Result<()> {
    local
        .execute(
            "UPDATE panels SET currency = ?2 WHERE id = ?1 AND currency IS NOT ?2",
            params![panel_id, currency],
        )
        .map_err(sql)?;
    Ok(())
}

/// The admin key: from the keychain, or the environment for `--no-keychain` panels.
pub fn admin_key(install_id: &str, keychain: &Keychain, panel: &Panel) -> Result<String> {
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
    if !panel.has_services_key || panel.no_keychain {
        return Ok(std::env::var(format!("{}_SERVICES", env_key_var(&panel.name))).ok());
    }
    match keychain.get(&panel_account(install_id, panel.id, PanelKey::Services)) {
        Ok(k) => Ok(Some(k)),
        Err(SecretError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A client for the panel, with its rate limit and key.
pub fn client(install_id: &str, keychain: &Keychain, panel: &Panel) -> Result<PanelClient> {
    let key = admin_key(install_id, keychain, panel)?;
    Ok(PanelClient::new(
        &panel.url,
        &key,
        ClientOptions {
            rate_limit: panel.rate_limit,
            ..ClientOptions::default()
        },
    )?)
}
