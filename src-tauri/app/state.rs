//! What the commands share: the opened data dir (or why it could not be
//! opened), its read connections, the sync engine and the demo server.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use paneldesk_core::{
    activity::Actor,
    app_lock,
    db::{CacheChanges, Db, ReadConn, Readers, Writer},
    lock::SyncLock,
    logging::{self, LogGuard},
    operators,
    paths::DataDir,
    secrets::Keychain,
    sync::{Engine, EngineOptions},
    tickets::Outbox,
};

use crate::{demo::DemoServer, AppError};

/// The opened data dir and what runs on it.
pub struct Core {
    pub readers: Readers,
    /// The one writer of the data dir: the engine's, and every command's.
    pub writer: Writer,
    /// Set once this process owns the sync. Until then another process (the
    /// CLI's `sync --watch`) owns it and this window browses what it writes;
    /// the app takes the sync over as soon as that process lets go.
    engine: OnceLock<(Engine, Outbox, SyncLock)>,
    /// Why there is no engine, or that the app took the sync over.
    engine_note: Mutex<Option<String>>,
    pub demo: Mutex<Option<DemoServer>>,
    /// Without an engine: the watch on what the owning process writes.
    pub changes: Mutex<Option<CacheChanges>>,
    /// AI calls running now, by the id the window gave them: their stop switches.
    ai_calls: Mutex<HashMap<String, tokio::sync::watch::Sender<bool>>>,
    /// The app lock is engaged: nothing is done as the operator (see
    /// `commands::operator`) until their passcode is typed.
    locked: Mutex<bool>,
    /// Wakes the daily service scores' check (a sync step brought orders).
    pub daily_scores: Mutex<Option<std::sync::mpsc::Sender<()>>>,
    /// One client (one rate bucket) per rival, for the watch and "Poll now".
    pub rivals: paneldesk_core::competitors::RivalClients,
    /// The local API while it serves (Settings > API keys), or why it cannot.
    pub local_api: tokio::sync::Mutex<crate::local_api::Serving>,
}

impl Core {
    pub fn db(&self) -> &Db {
        self.readers.db()
    }

    pub fn engine(&self) -> Option<&Engine> {
        self.engine.get().map(|(e, _, _)| e)
    }

    /// The reply outbox's delivering side: only while this process owns the sync.
    pub fn outbox(&self) -> Option<&Outbox> {
        self.engine.get().map(|(_, o, _)| o)
    }

    pub fn engine_note(&self) -> Option<String> {
        self.engine_note
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Starts the engine on the sync lock just taken; `note` says how it came.
    pub fn own_sync(&self, lock: SyncLock, note: Option<String>) -> Result<Engine, AppError> {
        let engine = Engine::new(
            self.db().clone(),
            self.writer.clone(),
            Keychain,
            EngineOptions::default(),
        );
        *self.engine_note.lock().unwrap_or_else(|e| e.into_inner()) = note;
        // Set once: only one lock is ever taken by this process.
        let outbox = Outbox::new(engine.clone(), Actor::engine());
        let _ = self.engine.set((engine.clone(), outbox, lock));
        // The engine's own events say what changes from now on.
        *self.changes.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(engine)
    }

    pub fn ai_calls(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, tokio::sync::watch::Sender<bool>>> {
        self.ai_calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn locked(&self) -> bool {
        *self.locked.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_locked(&self, locked: bool) {
        *self.locked.lock().unwrap_or_else(|e| e.into_inner()) = locked;
    }

    /// Tells the engine that panels or settings changed.
    pub fn nudge(&self) {
        if let Some(e) = self.engine() {
            e.nudge();
        }
    }
}

pub struct AppState {
    pub data_dir: DataDir,
    /// A data dir that failed to open (say, one written by a newer Paneldesk)
    /// still lets the window start, so the UI can show the error and its fix.
    core: Result<Arc<Core>, AppError>,
    _log: Option<LogGuard>,
}

fn open_core(db: Db) -> Result<Core, AppError> {
    // The demo server starts before the engine so its new URL is the one synced.
    let demo = match crate::demo::resume(&db) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(code = %e.code(), "the demo panel did not start: {e}");
            None
        }
    };
    let local = db.local()?;
    let core = Core {
        writer: Writer::start(&db)?,
        readers: Readers::new(db),
        engine: OnceLock::new(),
        engine_note: Mutex::new(None),
        demo: Mutex::new(demo),
        changes: Mutex::new(None),
        ai_calls: Mutex::default(),
        // Locked from the start when the operator working last has a lock.
        locked: Mutex::new(app_lock::settings(&local, operators::current(&local)?.id)?.enabled),
        daily_scores: Mutex::new(None),
        rivals: Default::default(),
        local_api: Default::default(),
    };
    match SyncLock::acquire(core.db().data_dir(), SYNC_OWNER) {
        Ok(lock) => {
            core.own_sync(lock, None)?;
        }
        Err(e) => {
            tracing::warn!("sync is off in this window until the other process stops: {e}");
            *core.engine_note.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(format!("{e}. {}", e.fix().unwrap_or_default()));
        }
    }
    Ok(core)
}

/// What the sync lock says of the app while it owns the sync.
pub const SYNC_OWNER: &str = "the Paneldesk app";

impl AppState {
    pub fn open(data_dir: DataDir) -> AppState {
        let log = match logging::init(&data_dir.log_dir(), cfg!(debug_assertions)) {
            Ok(guard) => Some(guard),
            Err(e) => {
                eprintln!("warning: logging to a file is off: {e}");
                None
            }
        };
        paneldesk_core::crash::install(data_dir.log_dir(), "Paneldesk");
        let core = Db::open(&data_dir)
            .map_err(AppError::from)
            .and_then(open_core)
            .map(Arc::new);
        match &core {
            Ok(_) => tracing::info!(data_dir = %data_dir.root().display(), "data dir opened"),
            Err(e) => tracing::error!(code = %e.code, "data dir failed to open: {}", e.message),
        }
        AppState {
            data_dir,
            core,
            _log: log,
        }
    }

    pub fn core(&self) -> Result<Arc<Core>, AppError> {
        self.core.clone()
    }

    pub fn db(&self) -> Result<Db, AppError> {
        Ok(self.core()?.db().clone())
    }

    /// Runs a query on a read connection, off the async runtime's workers.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&ReadConn) -> paneldesk_core::Result<T> + Send + 'static,
    {
        let core = self.core()?;
        blocking(move || core.readers.with(f)).await
    }

    /// Runs blocking core work (local.sqlite3 writes, keychain) off the workers.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Core) -> paneldesk_core::Result<T> + Send + 'static,
    {
        let core = self.core()?;
        blocking(move || f(&core)).await
    }
}

async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> paneldesk_core::Result<T> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError {
            code: paneldesk_core::ErrorCode::IpcFailed,
            message: format!("the query stopped unexpectedly: {e}"),
            fix: None,
        })?
        .map_err(AppError::from)
}
