//! AI at the reply box: providers (OpenAI, Anthropic, any OpenAI-compatible
//! server, a local one included), their keys in the OS keychain, presets,
//! the prompts built from the cache, and each call streamed, stoppable,
//! its tokens counted and logged. Nothing here sends anything to a
//! customer: a draft lands in the reply box, for the operator to edit.
//!
//! - [`client`]: the two chat dialects over HTTP, streamed;
//! - [`providers`]: providers, presets and the AI settings in local.sqlite3;
//! - [`prompts`]: what each button asks, from the cached ticket and orders;
//! - [`calls`]: a call run to its end (or stopped), its usage logged.

pub mod calls;
pub mod client;
pub mod prompts;
pub mod providers;

pub use calls::{ask, plan, usage_by_day, CallOutcome, DailyUsage, Plan};
pub use client::{AiClient, Chat, Chunk, Dialect, Role, Usage};
pub use prompts::{Prompt, Refinement, Task};
pub use providers::{NewProvider, Preset, PresetEdit, Provider, ProviderError, ProviderKind};

use crate::ErrorCode;

/// What can go wrong asking a model, each with its fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiError {
    #[error("no key is set for this provider")]
    NoKey,
    #[error("the provider refused the key")]
    WrongKey,
    #[error("the provider {}", if *quota { "says the account's quota is used up" } else { "is rate limiting these calls" })]
    RateLimited { quota: bool },
    #[error("the provider has no such model")]
    ModelNotFound,
    #[error("the provider could not be reached: {0}")]
    Network(String),
    #[error("the conversation is longer than the model's context")]
    ContextTooLong,
    #[error("the provider answered HTTP {status}: {detail}")]
    Server { status: u16, detail: String },
    #[error("the provider's answer could not be read: {0}")]
    Malformed(String),
    #[error("no AI provider is set up")]
    NoProvider,
}

impl AiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AiError::NoKey => ErrorCode::SecretNotFound,
            AiError::WrongKey => ErrorCode::WrongKey,
            AiError::RateLimited { .. } => ErrorCode::RateLimited,
            AiError::ModelNotFound | AiError::NoProvider => ErrorCode::Config,
            AiError::Network(_) => ErrorCode::Unreachable,
            AiError::ContextTooLong => ErrorCode::InvalidRequest,
            AiError::Server { .. } => ErrorCode::PanelError,
            AiError::Malformed(_) => ErrorCode::Malformed,
        }
    }

    pub fn fix(&self) -> String {
        match self {
            AiError::NoKey => "Enter the provider's API key in Settings > AI.",
            AiError::WrongKey => "Check the API key in Settings > AI (paste it again; a single - clears it).",
            AiError::RateLimited { quota: true } => "Add credit or raise the quota in the provider's billing page, or pick another provider.",
            AiError::RateLimited { quota: false } => "Wait a minute and try again, or pick another provider.",
            AiError::ModelNotFound => "Pick a model from the provider's list in Settings > AI.",
            AiError::Network(_) => "Check the internet connection (or that the local server runs) and the provider's address.",
            AiError::ContextTooLong => "Raise the model's context in Settings > AI, or pick a model with a larger one.",
            AiError::Server { .. } => "Try again later; the provider's status page may say more.",
            AiError::Malformed(_) => "Try again; if it persists, the server may not speak the API its type says.",
            AiError::NoProvider => "Add a provider in Settings > AI.",
        }
        .into()
    }
}
