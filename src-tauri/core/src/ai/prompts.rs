//! What each AI button asks, built from the cache: the customer's HTML as
//! plain text, the quoted orders' cached facts, never a key. The preview
//! shows exactly this text. A conversation longer than the model's context
//! loses its oldest messages first, and the prompt says how many.

use serde::{Deserialize, Serialize};

use super::{Chat, Role};
use crate::{
    browse::{MessageView, TicketView},
    db::{CacheConn, ReadConn},
    text::{order_ids, parse_speed, strip_html},
    Result,
};

/// What the operator asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Task {
    /// A summary, what the customer wants, a suggested next step.
    Analyze,
    /// One message (by its place in the conversation) into the set language.
    Translate { seq: i64 },
    /// One message's intent: refill, cancel, speed, payment, account or other.
    Intent { seq: i64 },
    /// A reply drafted with a preset's system prompt.
    Draft { preset_id: i64 },
    /// A draft reworked: shorter, friendlier, more formal, or into the customer's language.
    Refine { how: Refinement, draft: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::Display)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Refinement {
    Shorter,
    Friendlier,
    MoreFormal,
    CustomerLanguage,
}

impl Task {
    /// Its name in the usage table and the log.
    pub fn name(&self) -> &'static str {
        match self {
            Task::Analyze => "analyze",
            Task::Translate { .. } => "translate",
            Task::Intent { .. } => "intent",
            Task::Draft { .. } => "draft",
            Task::Refine { .. } => "refine",
        }
    }
}

/// Exactly what is sent to the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Prompt {
    pub system: String,
    pub user: String,
    /// Oldest messages left out to fit the model's context.
    pub dropped_messages: i64,
}

impl Prompt {
    pub fn chat(&self, max_tokens: u32) -> Chat {
        Chat {
            system: self.system.clone(),
            turns: vec![(Role::User, self.user.clone())],
            max_tokens,
        }
    }
}

/// The labels Intent answers with.
pub const INTENTS: &[&str] = &["refill", "cancel", "speed", "payment", "account", "other"];

/// The built-in analysis prompt; Settings > AI shows it and may replace it.
pub const DEFAULT_ANALYSIS: &str = "Read this support ticket from an SMM panel customer.\n\
Subject: {{subject}}\nCustomer: {{customer}}\nStatus: {{status}}\n\n\
Conversation:\n{{conversation}}\n\n\
Answer in three short parts: Summary, What the customer wants, Suggested next step.";

const GROUNDING: &str = "Facts about orders come only from the ORDERS section below, taken from the panel. \
Never state a status, count or date for an order that is not listed there; if the customer quotes an order \
that is not listed, say it will be checked. Write plain text, no markdown, no signature.";

/// Characters a token stands for, roughly: what the context budget counts by.
pub(super) const CHARS_PER_TOKEN: i64 = 3;

fn speaker(m: &MessageView, customer: &str) -> String {
    if m.is_staff {
        format!("Staff ({})", m.staff_name.as_deref().unwrap_or("staff"))
    } else {
        format!("Customer ({customer})")
    }
}

/// The conversation as plain text, oldest first, within `budget` characters:
/// the oldest messages go first when it does not fit.
fn conversation(view: &TicketView, budget: usize) -> (String, i64) {
    let lines: Vec<String> = view
        .messages
        .iter()
        .map(|m| {
            format!(
                "{}: {}",
                speaker(m, &view.ticket.username),
                strip_html(&m.html)
            )
        })
        .collect();
    let mut kept = lines.len();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate().rev() {
        if used + line.len() + 1 > budget && kept < lines.len() {
            break;
        }
        used += line.len() + 1;
        kept = i;
    }
    let dropped = kept as i64;
    (lines[kept..].join("\n"), dropped)
}

/// The cached facts of each order the ticket quotes.
fn orders_section(view: &TicketView) -> String {
    let mut out = String::from("ORDERS (from the panel's data):\n");
    if view.quoted_orders.is_empty() {
        out.push_str("(the customer quotes no order ID)\n");
    }
    for q in &view.quoted_orders {
        match &q.order {
            Some(o) => {
                let speed = parse_speed(&o.service_name)
                    .map(|s| format!("{:.0} per {}", s.amount, period(s.per_seconds)))
                    .unwrap_or_else(|| "not stated".into());
                let created = chrono::DateTime::from_timestamp(o.created, 0)
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default();
                out.push_str(&format!(
                    "- #{}: status {}, start count {}, remains {}, quantity {}, created {created}, service \"{}\" (speed {speed})\n",
                    o.id,
                    o.status,
                    o.start_count.map_or("unknown".into(), |n| n.to_string()),
                    o.remains,
                    o.quantity,
                    o.service_name,
                ));
            }
            None => out.push_str(&format!(
                "- #{}: NOT in the panel's data: say it will be checked\n",
                q.id
            )),
        }
    }
    out
}

fn period(seconds: i64) -> &'static str {
    match seconds {
        60 => "minute",
        3600 => "hour",
        _ => "day",
    }
}

/// `{{subject}}`, `{{customer}}`, `{{status}}`, `{{conversation}}` filled.
fn fill_analysis(template: &str, view: &TicketView, conversation: &str) -> String {
    template
        .replace("{{subject}}", &view.ticket.subject)
        .replace("{{customer}}", &view.ticket.username)
        .replace("{{status}}", &view.ticket.status)
        .replace("{{conversation}}", conversation)
}

/// What the model is sent for `task` on the ticket in `view`.
pub struct PromptInputs<'a> {
    pub view: &'a TicketView,
    pub language: &'a str,
    pub analysis: Option<&'a str>,
    /// The preset's system prompt, for a draft.
    pub preset_system: Option<&'a str>,
    pub context_tokens: i64,
}

pub fn build(task: &Task, i: &PromptInputs<'_>) -> Prompt {
    // Half the context for the conversation; the rest for the instructions,
    // the orders and the answer.
    let budget = (i.context_tokens * CHARS_PER_TOKEN / 2).max(1) as usize;
    let message = |seq: i64| {
        i.view
            .messages
            .iter()
            .find(|m| m.seq == seq)
            .map(|m| strip_html(&m.html))
            .unwrap_or_default()
    };
    match task {
        Task::Analyze => {
            let (conv, dropped) = conversation(i.view, budget);
            Prompt {
                system: "You help support staff of an SMM panel understand tickets. Be brief and factual.".into(),
                user: fill_analysis(i.analysis.unwrap_or(DEFAULT_ANALYSIS), i.view, &conv),
                dropped_messages: dropped,
            }
        }
        Task::Translate { seq } => Prompt {
            system: format!(
                "Translate the user's text into {}. Answer with the translation only.",
                i.language
            ),
            user: message(*seq),
            dropped_messages: 0,
        },
        Task::Intent { seq } => Prompt {
            system: format!(
                "Classify the customer's message of an SMM panel ticket. Answer with exactly one word of: {}.",
                INTENTS.join(", ")
            ),
            user: message(*seq),
            dropped_messages: 0,
        },
        Task::Draft { .. } => {
            let (conv, dropped) = conversation(i.view, budget);
            Prompt {
                system: format!("{}\n\n{GROUNDING}", i.preset_system.unwrap_or("")),
                user: format!(
                    "Ticket: {}\nCustomer: {}\n\n{}\nConversation:\n{conv}\n\nWrite the staff's next reply.",
                    i.view.ticket.subject,
                    i.view.ticket.username,
                    orders_section(i.view)
                ),
                dropped_messages: dropped,
            }
        }
        Task::Refine { how, draft } => {
            let instruction = match how {
                Refinement::Shorter => "Make this reply shorter; keep every fact.".to_owned(),
                Refinement::Friendlier => "Make this reply friendlier; keep every fact.".to_owned(),
                Refinement::MoreFormal => "Make this reply more formal; keep every fact.".to_owned(),
                Refinement::CustomerLanguage => {
                    let customer = i
                        .view
                        .messages
                        .iter()
                        .rev()
                        .find(|m| !m.is_staff)
                        .map(|m| strip_html(&m.html))
                        .unwrap_or_default();
                    format!("Translate this reply into the language the customer wrote in: \"{customer}\". Keep every fact.")
                }
            };
            Prompt {
                system: format!("{instruction} Answer with the reply only.\n\n{GROUNDING}"),
                user: format!("{}\nReply:\n{draft}", orders_section(i.view)),
                dropped_messages: 0,
            }
        }
    }
}

/// An intent answer to its label (the first known word in it), else `other`.
pub fn intent_label(answer: &str) -> &'static str {
    let lower = answer.to_lowercase();
    INTENTS
        .iter()
        .find(|l| {
            lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == **l)
        })
        .copied()
        .unwrap_or("other")
}

/// Order IDs a draft names that the cache does not hold for the panel: the
/// window flags them before the reply can be sent.
pub fn unknown_order_ids(read: &ReadConn, panel_id: i64, draft: &str) -> Result<Vec<i64>> {
    let mut st = read
        .prepare_cached("SELECT 1 FROM orders WHERE panel_id = ?1 AND id = ?2")
        .map_err(CacheConn::err)?;
    let mut unknown = Vec::new();
    for id in order_ids(draft) {
        if !st
            .exists(rusqlite::params![panel_id, id])
            .map_err(CacheConn::err)?
        {
            unknown.push(id);
        }
    }
    Ok(unknown)
}
