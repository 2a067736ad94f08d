//! Settings > AI, Settings > AI presets and the AI buttons of a ticket. An
//! answer streams to the window as `AiToken` events, under the call id the
//! window chose, and `ai_stop` ends it (the connection closes).

use paneldesk_core::{
    ai::{
        self, providers, CallOutcome, DailyUsage, NewProvider, Preset, PresetEdit, Prompt,
        Provider, Task,
    },
    secrets::Keychain,
};
use serde::Serialize;
use specta::Type;
use tauri::State;
use tauri_specta::Event;

use crate::{state::AppState, AiToken, AppError};

#[tauri::command]
#[specta::specta]
pub async fn ai_providers_list(state: State<'_, AppState>) -> Result<Vec<Provider>, AppError> {
    state
        .blocking(|core| providers::list(&core.db().local()?))
        .await
}

/// Adds (`id` null) or changes a provider. The key: blank keeps it, `-` clears it.
#[tauri::command]
#[specta::specta]
pub async fn ai_provider_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: NewProvider,
) -> Result<Provider, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            providers::save(
                &mut core.db().local()?,
                core.db().install_id(),
                &Keychain,
                &actor,
                id,
                input,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn ai_provider_remove(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            providers::remove(
                &core.db().local()?,
                core.db().install_id(),
                &Keychain,
                &actor,
                id,
            )
        })
        .await
}

/// The models the provider lists: the form's model picker, and its test.
#[tauri::command]
#[specta::specta]
pub async fn ai_provider_models(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<String>, AppError> {
    let core = state.core()?;
    let client = {
        let p = providers::get(&core.db().local()?, id)?;
        providers::client(core.db().install_id(), &Keychain, &p)?
    };
    Ok(client.models().await.map_err(paneldesk_core::Error::from)?)
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct AiSettings {
    pub language: String,
    /// None: the built-in prompt (`default_analysis`) is used.
    pub analysis_prompt: Option<String>,
    pub default_analysis: String,
}

#[tauri::command]
#[specta::specta]
pub async fn ai_settings(state: State<'_, AppState>) -> Result<AiSettings, AppError> {
    state
        .blocking(|core| {
            let local = core.db().local()?;
            Ok(AiSettings {
                language: providers::language(&local)?,
                analysis_prompt: providers::analysis_prompt(&local)?,
                default_analysis: ai::prompts::DEFAULT_ANALYSIS.into(),
            })
        })
        .await
}

/// The translation language and the analysis prompt (blank: the built-in one).
#[tauri::command]
#[specta::specta]
pub async fn ai_settings_set(
    state: State<'_, AppState>,
    language: String,
    analysis_prompt: String,
) -> Result<(), AppError> {
    state
        .blocking(move |core| {
            let local = core.db().local()?;
            providers::set_language(&local, &language)?;
            providers::set_analysis_prompt(&local, &analysis_prompt)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn ai_presets_list(state: State<'_, AppState>) -> Result<Vec<Preset>, AppError> {
    state
        .blocking(|core| providers::presets(&core.db().local()?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn ai_preset_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    edit: PresetEdit,
) -> Result<Preset, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            providers::save_preset(
                &core.db().local()?,
                core.db().install_id(),
                &actor,
                id,
                edit,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn ai_preset_delete(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            providers::delete_preset(&core.db().local()?, core.db().install_id(), &actor, id)
        })
        .await
}

/// Tokens used per day and provider over the last `days` days.
#[tauri::command]
#[specta::specta]
pub async fn ai_usage(state: State<'_, AppState>, days: i64) -> Result<Vec<DailyUsage>, AppError> {
    state
        .blocking(move |core| ai::usage_by_day(&core.db().local()?, days))
        .await
}

/// Exactly what a call would send, and to whom: the preview.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AiPreview {
    pub provider: String,
    pub model: String,
    pub prompt: Prompt,
}

#[tauri::command]
#[specta::specta]
pub async fn ai_preview(
    state: State<'_, AppState>,
    panel_id: i64,
    ticket_id: i64,
    task: Task,
    provider_id: Option<i64>,
) -> Result<AiPreview, AppError> {
    state
        .blocking(move |core| {
            let plan = ai::plan(core.db(), panel_id, ticket_id, &task, provider_id)?;
            Ok(AiPreview {
                provider: plan.provider.name,
                model: plan.model,
                prompt: plan.prompt,
            })
        })
        .await
}

/// Runs an AI button on a ticket. Tokens arrive as `AiToken` events under
/// `call_id`; the answer is returned whole at the end (or when stopped).
#[tauri::command]
#[specta::specta]
pub async fn ai_ask(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    call_id: String,
    panel_id: i64,
    ticket_id: i64,
    task: Task,
    provider_id: Option<i64>,
) -> Result<CallOutcome, AppError> {
    let core = state.core()?;
    let (_, actor) = super::operator(&state)?;
    let plan = {
        let (db, task) = (core.db().clone(), task.clone());
        tauri::async_runtime::spawn_blocking(move || {
            ai::plan(&db, panel_id, ticket_id, &task, provider_id)
        })
        .await
        .map_err(|e| AppError::ipc(format!("the AI call stopped unexpectedly: {e}")))??
    };
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    core.ai_calls().insert(call_id.clone(), stop_tx);
    let id = call_id.clone();
    let out = ai::ask(
        core.db(),
        &Keychain,
        &actor,
        plan,
        &task,
        |token| {
            let _ = AiToken {
                call_id: id.clone(),
                token: token.to_owned(),
            }
            .emit(&app);
        },
        stop,
    )
    .await;
    core.ai_calls().remove(&call_id);
    Ok(out?)
}

/// Stops a running call; its answer so far stays.
#[tauri::command]
#[specta::specta]
pub async fn ai_stop(state: State<'_, AppState>, call_id: String) -> Result<(), AppError> {
    if let Some(stop) = state.core()?.ai_calls().get(&call_id) {
        let _ = stop.send(true);
    }
    Ok(())
}

/// Order IDs a reply names that the ticket's panel has no cached order for:
/// flagged in the reply box before sending.
#[tauri::command]
#[specta::specta]
pub async fn ai_unknown_orders(
    state: State<'_, AppState>,
    panel_id: i64,
    text: String,
) -> Result<Vec<i64>, AppError> {
    state
        .read(move |c| ai::prompts::unknown_order_ids(c, panel_id, &text))
        .await
}
