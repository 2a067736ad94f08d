//! The local API served by the window's process when the operator turned it
//! on (Settings > API keys): started at launch, restarted when its port
//! changes, stopped when turned off. The server itself is the core's
//! (`paneldesk_core::local_api`), the same the CLI's `serve` runs.

use paneldesk_core::local_api::{self, LocalApi, RunningApi, ServerSettings, DEFAULT_RATE_PER_KEY};
use serde::Serialize;
use tauri::Manager;

use crate::state::{AppState, Core};

/// What runs now: the server, or the error that kept it from starting.
#[derive(Default)]
pub struct Serving {
    running: Option<RunningApi>,
    /// Whether it was started with the sync owner's outbox (writes).
    writes: bool,
    error: Option<String>,
}

/// Settings > API keys' server line.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LocalApiStatus {
    pub settings: ServerSettings,
    /// `http://127.0.0.1:PORT` while it serves.
    pub address: Option<String>,
    /// Why it does not serve although it is on (the port taken, say).
    pub error: Option<String>,
}

/// Brings the server in line with `settings`.
pub async fn apply(core: &Core, settings: ServerSettings) -> LocalApiStatus {
    let mut serving = core.local_api.lock().await;
    // Restarted too when this window has taken the sync over since (from
    // `sync --watch`): writes need the owner's outbox.
    let outbox = core.outbox().cloned();
    let same = serving
        .running
        .as_ref()
        .is_some_and(|r| r.addr.port() == settings.port)
        && serving.writes == outbox.is_some();
    if !(settings.enabled && same) {
        if let Some(old) = serving.running.take() {
            old.stop().await;
        }
        serving.error = None;
        if settings.enabled {
            serving.writes = outbox.is_some();
            let api = LocalApi::new(core.db().clone(), DEFAULT_RATE_PER_KEY, outbox);
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], settings.port));
            match local_api::serve(api, addr).await {
                Ok(running) => serving.running = Some(running),
                Err(e) => {
                    tracing::warn!("the local API could not start: {e}");
                    serving.error = Some(e.to_string());
                }
            }
        }
    }
    LocalApiStatus {
        settings,
        address: serving
            .running
            .as_ref()
            .map(|r| format!("http://{}", r.addr)),
        error: serving.error.clone(),
    }
}

/// At launch: serves when the operator left it on.
pub fn start(app: &tauri::AppHandle) {
    let Ok(core) = app.state::<AppState>().core() else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        match core
            .db()
            .local()
            .and_then(|l| local_api::server_settings(&l))
        {
            Ok(settings) if settings.enabled => {
                apply(&core, settings).await;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("reading the local API's settings: {e}"),
        }
    });
}
