//! The panels this machine talks to, in two rooms:
//! - [`config`]: what is kept of them, in local.sqlite3, and their keys in
//!   the OS keychain (or the environment, with `--no-keychain`);
//! - [`connection`]: reaching a panel through the client (a connection test).

mod config;
mod connection;
pub mod demo;

use serde::{Deserialize, Serialize};

pub use config::{
    add, admin_key, by_id, by_name, env_key_var, list, remove, services_env_vars, services_key,
    set_currency, set_status, update,
};
pub use connection::{client, client_with_key, probe, test, Probe};

/// What the operator last saw of a panel, as `panel list --json` prints it.
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
pub enum PanelStatus {
    Connected,
    AuthError,
    Unreachable,
    /// The panel kept answering 429 past the retry budget.
    RateLimited,
    Disabled,
}

// Stored by name; a name this version does not know is an error, never
// silently "connected".
crate::db::sql_text_enum!(PanelStatus);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    /// The built-in demo panel (a fake panel inside the app).
    pub demo: bool,
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
    #[error("the panel {0:?} reads its keys from the environment ({1}): renaming it or giving it a services key alone would lose them")]
    EnvKeys(String, String),
}

/// What the operator changes on a panel; `None` keeps the current value. An
/// empty key keeps the stored one (keys are never shown back to be edited).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PanelEdit {
    pub name: Option<String>,
    pub url: Option<String>,
    pub staff_name: Option<String>,
    pub rate_limit: Option<f64>,
    pub admin_key: Option<String>,
    pub services_key: Option<String>,
    pub enabled: Option<bool>,
}
