//! API keys: list, add (validated before saving), test, remove. The private key is only
//! ever in `ipc`'s redacted type and the SDK's key types: never logged, stored in SQLite,
//! written to a file or put in an error.

use desk_core::{DeskEnvironment, keys};
use ipc::commands::credentials::{
    AddKey, KeyInfo, KeyList, KeySource, KeyTestResult, ListKeys, RemoveKey, TestKey,
};
use tauri::{AppHandle, Manager, Runtime};

use super::CmdResult;
use crate::state::AppState;

/// The stored keys and whether a keychain exists.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_keys<R: Runtime>(app: AppHandle<R>, request: ListKeys) -> CmdResult<KeyList> {
    let state = app.state::<AppState>();
    let _ = request;
    state.list_keys().await
}

/// Validates a key (parse, sign, and a signed read where the exchange answers), then
/// stores it where asked. Nothing is stored on any failure.
#[tauri::command]
#[tracing::instrument(skip_all, fields(environment = ?request.environment, storage = ?request.storage))]
pub async fn add_key<R: Runtime>(app: AppHandle<R>, request: AddKey) -> CmdResult<KeyInfo> {
    let state = app.state::<AppState>();
    let environment = DeskEnvironment::from_ui(request.environment);
    let pem = match &request.key {
        KeySource::Pem { pem } => pem.clone(),
        KeySource::File { path } => state.read_key_file(path).await?,
    };
    let key = keys::key_from_pem(&request.key_id, pem.expose())?;
    state.add_key(environment, key, request.storage).await
}

/// Tests an environment's key with one signed read.
#[tauri::command]
#[tracing::instrument(skip_all, fields(environment = ?request.environment))]
pub async fn test_key<R: Runtime>(app: AppHandle<R>, request: TestKey) -> CmdResult<KeyTestResult> {
    let state = app.state::<AppState>();
    state
        .test_key(DeskEnvironment::from_ui(request.environment))
        .await
}

/// Removes an environment's key; answers whether there was one.
#[tauri::command]
#[tracing::instrument(skip_all, fields(environment = ?request.environment))]
pub async fn remove_key<R: Runtime>(app: AppHandle<R>, request: RemoveKey) -> CmdResult<bool> {
    let state = app.state::<AppState>();
    state
        .remove_key(DeskEnvironment::from_ui(request.environment))
        .await
}
