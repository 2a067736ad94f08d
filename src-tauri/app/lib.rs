//! The Tauri shell: window, plugins, and thin command wrappers over
//! `paneldesk-core`. No business logic lives here.

mod app_menu;
mod commands;
mod demo;
mod error;
#[cfg(debug_assertions)]
mod ipc_scan;
mod local_api;
mod notify;
mod state;
mod tray;
mod updates;

use paneldesk_core::{
    db::CacheChanges,
    lock::SyncLock,
    model::{Resource, SyncStatus},
    sync::{Engine, SyncEvent},
    tickets::Outbox,
};
use serde::Serialize;
use specta::Type;
use specta_typescript::{BigIntExportBehavior, Typescript};
use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Builder, Event};

pub use error::AppError;

/// Where the generated TypeScript bindings live, relative to the repo root.
pub const BINDINGS_PATH: &str = "ui/src/lib/backend/bindings.ts";

/// The sync engine's progress and state changes. Its name is written once,
/// here: the UI listens through the generated `events.syncProgress`.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct SyncProgress(SyncEvent);

/// Another process (the CLI owning the sync) wrote the cache.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct CacheChanged;
/// The background delivery changed replies in the outbox (sent, held,
/// failed): the badge and an open ticket re-read it.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct OutboxChanged;

/// A rival was polled (by the watch or on demand): the competitors screen re-reads.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct CompetitorsChanged;

/// A piece of an AI answer, for the call the window started with `call_id`.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct AiToken {
    pub call_id: String,
    pub token: String,
}

/// How often the outbox looks for replies due again.
const OUTBOX_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// How often the cache is checked for another process's writes.
const CACHE_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app_info,
            commands::dashboard,
            commands::critical_services,
            commands::facets,
            commands::search,
            commands::orders_list,
            commands::orders_count,
            commands::users_list,
            commands::users_count,
            commands::payments_list,
            commands::payments_count,
            commands::tickets_list,
            commands::tickets_count,
            commands::services_list,
            commands::services_count,
            commands::export_csv,
            commands::order_detail,
            commands::user_detail,
            commands::payment_detail,
            commands::note_add,
            commands::note_delete,
            commands::panels_list,
            commands::panel_add,
            commands::panel_update,
            commands::panel_remove,
            commands::panel_test,
            commands::panel_probe,
            commands::demo_start,
            commands::sync_overview,
            commands::last_synced,
            commands::sync_settings_set,
            commands::retention_set,
            commands::sync_now,
            commands::verify_now,
            commands::ticket_open,
            commands::ticket_counts,
            commands::reply_send,
            commands::outbox_send,
            commands::outbox_edit,
            commands::outbox_discard,
            commands::outbox_list,
            commands::outbox_count,
            commands::ticket_act,
            commands::templates_list,
            commands::template_save,
            commands::template_delete,
            commands::template_fill,
            commands::operators_list,
            commands::operator_switch,
            commands::operator_add,
            commands::staff_name_set,
            commands::link_open,
            commands::ai_providers_list,
            commands::ai_provider_save,
            commands::ai_provider_remove,
            commands::ai_provider_models,
            commands::ai_settings,
            commands::ai_settings_set,
            commands::ai_presets_list,
            commands::ai_preset_save,
            commands::ai_preset_delete,
            commands::ai_usage,
            commands::ai_preview,
            commands::ai_ask,
            commands::ai_stop,
            commands::ai_unknown_orders,
            commands::payment_methods_list,
            commands::payment_method_save,
            commands::payment_method_delete,
            commands::payment_prepare,
            commands::payment_send,
            commands::orders_act,
            commands::activity_list,
            commands::activity_export,
            commands::profile,
            commands::operator_rename,
            commands::lock_status,
            commands::app_unlock,
            commands::app_lock_now,
            commands::app_lock_set,
            commands::app_lock_idle_set,
            commands::app_lock_remove,
            commands::staff_directory,
            commands::staff_save,
            commands::staff_remove,
            commands::services_import_preview,
            commands::services_import_apply,
            commands::report_run,
            commands::report_export,
            commands::report_flagged_tickets,
            commands::report_service_samples,
            commands::report_fetch_missing,
            commands::report_profiles,
            commands::services_snooze,
            commands::service_health_profile_save,
            commands::service_health_profile_delete,
            commands::top_spender_profile_save,
            commands::top_spender_profile_delete,
            commands::service_trend,
            commands::reported_services_list,
            commands::service_report,
            commands::service_report_resolve,
            commands::staff_days,
            commands::spend_days,
            commands::rivals_list,
            commands::rival_save,
            commands::rival_remove,
            commands::watch_profiles,
            commands::watch_profile_save,
            commands::watch_profile_remove,
            commands::rival_poll,
            commands::competitor_changes,
            commands::competitor_changes_export,
            commands::rival_snapshots,
            commands::rival_price_history,
            commands::notification_settings,
            commands::notification_settings_set,
            commands::api_keys_list,
            commands::api_key_create,
            commands::api_key_revoke,
            commands::local_api_status,
            commands::local_api_set,
            commands::update_status,
            commands::update_check,
            commands::update_download,
            commands::update_install,
            commands::update_endpoint_set,
            commands::crash_pending,
            commands::crash_dismiss,
            commands::logs_open,
            commands::diagnostics_text,
            commands::backup_export,
            commands::backup_restore,
            commands::app_restart,
            commands::close_to_tray,
            commands::close_to_tray_set,
        ])
        .events(collect_events![
            SyncProgress,
            CacheChanged,
            OutboxChanged,
            CompetitorsChanged,
            updates::UpdateProgress,
            app_menu::MenuCommand,
            AiToken
        ])
        .constant("RULES", Rules::new())
}

/// The domain rules the UI needs, from their one Rust definition, exported
/// as the `RULES` constant. One constant: tauri-specta writes several in no
/// fixed order, and the committed bindings must come out the same each time.
#[derive(Serialize, Type)]
struct Rules {
    sync_limits: paneldesk_core::settings::SyncLimits,
    open_order_statuses: [&'static str; 4],
    sortable_columns: paneldesk_core::browse::SortableColumns,
    /// Each report screen's "How to read this report": the CLI's help too.
    report_help: ReportHelp,
}

#[derive(Serialize, Type)]
struct ReportHelp {
    service_health: &'static str,
    top_spenders: &'static str,
    flagged_by_staff: &'static str,
    flagged_by_service: &'static str,
    staff_stats: &'static str,
}

impl Rules {
    fn new() -> Rules {
        Rules {
            sync_limits: paneldesk_core::settings::SYNC_LIMITS,
            open_order_statuses: paneldesk_core::model::OPEN_ORDER_STATUSES,
            sortable_columns: paneldesk_core::browse::sortable_columns(),
            report_help: {
                use paneldesk_core::reports::help;
                ReportHelp {
                    service_health: help::SERVICE_HEALTH,
                    top_spenders: help::TOP_SPENDERS,
                    flagged_by_staff: help::FLAGGED_BY_STAFF,
                    flagged_by_service: help::FLAGGED_BY_SERVICE,
                    staff_stats: help::STAFF_STATS,
                }
            },
        }
    }
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

/// Runs the sync engine for the window's lifetime, forwarding its events.
/// While another process owns the sync, the window follows what it writes,
/// and a thread waits for the lock: the app takes the sync over as soon as
/// that process lets go, and says so.
fn start_sync(app: &tauri::AppHandle) {
    let state = app.state::<state::AppState>();
    let Ok(core) = state.core() else { return };
    if let (Some(engine), Some(outbox)) = (core.engine(), core.outbox()) {
        run_engine(app, engine.clone(), outbox.clone());
        return;
    }
    let handle = app.clone();
    match CacheChanges::watch(core.db(), CACHE_CHECK, move || {
        let _ = CacheChanged.emit(&handle);
    }) {
        Ok(watch) => *core.changes.lock().unwrap_or_else(|e| e.into_inner()) = Some(watch),
        Err(e) => tracing::warn!("the window will not follow the other process's sync: {e}"),
    }
    let handle = app.clone();
    std::thread::spawn(move || {
        let taken = SyncLock::wait(core.db().data_dir(), state::SYNC_OWNER)
            .map_err(AppError::from)
            .and_then(|lock| {
                core.own_sync(
                    lock,
                    Some("The other process stopped syncing: this window syncs now.".into()),
                )
            });
        match taken.and_then(|engine| {
            let outbox = core.outbox().cloned().ok_or_else(|| AppError {
                code: paneldesk_core::ErrorCode::Busy,
                message: "the outbox did not start with the engine".into(),
                fix: None,
            })?;
            Ok((engine, outbox))
        }) {
            Ok((engine, outbox)) => {
                tracing::info!("the sync lock is free: this window syncs now");
                run_engine(&handle, engine, outbox);
                // Screens re-read the overview, which now says who syncs.
                let _ = CacheChanged.emit(&handle);
            }
            Err(e) => {
                tracing::error!(code = %e.code, "the sync could not be taken over: {}", e.message)
            }
        }
    });
}

fn run_engine(app: &tauri::AppHandle, engine: Engine, outbox: Outbox) {
    let mut events = engine.subscribe();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let SyncEvent::State {
                        resource,
                        status: SyncStatus::Ok,
                        ..
                    } = &event
                    {
                        // Orders caught up: a first sync's scores are whole only now.
                        if *resource == Resource::Orders {
                            nudge_daily_scores(&handle);
                        }
                        if let Ok(core) = handle.state::<state::AppState>().core() {
                            notify::after_sync(&handle, core, *resource);
                        }
                        tray::update(&handle);
                    }
                    let _ = SyncProgress(event).emit(&handle);
                }
                // A slow window missed some progress: the next event catches up.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    let delivered = app.clone();
    tauri::async_runtime::spawn(async move {
        // Never told to stop: the engine and the outbox end with the process.
        let (_keep, stop) = tokio::sync::watch::channel(false);
        let delivering = outbox.watch(OUTBOX_EVERY, stop.clone(), move |_| {
            tray::update(&delivered);
            let _ = OutboxChanged.emit(&delivered);
        });
        let (synced, ()) = tokio::join!(engine.watch(stop), delivering);
        if let Err(e) = synced {
            tracing::error!(code = %e.code(), "the sync engine stopped: {e}");
        }
    });
}

/// How often the window checks whether yesterday's service scores are kept.
const DAILY_SCORES_CHECK: std::time::Duration = std::time::Duration::from_secs(600);

/// Keeps each service's daily score (the service health trend): at start,
/// after each orders sync that caught up, and every few
/// minutes, yesterday's is taken unless it was already (one query when it
/// was).
fn start_daily_scores(app: &tauri::AppHandle) {
    let state = app.state::<state::AppState>();
    let Ok(core) = state.core() else { return };
    let (nudge, nudged) = std::sync::mpsc::channel();
    *core.daily_scores.lock().unwrap_or_else(|e| e.into_inner()) = Some(nudge);
    std::thread::spawn(move || loop {
        let taken = core.readers.with(|read| {
            paneldesk_core::reports::take_daily_scores(
                read,
                &mut core.db().local()?,
                &chrono::Local,
                chrono::Utc::now().timestamp(),
            )
        });
        match taken {
            Ok(Some(day)) => tracing::info!(%day, "service scores of the day kept"),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(code = %e.code(), "the day's service scores were not kept: {e}")
            }
        }
        if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) =
            nudged.recv_timeout(DAILY_SCORES_CHECK)
        {
            break;
        }
        // A burst of sync steps makes one check.
        while nudged.try_recv().is_ok() {}
    });
}

/// The single-instance name of a data dir: one window per data dir, so a
/// second data dir (`PANELDESK_DATA_DIR`) still opens its own.
fn instance_id(data_dir: &std::path::Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut hash);
    format!("com.paneldesk.app.d{:016x}", hash.finish())
}

/// How often the competitors watch looks for rivals due a poll.
const COMPETITORS_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// Polls each rival a watch profile says is due, for the window's life.
fn start_competitors_watch(app: &tauri::AppHandle) {
    let Ok(core) = app.state::<state::AppState>().core() else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut every = tokio::time::interval(COMPETITORS_CHECK);
        loop {
            every.tick().await;
            let now = chrono::Utc::now().timestamp();
            let due = core
                .db()
                .local()
                .and_then(|local| paneldesk_core::competitors::due(&local, now));
            for rival in due.unwrap_or_else(|e| {
                tracing::warn!(code = %e.code(), "the competitors watch could not read its profiles: {e}");
                Vec::new()
            }) {
                let keychain = paneldesk_core::secrets::Keychain;
                match paneldesk_core::competitors::poll(core.db(), &keychain, &core.rivals, rival, now).await {
                    Ok(outcome) => notify::price_moves(&app, &core, &outcome),
                    Err(e) => tracing::warn!(code = %e.code(), rival, "a rival's poll failed: {e}"),
                }
                let _ = CompetitorsChanged.emit(&app);
            }
        }
    });
}

fn nudge_daily_scores(app: &tauri::AppHandle) {
    if let Ok(core) = app.state::<state::AppState>().core() {
        if let Some(nudge) = &*core.daily_scores.lock().unwrap_or_else(|e| e.into_inner()) {
            let _ = nudge.send(());
        }
    }
}

/// WebKitGTK's accelerated compositing off, unless the operator's
/// environment says otherwise (`WEBKIT_DISABLE_COMPOSITING_MODE=0` turns it
/// back on). Composited, the web process keeps a GL context and a backing
/// store per layer (in software, llvmpipe, on a desktop without a GPU
/// driver or under Xvfb): measured at the dashboard, 312 -> 192 MB for the
/// web process, and 431-461 -> 278-301 MB after scrolling 50,000 orders,
/// whose garbage no longer slows the next screen (docs/benchmarks.md, the
/// fifth stop). A screen of tables and forms loses nothing a user sees;
/// the first paint takes 50 to 70 ms longer. Set before GTK starts and
/// before any thread: the web process inherits the environment.
#[cfg(target_os = "linux")]
fn software_rendering() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}

pub fn run() {
    #[cfg(target_os = "linux")]
    software_rendering();
    let builder = specta_builder();
    let data_dir = paneldesk_core::paths::DataDir::resolve();
    let app = tauri::Builder::default()
        // First: a second launch on the same data dir hands over to the
        // window already open and exits before it opens anything itself.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id(data_dir.root()))
                .callback(|app, _args, _cwd| {
                    if let Some(window) = app.get_webview_window("main") {
                        let _ = window.unminimize();
                        let _ = window.show();
                        let _ = window.set_focus();
                    }
                })
                .build(),
        )
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init());
    // The journeys' secrets scan of every IPC answer: debug builds, when asked.
    #[cfg(debug_assertions)]
    let app = match ipc_scan::plugin() {
        Some(scan) => app.plugin(scan),
        None => app,
    };
    app.manage(updates::Updates::default())
        .invoke_handler(builder.invoke_handler())
        .menu(app_menu::build)
        .on_menu_event(|app, event| app_menu::on_event(app, event.id().as_ref()))
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                tray::on_close(window, api);
            }
        })
        .setup(move |app| {
            // Opened here, after the single-instance check: a second launch
            // never opens the data dir.
            app.manage(state::AppState::open(data_dir.clone()));
            builder.mount_events(app);
            tray::start(app.handle());
            start_sync(app.handle());
            start_daily_scores(app.handle());
            start_competitors_watch(app.handle());
            local_api::start(app.handle());
            // A quiet check at start: its outcome waits in Settings > Updates.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                updates::check(&handle).await;
            });
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}
