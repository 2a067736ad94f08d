//! The engine proper: per panel runners, cursors, pipelined paging, events.

use std::{
    collections::HashMap,
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use futures::{stream, StreamExt};
use rusqlite::{Transaction, TransactionBehavior};
use tokio::sync::{broadcast, watch};

use super::{resource_settings, retention_days, Resource, SyncEvent};
use crate::{
    db::{Db, WriteConns, Writer},
    model::{Order, Payment, Ticket, User},
    panel::{ListQuery, Page, PanelClient, PanelError, RowIssue},
    panels::{self, Panel, PanelStatus},
    secrets::Keychain,
    store::{self, sql, SyncState},
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
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            in_flight: 4,
            messages_days: 30,
            head_margin_s: 300,
            reconcile_every_s: 3600,
        }
    }
}

/// How one panel's sync went.
#[derive(Debug)]
pub struct PanelReport {
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
    options: EngineOptions,
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
        Engine {
            inner: Arc::new(Inner {
                db,
                writer,
                keychain,
                events,
                nudges,
                options,
            }),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.inner.events.subscribe()
    }

    /// Deletes a removed panel's cached rows on the writer thread, after
    /// any page of it being written: later pages are refused
    /// (`store::ensure_configured`), so none outlives the panel.
    pub async fn forget_panel(&self, panel_id: i64) -> Result<()> {
        self.inner
            .writer
            .run(move |w| {
                let tx = w
                    .cache
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(sql)?;
                store::forget_panel(&tx, panel_id)?;
                tx.commit().map_err(sql)
            })
            .await
    }

    /// Wakes `watch`: new or re-enabled panels start, every panel syncs now
    /// with its current settings (a settings change applies at once).
    pub fn nudge(&self) {
        self.inner.nudges.send_modify(|n| *n += 1);
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
                let tx = w
                    .cache
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(sql)?;
                let removed = store::apply_retention(&tx, horizon)?;
                tx.commit().map_err(sql)?;
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
    ) -> Result<Vec<PanelReport>> {
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
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(10)) => {}
                _ = stop_main.changed() => {}
                _ = nudged.changed() => {}
            }
            if *stop_main.borrow() {
                break;
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
            *f = match (&report.error, report.fetched.first()) {
                (Some(_), _) => (*f * 2.0).clamp(1.0, 16.0),
                (None, Some((_, n))) if *n > 0 => (*f * 0.5).max(0.5),
                _ => (*f * 1.5).min(4.0),
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
        let next = due.values().min().copied().unwrap_or_else(Instant::now);
        tokio::select! {
            _ = tokio::time::sleep_until(next.into()) => {}
            _ = stop.changed() => {}
            _ = nudged.changed() => {
                let now_i = Instant::now();
                due.values_mut().for_each(|d| *d = now_i);
                factor.values_mut().for_each(|f| *f = 1.0);
            }
        }
    }
}

async fn sync_panel(
    inner: &Arc<Inner>,
    panel: Panel,
    resources: &[Resource],
    full: bool,
) -> PanelReport {
    let mut report = PanelReport {
        panel: panel.name.clone(),
        fetched: Vec::new(),
        error: None,
    };
    let client = match panels::client(inner.db.install_id(), &inner.keychain, &panel) {
        Ok(c) => c,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    // A local file that cannot be read is this panel's error, not a silent skip.
    let horizon = match inner.db.local().and_then(|l| retention_days(&l)) {
        Ok(days) => now() - days * 86_400,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    let run = PanelSync {
        inner: inner.clone(),
        panel: panel.clone(),
        client,
        horizon,
        full,
    };
    let mut stopped: Option<PanelStatus> = None;
    for &r in resources {
        run.emit_state(r, "running", None);
        match run.run(r).await {
            Ok(n) => {
                report.fetched.push((r, n));
                let _ = run.finish(r, None).await;
                run.emit_state(r, "ok", None);
            }
            Err(e) => {
                let message = e.to_string();
                tracing::warn!(panel = %panel.name, resource = r.as_str(), code = e.code().as_str(), "sync failed: {message}");
                let _ = run.finish(r, Some(message.clone())).await;
                run.emit_state(r, "error", Some(message));
                let status = match e.code() {
                    ErrorCode::WrongKey => Some(PanelStatus::AuthError),
                    ErrorCode::Unreachable => Some(PanelStatus::Unreachable),
                    _ => None,
                };
                let fatal = status.is_some();
                if report.error.is_none() {
                    report.error = Some(e);
                }
                if fatal {
                    stopped = status;
                    break;
                }
            }
        }
    }
    // A wrong key or a dead panel changes its status; any other error is
    // still shown as the panel's last error, with its fix.
    let error = report
        .error
        .as_ref()
        .map(|e| format!("{e}. {}", e.fix().unwrap_or_default()));
    let status = stopped.unwrap_or(PanelStatus::Connected);
    let id = panel.id;
    let _ = inner
        .writer
        .run(move |w| panels::set_status(&w.local, id, status, error.as_deref()))
        .await;
    report
}

/// A list resource: how to fetch a page of it and how to store one.
trait ListRow: Sized + Send + 'static {
    const RESOURCE: Resource;
    fn created(&self) -> Option<i64>;
    fn fetch(
        client: PanelClient,
        q: ListQuery,
    ) -> impl Future<Output = Result<Page<Self>, PanelError>> + Send;
    fn upsert(tx: &Transaction, panel_id: i64, rows: &[Self], now: i64) -> Result<()>;
    /// False for a row the retention would delete at once: never stored.
    fn retained(&self, horizon: i64) -> bool;
}

macro_rules! list_row {
    ($ty:ty, $res:expr, $method:ident, $upsert:path, $created:expr, $retained:expr) => {
        impl ListRow for $ty {
            const RESOURCE: Resource = $res;
            fn created(&self) -> Option<i64> {
                $created(self)
            }
            fn fetch(
                client: PanelClient,
                q: ListQuery,
            ) -> impl Future<Output = Result<Page<Self>, PanelError>> + Send {
                async move { client.$method(&q).await }
            }
            fn upsert(tx: &Transaction, panel_id: i64, rows: &[Self], now: i64) -> Result<()> {
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
    orders,
    store::upsert_orders,
    |o: &Order| Some(o.created),
    |o: &Order, h: i64| {
        o.created >= h || store::OPEN_ORDER_STATUSES.contains(&o.status.as_str())
    }
);
list_row!(
    User,
    Resource::Users,
    users,
    store::upsert_users,
    |u: &User| u.created,
    |_: &User, _| true
);
list_row!(
    Payment,
    Resource::Payments,
    payments,
    store::upsert_payments,
    |p: &Payment| p.created,
    |p: &Payment, h: i64| { p.created.is_none_or(|c| c >= h) }
);
list_row!(
    Ticket,
    Resource::Tickets,
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
}

impl Progress<'_> {
    fn add(&mut self, rows: usize) {
        self.fetched += rows as u64;
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
        }
    }

    fn emit_state(&self, resource: Resource, status: &str, error: Option<String>) {
        let _ = self.inner.events.send(SyncEvent::State {
            panel: self.panel.name.clone(),
            resource,
            status: status.into(),
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

    /// Writes a page and moves its cursor in one transaction.
    async fn commit<T: ListRow>(
        &self,
        page: Page<T>,
        update: impl FnOnce(&mut SyncState) + Send + 'static,
    ) -> Result<usize> {
        self.report_skipped(&page.skipped);
        let panel_id = self.panel.id;
        let n = page.rows.len();
        let horizon = self.horizon;
        let rows: Vec<T> = page
            .rows
            .into_iter()
            .filter(|r| r.retained(horizon))
            .collect();
        self.inner
            .writer
            .run(move |w: &mut WriteConns| {
                store::ensure_configured(&w.local, panel_id)?;
                let tx = w
                    .cache
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(sql)?;
                T::upsert(&tx, panel_id, &rows, now())?;
                let mut state = store::load_state(&tx, panel_id, T::RESOURCE.as_str())?;
                update(&mut state);
                state.last_fetched = Some(now());
                store::save_state(&tx, panel_id, T::RESOURCE.as_str(), &state)?;
                tx.commit().map_err(sql)
            })
            .await?;
        Ok(n)
    }

    async fn finish(&self, r: Resource, error: Option<String>) -> Result<()> {
        let panel_id = self.panel.id;
        self.inner
            .writer
            .run(move |w| {
                store::ensure_configured(&w.local, panel_id)?;
                let mut state = store::load_state(&w.cache, panel_id, r.as_str())?;
                state.status = if error.is_some() { "error" } else { "ok" }.into();
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

    /// Pages `created <= to` (and `>= from`) newest first from offset
    /// `start`, several requests in flight, written in order; `update` moves
    /// the cursor with each page. Ends after a short page.
    async fn pages_desc<T: ListRow>(
        &self,
        progress: &mut Progress<'_>,
        from: Option<i64>,
        to: Option<i64>,
        start: u64,
        update: impl Fn(&mut SyncState, PageInfo) + Send + Sync + Clone + 'static,
    ) -> Result<()> {
        let per = self.per_fetch(T::RESOURCE)?;
        let client = self.client.clone();
        let mut pages = stream::iter((0u64..).map(move |k| start + k * per as u64))
            .map(move |offset| {
                ahead(
                    T::fetch(client.clone(), query(per, offset, from, to, false)),
                    offset,
                )
            })
            .buffered(self.inner.options.in_flight.max(1));
        while let Some((offset, page)) = pages.next().await {
            let page = page?;
            progress.total = progress.total.or(page.count);
            let info = PageInfo::of(&page, offset, per);
            let update = update.clone();
            let n = self.commit(page, move |s| update(s, info)).await?;
            progress.add(n);
            if info.short {
                break;
            }
        }
        Ok(())
    }

    /// Pages `created >= from` oldest first, one request at a time (new rows
    /// land at the end, so offsets stay true), moving the head cursor.
    async fn head<T: ListRow>(&self, progress: &mut Progress<'_>, from: i64) -> Result<()> {
        let per = self.per_fetch(T::RESOURCE)?;
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
            if info.short {
                return Ok(());
            }
            offset += per as u64;
        }
    }

    async fn orders(&self) -> Result<u64> {
        let mut progress = self.progress(Resource::Orders);
        let state = self.state(Resource::Orders)?;
        let horizon = Some(self.horizon);
        if !state.backfill_done {
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
                        Order::fetch(self.client.clone(), query(per, 0, horizon, None, false))
                            .await?;
                    progress.total = page.count;
                    let info = PageInfo::of(&page, 0, per);
                    let bound = if info.short {
                        None
                    } else {
                        info.max.map(|m| m - 1)
                    };
                    let n = self
                        .commit(page, move |s| {
                            s.head_from = s.head_from.or(info.max);
                            s.backfill_to = bound;
                            s.backfill_done = info.short;
                        })
                        .await?;
                    progress.add(n);
                    bound
                }
            };
            if bound.is_some() {
                self.pages_desc::<Order>(&mut progress, horizon, bound, 0, |s, info| {
                    s.backfill_to = info.min.or(s.backfill_to);
                    s.backfill_done = info.short;
                })
                .await?;
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
        Ok(progress.fetched)
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
    /// `sync --once`), resumable from its offset; else only the new rows.
    async fn list<T: ListRow>(&self) -> Result<u64> {
        let mut progress = self.progress(T::RESOURCE);
        let state = self.state(T::RESOURCE)?;
        let due = self.full
            || state.reconcile_offset > 0
            || state.head_from.is_none()
            || state
                .reconciled_at
                .is_none_or(|t| now() - t >= self.inner.options.reconcile_every_s);
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
            self.pages_desc::<T>(&mut progress, from, bound, start, move |s, info| {
                // The head takes over from the newest row seen, the probe's included.
                s.head_from = s.head_from.max(info.max).max(newest);
                if info.short {
                    s.reconcile_offset = 0;
                    s.reconciled_at = Some(now());
                    s.backfill_to = None;
                } else {
                    s.reconcile_offset = (info.offset + info.len as u64) as i64;
                    s.backfill_to = bound;
                }
            })
            .await?;
        }
        if let Some(h) = self.state(T::RESOURCE)?.head_from {
            self.head::<T>(&mut progress, h - self.inner.options.head_margin_s)
                .await?;
        }
        Ok(progress.fetched)
    }

    /// Conversations of the tickets whose `last_update` moved, newest first.
    async fn ticket_messages(&self) -> Result<u64> {
        let since = now() - self.inner.options.messages_days * 86_400;
        let tickets =
            store::tickets_needing_messages(&self.inner.db.cache()?, self.panel.id, since)?;
        let mut progress = self.progress(Resource::Tickets);
        progress.total = Some(tickets.len() as u64);
        let client = self.client.clone();
        let mut details = stream::iter(tickets)
            .map(move |t| {
                let client = client.clone();
                ahead(async move { client.ticket(t.id).await }, t.id)
            })
            .buffered(self.inner.options.in_flight.max(1));
        while let Some((id, detail)) = details.next().await {
            let detail = match detail {
                Ok(d) => d,
                // Deleted on the panel since it was listed: nothing to fetch.
                Err(PanelError::NotFound { .. }) => {
                    tracing::info!(panel = %self.panel.name, ticket = id, "ticket gone from the panel");
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            store::save_conversation(&self.inner.writer, self.panel.id, detail).await?;
            progress.add(1);
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
                store::ensure_configured(&w.local, panel_id)?;
                let tx = w
                    .cache
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(sql)?;
                store::replace_services(&tx, panel_id, &services, now())?;
                let mut state = store::load_state(&tx, panel_id, "services")?;
                state.last_fetched = Some(now());
                store::save_state(&tx, panel_id, "services", &state)?;
                tx.commit().map_err(sql)
            })
            .await?;
        let mut progress = self.progress(Resource::Services);
        progress.add(n as usize);
        Ok(n)
    }
}

/// Runs a request as a task of its own, so it is fetched and parsed while
/// the caller is busy writing earlier pages (a stream only polls what it
/// buffers when it is itself polled). Answers `(tag, result)`.
async fn ahead<G, T, E>(
    fetch: impl Future<Output = Result<T, E>> + Send + 'static,
    tag: G,
) -> (G, Result<T, E>)
where
    G: Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    match tokio::spawn(async move { (tag, fetch.await) }).await {
        Ok(answer) => answer,
        // The task only awaits a request: it can fail only by panicking.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// What a cursor needs to know of a page once its rows went to the writer.
#[derive(Debug, Clone, Copy)]
struct PageInfo {
    offset: u64,
    len: usize,
    min: Option<i64>,
    max: Option<i64>,
    /// Fewer rows than asked: the last page.
    short: bool,
}

impl PageInfo {
    fn of<T: ListRow>(page: &Page<T>, offset: u64, per: u32) -> PageInfo {
        let (min, max) = span(&page.rows);
        PageInfo {
            offset,
            len: page.len,
            min,
            max,
            short: page.len < per as usize,
        }
    }
}
