//! Windows and macOS: a left click on the icon shows or hides the window, as tray apps do
//! there; the menu opens on a right click, and the tooltip carries the state line.

use tauri::Runtime;
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};

use super::Redraw;
use crate::window;

/// Left click toggles the window; the menu stays on the right button.
pub(super) fn configure<R: Runtime>(
    builder: TrayIconBuilder<R>,
    redraw: Redraw,
) -> TrayIconBuilder<R> {
    builder
        .show_menu_on_left_click(false)
        .on_tray_icon_event(move |tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                window::toggle(tray.app_handle());
                redraw.request();
            }
        })
}
