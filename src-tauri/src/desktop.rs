//! The desktop parts in one place for the app's builder: the plugins they need
//! ([`plugins`], including the native file dialogs the settings and history pages open) and their start ([`setup`]): the log file, fill notifications, the tray,
//! close-to-tray, single instance and the remembered window size and position.

use std::sync::Arc;

use tauri::{App, Manager, Runtime};

use crate::bus::Bus;
use crate::notify::{self, Pause, SystemToaster};
use crate::tray::{self, Redraw};
use crate::{logging, window};

/// Adds the desktop plugins (the notification plugin comes with the commands, in
/// [`crate::build`], because tests on the mock runtime need it too). Single instance comes
/// first, so a second launch hands over before anything else starts.
pub fn plugins<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(window::single_instance_plugin())
        .plugin(window::state_plugin())
        // Open (a key file) and save (a CSV export) dialogs; the capability allows only
        // those two calls, and the paths they return go to our own commands.
        .plugin(tauri_plugin_dialog::init())
}

/// Starts the desktop parts; call it from the builder's `setup`. Takes the app's [`Bus`]
/// (and manages it as `Arc<Bus>` if nothing has yet). Manages the [`logging::LogGuard`]
/// and the tray's [`Pause`]. A part that cannot start is logged and left out: the app
/// runs without a log file or a tray rather than not at all.
pub fn setup<R: Runtime>(app: &App<R>, bus: Arc<Bus>) {
    match app.path().app_log_dir() {
        Ok(dir) => match logging::init(&dir) {
            Ok(guard) => {
                app.manage(guard);
                tracing::info!(version = env!("CARGO_PKG_VERSION"), "Kalshi Desk starting");
            }
            Err(e) => eprintln!("kalshi-desk: no log file: {e}"),
        },
        Err(e) => eprintln!("kalshi-desk: no log folder: {e}"),
    }
    if app.try_state::<Arc<Bus>>().is_none() {
        app.manage(bus.clone());
    }
    let pause = Pause::default();
    app.manage(pause.clone());

    notify::ask_permission(app.handle());
    notify::spawn(&bus, pause.clone(), SystemToaster(app.handle().clone()));

    let redraw = Redraw::default();
    let tray = match tray::start(app.handle(), &bus, pause, redraw.clone()) {
        Ok(()) => Some(redraw),
        Err(e) => {
            tracing::warn!(error = %e, "no tray icon; closing the window quits");
            None
        }
    };
    if let Some(main) = window::main_window(app.handle()) {
        window::close_to_tray(&main, bus.settings(), tray);
    }
}
