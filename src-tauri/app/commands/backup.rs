//! Settings > Backup: local.sqlite3 exported encrypted, and restored.

use paneldesk_core::{
    backup::{self, BackupFile},
    service_descriptions::ImportFile,
};
use tauri::State;

use crate::{state::AppState, AppError};

/// Writes an encrypted copy of local.sqlite3 to the Downloads folder.
#[tauri::command]
#[specta::specta]
pub async fn backup_export(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<BackupFile, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let path = paneldesk_core::export::new_file("local-backup", "age")?;
            backup::export(core.db(), &actor, &passphrase, &path)
        })
        .await
}

/// Checks a backup the window read and stages it: it replaces local.sqlite3
/// at the next start (`app_restart`).
#[tauri::command]
#[specta::specta]
pub async fn backup_restore(
    state: State<'_, AppState>,
    file: ImportFile,
    passphrase: String,
) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| backup::stage_restore(core.db(), &actor, &passphrase, &file.bytes))
        .await
}

/// Restarts the app (a staged restore is applied as it opens its data dir).
#[tauri::command]
#[specta::specta]
pub fn app_restart(app: tauri::AppHandle) -> Result<(), AppError> {
    app.restart()
}
