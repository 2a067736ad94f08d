//! What can go wrong talking to a panel, each with a message and a fix.

use std::time::Duration;

use crate::ErrorCode;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PanelError {
    #[error("{url:?} is not a panel address")]
    InvalidUrl { url: String },
    #[error("{url} is an Admin API v1 address; Paneldesk needs v2")]
    V1Url { url: String },
    #[error("the panel refused the API key")]
    WrongKey,
    #[error("the panel could not be reached: {detail}")]
    Unreachable { detail: String },
    #[error("the connection to the panel broke off: {detail}")]
    Interrupted { detail: String },
    #[error("the panel did not answer within {0:?}")]
    Timeout(Duration),
    /// HTTP 429 (or a rate-limit error text), after `tries` attempts.
    #[error(
        "the panel kept refusing with 429 (rate limited) after {tries} tries{}",
        asked_wait(retry_after)
    )]
    RateLimited {
        retry_after: Option<Duration>,
        tries: u32,
    },
    #[error("the panel answered with error {code}: {message}")]
    Api { code: i64, message: String },
    #[error("the panel answered HTTP {status}")]
    Http { status: u16 },
    #[error("the panel's answer could not be read: {detail}")]
    Malformed { detail: String },
    #[error("the panel has no such {what}")]
    NotFound { what: String },
    /// A write whose answer never came: it may or may not have been applied.
    #[error("the panel did not confirm the {action}: {detail}")]
    OutcomeUnknown { action: String, detail: String },
    #[error("this panel does not support {action}")]
    Unsupported { action: String },
}

/// Paneldesk waits at most this long between two tries, whatever
/// `Retry-After` asks: a retry must end in bounded time.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

fn asked_wait(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(w) if *w > MAX_RETRY_WAIT => format!(
            "; it asked to wait {} s, and Paneldesk waits at most {} s between tries",
            w.as_secs(),
            MAX_RETRY_WAIT.as_secs()
        ),
        Some(w) => format!("; it asked to wait {} s", w.as_secs()),
        None => String::new(),
    }
}

impl PanelError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PanelError::InvalidUrl { .. } | PanelError::V1Url { .. } => ErrorCode::PanelUrl,
            PanelError::WrongKey => ErrorCode::WrongKey,
            PanelError::Unreachable { .. }
            | PanelError::Interrupted { .. }
            | PanelError::Timeout(_) => ErrorCode::Unreachable,
            PanelError::RateLimited { .. } => ErrorCode::RateLimited,
            PanelError::Api { .. } | PanelError::Http { .. } | PanelError::NotFound { .. } => {
                ErrorCode::PanelError
            }
            PanelError::Malformed { .. } => ErrorCode::Malformed,
            PanelError::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            PanelError::Unsupported { .. } => ErrorCode::Unsupported,
        }
    }

    pub fn fix(&self) -> Option<String> {
        Some(match self {
            PanelError::InvalidUrl { .. } => "Give the panel's address, like https://panel.example, or its API base https://panel.example/adminapi/v2.".into(),
            PanelError::V1Url { .. } => "Use the Admin API v2 address: https://<your panel>/adminapi/v2 (create a v2 key in the panel's admin settings).".into(),
            PanelError::WrongKey => "Check the admin API key in the panel's settings (Settings > API in Perfect Panel) and enter it again.".into(),
            PanelError::Unreachable { .. } | PanelError::Interrupted { .. } | PanelError::Timeout(_) => "Check your internet connection and the panel's address; Paneldesk keeps working from its cache meanwhile.".into(),
            PanelError::RateLimited { .. } => "Lower this panel's rate limit in Settings > Panels; Paneldesk slows down by itself meanwhile.".into(),
            PanelError::Api { .. } | PanelError::Http { .. } => "Try again later; if it persists, the panel's support can tell what this error means.".into(),
            PanelError::Malformed { .. } => "Try again; if it persists, the panel's API answers something Paneldesk does not understand: report it with the log file.".into(),
            PanelError::NotFound { .. } => return None,
            PanelError::OutcomeUnknown { .. } => "Check in the panel whether it was applied before trying again, so it is not done twice.".into(),
            PanelError::Unsupported { .. } => "Do it in the panel's web admin instead.".into(),
        })
    }

    /// Worth another try for a read: the same request may well succeed later.
    pub fn is_transient(&self) -> bool {
        match self {
            PanelError::Unreachable { .. }
            | PanelError::Interrupted { .. }
            | PanelError::Timeout(_)
            | PanelError::RateLimited { .. }
            | PanelError::Malformed { .. } => true,
            PanelError::Http { status } => *status >= 500,
            _ => false,
        }
    }
}
