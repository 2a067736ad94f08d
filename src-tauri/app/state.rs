//! What the commands share: the opened data dir (or why it could not be
//! opened), its read connections, the sync engine and the demo server.

use std::sync::{Arc, Mutex};

use paneldesk_core::{
    db::{CacheChanges, Db, Readers, Writer},
    demo::DemoServer,
    lock::SyncLock,
    logging::{self, LogGuard},
    paths::DataDir,
    secrets::Keychain,
    sync::{Engine, EngineOptions},
};
use rusqlite::Connection;

use crate::AppError;

/// The opened data dir and what runs on it.
pub struct Core {
    pub readers: Readers,
    /// None when another process owns the sync (the CLI's `sync --watch`):
    /// then this window browses what that process writes.
    pub engine: Option<Engine>,
    /// Why there is no engine, for the Sync engine screen.
    pub engine_note: Option<String>,
    pub demo: Mutex<Option<DemoServer>>,
    /// Without an engine: the watch on what the owning process writes.
    pub changes: Mutex<Option<CacheChanges>>,
    _lock: Option<SyncLock>,
}

impl Core {
    pub fn db(&self) -> &Db {
        self.readers.db()
    }

    /// Tells the engine that panels or settings changed.
    pub fn nudge(&self) {
        if let Some(e) = &self.engine {
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
    let demo = match paneldesk_core::demo::resume(&db) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(code = %e.code().as_str(), "the demo panel did not start: {e}");
            None
        }
    };
    let (engine, lock, engine_note) = match SyncLock::acquire(db.data_dir(), "the Paneldesk app") {
        Ok(lock) => {
            let writer = Writer::start(&db)?;
            let engine = Engine::new(db.clone(), writer, Keychain, EngineOptions::default());
            (Some(engine), Some(lock), None)
        }
        Err(e) => {
            tracing::warn!("sync is off in this window: {e}");
            (
                None,
                None,
                Some(format!("{e}. {}", e.fix().unwrap_or_default())),
            )
        }
    };
    Ok(Core {
        readers: Readers::new(db),
        engine,
        engine_note,
        demo: Mutex::new(demo),
        changes: Mutex::new(None),
        _lock: lock,
    })
}

impl AppState {
    pub fn open() -> AppState {
        let data_dir = DataDir::resolve();
        let log = match logging::init(&data_dir.log_dir(), cfg!(debug_assertions)) {
            Ok(guard) => Some(guard),
            Err(e) => {
                eprintln!("warning: logging to a file is off: {e}");
                None
            }
        };
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
        F: FnOnce(&Connection) -> paneldesk_core::Result<T> + Send + 'static,
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
            code: "ipc_failed".into(),
            message: format!("the query stopped unexpectedly: {e}"),
            fix: None,
        })?
        .map_err(AppError::from)
}
