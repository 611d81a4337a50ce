//! Kalshi Desk's Tauri shell: it owns the window, tray and notifications and maps the UI's
//! `ipc` commands onto `desk-core`. Nothing below this crate knows Tauri exists.
//!
//! Layout: [`commands`] (one module per domain, each command a thin forward), [`state`]
//! (the open session and switching), [`events`] (the app-wide event channel), [`views`]
//! (market view channels), [`keyring`] and [`keychain`] (credentials), [`paths`] (the
//! data folder), [`bus`] (the streams the desktop parts read), [`sim_overrides`] (tests'
//! changes to the Simulator's paper exchange).
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod bus;
pub mod commands;
mod credentials;
pub mod desktop;
pub mod events;
pub mod keychain;
pub mod keyring;
pub mod logging;
pub mod notify;
pub mod paths;
pub mod sim_overrides;
pub mod state;
pub mod tray;
pub mod views;
pub mod window;

use tauri::{App, Builder, Listener, Manager, RunEvent, Runtime, WindowEvent};

use crate::state::{AppOptions, AppState};

/// The app on `builder`: the notification plugin and the commands. `run` adds the desktop
/// plugins ([`desktop::plugins`]) and uses the real runtime (and [`init`] in its setup);
/// tests pass `tauri::test::mock_builder()` and call [`init`] on the built app themselves
/// (the mock runtime has no event loop to run setup).
pub fn build<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![
            commands::environment::get_session,
            commands::environment::open_environment,
            commands::environment::confirm_production,
            commands::environment::reset_paper_account,
            commands::environment::request_sync,
            commands::environment::subscribe_events,
            commands::credentials::list_keys,
            commands::credentials::add_key,
            commands::credentials::test_key,
            commands::credentials::remove_key,
            commands::markets::list_markets,
            commands::market::get_market,
            commands::market::open_market_view,
            commands::market::close_market_view,
            commands::market::view_snapshot,
            commands::market::candles,
            commands::market::recent_trades,
            commands::orders::place_order,
            commands::orders::amend_order,
            commands::orders::decrease_order,
            commands::orders::cancel_order,
            commands::orders::cancel_all,
            commands::orders::resting_orders,
            commands::orders::retry_order,
            commands::portfolio::get_portfolio,
            commands::portfolio::pnl_by_market,
            commands::portfolio::portfolio_series,
            commands::portfolio::settlements,
            commands::history::fill_history,
            commands::history::order_history,
            commands::history::export_csv,
            commands::settings::get_settings,
            commands::settings::save_settings,
        ])
}

/// Start-up: the state (data folder, store, settings, credentials) and the session of the
/// environment used last, opened in the background (commands wait for it).
///
/// # Errors
/// An unusable data folder or store file.
pub fn init<R: Runtime>(
    app: &mut App<R>,
    options: AppOptions,
) -> Result<(), Box<dyn std::error::Error>> {
    let data_dir = match &options.data_dir {
        Some(dir) => dir.clone(),
        None => paths::data_dir(app)?,
    };
    let state = tauri::async_runtime::block_on(AppState::init(data_dir, options))?;
    let slot = state.reserve();
    app.manage(state);
    if let Some(slot) = slot {
        let handle = app.handle().clone();
        tauri::async_runtime::spawn(async move {
            handle.state::<AppState>().open_initial(slot).await;
        });
    }
    Ok(())
}

/// Forgets a closed window's market views and event channel (call it when a window is
/// destroyed; failed sends release them too, later).
pub fn release_window<R: Runtime, M: Manager<R>>(manager: &M, label: &str) {
    if let Some(state) = manager.try_state::<AppState>() {
        state.views.close_window(label);
        state.subscribers.remove(label);
    }
}

/// Builds and runs the app until the last window closes or the person quits.
pub fn run() {
    let app = build(desktop::plugins(tauri::Builder::default()))
        .setup(|app| {
            let mut options = AppOptions::default();
            if let Some(overrides) = sim_overrides::from_env().inspect_err(|e| {
                tracing::error!(error = %e, "refusing to start on a bad simulator override");
            })? {
                // Not the whole struct: the admin token stays out of the log.
                tracing::info!(
                    port = ?overrides.port,
                    offline = ?overrides.offline,
                    markets = ?overrides.markets,
                    activity = ?overrides.activity,
                    seed = ?overrides.seed,
                    admin_routes = overrides.admin_token.is_some(),
                    "simulator overrides in force"
                );
                options.simulator = overrides.simulator(options.simulator);
            }
            init(app, options)?;
            let bus = app.state::<AppState>().bus.clone();
            desktop::setup(app, bus);
            switch_from_tray(app);
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match app {
        Ok(app) => app.run(|app, event| match event {
            RunEvent::WindowEvent {
                label,
                event: WindowEvent::Destroyed,
                ..
            } => release_window(app, &label),
            RunEvent::Exit => {
                if let Some(state) = app.try_state::<AppState>() {
                    tauri::async_runtime::block_on(state.shutdown());
                }
            }
            _ => {}
        }),
        Err(e) => {
            eprintln!("kalshi-desk: {e}");
            std::process::exit(1);
        }
    }
}

/// Acts on the tray's environment menu: the same switch as the `open_environment` command.
/// Production opens read-only (orders stay refused until the person confirms in the app,
/// which the window, shown by the tray, asks for).
fn switch_from_tray<R: Runtime>(app: &App<R>) {
    let handle = app.handle().clone();
    app.listen_any(tray::SWITCH_ENVIRONMENT_EVENT, move |event| {
        let Ok(environment) =
            serde_json::from_str::<ipc::commands::environment::Environment>(event.payload())
        else {
            tracing::warn!(
                payload = event.payload(),
                "the tray asked for an unknown environment"
            );
            return;
        };
        let handle = handle.clone();
        tauri::async_runtime::spawn(async move {
            let state = handle.state::<AppState>();
            if let Err(e) = state
                .switch(desk_core::DeskEnvironment::from_ui(environment), false)
                .await
            {
                tracing::warn!(error = %e, "switching environment from the tray failed");
                state.bus.publish(ipc::AppEvent::Error(e));
            }
        });
    });
}
