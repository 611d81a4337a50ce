//! The file side of persistence: crash-safe replacement of the state file and the lock
//! that keeps two simulators (or a reset) off the same file.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes` so that a crash at any moment leaves either the old file or
/// the new one, never a mix: the bytes go to a temporary file in the same directory, which
/// is flushed to disk, renamed over `path`, and the directory entry is flushed too.
///
/// # Errors
/// The OS error of the step that failed; `path` is then unchanged.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = sibling(path, ".tmp");
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        sync_dir(path)
    })();
    if result.is_err() {
        // Best effort: a stale temporary file is harmless and overwritten next time.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Flushes the directory holding `path`, so a rename in it survives a power cut.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// `dir/.NAME{suffix}` beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "state".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}{suffix}"))
}

/// An exclusive OS lock on a state file (taken on `.NAME.lock` beside it), held for as
/// long as the value lives; the OS releases it when the process dies, so a crash never
/// leaves a stale lock.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

/// Why a state file could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another simulator (or a reset) holds it.
    #[error("the state file {} is in use by another simulator", .0.display())]
    InUse(PathBuf),
    /// The lock file could not be opened.
    #[error("cannot lock the state file {}: {source}", path.display())]
    Io {
        /// The state file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl StateLock {
    /// Takes the lock of the state file `path` without waiting.
    ///
    /// # Errors
    /// [`LockError::InUse`] when it is held elsewhere; [`LockError::Io`] otherwise.
    pub fn acquire(path: &Path) -> Result<Self, LockError> {
        let lock_path = sibling(path, ".lock");
        let io = |source| LockError::Io {
            path: path.to_owned(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(LockError::InUse(path.to_owned())),
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sim");
        write_atomic(&path, b"first, longer content").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("x.sim")],
            "no temporary left"
        );
    }

    #[test]
    fn a_held_lock_refuses_a_second_holder_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sim");
        let first = StateLock::acquire(&path).unwrap();
        assert!(matches!(
            StateLock::acquire(&path),
            Err(LockError::InUse(_))
        ));
        drop(first);
        StateLock::acquire(&path).expect("free again once the holder is gone");
    }
}
