//! Settings > API keys: the local API's keys and its server.

use paneldesk_core::local_api::{self, keys, ApiKey, ApiKeyEdit, NewApiKey, ServerSettings};
use tauri::State;

use crate::{local_api::LocalApiStatus, state::AppState, AppError};

#[tauri::command]
#[specta::specta]
pub async fn api_keys_list(state: State<'_, AppState>) -> Result<Vec<ApiKey>, AppError> {
    state.blocking(|core| keys::list(&core.db().local()?)).await
}

/// Makes a key; its secret is in this answer only.
#[tauri::command]
#[specta::specta]
pub async fn api_key_create(
    state: State<'_, AppState>,
    edit: ApiKeyEdit,
) -> Result<NewApiKey, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            keys::create(&db.local()?, db.install_id(), &actor, &edit)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn api_key_revoke(state: State<'_, AppState>, id: i64) -> Result<ApiKey, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            keys::revoke(&db.local()?, db.install_id(), &actor, id)
        })
        .await
}

/// The server's state, brought in line with its settings first (a start
/// that failed, say on a port then taken, is tried again).
#[tauri::command]
#[specta::specta]
pub async fn local_api_status(state: State<'_, AppState>) -> Result<LocalApiStatus, AppError> {
    let core = state.core()?;
    let settings = state
        .blocking(|core| local_api::server_settings(&core.db().local()?))
        .await?;
    Ok(crate::local_api::apply(&core, settings).await)
}

/// Saves the server's settings, then starts, moves or stops it.
#[tauri::command]
#[specta::specta]
pub async fn local_api_set(
    state: State<'_, AppState>,
    settings: ServerSettings,
) -> Result<LocalApiStatus, AppError> {
    let (_, actor) = super::operator(&state)?;
    let core = state.core()?;
    let settings = state
        .blocking(move |core| {
            let db = core.db();
            local_api::set_server_settings(&db.local()?, db.install_id(), &actor, settings)
        })
        .await?;
    Ok(crate::local_api::apply(&core, settings).await)
}
