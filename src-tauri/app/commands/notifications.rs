//! Settings > Notifications: which events the desktop is told of.

use paneldesk_core::notifications::{self, NotificationSettings};
use tauri::State;

use crate::{state::AppState, AppError};

#[tauri::command]
#[specta::specta]
pub async fn notification_settings(
    state: State<'_, AppState>,
) -> Result<NotificationSettings, AppError> {
    state
        .blocking(|core| notifications::settings(&core.db().local()?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn notification_settings_set(
    state: State<'_, AppState>,
    settings: NotificationSettings,
) -> Result<NotificationSettings, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            notifications::set_settings(&db.local()?, db.install_id(), &actor, settings)
        })
        .await
}
