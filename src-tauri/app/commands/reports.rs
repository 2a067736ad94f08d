//! The report screens: each report computed from the cache, its CSV export
//! (exactly what is shown), its drill-downs, profiles and snoozes.

use paneldesk_core::reports::{
    self, Report, ReportKind, ReportRequest, ServiceHealthProfile, TicketRef, TicketSample,
    TopSpenderProfile,
};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::{state::AppState, AppError};

#[tauri::command]
#[specta::specta]
pub async fn report_run(
    state: State<'_, AppState>,
    kind: ReportKind,
    request: ReportRequest,
) -> Result<Report, AppError> {
    state.read(move |c| reports::run(c, kind, &request)).await
}

/// The report as CSV in the Downloads folder; `request.at` is the shown
/// report's, so the file holds what the screen shows. Logged.
#[tauri::command]
#[specta::specta]
pub async fn report_export(
    state: State<'_, AppState>,
    kind: ReportKind,
    request: ReportRequest,
) -> Result<super::Exported, AppError> {
    let name: &'static str = kind.into();
    let exported = state
        .read(move |c| {
            let report = reports::run(c, kind, &request)?;
            let path = paneldesk_core::export::new_file(name, "csv")?;
            std::fs::write(
                &path,
                report.to_csv(paneldesk_core::export::CsvStyle::SpreadsheetSafe),
            )
            .map_err(|e| paneldesk_core::Error::io(format!("writing {}", path.display()), e))?;
            Ok(super::Exported {
                path: path.display().to_string(),
                rows: report.rows() as u64,
            })
        })
        .await?;
    super::log_export(&state, name, exported.rows).await?;
    Ok(exported)
}

#[tauri::command]
#[specta::specta]
pub async fn report_flagged_tickets(
    state: State<'_, AppState>,
    request: ReportRequest,
    staff: String,
) -> Result<Vec<TicketRef>, AppError> {
    state
        .read(move |c| reports::flagged_tickets(c, &request, &staff))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn report_service_samples(
    state: State<'_, AppState>,
    request: ReportRequest,
    panel_id: i64,
    service_id: i64,
) -> Result<Vec<TicketSample>, AppError> {
    state
        .read(move |c| reports::service_samples(c, &request, panel_id, service_id))
        .await
}

/// Asks the sync engine for the conversations flagged replies by service
/// still lacks (80 a run); how many were stored.
#[tauri::command]
#[specta::specta]
pub async fn report_fetch_missing(
    state: State<'_, AppState>,
    request: ReportRequest,
) -> Result<u64, AppError> {
    let engine = super::owning_engine(&state)?;
    Ok(engine
        .fetch_report_conversations(
            request.panel_id,
            request
                .window_hours
                .unwrap_or(reports::DEFAULT_WINDOW_HOURS),
            request.at.unwrap_or_else(|| chrono::Utc::now().timestamp()),
            reports::MAX_TICKET_FETCHES,
        )
        .await?)
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ReportProfiles {
    pub service_health: Vec<ServiceHealthProfile>,
    pub top_spenders: Vec<TopSpenderProfile>,
}

#[tauri::command]
#[specta::specta]
pub async fn report_profiles(state: State<'_, AppState>) -> Result<ReportProfiles, AppError> {
    state
        .read(|c| {
            Ok(ReportProfiles {
                service_health: reports::service_health_profiles(c.local())?,
                top_spenders: reports::top_spender_profiles(c.local())?,
            })
        })
        .await
}

/// Hides services from service health for 24 h; until when.
#[tauri::command]
#[specta::specta]
pub async fn services_snooze(
    state: State<'_, AppState>,
    panel_id: i64,
    service_ids: Vec<i64>,
) -> Result<i64, AppError> {
    super::operator(&state)?;
    state
        .blocking(move |core| {
            let local = core.db().local()?;
            let at = chrono::Utc::now().timestamp();
            let mut until = at;
            for id in service_ids {
                until = reports::snooze(&local, panel_id, id, at)?;
            }
            Ok(until)
        })
        .await
}

/// Saves a service health profile, new (`previous` None) or replacing the one
/// named `previous` (a rename too).
#[tauri::command]
#[specta::specta]
pub async fn service_health_profile_save(
    state: State<'_, AppState>,
    previous: Option<String>,
    profile: ServiceHealthProfile,
) -> Result<(), AppError> {
    super::operator(&state)?;
    state
        .blocking(move |core| {
            reports::save_service_health_profile(
                &mut core.db().local()?,
                previous.as_deref(),
                profile,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn service_health_profile_delete(
    state: State<'_, AppState>,
    name: String,
) -> Result<bool, AppError> {
    super::operator(&state)?;
    state
        .blocking(move |core| reports::delete_service_health_profile(&core.db().local()?, &name))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn top_spender_profile_save(
    state: State<'_, AppState>,
    previous: Option<String>,
    profile: TopSpenderProfile,
) -> Result<(), AppError> {
    super::operator(&state)?;
    state
        .blocking(move |core| {
            reports::save_top_spender_profile(&mut core.db().local()?, previous.as_deref(), profile)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn top_spender_profile_delete(
    state: State<'_, AppState>,
    name: String,
) -> Result<bool, AppError> {
    super::operator(&state)?;
    state
        .blocking(move |core| reports::delete_top_spender_profile(&core.db().local()?, &name))
        .await
}

/// A service's daily score over the last 30 local days, gaps as None.
#[tauri::command]
#[specta::specta]
pub async fn service_trend(
    state: State<'_, AppState>,
    panel_id: i64,
    service_id: i64,
) -> Result<Vec<reports::TrendDay>, AppError> {
    state
        .read(move |c| {
            reports::trend(
                c.local(),
                &chrono::Local,
                chrono::Utc::now().timestamp(),
                panel_id,
                service_id,
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn reported_services_list(
    state: State<'_, AppState>,
    panel_id: Option<i64>,
) -> Result<Vec<reports::ReportedService>, AppError> {
    state
        .read(move |c| reports::reported_services(c, panel_id))
        .await
}

/// Reports a service (from an order, a service or a ticket) with a reason.
#[tauri::command]
#[specta::specta]
pub async fn service_report(
    state: State<'_, AppState>,
    report: reports::NewReport,
) -> Result<i64, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| {
            core.readers
                .with(|read| reports::report_service(read, &core.db().local()?, &actor, report))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn service_report_resolve(state: State<'_, AppState>, id: i64) -> Result<bool, AppError> {
    let (_, actor) = super::operator(&state)?;
    state
        .blocking(move |core| reports::resolve_report(&core.db().local()?, &actor, id))
        .await
}

/// Each staff member's replies per local day in the window: the staff
/// statistics' chart.
#[tauri::command]
#[specta::specta]
pub async fn staff_days(
    state: State<'_, AppState>,
    request: ReportRequest,
) -> Result<Vec<reports::StaffDay>, AppError> {
    state.read(move |c| reports::staff_days(c, &request)).await
}

/// The chosen spenders' spend per local day in the window: the top
/// spenders' chart.
#[tauri::command]
#[specta::specta]
pub async fn spend_days(
    state: State<'_, AppState>,
    request: ReportRequest,
    users: Vec<reports::SpenderKey>,
) -> Result<Vec<reports::SpendDay>, AppError> {
    state
        .read(move |c| reports::spend_days(c, &request, &users))
        .await
}
