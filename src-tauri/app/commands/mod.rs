//! `#[tauri::command]` wrappers: each one calls core and converts its answer.

mod about;
mod browse;
mod panels;
mod sync;

pub use about::*;
pub use browse::*;
pub use panels::*;
pub use sync::*;
