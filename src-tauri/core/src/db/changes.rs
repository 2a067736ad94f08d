//! Noticing what another process wrote: when the CLI owns the sync, the
//! window gets no engine events, so it watches the cache's `data_version`
//! (SQLite bumps it whenever another connection commits to the file).

use std::{
    sync::mpsc::{self, RecvTimeoutError},
    thread::JoinHandle,
    time::Duration,
};

use super::{CacheConn, Db};
use crate::Result;

/// Watches the cache; dropping it stops the watch.
pub struct CacheChanges {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl CacheChanges {
    /// Calls `changed` after each check that finds another process's commit.
    /// A check is one `PRAGMA` on an idle connection: cheap enough every `every`.
    pub fn watch(
        db: &Db,
        every: Duration,
        changed: impl Fn() + Send + 'static,
    ) -> Result<CacheChanges> {
        let conn = db.cache()?;
        let version = |c: &rusqlite::Connection| -> Result<i64> {
            c.query_row("PRAGMA data_version", [], |r| r.get(0))
                .map_err(CacheConn::err)
        };
        let mut seen = version(&conn)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("cache-changes".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    match version(&conn) {
                        Ok(v) if v != seen => {
                            seen = v;
                            changed();
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!("watching the cache for changes: {e}"),
                    }
                }
            })
            .map_err(|e| crate::Error::io("starting the cache watch", e))?;
        Ok(CacheChanges {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for CacheChanges {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
