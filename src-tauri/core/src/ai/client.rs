//! A thin client for the two chat dialects: OpenAI chat completions (also
//! what OpenAI-compatible servers, local ones included, speak) and Anthropic
//! messages. Answers stream as server-sent events, a token at a time;
//! dropping the stream closes the connection, which stops the request.
//!
//! Hand-written over the project's one reqwest (see the README's choices):
//! the multi-provider crates pull a second HTTP stack and none lists
//! Anthropic's models or classifies "context too long".

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::{Stream, StreamExt};

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use super::AiError;

/// How long to wait for a server to accept the connection; a stream itself
/// has no overall limit (a long answer is not an error), only `IDLE`.
const CONNECT: Duration = Duration::from_secs(10);
/// The longest silence between two parts of an answer.
const IDLE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    OpenAi,
    Anthropic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// What a chat sends: a system prompt and the turns after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    pub system: String,
    pub turns: Vec<(Role, String)>,
    pub max_tokens: u32,
}

/// Tokens a call used, as the provider reported them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Usage {
    pub input: i64,
    pub output: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    Token(String),
    /// The end; `None`: the provider reported no usage (not zero).
    Done(Option<Usage>),
}

/// One provider's endpoint, model and key.
#[derive(Clone)]
pub struct AiClient {
    http: reqwest::Client,
    dialect: Dialect,
    /// The API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`.
    base: String,
    key: Option<String>,
}

impl std::fmt::Debug for AiClient {
    // Never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AiClient")
            .field("dialect", &self.dialect)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl AiClient {
    pub fn new(dialect: Dialect, base: &str, key: Option<String>) -> Result<AiClient, AiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT)
            .build()
            .map_err(|e| AiError::Network(e.to_string()))?;
        Ok(AiClient {
            http,
            dialect,
            base: base.trim_end_matches('/').to_owned(),
            key: key.filter(|k| !k.trim().is_empty()),
        })
    }

    /// The key goes in a header only, marked sensitive so no debug output shows it.
    fn headers(&self) -> Result<HeaderMap, AiError> {
        let mut h = HeaderMap::new();
        let secret = |v: String| {
            let mut v = HeaderValue::from_str(&v).map_err(|_| AiError::WrongKey)?;
            v.set_sensitive(true);
            Ok::<_, AiError>(v)
        };
        match (self.dialect, &self.key) {
            (Dialect::OpenAi, Some(k)) => {
                h.insert("authorization", secret(format!("Bearer {k}"))?);
            }
            (Dialect::Anthropic, Some(k)) => {
                h.insert("x-api-key", secret(k.clone())?);
                h.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
            }
            (Dialect::Anthropic, None) => return Err(AiError::NoKey),
            // An OpenAI-compatible local server may need no key.
            (Dialect::OpenAi, None) => {}
        }
        Ok(h)
    }

    /// The models the provider offers, sorted.
    pub async fn models(&self) -> Result<Vec<String>, AiError> {
        let response = self
            .http
            .get(format!("{}/models", self.base))
            .headers(self.headers()?)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let body = response.text().await.map_err(transport)?;
        if !status.is_success() {
            return Err(classify(status.as_u16(), &body));
        }
        let v: Value = serde_json::from_str(&body)
            .map_err(|e| AiError::Malformed(format!("the model list: {e}")))?;
        let mut ids: Vec<String> = v["data"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| m["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        Ok(ids)
    }

    /// Starts a chat with `model`; the answer streams from the returned stream.
    pub async fn stream(
        &self,
        model: &str,
        chat: &Chat,
    ) -> Result<impl Stream<Item = Result<Chunk, AiError>> + Send + 'static, AiError> {
        let turns: Vec<Value> = chat
            .turns
            .iter()
            .map(|(role, text)| {
                json!({ "role": match role { Role::User => "user", Role::Assistant => "assistant" }, "content": text })
            })
            .collect();
        let (path, body) = match self.dialect {
            Dialect::OpenAi => {
                let mut messages = vec![json!({ "role": "system", "content": chat.system })];
                messages.extend(turns);
                (
                    "chat/completions",
                    json!({
                        "model": model,
                        "stream": true,
                        "stream_options": { "include_usage": true },
                        "max_tokens": chat.max_tokens,
                        "messages": messages,
                    }),
                )
            }
            Dialect::Anthropic => (
                "messages",
                json!({
                    "model": model,
                    "stream": true,
                    "max_tokens": chat.max_tokens,
                    "system": chat.system,
                    "messages": turns,
                }),
            ),
        };
        let response = self
            .http
            .post(format!("{}/{path}", self.base))
            .headers(self.headers()?)
            .json(&body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(classify(status.as_u16(), &body));
        }
        let dialect = self.dialect;
        let events = Box::pin(response.bytes_stream().eventsource());
        let unknown = Usage {
            input: -1,
            output: -1,
        };
        // Events to chunks, remembering usage until the end; nothing after
        // the end or an error.
        Ok(futures::stream::unfold(
            (events, unknown, false),
            move |(mut events, mut usage, ended)| async move {
                if ended {
                    return None;
                }
                loop {
                    let event = match tokio::time::timeout(IDLE, events.next()).await {
                        Err(_) => {
                            let e = AiError::Network(format!("no answer for {} s", IDLE.as_secs()));
                            return Some((Err(e), (events, usage, true)));
                        }
                        Ok(None) => {
                            return Some((Ok(Chunk::Done(reported(usage))), (events, usage, true)))
                        }
                        Ok(Some(Err(e))) => {
                            return Some((
                                Err(AiError::Network(e.to_string())),
                                (events, usage, true),
                            ))
                        }
                        Ok(Some(Ok(event))) => event,
                    };
                    match parse_event(dialect, &event.event, &event.data, &mut usage) {
                        None => continue,
                        Some(Ok(Chunk::Token(t))) => {
                            return Some((Ok(Chunk::Token(t)), (events, usage, false)))
                        }
                        Some(end) => return Some((end, (events, usage, true))),
                    }
                }
            },
        ))
    }
}

/// Usage with a part never reported is reported as unknown.
fn reported(u: Usage) -> Option<Usage> {
    (u.input >= 0 || u.output >= 0).then_some(Usage {
        input: u.input.max(0),
        output: u.output.max(0),
    })
}

/// One server-sent event to a chunk (None: nothing to pass on).
fn parse_event(
    dialect: Dialect,
    name: &str,
    data: &str,
    usage: &mut Usage,
) -> Option<Result<Chunk, AiError>> {
    if dialect == Dialect::OpenAi && data.trim() == "[DONE]" {
        return Some(Ok(Chunk::Done(reported(*usage))));
    }
    let v: Value = match serde_json::from_str(data) {
        Ok(v) => v,
        Err(e) => return Some(Err(AiError::Malformed(format!("a streamed event: {e}")))),
    };
    if v.get("error").is_some_and(|e| !e.is_null()) || name == "error" {
        return Some(Err(classify(0, &v.to_string())));
    }
    match dialect {
        Dialect::OpenAi => {
            if let Some(u) = v.get("usage").filter(|u| !u.is_null()) {
                usage.input = u["prompt_tokens"].as_i64().unwrap_or(usage.input);
                usage.output = u["completion_tokens"].as_i64().unwrap_or(usage.output);
            }
            v["choices"][0]["delta"]["content"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(|t| Ok(Chunk::Token(t.to_owned())))
        }
        Dialect::Anthropic => match v["type"].as_str().unwrap_or(name) {
            "message_start" => {
                if let Some(n) = v["message"]["usage"]["input_tokens"].as_i64() {
                    usage.input = n;
                }
                None
            }
            "content_block_delta" => v["delta"]["text"]
                .as_str()
                .map(|t| Ok(Chunk::Token(t.to_owned()))),
            "message_delta" => {
                if let Some(n) = v["usage"]["output_tokens"].as_i64() {
                    usage.output = n;
                }
                None
            }
            "message_stop" => Some(Ok(Chunk::Done(reported(*usage)))),
            _ => None,
        },
    }
}

fn transport(e: reqwest::Error) -> AiError {
    AiError::Network(e.to_string())
}

/// An HTTP failure to its error, from the status and the provider's body.
pub(super) fn classify(status: u16, body: &str) -> AiError {
    let lower = body.to_lowercase();
    if lower.contains("context_length_exceeded")
        || lower.contains("prompt is too long")
        || lower.contains("maximum context length")
        || lower.contains("context window")
    {
        return AiError::ContextTooLong;
    }
    match status {
        401 | 403 => AiError::WrongKey,
        429 => AiError::RateLimited {
            quota: lower.contains("insufficient_quota") || lower.contains("quota"),
        },
        404 => AiError::ModelNotFound,
        s => AiError::Server {
            status: s,
            detail: body.chars().take(300).collect(),
        },
    }
}
