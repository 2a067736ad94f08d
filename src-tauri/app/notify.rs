//! Desktop notifications: the core decides what is worth telling
//! (`paneldesk_core::notifications`); this shows it through the OS's
//! notification service (the Tauri notification plugin).

use paneldesk_core::{
    competitors::PollOutcome, model::Resource, notifications, notifications::Notice,
};
use tauri_plugin_notification::NotificationExt;

use crate::state::Core;

/// Freedesktop notification servers may read a body as markup (`<b>`,
/// `<a href>`, `<img>`): customer text is escaped there. Titles are plain.
fn body(text: &str) -> String {
    if cfg!(target_os = "linux") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_owned()
    }
}

fn show(app: &tauri::AppHandle, notices: Vec<Notice>) {
    for n in notices {
        let shown = app
            .notification()
            .builder()
            .title(&n.title)
            .body(body(&n.body))
            .show();
        if let Err(e) = shown {
            // No notification service (a bare X session): the screens still show it all.
            tracing::warn!("a notification was not shown: {e}");
        }
    }
}

fn logged(kind: &str, r: paneldesk_core::Result<Vec<Notice>>) -> Vec<Notice> {
    r.unwrap_or_else(|e| {
        tracing::warn!(code = %e.code(), "the {kind} notifications were not checked: {e}");
        Vec::new()
    })
}

/// After a sync step caught up: services that turned critical (orders) and
/// customers who wrote (tickets).
pub fn after_sync(app: &tauri::AppHandle, core: std::sync::Arc<Core>, resource: Resource) {
    if !matches!(resource, Resource::Orders | Resource::Tickets) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let notices = core.readers.with(|read| {
            let local = core.db().local()?;
            Ok(match resource {
                Resource::Orders => logged(
                    "service",
                    notifications::newly_critical(read, &local, chrono::Utc::now().timestamp()),
                ),
                _ => logged("ticket", notifications::customer_messages(read, &local)),
            })
        });
        show(&app, notices.unwrap_or_default());
    });
}

/// A poll's price moves past a watch profile's threshold.
pub fn price_moves(app: &tauri::AppHandle, core: &Core, outcome: &PollOutcome) {
    let notices = core
        .db()
        .local()
        .and_then(|local| notifications::price_moves(&local, outcome));
    show(app, logged("price", notices));
}
