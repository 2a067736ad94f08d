//! Settings > Payment methods, adding a payment (checked, then confirmed,
//! then sent once) and acting on orders. Only the window that owns the sync
//! writes to panels here (through the engine's one client per panel).

use paneldesk_core::money::{
    self, methods, Confirmation, MethodEdit, PaymentInput, PaymentMethod, PaymentOutcome,
};
use tauri::State;

use crate::{state::AppState, AppError};

#[tauri::command]
#[specta::specta]
pub async fn payment_methods_list(
    state: State<'_, AppState>,
    panel_id: Option<i64>,
) -> Result<Vec<PaymentMethod>, AppError> {
    state
        .blocking(move |core| methods::list(&core.db().local()?, panel_id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn payment_method_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    edit: MethodEdit,
) -> Result<PaymentMethod, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            methods::save(
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
pub async fn payment_method_delete(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            methods::delete(&core.db().local()?, core.db().install_id(), &actor, id)
        })
        .await
}

/// Checks a payment (on the panel too) and returns what the confirmation shows.
#[tauri::command]
#[specta::specta]
pub async fn payment_prepare(
    state: State<'_, AppState>,
    input: PaymentInput,
) -> Result<Confirmation, AppError> {
    let engine = super::owning_engine(&state)?;
    Ok(money::payments::prepare(&engine, input).await?)
}

/// Sends a confirmed payment; the same confirmation twice sends once.
#[tauri::command]
#[specta::specta]
pub async fn payment_send(
    state: State<'_, AppState>,
    confirmation: Confirmation,
) -> Result<PaymentOutcome, AppError> {
    let engine = super::owning_engine(&state)?;
    let (_, actor) = super::operator(&state)?;
    Ok(money::payments::send(&engine, &actor, &confirmation).await?)
}

/// An action on orders of one panel, after the operator confirmed it; the
/// result per order.
#[tauri::command]
#[specta::specta]
pub async fn orders_act(
    state: State<'_, AppState>,
    panel_id: i64,
    ids: Vec<i64>,
    action: paneldesk_core::order_actions::OrderAction,
) -> Result<Vec<paneldesk_core::order_actions::OrderResult>, AppError> {
    let engine = super::owning_engine(&state)?;
    let (_, actor) = super::operator(&state)?;
    Ok(paneldesk_core::order_actions::act(&engine, &actor, panel_id, &ids, &action).await?)
}
