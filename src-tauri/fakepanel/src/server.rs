//! The HTTP server: Admin API v2 routes, the user API's services, the
//! `/__fake/` controls, and the gate that applies faults and keeps the record.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex, RwLock},
    time::{Duration, Instant},
};

use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{Path, Query, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::{
    config::{Config, Quirks},
    data::World,
    faults::Faults,
    wire,
};

/// One request as the panel received it (every request, faults included).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Milliseconds since the server started, at arrival.
    pub t_ms: f64,
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// One write that reached a handler, with how it was answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WriteRecord {
    pub t_ms: f64,
    pub path: String,
    pub body: Value,
    pub status: u16,
    pub error_code: i64,
}

struct Bucket {
    /// The rate the tokens were counted for: a new limit starts with a full bucket.
    rate: Option<f64>,
    tokens: f64,
    last: Instant,
}

struct Shared {
    world: RwLock<World>,
    quirks: Quirks,
    admin_key: String,
    services_key: String,
    faults: Mutex<Faults>,
    bucket: Mutex<Bucket>,
    rng: Mutex<StdRng>,
    requests: Mutex<Vec<RequestRecord>>,
    writes: Mutex<Vec<WriteRecord>>,
    started: Instant,
}

type AppState = Arc<Shared>;

const MAX_LIMIT: usize = 1000;
const DEFAULT_LIMIT: usize = 100;

/// A running fake panel. Dropping it stops the server.
pub struct FakePanel {
    url: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakePanel {
    /// Generates the data and serves it on the current tokio runtime.
    pub async fn start(config: Config) -> std::io::Result<FakePanel> {
        let (shared, listener) = prepare(config).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel();
        tokio::spawn(serve(listener, shared.clone(), rx));
        Ok(FakePanel::new(addr, shared, tx, None))
    }

    /// Generates the data and serves it from a thread of its own (for sync
    /// tests, the CLI's tests and the app's demo mode).
    pub fn spawn(config: Config) -> std::io::Result<FakePanel> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (tx, rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("fakepanel".into())
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
                    match prepare(config).await {
                        Ok((shared, listener)) => {
                            let addr = listener.local_addr();
                            let _ = ready_tx.send(addr.map(|a| (a, shared.clone())));
                            serve(listener, shared, rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let (addr, shared) = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("the fake panel thread died while starting"))??;
        Ok(FakePanel::new(addr, shared, tx, Some(thread)))
    }

    fn new(
        addr: SocketAddr,
        shared: Arc<Shared>,
        tx: oneshot::Sender<()>,
        thread: Option<std::thread::JoinHandle<()>>,
    ) -> Self {
        FakePanel {
            url: format!("http://{addr}"),
            shared,
            shutdown: Some(tx),
            thread,
        }
    }

    /// `http://127.0.0.1:PORT`, the panel's address.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The Admin API v2 base.
    pub fn api_base(&self) -> String {
        format!("{}/adminapi/v2", self.url)
    }
    pub fn admin_key(&self) -> &str {
        &self.shared.admin_key
    }
    pub fn services_key(&self) -> &str {
        &self.shared.services_key
    }
    pub fn faults(&self) -> Faults {
        self.shared.faults.lock().expect("faults lock").clone()
    }
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock().expect("faults lock") = faults;
    }
    /// Moves the clock `seconds` forward (see [`World::tick`]).
    pub fn tick(&self, seconds: i64) {
        self.shared.world.write().expect("world lock").tick(seconds);
    }
    pub fn with_world<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.shared.world.read().expect("world lock"))
    }
    /// Changes the world as a panel's admin would (see [`World::set_order_status`]...).
    pub fn edit_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.shared.world.write().expect("world lock"))
    }
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests.lock().expect("log lock").clone()
    }
    pub fn writes(&self) -> Vec<WriteRecord> {
        self.shared.writes.lock().expect("log lock").clone()
    }
    pub fn clear_records(&self) {
        self.shared.requests.lock().expect("log lock").clear();
        self.shared.writes.lock().expect("log lock").clear();
    }
    /// Every entity as served, normalised (see `GET /__fake/truth`).
    pub fn truth(&self) -> Value {
        truth(&self.shared.world.read().expect("world lock"))
    }
}

impl Drop for FakePanel {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn prepare(config: Config) -> std::io::Result<(Arc<Shared>, tokio::net::TcpListener)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
    let world = tokio::task::spawn_blocking({
        let config = config.clone();
        move || World::generate(&config)
    })
    .await
    .map_err(std::io::Error::other)?;
    let shared = Arc::new(Shared {
        world: RwLock::new(world),
        quirks: config.quirks.clone(),
        admin_key: config.admin_key.clone(),
        services_key: config.services_key.clone(),
        bucket: Mutex::new(Bucket {
            rate: None,
            tokens: 0.0,
            last: Instant::now(),
        }),
        faults: Mutex::new(config.faults.clone()),
        rng: Mutex::new(StdRng::seed_from_u64(config.seed.wrapping_add(7))),
        requests: Mutex::new(Vec::new()),
        writes: Mutex::new(Vec::new()),
        started: Instant::now(),
    });
    Ok((shared, listener))
}

async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: oneshot::Receiver<()>,
) {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY every small keep-alive answer waits ~40 ms for the
    // client's delayed ACK, and benchmarks would measure that.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let _ = axum::serve(listener, router(shared))
        .with_graceful_shutdown(async {
            let _ = shutdown.await;
        })
        .await;
}

fn router(shared: AppState) -> Router {
    let admin = Router::new()
        .route("/orders", get(orders_list))
        .route("/orders/{id}", get(order_get))
        .route("/orders/change-status", post(orders_change_status))
        .route("/orders/resend", post(orders_resend))
        .route("/orders/cancel", post(orders_cancel))
        .route("/orders/request-cancel", post(orders_request_cancel))
        .route("/orders/{id}/set-partial", post(order_set_partial))
        .route("/orders/{id}/edit-link", post(order_edit_link))
        .route("/users", get(users_list))
        .route("/payments", get(payments_list))
        .route("/payments/add", post(payments_add))
        .route("/tickets", get(tickets_list))
        .route("/tickets/{id}", get(ticket_get))
        .route("/tickets/{id}/reply", post(ticket_reply))
        .route("/tickets/{id}/close", post(ticket_close))
        .route("/tickets/{id}/reopen", post(ticket_reopen))
        .route("/tickets/{id}/assign", post(ticket_assign));
    let control = Router::new()
        .route("/tick", post(control_tick))
        .route("/faults", get(control_faults_get).post(control_faults_set))
        .route("/requests", get(control_requests))
        .route("/writes", get(control_writes))
        .route("/clear-records", post(control_clear))
        .route("/truth", get(control_truth));
    Router::new()
        .nest("/adminapi/v2", admin)
        .nest("/__fake", control)
        .route("/api/v2", post(user_api))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

fn capacity(rate: f64) -> f64 {
    rate.floor().max(1.0)
}

fn roll(shared: &Shared) -> f64 {
    shared.rng.lock().expect("rng lock").random::<f64>()
}

fn envelope_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn key_ok(shared: &Shared, headers: &HeaderMap) -> bool {
    headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(shared.admin_key.as_str())
}

/// Faults, the key check and the record, around every route.
async fn gate(State(shared): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    if path.starts_with("/__fake") {
        if !key_ok(&shared, req.headers()) {
            return envelope_response(
                StatusCode::UNAUTHORIZED,
                wire::error_envelope(401, "Invalid API key"),
            );
        }
        return next.run(req).await;
    }
    let t_ms = shared.started.elapsed().as_secs_f64() * 1000.0;
    let response = faulted(&shared, req, next, &path, &method, t_ms).await;
    shared
        .requests
        .lock()
        .expect("log lock")
        .push(RequestRecord {
            t_ms,
            method: method.to_string(),
            path,
            status: response.status().as_u16(),
        });
    response
}

async fn faulted(
    shared: &Shared,
    req: Request,
    next: Next,
    path: &str,
    method: &Method,
    t_ms: f64,
) -> Response {
    let faults = shared.faults.lock().expect("faults lock").clone();
    if let Some(wait) = faults.always_429_retry_after {
        let mut r = envelope_response(
            StatusCode::TOO_MANY_REQUESTS,
            wire::error_envelope(429, "Too many requests, slow down"),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return r;
    }
    if let Some(rate) = faults.rate_limit {
        let mut b = shared.bucket.lock().expect("bucket lock");
        let now = Instant::now();
        if b.rate != Some(rate) {
            *b = Bucket {
                rate: Some(rate),
                tokens: capacity(rate),
                last: now,
            };
        }
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(capacity(rate));
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
        } else {
            let wait = ((1.0 - b.tokens) / rate).ceil().max(1.0) as u64;
            let mut r = envelope_response(
                StatusCode::TOO_MANY_REQUESTS,
                wire::error_envelope(429, "Too many requests, slow down"),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return r;
        }
    }
    let admin = path.starts_with("/adminapi/");
    if admin && !key_ok(shared, req.headers()) {
        let status = if faults.wrong_key_as_200 {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        return envelope_response(status, wire::error_envelope(401, "Invalid API key"));
    }
    if let (true, Some(message)) = (admin, &faults.refuse_with) {
        return envelope_response(StatusCode::OK, wire::error_envelope(9, message));
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.timeout_rate > 0.0 && roll(shared) < faults.timeout_rate {
        tokio::time::sleep(Duration::from_millis(faults.hang_ms)).await;
    }
    if faults.fail_rate > 0.0 && roll(shared) < faults.fail_rate {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        )
            .into_response();
    }
    if let Some(from) = faults.fail_from_offset {
        let offset = req
            .uri()
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("offset=")))
            .and_then(|o| o.parse::<usize>().ok());
        if offset.is_some_and(|o| o >= from) {
            return (StatusCode::INTERNAL_SERVER_ERROR, "offset failure").into_response();
        }
    }
    let is_write = admin && method == Method::POST;
    let (response, request_body) = if is_write {
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
        let response = next
            .run(Request::from_parts(parts, Body::from(bytes.clone())))
            .await;
        (response, Some(bytes))
    } else {
        (next.run(req).await, None)
    };
    let malformed = response.status() == StatusCode::OK
        && faults.malformed_rate > 0.0
        && roll(shared) < faults.malformed_rate;
    if request_body.is_none() && !malformed {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    if let Some(request_body) = request_body {
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        shared.writes.lock().expect("log lock").push(WriteRecord {
            t_ms,
            path: path.to_owned(),
            body: serde_json::from_slice(&request_body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&request_body).into_owned())
            }),
            status: parts.status.as_u16(),
            error_code: answer["error_code"].as_i64().unwrap_or(-1),
        });
    }
    let bytes = if malformed {
        Bytes::copy_from_slice(&bytes[..bytes.len() / 2])
    } else {
        bytes
    };
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

async fn not_found() -> Response {
    envelope_response(StatusCode::OK, wire::error_envelope(100, "Page not found."))
}

// ---- lists ---------------------------------------------------------------

struct ListParams {
    offset: usize,
    limit: usize,
    from: Option<i64>,
    to: Option<i64>,
    ascending: bool,
}

impl ListParams {
    fn parse(q: &HashMap<String, String>, shared: &Shared) -> ListParams {
        let num = |k: &str| q.get(k).and_then(|v| v.trim().parse::<i64>().ok());
        let cap = shared
            .faults
            .lock()
            .expect("faults lock")
            .max_limit
            .unwrap_or(MAX_LIMIT)
            .clamp(1, MAX_LIMIT);
        ListParams {
            offset: num("offset").unwrap_or(0).max(0) as usize,
            limit: (num("limit").unwrap_or(DEFAULT_LIMIT as i64).max(1) as usize).min(cap),
            from: num("created_from"),
            to: num("created_to"),
            ascending: q.get("sort").map(String::as_str) == Some("date-asc"),
        }
    }
}

fn csv_ids(v: Option<&String>) -> Option<Vec<i64>> {
    v.map(|s| s.split(',').filter_map(|p| p.trim().parse().ok()).collect())
}

/// One page of `rows` (stored in creation order) inside the time range, kept
/// by `keep`, in the asked order; and how many matched in all.
fn page<'a, T>(
    rows: &'a [T],
    created: impl Fn(&T) -> i64,
    p: &ListParams,
    keep: Option<&dyn Fn(&T) -> bool>,
) -> (Vec<&'a T>, usize) {
    let lo = p
        .from
        .map_or(0, |f| rows.partition_point(|r| created(r) < f));
    let hi =
        p.to.map_or(rows.len(), |t| rows.partition_point(|r| created(r) <= t));
    let range = &rows[lo..hi.max(lo)];
    match keep {
        None => {
            let total = range.len();
            let take = |i: usize| {
                if p.ascending {
                    &range[i]
                } else {
                    &range[total - 1 - i]
                }
            };
            let page = (p.offset..total.min(p.offset + p.limit))
                .map(take)
                .collect();
            (page, total)
        }
        Some(keep) => {
            let matched: Vec<&T> = if p.ascending {
                range.iter().filter(|r| keep(r)).collect()
            } else {
                range.iter().rev().filter(|r| keep(r)).collect()
            };
            let total = matched.len();
            (
                matched.into_iter().skip(p.offset).take(p.limit).collect(),
                total,
            )
        }
    }
}

async fn orders_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let faults = s.faults.lock().expect("faults lock").clone();
    if faults.shift_rate > 0.0 && roll(&s) < faults.shift_rate {
        let n = 1 + (roll(&s) * 5.0) as usize;
        s.world.write().expect("world lock").arrive_orders(n);
    }
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let body = if let Some(ids) = csv_ids(q.get("ids")) {
        let list: Vec<Value> = ids
            .iter()
            .filter_map(|&id| w.order(id))
            .map(|o| wire::order(o, &s.quirks))
            .collect();
        let n = list.len();
        wire::list_page(
            "orders",
            list,
            n,
            0,
            n.max(1),
            "/adminapi/v2/orders",
            &s.quirks,
        )
    } else {
        let status = q.get("order_status").cloned();
        let services = csv_ids(q.get("service_ids"));
        let user = q.get("user").cloned();
        let mode = q.get("mode").cloned();
        let external: Option<Vec<String>> = q
            .get("external_order_ids")
            .map(|v| v.split(',').map(|x| x.trim().to_owned()).collect());
        let filtered = status.is_some()
            || services.is_some()
            || user.is_some()
            || mode.is_some()
            || external.is_some();
        let keep = |o: &crate::data::Order| {
            status.as_ref().is_none_or(|st| &o.status == st)
                && services
                    .as_ref()
                    .is_none_or(|sv| sv.contains(&o.service_id))
                && user.as_ref().is_none_or(|u| &o.user == u)
                && mode.as_ref().is_none_or(|m| &o.mode == m)
                && external
                    .as_ref()
                    .is_none_or(|e| o.external_id.as_ref().is_some_and(|x| e.contains(x)))
        };
        let (rows, total) = page(
            &w.orders,
            |o| o.created,
            &p,
            filtered.then_some(&keep as &dyn Fn(&_) -> bool),
        );
        let list = rows
            .into_iter()
            .map(|o| wire::order(o, &s.quirks))
            .collect();
        wire::list_page(
            "orders",
            list,
            total,
            p.offset,
            p.limit,
            "/adminapi/v2/orders",
            &s.quirks,
        )
    };
    Json(body).into_response()
}

fn parse_id(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

async fn order_get(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let w = s.world.read().expect("world lock");
    match parse_id(&id).and_then(|id| w.order(id)) {
        Some(o) => Json(wire::envelope(wire::order(o, &s.quirks))).into_response(),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Order not found"),
        ),
    }
}

async fn users_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let username = q.get("username").cloned();
    let email = q.get("email").cloned();
    let keep = |u: &crate::data::User| {
        username.as_ref().is_none_or(|n| &u.username == n)
            && email.as_ref().is_none_or(|e| &u.email == e)
    };
    let filtered = username.is_some() || email.is_some();
    let (rows, total) = page(
        &w.users,
        |u| u.created,
        &p,
        filtered.then_some(&keep as &dyn Fn(&_) -> bool),
    );
    let list = rows.into_iter().map(|u| wire::user(u, &s.quirks)).collect();
    Json(wire::list_page(
        "users",
        list,
        total,
        p.offset,
        p.limit,
        "/adminapi/v2/users",
        &s.quirks,
    ))
    .into_response()
}

async fn payments_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let status = q.get("status").cloned();
    let keep = |x: &crate::data::Payment| status.as_ref().is_none_or(|st| &x.status == st);
    let (rows, total) = page(
        &w.payments,
        |p| p.created,
        &p,
        status.is_some().then_some(&keep as &dyn Fn(&_) -> bool),
    );
    let list = rows
        .into_iter()
        .map(|x| wire::payment(x, &s.quirks))
        .collect();
    Json(wire::list_page(
        "payments",
        list,
        total,
        p.offset,
        p.limit,
        "/adminapi/v2/payments",
        &s.quirks,
    ))
    .into_response()
}

async fn tickets_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let status = q.get("status").cloned();
    let keep = |t: &crate::data::Ticket| status.as_ref().is_none_or(|st| &t.status == st);
    let (rows, total) = page(
        &w.tickets,
        |t| t.created,
        &p,
        status.is_some().then_some(&keep as &dyn Fn(&_) -> bool),
    );
    let list = rows
        .into_iter()
        .map(|t| wire::ticket(t, &s.quirks, false))
        .collect();
    Json(wire::list_page(
        "tickets",
        list,
        total,
        p.offset,
        p.limit,
        "/adminapi/v2/tickets",
        &s.quirks,
    ))
    .into_response()
}

async fn ticket_get(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let code_100 = s
        .faults
        .lock()
        .expect("faults lock")
        .ticket_code_100
        .clone();
    if parse_id(&id).is_some_and(|id| code_100.contains(&id)) {
        return not_found().await;
    }
    let w = s.world.read().expect("world lock");
    match parse_id(&id).and_then(|id| w.ticket(id)) {
        Some(t) => Json(wire::envelope(wire::ticket(t, &s.quirks, true))).into_response(),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Ticket not found"),
        ),
    }
}

// ---- writes --------------------------------------------------------------

fn body_json(bytes: &Bytes) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// `"1,2,3"` (the documented form), or an array, or one number.
fn body_ids(v: &Value) -> Vec<i64> {
    match v {
        Value::String(s) => s.split(',').filter_map(|p| p.trim().parse().ok()).collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_i64().or_else(|| x.as_str()?.trim().parse().ok()))
            .collect(),
        Value::Number(n) => n.as_i64().into_iter().collect(),
        _ => Vec::new(),
    }
}

fn api_error(code: i64, message: &str) -> Response {
    envelope_response(StatusCode::OK, wire::error_envelope(code, message))
}

/// Applies `change` to each listed order; the ones it refuses are skipped.
fn act_on_orders(
    s: &Shared,
    body: &Value,
    mut change: impl FnMut(&mut crate::data::Order, i64) -> bool,
) -> Response {
    let ids = body_ids(&body["ids"]);
    if ids.is_empty() {
        return api_error(2, "Field ids is required");
    }
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    let (mut done, mut skipped) = (Vec::new(), Vec::new());
    for id in ids {
        let changed = match w.order_mut(id) {
            Some(o) => {
                let changed = change(o, now);
                if changed {
                    o.last_update = now;
                }
                changed
            }
            None => false,
        };
        if changed {
            done.push(id)
        } else {
            skipped.push(id)
        }
    }
    Json(wire::envelope(
        json!({ "ids": done, "skipped_ids": skipped }),
    ))
    .into_response()
}

const FINISHED: [&str; 3] = ["completed", "partial", "canceled"];

async fn orders_change_status(State(s): State<AppState>, bytes: Bytes) -> Response {
    let body = body_json(&bytes);
    let Some(status) = body["status"].as_str().map(str::to_owned) else {
        return api_error(2, "Field status is required");
    };
    let known = [
        "pending",
        "in_progress",
        "processing",
        "completed",
        "partial",
        "canceled",
        "error",
        "fail",
    ];
    if !known.contains(&status.as_str()) {
        return api_error(3, "Invalid status");
    }
    let mut r = act_on_orders(&s, &body, |o, _| {
        if o.status == status {
            return false;
        }
        o.status = status.clone();
        if status == "completed" {
            o.remains = 0;
        }
        true
    });
    // The answer names the status too.
    if let Ok(mut v) = response_json(&mut r).await {
        v["data"]["status"] = json!(status);
        return Json(v).into_response();
    }
    r
}

async fn response_json(r: &mut Response) -> Result<Value, ()> {
    let body = std::mem::take(r.body_mut());
    let bytes = to_bytes(body, usize::MAX).await.map_err(|_| ())?;
    serde_json::from_slice(&bytes).map_err(|_| ())
}

async fn orders_resend(State(s): State<AppState>, bytes: Bytes) -> Response {
    act_on_orders(&s, &body_json(&bytes), |o, _| {
        let failed = matches!(o.status.as_str(), "error" | "fail");
        if failed {
            o.status = "pending".into();
        }
        failed
    })
}

async fn orders_cancel(State(s): State<AppState>, bytes: Bytes) -> Response {
    act_on_orders(&s, &body_json(&bytes), |o, _| {
        if FINISHED.contains(&o.status.as_str()) {
            return false;
        }
        o.status = "canceled".into();
        o.remains = o.quantity;
        true
    })
}

async fn orders_request_cancel(State(s): State<AppState>, bytes: Bytes) -> Response {
    act_on_orders(&s, &body_json(&bytes), |o, _| {
        !FINISHED.contains(&o.status.as_str())
    })
}

async fn order_set_partial(
    State(s): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = body_json(&bytes);
    let Some(remains) = body["remains"]
        .as_i64()
        .or_else(|| body["remains"].as_str()?.parse().ok())
    else {
        return api_error(2, "Field remains is required");
    };
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    match parse_id(&id).and_then(|id| w.order_mut(id)) {
        Some(o) if remains >= 0 && remains <= o.quantity => {
            o.status = "partial".into();
            o.remains = remains;
            o.last_update = now;
            Json(wire::envelope(json!({ "id": o.id }))).into_response()
        }
        Some(_) => api_error(3, "Invalid remains"),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Order not found"),
        ),
    }
}

async fn order_edit_link(
    State(s): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = body_json(&bytes);
    let Some(link) = body["link"]
        .as_str()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
    else {
        return api_error(2, "Field link is required");
    };
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    match parse_id(&id).and_then(|id| w.order_mut(id)) {
        Some(o) => {
            o.link = link;
            o.last_update = now;
            Json(wire::envelope(json!({ "id": o.id }))).into_response()
        }
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Order not found"),
        ),
    }
}

/// "12.5", 12.5 or "12" -> micro-units, exactly (no float for strings).
fn parse_amount(v: &Value) -> Option<i64> {
    let text = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    if frac.len() > 6
        || int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let int: i64 = int.parse().ok()?;
    let frac: i64 = format!("{frac:0<6}").parse().ok()?;
    int.checked_mul(1_000_000)?.checked_add(frac)
}

async fn payments_add(State(s): State<AppState>, bytes: Bytes) -> Response {
    let body = body_json(&bytes);
    let username = body["username"].as_str().unwrap_or_default().to_owned();
    let method = body["method"].as_str().unwrap_or_default().to_owned();
    let memo = body["memo"].as_str().unwrap_or_default().to_owned();
    let Some(amount) = parse_amount(&body["amount"]).filter(|a| *a > 0) else {
        return api_error(3, "Invalid amount");
    };
    if method.trim().is_empty() {
        return api_error(2, "Field method is required");
    }
    let mut w = s.world.write().expect("world lock");
    match w.add_payment(&username, amount, &method, &memo) {
        Some(id) => Json(wire::envelope(json!({ "payment_id": id }))).into_response(),
        None => api_error(4, "User not found"),
    }
}

fn with_ticket(s: &Shared, id: &str, f: impl FnOnce(&mut crate::data::Ticket)) -> Response {
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    match parse_id(id).and_then(|id| w.ticket_mut(id)) {
        Some(t) => {
            f(t);
            t.last_update = now;
            Json(wire::envelope(json!({ "id": t.id, "status": t.status }))).into_response()
        }
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Ticket not found"),
        ),
    }
}

async fn ticket_reply(State(s): State<AppState>, Path(id): Path<String>, bytes: Bytes) -> Response {
    let body = body_json(&bytes);
    let staff = body["staff_name"].as_str().unwrap_or_default().to_owned();
    let Some(message) = body["message"]
        .as_str()
        .filter(|m| !m.trim().is_empty())
        .map(str::to_owned)
    else {
        return api_error(2, "Field message is required");
    };
    if staff.trim().is_empty() {
        return api_error(2, "Field staff_name is required");
    }
    let mut w = s.world.write().expect("world lock");
    match parse_id(&id).and_then(|tid| w.reply(tid, &staff, &message)) {
        Some(message_id) => Json(wire::envelope(
            json!({ "id": parse_id(&id), "message_id": message_id }),
        ))
        .into_response(),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Ticket not found"),
        ),
    }
}

async fn ticket_close(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    with_ticket(&s, &id, |t| t.status = "closed".into())
}

async fn ticket_reopen(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    with_ticket(&s, &id, |t| t.status = "pending".into())
}

async fn ticket_assign(
    State(s): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = body_json(&bytes);
    let staff = body["staff_name"].as_str().map(str::to_owned);
    with_ticket(&s, &id, |t| t.assignee = staff)
}

// ---- the user API (services catalogue) -----------------------------------

async fn user_api(
    State(s): State<AppState>,
    axum::extract::Form(form): axum::extract::Form<HashMap<String, String>>,
) -> Response {
    if form.get("key") != Some(&s.services_key) {
        return Json(json!({ "error": "Invalid API key" })).into_response();
    }
    if form.get("action").map(String::as_str) != Some("services") {
        return Json(json!({ "error": "Incorrect request" })).into_response();
    }
    let w = s.world.read().expect("world lock");
    Json(Value::Array(
        w.services
            .iter()
            .map(|x| wire::service(x, &s.quirks))
            .collect(),
    ))
    .into_response()
}

// ---- controls ------------------------------------------------------------

#[derive(Deserialize)]
struct TickBody {
    seconds: i64,
}

async fn control_tick(State(s): State<AppState>, Json(b): Json<TickBody>) -> Response {
    let mut w = s.world.write().expect("world lock");
    w.tick(b.seconds);
    Json(json!({ "now": w.now })).into_response()
}

async fn control_faults_get(State(s): State<AppState>) -> Response {
    Json(s.faults.lock().expect("faults lock").clone()).into_response()
}

async fn control_faults_set(State(s): State<AppState>, Json(f): Json<Faults>) -> Response {
    *s.faults.lock().expect("faults lock") = f.clone();
    Json(f).into_response()
}

async fn control_requests(State(s): State<AppState>) -> Response {
    Json(s.requests.lock().expect("log lock").clone()).into_response()
}

async fn control_writes(State(s): State<AppState>) -> Response {
    Json(s.writes.lock().expect("log lock").clone()).into_response()
}

async fn control_clear(State(s): State<AppState>) -> Response {
    s.requests.lock().expect("log lock").clear();
    s.writes.lock().expect("log lock").clear();
    Json(json!({})).into_response()
}

async fn control_truth(State(s): State<AppState>) -> Response {
    Json(truth(&s.world.read().expect("world lock"))).into_response()
}

/// Every entity in its normalised form: money in micro-units, canonical
/// statuses, unix seconds, `user` as the username.
fn truth(w: &World) -> Value {
    json!({
        "now": w.now,
        "currency": crate::data::CURRENCY,
        "services": w.services,
        "users": w.users,
        "orders": w.orders,
        "payments": w.payments,
        "tickets": w.tickets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_or_not_at_all() {
        assert_eq!(parse_amount(&json!("12.5")), Some(12_500_000));
        assert_eq!(parse_amount(&json!(0.1)), Some(100_000));
        assert_eq!(parse_amount(&json!("7")), Some(7_000_000));
        assert_eq!(parse_amount(&json!("1.2345678")), None);
        assert_eq!(parse_amount(&json!("-5")), None);
        assert_eq!(parse_amount(&json!("1e3")), None);
    }
}
