//! Which database a connection is, in its type: a function says whether it
//! needs the cache, `local.sqlite3` or the cache with `local` attached, and
//! the compiler checks every caller. Each type has one error mapping, which
//! names its file.
//!
//! Writes run in a transaction begun on the connection (`begin`, IMMEDIATE:
//! the write lock is taken at once, so a busy file fails at the start rather
//! than halfway). A transaction reads as its connection (`Deref`), so reads
//! take the connection type and work inside a transaction too.

use std::ops::Deref;

use ref_cast::{ref_cast_custom, RefCastCustom};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::DbError;
use crate::{Error, Result};

macro_rules! database {
    ($(#[$doc:meta])* $conn:ident, $(#[$tx_doc:meta])* $tx:ident, $file:literal) => {
        $(#[$doc])*
        #[derive(RefCastCustom)]
        #[repr(transparent)]
        pub struct $conn(Connection);

        impl $conn {
            /// The file, as errors name it.
            pub const FILE: &'static str = $file;

            /// The one error mapping of this database.
            pub fn err(e: rusqlite::Error) -> Error {
                DbError::sqlite($file, e).into()
            }

            pub(super) fn new(conn: Connection) -> Self {
                Self(conn)
            }

            /// Only `db` says which file a connection is.
            #[ref_cast_custom]
            pub(super) fn view(conn: &Connection) -> &Self;

            /// Begins an IMMEDIATE transaction.
            pub fn begin(&mut self) -> Result<$tx<'_>> {
                self.0
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map($tx)
                    .map_err(Self::err)
            }
        }

        impl Deref for $conn {
            type Target = Connection;
            fn deref(&self) -> &Connection {
                &self.0
            }
        }

        $(#[$tx_doc])*
        pub struct $tx<'a>(Transaction<'a>);

        impl $tx<'_> {
            pub fn commit(self) -> Result<()> {
                self.0.commit().map_err($conn::err)
            }
        }

        impl Deref for $tx<'_> {
            type Target = $conn;
            fn deref(&self) -> &$conn {
                $conn::view(&self.0)
            }
        }
    };
}

database!(
    /// `cache.sqlite3`: what the panels hold, rebuildable by a resync.
    CacheConn,
    /// A write transaction on the cache.
    CacheTx,
    "cache.sqlite3"
);

database!(
    /// `local.sqlite3`: what only this machine holds (panels, settings,
    /// notes, report profiles).
    LocalConn,
    /// A write transaction on `local.sqlite3`.
    LocalTx,
    "local.sqlite3"
);

/// The cache with `local.sqlite3` attached as `local`: what the screens and
/// the reports read, joining panels' rows with this machine's settings. No
/// table name is in both files (a migration test checks it), so `local`'s
/// tables are also reachable by their bare names through [`ReadConn::local`].
pub struct ReadConn(CacheConn);

impl ReadConn {
    pub(super) fn new(cache: CacheConn) -> Self {
        Self(cache)
    }

    /// The same connection, seen as `local.sqlite3` (its tables by their
    /// bare names), for the functions that read only local tables.
    pub fn local(&self) -> &LocalConn {
        LocalConn::view(&self.0 .0)
    }
}

impl Deref for ReadConn {
    type Target = CacheConn;
    fn deref(&self) -> &CacheConn {
        &self.0
    }
}
