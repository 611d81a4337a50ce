//! Where the app keeps its data: Tauri's per-user app data folder, or the folder named by
//! [`DATA_DIR_VAR`] (tests, portable setups), with the store file `desk.sqlite` in it and
//! the Simulator's paper exchanges beside it.

use std::path::{Path, PathBuf};

use tauri::{Manager, Runtime};

/// Overrides the data folder (tests point it at a temp dir, never at the real home).
pub const DATA_DIR_VAR: &str = "KALSHI_DESK_DATA_DIR";

/// The store file's name inside the data folder.
pub const STORE_FILE: &str = "desk.sqlite";

/// The data folder: [`DATA_DIR_VAR`] when set and not empty, else Tauri's app data dir.
///
/// # Errors
/// Tauri's error when the platform has no app data dir.
pub fn data_dir<R: Runtime, M: Manager<R>>(manager: &M) -> tauri::Result<PathBuf> {
    match std::env::var_os(DATA_DIR_VAR) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => manager.path().app_data_dir(),
    }
}

/// The store file in `data_dir`.
pub fn store_path(data_dir: &Path) -> PathBuf {
    data_dir.join(STORE_FILE)
}
