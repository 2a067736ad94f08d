//! The verify pass: compares the cache with the panel inside the retention
//! window, so rows the head and the refreshes never see again (a completed
//! order refunded later, a failed order resent from the web admin, rows
//! deleted on the panel) are put right.
//!
//! Range by range, oldest first: a range holds up to [`RANGE_ROWS`] cached
//! rows by created time. The panel's complete listing of the range is
//! written (statuses corrected), and the cached rows it lacks are deleted,
//! unless more than 5 % of the range would go: then the pass stops and says
//! so. Its cursor is in `sync_state`, moved in the transaction that applies
//! a range, so a pass resumes where it was cut. Its requests take the
//! panel's one bucket, like any other.

use std::collections::HashSet;

use super::*;

/// Cached rows compared in one range.
const RANGE_ROWS: i64 = 2_000;
/// Past this share of a range missing on the panel, nothing is deleted.
const MAX_MISSING_SHARE: f64 = 0.05;
/// What the pass compares (the catalogue is replaced whole at every sync).
const VERIFIED: [Resource; 4] = [
    Resource::Orders,
    Resource::Users,
    Resource::Payments,
    Resource::Tickets,
];

/// Starts a pass on each verified resource of the panel that has none under way.
pub(super) async fn start_verify(inner: &Arc<Inner>, panel_id: i64) -> Result<()> {
    let horizon = now() - retention_days(&inner.db.local()?)? * 86_400;
    // Rows newer than this are the head's to fetch.
    let to = now() - inner.options.head_margin_s;
    inner
        .writer
        .run(move |w| {
            crate::db::ensure_configured(&w.local, &w.cache, panel_id)?;
            for r in VERIFIED {
                let mut state = store::load_state(&w.cache, panel_id, r.as_str())?;
                if state.verify_from.is_none() {
                    state.verify_from = Some(horizon);
                    state.verify_to = Some(to);
                    store::save_state(&w.cache, panel_id, r.as_str(), &state)?;
                }
            }
            Ok(())
        })
        .await
}

/// Verifies one range of the first resource whose pass is under way, or
/// starts a pass when one is due. True while there is more to do.
pub(super) async fn verify_step(inner: &Arc<Inner>, panel: &Panel) -> Result<bool> {
    let cache = inner.db.cache()?;
    let mut under_way = None;
    for r in VERIFIED {
        if store::load_state(&cache, panel.id, r.as_str())?
            .verify_from
            .is_some()
        {
            under_way = Some(r);
            break;
        }
    }
    let orders = store::load_state(&cache, panel.id, Resource::Orders.as_str())?;
    drop(cache);
    let Some(r) = under_way else {
        let Some(last) = orders.verified_at else {
            // The first pass comes a full period after the first sync, which
            // fetched everything anyway: the clock starts now.
            let panel_id = panel.id;
            inner
                .writer
                .run(move |w| {
                    crate::db::ensure_configured(&w.local, &w.cache, panel_id)?;
                    let mut state = store::load_state(&w.cache, panel_id, "orders")?;
                    state.verified_at = Some(now());
                    store::save_state(&w.cache, panel_id, "orders", &state)
                })
                .await?;
            return Ok(false);
        };
        let due = now() - last >= inner.options.verify_every_s;
        if due {
            start_verify(inner, panel.id).await?;
        }
        return Ok(due);
    };
    let run = PanelSync::new(inner, panel.clone(), false)?;
    match r {
        Resource::Orders => run.verify_range::<Order>().await?,
        Resource::Users => run.verify_range::<User>().await?,
        Resource::Payments => run.verify_range::<Payment>().await?,
        Resource::Tickets => run.verify_range::<Ticket>().await?,
        Resource::Services => {}
    }
    Ok(true)
}

/// A whole pass on one panel, now (`paneldesk-cli verify`).
pub(super) async fn verify_panel(inner: &Arc<Inner>, panel: Panel) -> SyncOutcome {
    let mut report = SyncOutcome {
        panel: panel.name.clone(),
        fetched: Vec::new(),
        error: None,
    };
    let result = async {
        start_verify(inner, panel.id).await?;
        while verify_step(inner, &panel).await? {}
        Ok(())
    };
    if let Err(e) = result.await {
        report.error = Some(e);
    }
    report
}

impl PanelSync {
    /// Compares one range of `T` and moves the pass's cursor past it.
    async fn verify_range<T: ListRow>(&self) -> Result<()> {
        let panel_id = self.panel.id;
        let resource = T::RESOURCE.as_str();
        let state = self.state(T::RESOURCE)?;
        let (Some(from), Some(to)) = (state.verify_from, state.verify_to) else {
            return Ok(());
        };
        let from = from.max(self.horizon);
        if from > to {
            return self
                .inner
                .writer
                .run(move |w| {
                    let mut state = store::load_state(&w.cache, panel_id, resource)?;
                    state.verify_from = None;
                    state.verify_to = None;
                    state.verified_at = Some(now());
                    store::save_state(&w.cache, panel_id, resource, &state)
                })
                .await;
        }
        let cache = self.inner.db.cache()?;
        let end =
            store::nth_created(&cache, T::TABLE, panel_id, from, to, RANGE_ROWS)?.unwrap_or(to);
        let cached: HashSet<i64> =
            store::ids_created_between(&cache, T::TABLE, panel_id, from, end)?
                .into_iter()
                .collect();
        drop(cache);
        let mut progress = self.progress(T::RESOURCE);
        progress.quiet = true;
        let mut seen = HashSet::new();
        let mut unreadable = false;
        self.pages_desc::<T>(
            &mut progress,
            query(0, 0, Some(from), Some(end), false),
            0,
            |_, _| {},
            |page| {
                seen.extend(page.rows.iter().map(T::id));
                // A row the parser skipped is still on the panel.
                for issue in &page.skipped {
                    match issue.id.as_deref().and_then(|i| i.trim().parse().ok()) {
                        Some(id) => {
                            seen.insert(id);
                        }
                        None => unreadable = true,
                    }
                }
            },
        )
        .await?;
        let _ = self.inner.events.send(SyncEvent::Verify {
            panel: self.panel.name.clone(),
            resource: T::RESOURCE,
            checked_to: end,
            to,
        });
        let missing: Vec<i64> = if unreadable {
            // A row without a readable id could be any of them: delete none.
            Vec::new()
        } else {
            cached.difference(&seen).copied().collect()
        };
        if missing.len() as f64 > MAX_MISSING_SHARE * cached.len() as f64 {
            return Err(Error::VerifyStopped {
                resource,
                missing: missing.len(),
                cached: cached.len(),
                from,
                to: end,
            });
        }
        let removed = missing.len();
        self.inner
            .writer
            .run(move |w| {
                crate::db::ensure_configured(&w.local, &w.cache, panel_id)?;
                let tx = w.cache.begin()?;
                store::delete_rows(&tx, T::TABLE, panel_id, &missing)?;
                let mut state = store::load_state(&tx, panel_id, resource)?;
                state.verify_from = Some(end + 1);
                store::save_state(&tx, panel_id, resource, &state)?;
                tx.commit()
            })
            .await?;
        if removed > 0 {
            tracing::info!(panel = %self.panel.name, resource, removed, "verify removed rows the panel no longer has");
        }
        Ok(())
    }
}
