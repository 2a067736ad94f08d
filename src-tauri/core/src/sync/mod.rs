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
mod settings;

use serde::{Deserialize, Serialize};

pub use engine::{Engine, EngineOptions, PanelReport};
pub use settings::{
    resource_settings, retention_days, set_per_fetch_everywhere, set_resource_settings,
    ResourceSettings, DEFAULT_RETENTION_DAYS,
};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Resource {
    Orders,
    Users,
    Payments,
    Tickets,
    Services,
}

impl Resource {
    /// In the order a sync runs them: small catalogues first, so screens fill early.
    pub const ALL: [Resource; 5] = [
        Resource::Services,
        Resource::Users,
        Resource::Payments,
        Resource::Orders,
        Resource::Tickets,
    ];

    /// Its snake_case name: the cache's table and `sync_state.resource`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where a resource's sync stands, as the Settings › Sync engine table and
/// the `sync` events show it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SyncStatus {
    /// Never synced.
    #[default]
    Idle,
    Running,
    Ok,
    Error,
    /// Services without a services key: skipped, which is not "ok".
    NoKey,
}

crate::db::sql_text_enum!(Resource, SyncStatus);

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

/// Changing the retention deletes what falls outside it at once.
pub fn set_retention_days(db: &crate::db::Db, days: i64) -> crate::Result<crate::store::Removed> {
    settings::set_retention_days_setting(&db.local()?, days)?;
    let mut cache = db.cache()?;
    let tx = cache.begin()?;
    let removed =
        crate::store::apply_retention(&tx, chrono::Utc::now().timestamp() - days.max(1) * 86_400)?;
    tx.commit()?;
    Ok(removed)
}
