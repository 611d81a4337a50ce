//! The main window's desktop behaviour: shown, hidden and focused from the tray and by a
//! second launch (single instance), hidden instead of closed when "close to tray" is on,
//! and its size and position remembered between runs (tauri-plugin-window-state, in the
//! app's config folder).

use ipc::commands::settings::Settings;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_window_state::StateFlags;
use tokio::sync::watch;

use crate::tray::Redraw;

/// The main window's label (tauri.conf.json).
pub const MAIN: &str = "main";

/// The main window, if it exists.
pub fn main_window<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    app.get_webview_window(MAIN)
}

/// Whether the main window is on screen (shown and not minimised).
pub fn is_visible<R: Runtime>(app: &AppHandle<R>) -> bool {
    main_window(app)
        .is_some_and(|w| w.is_visible().unwrap_or(false) && !w.is_minimized().unwrap_or(false))
}

/// Brings the main window to the front: shown, restored, focused.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    let Some(w) = main_window(app) else { return };
    let shown = w
        .unminimize()
        .and_then(|()| w.show())
        .and_then(|()| w.set_focus());
    if let Err(e) = shown {
        tracing::warn!(error = %e, "could not show the window");
    }
}

/// Hides the main window (it keeps running in the tray).
pub fn hide<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = main_window(app)
        && let Err(e) = w.hide()
    {
        tracing::warn!(error = %e, "could not hide the window");
    }
}

/// Hides a visible window, shows a hidden or minimised one.
pub fn toggle<R: Runtime>(app: &AppHandle<R>) {
    if is_visible(app) {
        hide(app)
    } else {
        show(app)
    }
}

/// Whether the close button hides the window instead of quitting: only with the setting on
/// and a tray to come back from.
pub fn hides_on_close(settings: &Settings, has_tray: bool) -> bool {
    settings.close_to_tray && has_tray
}

/// Makes the close button follow [`Settings::close_to_tray`] (read at each close, so a
/// change applies at once). `tray` is `None` when the app has no tray: then closing quits.
pub fn close_to_tray<R: Runtime>(
    window: &WebviewWindow<R>,
    settings: watch::Receiver<Settings>,
    tray: Option<Redraw>,
) {
    let hidden = window.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::CloseRequested { api, .. } = event
            && hides_on_close(&settings.borrow(), tray.is_some())
        {
            api.prevent_close();
            if let Err(e) = hidden.hide() {
                tracing::warn!(error = %e, "could not hide the window to the tray");
            }
            if let Some(tray) = &tray {
                tray.request();
            }
        }
    });
}

/// Remembers size, position and maximised state; not visibility, since a window hidden to
/// the tray at quit must still open next time.
pub fn state_plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(StateFlags::all().difference(StateFlags::VISIBLE))
        .build()
}

/// A second launch focuses this app's window and exits.
pub fn single_instance_plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_single_instance::init(|app, _args, _cwd| {
        tracing::info!("a second launch: focusing this window");
        show(app);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_close_button_hides_only_with_the_setting_and_a_tray() {
        let on = Settings {
            close_to_tray: true,
            ..Settings::default()
        };
        assert!(hides_on_close(&on, true));
        assert!(!hides_on_close(&on, false), "no tray: closing quits");
        assert!(
            !hides_on_close(&Settings::default(), true),
            "off by default"
        );
    }

    #[test]
    fn visibility_is_not_remembered() {
        let flags = StateFlags::all().difference(StateFlags::VISIBLE);
        assert!(flags.contains(StateFlags::SIZE | StateFlags::POSITION));
        assert!(!flags.contains(StateFlags::VISIBLE));
    }
}
