//! Services > Import descriptions: a CSV or XLSX file, previewed, then applied.

use paneldesk_core::service_descriptions::{self, ImportDone, ImportFile, ImportPreview};
use tauri::State;

use crate::{state::AppState, AppError};

/// What importing the file into the panel would do; writes nothing.
#[tauri::command]
#[specta::specta]
pub async fn services_import_preview(
    state: State<'_, AppState>,
    panel_id: i64,
    file: ImportFile,
) -> Result<ImportPreview, AppError> {
    state
        .read(move |c| service_descriptions::preview(c, panel_id, &file))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn services_import_apply(
    state: State<'_, AppState>,
    panel_id: i64,
    file: ImportFile,
    include_unknown: bool,
) -> Result<ImportDone, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            core.readers.with(|read| {
                service_descriptions::apply(
                    read,
                    &mut db.local()?,
                    db.install_id(),
                    &actor,
                    panel_id,
                    &file,
                    include_unknown,
                )
            })
        })
        .await
}
