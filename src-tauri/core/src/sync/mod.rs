//! The sync engine: keeps cache.sqlite3 a faithful copy of every panel at
//! the lowest cost to the panel.
//!
//! Per panel, one client (one token bucket) serves all resources. Every page
//! is written together with its cursor in one transaction on the writer
//! thread. Orders have a backfill cursor (older pages, down to the retention
//! horizon) and a head cursor (new orders); open orders are refreshed by id.
//! Users, payments and tickets are reconciled by full paging (resumable) and
//! followed by their head between reconciles; tickets whose `last_update`
//! moved get their conversation fetched.

mod engine;

use serde::Serialize;

pub use crate::model::{Resource, SyncStatus};
pub use engine::{Engine, EngineOptions, SyncOutcome};

/// What a UI or the CLI shows while a sync runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEvent {
    Progress {
        panel: String,
        resource: Resource,
        fetched: u64,
        total: Option<u64>,
        rows_per_s: f64,
    },
    State {
        panel: String,
        resource: Resource,
        status: SyncStatus,
        error: Option<String>,
    },
    /// The verify pass compared the resource's rows created up to
    /// `checked_to`; the pass ends at `to` (unix seconds).
    Verify {
        panel: String,
        resource: Resource,
        checked_to: i64,
        to: i64,
    },
}
