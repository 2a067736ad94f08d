//! Settings > Updates: thin wrappers over `crate::updates`.

use crate::{
    updates::{self, UpdateStatus},
    AppError,
};

#[tauri::command]
#[specta::specta]
pub async fn update_status(app: tauri::AppHandle) -> Result<UpdateStatus, AppError> {
    Ok(updates::current(&app).await)
}

/// Asks the update server now; "could not check" is an outcome, not an error.
#[tauri::command]
#[specta::specta]
pub async fn update_check(app: tauri::AppHandle) -> Result<UpdateStatus, AppError> {
    Ok(updates::check(&app).await)
}

/// Downloads the update offered and verifies its signature (progress in `UpdateProgress`).
#[tauri::command]
#[specta::specta]
pub async fn update_download(app: tauri::AppHandle) -> Result<UpdateStatus, AppError> {
    Ok(updates::download(&app).await)
}

/// Installs the verified download and restarts.
#[tauri::command]
#[specta::specta]
pub async fn update_install(app: tauri::AppHandle) -> Result<(), AppError> {
    updates::install(&app).await
}

/// The update server's address; blank goes back to the built-in one.
#[tauri::command]
#[specta::specta]
pub async fn update_endpoint_set(
    app: tauri::AppHandle,
    endpoint: String,
) -> Result<UpdateStatus, AppError> {
    updates::set_endpoint(&app, &endpoint)?;
    Ok(updates::current(&app).await)
}
