//! The tables, detail panes, dashboard, palette and CSV exports.

use paneldesk_core::{
    browse::{
        self, CriticalService, Dashboard, Facets, Filter, Note, OrderDetail, OrderFilter, OrderRow,
        Page, PageRequest, PaymentDetail, PaymentFilter, PaymentRow, SearchHit, ServiceFilter,
        ServiceRow, TicketFilter, TicketRow, UserDetail, UserFilter, UserRow,
    },
    export, panels, Error,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::{state::AppState, AppError};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tauri::command]
#[specta::specta]
pub async fn dashboard(state: State<'_, AppState>) -> Result<Dashboard, AppError> {
    state.read(browse::dashboard).await
}

/// The dashboard's red bar, read after its totals (a service health report).
#[tauri::command]
#[specta::specta]
pub async fn critical_services(
    state: State<'_, AppState>,
) -> Result<Vec<CriticalService>, AppError> {
    state.read(|c| browse::critical_services(c, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn facets(state: State<'_, AppState>) -> Result<Facets, AppError> {
    state.read(browse::facets).await
}

#[tauri::command]
#[specta::specta]
pub async fn search(state: State<'_, AppState>, query: String) -> Result<Vec<SearchHit>, AppError> {
    state.read(move |c| browse::search(c, &query)).await
}

/// Each table: a page, the row count of the filter, the CSV of the filter.
macro_rules! table_commands {
    ($list:ident, $count:ident, $filter:ty, $row:ty) => {
        #[tauri::command]
        #[specta::specta]
        pub async fn $list(
            state: State<'_, AppState>,
            filter: $filter,
            page: PageRequest,
        ) -> Result<Page<$row>, AppError> {
            state.read(move |c| filter.list(c, &page)).await
        }

        #[tauri::command]
        #[specta::specta]
        pub async fn $count(state: State<'_, AppState>, filter: $filter) -> Result<u64, AppError> {
            state.read(move |c| filter.count(c)).await
        }
    };
}

table_commands!(orders_list, orders_count, OrderFilter, OrderRow);
table_commands!(users_list, users_count, UserFilter, UserRow);
table_commands!(payments_list, payments_count, PaymentFilter, PaymentRow);
table_commands!(tickets_list, tickets_count, TicketFilter, TicketRow);
table_commands!(services_list, services_count, ServiceFilter, ServiceRow);

/// The filter of the table to export.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "table", content = "filter", rename_all = "snake_case")]
pub enum ExportRequest {
    Orders(OrderFilter),
    Users(UserFilter),
    Payments(PaymentFilter),
    Tickets(TicketFilter),
    Services(ServiceFilter),
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Exported {
    pub path: String,
    pub rows: u64,
}

/// Writes the filtered view as CSV into the Downloads folder (the home
/// folder without one) under a dated, unique name, and says where.
#[tauri::command]
#[specta::specta]
pub async fn export_csv(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<Exported, AppError> {
    let table = match &request {
        ExportRequest::Orders(_) => "orders",
        ExportRequest::Users(_) => "users",
        ExportRequest::Payments(_) => "payments",
        ExportRequest::Tickets(_) => "tickets",
        ExportRequest::Services(_) => "services",
    };
    let exported = state
        .read(move |c| {
            let names: Vec<(i64, String)> = panels::list(c.local())?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect();
            let path = export::new_file(table, "csv")?;
            let file = std::fs::File::create(&path)
                .map_err(|e| Error::io(format!("creating {}", path.display()), e))?;
            let out = std::io::BufWriter::new(file);
            let rows = match &request {
                ExportRequest::Orders(f) => f.export_csv(c, &names, out),
                ExportRequest::Users(f) => f.export_csv(c, &names, out),
                ExportRequest::Payments(f) => f.export_csv(c, &names, out),
                ExportRequest::Tickets(f) => f.export_csv(c, &names, out),
                ExportRequest::Services(f) => f.export_csv(c, &names, out),
            }?;
            Ok(Exported {
                path: path.display().to_string(),
                rows,
            })
        })
        .await?;
    super::tickets::log_export(&state, table, exported.rows).await?;
    Ok(exported)
}

#[tauri::command]
#[specta::specta]
pub async fn order_detail(
    state: State<'_, AppState>,
    panel_id: i64,
    id: i64,
) -> Result<OrderDetail, AppError> {
    state
        .read(move |c| browse::order_detail(c, panel_id, id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn user_detail(
    state: State<'_, AppState>,
    panel_id: i64,
    id: i64,
) -> Result<UserDetail, AppError> {
    state
        .read(move |c| browse::user_detail(c, panel_id, id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn payment_detail(
    state: State<'_, AppState>,
    panel_id: i64,
    id: i64,
) -> Result<PaymentDetail, AppError> {
    state
        .read(move |c| browse::payment_detail(c, panel_id, id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn note_add(
    state: State<'_, AppState>,
    panel_id: i64,
    user_id: i64,
    body: String,
) -> Result<Note, AppError> {
    state
        .blocking(move |core| browse::add_note(&core.db().local()?, panel_id, user_id, &body))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn note_delete(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    state
        .blocking(move |core| browse::delete_note(&core.db().local()?, id))
        .await
}
