use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::{state::AppState, AppError};

/// What the About box shows.
#[derive(Debug, Serialize, Type)]
pub struct AppInfo {
    pub app_version: String,
    pub cache_schema_version: i64,
    pub local_schema_version: i64,
    pub data_dir: String,
    pub log_dir: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    let versions = state.db()?.schema_versions()?;
    Ok(AppInfo {
        app_version: paneldesk_core::VERSION.to_owned(),
        cache_schema_version: versions.cache,
        local_schema_version: versions.local,
        data_dir: state.data_dir.root().display().to_string(),
        log_dir: state.data_dir.log_dir().display().to_string(),
    })
}
