//! Settings > Sync engine: the status table, its settings, sync now.

use paneldesk_core::{
    browse::{self, ResourceStatus},
    settings::{self, ResourceSettings},
    store::Removed,
    sync::Resource,
};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::{state::AppState, AppError};

#[derive(Debug, Clone, Serialize, Type)]
pub struct SyncOverview {
    pub resources: Vec<ResourceStatus>,
    pub retention_days: i64,
    /// False when another process owns the sync; `note` says which and why.
    pub running: bool,
    pub note: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn sync_overview(state: State<'_, AppState>) -> Result<SyncOverview, AppError> {
    let core = state.core()?;
    let running = core.engine().is_some();
    let note = core.engine_note();
    state
        .read(move |c| {
            Ok(SyncOverview {
                resources: browse::sync_status(c)?,
                retention_days: settings::retention_days(c.local())?,
                running,
                note,
            })
        })
        .await
}

/// When the cache last received rows from any panel.
#[tauri::command]
#[specta::specta]
pub async fn last_synced(state: State<'_, AppState>) -> Result<Option<i64>, AppError> {
    state.read(browse::last_synced).await
}

/// Changes one resource's interval and page size; applies at once.
#[tauri::command]
#[specta::specta]
pub async fn sync_settings_set(
    state: State<'_, AppState>,
    panel_id: i64,
    resource: Resource,
    settings: ResourceSettings,
) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            settings::set_resource_settings(
                &db.local()?,
                db.install_id(),
                &actor,
                panel_id,
                resource,
                settings,
            )?;
            core.nudge();
            Ok(())
        })
        .await
}

/// Changes the retention: what falls outside it is deleted at once.
#[tauri::command]
#[specta::specta]
pub async fn retention_set(state: State<'_, AppState>, days: i64) -> Result<Removed, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            settings::set_retention_days(&core.writer, core.db().install_id(), &actor, days)
        })
        .await
}

/// Starts a verify pass on every enabled panel now (it runs between syncs,
/// range by range, and shows its progress in the `sync` events).
#[tauri::command]
#[specta::specta]
pub async fn verify_now(state: State<'_, AppState>) -> Result<(), AppError> {
    if let Some(engine) = state.core()?.engine() {
        engine.verify_now();
    }
    Ok(())
}

/// Syncs every enabled panel now instead of at its next interval.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Result<(), AppError> {
    state.core()?.nudge();
    Ok(())
}

/// Whether closing the window keeps Paneldesk syncing in the tray.
#[tauri::command]
#[specta::specta]
pub async fn close_to_tray(app: tauri::AppHandle) -> Result<bool, AppError> {
    Ok(crate::tray::close_to_tray(&app))
}

#[tauri::command]
#[specta::specta]
pub async fn close_to_tray_set(state: State<'_, AppState>, on: bool) -> Result<bool, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            let local = db.local()?;
            paneldesk_core::settings::set(
                &local,
                crate::tray::CLOSE_TO_TRAY,
                if on { "1" } else { "0" },
            )?;
            paneldesk_core::activity::append(
                &local,
                db.install_id(),
                &paneldesk_core::activity::Entry {
                    actor,
                    panel: None,
                    action: paneldesk_core::activity::Action::SyncSettings,
                    target: Some("tray".into()),
                    outcome: paneldesk_core::activity::Outcome::Sent,
                    details: Some(format!(
                        "keep syncing in the tray when the window closes: {}",
                        if on { "on" } else { "off" }
                    )),
                },
            )?;
            Ok(on)
        })
        .await
}
