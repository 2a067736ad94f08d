//! The error every command returns: the core's stable code, its message, its fix.

use paneldesk_core::ErrorCode;
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppError {
    /// The UI decides by it, never by the message.
    pub code: ErrorCode,
    pub message: String,
    pub fix: Option<String>,
}

impl From<paneldesk_core::Error> for AppError {
    fn from(e: paneldesk_core::Error) -> Self {
        AppError {
            code: e.code(),
            message: e.to_string(),
            fix: e.fix(),
        }
    }
}

impl AppError {
    /// The call to the core itself failed (a task panicked, a channel closed).
    pub fn ipc(message: String) -> AppError {
        AppError {
            code: ErrorCode::IpcFailed,
            message,
            fix: None,
        }
    }
}
