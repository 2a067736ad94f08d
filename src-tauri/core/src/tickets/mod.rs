//! Answering tickets: the reply outbox with its freshness guard, and the
//! ticket actions (close, reopen, assign) a panel may not have. Every write
//! to a panel here goes through the engine's one client for that panel, and
//! every change to the files through the one writer.

mod actions;
pub mod outbox;
mod reply_text;
mod workspace;

pub use actions::{act, missing_actions, TicketAction};
pub use outbox::{NewReply, Outbox, OutboxRow, OutboxState};
pub use reply_text::{fill as fill_placeholders, reply_body, unfilled_placeholder};
pub use workspace::{mark_read, workspace, Workspace};

/// What a reply or a ticket action refuses, before anything is sent.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    #[error("no staff name is set for {panel}: a reply would go out unsigned")]
    NoStaffName { panel: String },
    #[error("the reply is empty")]
    EmptyReply,
    #[error("the reply still holds {{{{{0}}}}}, which has no value here")]
    UnfilledPlaceholder(String),
    #[error("the reply was already sent to the panel once ({state}), so it cannot be changed")]
    NotEditable { state: OutboxState },
    #[error("there is no reply #{0} in the outbox")]
    NoSuchReply(i64),
    #[error("{panel} does not have the {action} action (it answered \"Page not found.\")")]
    ActionMissing { panel: String, action: TicketAction },
}
