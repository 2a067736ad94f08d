//! Debug builds only: the journeys' secrets scan of every IPC answer.
//!
//! Started with `PANELDESK_IPC_SCAN` (secrets separated by newlines), the
//! window is told the secrets at load; `ui/src/lib/backend/ipcScan.ts` then
//! searches every command answer and event payload the window receives, on
//! the window's side of the IPC, exactly as it arrived, and keeps the names
//! of those holding one. Tauri gives no hook on the answers in Rust (its
//! resolver is sealed), and the web view's `invoke` is not writable.

use tauri::{plugin::TauriPlugin, Runtime};

pub const ENV: &str = "PANELDESK_IPC_SCAN";

/// The plugin that tells the window the secrets, when the variable is set.
pub fn plugin<R: Runtime>() -> Option<TauriPlugin<R>> {
    let secrets: Vec<String> = std::env::var(ENV)
        .ok()?
        .lines()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let json = serde_json::to_string(&secrets).ok()?;
    Some(
        tauri::plugin::Builder::new("ipc-scan")
            .js_init_script(format!("window.__PANELDESK_IPC_SCAN__ = {json};"))
            .build(),
    )
}
