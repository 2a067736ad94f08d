//! Talking to a Perfect Panel: the Admin API v2 client, lenient parsing of
//! what panels send, and the address normalisation.

mod client;
mod error;
pub mod parse;
mod url;

pub use client::{
    ActionOutcome, ClientOptions, ListQuery, PanelClient, DEFAULT_RATE_LIMIT, MAX_LIMIT,
};
pub use error::{PanelError, MAX_RETRY_WAIT};
pub use parse::{ListPage, RowIssue};
pub use url::{normalize_base_url, user_api_url};
