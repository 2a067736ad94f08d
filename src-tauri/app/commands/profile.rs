//! Operators and Settings > My profile: who works at the window, their name,
//! their staff name per panel, and the app lock (asked at start, after the
//! idle time, and when switching to an operator who has one).

use paneldesk_core::{
    app_lock::{self, LockSettings},
    operators::{self, Operator},
};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::{state::AppState, AppError};

#[derive(Debug, Clone, Serialize, Type)]
pub struct Operators {
    pub all: Vec<Operator>,
    pub current: Operator,
}

#[tauri::command]
#[specta::specta]
pub async fn operators_list(state: State<'_, AppState>) -> Result<Operators, AppError> {
    state
        .blocking(|core| {
            let local = core.db().local()?;
            Ok(Operators {
                all: operators::list(&local)?,
                current: operators::current(&local)?,
            })
        })
        .await
}

/// Switches the operator; one with an app lock must type their passcode
/// first (the lock engages). Refused while the app is locked.
#[tauri::command]
#[specta::specta]
pub async fn operator_switch(state: State<'_, AppState>, id: i64) -> Result<Operator, AppError> {
    super::operator(&state)?;
    state
        .blocking(move |core| {
            let local = core.db().local()?;
            let op = operators::switch(&local, id)?;
            core.set_locked(app_lock::settings(&local, op.id)?.enabled);
            Ok(op)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn operator_add(state: State<'_, AppState>, name: String) -> Result<Operator, AppError> {
    let (_, actor) = super::operator(&state)?;
    let core = state.core()?;
    let op = operators::add(&core.writer, core.db().install_id(), &actor, &name).await?;
    operators::switch(&core.db().local()?, op.id)?;
    Ok(op)
}

/// Settings > My profile: the operator's name, their staff name on each
/// panel (None: the panel's own is used), and their app lock.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Profile {
    pub operator: Operator,
    pub staff_names: Vec<StaffNameRow>,
    pub lock: LockSettings,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct StaffNameRow {
    pub panel_id: i64,
    pub own: Option<String>,
    /// What replies carry when `own` is not set.
    pub panel_default: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn profile(state: State<'_, AppState>) -> Result<Profile, AppError> {
    state
        .blocking(|core| {
            let local = core.db().local()?;
            let op = operators::current(&local)?;
            let own = operators::own_staff_names(&local, op.id)?;
            let staff_names = paneldesk_core::panels::list(&local)?
                .into_iter()
                .map(|p| StaffNameRow {
                    panel_id: p.id,
                    own: own
                        .iter()
                        .find(|(id, _)| *id == p.id)
                        .map(|(_, n)| n.clone()),
                    panel_default: p.staff_name,
                })
                .collect();
            Ok(Profile {
                lock: app_lock::settings(&local, op.id)?,
                operator: op,
                staff_names,
            })
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn operator_rename(
    state: State<'_, AppState>,
    name: String,
) -> Result<Operator, AppError> {
    let (op, actor) = super::operator(&state)?;
    let core = state.core()?;
    Ok(operators::rename(&core.writer, core.db().install_id(), &actor, op.id, &name).await?)
}

/// The current operator's own staff name on a panel (blank clears it).
#[tauri::command]
#[specta::specta]
pub async fn staff_name_set(
    state: State<'_, AppState>,
    panel_id: i64,
    staff_name: String,
) -> Result<(), AppError> {
    let (op, actor) = super::operator(&state)?;
    let core = state.core()?;
    Ok(operators::set_staff_name(
        &core.writer,
        core.db().install_id(),
        &actor,
        op.id,
        panel_id,
        &staff_name,
    )
    .await?)
}

/// Whether the lock is engaged now, and for whom.
#[derive(Debug, Clone, Serialize, Type)]
pub struct LockStatus {
    pub locked: bool,
    pub operator: Operator,
    pub settings: LockSettings,
}

#[tauri::command]
#[specta::specta]
pub async fn lock_status(state: State<'_, AppState>) -> Result<LockStatus, AppError> {
    state
        .blocking(|core| {
            let local = core.db().local()?;
            let op = operators::current(&local)?;
            Ok(LockStatus {
                locked: core.locked(),
                settings: app_lock::settings(&local, op.id)?,
                operator: op,
            })
        })
        .await
}

/// Types the passcode on the lock screen.
#[tauri::command]
#[specta::specta]
pub async fn app_unlock(state: State<'_, AppState>, passcode: String) -> Result<(), AppError> {
    state
        .blocking(move |core| {
            let local = core.db().local()?;
            let op = operators::current(&local)?;
            app_lock::unlock(&local, op.id, &passcode, chrono::Utc::now().timestamp())?;
            core.set_locked(false);
            Ok(())
        })
        .await
}

/// Engages the lock now (the idle time ran out, or "Lock now"); whether it
/// did: an operator without a lock has nothing to engage.
#[tauri::command]
#[specta::specta]
pub async fn app_lock_now(state: State<'_, AppState>) -> Result<bool, AppError> {
    state
        .blocking(|core| {
            let local = core.db().local()?;
            let enabled = app_lock::settings(&local, operators::current(&local)?.id)?.enabled;
            if enabled {
                core.set_locked(true);
            }
            Ok(enabled)
        })
        .await
}

/// Turns the lock on, or changes its passcode (`current` is then needed).
#[tauri::command]
#[specta::specta]
pub async fn app_lock_set(
    state: State<'_, AppState>,
    current: Option<String>,
    passcode: String,
    idle_minutes: u32,
) -> Result<LockSettings, AppError> {
    let (op, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            app_lock::set(
                &db.local()?,
                db.install_id(),
                &actor,
                op.id,
                current.as_deref(),
                &passcode,
                idle_minutes,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn app_lock_idle_set(
    state: State<'_, AppState>,
    idle_minutes: u32,
) -> Result<LockSettings, AppError> {
    let (op, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            app_lock::set_idle(&db.local()?, db.install_id(), &actor, op.id, idle_minutes)
        })
        .await
}

/// Turns the lock off; needs the current passcode.
#[tauri::command]
#[specta::specta]
pub async fn app_lock_remove(state: State<'_, AppState>, current: String) -> Result<(), AppError> {
    let (op, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            let db = core.db();
            app_lock::remove(&db.local()?, db.install_id(), &actor, op.id, &current)
        })
        .await
}
