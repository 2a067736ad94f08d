//! Money: each panel's payment methods, and adding a payment, checked,
//! confirmed, sent once and online only (`payments`). Amounts are read
//! exactly, to the currency's decimals (`amount`). Money never goes through
//! the reply outbox.

pub mod amount;
pub mod methods;
pub mod payments;

pub use amount::AmountError;
pub use methods::{MethodEdit, PaymentMethod};
pub use payments::{Confirmation, PaymentInput, PaymentOutcome};

use crate::ErrorCode;

/// What a payment refuses before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0}")]
    Amount(AmountError),
    #[error("the amount must be between {min} and {max} {currency} for this method")]
    OutOfRange {
        min: String,
        max: String,
        currency: String,
    },
    #[error("there is no such payment method on this panel")]
    UnknownMethod,
    #[error("the panel has no user {0:?}")]
    UnknownUser(String),
    #[error("the panel's currency is not known yet")]
    NoCurrency,
    #[error("the panel cannot be reached ({0}); a payment is sent online only, so nothing was sent or queued")]
    Offline(String),
    #[error("{0}")]
    Invalid(String),
}

impl MoneyError {
    pub fn code(&self) -> ErrorCode {
        match self {
            MoneyError::Offline(_) => ErrorCode::Unreachable,
            MoneyError::UnknownUser(_) => ErrorCode::NotFound,
            _ => ErrorCode::InvalidRequest,
        }
    }

    pub fn fix(&self) -> Option<String> {
        Some(match self {
            MoneyError::Amount(_) | MoneyError::OutOfRange { .. } => {
                "Correct the amount; nothing was sent.".into()
            }
            MoneyError::UnknownMethod => {
                "Pick a method of this panel, or add it in Settings > Payment methods.".into()
            }
            MoneyError::UnknownUser(_) => {
                "Check the username on the panel; nothing was sent.".into()
            }
            MoneyError::NoCurrency => {
                "Sync the panel once: its currency comes with its first orders or payments.".into()
            }
            MoneyError::Offline(_) => "Try again when the panel answers.".into(),
            MoneyError::Invalid(_) => return None,
        })
    }
}
