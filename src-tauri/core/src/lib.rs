//! Paneldesk's core: everything that is not the window.
//!
//! The app (`src-tauri/app`), the CLI and the tests all call this crate, so
//! there is one code path for each thing. It never depends on Tauri.

pub mod activity;
pub mod ai;
pub mod app_lock;
pub mod backup;
pub mod browse;
pub mod competitors;
pub mod crash;
pub mod db;
pub mod diagnostics;
pub mod error;
pub mod export;
pub mod local_api;
pub mod lock;
pub mod logging;
pub mod model;
pub mod money;
pub mod notifications;
pub mod operators;
pub mod order_actions;
pub mod panel;
pub mod panels;
pub mod paths;
pub mod reports;
pub mod sanitize;
pub mod secrets;
pub mod service_descriptions;
pub mod settings;
pub mod staff;
pub mod store;
pub mod sync;
pub mod templates;
pub mod text;
pub mod tickets;

pub use error::{Error, ErrorCode, Result};

/// The version of Paneldesk this core was built as.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
