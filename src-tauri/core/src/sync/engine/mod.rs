//! The engine proper, by concern:
//! - here: the engine's handle, its options, and one client per panel;
//! - [`scheduler`]: watch mode (intervals, back-off, retention, verify);
//! - [`runner`]: one panel's run of a resource (cursors, commits, events);
//! - [`rows`]: what each resource's rows are (fetch, upsert, what retention keeps);
//! - [`paging`]: the pipelined paging, refreshes and conversations;
//! - [`verify`]: the slow pass comparing the cache with the panel.

mod paging;
mod rows;
mod runner;
mod scheduler;
mod verify;

use rows::*;
use runner::*;

use std::{
    collections::HashMap,
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use futures::{stream, StreamExt};

use tokio::sync::{broadcast, watch};

use super::{Resource, SyncEvent, SyncStatus};
use crate::settings::{resource_settings, retention_days};
use crate::{
    db::{CacheTx, Db, WriteConns, Writer},
    model::{Order, Payment, Ticket, User},
    panel::{ListPage, ListQuery, PanelClient, PanelError, RowIssue, MAX_LIMIT},
    panels::{self, Panel, PanelStatus},
    secrets::Keychain,
    store::{self, SyncState},
    Error, ErrorCode, Result,
};

#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Pages requested ahead while the previous ones are written.
    pub in_flight: usize,
    /// Conversations are fetched for open tickets and those updated this recently.
    pub messages_days: i64,
    /// The head re-reads this many seconds before its cursor (late writes on the panel).
    pub head_margin_s: i64,
    /// How often users, payments and tickets are reconciled in full in watch mode.
    pub reconcile_every_s: i64,
    /// Watch mode re-reads the payments still pending that were created this
    /// recently (older ones wait for the reconcile).
    pub pending_payment_days: i64,
    /// How often watch mode applies the retention.
    pub retention_every_s: u64,
    /// How often watch mode verifies the cache against the panels.
    pub verify_every_s: i64,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            in_flight: 4,
            messages_days: 30,
            head_margin_s: 300,
            reconcile_every_s: 3600,
            pending_payment_days: 7,
            retention_every_s: 3600,
            verify_every_s: 86_400,
        }
    }
}

/// How one panel's sync went.
#[derive(Debug)]
pub struct SyncOutcome {
    pub panel: String,
    pub fetched: Vec<(Resource, u64)>,
    /// The first error; the panel's other resources were still tried unless
    /// the key was wrong or the panel unreachable.
    pub error: Option<Error>,
}

struct Inner {
    db: Db,
    writer: Writer,
    keychain: Keychain,
    events: broadcast::Sender<SyncEvent>,
    /// Bumped by `nudge`: watching panels sync at once and re-read settings.
    nudges: watch::Sender<u64>,
    /// Bumped by `verify_now`: watching panels start a verify pass.
    verifies: watch::Sender<u64>,
    /// One client per panel for the engine's lifetime: one token bucket
    /// shared by every request to that panel. Replaced when the panel's
    /// address, key or rate limit changes.
    clients: std::sync::Mutex<HashMap<i64, (ClientConfig, PanelClient)>>,
    options: EngineOptions,
}

/// What a panel's client is built from.
#[derive(PartialEq)]
struct ClientConfig {
    url: String,
    key: String,
    rate_limit: u64,
}

/// Cheap to clone; clones share the writer and the event channel.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Engine {
    pub fn new(db: Db, writer: Writer, keychain: Keychain, options: EngineOptions) -> Engine {
        let (events, _) = broadcast::channel(1024);
        let (nudges, _) = watch::channel(0);
        let (verifies, _) = watch::channel(0);
        Engine {
            inner: Arc::new(Inner {
                db,
                writer,
                keychain,
                events,
                nudges,
                verifies,
                clients: Default::default(),
                options,
            }),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.inner.events.subscribe()
    }

    /// Wakes `watch`: new or re-enabled panels start, every panel syncs now
    /// with its current settings (a settings change applies at once).
    pub fn nudge(&self) {
        self.inner.nudges.send_modify(|n| *n += 1);
    }

    /// Wakes `watch` and starts a verify pass on every panel now.
    pub fn verify_now(&self) {
        self.inner.verifies.send_modify(|n| *n += 1);
    }

    /// Verifies every enabled panel (or the one named) against the cache
    /// until the pass is done (`paneldesk-cli verify`).
    pub async fn verify_once(&self, only: Option<&str>) -> Result<Vec<SyncOutcome>> {
        let runs = self.enabled_panels(only)?.into_iter().map(|p| {
            let inner = self.inner.clone();
            async move { verify::verify_panel(&inner, p).await }
        });
        Ok(futures::future::join_all(runs).await)
    }

    /// Fetches the conversations a flagged-replies report lacks (at most
    /// `max`, newest first), through each panel's one client and the one
    /// writer, so a report itself only reads the cache. Call it only while
    /// owning the sync lock. A panel that fails keeps its tickets for the
    /// next run (the report counts them as `not_fetched`). Returns how many
    /// were stored.
    pub async fn fetch_report_conversations(
        &self,
        panel: Option<i64>,
        window_hours: f64,
        at: i64,
        max: usize,
    ) -> Result<u64> {
        let missing = crate::reports::tickets_missing_messages(
            &self.inner.db.read()?,
            panel,
            window_hours,
            at,
            max,
        )?;
        let mut stored = 0;
        for p in panels::list(&self.inner.db.local()?)? {
            let ids: Vec<i64> = missing
                .iter()
                .filter(|(panel_id, _)| *panel_id == p.id)
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let fetched = match PanelSync::new(&self.inner, p.clone(), false) {
                Ok(run) => run.fetch_conversations(ids).await,
                Err(e) => Err(e),
            };
            match fetched {
                Ok(n) => stored += n,
                Err(e) => {
                    tracing::warn!(panel = %p.name, "conversations for the report not fetched: {e}")
                }
            }
        }
        Ok(stored)
    }

    /// The data dir the engine keeps.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The one writer, shared with every use case that runs beside the engine.
    pub fn writer(&self) -> &Writer {
        &self.inner.writer
    }

    /// The panel's one client (see [`Inner::clients`]), for every request
    /// the core makes to it.
    pub fn client(&self, panel: &Panel) -> Result<PanelClient> {
        self.inner.client(panel)
    }

    fn enabled_panels(&self, only: Option<&str>) -> Result<Vec<Panel>> {
        let local = self.inner.db.local()?;
        match only {
            Some(name) => Ok(vec![panels::by_name(&local, name)?]),
            None => Ok(panels::list(&local)?
                .into_iter()
                .filter(|p| p.enabled)
                .collect()),
        }
    }

    /// Deletes what the retention no longer keeps.
    pub async fn apply_retention(&self) -> Result<store::Removed> {
        let horizon = now() - retention_days(&self.inner.db.local()?)? * 86_400;
        self.inner
            .writer
            .run(move |w| {
                let tx = w.cache.begin()?;
                let removed = store::apply_retention(&tx, horizon)?;
                tx.commit()?;
                Ok(removed)
            })
            .await
    }

    /// Syncs every enabled panel (or the one named) until caught up, panels
    /// side by side: one that is down does not hold up the others.
    pub async fn sync_once(
        &self,
        only: Option<&str>,
        resources: &[Resource],
    ) -> Result<Vec<SyncOutcome>> {
        self.apply_retention().await?;
        let runs = self.enabled_panels(only)?.into_iter().map(|p| {
            let inner = self.inner.clone();
            async move { sync_panel(&inner, p, resources, true).await }
        });
        Ok(futures::future::join_all(runs).await)
    }
}

impl Inner {
    fn client(&self, panel: &Panel) -> Result<PanelClient> {
        let config = ClientConfig {
            url: panel.url.clone(),
            key: panels::admin_key(self.db.install_id(), &self.keychain, panel)?,
            rate_limit: panel.rate_limit.to_bits(),
        };
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((c, client)) = clients.get(&panel.id) {
            if *c == config {
                return Ok(client.clone());
            }
        }
        let client = panels::client_with_key(panel, &config.key)?;
        clients.insert(panel.id, (config, client.clone()));
        Ok(client)
    }
}
