//! The tray icon: where the sync stands, how many replies wait in the
//! outbox, "Sync now", "Open Paneldesk" and "Quit". When the operator chose
//! it (Settings > Sync engine), closing the window hides it and the sync
//! goes on in the tray.
//!
//! The menu's words come from [`labels`], a pure function of the state, so
//! they are unit-tested; the panels journey reads and clicks the real tray
//! through a tray host on its D-Bus (harness.mjs, `startTrayHost`).

use std::time::Duration;

use tauri::{
    menu::{Menu, MenuItem, PredefinedMenuItem},
    tray::TrayIconBuilder,
    Manager,
};

use crate::state::AppState;

/// The setting: closing the window keeps the app syncing in the tray.
pub const CLOSE_TO_TRAY: &str = "desktop.close_to_tray";
/// How often the tray's words are brought up to date without an event.
const REFRESH: Duration = Duration::from_secs(30);

/// What the tray's two status lines say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub sync: String,
    pub outbox: String,
}

/// The tray's words for: when the cache was last synced, whether this
/// window owns the sync, and how many replies wait.
pub fn labels(last_synced: Option<i64>, owns_sync: bool, outbox: i64, now: i64) -> Labels {
    let sync = match (owns_sync, last_synced) {
        (false, _) => "Another process syncs (this window follows it)".to_owned(),
        (true, None) => "Not synced yet".to_owned(),
        (true, Some(at)) => {
            let minutes = (now - at).max(0) / 60;
            match minutes {
                0 => "Synced just now".to_owned(),
                1 => "Synced 1 min ago".to_owned(),
                m if m < 120 => format!("Synced {m} min ago"),
                m => format!("Synced {} h ago", m / 60),
            }
        }
    };
    let outbox = match outbox {
        0 => "Outbox: empty".to_owned(),
        1 => "Outbox: 1 reply waiting".to_owned(),
        n => format!("Outbox: {n} replies waiting"),
    };
    Labels { sync, outbox }
}

/// Whether closing the window keeps the app in the tray.
pub fn close_to_tray(app: &tauri::AppHandle) -> bool {
    app.state::<AppState>()
        .db()
        .ok()
        .and_then(|db| db.local().ok())
        .and_then(|local| {
            paneldesk_core::settings::get(&local, CLOSE_TO_TRAY)
                .ok()
                .flatten()
        })
        .is_some_and(|v| v == "1")
}

fn current(app: &tauri::AppHandle) -> Labels {
    let state = app.state::<AppState>();
    let core = state.core().ok();
    let last = core
        .as_ref()
        .and_then(|c| c.readers.with(paneldesk_core::browse::last_synced).ok())
        .flatten();
    let outbox = core
        .as_ref()
        .and_then(|c| c.db().local().ok())
        .and_then(|l| paneldesk_core::tickets::outbox::pending_count(&l).ok())
        .unwrap_or(0);
    let owns = core.as_ref().is_some_and(|c| c.engine().is_some());
    labels(last, owns, outbox, chrono::Utc::now().timestamp())
}

fn show_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Builds the tray and keeps its words current. A desktop without a tray
/// host still runs the app: the failure is logged.
pub fn start(app: &tauri::AppHandle) {
    if let Err(e) = build(app) {
        tracing::warn!("no tray icon: {e}");
    }
}

fn build(app: &tauri::AppHandle) -> tauri::Result<()> {
    let words = current(app);
    let sync = MenuItem::with_id(app, "sync-state", &words.sync, false, None::<&str>)?;
    let outbox = MenuItem::with_id(app, "outbox-state", &words.outbox, false, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &sync,
            &outbox,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "sync-now", "Sync now", true, None::<&str>)?,
            &MenuItem::with_id(app, "open", "Open Paneldesk", true, None::<&str>)?,
            &MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id("paneldesk")
        .menu(&menu)
        .tooltip("Paneldesk")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "sync-now" => {
                if let Ok(core) = app.state::<AppState>().core() {
                    core.nudge();
                }
            }
            "open" => show_window(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(TrayLines { sync, outbox });
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut every = tokio::time::interval(REFRESH);
        loop {
            every.tick().await;
            update(&handle);
        }
    });
    Ok(())
}

/// The tray's two status lines, kept to be rewritten.
struct TrayLines {
    sync: MenuItem<tauri::Wry>,
    outbox: MenuItem<tauri::Wry>,
}

/// Brings the tray's words up to date (after a sync step, an outbox change).
pub fn update(app: &tauri::AppHandle) {
    if let Some(lines) = app.try_state::<TrayLines>() {
        let words = current(app);
        let _ = lines.sync.set_text(words.sync);
        let _ = lines.outbox.set_text(words.outbox);
    }
}

/// Closing the main window: hidden to the tray when the operator chose it.
pub fn on_close(window: &tauri::Window, api: &tauri::CloseRequestApi) {
    if window.label() == "main" && close_to_tray(window.app_handle()) {
        api.prevent_close();
        let _ = window.hide();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tray_says_when_the_cache_was_synced_and_what_waits_in_the_outbox() {
        let now = 1_800_000_000;
        assert_eq!(
            labels(Some(now - 30), true, 0, now),
            Labels {
                sync: "Synced just now".into(),
                outbox: "Outbox: empty".into()
            }
        );
        assert_eq!(
            labels(Some(now - 60), true, 1, now).sync,
            "Synced 1 min ago"
        );
        assert_eq!(
            labels(Some(now - 60), true, 1, now).outbox,
            "Outbox: 1 reply waiting"
        );
        assert_eq!(
            labels(Some(now - 45 * 60), true, 3, now).sync,
            "Synced 45 min ago"
        );
        assert_eq!(
            labels(Some(now - 45 * 60), true, 3, now).outbox,
            "Outbox: 3 replies waiting"
        );
        assert_eq!(
            labels(Some(now - 5 * 3600), true, 0, now).sync,
            "Synced 5 h ago"
        );
        assert_eq!(labels(None, true, 0, now).sync, "Not synced yet");
        assert_eq!(
            labels(Some(now), false, 0, now).sync,
            "Another process syncs (this window follows it)"
        );
    }
}
