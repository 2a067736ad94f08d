//! Signed updates (tauri-plugin-updater): a quiet check at start, and
//! Settings > Updates: check now, the release notes, a download verified
//! against the minisign public key in `tauri.conf.json`, then install and
//! restart.
//!
//! The endpoint is configurable (Settings > Updates, or
//! `PANELDESK_UPDATE_ENDPOINT`). A debug build also takes a public key from
//! `PANELDESK_UPDATE_PUBKEY`, so tests can sign with a throwaway key; a
//! release build only ever trusts the key it was built with.

use std::time::Duration;

use serde::Serialize;
use specta::Type;
use tauri::Manager;
use tauri_plugin_updater::{Update, UpdaterExt};
use tauri_specta::Event;

use crate::{state::AppState, AppError};
use paneldesk_core::ErrorCode;

const ENDPOINT_SETTING: &str = "updates.endpoint";
const LAST_CHECK_SETTING: &str = "updates.last_check_at";
const ENDPOINT_ENV: &str = "PANELDESK_UPDATE_ENDPOINT";
const PUBKEY_ENV: &str = "PANELDESK_UPDATE_PUBKEY";

/// What the last check found.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckOutcome {
    NotChecked,
    Checking,
    UpToDate,
    Available {
        version: String,
        notes: Option<String>,
        /// RFC 3339, as the server gave it.
        date: Option<String>,
    },
    /// The server could not be asked (offline, wrong address, bad answer):
    /// said quietly, nothing else happens.
    CouldNotCheck {
        reason: String,
    },
}

/// Where the download of the update offered stands.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DownloadState {
    Idle,
    Downloading,
    /// Downloaded and its signature verified: ready to install.
    Verified {
        version: String,
        bytes: u64,
    },
    /// The download failed or did not verify: nothing is installed.
    Refused {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct UpdateStatus {
    pub current_version: String,
    pub endpoint: String,
    pub last_check_at: Option<i64>,
    pub check: CheckOutcome,
    pub download: DownloadState,
}

/// Bytes of the update downloaded so far (Settings > Updates' progress bar).
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct UpdateProgress {
    pub downloaded: u64,
    pub total: Option<u64>,
}

#[derive(Default)]
struct Inner {
    check: Option<CheckOutcome>,
    download: Option<DownloadState>,
    update: Option<Update>,
    verified: Option<Vec<u8>>,
}

/// The updater's state for the app's life.
#[derive(Default)]
pub struct Updates {
    inner: tokio::sync::Mutex<Inner>,
}

/// The endpoint in force: the operator's, else the environment's, else the
/// one `tauri.conf.json` was built with.
fn endpoint(app: &tauri::AppHandle) -> String {
    let state = app.state::<AppState>();
    let saved = state.db().ok().and_then(|db| {
        let local = db.local().ok()?;
        paneldesk_core::settings::get(&local, ENDPOINT_SETTING)
            .ok()
            .flatten()
    });
    saved
        .or_else(|| std::env::var(ENDPOINT_ENV).ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| {
            app.config()
                .plugins
                .0
                .get("updater")
                .and_then(|u| u.get("endpoints"))
                .and_then(|e| e.get(0))
                .and_then(|e| e.as_str())
                .unwrap_or_default()
                .to_owned()
        })
}

fn last_check_at(app: &tauri::AppHandle) -> Option<i64> {
    let db = app.state::<AppState>().db().ok()?;
    let local = db.local().ok()?;
    paneldesk_core::settings::get(&local, LAST_CHECK_SETTING)
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
}

async fn status(app: &tauri::AppHandle) -> UpdateStatus {
    let updates = app.state::<Updates>();
    let inner = updates.inner.lock().await;
    UpdateStatus {
        current_version: app.package_info().version.to_string(),
        endpoint: endpoint(app),
        last_check_at: last_check_at(app),
        check: inner.check.clone().unwrap_or(CheckOutcome::NotChecked),
        download: inner.download.clone().unwrap_or(DownloadState::Idle),
    }
}

fn updater(app: &tauri::AppHandle) -> Result<tauri_plugin_updater::Updater, String> {
    let url = endpoint(app);
    let url = url::Url::parse(&url).map_err(|e| format!("{url:?} is not an address: {e}"))?;
    let mut builder = app
        .updater_builder()
        .endpoints(vec![url])
        .map_err(|e| e.to_string())?
        .timeout(Duration::from_secs(30));
    if cfg!(debug_assertions) {
        if let Ok(key) = std::env::var(PUBKEY_ENV) {
            builder = builder.pubkey(key);
        }
    }
    builder.build().map_err(|e| e.to_string())
}

/// Asks the endpoint; a newer version is kept for the download. Never
/// fails: a problem is the outcome "could not check".
pub async fn check(app: &tauri::AppHandle) -> UpdateStatus {
    let updates = app.state::<Updates>();
    {
        let mut inner = updates.inner.lock().await;
        inner.check = Some(CheckOutcome::Checking);
    }
    let found = match updater(app) {
        Ok(u) => u.check().await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    let now = chrono::Utc::now().timestamp();
    if let Ok(db) = app.state::<AppState>().db() {
        if let Ok(local) = db.local() {
            let _ = paneldesk_core::settings::set(&local, LAST_CHECK_SETTING, &now.to_string());
        }
    }
    {
        let mut inner = updates.inner.lock().await;
        inner.check = Some(match &found {
            Ok(Some(u)) => CheckOutcome::Available {
                version: u.version.clone(),
                notes: u.body.clone(),
                date: u
                    .raw_json
                    .get("pub_date")
                    .and_then(|d| d.as_str())
                    .map(str::to_owned),
            },
            Ok(None) => CheckOutcome::UpToDate,
            Err(reason) => {
                tracing::info!("could not check for updates: {reason}");
                CheckOutcome::CouldNotCheck {
                    reason: reason.clone(),
                }
            }
        });
        // A new answer replaces what an older one offered, download included.
        inner.verified = None;
        inner.download = None;
        inner.update = found.ok().flatten();
    }
    status(app).await
}

/// Downloads the update offered and verifies its signature; the bytes are
/// kept for "Install and restart".
pub async fn download(app: &tauri::AppHandle) -> UpdateStatus {
    let updates = app.state::<Updates>();
    let Some(update) = updates.inner.lock().await.update.clone() else {
        return status(app).await;
    };
    updates.inner.lock().await.download = Some(DownloadState::Downloading);
    let mut downloaded = 0u64;
    let progress = app.clone();
    let got = update
        .download(
            move |chunk, total| {
                downloaded += chunk as u64;
                let _ = UpdateProgress { downloaded, total }.emit(&progress);
            },
            || {},
        )
        .await;
    {
        let mut inner = updates.inner.lock().await;
        match got {
            Ok(bytes) => {
                inner.download = Some(DownloadState::Verified {
                    version: update.version.clone(),
                    bytes: bytes.len() as u64,
                });
                inner.verified = Some(bytes);
            }
            Err(e) => {
                tracing::warn!(version = %update.version, "the update was refused: {e}");
                inner.verified = None;
                inner.download = Some(DownloadState::Refused {
                    reason: refusal(&e),
                });
            }
        }
    }
    status(app).await
}

/// Why a download was refused, in words an operator can act on.
fn refusal(e: &tauri_plugin_updater::Error) -> String {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => format!(
            "The download does not carry a valid signature from Paneldesk's publisher, so it was not installed ({e})."
        ),
        _ => format!("The download failed, nothing was installed: {e}"),
    }
}

/// Installs the verified download and restarts into it.
pub async fn install(app: &tauri::AppHandle) -> Result<(), AppError> {
    let updates = app.state::<Updates>();
    let inner = updates.inner.lock().await;
    let (Some(update), Some(bytes)) = (inner.update.as_ref(), inner.verified.as_ref()) else {
        return Err(invalid(
            "there is no verified download to install",
            "Check for updates, then download the update first.",
        ));
    };
    update.install(bytes).map_err(|e| AppError {
        code: ErrorCode::Io,
        message: format!("the update could not be installed: {e}"),
        fix: Some(
            "Install the downloaded package with your system's package manager, or try again."
                .into(),
        ),
    })?;
    drop(inner);
    app.restart();
}

/// Sets (or, blank, resets) the endpoint; the next check uses it.
pub fn set_endpoint(app: &tauri::AppHandle, endpoint: &str) -> Result<(), AppError> {
    let trimmed = endpoint.trim();
    if !trimmed.is_empty()
        && !url::Url::parse(trimmed).is_ok_and(|u| matches!(u.scheme(), "https" | "http"))
    {
        return Err(invalid(
            &format!("{trimmed:?} is not an http(s) address"),
            "Give the update server's address, like https://updates.example/paneldesk/{{target}}/{{arch}}/{{current_version}}, or leave it blank for the built-in one.",
        ));
    }
    let db = app.state::<AppState>().db()?;
    let local = db.local()?;
    Ok(paneldesk_core::settings::set(
        &local,
        ENDPOINT_SETTING,
        trimmed,
    )?)
}

fn invalid(message: &str, fix: &str) -> AppError {
    AppError {
        code: ErrorCode::InvalidRequest,
        message: message.into(),
        fix: Some(fix.into()),
    }
}

pub async fn current(app: &tauri::AppHandle) -> UpdateStatus {
    status(app).await
}
