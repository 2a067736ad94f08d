//! One sync owner per data dir: an OS file lock on `sync.lock`, released by
//! the OS when the owner exits or dies, so a crash never leaves it stuck.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, Write},
};

use crate::{paths::DataDir, Error, Result};

/// Held for as long as this process owns the sync of the data dir.
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    /// Takes the lock, or says who holds it. `who` is written in the file for
    /// the next one who asks ("paneldesk-cli sync --watch", "the app").
    pub fn acquire(data_dir: &DataDir, who: &str) -> Result<SyncLock> {
        let mut file = Self::open(data_dir)?;
        match file.try_lock() {
            Ok(()) => Self::own(file, who),
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut owner = String::new();
                let _ = file.read_to_string(&mut owner);
                let owner = if owner.trim().is_empty() {
                    "another process".to_owned()
                } else {
                    owner.trim().to_owned()
                };
                Err(Error::Busy(format!(
                    "{owner} is already syncing {}",
                    data_dir.root().display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io("locking sync.lock", e)),
        }
    }

    /// Blocks until the lock is free, then takes it: the app waits on its
    /// own thread while the CLI syncs, and takes over when the CLI exits.
    pub fn wait(data_dir: &DataDir, who: &str) -> Result<SyncLock> {
        let file = Self::open(data_dir)?;
        file.lock().map_err(|e| Error::io("locking sync.lock", e))?;
        Self::own(file, who)
    }

    fn own(mut file: File, who: &str) -> Result<SyncLock> {
        file.set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| write!(file, "{who} (pid {})", std::process::id()))
            .map_err(|e| Error::io("writing the sync lock", e))?;
        Ok(SyncLock { _file: file })
    }

    fn open(data_dir: &DataDir) -> Result<File> {
        std::fs::create_dir_all(data_dir.root())
            .map_err(|e| Error::io("creating the data dir", e))?;
        let path = data_dir.root().join("sync.lock");
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(format!("opening {}", path.display()), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_owner_is_told_who_holds_the_lock_until_it_is_released() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path());
        let first = SyncLock::acquire(&dir, "paneldesk-cli sync --watch").unwrap();
        let err = SyncLock::acquire(&dir, "the app").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Busy);
        assert!(
            err.to_string().contains("paneldesk-cli sync --watch (pid"),
            "{err}"
        );
        drop(first);
        SyncLock::acquire(&dir, "the app").unwrap();
    }

    #[test]
    fn a_waiter_takes_the_lock_as_soon_as_its_owner_lets_go() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path());
        let first = SyncLock::acquire(&dir, "paneldesk-cli sync --watch").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let lock = SyncLock::wait(&dir, "the app").unwrap();
                tx.send(()).unwrap();
                lock
            })
        };
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(300))
                .is_err(),
            "the waiter must not own the lock while the CLI does"
        );
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the waiter takes the lock once it is free");
        let _held = waiter.join().unwrap();
        let owner = std::fs::read_to_string(tmp.path().join("sync.lock")).unwrap();
        assert!(owner.starts_with("the app (pid"), "{owner}");
        assert_eq!(
            SyncLock::acquire(&dir, "paneldesk-cli").unwrap_err().code(),
            crate::ErrorCode::Busy
        );
    }
}
