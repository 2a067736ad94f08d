//! `#[tauri::command]` wrappers: each one calls core and converts its answer.

mod about;

pub use about::*;
