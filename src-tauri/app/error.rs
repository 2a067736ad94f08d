//! The error every command returns: the core's stable code, its message, its fix.

use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppError {
    /// Stable snake_case code; the UI decides by it, never by the message.
    pub code: String,
    pub message: String,
    pub fix: Option<String>,
}

impl From<paneldesk_core::Error> for AppError {
    fn from(e: paneldesk_core::Error) -> Self {
        AppError {
            code: e.code().as_str().to_owned(),
            message: e.to_string(),
            fix: e.fix(),
        }
    }
}
