//! Writing panel rows into cache.sqlite3, and what the sync engine reads
//! back to decide its next requests. Split by what each part writes:
//! - [`rows`]: the panels' rows (upserts, conversations, services, deletions);
//! - [`cursors`]: where each resource's sync stands (`sync_state`);
//! - [`retention`]: what ages out of the cache;
//! - [`lookups`]: the engine's reads (open orders, tickets to fetch, ranges);
//! - [`aggregates`]: the slow-check rules the hourly aggregates are kept for;
//! - [`deferred`]: a first backfill's upkeep, set aside and built at its end.
//!
//! Every write takes the transaction it runs in: the sync engine commits a
//! page and its cursor together, so a crash loses nothing and duplicates nothing.

mod aggregates;
mod cursors;
mod deferred;
mod lookups;
mod retention;
mod rows;

pub use aggregates::keep_slow_rules;
pub use cursors::{load_state, save_state, SyncState};
pub use deferred::{defer_order_upkeep, end_backfill};
pub use lookups::{
    count_rows, ids_created_between, ids_with_status, nth_created, open_order_ids,
    open_ticket_statuses, tickets_needing_messages, users_active_since,
};
pub use retention::{apply_retention, Removed};
pub use rows::{
    delete_rows, refetch_tickets, replace_messages, replace_services, save_conversation,
    save_orders, save_payments, ticket_fetch_failed, upsert_orders, upsert_payments,
    upsert_tickets, upsert_users,
};
