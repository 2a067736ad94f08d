//! One panel's run: a resource at a time, its cursor, its commits, its
//! events and the panel status that follows from its last answer.

use super::*;

/// A panel's status, from the admin API's answer to one resource run: the
/// services catalogue (the user API, another key) never changes it.
pub(super) fn status_of(result: &Result<u64>) -> PanelStatus {
    match result.as_ref().map_err(Error::code) {
        Err(ErrorCode::WrongKey) => PanelStatus::AuthError,
        Err(ErrorCode::Unreachable) => PanelStatus::Unreachable,
        Err(ErrorCode::RateLimited) => PanelStatus::RateLimited,
        // Any other answer, an error included, came from a panel that listens.
        _ => PanelStatus::Connected,
    }
}

impl PanelSync {
    pub(super) fn new(inner: &Arc<Inner>, panel: Panel, full: bool) -> Result<PanelSync> {
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

pub(super) async fn sync_panel(
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

pub(super) struct PanelSync {
    pub(super) inner: Arc<Inner>,
    pub(super) panel: Panel,
    pub(super) client: PanelClient,
    pub(super) horizon: i64,
    /// Reconcile everything now (`sync --once`), rather than when due.
    pub(super) full: bool,
}

/// Counts rows and reports progress for one resource run.
pub(super) struct Progress<'a> {
    pub(super) run: &'a PanelSync,
    pub(super) resource: Resource,
    pub(super) started: Instant,
    pub(super) fetched: u64,
    pub(super) total: Option<u64>,
    /// Counts without telling: the verify pass reports through its own event,
    /// and a resource's progress without its state would look stuck running.
    pub(super) quiet: bool,
}

impl Progress<'_> {
    pub(super) fn add(&mut self, rows: usize) {
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
    pub(super) fn progress(&self, resource: Resource) -> Progress<'_> {
        Progress {
            run: self,
            resource,
            started: Instant::now(),
            fetched: 0,
            total: None,
            quiet: false,
        }
    }

    pub(super) fn emit_state(&self, resource: Resource, status: SyncStatus, error: Option<String>) {
        let _ = self.inner.events.send(SyncEvent::State {
            panel: self.panel.name.clone(),
            resource,
            status,
            error,
        });
    }

    pub(super) fn per_fetch(&self, r: Resource) -> Result<u32> {
        Ok(resource_settings(&self.inner.db.local()?, self.panel.id, r)?.per_fetch)
    }

    pub(super) fn state(&self, r: Resource) -> Result<SyncState> {
        store::load_state(&self.inner.db.cache()?, self.panel.id, r.as_str())
    }

    pub(super) fn report_skipped(&self, skipped: &[RowIssue]) {
        for s in skipped {
            tracing::warn!(panel = %self.panel.name, resource = s.resource, id = ?s.id, "skipped a row the panel sent: {}", s.reason);
        }
    }

    /// Writes a page and moves its cursor in one transaction. Every answer
    /// is applied, then the retention: a row it does not keep is deleted.
    pub(super) async fn commit<T: ListRow>(
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

    pub(super) async fn finish(&self, r: Resource, error: Option<String>) -> Result<()> {
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

    pub(super) async fn run(&self, r: Resource) -> Result<u64> {
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
}
