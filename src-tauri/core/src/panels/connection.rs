//! Reaching a panel: its client, and the connection test that proves the
//! address and keys work.

use serde::Serialize;

use super::{admin_key, by_id, config::non_empty, services_key, set_status, Panel, PanelStatus};
use crate::{
    panel::{ClientOptions, ListQuery, PanelClient},
    secrets::Keychain,
    Error, Result,
};

/// A client for the panel, with its rate limit and key. The sync engine
/// keeps one per panel (`Engine::client`); this is for a panel's own test.
pub fn client(install_id: &str, keychain: &Keychain, panel: &Panel) -> Result<PanelClient> {
    client_with_key(panel, &admin_key(install_id, keychain, panel)?)
}

pub fn client_with_key(panel: &Panel, key: &str) -> Result<PanelClient> {
    Ok(PanelClient::new(
        &panel.url,
        key,
        ClientOptions {
            rate_limit: panel.rate_limit,
            ..ClientOptions::default()
        },
    )?)
}

/// What a connection test could read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Probe {
    pub orders: u64,
    pub users: u64,
    /// Services visible with the services key; None without one.
    pub services: Option<u64>,
}

/// Reads one order and one user (and the services catalogue when a services
/// key is given): the cheapest proof that the URL and keys work.
pub async fn probe(
    url: &str,
    admin_key: &str,
    services_key: Option<&str>,
    rate_limit: f64,
) -> Result<Probe> {
    let client = PanelClient::new(
        url,
        admin_key,
        ClientOptions {
            rate_limit,
            read_retries: 1,
            ..ClientOptions::default()
        },
    )?;
    let orders = client.orders(&ListQuery::page(1, 0)).await?;
    let users = client.users(&ListQuery::page(1, 0)).await?;
    let services = match non_empty(services_key) {
        Some(key) => Some(client.services(key).await?.len() as u64),
        None => None,
    };
    Ok(Probe {
        orders: orders.count.unwrap_or(orders.len as u64),
        users: users.count.unwrap_or(users.len as u64),
        services,
    })
}

/// Tests a configured panel with its stored keys and records the outcome as
/// its status, so the panel list shows what the test found.
pub async fn test(db: &crate::db::Db, keychain: &Keychain, id: i64) -> Result<Probe> {
    let panel = by_id(&db.local()?, id)?;
    let key = admin_key(db.install_id(), keychain, &panel)?;
    let services = services_key(db.install_id(), keychain, &panel)?;
    let outcome = probe(&panel.url, &key, services.as_deref(), panel.rate_limit).await;
    let status = match outcome.as_ref().map_err(Error::code) {
        Ok(_) => PanelStatus::Connected,
        Err(crate::ErrorCode::WrongKey) => PanelStatus::AuthError,
        Err(crate::ErrorCode::Unreachable) => PanelStatus::Unreachable,
        // It answered, wrongly: what it was before still holds; the error says the rest.
        Err(_) => panel.status,
    };
    let error = outcome
        .as_ref()
        .err()
        .map(|e| format!("{e}. {}", e.fix().unwrap_or_default()));
    set_status(&db.local()?, id, status, error.as_deref())?;
    outcome
}
