//! AI providers, presets and settings, kept in `local.sqlite3`; keys in the
//! OS keychain only (account `<install id>:ai:<provider id>`), shown as their
//! last 4 characters. Every change is logged, never a key.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{AiClient, AiError, Dialect};
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    secrets::{last4, Keychain, SecretError},
    settings, Result,
};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ProviderKind {
    OpenAi,
    Anthropic,
    /// Any server speaking OpenAI's chat completions: a local model counts.
    OpenAiCompatible,
}

crate::db::sql_text_enum!(ProviderKind);

impl ProviderKind {
    pub fn dialect(self) -> Dialect {
        match self {
            ProviderKind::Anthropic => Dialect::Anthropic,
            ProviderKind::OpenAi | ProviderKind::OpenAiCompatible => Dialect::OpenAi,
        }
    }

    /// The API base a provider of this kind has unless told otherwise.
    pub fn default_base(self) -> Option<&'static str> {
        match self {
            ProviderKind::OpenAi => Some("https://api.openai.com/v1"),
            ProviderKind::Anthropic => Some("https://api.anthropic.com/v1"),
            ProviderKind::OpenAiCompatible => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Provider {
    pub id: i64,
    pub kind: ProviderKind,
    pub name: String,
    pub base_url: String,
    pub model: Option<String>,
    /// The key's last 4 characters; None: no key stored.
    pub key_last4: Option<String>,
    /// The model's context, in tokens: a longer conversation is cut from its oldest messages.
    pub context_tokens: i64,
}

/// A provider as the form sends it. `key`: None or blank keeps the stored
/// key, a single `-` clears it, anything else replaces it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewProvider {
    pub kind: Option<ProviderKind>,
    pub name: String,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub key: Option<String>,
    pub context_tokens: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preset {
    pub id: i64,
    pub title: String,
    pub provider_id: i64,
    /// None: the provider's model.
    pub model: Option<String>,
    pub system_prompt: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PresetEdit {
    pub title: String,
    pub provider_id: i64,
    pub model: Option<String>,
    pub system_prompt: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("there is no AI provider #{0}")]
    Unknown(i64),
    #[error("{0}")]
    Invalid(String),
}

/// The context a provider gets unless told: small enough for a local model.
pub const DEFAULT_CONTEXT_TOKENS: i64 = 8192;

fn account(install_id: &str, id: i64) -> String {
    format!("{install_id}:ai:{id}")
}

fn provider(r: &Row) -> rusqlite::Result<Provider> {
    Ok(Provider {
        id: r.get("id")?,
        kind: r.get("kind")?,
        name: r.get("name")?,
        base_url: r.get("base_url")?,
        model: r.get("model")?,
        key_last4: r.get("key_last4")?,
        context_tokens: r.get("context_tokens")?,
    })
}

const PROVIDER_COLUMNS: &str = "id, kind, name, base_url, model, key_last4, context_tokens";

pub fn list(local: &LocalConn) -> Result<Vec<Provider>> {
    let mut st = local
        .prepare_cached(&format!(
            "SELECT {PROVIDER_COLUMNS} FROM ai_providers ORDER BY name COLLATE NOCASE"
        ))
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([], provider)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

pub fn get(local: &LocalConn, id: i64) -> Result<Provider> {
    local
        .query_row(
            &format!("SELECT {PROVIDER_COLUMNS} FROM ai_providers WHERE id = ?1"),
            [id],
            provider,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| ProviderError::Unknown(id).into())
}

fn log(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    action: Action,
    target: String,
    details: Option<String>,
) -> Result<()> {
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action,
            target: Some(target),
            outcome: Outcome::Sent,
            details,
        },
    )
}

/// Adds a provider (`id` None) or changes one, its key in the keychain.
pub fn save(
    local: &mut LocalConn,
    install_id: &str,
    keychain: &Keychain,
    actor: &Actor,
    id: Option<i64>,
    input: NewProvider,
) -> Result<Provider> {
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(ProviderError::Invalid("a provider needs a name".into()).into());
    }
    let existing = id.map(|id| get(local, id)).transpose()?;
    let kind = input
        .kind
        .or(existing.as_ref().map(|p| p.kind))
        .unwrap_or(ProviderKind::OpenAiCompatible);
    let base = input
        .base_url
        .map(|b| b.trim().trim_end_matches('/').to_owned())
        .filter(|b| !b.is_empty())
        .or_else(|| existing.as_ref().map(|p| p.base_url.clone()))
        .or_else(|| kind.default_base().map(str::to_owned))
        .ok_or_else(|| {
            ProviderError::Invalid(
                "an OpenAI-compatible server needs its address, like http://127.0.0.1:8080/v1"
                    .into(),
            )
        })?;
    let parsed = url::Url::parse(&base)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| ProviderError::Invalid(format!("{base:?} is not an http(s) address")))?;
    let model = input
        .model
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    let context = input
        .context_tokens
        .or(existing.as_ref().map(|p| p.context_tokens))
        .unwrap_or(DEFAULT_CONTEXT_TOKENS)
        .clamp(512, 2_000_000);
    let tx = local.begin()?;
    let id = match id {
        Some(id) => {
            tx.execute(
                "UPDATE ai_providers SET kind = ?2, name = ?3, base_url = ?4, model = coalesce(?5, model), context_tokens = ?6 WHERE id = ?1",
                params![id, kind, name, parsed.as_str().trim_end_matches('/'), model, context],
            )
            .map_err(LocalConn::err)?;
            id
        }
        None => {
            tx.execute(
                "INSERT INTO ai_providers (kind, name, base_url, model, context_tokens, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![kind, name, parsed.as_str().trim_end_matches('/'), model, context, chrono::Utc::now().timestamp()],
            )
            .map_err(LocalConn::err)?;
            tx.last_insert_rowid()
        }
    };
    let key = input
        .key
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty());
    match key.as_deref() {
        None => {}
        Some("-") => {
            keychain.delete(&account(install_id, id))?;
            tx.execute(
                "UPDATE ai_providers SET key_last4 = NULL WHERE id = ?1",
                [id],
            )
            .map_err(LocalConn::err)?;
            log(
                &tx,
                install_id,
                actor,
                Action::AiKey,
                format!("AI provider {name}"),
                Some("key cleared".into()),
            )?;
        }
        Some(k) => {
            keychain.set(&account(install_id, id), k)?;
            tx.execute(
                "UPDATE ai_providers SET key_last4 = ?2 WHERE id = ?1",
                params![id, last4(k)],
            )
            .map_err(LocalConn::err)?;
            log(
                &tx,
                install_id,
                actor,
                Action::AiKey,
                format!("AI provider {name}"),
                Some("key set".into()),
            )?;
        }
    }
    log(
        &tx,
        install_id,
        actor,
        Action::AiProvider,
        format!("AI provider {name}"),
        Some(format!("{kind} at {base}")),
    )?;
    let saved = get(&tx, id)?;
    tx.commit()?;
    Ok(saved)
}

/// Removes a provider, its key and its presets.
pub fn remove(
    local: &LocalConn,
    install_id: &str,
    keychain: &Keychain,
    actor: &Actor,
    id: i64,
) -> Result<()> {
    let p = get(local, id)?;
    keychain.delete(&account(install_id, id))?;
    local
        .execute("DELETE FROM ai_providers WHERE id = ?1", [id])
        .map_err(LocalConn::err)?;
    log(
        local,
        install_id,
        actor,
        Action::AiProvider,
        format!("AI provider {}", p.name),
        Some("removed".into()),
    )
}

/// The provider's key, None when none is stored.
pub fn key(install_id: &str, keychain: &Keychain, p: &Provider) -> Result<Option<String>> {
    if p.key_last4.is_none() {
        return Ok(None);
    }
    match keychain.get(&account(install_id, p.id)) {
        Ok(k) => Ok(Some(k)),
        Err(SecretError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A client for the provider, with its key from the keychain.
pub fn client(install_id: &str, keychain: &Keychain, p: &Provider) -> Result<AiClient> {
    let key = key(install_id, keychain, p)?;
    if key.is_none() && p.kind != ProviderKind::OpenAiCompatible {
        return Err(AiError::NoKey.into());
    }
    Ok(AiClient::new(p.kind.dialect(), &p.base_url, key)?)
}

fn preset(r: &Row) -> rusqlite::Result<Preset> {
    Ok(Preset {
        id: r.get("id")?,
        title: r.get("title")?,
        provider_id: r.get("provider_id")?,
        model: r.get("model")?,
        system_prompt: r.get("system_prompt")?,
    })
}

pub fn presets(local: &LocalConn) -> Result<Vec<Preset>> {
    let mut st = local
        .prepare_cached("SELECT id, title, provider_id, model, system_prompt FROM ai_presets ORDER BY title COLLATE NOCASE")
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([], preset)
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

pub fn preset_by_id(local: &LocalConn, id: i64) -> Result<Preset> {
    local
        .query_row(
            "SELECT id, title, provider_id, model, system_prompt FROM ai_presets WHERE id = ?1",
            [id],
            preset,
        )
        .optional()
        .map_err(LocalConn::err)?
        .ok_or_else(|| ProviderError::Invalid(format!("there is no preset #{id}")).into())
}

/// Adds a preset (`id` None) or changes one; logged.
pub fn save_preset(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    id: Option<i64>,
    edit: PresetEdit,
) -> Result<Preset> {
    let title = edit.title.trim().to_owned();
    if title.is_empty() || edit.system_prompt.trim().is_empty() {
        return Err(
            ProviderError::Invalid("a preset needs a title and a system prompt".into()).into(),
        );
    }
    get(local, edit.provider_id)?;
    let model = edit
        .model
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    let now = chrono::Utc::now().timestamp();
    let id = match id {
        Some(id) => {
            preset_by_id(local, id)?;
            local
                .execute(
                    "UPDATE ai_presets SET title = ?2, provider_id = ?3, model = ?4, system_prompt = ?5, updated_at = ?6 WHERE id = ?1",
                    params![id, title, edit.provider_id, model, edit.system_prompt.trim(), now],
                )
                .map_err(LocalConn::err)?;
            id
        }
        None => {
            local
                .execute(
                    "INSERT INTO ai_presets (title, provider_id, model, system_prompt, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![title, edit.provider_id, model, edit.system_prompt.trim(), now],
                )
                .map_err(LocalConn::err)?;
            local.last_insert_rowid()
        }
    };
    log(
        local,
        install_id,
        actor,
        Action::AiPreset,
        format!("AI preset {title}"),
        None,
    )?;
    preset_by_id(local, id)
}

pub fn delete_preset(local: &LocalConn, install_id: &str, actor: &Actor, id: i64) -> Result<()> {
    let p = preset_by_id(local, id)?;
    local
        .execute("DELETE FROM ai_presets WHERE id = ?1", [id])
        .map_err(LocalConn::err)?;
    log(
        local,
        install_id,
        actor,
        Action::AiPreset,
        format!("AI preset {}", p.title),
        Some("deleted".into()),
    )
}

/// The language TR and Intent translate into.
pub fn language(local: &LocalConn) -> Result<String> {
    Ok(settings::get(local, "ai_language")?
        .filter(|l| !l.trim().is_empty())
        .unwrap_or_else(|| "English".into()))
}

pub fn set_language(local: &LocalConn, language: &str) -> Result<()> {
    settings::set(local, "ai_language", language.trim())
}

/// The analysis prompt the operator set; None: the built-in default.
pub fn analysis_prompt(local: &LocalConn) -> Result<Option<String>> {
    Ok(settings::get(local, "ai_analysis_prompt")?.filter(|p| !p.trim().is_empty()))
}

pub fn set_analysis_prompt(local: &LocalConn, prompt: &str) -> Result<()> {
    settings::set(local, "ai_analysis_prompt", prompt.trim())
}
