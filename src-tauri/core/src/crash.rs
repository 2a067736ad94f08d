//! Crash reports: a panic hook writes where and how the process failed to
//! the logs folder, and the next start offers to open it.
//!
//! A report holds the thread, the place in the code and the backtrace
//! (function names and source lines: code, never data). The panic's message
//! is kept only when it is a literal written in the code; a message built at
//! run time may quote a ticket, a username or a key, so it is withheld.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use serde::Serialize;

/// Report files are `crash-<unix seconds>-<pid>-<n>.txt`; once the operator has
/// seen one it is renamed `.seen.txt`.
const PREFIX: &str = "crash-";
const NEW: &str = ".txt";
const SEEN: &str = ".seen.txt";

/// What a literal-less message becomes in a report.
pub const WITHHELD: &str = "(withheld: built at run time, it may hold data)";

/// A crash report the operator has not seen yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CrashReport {
    pub path: String,
    /// When the process failed (unix seconds).
    pub at: i64,
}

/// Installs the hook (after the one in place, which still runs: the
/// default one prints to stderr). `what` names the program in the report.
pub fn install(log_dir: PathBuf, what: &'static str) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&'static str>()
            .copied()
            .unwrap_or(WITHHELD);
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "unknown".into());
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        let at = chrono::Utc::now();
        let report = format!(
            "{what} {} stopped: a panic.\nwhen: {}\nos: {} {}\nthread: {thread}\nwhere: {location}\nmessage: {message}\n\nbacktrace:\n{}\n",
            crate::VERSION,
            at.to_rfc3339(),
            std::env::consts::OS,
            std::env::consts::ARCH,
            std::backtrace::Backtrace::force_capture(),
        );
        // Several threads may fail in one second: each report its own file.
        static SEQUENCE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = log_dir.join(format!(
            "{PREFIX}{}-{}-{n}{NEW}",
            at.timestamp(),
            std::process::id()
        ));
        // Best effort: a failing disk must not hide the panic itself.
        let _ = fs::create_dir_all(&log_dir)
            .and_then(|()| fs::File::create(&path))
            .and_then(|mut f| f.write_all(report.as_bytes()));
        tracing::error!(report = %path.display(), "a panic at {location}: crash report written");
        previous(info);
    }));
}

fn unseen(log_dir: &Path) -> Vec<(i64, PathBuf)> {
    let Ok(entries) = fs::read_dir(log_dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_prefix(PREFIX)?;
            if stem.ends_with(SEEN) {
                return None;
            }
            let at = stem.strip_suffix(NEW)?.split('-').next()?.parse().ok()?;
            Some((at, e.path()))
        })
        .collect()
}

/// The newest report not seen yet, if any.
pub fn pending(log_dir: &Path) -> Option<CrashReport> {
    unseen(log_dir)
        .into_iter()
        .max_by_key(|(at, _)| *at)
        .map(|(at, path)| CrashReport {
            path: path.display().to_string(),
            at,
        })
}

/// Marks every report seen (they stay in the logs folder).
pub fn dismiss(log_dir: &Path) -> std::io::Result<()> {
    for (_, path) in unseen(log_dir) {
        let seen = path.with_extension("seen.txt");
        fs::rename(&path, seen)?;
    }
    Ok(())
}
