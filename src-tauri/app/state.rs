//! What the commands share: the opened data dir, or why it could not be opened.

use paneldesk_core::{
    db::Db,
    logging::{self, LogGuard},
    paths::DataDir,
};

use crate::AppError;

pub struct AppState {
    pub data_dir: DataDir,
    /// A data dir that failed to open (say, one written by a newer Paneldesk)
    /// still lets the window start, so the UI can show the error and its fix.
    db: Result<Db, AppError>,
    _log: Option<LogGuard>,
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
        let db = Db::open(&data_dir).map_err(AppError::from);
        match &db {
            Ok(_) => tracing::info!(data_dir = %data_dir.root().display(), "data dir opened"),
            Err(e) => tracing::error!(code = %e.code, "data dir failed to open: {}", e.message),
        }
        AppState {
            data_dir,
            db,
            _log: log,
        }
    }

    pub fn db(&self) -> Result<&Db, AppError> {
        self.db.as_ref().map_err(Clone::clone)
    }
}
