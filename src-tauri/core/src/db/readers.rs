//! A few read connections kept open for the UI's queries: each is the cache
//! with local.sqlite3 attached (as reports read), and keeps its prepared
//! statements, so a table page costs its query and nothing more.

use std::sync::Mutex;

use super::{Db, ReadConn};
use crate::Result;

/// Connections kept idle at most; more are opened while queries overlap.
const KEEP: usize = 4;

pub struct Readers {
    db: Db,
    idle: Mutex<Vec<ReadConn>>,
}

impl Readers {
    pub fn new(db: Db) -> Readers {
        Readers {
            db,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Runs `f` on an idle connection (or a new one) and keeps it for later.
    pub fn with<T>(&self, f: impl FnOnce(&ReadConn) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => self.db.read()?,
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP {
            idle.push(conn);
        }
        out
    }
}
