//! The ticket workspace: opening a ticket, replying through the outbox,
//! ticket actions, templates, operators and links out of a ticket.

use paneldesk_core::{
    activity::{self, Action, Entry, Outcome},
    browse::{self, TicketCounts},
    operators, panels,
    templates::{self, Filled, Template, TemplateEdit},
    tickets::{self, NewReply, OutboxRow, TicketAction, Workspace},
};
use serde::Serialize;
use specta::Type;
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::{state::AppState, AppError};

/// Opens a ticket: its workspace from the cache, and its customer messages
/// marked read for the operator.
#[tauri::command]
#[specta::specta]
pub async fn ticket_open(
    state: State<'_, AppState>,
    panel_id: i64,
    id: i64,
) -> Result<Workspace, AppError> {
    let ws = state
        .read(move |c| tickets::workspace(c, panel_id, id))
        .await?;
    let core = state.core()?;
    tickets::mark_read(
        &core.writer,
        ws.operator.id,
        panel_id,
        id,
        ws.view.customer_messages,
    )
    .await?;
    Ok(ws)
}

#[tauri::command]
#[specta::specta]
pub async fn ticket_counts(
    state: State<'_, AppState>,
    panel_id: Option<i64>,
) -> Result<TicketCounts, AppError> {
    state
        .read(move |c| browse::ticket_counts(c, panel_id))
        .await
}

/// What became of a reply, and who sends it when this window does not.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ReplyOutcome {
    pub reply: OutboxRow,
    /// Set when another process owns the sync: it sends the reply.
    pub sent_by: Option<String>,
}

/// Queues a reply, then sends it at once when this window owns the sync.
#[tauri::command]
#[specta::specta]
pub async fn reply_send(
    state: State<'_, AppState>,
    reply: NewReply,
) -> Result<ReplyOutcome, AppError> {
    let core = state.core()?;
    let (op, _) = super::operator(&state)?;
    let row = tickets::outbox::queue(core.db(), &core.writer, op.id, reply).await?;
    deliver(&state, row.id, None).await
}

async fn deliver(
    state: &AppState,
    id: i64,
    seen_messages: Option<i64>,
) -> Result<ReplyOutcome, AppError> {
    let core = state.core()?;
    match core.outbox() {
        Some(outbox) => Ok(ReplyOutcome {
            reply: outbox.send(id, seen_messages).await?,
            sent_by: None,
        }),
        None => Ok(ReplyOutcome {
            reply: tickets::outbox::get(&core.db().local()?, id)?,
            sent_by: Some(
                core.engine_note()
                    .unwrap_or_else(|| "the process that owns the sync".into()),
            ),
        }),
    }
}

/// Sends a reply again: a retry, or a held one the operator has read past
/// (`seen_messages`: the conversation they have now seen).
#[tauri::command]
#[specta::specta]
pub async fn outbox_send(
    state: State<'_, AppState>,
    id: i64,
    seen_messages: Option<i64>,
) -> Result<ReplyOutcome, AppError> {
    deliver(&state, id, seen_messages).await
}

#[tauri::command]
#[specta::specta]
pub async fn outbox_edit(
    state: State<'_, AppState>,
    id: i64,
    text: String,
    seen_messages: i64,
) -> Result<OutboxRow, AppError> {
    let core = state.core()?;
    Ok(tickets::outbox::edit(&core.writer, id, text, seen_messages).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn outbox_discard(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let core = state.core()?;
    let (_, actor) = super::operator(&state)?;
    Ok(tickets::outbox::discard(&core.writer, core.db().install_id(), &actor, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn outbox_list(state: State<'_, AppState>) -> Result<Vec<OutboxRow>, AppError> {
    state
        .blocking(|core| tickets::outbox::list(&core.db().local()?, None))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn outbox_count(state: State<'_, AppState>) -> Result<i64, AppError> {
    state
        .blocking(|core| tickets::outbox::pending_count(&core.db().local()?))
        .await
}

/// Close, reopen, or assign to the operator's staff name on that panel.
#[tauri::command]
#[specta::specta]
pub async fn ticket_act(
    state: State<'_, AppState>,
    panel_id: i64,
    id: i64,
    action: TicketAction,
) -> Result<(), AppError> {
    let (op, actor) = super::operator(&state)?;
    let engine = super::owning_engine(&state)?;
    let local = state.db()?.local()?;
    let assignee = operators::staff_name(&local, op.id, &panels::by_id(&local, panel_id)?)?;
    Ok(tickets::act(&engine, &actor, panel_id, id, action, assignee).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn templates_list(state: State<'_, AppState>) -> Result<Vec<Template>, AppError> {
    state
        .blocking(|core| templates::list(&core.db().local()?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn template_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    edit: TemplateEdit,
) -> Result<Template, AppError> {
    let core = state.core()?;
    let (_, actor) = super::operator(&state)?;
    Ok(templates::save(&core.writer, core.db().install_id(), &actor, id, edit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn template_delete(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    let core = state.core()?;
    let (_, actor) = super::operator(&state)?;
    Ok(templates::delete(&core.writer, core.db().install_id(), &actor, id).await?)
}

/// A template filled in for a ticket from the cache.
#[tauri::command]
#[specta::specta]
pub async fn template_fill(
    state: State<'_, AppState>,
    id: i64,
    panel_id: i64,
    ticket_id: i64,
) -> Result<Filled, AppError> {
    state
        .read(move |c| {
            let op = operators::current(c.local())?;
            templates::fill(c, op.id, id, panel_id, ticket_id)
        })
        .await
}

/// Opens an address from a ticket in the system browser. The window asked
/// the operator first, showing the whole address; only web and mail
/// addresses are opened.
#[tauri::command]
#[specta::specta]
pub async fn link_open(app: tauri::AppHandle, url: String) -> Result<(), AppError> {
    let parsed = url::Url::parse(&url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https" | "mailto"));
    let Some(parsed) = parsed else {
        return Err(AppError {
            code: paneldesk_core::ErrorCode::InvalidRequest,
            message: format!("{url:?} is not a web or mail address"),
            fix: None,
        });
    };
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| AppError {
            code: paneldesk_core::ErrorCode::Io,
            message: format!("the browser could not be opened: {e}"),
            fix: Some("Copy the address and open it yourself.".into()),
        })
}

/// Logs an export the window wrote (the table and how many rows).
pub(super) async fn log_export(state: &AppState, table: &str, rows: u64) -> Result<(), AppError> {
    let core = state.core()?;
    let (_, actor) = super::operator(state)?;
    Ok(activity::record(
        &core.writer,
        core.db().install_id(),
        Entry {
            actor,
            panel: None,
            action: Action::Export,
            target: Some(table.to_owned()),
            outcome: Outcome::Sent,
            details: Some(format!("{rows} rows")),
        },
    )
    .await?)
}

/// The activity log, filtered, newest first (Reports › Activity log).
#[tauri::command]
#[specta::specta]
pub async fn activity_list(
    state: State<'_, AppState>,
    filter: activity::LogFilter,
) -> Result<Vec<activity::LogRow>, AppError> {
    state
        .blocking(move |core| activity::query(&core.db().local()?, &filter))
        .await
}

/// The filtered log as CSV in the Downloads folder; the export is logged too.
#[tauri::command]
#[specta::specta]
pub async fn activity_export(
    state: State<'_, AppState>,
    filter: activity::LogFilter,
) -> Result<super::Exported, AppError> {
    let exported = state
        .blocking(move |core| {
            let path = paneldesk_core::export::new_file("activity-log", "csv")?;
            let file = std::fs::File::create(&path).map_err(|e| {
                paneldesk_core::Error::io(format!("creating {}", path.display()), e)
            })?;
            let rows = activity::write_csv(
                &core.db().local()?,
                &filter,
                paneldesk_core::export::CsvStyle::SpreadsheetSafe,
                std::io::BufWriter::new(file),
            )?;
            Ok(super::Exported {
                path: path.display().to_string(),
                rows,
            })
        })
        .await?;
    log_export(&state, "activity log", exported.rows).await?;
    Ok(exported)
}
