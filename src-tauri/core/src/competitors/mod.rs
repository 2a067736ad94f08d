//! The competitors watch: rival panels' public services catalogues, read
//! through their user API v2 (`action=services`) with the operator's own
//! account key there, polled on each watch profile's interval and diffed
//! snapshot to snapshot.
//!
//! Everything here is the operator's, not a panel's: it lives in
//! `local.sqlite3`, keys in the OS keychain (account
//! `<install id>:rival:<id>`). Each rival has one client and one rate
//! bucket ([`RivalClients`]), as each panel does.

mod diff;
mod history;
mod poll;
mod profiles;
mod rivals;

pub use diff::{beyond, diff, move_pct, ChangeKind, Diff, RivalService};
pub use history::{
    changes, changes_csv, price_history, snapshots, Change, ChangesQuery, PricePoint, Snapshot,
};
pub use poll::{due, poll, PollOutcome, RivalClients};
pub use profiles::{
    list as list_profiles, remove as remove_profile, save as save_profile, WatchProfile,
    WatchProfileEdit,
};
pub use rivals::{
    list as list_rivals, remove as remove_rival, save as save_rival, Rival, RivalEdit,
};

use crate::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum CompetitorError {
    #[error("there is no rival #{0}")]
    UnknownRival(i64),
    #[error("there is no watch profile #{0}")]
    UnknownProfile(i64),
    #[error("{0}")]
    Invalid(String),
    #[error("no key is stored for the rival {0}")]
    NoKey(String),
}

impl CompetitorError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CompetitorError::UnknownRival(_) | CompetitorError::UnknownProfile(_) => {
                ErrorCode::NotFound
            }
            CompetitorError::Invalid(_) => ErrorCode::InvalidRequest,
            CompetitorError::NoKey(_) => ErrorCode::SecretNotFound,
        }
    }

    pub fn fix(&self) -> Option<String> {
        match self {
            CompetitorError::NoKey(_) => Some(
                "Edit the rival in Reports > Competitors and give your account's API key there."
                    .into(),
            ),
            _ => None,
        }
    }
}
