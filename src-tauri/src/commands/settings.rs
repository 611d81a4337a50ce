//! App settings.

use ipc::commands::settings::{GetSettings, SaveSettings, Settings};
use tauri::{AppHandle, Manager, Runtime};

use super::CmdResult;
use crate::state::AppState;

/// The settings.
#[tauri::command]
pub async fn get_settings<R: Runtime>(
    app: AppHandle<R>,
    request: GetSettings,
) -> CmdResult<Settings> {
    let state = app.state::<AppState>();
    let _ = request;
    Ok(state.bus.settings().borrow().clone())
}

/// Saves and applies the settings.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    request: SaveSettings,
) -> CmdResult<Settings> {
    let state = app.state::<AppState>();
    state.save_settings(&request.settings).await
}
