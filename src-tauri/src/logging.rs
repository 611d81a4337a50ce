//! The app's log: a file per day in the app's log folder (the last [`KEEP_FILES`] are
//! kept), written through `tracing` by a background thread, plus stderr in debug builds.
//! `RUST_LOG` overrides the default `info` filter.
//!
//! Nothing logs key material: keys live behind `kalshi::auth::Secret`, whose `Debug` is
//! redacted, and the secrets test (tests/secrets.rs) greps a whole session's logs for
//! any part of the key.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Daily files kept in the log folder.
pub const KEEP_FILES: usize = 7;

/// Log file names: `kalshi-desk.YYYY-MM-DD.log`.
pub const FILE_PREFIX: &str = "kalshi-desk";

/// The filter when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// Why logging could not start (the app runs on without a log file).
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The log folder or file could not be made.
    #[error("cannot write logs in {dir}: {reason}")]
    Folder {
        /// The folder.
        dir: String,
        /// Why.
        reason: String,
    },
    /// A global subscriber was already set (e.g. twice in one test binary).
    #[error("logging was already set up: {0}")]
    AlreadySet(String),
}

/// Keeps the log writer thread alive: logs buffered when it drops are flushed, and later
/// ones are lost, so the app holds it (Tauri managed state) until exit.
#[derive(Debug)]
pub struct LogGuard(#[allow(dead_code)] WorkerGuard);

/// Starts logging into `dir` with `RUST_LOG` or [`DEFAULT_FILTER`].
///
/// # Errors
/// [`LogError`] if the folder cannot be used or logging is already set up.
pub fn init(dir: &Path) -> Result<LogGuard, LogError> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    init_with(dir, filter)
}

/// Starts logging into `dir` with `filter` (tests log at `debug`).
///
/// # Errors
/// [`LogError`] if the folder cannot be used or logging is already set up.
pub fn init_with(dir: &Path, filter: EnvFilter) -> Result<LogGuard, LogError> {
    let folder_error = |reason: String| LogError::Folder {
        dir: dir.display().to_string(),
        reason,
    };
    std::fs::create_dir_all(dir).map_err(|e| folder_error(e.to_string()))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| folder_error(e.to_string()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let file = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(writer);
    let stderr = cfg!(debug_assertions)
        .then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    tracing_subscriber::registry()
        .with(filter)
        .with(file)
        .with(stderr)
        .try_init()
        .map_err(|e| LogError::AlreadySet(e.to_string()))?;
    Ok(LogGuard(guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_land_in_a_dated_file_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        let guard = init_with(&logs, EnvFilter::new("debug")).unwrap();
        tracing::debug!(marker = "log-line-7f3a", "a line for the file");
        assert!(
            matches!(
                init_with(&logs, EnvFilter::new("debug")),
                Err(LogError::AlreadySet(_))
            ),
            "a second start is refused, not a panic"
        );
        drop(guard); // flushes the writer thread
        let files: Vec<_> = std::fs::read_dir(&logs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("kalshi-desk.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("log-line-7f3a"), "{text}");
    }
}
