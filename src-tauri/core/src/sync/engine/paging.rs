//! Paging a panel's lists: pipelined pages newest first, the head, the
//! backfill, the refreshes of rows that still move, conversations, services.

use super::*;

impl PanelSync {
    /// Pages what `base` asks (its created range, its filters) newest first
    /// from offset `start`, several requests in flight, written in order;
    /// `update` moves the cursor with each page, `on_page` sees each page's
    /// rows before they are written. Ends on an empty page or a null
    /// `next_page_href`; a short page is confirmed by one request at the next
    /// offset, and a panel that caps `limit` is then paged at its own size.
    pub(super) async fn pages_desc<T: ListRow>(
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
    pub(super) async fn head<T: ListRow>(
        &self,
        progress: &mut Progress<'_>,
        from: i64,
    ) -> Result<()> {
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
    pub(super) async fn orders(&self) -> Result<u64> {
        let mut progress = self.progress(Resource::Orders);
        let backfill = self.backfill_orders(&mut progress).await;
        match &backfill {
            Err(e) if panel_wide(e) => return Err(backfill.unwrap_err()),
            Err(_) => {}
            Ok(()) => self.end_backfill().await?,
        }
        let head_from = self.state(Resource::Orders)?.head_from;
        self.head::<Order>(
            &mut progress,
            head_from.map_or(self.horizon, |h| h - self.inner.options.head_margin_s),
        )
        .await?;
        self.refresh_open_orders(&mut progress).await?;
        self.record_currency().await?;
        self.keep_slow_rules().await?;
        backfill?;
        Ok(progress.fetched)
    }

    pub(super) async fn backfill_orders(&self, progress: &mut Progress<'_>) -> Result<()> {
        let state = self.state(Resource::Orders)?;
        if state.backfill_done {
            return Ok(());
        }
        let horizon = Some(self.horizon);
        let per = self.per_fetch(Resource::Orders)?;
        let bound = match state.backfill_to {
            Some(to) => Some(to),
            None => {
                self.inner
                    .writer
                    .run(|w| {
                        let tx = w.cache.begin()?;
                        store::defer_order_upkeep(&tx)?;
                        tx.commit()
                    })
                    .await?;
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
    pub(super) async fn refresh_open_orders(&self, progress: &mut Progress<'_>) -> Result<()> {
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

    pub(super) async fn record_currency(&self) -> Result<()> {
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

    /// After a backfill: the upkeep a first one set aside, built, or on a
    /// later pass its search index (see [`store::end_backfill`]).
    pub(super) async fn end_backfill(&self) -> Result<()> {
        self.inner
            .writer
            .run(|w| {
                let tx = w.cache.begin()?;
                store::end_backfill(&tx, &w.local)?;
                tx.commit()
            })
            .await
    }

    /// The slow-check rules of the hourly aggregates, after the orders or
    /// the services moved (see [`store::keep_slow_rules`]).
    pub(super) async fn keep_slow_rules(&self) -> Result<()> {
        let panel_id = self.panel.id;
        self.inner
            .writer
            .run(move |w| {
                let tx = w.cache.begin()?;
                store::keep_slow_rules(&tx, &w.local, panel_id)?;
                tx.commit()
            })
            .await
    }

    /// Users, payments, tickets: a full reconcile when due (always for
    /// `sync --once`), resumable from its offset; else the new rows, and the
    /// rows that still move (see [`PanelSync::refresh`]).
    pub(super) async fn list<T: ListRow>(&self) -> Result<u64> {
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
    pub(super) fn touched_users(&self, state: &SyncState) -> Result<Vec<String>> {
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
    pub(super) async fn refresh<T: ListRow>(
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
    pub(super) async fn ticket_messages(&self) -> Result<u64> {
        let since = now() - self.inner.options.messages_days * 86_400;
        let tickets =
            store::tickets_needing_messages(&self.inner.db.cache()?, self.panel.id, since, now())?;
        self.fetch_conversations(tickets.into_iter().map(|t| t.id).collect())
            .await
    }

    /// Fetches and stores these tickets' conversations; returns how many were stored.
    pub(super) async fn fetch_conversations(&self, ids: Vec<i64>) -> Result<u64> {
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

    pub(super) async fn services(&self) -> Result<u64> {
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
                store::keep_slow_rules(&tx, &w.local, panel_id)?;
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
pub(super) async fn ahead<G, T, E>(
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
pub(super) fn panel_wide_panel_error(e: &PanelError) -> bool {
    matches!(
        e,
        PanelError::WrongKey
            | PanelError::Unreachable { .. }
            | PanelError::Interrupted { .. }
            | PanelError::Timeout(_)
            | PanelError::RateLimited { .. }
    )
}

pub(super) fn panel_wide(e: &Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::WrongKey | ErrorCode::Unreachable | ErrorCode::RateLimited
    )
}

/// At most this many users share a username filter's answer (one, really).
pub(super) const MAX_LISTED_BY_NAME: u32 = 10;
/// Moved rows read again on their own in one run; the rest wait for the next.
pub(super) const MAX_MOVED_PER_RUN: usize = 50;

/// What a cursor needs to know of a page once its rows went to the writer.
#[derive(Debug, Clone, Copy)]
pub(super) struct PageInfo {
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
    pub(super) fn of<T: ListRow>(page: &ListPage<T>, offset: u64, per: u32) -> PageInfo {
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
