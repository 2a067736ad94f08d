//! `tracing` to a daily-rolling file in the log dir (and stderr when asked).
//!
//! Never log a secret or a customer's message body at info level.

use std::path::Path;

/// Flushes the log file when dropped; keep it for the life of the process.
pub use tracing_appender::non_blocking::WorkerGuard as LogGuard;
use tracing_appender::rolling;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::{Error, Result};

/// Log file name prefix; files are `paneldesk.log.YYYY-MM-DD`.
pub const LOG_FILE_PREFIX: &str = "paneldesk.log";
/// How many daily files are kept.
const MAX_LOG_FILES: usize = 14;

/// Starts logging. Keep the guard alive for the life of the process: dropping
/// it flushes and stops the writer. `RUST_LOG` overrides the default level.
pub fn init(log_dir: &Path, also_stderr: bool) -> Result<LogGuard> {
    std::fs::create_dir_all(log_dir)
        .map_err(|e| Error::io(format!("creating {}", log_dir.display()), e))?;
    let appender = rolling::Builder::new()
        .rotation(rolling::Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .max_log_files(MAX_LOG_FILES)
        .build(log_dir)
        .map_err(|e| {
            Error::io(
                format!("opening a log file in {}", log_dir.display()),
                std::io::Error::other(e),
            )
        })?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let file_layer = fmt::layer().with_writer(writer).with_ansi(false);
    let stderr_layer = also_stderr.then(|| fmt::layer().with_writer(std::io::stderr));
    // A second init in one process (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    Ok(guard)
}
