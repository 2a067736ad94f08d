//! Reports > Competitors: the rivals watched, the watch profiles, a poll on
//! demand, and what the polls found.

use paneldesk_core::competitors::{
    self, Change, ChangesQuery, PollOutcome, PricePoint, Rival, RivalEdit, Snapshot, WatchProfile,
    WatchProfileEdit,
};
use tauri::State;
use tauri_specta::Event;

use crate::{state::AppState, AppError, CompetitorsChanged};

#[tauri::command]
#[specta::specta]
pub async fn rivals_list(state: State<'_, AppState>) -> Result<Vec<Rival>, AppError> {
    state
        .blocking(|core| competitors::list_rivals(&core.db().local()?))
        .await
}

/// Adds a rival (`id` None) or changes one; its key goes to the keychain.
#[tauri::command]
#[specta::specta]
pub async fn rival_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    edit: RivalEdit,
) -> Result<Rival, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            competitors::save_rival(
                &mut db.local()?,
                db.install_id(),
                &paneldesk_core::secrets::Keychain,
                &actor,
                id,
                edit,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn rival_remove(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            competitors::remove_rival(
                &db.local()?,
                db.install_id(),
                &paneldesk_core::secrets::Keychain,
                &actor,
                id,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn watch_profiles(state: State<'_, AppState>) -> Result<Vec<WatchProfile>, AppError> {
    state
        .blocking(|core| competitors::list_profiles(&core.db().local()?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn watch_profile_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    edit: WatchProfileEdit,
) -> Result<WatchProfile, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            competitors::save_profile(&mut db.local()?, db.install_id(), &actor, id, edit)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn watch_profile_remove(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            competitors::remove_profile(&db.local()?, db.install_id(), &actor, id)
        })
        .await
}

/// Polls a rival now (the same poll the watch runs on its interval).
#[tauri::command]
#[specta::specta]
pub async fn rival_poll(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> Result<PollOutcome, AppError> {
    let core = state.core()?;
    let polled = competitors::poll(
        core.db(),
        &paneldesk_core::secrets::Keychain,
        &core.rivals,
        id,
        chrono::Utc::now().timestamp(),
    )
    .await;
    // A failure is kept on the rival too: the list shows it either way.
    let _ = CompetitorsChanged.emit(&app);
    let outcome = polled?;
    crate::notify::price_moves(&app, &core, &outcome);
    Ok(outcome)
}

#[tauri::command]
#[specta::specta]
pub async fn competitor_changes(
    state: State<'_, AppState>,
    query: ChangesQuery,
) -> Result<Vec<Change>, AppError> {
    state
        .blocking(move |core| {
            competitors::changes(&core.db().local()?, &query, chrono::Utc::now().timestamp())
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn rival_snapshots(
    state: State<'_, AppState>,
    rival_id: i64,
) -> Result<Vec<Snapshot>, AppError> {
    state
        .blocking(move |core| competitors::snapshots(&core.db().local()?, rival_id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn rival_price_history(
    state: State<'_, AppState>,
    rival_id: i64,
    service_id: i64,
) -> Result<Vec<PricePoint>, AppError> {
    state
        .blocking(move |core| competitors::price_history(&core.db().local()?, rival_id, service_id))
        .await
}

/// The changes the screen shows, as CSV in the Downloads folder; logged.
#[tauri::command]
#[specta::specta]
pub async fn competitor_changes_export(
    state: State<'_, AppState>,
    query: ChangesQuery,
) -> Result<super::Exported, AppError> {
    let exported = state
        .blocking(move |core| {
            let changes =
                competitors::changes(&core.db().local()?, &query, chrono::Utc::now().timestamp())?;
            let path = paneldesk_core::export::new_file("competitor-changes", "csv")?;
            std::fs::write(
                &path,
                competitors::changes_csv(
                    &changes,
                    paneldesk_core::export::CsvStyle::SpreadsheetSafe,
                ),
            )
            .map_err(|e| paneldesk_core::Error::io(format!("writing {}", path.display()), e))?;
            Ok(super::Exported {
                path: path.display().to_string(),
                rows: changes.len() as u64,
            })
        })
        .await?;
    super::log_export(&state, "competitor changes", exported.rows).await?;
    Ok(exported)
}
