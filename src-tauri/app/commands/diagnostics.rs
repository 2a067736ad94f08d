//! Settings > Diagnostics and the crash report offered at start.

use paneldesk_core::crash::{self, CrashReport};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::{state::AppState, AppError};

/// The newest crash report not seen yet: the window offers to open it.
#[tauri::command]
#[specta::specta]
pub fn crash_pending(state: State<'_, AppState>) -> Result<Option<CrashReport>, AppError> {
    Ok(crash::pending(&state.data_dir.log_dir()))
}

/// The operator has seen the crash reports: not offered again.
#[tauri::command]
#[specta::specta]
pub fn crash_dismiss(state: State<'_, AppState>) -> Result<(), AppError> {
    crash::dismiss(&state.data_dir.log_dir())
        .map_err(|e| paneldesk_core::Error::io("marking the crash reports seen", e).into())
}

/// Opens the logs folder (crash reports included) in the file manager.
#[tauri::command]
#[specta::specta]
pub fn logs_open(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<(), AppError> {
    let dir = state.data_dir.log_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| paneldesk_core::Error::io(format!("creating {}", dir.display()), e))?;
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|e| AppError {
            code: paneldesk_core::ErrorCode::Io,
            message: format!("the file manager could not be opened: {e}"),
            fix: Some(format!("Open {} yourself.", dir.display())),
        })
}

/// "Copy diagnostics": versions, the OS, panel statuses, sync states and
/// errors; no key, no customer text.
#[tauri::command]
#[specta::specta]
pub async fn diagnostics_text(state: State<'_, AppState>) -> Result<String, AppError> {
    state
        .blocking(|core| {
            paneldesk_core::diagnostics::collect(
                core.db(),
                &format!("Paneldesk {}", paneldesk_core::VERSION),
            )
        })
        .await
}
