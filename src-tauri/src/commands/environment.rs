//! The session: what is open, switching environment, Production's confirmation, the
//! paper account, catch-ups and the app-wide event channel.

use desk_core::{DeskEnvironment, Session};
use ipc::commands::credentials::KeyInfo;
use ipc::commands::environment::{
    ConfirmProduction, GetSession, OpenEnvironment, RequestSync, ResetPaperAccount, SessionInfo,
    SubscribeEvents,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State, Webview};

use super::CmdResult;
use crate::state::AppState;

/// The status bar's and settings page's view of a session.
pub(crate) fn session_info(state: &AppState, session: &Session) -> SessionInfo {
    let status = session.status();
    let environment = session.environment();
    let storage = state.keys.storage_of(environment).ok().flatten();
    SessionInfo {
        environment: environment.to_ui(),
        key: storage.map(|(key_id, storage)| KeyInfo {
            environment: environment.to_ui(),
            key_id,
            storage,
        }),
        connection: desk_core::ipc_view::connection_status(
            &crate::events::connection_now(session),
            crate::events::last_message_age_ms(session),
        ),
        production_confirmed: environment.is_real_money() && session.production_confirmed(),
        rate_tier: desk_core::settings::ui_rate_tier(session.rate_tier()),
        last_synced_ms: status.last_synced_at.map(desk_core::ipc_view::ms),
    }
}

/// The open session.
#[tauri::command]
pub async fn get_session<R: Runtime>(
    app: AppHandle<R>,
    request: GetSession,
) -> CmdResult<SessionInfo> {
    let state = app.state::<AppState>();
    let _ = request;
    let session = state.session().await?;
    Ok(session_info(&state, &session))
}

/// Switches environment (drops every market view of the old one).
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn open_environment<R: Runtime>(
    app: AppHandle<R>,
    request: OpenEnvironment,
) -> CmdResult<SessionInfo> {
    let state = app.state::<AppState>();
    let environment = DeskEnvironment::from_ui(request.environment);
    let session = state
        .switch(environment, request.confirm_production)
        .await?;
    Ok(session_info(&state, &session))
}

/// Confirms or withdraws real-money trading on the open Production session.
#[tauri::command]
pub async fn confirm_production<R: Runtime>(
    app: AppHandle<R>,
    request: ConfirmProduction,
) -> CmdResult<SessionInfo> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    session.confirm_production(request.confirmed && session.environment().is_real_money());
    Ok(session_info(&state, &session))
}

/// Starts the Simulator's paper account over and reopens it.
#[tauri::command]
pub async fn reset_paper_account<R: Runtime>(
    app: AppHandle<R>,
    request: ResetPaperAccount,
) -> CmdResult<SessionInfo> {
    let state = app.state::<AppState>();
    let _ = request;
    let session = state.reset_paper_account().await?;
    Ok(session_info(&state, &session))
}

/// Asks for a catch-up now.
#[tauri::command]
pub async fn request_sync<R: Runtime>(app: AppHandle<R>, request: RequestSync) -> CmdResult {
    let state = app.state::<AppState>();
    let _ = request;
    state.session().await?.request_sync();
    Ok(())
}

/// Sends every app event to `channel` from now on (replacing the window's earlier one).
#[tauri::command]
pub async fn subscribe_events<R: Runtime>(
    state: State<'_, AppState>,
    webview: Webview<R>,
    request: SubscribeEvents,
    channel: Channel<ipc::AppEvent>,
) -> CmdResult {
    let _ = request;
    state.subscribers.subscribe(webview.label(), channel);
    Ok(())
}
