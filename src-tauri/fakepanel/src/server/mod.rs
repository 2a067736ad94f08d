//! The HTTP server: Admin API v2 routes, the user API's services, the
//! `/__fake/` controls, and the gate that applies faults and keeps the record.

mod control;
mod gate;
mod reads;
mod writes;

use control::*;
use gate::*;
use reads::*;
use writes::*;

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
        let (tx, rx) = oneshot::channel();
        let (addr, shared, thread) = serve_on_thread(move || prepare(config), rx)?;
        Ok(FakePanel::new(addr, shared, tx, Some(thread)))
    }

    /// Stops serving, as a panel that went down: connections are refused
    /// until [`FakePanel::restart`]. The world and the records are kept.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Serves the same world on the same address again, from a thread of its own.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.stop();
        let addr: SocketAddr = self
            .url
            .trim_start_matches("http://")
            .parse()
            .map_err(std::io::Error::other)?;
        let shared = self.shared.clone();
        let (tx, rx) = oneshot::channel();
        let (_, _, thread) = serve_on_thread(
            move || async move { Ok((shared, tokio::net::TcpListener::bind(addr).await?)) },
            rx,
        )?;
        self.shutdown = Some(tx);
        self.thread = Some(thread);
        Ok(())
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
        self.stop();
    }
}

/// Serves what `bind` makes ready on a runtime and thread of their own,
/// once it is listening.
fn serve_on_thread<F, Fut>(
    bind: F,
    shutdown: oneshot::Receiver<()>,
) -> std::io::Result<(SocketAddr, Arc<Shared>, std::thread::JoinHandle<()>)>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = std::io::Result<(Arc<Shared>, tokio::net::TcpListener)>>,
{
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
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
                match bind().await {
                    Ok((shared, listener)) => {
                        let addr = listener.local_addr();
                        let _ = ready_tx.send(addr.map(|a| (a, shared.clone())));
                        serve(listener, shared, shutdown).await;
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
    Ok((addr, shared, thread))
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
        .route("/truth", get(control_truth))
        .route(
            "/tickets/{id}/customer-message",
            post(control_customer_message),
        );
    Router::new()
        .nest("/adminapi/v2", admin)
        .nest("/__fake", control)
        .route("/api/v2", post(user_api))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
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
