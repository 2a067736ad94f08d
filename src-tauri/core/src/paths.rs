//! Where Paneldesk keeps its files. The app and the CLI resolve them here, the
//! same way, so both share one cache unless told otherwise.

use std::path::{Path, PathBuf};

/// The app's identifier; the OS's data dir for it holds the databases.
pub const APP_IDENTIFIER: &str = "com.paneldesk.app";
/// Overrides the data dir for the app and the CLI (the CLI's `--data-dir` too).
pub const DATA_DIR_ENV: &str = "PANELDESK_DATA_DIR";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// `$PANELDESK_DATA_DIR`, else the OS's data dir for the app
    /// (`~/.local/share/com.paneldesk.app` on Linux).
    pub fn resolve() -> Self {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return DataDir::new(dir);
        }
        let base = dirs::data_dir().unwrap_or_else(|| PathBuf::from("."));
        DataDir::new(base.join(APP_IDENTIFIER))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn cache_db(&self) -> PathBuf {
        self.root.join("cache.sqlite3")
    }
    pub fn local_db(&self) -> PathBuf {
        self.root.join("local.sqlite3")
    }
    pub fn log_dir(&self) -> PathBuf {
        self.root.join("logs")
    }
}
