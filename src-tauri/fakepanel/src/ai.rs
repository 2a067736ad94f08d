//! A fake AI server: OpenAI chat completions and Anthropic messages, both
//! streamed as server-sent events, and their model lists, over real HTTP on
//! 127.0.0.1. Answers are scripted; every request is recorded (path,
//! headers, body) with whether its stream finished or was cut off by the
//! client, so tests can check what was sent and that a stop cancels.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// What the fake answers; changeable while it runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AiScript {
    /// Answers, in order, one per chat request; when empty, `fallback`.
    pub answers: VecDeque<String>,
    pub fallback: String,
    /// Between two streamed tokens (a stop can land mid-stream).
    pub token_delay_ms: u64,
    /// Every chat request answered with this HTTP status and the provider's
    /// error body (401 wrong key, 429 rate limit, 404 model, 500).
    pub fail_status: Option<u16>,
    /// Whether the stream ends with token usage (a provider may report none).
    pub report_usage: bool,
    /// Requests whose messages hold more characters answer "context too long".
    pub context_limit_chars: Option<usize>,
}

/// One request as the fake received it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AiRequest {
    pub path: String,
    /// Lower-case header names and their values.
    pub headers: Vec<(String, String)>,
    pub body: Value,
    /// True once the whole stream was sent; false while streaming or when
    /// the client went away before the end.
    pub finished: bool,
    /// The client closed the connection mid-stream.
    pub cancelled: bool,
}

struct Shared {
    key: String,
    script: Mutex<AiScript>,
    record: Mutex<Vec<AiRequest>>,
}

/// A running fake AI server. Dropping it stops the server.
pub struct FakeAi {
    url: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The models both dialects list.
pub const MODELS: &[&str] = &["fake-small", "fake-large"];

impl FakeAi {
    /// Serves on 127.0.0.1 (`port` 0: any free port) from a thread of its own;
    /// an empty `key` accepts calls with no key (a local server).
    pub fn spawn(port: u16, key: &str) -> std::io::Result<FakeAi> {
        let shared = Arc::new(Shared {
            key: key.to_owned(),
            script: Mutex::new(AiScript {
                fallback: "OK".into(),
                report_usage: true,
                ..AiScript::default()
            }),
            record: Mutex::default(),
        });
        let (tx, rx) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("fakeai".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
                        Ok(listener) => {
                            let _ = ready_tx.send(listener.local_addr());
                            let _ = axum::serve(listener, router(state))
                                .with_graceful_shutdown(async {
                                    let _ = rx.await;
                                })
                                .await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let addr: SocketAddr = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("the fake AI thread died while starting"))??;
        Ok(FakeAi {
            url: format!("http://{addr}"),
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`; the API base is this plus `/v1`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn key(&self) -> &str {
        &self.shared.key
    }

    pub fn set_script(&self, script: AiScript) {
        *self.shared.script.lock().expect("script lock") = script;
    }

    pub fn record(&self) -> Vec<AiRequest> {
        self.shared.record.lock().expect("record lock").clone()
    }
}

impl Drop for FakeAi {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(openai_chat))
        .route("/v1/messages", post(anthropic_messages))
        .route("/v1/models", get(models))
        .route("/__fake/script", post(set_script))
        .route("/__fake/record", get(record))
        .with_state(shared)
}

#[derive(Clone, Copy, PartialEq)]
enum Dialect {
    OpenAi,
    Anthropic,
}

/// The key each dialect sends, and where.
fn key_of(headers: &HeaderMap, dialect: Dialect) -> Option<String> {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match dialect {
        Dialect::OpenAi => value("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned),
        Dialect::Anthropic => value("x-api-key").map(str::to_owned),
    }
}

/// A fake started with an empty key is a local server that asks for none.
fn authorized(s: &Shared, headers: &HeaderMap, dialect: Dialect) -> bool {
    s.key.is_empty() || key_of(headers, dialect).as_deref() == Some(s.key.as_str())
}

fn error(dialect: Dialect, status: u16, message: &str, code: &str) -> Response {
    let body = match dialect {
        Dialect::OpenAi => json!({ "error": { "message": message, "type": code, "code": code } }),
        Dialect::Anthropic => {
            json!({ "type": "error", "error": { "type": code, "message": message } })
        }
    };
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        Json(body),
    )
        .into_response()
}

fn failure(dialect: Dialect, status: u16) -> Response {
    match status {
        401 => error(
            dialect,
            401,
            "Incorrect API key provided",
            "authentication_error",
        ),
        429 => error(
            dialect,
            429,
            "Rate limit reached, retry later",
            "rate_limit_error",
        ),
        404 => error(dialect, 404, "The model does not exist", "not_found_error"),
        s => error(dialect, s, "The server had an error", "api_error"),
    }
}

async fn openai_chat(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    chat(s, headers, body, Dialect::OpenAi, "/v1/chat/completions")
}

async fn anthropic_messages(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    chat(s, headers, body, Dialect::Anthropic, "/v1/messages")
}

fn chat(s: Arc<Shared>, headers: HeaderMap, body: Bytes, dialect: Dialect, path: &str) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let index = {
        let mut record = s.record.lock().expect("record lock");
        record.push(AiRequest {
            path: path.to_owned(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                .collect(),
            body: body.clone(),
            finished: false,
            cancelled: false,
        });
        record.len() - 1
    };
    if !authorized(&s, &headers, dialect) {
        return failure(dialect, 401);
    }
    let (answer, delay, usage) = {
        let mut script = s.script.lock().expect("script lock");
        if let Some(status) = script.fail_status {
            return failure(dialect, status);
        }
        let chars: usize = body["messages"]
            .as_array()
            .map(|m| {
                m.iter()
                    .map(|m| m["content"].as_str().map_or(0, str::len))
                    .sum()
            })
            .unwrap_or(0)
            + body["system"].as_str().map_or(0, str::len);
        if script
            .context_limit_chars
            .is_some_and(|limit| chars > limit)
        {
            return match dialect {
                Dialect::OpenAi => error(
                    dialect,
                    400,
                    "This model's maximum context length is exceeded",
                    "context_length_exceeded",
                ),
                Dialect::Anthropic => error(
                    dialect,
                    400,
                    "prompt is too long: too many tokens",
                    "invalid_request_error",
                ),
            };
        }
        let answer = script
            .answers
            .pop_front()
            .unwrap_or_else(|| script.fallback.clone());
        (answer, script.token_delay_ms, script.report_usage)
    };
    let events = sse_events(dialect, &answer, usage, (body.to_string().len() / 4) as u64);
    let guard = Finish {
        shared: s,
        index,
        done: false,
    };
    let stream = futures_util::stream::unfold(
        (events.into_iter(), guard, delay),
        |(mut events, mut guard, delay)| async move {
            match events.next() {
                Some(event) => {
                    if delay > 0 {
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                    }
                    Some((
                        Ok::<_, std::convert::Infallible>(Bytes::from(event)),
                        (events, guard, delay),
                    ))
                }
                None => {
                    guard.mark_done();
                    None
                }
            }
        },
    );
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .body(Body::from_stream(stream))
        .expect("a valid response")
}

/// Marks the request finished when its stream ends, or cancelled when the
/// stream is dropped before (the client closed the connection).
struct Finish {
    shared: Arc<Shared>,
    index: usize,
    done: bool,
}

impl Finish {
    fn mark_done(&mut self) {
        self.done = true;
    }
}

impl Drop for Finish {
    fn drop(&mut self) {
        if let Some(r) = self
            .shared
            .record
            .lock()
            .expect("record lock")
            .get_mut(self.index)
        {
            r.finished = self.done;
            r.cancelled = !self.done;
        }
    }
}

/// The answer as the dialect streams it, a word at a time.
fn sse_events(dialect: Dialect, answer: &str, usage: bool, input_tokens: u64) -> Vec<String> {
    let tokens: Vec<String> = answer.split_inclusive(' ').map(str::to_owned).collect();
    let output_tokens = tokens.len() as u64;
    let data = |v: Value| format!("data: {v}\n\n");
    let named = |name: &str, v: Value| format!("event: {name}\ndata: {v}\n\n");
    let mut out = Vec::new();
    match dialect {
        Dialect::OpenAi => {
            for t in &tokens {
                out.push(data(json!({
                    "object": "chat.completion.chunk",
                    "choices": [{ "index": 0, "delta": { "content": t }, "finish_reason": null }]
                })));
            }
            out.push(data(json!({
                "object": "chat.completion.chunk",
                "choices": [{ "index": 0, "delta": {}, "finish_reason": "stop" }]
            })));
            if usage {
                out.push(data(json!({
                    "object": "chat.completion.chunk",
                    "choices": [],
                    "usage": { "prompt_tokens": input_tokens, "completion_tokens": output_tokens,
                               "total_tokens": input_tokens + output_tokens }
                })));
            }
            out.push("data: [DONE]\n\n".into());
        }
        Dialect::Anthropic => {
            let start_usage = if usage {
                json!({ "input_tokens": input_tokens, "output_tokens": 1 })
            } else {
                Value::Null
            };
            out.push(named(
                "message_start",
                json!({ "type": "message_start", "message": { "id": "msg_fake", "role": "assistant", "usage": start_usage } }),
            ));
            out.push(named(
                "content_block_start",
                json!({ "type": "content_block_start", "index": 0, "content_block": { "type": "text", "text": "" } }),
            ));
            for t in &tokens {
                out.push(named(
                    "content_block_delta",
                    json!({ "type": "content_block_delta", "index": 0, "delta": { "type": "text_delta", "text": t } }),
                ));
            }
            out.push(named(
                "content_block_stop",
                json!({ "type": "content_block_stop", "index": 0 }),
            ));
            let end_usage = if usage {
                json!({ "output_tokens": output_tokens })
            } else {
                Value::Null
            };
            out.push(named(
                "message_delta",
                json!({ "type": "message_delta", "delta": { "stop_reason": "end_turn" }, "usage": end_usage }),
            ));
            out.push(named("message_stop", json!({ "type": "message_stop" })));
        }
    }
    out
}

async fn models(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let dialect = if headers.contains_key("x-api-key") {
        Dialect::Anthropic
    } else {
        Dialect::OpenAi
    };
    if !authorized(&s, &headers, dialect) {
        return failure(dialect, 401);
    }
    let data: Vec<Value> = MODELS
        .iter()
        .map(|m| match dialect {
            Dialect::OpenAi => json!({ "id": m, "object": "model" }),
            Dialect::Anthropic => json!({ "id": m, "type": "model", "display_name": m }),
        })
        .collect();
    match dialect {
        Dialect::OpenAi => Json(json!({ "object": "list", "data": data })).into_response(),
        Dialect::Anthropic => {
            Json(json!({ "data": data, "has_more": false, "first_id": MODELS[0] })).into_response()
        }
    }
}

async fn set_script(State(s): State<Arc<Shared>>, Json(script): Json<AiScript>) -> Response {
    *s.script.lock().expect("script lock") = script;
    StatusCode::NO_CONTENT.into_response()
}

async fn record(State(s): State<Arc<Shared>>) -> Response {
    Json(s.record.lock().expect("record lock").clone()).into_response()
}
