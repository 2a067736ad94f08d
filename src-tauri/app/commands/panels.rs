//! Settings > Panels and the first-run screen: add, edit, test, remove, demo.

use paneldesk_core::{
    panels::{self, NewPanel, Panel, PanelEdit, Probe},
    secrets::Keychain,
};
use serde::Deserialize;
use specta::Type;
use tauri::State;

use crate::{demo, state::AppState, AppError};

#[tauri::command]
#[specta::specta]
pub async fn panels_list(state: State<'_, AppState>) -> Result<Vec<Panel>, AppError> {
    state
        .blocking(|core| panels::list(&core.db().local()?))
        .await
}

/// A panel to add, as the form sends it.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct PanelInput {
    pub name: String,
    pub url: String,
    pub admin_key: String,
    pub services_key: Option<String>,
    pub staff_name: Option<String>,
    pub rate_limit: Option<f64>,
}

#[tauri::command]
#[specta::specta]
pub async fn panel_add(state: State<'_, AppState>, input: PanelInput) -> Result<Panel, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let panel = panels::add(
                &mut core.db().local()?,
                core.db().install_id(),
                &Keychain,
                &actor,
                NewPanel {
                    name: input.name,
                    url: input.url,
                    staff_name: input.staff_name,
                    rate_limit: input.rate_limit,
                    admin_key: Some(input.admin_key),
                    services_key: input.services_key,
                    no_keychain: false,
                },
            )?;
            core.nudge();
            Ok(panel)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn panel_update(
    state: State<'_, AppState>,
    id: i64,
    edit: PanelEdit,
) -> Result<Panel, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            let panel = panels::update(
                &mut db.local()?,
                db.install_id(),
                &Keychain,
                &actor,
                id,
                edit,
            )?;
            core.nudge();
            Ok(panel)
        })
        .await
}

/// Removes the panel, its keys, its settings, its notes and its cached rows.
#[tauri::command]
#[specta::specta]
pub async fn panel_remove(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            let panel = panels::by_id(&db.local()?, id)?;
            panels::remove(&core.writer, db.install_id(), &Keychain, &actor, &panel)?;
            if panel.demo {
                drop(core.demo.lock().unwrap_or_else(|e| e.into_inner()).take());
            }
            Ok(())
        })
        .await
}

/// Tests a saved panel with its stored keys; the outcome becomes its status.
#[tauri::command]
#[specta::specta]
pub async fn panel_test(state: State<'_, AppState>, id: i64) -> Result<Probe, AppError> {
    // Reading the keychain can wait on an unlock prompt: never on an async worker.
    state
        .blocking(move |core| {
            tauri::async_runtime::block_on(panels::test(core.db(), &Keychain, id))
        })
        .await
}

/// Tests an address and keys before anything is saved.
#[tauri::command]
#[specta::specta]
pub async fn panel_probe(input: PanelInput) -> Result<Probe, AppError> {
    Ok(panels::probe(
        &input.url,
        &input.admin_key,
        input.services_key.as_deref(),
        input
            .rate_limit
            .unwrap_or(paneldesk_core::panel::DEFAULT_RATE_LIMIT),
    )
    .await?)
}

/// "Explore the demo panel": starts the built-in fake panel and adds it.
#[tauri::command]
#[specta::specta]
pub async fn demo_start(state: State<'_, AppState>) -> Result<Panel, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let (panel, server) = demo::create(core.db(), &actor)?;
            *core.demo.lock().unwrap_or_else(|e| e.into_inner()) = Some(server);
            core.nudge();
            Ok(panel)
        })
        .await
}
