//! Forward-only migrations from `migrations/`, embedded at build time.
//!
//! All pending migrations of a file run in one transaction; a file whose
//! `user_version` is newer than this build knows is refused, not touched.

use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use super::{user_version, DbError};
use crate::Result;

/// The cache's steps. A `static` built on first use, not a `const`: a step
/// with a hook (Rust run inside the migration's transaction) is not const.
static CACHE: LazyLock<Vec<M<'static>>> = LazyLock::new(|| {
    vec![
        M::up(include_str!("../../../../migrations/cache/0001_init.sql")),
        M::up(include_str!(
            "../../../../migrations/cache/0002_panel_data.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0003_message_text.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0004_orders_created_covering.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0005_cache_stays_true.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0006_hourly_aggregates.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0007_deferred_upkeep.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0008_read_indexes.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0009_row_counts.sql"
        )),
        M::up_with_hook(
            include_str!("../../../../migrations/cache/0010_quoted_orders.sql"),
            |tx: &rusqlite::Transaction| Ok(super::quoted_orders::fill(tx)?),
        ),
        M::up(include_str!(
            "../../../../migrations/cache/0011_orders_text.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/cache/0012_order_totals.sql"
        )),
    ]
});

const LOCAL: &[M<'static>] = &[
    M::up(include_str!("../../../../migrations/local/0001_init.sql")),
    M::up(include_str!("../../../../migrations/local/0002_panels.sql")),
    M::up(include_str!(
        "../../../../migrations/local/0003_reports.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0004_console.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0005_panel_uid.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0006_tickets.sql"
    )),
    M::up(include_str!("../../../../migrations/local/0007_ai.sql")),
    M::up(include_str!("../../../../migrations/local/0008_money.sql")),
    M::up(include_str!(
        "../../../../migrations/local/0009_staff_imports_lock.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0010_report_history.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0011_competitors.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0012_install_id_file.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0013_api_keys.sql"
    )),
    M::up(include_str!(
        "../../../../migrations/local/0014_api_writes.sql"
    )),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Cache,
    Local,
}

impl Schema {
    pub fn file_name(self) -> &'static str {
        match self {
            Schema::Cache => "cache.sqlite3",
            Schema::Local => "local.sqlite3",
        }
    }

    fn steps(self) -> &'static [M<'static>] {
        match self {
            Schema::Cache => CACHE.as_slice(),
            Schema::Local => LOCAL,
        }
    }

    /// The version a fully migrated file has.
    pub fn latest(self) -> i64 {
        self.steps().len() as i64
    }
}

/// Brings `conn` to the latest version of `schema`.
pub fn migrate(conn: &mut Connection, schema: Schema) -> Result<()> {
    run(conn, schema.file_name(), schema.steps())
}

/// Brings `conn` to exactly `version` of `schema` (for tests of each
/// migration from the schema before it).
pub fn migrate_to(conn: &mut Connection, schema: Schema, version: usize) -> Result<()> {
    Migrations::from_slice(schema.steps())
        .to_version(conn, version)
        .map_err(|e| {
            DbError::Migration {
                file: schema.file_name().into(),
                reason: e.to_string(),
            }
            .into()
        })
}

fn run(conn: &mut Connection, file: &str, steps: &'static [M<'static>]) -> Result<()> {
    let found = user_version(conn, file)?;
    let known = steps.len() as i64;
    if found > known {
        return Err(DbError::TooNew {
            file: file.into(),
            found,
            known,
        }
        .into());
    }
    Migrations::from_slice(steps)
        .to_latest(conn)
        .map_err(|e| DbError::Migration {
            file: file.into(),
            reason: e.to_string(),
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_exists(conn: &Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    }

    #[test]
    fn a_failing_migration_rolls_back_every_pending_one() {
        // Two pending migrations, the second broken: the first must not stay applied,
        // or a half-migrated file would be taken for a finished one.
        static STEPS: &[M<'static>] = &[
            M::up("CREATE TABLE first_step (x INTEGER);"),
            M::up("CREATE TABLE second_step (x INTEGER); THIS IS NOT SQL;"),
        ];
        let mut conn = Connection::open_in_memory().unwrap();
        let err = run(&mut conn, "test.sqlite3", STEPS).unwrap_err();
        assert!(
            err.to_string().contains("migrating test.sqlite3 failed"),
            "{err}"
        );
        assert_eq!(user_version(&conn, "test.sqlite3").unwrap(), 0);
        assert!(!table_exists(&conn, "first_step"));
    }

    #[test]
    fn a_database_from_a_newer_app_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn, Schema::Local).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::DatabaseTooNew);
        assert!(err.to_string().contains("schema version 99"), "{err}");
        assert!(!table_exists(&conn, "settings"));
    }
}
