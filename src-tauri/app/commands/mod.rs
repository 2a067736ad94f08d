//! `#[tauri::command]` wrappers: each one calls core and converts its answer.

mod about;
mod ai;
mod backup;
mod browse;
mod competitors;
mod diagnostics;
mod local_api;
mod money;
mod notifications;
mod panels;
mod profile;
mod reports;
mod services;
mod staff;
mod sync;
mod tickets;
mod updates;

pub use about::*;
pub use ai::*;
pub use backup::*;
pub use browse::*;
pub use competitors::*;
pub use diagnostics::*;
pub use local_api::*;
pub use money::*;
pub use notifications::*;
pub use panels::*;
pub use profile::*;
pub use reports::*;
pub use services::*;
pub use staff::*;
pub use sync::*;
pub use tickets::*;
pub use updates::*;

use paneldesk_core::{activity::Actor, operators::Operator, sync::Engine};

use crate::{state::AppState, AppError};

/// The operator at the window, and the actor the activity log names for
/// them; refused while the app lock is engaged, so nothing is done in their
/// name before their passcode is typed.
pub(crate) fn operator(state: &AppState) -> Result<(Operator, Actor), AppError> {
    let core = state.core()?;
    if core.locked() {
        return Err(paneldesk_core::Error::AppLocked.into());
    }
    let op = paneldesk_core::operators::current(&core.db().local()?)?;
    let actor = Actor::operator(&op);
    Ok((op, actor))
}

/// The engine of the window that owns the sync: writes to panels (payments,
/// order and ticket actions) go through its one client per panel only.
pub(crate) fn owning_engine(state: &AppState) -> Result<Engine, AppError> {
    let core = state.core()?;
    core.engine().cloned().ok_or_else(|| AppError {
        code: paneldesk_core::ErrorCode::Busy,
        message: "this window does not own the sync, so it does not write to panels".into(),
        fix: core.engine_note(),
    })
}
