//! The local API's HTTP server (axum), on a loopback address only.
//!
//! Each panel is served at `/<panel name>/adminapi/v2` (its catalogue at
//! `/<panel name>/api/v2`), exactly as a panel serves itself, so this
//! project's client and operators' Perfect Panel scripts work unchanged;
//! every panel together at `/adminapi/v2`, each row naming its `panel`.
//! Reads only read the cache, through a few kept connections.

use std::{
    collections::HashMap,
    net::SocketAddr,
    num::NonZeroU32,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{Path, Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Form, Json, Router,
};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota};
use rusqlite::types::Value as SqlValue;
use serde_json::{json, Value};

use super::{
    keys, wire,
    writes::{self, WriteRequest},
    Access, ApiKey, ApiResource, LocalApiError,
};
use crate::{
    db::{Db, LocalConn, ReadConn, Readers},
    tickets::Outbox,
    Error, Result,
};

/// Requests a second per key, unless the caller sets another rate.
pub const DEFAULT_RATE_PER_KEY: u32 = 20;
/// Rows a list answers when the caller does not say; at most `MAX_LIMIT`.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// What the server serves from: the data dir, its kept read connections,
/// and each key's rate bucket.
#[derive(Clone)]
pub struct LocalApi {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    /// The sync owner's outbox (and through it its engine): writes go
    /// through them. None when another process owns the sync (writes are
    /// then refused, nothing sent).
    outbox: Option<Outbox>,
    readers: Readers,
    limiter: DefaultKeyedRateLimiter<i64>,
    /// When each key's use was last written, so it is written once a minute.
    touched: Mutex<HashMap<i64, i64>>,
}

impl LocalApi {
    /// `outbox`: this process's when it owns the sync (writes need it);
    /// reads need none.
    pub fn new(db: Db, rate_per_key: u32, outbox: Option<Outbox>) -> LocalApi {
        let rate = NonZeroU32::new(rate_per_key).unwrap_or(NonZeroU32::MIN);
        LocalApi {
            inner: Arc::new(Inner {
                readers: Readers::new(db.clone()),
                db,
                outbox,
                limiter: DefaultKeyedRateLimiter::keyed(Quota::per_second(rate)),
                touched: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/adminapi/v2/{resource}", get(list_all))
            .route("/adminapi/v2/{resource}/{id}", get(one_all))
            .route("/{panel}/adminapi/v2/{resource}", get(list_panel))
            .route(
                "/{panel}/adminapi/v2/{resource}/{id}",
                get(one_panel).post(write_two),
            )
            .route(
                "/{panel}/adminapi/v2/{resource}/{id}/{action}",
                post(write_three),
            )
            .route_layer(middleware::from_fn_with_state(self.clone(), admin_key));
        Router::new()
            .merge(api)
            .route("/{panel}/api/v2", post(services))
            .fallback(unknown_route)
            .with_state(self.clone())
    }

    /// Runs `f` on a kept read connection, off the async workers.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&ReadConn) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let api = self.clone();
        tokio::task::spawn_blocking(move || api.inner.readers.with(f))
            .await
            .map_err(|e| Error::io("the local API's reader", std::io::Error::other(e)))?
    }

    /// The key `secret` is, within its rate: its answer when refused.
    async fn authorize(&self, secret: &str) -> std::result::Result<ApiKey, Refusal> {
        let secret = secret.to_owned();
        let key = self
            .read(move |conn| keys::authenticate(conn, "local.api_keys", &secret))
            .await
            .map_err(|e| Refusal::internal(&e))?
            .ok_or_else(|| Refusal::new(StatusCode::UNAUTHORIZED, "Invalid API key"))?;
        if let Err(not_until) = self.inner.limiter.check_key(&key.id) {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            return Err(Refusal {
                retry_after: Some(wait.as_secs_f64().ceil().max(1.0) as u64),
                ..Refusal::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
            });
        }
        self.touch(key.id);
        Ok(key)
    }

    /// Writes the key's last use, at most once a minute, in the background.
    fn touch(&self, id: i64) {
        let now = chrono::Utc::now().timestamp();
        {
            let mut touched = self.inner.touched.lock().unwrap_or_else(|e| e.into_inner());
            if touched.get(&id).is_some_and(|t| now - t < 60) {
                return;
            }
            touched.insert(id, now);
        }
        let db = self.inner.db.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = db.local().and_then(|l| keys::touch(&l, id, now)) {
                tracing::warn!("recording an API key's use: {e}");
            }
        });
    }
}

/// A server listening; dropped or stopped, it ends.
pub struct RunningApi {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningApi {
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Listens on `addr`, which must be a loopback address (port 0: any free
/// port; the one taken is in the answer).
pub async fn serve(api: LocalApi, addr: SocketAddr) -> Result<RunningApi> {
    if !addr.ip().is_loopback() {
        return Err(LocalApiError::NotLoopback(addr.ip()).into());
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::io(format!("listening on {addr}"), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("reading the local API's address", e))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = api.router();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::warn!("the local API stopped: {e}");
        }
    });
    tracing::info!("the local API listens on http://{addr}");
    Ok(RunningApi {
        addr,
        stop: Some(stop),
        task,
    })
}

/// Why a request gets no data, answered in the panel's envelope.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    /// The envelope's `error_code`: the HTTP status, or 100 for an unknown
    /// route (answered 200, as panels do).
    code: i64,
    message: String,
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code: i64::from(status.as_u16()),
            message: message.into(),
            retry_after: None,
        }
    }

    /// Unknown routes and panels, as a panel answers them.
    fn not_found() -> Refusal {
        Refusal {
            status: StatusCode::OK,
            code: 100,
            message: "Page not found.".into(),
            retry_after: None,
        }
    }

    fn internal(e: &Error) -> Refusal {
        tracing::warn!("the local API could not answer: {e}");
        Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(wire::error(self.code, &self.message))).into_response();
        if let Some(secs) = self.retry_after {
            r.headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        r
    }
}

async fn unknown_route() -> Refusal {
    Refusal::not_found()
}

/// The admin API's key check: `X-Api-Key`, then the key's rate.
async fn admin_key(
    State(api): State<LocalApi>,
    headers: HeaderMap,
    mut req: Request,
    next: Next,
) -> Response {
    let secret = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match api.authorize(secret).await {
        Ok(key) => {
            req.extensions_mut().insert(key);
            next.run(req).await
        }
        Err(refused) => refused.into_response(),
    }
}

fn resource(name: &str) -> Option<ApiResource> {
    match name {
        "orders" => Some(ApiResource::Orders),
        "users" => Some(ApiResource::Users),
        "payments" => Some(ApiResource::Payments),
        "tickets" => Some(ApiResource::Tickets),
        _ => None,
    }
}

/// Which panels a request reaches: the one in its path (by name), or every
/// panel the key may reach. Refused when the key may not.
async fn panels_for(
    api: &LocalApi,
    key: &ApiKey,
    panel: Option<String>,
) -> std::result::Result<Vec<i64>, Refusal> {
    let all: Vec<(i64, String)> = api
        .read(|conn| {
            let mut st = conn
                .prepare("SELECT id, name FROM local.panels ORDER BY id")
                .map_err(LocalConn::err)?;
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(LocalConn::err)?;
            Ok(rows)
        })
        .await
        .map_err(|e| Refusal::internal(&e))?;
    match panel {
        Some(name) => {
            // As written, else regardless of case: clients (this project's
            // among them) may lower-case the path of a panel's address.
            let found = all.iter().find(|(_, n)| *n == name).or_else(|| {
                let mut same = all
                    .iter()
                    .filter(|(_, n)| n.to_lowercase() == name.to_lowercase());
                same.next().filter(|_| same.next().is_none())
            });
            let Some((id, _)) = found else {
                return Err(Refusal::not_found());
            };
            if !key.reaches(*id) {
                return Err(Refusal::new(
                    StatusCode::FORBIDDEN,
                    "This key may not reach this panel",
                ));
            }
            Ok(vec![*id])
        }
        None => Ok(all
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| key.reaches(*id))
            .collect()),
    }
}

fn check_scope(
    key: &ApiKey,
    resource: ApiResource,
    access: Access,
) -> std::result::Result<(), Refusal> {
    if key.allows(resource, access) {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            format!("This key may not {access} {resource}"),
        ))
    }
}

async fn list_all(
    State(api): State<LocalApi>,
    Extension(key): Extension<ApiKey>,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    req_uri: axum::http::Uri,
) -> std::result::Result<Response, Refusal> {
    list(api, key, None, name, q, req_uri).await
}

async fn list_panel(
    State(api): State<LocalApi>,
    Extension(key): Extension<ApiKey>,
    Path((panel, name)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    req_uri: axum::http::Uri,
) -> std::result::Result<Response, Refusal> {
    list(api, key, Some(panel), name, q, req_uri).await
}

async fn one_all(
    State(api): State<LocalApi>,
    Extension(key): Extension<ApiKey>,
    Path((name, id)): Path<(String, String)>,
) -> std::result::Result<Response, Refusal> {
    one(api, key, None, name, id).await
}

async fn one_panel(
    State(api): State<LocalApi>,
    Extension(key): Extension<ApiKey>,
    Path((panel, name, id)): Path<(String, String, String)>,
) -> std::result::Result<Response, Refusal> {
    one(api, key, Some(panel), name, id).await
}

/// A list's SQL: the table, its columns, its filters.
struct Listing {
    table: &'static str,
    columns: &'static str,
    read: fn(&rusqlite::Row<'_>, bool) -> rusqlite::Result<Value>,
    /// Query parameter -> column compared for equality.
    equal: &'static [(&'static str, &'static str)],
    /// Query parameter -> column in a comma-separated list of ids.
    any_of: &'static [(&'static str, &'static str)],
    extra: &'static str,
}

fn listing(resource: ApiResource) -> Option<Listing> {
    Some(match resource {
        ApiResource::Orders => Listing {
            table: "orders",
            columns: wire::ORDER_COLUMNS,
            read: wire::order,
            equal: &[
                ("order_status", "o.status"),
                ("user", "o.user"),
                ("mode", "o.mode"),
            ],
            any_of: &[("ids", "o.id"), ("service_ids", "o.service_id")],
            extra: "",
        },
        ApiResource::Users => Listing {
            table: "users",
            columns: wire::USER_COLUMNS,
            read: wire::user,
            equal: &[("username", "o.username"), ("email", "o.email")],
            any_of: &[("ids", "o.id")],
            extra: "",
        },
        ApiResource::Payments => Listing {
            table: "payments",
            columns: wire::PAYMENT_COLUMNS,
            read: wire::payment,
            equal: &[("user", "o.user"), ("status", "o.status")],
            any_of: &[("ids", "o.id")],
            extra: "",
        },
        ApiResource::Tickets => Listing {
            table: "tickets",
            columns: wire::TICKET_COLUMNS,
            read: wire::ticket,
            equal: &[("status", "o.status")],
            any_of: &[("ids", "o.id")],
            extra: " AND o.deleted = 0",
        },
        ApiResource::Services => return None,
    })
}

fn ids(text: &str) -> Vec<i64> {
    text.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

async fn list(
    api: LocalApi,
    key: ApiKey,
    panel: Option<String>,
    name: String,
    q: HashMap<String, String>,
    uri: axum::http::Uri,
) -> std::result::Result<Response, Refusal> {
    let resource = resource(&name).ok_or_else(Refusal::not_found)?;
    check_scope(&key, resource, Access::Read)?;
    let all_panels = panel.is_none();
    let panels = panels_for(&api, &key, panel).await?;
    let spec = listing(resource).ok_or_else(Refusal::not_found)?;
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<u32>().ok())
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    let offset = q
        .get("offset")
        .and_then(|o| o.parse::<u64>().ok())
        .unwrap_or(0);
    let ascending = q.get("sort").is_some_and(|s| s == "date-asc");

    let mut sql = format!(
        "SELECT o.panel_id, p.name, {} FROM {} o JOIN local.panels p ON p.id = o.panel_id WHERE o.panel_id IN ({}){}",
        spec.columns,
        spec.table,
        panels.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        spec.extra,
    );
    if panels.is_empty() {
        sql.push_str(" AND 0");
    }
    let mut args: Vec<SqlValue> = Vec::new();
    for (param, column) in [("created_from", ">="), ("created_to", "<=")] {
        if let Some(t) = q.get(param).and_then(|t| t.parse::<i64>().ok()) {
            args.push(SqlValue::Integer(t));
            sql.push_str(&format!(" AND o.created {column} ?{}", args.len()));
        }
    }
    for (param, column) in spec.equal {
        if let Some(v) = q.get(*param).filter(|v| !v.is_empty()) {
            args.push(SqlValue::Text(v.clone()));
            sql.push_str(&format!(" AND {column} = ?{}", args.len()));
        }
    }
    for (param, column) in spec.any_of {
        if let Some(v) = q.get(*param).filter(|v| !v.is_empty()) {
            let list = ids(v);
            sql.push_str(&format!(
                " AND {column} IN ({})",
                list.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ));
            if list.is_empty() {
                sql.push_str(" AND 0");
            }
        }
    }
    let dir = if ascending { "ASC" } else { "DESC" };
    sql.push_str(&format!(
        " ORDER BY o.created {dir}, o.id {dir} LIMIT {limit} OFFSET {offset}"
    ));
    let read = spec.read;
    let rows = api
        .read(move |conn| {
            let mut st = conn.prepare_cached(&sql).map_err(LocalConn::err)?;
            let rows = st
                .query_map(rusqlite::params_from_iter(args), |r| read(r, all_panels))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(LocalConn::err)?;
            Ok(rows)
        })
        .await
        .map_err(|e| Refusal::internal(&e))?;
    let full = rows.len() as u32 == limit;
    let href = |at: u64| {
        let mut params: Vec<(String, String)> = q
            .iter()
            .filter(|(k, _)| k.as_str() != "offset")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        params.sort();
        params.push(("offset".into(), at.to_string()));
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        json!(format!("{}?{query}", uri.path()))
    };
    let pagination = json!({
        "prev_page_href": if offset > 0 { href(offset.saturating_sub(u64::from(limit))) } else { Value::Null },
        "next_page_href": if full { href(offset + u64::from(limit)) } else { Value::Null },
        "offset": offset,
        "limit": limit,
    });
    // `count` is this page's size (panels differ on it; the client pages by
    // `next_page_href` and short pages, never by count).
    let data = json!({ "count": rows.len(), "list": rows });
    Ok(Json(wire::envelope(data, Some(pagination))).into_response())
}

async fn one(
    api: LocalApi,
    key: ApiKey,
    panel: Option<String>,
    name: String,
    id: String,
) -> std::result::Result<Response, Refusal> {
    let (Some(resource), Ok(id)) = (resource(&name), id.parse::<i64>()) else {
        return Err(Refusal::not_found());
    };
    if !matches!(resource, ApiResource::Orders | ApiResource::Tickets) {
        return Err(Refusal::not_found());
    }
    check_scope(&key, resource, Access::Read)?;
    let all_panels = panel.is_none();
    let panels = panels_for(&api, &key, panel).await?;
    let spec = listing(resource).ok_or_else(Refusal::not_found)?;
    let sql = format!(
        "SELECT o.panel_id, p.name, {} FROM {} o JOIN local.panels p ON p.id = o.panel_id
         WHERE o.panel_id IN ({}) AND o.id = ?1{} ORDER BY o.panel_id LIMIT 1",
        spec.columns,
        spec.table,
        panels
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        spec.extra,
    );
    let read = spec.read;
    let found = api
        .read(move |conn| {
            use rusqlite::OptionalExtension;
            let row = conn
                .query_row(&sql, [id], |r| {
                    Ok((r.get::<_, i64>(0)?, read(r, all_panels)?))
                })
                .optional()
                .map_err(LocalConn::err)?;
            let Some((panel_id, mut value)) = row else {
                return Ok(None);
            };
            if resource == ApiResource::Tickets {
                let mut st = conn
                    .prepare_cached(
                        "SELECT id, message, is_staff, staff_name, created FROM ticket_messages
                         WHERE panel_id = ?1 AND ticket_id = ?2 ORDER BY seq",
                    )
                    .map_err(LocalConn::err)?;
                let messages = st
                    .query_map((panel_id, id), wire::message)
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .map_err(LocalConn::err)?;
                value["messages"] = Value::Array(messages);
            }
            Ok(Some(value))
        })
        .await
        .map_err(|e| Refusal::internal(&e))?;
    match found {
        Some(value) => Ok(Json(wire::envelope(value, None)).into_response()),
        None => Err(Refusal::new(StatusCode::NOT_FOUND, "Not found")),
    }
}

/// `payments/add`, `orders/resend`, `orders/cancel`... (two segments).
async fn write_two(
    State(api): State<LocalApi>,
    Extension(key): Extension<ApiKey>,
    Path((panel, resource, what)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> std::result::Result<Response, Refusal> {
    write(api, key, panel, format!("{resource}/{what}"), headers, body).await
}

/// `orders/{id}/set-partial`, `orders/{id}/edit-link`, `tickets/{id}/reply`
/// (three segments).
async fn write_three(
    State(api): State<LocalApi>,
    Extension(key): Extension<ApiKey>,
    Path((panel, resource, id, action)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> std::result::Result<Response, Refusal> {
    write(
        api,
        key,
        panel,
        format!("{resource}/{id}/{action}"),
        headers,
        body,
    )
    .await
}

/// A write to one panel, in the key's write scope, once per Idempotency-Key.
async fn write(
    api: LocalApi,
    key: ApiKey,
    panel: String,
    route: String,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> std::result::Result<Response, Refusal> {
    let resource = match route.split('/').next() {
        Some("payments") => ApiResource::Payments,
        Some("orders") => ApiResource::Orders,
        Some("tickets") => ApiResource::Tickets,
        _ => return Err(Refusal::not_found()),
    };
    check_scope(&key, resource, Access::Write)?;
    let panel_id = panels_for(&api, &key, Some(panel)).await?[0];
    let idempotency = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let (status, answer) = writes::write(
        &api.inner.db,
        api.inner.outbox.as_ref(),
        &key,
        WriteRequest {
            panel_id,
            route: &route,
            body: &body,
            idempotency,
        },
    )
    .await
    .map_err(|e| Refusal::internal(&e))?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Ok((status, Json(answer)).into_response())
}

/// The user API's catalogue (`POST /<panel>/api/v2`, `key` and
/// `action=services` in the form): a bare array, as panels answer it.
async fn services(
    State(api): State<LocalApi>,
    Path(panel): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> std::result::Result<Response, Refusal> {
    let key = api
        .authorize(form.get("key").map(String::as_str).unwrap_or_default())
        .await?;
    if form.get("action").map(String::as_str) != Some("services") {
        let unknown = Json(json!({ "error": "Incorrect request" }));
        return Ok((StatusCode::OK, unknown).into_response());
    }
    check_scope(&key, ApiResource::Services, Access::Read)?;
    let panels = panels_for(&api, &key, Some(panel)).await?;
    let rows = api
        .read(move |conn| {
            let mut st = conn
                .prepare_cached(
                    "SELECT id, name, kind, category, rate, min, max FROM services
                     WHERE panel_id = ?1 ORDER BY id",
                )
                .map_err(LocalConn::err)?;
            let rows = st
                .query_map([panels[0]], wire::service)
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(LocalConn::err)?;
            Ok(rows)
        })
        .await
        .map_err(|e| Refusal::internal(&e))?;
    Ok(Json(Value::Array(rows)).into_response())
}
