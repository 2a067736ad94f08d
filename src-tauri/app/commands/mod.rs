//! `#[tauri::command]` wrappers: each one calls core and converts its answer.

mod about;
mod ai;
mod browse;
mod money;
mod panels;
mod sync;
mod tickets;

pub use about::*;
pub use ai::*;
pub use browse::*;
pub use money::*;
pub use panels::*;
pub use sync::*;
pub use tickets::*;
