//! The Admin API v2 client: one per panel, its own token bucket, retries with
//! backoff and jitter for reads, and writes sent exactly once.

use std::{
    future::Future,
    num::NonZeroU32,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc,
    },
    time::Duration,
};

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::{header::RETRY_AFTER, Method, StatusCode};
use serde_json::{json, Value};
use url::Url;

use super::{error::MAX_RETRY_WAIT, parse, url::user_api_url, ListPage, PanelError};
use crate::model::{Order, Payment, Service, Ticket, TicketWithMessages, User};

/// The default rate limit, requests per second (one source gives 5 for PP).
pub const DEFAULT_RATE_LIMIT: f64 = 5.0;
/// Panels accept up to 1000 rows a page.
pub const MAX_LIMIT: u32 = 1000;

#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Requests per second: a token bucket of max(1, floor(R)) tokens refilled at R/s.
    pub rate_limit: f64,
    pub timeout: Duration,
    /// Extra attempts for a read after a transient failure.
    pub read_retries: usize,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            rate_limit: DEFAULT_RATE_LIMIT,
            timeout: Duration::from_secs(30),
            read_retries: 5,
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
        }
    }
}

/// What a list request asks for; unset fields are not sent.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub limit: Option<u32>,
    pub offset: Option<u64>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// `date-desc` when false (the default), `date-asc` when true.
    pub ascending: bool,
    pub ids: Vec<i64>,
    pub status: Option<String>,
    pub service_ids: Vec<i64>,
    pub user: Option<String>,
    pub mode: Option<String>,
}

impl ListQuery {
    pub fn page(limit: u32, offset: u64) -> Self {
        ListQuery {
            limit: Some(limit.min(MAX_LIMIT)),
            offset: Some(offset),
            ..Default::default()
        }
    }

    fn pairs(&self, status_key: &str, user_key: &str) -> Vec<(String, String)> {
        let mut q = Vec::new();
        let join = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        if let Some(l) = self.limit {
            q.push(("limit".into(), l.min(MAX_LIMIT).to_string()));
        }
        if let Some(o) = self.offset {
            q.push(("offset".into(), o.to_string()));
        }
        if let Some(f) = self.created_from {
            q.push(("created_from".into(), f.to_string()));
        }
        if let Some(t) = self.created_to {
            q.push(("created_to".into(), t.to_string()));
        }
        q.push((
            "sort".into(),
            if self.ascending {
                "date-asc"
            } else {
                "date-desc"
            }
            .into(),
        ));
        if !self.ids.is_empty() {
            q.push(("ids".into(), join(&self.ids)));
        }
        if !self.service_ids.is_empty() {
            q.push(("service_ids".into(), join(&self.service_ids)));
        }
        if let Some(s) = &self.status {
            q.push((status_key.into(), s.clone()));
        }
        if let Some(u) = &self.user {
            q.push((user_key.into(), u.clone()));
        }
        if let Some(m) = &self.mode {
            q.push(("mode".into(), m.clone()));
        }
        q
    }
}

/// What an order action did: the ids it applied to and those the panel skipped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActionOutcome {
    pub ids: Vec<i64>,
    pub skipped_ids: Vec<i64>,
}

/// A panel's Admin API v2. Cheap to clone; clones share the token bucket.
#[derive(Clone)]
pub struct PanelClient {
    http: reqwest::Client,
    base: Url,
    key: Arc<str>,
    limiter: Arc<DefaultDirectRateLimiter>,
    options: ClientOptions,
}

impl std::fmt::Debug for PanelClient {
    // Never print the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PanelClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

fn limiter(rate: f64) -> DefaultDirectRateLimiter {
    let rate = if rate.is_finite() && rate > 0.0 {
        rate
    } else {
        DEFAULT_RATE_LIMIT
    };
    // The panel counts arrivals, and the network can bunch requests closer
    // than they were sent (the first of a burst waits for its connection).
    // One token less than the panel's bucket holds, and a period 1 % longer,
    // absorb up to one period of such jitter while keeping the panel's rule
    // (at most max(1, floor(R)) + R x t in any span t).
    let capacity = NonZeroU32::new((rate.floor() - 1.0).max(1.0) as u32).unwrap_or(NonZeroU32::MIN);
    let period = Duration::from_secs_f64(1.01 / rate);
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(capacity);
    RateLimiter::direct(quota)
}

/// The error and its causes in one line ("error sending request: connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl PanelClient {
    /// A client for the panel at `url` (any form [`super::normalize_base_url`] takes).
    pub fn new(url: &str, key: &str, options: ClientOptions) -> Result<PanelClient, PanelError> {
        let base = super::normalize_base_url(url)?;
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("Paneldesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PanelError::Unreachable {
                detail: e.to_string(),
            })?;
        Ok(PanelClient {
            http,
            base,
            key: Arc::from(key),
            limiter: Arc::new(limiter(options.rate_limit)),
            options,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!(
            "{}/{}",
            self.base.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        ));
        url
    }

    /// One request, after a token from the bucket. Classifies the answer; returns the body of a 2xx.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<Vec<u8>, PanelError> {
        self.limiter.until_ready().await;
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("X-Api-Key", &*self.key)
            .query(query);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| self.transport_error(e))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = resp.bytes().await.map_err(|e| self.transport_error(e))?;
        match status {
            s if s.is_success() => Ok(bytes.to_vec()),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(PanelError::WrongKey),
            StatusCode::TOO_MANY_REQUESTS => Err(PanelError::RateLimited {
                retry_after,
                tries: 1,
            }),
            StatusCode::NOT_FOUND => Err(PanelError::NotFound {
                what: path.trim_start_matches('/').to_owned(),
            }),
            s => Err(PanelError::Http { status: s.as_u16() }),
        }
    }

    fn transport_error(&self, e: reqwest::Error) -> PanelError {
        if e.is_timeout() {
            PanelError::Timeout(self.options.timeout)
        } else if e.is_connect() || e.is_builder() {
            // Never sent. reqwest's text never holds the headers: the key stays out.
            PanelError::Unreachable {
                detail: error_chain(&e),
            }
        } else {
            PanelError::Interrupted {
                detail: error_chain(&e),
            }
        }
    }

    /// A read: retried on transient failures with exponential backoff and
    /// jitter, waiting what `Retry-After` asks (at most [`MAX_RETRY_WAIT`])
    /// when the panel says so. It ends after `read_retries` retries, so a 429
    /// that never ends fails in bounded time (about a minute by default).
    async fn retrying<T, F, Fut>(&self, attempt: F) -> Result<T, PanelError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, PanelError>>,
    {
        let tries = AtomicU32::new(0);
        let counted = || {
            tries.fetch_add(1, Ordering::Relaxed);
            attempt()
        };
        counted
            .retry(
                ExponentialBuilder::default()
                    .with_min_delay(self.options.min_backoff)
                    .with_max_delay(self.options.max_backoff)
                    .with_max_times(self.options.read_retries)
                    .with_jitter(),
            )
            .when(PanelError::is_transient)
            .adjust(|e, backoff| {
                // None: the retries are used up, and the read ends here.
                let backoff = backoff?;
                Some(match e {
                    PanelError::RateLimited {
                        retry_after: Some(wait),
                        ..
                    } => backoff.max((*wait).min(MAX_RETRY_WAIT)),
                    _ => backoff,
                })
            })
            .notify(|e, wait| tracing::debug!(panel = %self.base, "retrying in {wait:?}: {e}"))
            .await
            .map_err(|e| match e {
                PanelError::RateLimited { retry_after, .. } => PanelError::RateLimited {
                    retry_after,
                    tries: tries.load(Ordering::Relaxed),
                },
                e => e,
            })
    }

    async fn get_data(&self, path: &str, query: &[(String, String)]) -> Result<Value, PanelError> {
        self.retrying(|| async {
            parse::envelope(&self.send(Method::GET, path, query, None).await?)
        })
        .await
    }

    /// A write: sent once, never retried; its answer is checked. When no
    /// readable answer comes back it may have been applied, and the error says so.
    async fn post_data(&self, path: &str, body: Value, action: &str) -> Result<Value, PanelError> {
        let unknown = |detail: String| PanelError::OutcomeUnknown {
            action: action.into(),
            detail,
        };
        let answer = match self.send(Method::POST, path, &[], Some(&body)).await {
            Ok(bytes) => parse::envelope(&bytes),
            Err(e) => Err(e),
        };
        answer.map_err(|e| match e {
            PanelError::Timeout(_)
            | PanelError::Interrupted { .. }
            | PanelError::Malformed { .. } => unknown(e.to_string()),
            PanelError::Http { status } if status >= 500 => unknown(e.to_string()),
            PanelError::Api { code: 100, .. } => PanelError::Unsupported {
                action: action.into(),
            },
            e => e,
        })
    }

    // ---- reads ---------------------------------------------------------------

    pub async fn orders(&self, q: &ListQuery) -> Result<ListPage<Order>, PanelError> {
        let data = self
            .get_data("orders", &q.pairs("order_status", "user"))
            .await?;
        parse::list(data, "orders", parse::order)
    }

    pub async fn order(&self, id: i64) -> Result<Order, PanelError> {
        let data = self.get_data(&format!("orders/{id}"), &[]).await?;
        let obj = data.as_object().ok_or_else(|| PanelError::Malformed {
            detail: "the order answer is not an object".into(),
        })?;
        parse::order(obj).map_err(|reason| PanelError::Malformed {
            detail: format!("order {id}: {reason}"),
        })
    }

    pub async fn users(&self, q: &ListQuery) -> Result<ListPage<User>, PanelError> {
        let data = self
            .get_data("users", &q.pairs("status", "username"))
            .await?;
        parse::list(data, "users", parse::user)
    }

    pub async fn payments(&self, q: &ListQuery) -> Result<ListPage<Payment>, PanelError> {
        let data = self
            .get_data("payments", &q.pairs("status", "user"))
            .await?;
        parse::list(data, "payments", parse::payment)
    }

    pub async fn tickets(&self, q: &ListQuery) -> Result<ListPage<Ticket>, PanelError> {
        let data = self.get_data("tickets", &q.pairs("status", "user")).await?;
        parse::list(data, "tickets", parse::ticket)
    }

    pub async fn ticket(&self, id: i64) -> Result<TicketWithMessages, PanelError> {
        parse::ticket_detail(self.get_data(&format!("tickets/{id}"), &[]).await?)
    }

    /// The services catalogue from the user API (`action=services`), with the
    /// services key (not the admin key). Shares this panel's token bucket.
    pub async fn services(&self, services_key: &str) -> Result<Vec<Service>, PanelError> {
        let url = user_api_url(&self.base);
        let attempt = || async {
            self.limiter.until_ready().await;
            let resp = self
                .http
                .post(url.clone())
                .form(&[("key", services_key), ("action", "services")])
                .send()
                .await
                .map_err(|e| self.transport_error(e))?;
            let status = resp.status();
            let bytes = resp.bytes().await.map_err(|e| self.transport_error(e))?;
            match status {
                s if s.is_success() => parse::services(&bytes),
                StatusCode::TOO_MANY_REQUESTS => Err(PanelError::RateLimited {
                    retry_after: None,
                    tries: 1,
                }),
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(PanelError::WrongKey),
                s => Err(PanelError::Http { status: s.as_u16() }),
            }
        };
        let page = self.retrying(attempt).await?;
        for issue in &page.skipped {
            tracing::warn!(panel = %self.base, resource = issue.resource, id = ?issue.id, "skipped a row: {}", issue.reason);
        }
        Ok(page.rows)
    }

    // ---- writes --------------------------------------------------------------

    fn ids_body(ids: &[i64]) -> String {
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    }

    fn outcome(data: &Value) -> ActionOutcome {
        let ids = |k: &str| {
            data.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(parse::int).collect())
                .unwrap_or_default()
        };
        ActionOutcome {
            ids: ids("ids"),
            skipped_ids: ids("skipped_ids"),
        }
    }

    pub async fn change_status(
        &self,
        ids: &[i64],
        status: &str,
    ) -> Result<ActionOutcome, PanelError> {
        let data = self
            .post_data(
                "orders/change-status",
                json!({ "ids": Self::ids_body(ids), "status": status }),
                "status change",
            )
            .await?;
        Ok(Self::outcome(&data))
    }

    /// Re-sends failed orders to their provider (not a refill).
    pub async fn resend(&self, ids: &[i64]) -> Result<ActionOutcome, PanelError> {
        let data = self
            .post_data(
                "orders/resend",
                json!({ "ids": Self::ids_body(ids) }),
                "resend",
            )
            .await?;
        Ok(Self::outcome(&data))
    }

    /// Cancels and refunds.
    pub async fn cancel(
        &self,
        ids: &[i64],
        reason: Option<&str>,
    ) -> Result<ActionOutcome, PanelError> {
        let mut body = json!({ "ids": Self::ids_body(ids) });
        if let Some(r) = reason {
            body["cancel_reason"] = json!(r);
        }
        let data = self.post_data("orders/cancel", body, "cancel").await?;
        Ok(Self::outcome(&data))
    }

    pub async fn request_cancel(&self, ids: &[i64]) -> Result<ActionOutcome, PanelError> {
        let data = self
            .post_data(
                "orders/request-cancel",
                json!({ "ids": Self::ids_body(ids) }),
                "cancel request",
            )
            .await?;
        Ok(Self::outcome(&data))
    }

    pub async fn set_partial(&self, id: i64, remains: i64) -> Result<(), PanelError> {
        self.post_data(
            &format!("orders/{id}/set-partial"),
            json!({ "remains": remains }),
            "set partial",
        )
        .await
        .map(drop)
    }

    pub async fn edit_link(&self, id: i64, link: &str) -> Result<(), PanelError> {
        self.post_data(
            &format!("orders/{id}/edit-link"),
            json!({ "link": link }),
            "link edit",
        )
        .await
        .map(drop)
    }

    /// Adds a payment; returns the panel's payment id. `method` is sent exactly as given.
    pub async fn add_payment(
        &self,
        username: &str,
        amount_micros: i64,
        method: &str,
        memo: &str,
        affiliate_commission: bool,
    ) -> Result<i64, PanelError> {
        let body = json!({
            "username": username,
            "amount": crate::model::format_micros(amount_micros),
            "method": method,
            "memo": memo,
            "affiliate_commission": affiliate_commission,
        });
        let data = self.post_data("payments/add", body, "payment").await?;
        data.get("payment_id")
            .and_then(parse::int)
            .ok_or_else(|| PanelError::OutcomeUnknown {
                action: "payment".into(),
                detail: "the panel's answer has no payment_id".into(),
            })
    }

    pub async fn reply(
        &self,
        ticket_id: i64,
        staff_name: &str,
        message: &str,
    ) -> Result<(), PanelError> {
        self.post_data(
            &format!("tickets/{ticket_id}/reply"),
            json!({ "staff_name": staff_name, "message": message }),
            "reply",
        )
        .await
        .map(drop)
    }

    pub async fn close_ticket(&self, ticket_id: i64) -> Result<(), PanelError> {
        self.post_data(
            &format!("tickets/{ticket_id}/close"),
            json!({}),
            "ticket close",
        )
        .await
        .map(drop)
    }

    pub async fn reopen_ticket(&self, ticket_id: i64) -> Result<(), PanelError> {
        self.post_data(
            &format!("tickets/{ticket_id}/reopen"),
            json!({}),
            "ticket reopen",
        )
        .await
        .map(drop)
    }

    pub async fn assign_ticket(&self, ticket_id: i64, staff_name: &str) -> Result<(), PanelError> {
        self.post_data(
            &format!("tickets/{ticket_id}/assign"),
            json!({ "staff_name": staff_name }),
            "ticket assignment",
        )
        .await
        .map(drop)
    }
}
