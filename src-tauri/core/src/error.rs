//! The crate-level error: a stable code for programs, a message and a fix for people.
//!
//! The UI and the CLI decide what to do by [`ErrorCode`], never by matching text.

use crate::{
    ai::{AiError, ProviderError},
    app_lock::LockError,
    backup::BackupError,
    browse::BrowseError,
    competitors::CompetitorError,
    db::DbError,
    local_api::LocalApiError,
    money::MoneyError,
    operators::OperatorError,
    order_actions::OrderActionError,
    panel::PanelError,
    panels::PanelConfigError,
    reports::ReportError,
    secrets::SecretError,
    service_descriptions::ImportError,
    staff::StaffError,
    templates::TemplateError,
    tickets::TicketError,
};

/// Stable, machine-readable error codes, as snake_case names in JSON, the
/// CLI and TypeScript; never rename one (the UI and scripts depend on them).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    strum::Display,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    Database,
    DatabaseTooNew,
    /// The data dir's database key is missing, unusable or does not open it.
    DatabaseKey,
    KeychainUnavailable,
    SecretNotFound,
    Io,
    PanelUrl,
    WrongKey,
    Unreachable,
    RateLimited,
    PanelError,
    Malformed,
    OutcomeUnknown,
    Unsupported,
    Config,
    Busy,
    NotFound,
    InvalidRequest,
    VerifyStopped,
    /// A reply needs a staff name for its panel: the fix says where to set it.
    NoStaffName,
    /// The panel does not have this ticket action (it answered "Page not found.").
    ActionMissing,
    /// The app lock's passcode was wrong.
    WrongPasscode,
    /// Too many wrong passcodes: the lock waits before the next try.
    LockedOut,
    /// The app is locked: nothing is done as its operator until it is unlocked.
    AppLocked,
    /// The UI's own: the call to the core failed (no such command, IPC
    /// broken). The core never returns it.
    IpcFailed,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Panel(#[from] PanelError),
    #[error(transparent)]
    Config(#[from] PanelConfigError),
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Browse(#[from] BrowseError),
    #[error(transparent)]
    Ticket(#[from] TicketError),
    #[error(transparent)]
    Operator(#[from] OperatorError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Ai(#[from] AiError),
    #[error(transparent)]
    AiProvider(#[from] ProviderError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    OrderAction(#[from] OrderActionError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Competitor(#[from] CompetitorError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    LocalApi(#[from] LocalApiError),
    #[error("the app is locked: unlock it to act as its operator")]
    AppLocked,
    /// The verify pass found too much of a range missing on the panel to
    /// believe the listing: it deleted nothing.
    #[error("verify stopped: {missing} of the {cached} cached {resource} created between {from} and {to} (unix seconds) are missing on the panel, more than 5 %; nothing was deleted")]
    VerifyStopped {
        resource: &'static str,
        missing: usize,
        cached: usize,
        from: i64,
        to: i64,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Db(e) => e.code(),
            Error::Secret(e) => e.code(),
            Error::Panel(e) => e.code(),
            Error::Config(_) => ErrorCode::Config,
            Error::Busy(_) => ErrorCode::Busy,
            Error::Browse(BrowseError::NotFound { .. }) => ErrorCode::NotFound,
            Error::Browse(_) => ErrorCode::InvalidRequest,
            Error::Ticket(TicketError::NoStaffName { .. }) => ErrorCode::NoStaffName,
            Error::Ticket(TicketError::ActionMissing { .. }) => ErrorCode::ActionMissing,
            Error::Ticket(TicketError::NoSuchReply(_)) => ErrorCode::NotFound,
            Error::Template(TemplateError::Unknown(_)) => ErrorCode::NotFound,
            Error::Ai(e) => e.code(),
            Error::Money(e) => e.code(),
            Error::OrderAction(OrderActionError::Unknown(_)) => ErrorCode::NotFound,
            Error::OrderAction(_) => ErrorCode::InvalidRequest,
            Error::AiProvider(ProviderError::Unknown(_)) => ErrorCode::NotFound,
            Error::AiProvider(_) => ErrorCode::InvalidRequest,
            Error::Ticket(_) | Error::Operator(_) | Error::Template(_) => ErrorCode::InvalidRequest,
            Error::Report(ReportError::NoProfile { .. }) => ErrorCode::NotFound,
            Error::Report(_) => ErrorCode::InvalidRequest,
            Error::Staff(StaffError::Unknown(_)) => ErrorCode::NotFound,
            Error::Staff(_) | Error::Import(_) => ErrorCode::InvalidRequest,
            Error::Lock(LockError::Wrong { .. }) => ErrorCode::WrongPasscode,
            Error::Lock(LockError::LockedOut { .. }) => ErrorCode::LockedOut,
            Error::Lock(_) => ErrorCode::InvalidRequest,
            Error::AppLocked => ErrorCode::AppLocked,
            Error::Competitor(e) => e.code(),
            Error::Backup(BackupError::WrongPassphrase) => ErrorCode::WrongPasscode,
            Error::Backup(_) => ErrorCode::InvalidRequest,
            Error::LocalApi(e) => e.code(),
            Error::Io { .. } => ErrorCode::Io,
            Error::VerifyStopped { .. } => ErrorCode::VerifyStopped,
        }
    }

    /// What the user can do about it, when there is something to do.
    pub fn fix(&self) -> Option<String> {
        match self {
            Error::Db(e) => e.fix(),
            Error::Secret(e) => e.fix(),
            Error::Panel(e) => e.fix(),
            Error::Config(PanelConfigError::Unknown(_)) => Some("`paneldesk-cli panel list` shows the panels.".into()),
            Error::Config(PanelConfigError::MissingKey) => Some("Give the key in PANELDESK_ADMIN_KEY or on standard input.".into()),
            Error::Config(PanelConfigError::EnvKeys(..)) => Some("Type its admin API key too: the panel then keeps both keys in the system keychain.".into()),
            Error::Config(_) => None,
            Error::Browse(BrowseError::NotFound { .. }) => Some("It is not in the cache: it may not be synced yet, or the retention removed it. Sync, then try again.".into()),
            Error::Browse(_) => None,
            Error::Ticket(TicketError::NoStaffName { .. }) => Some("Set your staff name for this panel in Settings > Panels (or the panel's own staff name), then send again.".into()),
            Error::Ticket(TicketError::ActionMissing { .. }) => Some("Do it in the panel's web admin; Paneldesk hides this action for this panel.".into()),
            Error::Ticket(TicketError::UnfilledPlaceholder(_)) => Some("Replace the {{placeholder}} with its value, or remove it.".into()),
            Error::Ticket(TicketError::NotEditable { .. }) => Some("Discard it and write a new reply if it must change.".into()),
            Error::Ticket(_) | Error::Operator(_) | Error::Template(_) => None,
            Error::Ai(e) => Some(e.fix()),
            Error::Money(e) => e.fix(),
            Error::OrderAction(_) => Some("Correct the choice; nothing was sent.".into()),
            Error::AiProvider(_) => None,
            Error::Report(ReportError::Invalid(_)) => Some("Pick a window of a positive number of hours, and thresholds of 0 or more.".into()),
            Error::Report(_) => Some("Pick another profile, or none.".into()),
            Error::Staff(StaffError::AliasTaken { .. }) => Some("Remove it from the other member first, or pick the right one.".into()),
            Error::Staff(_) => None,
            Error::Import(e) => Some(e.fix()),
            Error::Lock(e) => e.fix(),
            Error::AppLocked => Some("Type your passcode on the lock screen.".into()),
            Error::Competitor(e) => e.fix(),
            Error::Backup(e) => e.fix(),
            Error::LocalApi(e) => e.fix(),
            Error::Busy(_) => Some("Stop the other sync (or the app's), or let it run: reports and exports still work meanwhile.".into()),
            Error::Io { .. } => {
                Some("Check that the data directory exists and is writable.".into())
            }
            Error::VerifyStopped { .. } => Some("Check the panel (a restore, a mass deletion, a wrong address?); \"Verify now\" tries again.".into()),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
