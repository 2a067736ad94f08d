//! Settings > Staff directory: each member's names per panel, role and panels.

use paneldesk_core::staff::{self, StaffEdit, StaffMember};
use tauri::State;

use crate::{state::AppState, AppError};

#[tauri::command]
#[specta::specta]
pub async fn staff_directory(state: State<'_, AppState>) -> Result<Vec<StaffMember>, AppError> {
    state
        .blocking(|core| staff::directory(&core.db().local()?))
        .await
}

/// Adds a member (`previous` None) or replaces the one named `previous`.
#[tauri::command]
#[specta::specta]
pub async fn staff_save(
    state: State<'_, AppState>,
    previous: Option<String>,
    edit: StaffEdit,
) -> Result<StaffMember, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            staff::save(
                &mut db.local()?,
                db.install_id(),
                &actor,
                previous.as_deref(),
                edit,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn staff_remove(state: State<'_, AppState>, name: String) -> Result<bool, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            staff::remove(&db.local()?, db.install_id(), &actor, &name)
        })
        .await
}
