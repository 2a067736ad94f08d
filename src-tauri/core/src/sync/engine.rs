//! The engine proper: per panel runners, cursors, pipelined paging, events.

mod verify;

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

    /// Keeps syncing on each resource's interval until `stop` turns true.
    /// Intervals adapt: shorter while rows change, longer while idle, much
    /// longer after errors; settings are re-read at every step.
    pub async fn watch(&self, stop: watch::Receiver<bool>) -> Result<()> {
        self.apply_retention().await?;
        let every = Duration::from_secs(self.inner.options.retention_every_s.max(1));
        let mut retention_due = Instant::now() + every;
        let mut tasks: HashMap<i64, tokio::task::JoinHandle<()>> = HashMap::new();
        let mut stop_main = stop.clone();
        let mut nudged = self.inner.nudges.subscribe();
        loop {
            for p in self.enabled_panels(None)? {
                if tasks.get(&p.id).is_none_or(|t| t.is_finished()) {
                    let inner = self.inner.clone();
                    tasks.insert(p.id, tokio::spawn(watch_panel(inner, p.id, stop.clone())));
                }
            }
            let wake = retention_due.min(Instant::now() + Duration::from_secs(10));
            tokio::select! {
                _ = tokio::time::sleep_until(wake.into()) => {}
                _ = stop_main.changed() => {}
                _ = nudged.changed() => {}
            }
            if *stop_main.borrow() {
                break;
            }
            // An app left running for days keeps nothing past the horizon.
            if Instant::now() >= retention_due {
                match self.apply_retention().await {
                    Ok(removed) => tracing::info!(?removed, "retention applied"),
                    Err(e) => tracing::warn!("the retention could not be applied: {e}"),
                }
                retention_due = Instant::now() + every;
            }
        }
        for (_, t) in tasks {
            let _ = t.await;
        }
        Ok(())
    }
}

async fn watch_panel(inner: Arc<Inner>, panel_id: i64, mut stop: watch::Receiver<bool>) {
    let mut due: HashMap<Resource, Instant> =
        Resource::ALL.iter().map(|r| (*r, Instant::now())).collect();
    let mut factor: HashMap<Resource, f64> = Resource::ALL.iter().map(|r| (*r, 1.0)).collect();
    let mut nudged = inner.nudges.subscribe();
    let mut verify_asked = inner.verifies.subscribe();
    let mut verify_due = Instant::now();
    while !*stop.borrow() {
        let Ok(local) = inner.db.local() else { return };
        let panel = match panels::list(&local).map(|ps| ps.into_iter().find(|p| p.id == panel_id)) {
            Ok(Some(p)) if p.enabled => p,
            _ => return, // removed or disabled: the main loop restarts it when it comes back
        };
        drop(local);
        let now_i = Instant::now();
        let ready: Vec<Resource> = Resource::ALL
            .into_iter()
            .filter(|r| due[r] <= now_i)
            .collect();
        for r in ready {
            let report = sync_panel(&inner, panel.clone(), &[r], false).await;
            let f = factor.get_mut(&r).expect("every resource");
            // Busy rows shorten the interval and errors stretch it; idle
            // never stretches it past the setting, which keeps the promise
            // that a change is cached within two intervals.
            *f = match (&report.error, report.fetched.first()) {
                (Some(_), _) => (*f * 2.0).clamp(1.0, 16.0),
                (None, Some((_, n))) if *n > 0 => (*f * 0.5).max(0.5),
                _ => (*f * 1.5).min(1.0),
            };
            let interval = inner
                .db
                .local()
                .and_then(|l| resource_settings(&l, panel_id, r))
                .map(|s| s.interval_s)
                .unwrap_or(60);
            due.insert(
                r,
                Instant::now() + Duration::from_secs_f64(interval as f64 * *f),
            );
        }
        // One verify range between syncs: a long pass never holds up the
        // freshness of the others. Its cursor makes it resumable.
        if Instant::now() >= verify_due {
            verify_due = match verify::verify_step(&inner, &panel).await {
                Ok(true) => Instant::now(),
                Ok(false) => Instant::now() + Duration::from_secs(60),
                Err(e) => {
                    tracing::warn!(panel = %panel.name, "verify stopped: {e}");
                    Instant::now() + Duration::from_secs(3600)
                }
            };
        }
        let next = due
            .values()
            .min()
            .copied()
            .unwrap_or_else(Instant::now)
            .min(verify_due);
        tokio::select! {
            _ = tokio::time::sleep_until(next.into()) => {}
            _ = stop.changed() => {}
            _ = nudged.changed() => {
                let now_i = Instant::now();
                due.values_mut().for_each(|d| *d = now_i);
                factor.values_mut().for_each(|f| *f = 1.0);
            }
            _ = verify_asked.changed() => {
                if let Err(e) = verify::start_verify(&inner, panel_id).await {
                    tracing::warn!(panel = %panel.name, "verify could not start: {e}");
                }
                verify_due = Instant::now();
            }
        }
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

/// A panel's status, from the admin API's answer to one resource run: the
/// services catalogue (the user API, another key) never changes it.
fn status_of(result: &Result<u64>) -> PanelStatus {
    match result.as_ref().map_err(Error::code) {
        Err(ErrorCode::WrongKey) => PanelStatus::AuthError,
        Err(ErrorCode::Unreachable) => PanelStatus::Unreachable,
        Err(ErrorCode::RateLimited) => PanelStatus::RateLimited,
        // Any other answer, an error included, came from a panel that listens.
        _ => PanelStatus::Connected,
    }
}

impl PanelSync {
    fn new(inner: &Arc<Inner>, panel: Panel, full: bool) -> Result<PanelSync> {
        let client = inner.client(&panel)?;
        let days = retention_days(&inner.db.local()?)?;
        Ok(PanelSync {
            inner: inner.clone(),
            panel,
            client,
            horizon: now() - days * 86_400,
            full,
        })
    }
}

async fn sync_panel(
    inner: &Arc<Inner>,
    panel: Panel,
    resources: &[Resource],
    full: bool,
) -> SyncOutcome {
    let mut report = SyncOutcome {
        panel: panel.name.clone(),
        fetched: Vec::new(),
        error: None,
    };
    // A key or local file that cannot be read is this panel's error, not a silent skip.
    let run = match PanelSync::new(inner, panel.clone(), full) {
        Ok(run) => run,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    let mut status: Option<PanelStatus> = None;
    for &r in resources {
        run.emit_state(r, SyncStatus::Running, None);
        let result = run.run(r).await;
        if r != Resource::Services {
            status = Some(status_of(&result));
        }
        match result {
            Ok(n) => {
                report.fetched.push((r, n));
                let _ = run.finish(r, None).await;
                run.emit_state(r, SyncStatus::Ok, None);
            }
            Err(e) => {
                let message = e.to_string();
                tracing::warn!(panel = %panel.name, resource = r.as_str(), code = %e.code(), "sync failed: {message}");
                let _ = run.finish(r, Some(message.clone())).await;
                run.emit_state(r, SyncStatus::Error, Some(message));
                // A wrong key, a dead or rate-limiting panel: its other resources would fail alike.
                let fatal = matches!(
                    e.code(),
                    ErrorCode::WrongKey | ErrorCode::Unreachable | ErrorCode::RateLimited
                ) && r != Resource::Services;
                if report.error.is_none() {
                    report.error = Some(e);
                }
                if fatal {
                    break;
                }
            }
        }
    }
    // The status and last error follow the admin API's last answer; a run of
    // the services catalogue alone leaves them as they were.
    if let Some(status) = status {
        let error = report
            .error
            .as_ref()
            .map(|e| format!("{e}. {}", e.fix().unwrap_or_default()));
        let id = panel.id;
        let _ = inner
            .writer
            .run(move |w| panels::set_status(&w.local, id, status, error.as_deref()))
            .await;
    }
    report
}

/// A list resource: how to fetch a page of it and how to store one.
trait ListRow: Sized + Send + 'static {
    const RESOURCE: Resource;
    /// Its table in cache.sqlite3.
    const TABLE: &'static str;
    fn id(&self) -> i64;
    fn created(&self) -> Option<i64>;
    fn fetch(
        client: PanelClient,
        q: ListQuery,
    ) -> impl Future<Output = Result<ListPage<Self>, PanelError>> + Send;
    fn upsert(tx: &CacheTx, panel_id: i64, rows: &[Self], now: i64) -> Result<()>;
    /// False for a row the retention deletes: never stored, and deleted
    /// when the cache holds it (an old open order that finished).
    fn retained(&self, horizon: i64) -> bool;
}

macro_rules! list_row {
    ($ty:ty, $res:expr, $table:literal, $method:ident, $upsert:path, $created:expr, $retained:expr) => {
        impl ListRow for $ty {
            const RESOURCE: Resource = $res;
            const TABLE: &'static str = $table;
            fn id(&self) -> i64 {
                self.id
            }
            fn created(&self) -> Option<i64> {
                $created(self)
            }
            fn fetch(
                client: PanelClient,
                q: ListQuery,
            ) -> impl Future<Output = Result<ListPage<Self>, PanelError>> + Send {
                async move { client.$method(&q).await }
            }
            fn upsert(tx: &CacheTx, panel_id: i64, rows: &[Self], now: i64) -> Result<()> {
                $upsert(tx, panel_id, rows, now)
            }
            fn retained(&self, horizon: i64) -> bool {
                $retained(self, horizon)
            }
        }
    };
}

// What retention keeps: open orders and tickets whatever their age, users always.
list_row!(
    Order,
    Resource::Orders,
    "orders",
    orders,
    store::upsert_orders,
    |o: &Order| Some(o.created),
    |o: &Order, h: i64| {
        o.created >= h || crate::model::OPEN_ORDER_STATUSES.contains(&o.status.as_str())
    }
);
list_row!(
    User,
    Resource::Users,
    "users",
    users,
    store::upsert_users,
    |u: &User| u.created,
    |_: &User, _| true
);
list_row!(
    Payment,
    Resource::Payments,
    "payments",
    payments,
    store::upsert_payments,
    |p: &Payment| p.created,
    |p: &Payment, h: i64| { p.created.is_none_or(|c| c >= h) }
);
list_row!(
    Ticket,
    Resource::Tickets,
    "tickets",
    tickets,
    store::upsert_tickets,
    |t: &Ticket| t.created,
    |t: &Ticket, h: i64| {
        t.status != "closed" || t.last_update.or(t.created).is_none_or(|c| c >= h)
    }
);

fn span<T: ListRow>(rows: &[T]) -> (Option<i64>, Option<i64>) {
    let times = rows.iter().filter_map(T::created);
    (times.clone().min(), times.max())
}

fn query(per: u32, offset: u64, from: Option<i64>, to: Option<i64>, ascending: bool) -> ListQuery {
    ListQuery {
        limit: Some(per),
        offset: Some(offset),
        created_from: from,
        created_to: to,
        ascending,
        ..ListQuery::default()
    }
}

struct PanelSync {
    inner: Arc<Inner>,
    panel: Panel,
    client: PanelClient,
    horizon: i64,
    /// Reconcile everything now (`sync --once`), rather than when due.
    full: bool,
}

/// Counts rows and reports progress for one resource run.
struct Progress<'a> {
    run: &'a PanelSync,
    resource: Resource,
    started: Instant,
    fetched: u64,
    total: Option<u64>,
    /// Counts without telling: the verify pass reports through its own event,
    /// and a resource's progress without its state would look stuck running.
    quiet: bool,
}

impl Progress<'_> {
    fn add(&mut self, rows: usize) {
        self.fetched += rows as u64;
        if self.quiet {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let _ = self.run.inner.events.send(SyncEvent::Progress {
            panel: self.run.panel.name.clone(),
            resource: self.resource,
            fetched: self.fetched,
            total: self.total.filter(|t| *t >= self.fetched),
            rows_per_s: self.fetched as f64 / secs,
        });
    }
}

impl PanelSync {
    fn progress(&self, resource: Resource) -> Progress<'_> {
        Progress {
            run: self,
            resource,
            started: Instant::now(),
            fetched: 0,
            total: None,
            quiet: false,
        }
    }

    fn emit_state(&self, resource: Resource, status: SyncStatus, error: Option<String>) {
        let _ = self.inner.events.send(SyncEvent::State {
            panel: self.panel.name.clone(),
            resource,
            status,
            error,
        });
    }

    fn per_fetch(&self, r: Resource) -> Result<u32> {
        Ok(resource_settings(&self.inner.db.local()?, self.panel.id, r)?.per_fetch)
    }

    fn state(&self, r: Resource) -> Result<SyncState> {
        store::load_state(&self.inner.db.cache()?, self.panel.id, r.as_str())
    }

    fn report_skipped(&self, skipped: &[RowIssue]) {
        for s in skipped {
            tracing::warn!(panel = %self.panel.name, resource = s.resource, id = ?s.id, "skipped a row the panel sent: {}", s.reason);
        }
    }

    /// Writes a page and moves its cursor in one transaction. Every answer
    /// is applied, then the retention: a row it does not keep is deleted.
    async fn commit<T: ListRow>(
        &self,
        page: ListPage<T>,
        update: impl FnOnce(&mut SyncState) + Send + 'static,
    ) -> Result<usize> {
        self.report_skipped(&page.skipped);
        let panel_id = self.panel.id;
        let n = page.rows.len();
        let horizon = self.horizon;
        let (rows, gone): (Vec<T>, Vec<T>) =
            page.rows.into_iter().partition(|r| r.retained(horizon));
        let gone: Vec<i64> = gone.iter().map(T::id).collect();
        self.inner
            .writer
            .run(move |w: &mut WriteConns| {
                crate::db::ensure_configured(&w.local, &w.cache, panel_id)?;
                let tx = w.cache.begin()?;
                T::upsert(&tx, panel_id, &rows, now())?;
                store::delete_rows(&tx, T::TABLE, panel_id, &gone)?;
                let mut state = store::load_state(&tx, panel_id, T::RESOURCE.as_str())?;
                update(&mut state);
                state.last_fetched = Some(now());
                store::save_state(&tx, panel_id, T::RESOURCE.as_str(), &state)?;
                tx.commit()
            })
            .await?;
        Ok(n)
    }

    async fn finish(&self, r: Resource, error: Option<String>) -> Result<()> {
        let panel_id = self.panel.id;
        self.inner
            .writer
            .run(move |w| {
                crate::db::ensure_configured(&w.local, &w.cache, panel_id)?;
                let mut state = store::load_state(&w.cache, panel_id, r.as_str())?;
                state.status = if error.is_some() {
                    SyncStatus::Error
                } else {
                    SyncStatus::Ok
                };
                state.last_error = error;
                store::save_state(&w.cache, panel_id, r.as_str(), &state)
            })
            .await
    }

    async fn run(&self, r: Resource) -> Result<u64> {
        match r {
            Resource::Orders => self.orders().await,
            Resource::Users => self.list::<User>().await,
            Resource::Payments => self.list::<Payment>().await,
            Resource::Tickets => {
                let n = self.list::<Ticket>().await?;
                Ok(n + self.ticket_messages().await?)
            }
            Resource::Services => self.services().await,
        }
    }

    /// Pages what `base` asks (its created range, its filters) newest first
    /// from offset `start`, several requests in flight, written in order;
    /// `update` moves the cursor with each page, `on_page` sees each page's
    /// rows before they are written. Ends on an empty page or a null
    /// `next_page_href`; a short page is confirmed by one request at the next
    /// offset, and a panel that caps `limit` is then paged at its own size.
    async fn pages_desc<T: ListRow>(
        &self,
        progress: &mut Progress<'_>,
        base: ListQuery,
        start: u64,
        update: impl Fn(&mut SyncState, PageInfo) + Send + Sync + Clone + 'static,
        mut on_page: impl FnMut(&ListPage<T>),
    ) -> Result<()> {
        let mut per = self.per_fetch(T::RESOURCE)?;
        let mut start = start;
        loop {
            let client = self.client.clone();
            let (stride, asked) = (per, base.clone());
            let mut pages = stream::iter((0u64..).map(move |k| start + k * stride as u64))
                .map(move |offset| {
                    let q = ListQuery {
                        limit: Some(stride),
                        offset: Some(offset),
                        ascending: false,
                        ..asked.clone()
                    };
                    ahead(T::fetch(client.clone(), q), offset)
                })
                .buffered(self.inner.options.in_flight.max(1));
            let mut resume = None;
            while let Some((offset, page)) = pages.next().await {
                let page = page?;
                progress.total = progress.total.or(page.count);
                on_page(&page);
                let info = PageInfo::of(&page, offset, per);
                let update = update.clone();
                let n = self.commit(page, move |s| update(s, info)).await?;
                progress.add(n);
                if info.last {
                    return Ok(());
                }
                if info.short {
                    // Dropping the stream aborts the pages asked at the old stride.
                    resume = Some(offset + info.len as u64);
                    per = info.len as u32;
                    break;
                }
            }
            match resume {
                Some(offset) => start = offset,
                None => return Ok(()),
            }
        }
    }

    /// Pages `created >= from` oldest first, one request at a time (new rows
    /// land at the end, so offsets stay true), moving the head cursor.
    async fn head<T: ListRow>(&self, progress: &mut Progress<'_>, from: i64) -> Result<()> {
        let mut per = self.per_fetch(T::RESOURCE)?;
        let mut offset = 0u64;
        loop {
            let page = T::fetch(
                self.client.clone(),
                query(per, offset, Some(from), None, true),
            )
            .await?;
            let info = PageInfo::of(&page, offset, per);
            let n = self
                .commit(page, move |s| s.head_from = s.head_from.max(info.max))
                .await?;
            progress.add(n);
            if info.last {
                return Ok(());
            }
            if info.short {
                per = info.len as u32; // the panel's cap, or the end: the next request tells
            }
            offset += info.len as u64;
        }
    }

    /// A failing backfill stops neither the head nor the open orders'
    /// refresh: new orders and moving ones are what operators act on.
    async fn orders(&self) -> Result<u64> {
        let mut progress = self.progress(Resource::Orders);
        let backfill = self.backfill_orders(&mut progress).await;
        if let Err(e) = &backfill {
            if panel_wide(e) {
                return Err(backfill.unwrap_err());
            }
        }
        let head_from = self.state(Resource::Orders)?.head_from;
        self.head::<Order>(
            &mut progress,
            head_from.map_or(self.horizon, |h| h - self.inner.options.head_margin_s),
        )
        .await?;
        self.refresh_open_orders(&mut progress).await?;
        self.record_currency().await?;
        backfill?;
        Ok(progress.fetched)
    }

    async fn backfill_orders(&self, progress: &mut Progress<'_>) -> Result<()> {
        let state = self.state(Resource::Orders)?;
        if state.backfill_done {
            return Ok(());
        }
        let horizon = Some(self.horizon);
        let per = self.per_fetch(Resource::Orders)?;
        let bound = match state.backfill_to {
            Some(to) => Some(to),
            None => {
                // The newest page first: it starts the head cursor at its
                // newest row, and the backfill takes what is older than
                // that row. Orders arriving meanwhile are at least that new:
                // they are the head's (which starts 5 minutes earlier), and
                // they never shift the backfill's pages, so pages fetched
                // side by side or retried out of order lose nothing.
                let page =
                    Order::fetch(self.client.clone(), query(per, 0, horizon, None, false)).await?;
                progress.total = page.count;
                let info = PageInfo::of(&page, 0, per);
                let bound = if info.last {
                    None
                } else {
                    info.max.map(|m| m - 1)
                };
                let n = self
                    .commit(page, move |s| {
                        s.head_from = s.head_from.or(info.max);
                        s.backfill_to = bound;
                        s.backfill_done = info.last;
                    })
                    .await?;
                progress.add(n);
                bound
            }
        };
        if bound.is_some() {
            let base = query(per, 0, horizon, bound, false);
            self.pages_desc::<Order>(
                progress,
                base,
                0,
                |s, info| {
                    s.backfill_to = info.min.or(s.backfill_to);
                    s.backfill_done = info.last;
                },
                |_| {},
            )
            .await?;
        }
        Ok(())
    }

    /// Open orders change without showing up as new: ask for them by id,
    /// 100 a request, the longest unchecked first.
    async fn refresh_open_orders(&self, progress: &mut Progress<'_>) -> Result<()> {
        let ids = store::open_order_ids(&self.inner.db.cache()?, self.panel.id)?;
        let client = self.client.clone();
        let mut pages = stream::iter(ids.chunks(100).map(<[i64]>::to_vec).collect::<Vec<_>>())
            .map(move |chunk| {
                let q = ListQuery {
                    ids: chunk,
                    limit: Some(100),
                    ..ListQuery::default()
                };
                ahead(Order::fetch(client.clone(), q), ())
            })
            .buffered(self.inner.options.in_flight.max(1));
        while let Some(((), page)) = pages.next().await {
            let n = self.commit(page?, |_| {}).await?;
            progress.add(n);
        }
        Ok(())
    }

    async fn record_currency(&self) -> Result<()> {
        let panel_id = self.panel.id;
        self.inner
            .writer
            .run(move |w| {
                let currency: Option<String> = w
                    .cache
                    .query_row("SELECT currency FROM orders WHERE panel_id = ?1 AND currency IS NOT NULL LIMIT 1", [panel_id], |r| r.get(0))
                    .ok();
                match currency {
                    Some(c) => panels::set_currency(&w.local, panel_id, &c),
                    None => Ok(()),
                }
            })
            .await
    }

    /// Users, payments, tickets: a full reconcile when due (always for
    /// `sync --once`), resumable from its offset; else the new rows, and the
    /// rows that still move (see [`PanelSync::refresh`]).
    async fn list<T: ListRow>(&self) -> Result<u64> {
        let mut progress = self.progress(T::RESOURCE);
        let state = self.state(T::RESOURCE)?;
        let started = now();
        let mut due = self.full
            || state.reconcile_offset > 0
            || state.head_from.is_none()
            || state
                .reconciled_at
                .is_none_or(|t| now() - t >= self.inner.options.reconcile_every_s);
        let mut touched = Vec::new();
        if T::RESOURCE == Resource::Users && !due {
            touched = self.touched_users(&state)?;
            // Asking for each user costs a request; past a full listing's
            // page count, the full listing is cheaper.
            let pages = store::count_rows(&self.inner.db.cache()?, "users", self.panel.id)?
                .div_ceil(self.per_fetch(Resource::Users)? as u64);
            due = touched.len() as u64 > pages.max(1);
        }
        // Payments are dated: the horizon bounds the request itself.
        let from = (T::RESOURCE == Resource::Payments).then_some(self.horizon);
        if due {
            // The reconcile pages rows older than the newest one when it
            // started (kept in `backfill_to`, so a resumed run pages the same
            // set): rows arriving meanwhile are the head's, and never shift
            // its pages.
            let (newest, bound, start) = match (state.reconcile_offset, state.backfill_to) {
                (offset, Some(bound)) if offset > 0 => (None, Some(bound), offset as u64),
                _ => {
                    let probe =
                        T::fetch(self.client.clone(), query(1, 0, from, None, false)).await?;
                    let newest = span(&probe.rows).1;
                    (newest, newest.map(|n| n - 1), 0)
                }
            };
            let base = query(0, 0, from, bound, false);
            self.pages_desc::<T>(
                &mut progress,
                base,
                start,
                move |s, info| {
                    // The head takes over from the newest row seen, the probe's included.
                    s.head_from = s.head_from.max(info.max).max(newest);
                    if info.last {
                        s.reconcile_offset = 0;
                        s.reconciled_at = Some(now());
                        s.backfill_to = None;
                        s.refreshed_at = Some(started);
                    } else {
                        s.reconcile_offset = (info.offset + info.len as u64) as i64;
                        s.backfill_to = bound;
                    }
                },
                |_| {},
            )
            .await?;
        }
        if let Some(h) = self.state(T::RESOURCE)?.head_from {
            self.head::<T>(&mut progress, h - self.inner.options.head_margin_s)
                .await?;
        }
        if !due {
            self.refresh::<T>(&mut progress, touched, started).await?;
        }
        Ok(progress.fetched)
    }

    /// Users whose balance may have moved since the last refresh: those
    /// named by an order or a payment cached since.
    fn touched_users(&self, state: &SyncState) -> Result<Vec<String>> {
        let since = state.refreshed_at.or(state.reconciled_at).unwrap_or(0)
            - self.inner.options.head_margin_s;
        store::users_active_since(&self.inner.db.cache()?, self.panel.id, since)
    }

    /// Watch mode's promise: a change to a row that still moves is cached
    /// within two intervals, at a few requests a run. Open tickets are
    /// re-listed by status (a customer writing again moves `last_update`,
    /// so the conversation follows); pending payments of the last days
    /// likewise; users named by new orders and payments are asked for by
    /// username. A cached open ticket or pending payment missing from its
    /// list has moved on: it is read again on its own.
    async fn refresh<T: ListRow>(
        &self,
        progress: &mut Progress<'_>,
        touched: Vec<String>,
        started: i64,
    ) -> Result<()> {
        let panel_id = self.panel.id;
        match T::RESOURCE {
            Resource::Users => {
                let client = self.client.clone();
                let mut pages = stream::iter(touched)
                    .map(move |username| {
                        let q = ListQuery {
                            user: Some(username),
                            limit: Some(MAX_LISTED_BY_NAME),
                            ..ListQuery::default()
                        };
                        ahead(User::fetch(client.clone(), q), ())
                    })
                    .buffered(self.inner.options.in_flight.max(1));
                while let Some(((), page)) = pages.next().await {
                    let n = self.commit(page?, |_| {}).await?;
                    progress.add(n);
                }
            }
            Resource::Tickets | Resource::Payments => {
                let cache = self.inner.db.cache()?;
                let (statuses, from) = if T::RESOURCE == Resource::Tickets {
                    (store::open_ticket_statuses(&cache, panel_id)?, None)
                } else {
                    let from = now() - self.inner.options.pending_payment_days * 86_400;
                    (vec!["pending".to_owned()], Some(from.max(self.horizon)))
                };
                let before = store::ids_with_status(&cache, T::TABLE, panel_id, &statuses, from)?;
                drop(cache);
                let mut seen = std::collections::HashSet::new();
                for status in statuses {
                    let base = ListQuery {
                        status: Some(status),
                        created_from: from,
                        ..ListQuery::default()
                    };
                    self.pages_desc::<T>(
                        progress,
                        base,
                        0,
                        |_, _| {},
                        |p| {
                            seen.extend(p.rows.iter().map(T::id));
                        },
                    )
                    .await?;
                }
                let moved: Vec<(i64, Option<i64>)> = before
                    .into_iter()
                    .filter(|(id, _)| !seen.contains(id))
                    .take(MAX_MOVED_PER_RUN)
                    .collect();
                if T::RESOURCE == Resource::Tickets {
                    // Their detail is fetched next, by `ticket_messages`.
                    let ids: Vec<i64> = moved.iter().map(|(id, _)| *id).collect();
                    self.inner
                        .writer
                        .run(move |w| store::refetch_tickets(&w.cache, panel_id, &ids))
                        .await?;
                } else {
                    for created in moved.into_iter().filter_map(|(_, c)| c) {
                        let q = query(MAX_LIMIT, 0, Some(created), Some(created), false);
                        let n = self
                            .commit(T::fetch(self.client.clone(), q).await?, |_| {})
                            .await?;
                        progress.add(n);
                    }
                }
            }
            Resource::Orders | Resource::Services => {}
        }
        let resource = T::RESOURCE.as_str();
        self.inner
            .writer
            .run(move |w| {
                let mut state = store::load_state(&w.cache, panel_id, resource)?;
                state.refreshed_at = Some(started);
                store::save_state(&w.cache, panel_id, resource, &state)
            })
            .await
    }

    /// Conversations of the tickets whose `last_update` moved, newest first.
    /// A ticket whose detail fails is recorded with its error and a later
    /// retry time, and the others go on; one the panel deleted (404) is
    /// marked so and left until a list shows it again.
    async fn ticket_messages(&self) -> Result<u64> {
        let since = now() - self.inner.options.messages_days * 86_400;
        let tickets =
            store::tickets_needing_messages(&self.inner.db.cache()?, self.panel.id, since, now())?;
        self.fetch_conversations(tickets.into_iter().map(|t| t.id).collect())
            .await
    }

    /// Fetches and stores these tickets' conversations; returns how many were stored.
    async fn fetch_conversations(&self, ids: Vec<i64>) -> Result<u64> {
        let mut progress = self.progress(Resource::Tickets);
        progress.total = Some(ids.len() as u64);
        let client = self.client.clone();
        let mut details = stream::iter(ids)
            .map(move |id| {
                let client = client.clone();
                ahead(async move { client.ticket(id).await }, id)
            })
            .buffered(self.inner.options.in_flight.max(1));
        let panel_id = self.panel.id;
        while let Some((id, detail)) = details.next().await {
            let (message, deleted) = match detail {
                Ok(d) => {
                    store::save_conversation(&self.inner.writer, panel_id, d).await?;
                    progress.add(1);
                    continue;
                }
                Err(e) if panel_wide_panel_error(&e) => return Err(e.into()),
                Err(e @ PanelError::NotFound { .. }) => (e.to_string(), true),
                Err(e) => (e.to_string(), false),
            };
            tracing::warn!(panel = %self.panel.name, ticket = id, deleted, "ticket detail not fetched: {message}");
            self.inner
                .writer
                .run(move |w| {
                    store::ticket_fetch_failed(&w.cache, panel_id, id, &message, deleted, now())
                })
                .await?;
        }
        Ok(progress.fetched)
    }

    async fn services(&self) -> Result<u64> {
        let Some(key) = panels::services_key(
            self.inner.db.install_id(),
            &self.inner.keychain,
            &self.panel,
        )?
        else {
            return Ok(0);
        };
        let services = self.client.services(&key).await?;
        let n = services.len() as u64;
        let panel_id = self.panel.id;
        self.inner
            .writer
            .run(move |w| {
                crate::db::ensure_configured(&w.local, &w.cache, panel_id)?;
                let tx = w.cache.begin()?;
                store::replace_services(&tx, panel_id, &services, now())?;
                let mut state = store::load_state(&tx, panel_id, "services")?;
                state.last_fetched = Some(now());
                store::save_state(&tx, panel_id, "services", &state)?;
                tx.commit()
            })
            .await?;
        let mut progress = self.progress(Resource::Services);
        progress.add(n as usize);
        Ok(n)
    }
}

/// Runs a request as a task of its own, so it is fetched and parsed while
/// the caller is busy writing earlier pages (a stream only polls what it
/// buffers when it is itself polled). Answers `(tag, result)`. Dropping it
/// aborts the request: none outlives the run that made it.
async fn ahead<G, T, E>(
    fetch: impl Future<Output = Result<T, E>> + Send + 'static,
    tag: G,
) -> (G, Result<T, E>)
where
    G: Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    struct AbortOnDrop<R>(tokio::task::JoinHandle<R>);
    impl<R> Drop for AbortOnDrop<R> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut task = AbortOnDrop(tokio::spawn(async move { (tag, fetch.await) }));
    match (&mut task.0).await {
        Ok(answer) => answer,
        // The task only awaits a request: it can fail only by panicking.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Errors that every request to the panel would meet alike.
fn panel_wide_panel_error(e: &PanelError) -> bool {
    matches!(
        e,
        PanelError::WrongKey
            | PanelError::Unreachable { .. }
            | PanelError::Interrupted { .. }
            | PanelError::Timeout(_)
            | PanelError::RateLimited { .. }
    )
}

fn panel_wide(e: &Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::WrongKey | ErrorCode::Unreachable | ErrorCode::RateLimited
    )
}

/// At most this many users share a username filter's answer (one, really).
const MAX_LISTED_BY_NAME: u32 = 10;
/// Moved rows read again on their own in one run; the rest wait for the next.
const MAX_MOVED_PER_RUN: usize = 50;

/// What a cursor needs to know of a page once its rows went to the writer.
#[derive(Debug, Clone, Copy)]
struct PageInfo {
    offset: u64,
    len: usize,
    min: Option<i64>,
    max: Option<i64>,
    /// The end: an empty page, or `next_page_href` null.
    last: bool,
    /// Fewer rows than asked, and not said to be the end: the end, or a
    /// panel that caps `limit`; the next offset tells.
    short: bool,
}

impl PageInfo {
    fn of<T: ListRow>(page: &ListPage<T>, offset: u64, per: u32) -> PageInfo {
        let (min, max) = span(&page.rows);
        let last = page.len == 0 || page.next_page == Some(false);
        PageInfo {
            offset,
            len: page.len,
            min,
            max,
            last,
            short: !last && page.len < per as usize,
        }
    }
}
