//! Secrets (panel and AI keys) in the OS keychain, and nowhere else.
//!
//! There is no plaintext fallback: when no keychain is reachable the caller
//! gets [`SecretError::Unavailable`] with the way to get one.

use crate::ErrorCode;

/// The keychain service name every Paneldesk secret is stored under.
pub const SERVICE: &str = "paneldesk";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the OS keychain is not available: {detail}")]
    Unavailable { detail: String },
    #[error("no key is stored in the keychain for {account}")]
    NotFound { account: String },
    #[error("the panel was added with --no-keychain and {var} is not set")]
    EnvMissing { var: String },
}

impl SecretError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SecretError::Unavailable { .. } => ErrorCode::KeychainUnavailable,
            SecretError::NotFound { .. } | SecretError::EnvMissing { .. } => {
                ErrorCode::SecretNotFound
            }
        }
    }

    pub fn fix(&self) -> Option<String> {
        Some(match self {
            SecretError::Unavailable { .. } => "Start and unlock your desktop's keyring (GNOME Keyring, KWallet or any Secret Service). On a server without one, add the panel with `paneldesk-cli panel add --no-keychain` and give the key in PANELDESK_ADMIN_KEY_<PANEL NAME>.".into(),
            SecretError::NotFound { .. } => "Enter the key again in Settings > Panels (or `paneldesk-cli panel add`).".into(),
            SecretError::EnvMissing { var } => format!("Set {var} to the panel's admin API key for this run."),
        })
    }
}

/// Which of a panel's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKey {
    Admin,
    Services,
}

/// The keychain account of one panel key: `<install id>:<panel id>:admin|services`,
/// so two data dirs on one machine never share a key.
pub fn panel_account(install_id: &str, panel_id: i64, key: PanelKey) -> String {
    let kind = match key {
        PanelKey::Admin => "admin",
        PanelKey::Services => "services",
    };
    format!("{install_id}:{panel_id}:{kind}")
}

/// The last 4 characters of a secret: all the UI and the database ever show.
pub fn last4(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// The OS keychain under [`SERVICE`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Keychain;

impl Keychain {
    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, account).map_err(|e| unavailable(&e))
    }

    pub fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        self.entry(account)?
            .set_password(secret)
            .map_err(|e| unavailable(&e))
    }

    pub fn get(&self, account: &str) -> Result<String, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(secret),
            Err(keyring::Error::NoEntry) => Err(SecretError::NotFound {
                account: account.into(),
            }),
            Err(e) => Err(unavailable(&e)),
        }
    }

    /// Removes a secret; removing one that is not there is not an error.
    pub fn delete(&self, account: &str) -> Result<(), SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(&e)),
        }
    }
}

fn unavailable(e: &keyring::Error) -> SecretError {
    SecretError::Unavailable {
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last4_shows_only_the_end_of_a_key() {
        assert_eq!(last4("abcdef123456"), "3456");
        assert_eq!(last4("ab"), "ab");
        assert_eq!(last4("ключ-ÿ€日本"), "ÿ€日本");
    }

    #[test]
    fn accounts_are_scoped_to_the_install_and_panel() {
        assert_eq!(panel_account("f00d", 7, PanelKey::Admin), "f00d:7:admin");
        assert_eq!(
            panel_account("f00d", 7, PanelKey::Services),
            "f00d:7:services"
        );
    }
}
