//! The local API: the cache served in Perfect Panel's own Admin API v2
//! shape, on 127.0.0.1, to the operator's scripts (and to this project's
//! own panel client), with scoped keys.
//!
//! - `keys`: the keys, kept as their SHA-256, with scopes and panels;
//! - `wire`: cached rows as a panel writes them (envelope, pagination, both
//!   date forms, money objects);
//! - `server`: the HTTP server (axum): where each panel is served, the key
//!   check (401, 403), a rate limit per key, loopback only;
//! - `writes`: a payment and the order actions, through the window's own
//!   use cases, once per Idempotency-Key;
//! - `settings`: whether the app serves it, on which port.
//!
//! The bind address and the key check are separate layers, so serving a
//! team over the network (with TLS) can be added without touching either.

pub mod keys;
pub mod server;
mod settings;
mod wire;
mod writes;

pub use keys::{Access, ApiKey, ApiKeyEdit, ApiResource, NewApiKey, Scope};
pub use server::{serve, LocalApi, RunningApi, DEFAULT_RATE_PER_KEY};
pub use settings::{server_settings, set_server_settings, ServerSettings, DEFAULT_PORT};

use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum LocalApiError {
    #[error("the local API only listens on this computer (127.0.0.1 or ::1), not on {0}")]
    NotLoopback(std::net::IpAddr),
    #[error("there is no API key #{0}")]
    UnknownKey(i64),
    #[error("{0}")]
    Invalid(String),
}

impl LocalApiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            LocalApiError::UnknownKey(_) => ErrorCode::NotFound,
            LocalApiError::NotLoopback(_) | LocalApiError::Invalid(_) => ErrorCode::InvalidRequest,
        }
    }

    pub fn fix(&self) -> Option<String> {
        match self {
            LocalApiError::NotLoopback(_) => Some(
                "Use 127.0.0.1: serving other computers (team mode) is not offered yet.".into(),
            ),
            _ => None,
        }
    }
}
