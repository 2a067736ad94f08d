//! Whether the app serves the local API, and on which port (Settings > API
//! keys). Off until the operator turns it on.

use serde::{Deserialize, Serialize};

use super::LocalApiError;
use crate::{activity::Actor, db::LocalConn, settings, Result};

const KEY: &str = "local_api.server";
/// The port the server takes unless told otherwise.
pub const DEFAULT_PORT: u16 = 8737;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServerSettings {
    pub enabled: bool,
    pub port: u16,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            enabled: false,
            port: DEFAULT_PORT,
        }
    }
}

pub fn server_settings(local: &LocalConn) -> Result<ServerSettings> {
    Ok(settings::get(local, KEY)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// Saves them (a port from 1024 up: below it needs root). Logged.
pub fn set_server_settings(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    s: ServerSettings,
) -> Result<ServerSettings> {
    if s.port < 1024 {
        return Err(LocalApiError::Invalid(format!(
            "port {} is reserved for the system: pick one from 1024 to 65535",
            s.port
        ))
        .into());
    }
    settings::set(
        local,
        KEY,
        &serde_json::to_string(&s).expect("plain data serialises"),
    )?;
    let what = format!(
        "{} on 127.0.0.1:{}",
        if s.enabled { "serving" } else { "off" },
        s.port
    );
    super::keys::log(local, install_id, actor, "local API", &what)?;
    Ok(s)
}
