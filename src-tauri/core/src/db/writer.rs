//! The one writer: a thread that owns the write connections of both files
//! and runs jobs sent to it in order, so writes never contend with each other
//! and never block a tokio worker.

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{CacheConn, Db, LocalConn};
use crate::{Error, Result};

/// The write connections a job gets.
pub struct WriteConns {
    pub cache: CacheConn,
    pub local: LocalConn,
}

type Job = Box<dyn FnOnce(&mut WriteConns) + Send>;

/// Page cache of the writer's cache.sqlite3 connection, in KiB.
const WRITER_CACHE_KIB: i64 = 16 * 1024;
/// WAL pages (4 KiB each) written before the writer checkpoints.
const WAL_CHECKPOINT_PAGES: i64 = 16_384;

/// A handle to the writer thread; cheap to clone. The thread ends when the
/// last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    pub fn start(db: &Db) -> Result<Writer> {
        let mut conns = WriteConns {
            cache: db.cache()?,
            local: db.local()?,
        };
        // The writer keeps the indexes' hot pages in memory: with SQLite's
        // 2 MB default, ingest into a million-row cache thrashes.
        conns
            .cache
            .pragma_update(None, "cache_size", -WRITER_CACHE_KIB)
            .map_err(CacheConn::err)?;
        // Checkpoint the WAL every 64 MB rather than every 4 MB: during a
        // backfill the default checkpoints copy the same index pages back
        // again and again (ingest at 1M rows: 54k -> 85k rows/s).
        conns
            .cache
            .pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
            .map_err(CacheConn::err)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("paneldesk-writer".into())
            .spawn(move || {
                for job in rx {
                    job(&mut conns);
                }
            })
            .map_err(|e| Error::io("starting the database writer", e))?;
        Ok(Writer { tx })
    }

    /// Runs `job` on the writer thread and waits for its answer without
    /// blocking the async runtime.
    pub async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteConns) -> Result<T> + Send + 'static,
    {
        self.send(job)?.await.map_err(|_| writer_gone())?
    }

    /// The same, for a caller off the async runtime (the CLI, a blocking
    /// command): waits on the thread it is called on.
    pub fn run_blocking<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteConns) -> Result<T> + Send + 'static,
    {
        self.send(job)?.blocking_recv().map_err(|_| writer_gone())?
    }

    /// Queues `job`; its answer comes on the receiver.
    fn send<T, F>(&self, job: F) -> Result<oneshot::Receiver<Result<T>>>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteConns) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Box::new(move |conns| {
                let _ = reply.send(job(conns));
            }))
            .map_err(|_| writer_gone())?;
        Ok(answer)
    }
}

fn writer_gone() -> Error {
    Error::io(
        "the database writer stopped",
        std::io::Error::other("writer thread ended"),
    )
}
