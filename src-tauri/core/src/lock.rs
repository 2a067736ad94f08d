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
        std::fs::create_dir_all(data_dir.root())
            .map_err(|e| Error::io("creating the data dir", e))?;
        let path = data_dir.root().join("sync.lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0)
                    .and_then(|_| file.rewind())
                    .and_then(|_| write!(file, "{who} (pid {})", std::process::id()))
                    .map_err(|e| Error::io("writing the sync lock", e))?;
                Ok(SyncLock { _file: file })
            }
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
            Err(std::fs::TryLockError::Error(e)) => {
                Err(Error::io(format!("locking {}", path.display()), e))
            }
        }
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
        assert_eq!(err.code().as_str(), "busy");
        assert!(
            err.to_string().contains("paneldesk-cli sync --watch (pid"),
            "{err}"
        );
        drop(first);
        SyncLock::acquire(&dir, "the app").unwrap();
    }
}
