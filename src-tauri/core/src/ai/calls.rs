//! One AI call, from the button to its last token: the prompt built from
//! the cache, the answer streamed to the caller, stoppable at any token
//! (the connection closes), a "context too long" retried once without the
//! oldest messages, and the tokens used logged per provider and day. The
//! log names provider, model and tokens; never a prompt, an answer or a key.

use futures::StreamExt;
use rusqlite::params;
use serde::Serialize;

use super::{
    prompts::{self, intent_label, PromptInputs},
    providers::{self, Provider},
    AiError, Chunk, Prompt, Task, Usage,
};
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    browse,
    db::{Db, LocalConn},
    secrets::Keychain,
    Result,
};

/// Tokens an answer may take.
const MAX_ANSWER_TOKENS: u32 = 1024;

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CallOutcome {
    /// The whole answer (for Intent, its label).
    pub text: String,
    /// None: the provider reported no usage.
    pub usage: Option<Usage>,
    /// The operator stopped it; `text` is what had come.
    pub stopped: bool,
    /// Oldest messages left out to fit the context.
    pub dropped_messages: i64,
    /// Order IDs the answer names that the cache does not hold (drafts).
    pub unknown_order_ids: Vec<i64>,
}

/// Which provider and model a task runs on, and the prompt it sends.
pub struct Plan {
    pub provider: Provider,
    pub model: String,
    pub prompt: Prompt,
    inputs: Inputs,
}

/// What the prompt is rebuilt from when the context must shrink.
struct Inputs {
    view: browse::TicketView,
    language: String,
    analysis: Option<String>,
    preset_system: Option<String>,
}

impl Inputs {
    fn prompt(&self, task: &Task, context_tokens: i64) -> Prompt {
        prompts::build(
            task,
            &PromptInputs {
                view: &self.view,
                language: &self.language,
                analysis: self.analysis.as_deref(),
                preset_system: self.preset_system.as_deref(),
                context_tokens,
            },
        )
    }
}

/// The provider, model and exact prompt of `task` on a ticket: what the
/// preview shows and what `ask` sends. `provider_id` None: the first
/// provider (a draft uses its preset's).
pub fn plan(
    db: &Db,
    panel_id: i64,
    ticket_id: i64,
    task: &Task,
    provider_id: Option<i64>,
) -> Result<Plan> {
    let read = db.read()?;
    let local = read.local();
    let preset = match task {
        Task::Draft { preset_id } => Some(providers::preset_by_id(local, *preset_id)?),
        _ => None,
    };
    let provider = match (
        preset.as_ref().map(|p| p.provider_id).or(provider_id),
        providers::list(local)?,
    ) {
        (Some(id), _) => providers::get(local, id)?,
        (None, all) => all.into_iter().next().ok_or(AiError::NoProvider)?,
    };
    let model = preset
        .as_ref()
        .and_then(|p| p.model.clone())
        .or_else(|| provider.model.clone())
        .ok_or(AiError::ModelNotFound)?;
    let inputs = Inputs {
        view: browse::ticket_view(&read, panel_id, ticket_id)?,
        language: providers::language(local)?,
        analysis: providers::analysis_prompt(local)?,
        preset_system: preset.map(|p| p.system_prompt),
    };
    Ok(Plan {
        prompt: inputs.prompt(task, provider.context_tokens),
        provider,
        model,
        inputs,
    })
}

/// Runs a planned call: each token goes to `on_token` as it comes; when
/// `stop` turns true the stream is dropped, which closes the connection.
pub async fn ask(
    db: &Db,
    keychain: &Keychain,
    actor: &Actor,
    plan: Plan,
    task: &Task,
    mut on_token: impl FnMut(&str),
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<CallOutcome> {
    let client = providers::client(db.install_id(), keychain, &plan.provider)?;
    let mut prompt = plan.prompt.clone();
    let mut retried = false;
    let mut stream = loop {
        match client
            .stream(&plan.model, &prompt.chat(MAX_ANSWER_TOKENS))
            .await
        {
            Ok(s) => break Box::pin(s),
            // Once: the older half of the conversation goes (its budget is
            // half of what was sent), and the outcome says how many.
            Err(AiError::ContextTooLong) if !retried => {
                retried = true;
                let context = (prompt.user.len() as i64 / prompts::CHARS_PER_TOKEN).max(1);
                let shorter = plan.inputs.prompt(task, context);
                if shorter.dropped_messages <= prompt.dropped_messages {
                    return Err(log_failure(db, actor, &plan, task, AiError::ContextTooLong));
                }
                prompt = shorter;
            }
            Err(e) => return Err(log_failure(db, actor, &plan, task, e)),
        }
    };
    let mut text = String::new();
    let mut usage = None;
    let mut stopped = false;
    loop {
        tokio::select! {
            chunk = stream.next() => match chunk {
                Some(Ok(Chunk::Token(t))) => {
                    on_token(&t);
                    text.push_str(&t);
                }
                Some(Ok(Chunk::Done(u))) => {
                    usage = u;
                    break;
                }
                Some(Err(e)) => return Err(log_failure(db, actor, &plan, task, e)),
                None => break,
            },
            _ = stop.wait_for(|s| *s) => {
                stopped = true;
                break;
            }
        }
    }
    // Dropping the stream closes the connection: a stopped answer costs no more.
    drop(stream);
    record(
        &db.local()?,
        db.install_id(),
        actor,
        &plan,
        task,
        usage,
        if stopped { "stopped" } else { "done" },
    )?;
    let text = match task {
        Task::Intent { .. } if !stopped => intent_label(&text).to_owned(),
        _ => text,
    };
    let unknown_order_ids = match task {
        Task::Draft { .. } | Task::Refine { .. } => {
            prompts::unknown_order_ids(&db.read()?, plan.inputs.view.ticket.panel_id, &text)?
        }
        _ => Vec::new(),
    };
    Ok(CallOutcome {
        text,
        usage,
        stopped,
        dropped_messages: prompt.dropped_messages,
        unknown_order_ids,
    })
}

fn log_failure(db: &Db, actor: &Actor, plan: &Plan, task: &Task, e: AiError) -> crate::Error {
    if let Ok(local) = db.local() {
        let _ = record(
            &local,
            db.install_id(),
            actor,
            plan,
            task,
            None,
            &format!("failed: {e}"),
        );
    }
    e.into()
}

/// The usage row (NULL tokens: the provider reported none) and the log row.
fn record(
    local: &LocalConn,
    install_id: &str,
    actor: &Actor,
    plan: &Plan,
    task: &Task,
    usage: Option<Usage>,
    how: &str,
) -> Result<()> {
    local
        .execute(
            "INSERT INTO ai_usage (at, provider_id, provider_name, model, task, input_tokens, output_tokens)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                chrono::Utc::now().timestamp(),
                plan.provider.id,
                plan.provider.name,
                plan.model,
                task.name(),
                usage.map(|u| u.input),
                usage.map(|u| u.output)
            ],
        )
        .map_err(LocalConn::err)?;
    let tokens = match usage {
        Some(u) => format!("{} in, {} out", u.input, u.output),
        None => "tokens unknown".into(),
    };
    activity::append(
        local,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: None,
            action: Action::AiCall,
            target: Some(task.name().to_owned()),
            outcome: if how.starts_with("failed") {
                Outcome::Failed
            } else {
                Outcome::Sent
            },
            details: Some(format!(
                "{} / {}: {tokens}; {how}",
                plan.provider.name, plan.model
            )),
        },
    )
}

/// Tokens used per day (UTC date) and provider; unknown when a provider
/// reported none for some call of that day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DailyUsage {
    pub day: String,
    pub provider: String,
    pub calls: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Calls whose provider reported no usage (counted as unknown, not 0).
    pub unknown_calls: i64,
}

pub fn usage_by_day(local: &LocalConn, days: i64) -> Result<Vec<DailyUsage>> {
    let mut st = local
        .prepare_cached(
            "SELECT date(at, 'unixepoch') AS day, provider_name, count(*) AS calls,
                    coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output,
                    sum(input_tokens IS NULL) AS unknown
             FROM ai_usage WHERE at >= ?1 GROUP BY day, provider_name ORDER BY day DESC, provider_name",
        )
        .map_err(LocalConn::err)?;
    let since = chrono::Utc::now().timestamp() - days * 86_400;
    let rows = st
        .query_map([since], |r| {
            Ok(DailyUsage {
                day: r.get("day")?,
                provider: r.get("provider_name")?,
                calls: r.get("calls")?,
                input_tokens: r.get("input")?,
                output_tokens: r.get("output")?,
                unknown_calls: r.get("unknown")?,
            })
        })
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}
