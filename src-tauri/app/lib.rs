//! The Tauri shell: window, plugins, and thin command wrappers over
//! `paneldesk-core`. No business logic lives here.

mod commands;
mod error;
mod state;

use specta_typescript::{BigIntExportBehavior, Typescript};
use tauri_specta::{collect_commands, Builder};

pub use error::AppError;

/// Where the generated TypeScript bindings live, relative to the repo root.
pub const BINDINGS_PATH: &str = "ui/src/lib/backend/bindings.ts";

fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new().commands(collect_commands![commands::app_info])
}

/// Writes the TypeScript bindings of every command and type the UI uses.
pub fn export_bindings(path: &str) -> Result<(), String> {
    specta_builder()
        .export(
            Typescript::default()
                .header("// @ts-nocheck\n/* eslint-disable */")
                // Ids and unix times fit in a JS number (< 2^53).
                .bigint(BigIntExportBehavior::Number),
            path,
        )
        .map_err(|e| e.to_string())
}

pub fn run() {
    let state = state::AppState::open();
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(state)
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}
