//! Live progress bars on stderr (only when it is a terminal), fed by the
//! engine's events.

use std::collections::HashMap;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use paneldesk_core::sync::{SyncEvent, SyncStatus};
use tokio::sync::broadcast;

pub struct Bars {
    task: tokio::task::JoinHandle<()>,
}

impl Bars {
    pub fn follow(
        rt: &tokio::runtime::Runtime,
        mut events: broadcast::Receiver<SyncEvent>,
    ) -> Bars {
        let task = rt.spawn(async move {
            let multi = MultiProgress::new();
            let mut bars: HashMap<(String, &'static str), ProgressBar> = HashMap::new();
            let style =
                ProgressStyle::with_template("{prefix:>24} {bar:30} {pos:>9}/{len:9} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            while let Ok(event) = events.recv().await {
                match event {
                    SyncEvent::Progress {
                        panel,
                        resource,
                        fetched,
                        total,
                        rows_per_s,
                    } => {
                        let bar = bars
                            .entry((panel.clone(), resource.as_str()))
                            .or_insert_with(|| {
                                let b = multi.add(ProgressBar::new(0).with_style(style.clone()));
                                b.set_prefix(format!("{panel} {}", resource.as_str()));
                                b
                            });
                        bar.set_length(total.unwrap_or(fetched).max(fetched));
                        bar.set_position(fetched);
                        bar.set_message(format!("{rows_per_s:.0} rows/s"));
                    }
                    SyncEvent::State {
                        panel,
                        resource,
                        status,
                        error,
                    } => {
                        if let Some(bar) = bars.get(&(panel, resource.as_str())) {
                            match (status, error) {
                                (SyncStatus::Ok, _) => bar.finish(),
                                (_, Some(e)) => bar.abandon_with_message(e),
                                _ => {}
                            }
                        }
                    }
                    SyncEvent::Verify {
                        panel,
                        resource,
                        checked_to,
                        to,
                    } => {
                        let bar = bars.entry((panel.clone(), "verify")).or_insert_with(|| {
                            let b = multi.add(ProgressBar::new_spinner());
                            b.set_prefix(format!("{panel} verify"));
                            b
                        });
                        let day = |t: i64| {
                            chrono::DateTime::from_timestamp(t, 0)
                                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or_default()
                        };
                        bar.set_message(format!(
                            "{panel}: verified {} created up to {} (of {})",
                            resource.as_str(),
                            day(checked_to),
                            day(to)
                        ));
                        bar.tick();
                    }
                }
            }
        });
        Bars { task }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        self.task.abort();
    }
}
