//! Watch mode: each resource on its interval, adapted to what changes, with
//! the retention applied and the verify pass started on their own clocks.

use super::*;

impl Engine {
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

pub(super) async fn watch_panel(inner: Arc<Inner>, panel_id: i64, mut stop: watch::Receiver<bool>) {
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
