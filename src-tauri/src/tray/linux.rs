//! Linux: the tray is an AppIndicator (StatusNotifierItem). Hosts open the menu on any
//! click and report no clicks to the app, so showing the window is the menu's first entry
//! and the tooltip is not shown (the state line in the menu says it instead).

use tauri::Runtime;
use tauri::tray::TrayIconBuilder;

use super::Redraw;

/// Nothing to add: there are no click events to handle.
pub(super) fn configure<R: Runtime>(
    builder: TrayIconBuilder<R>,
    _redraw: Redraw,
) -> TrayIconBuilder<R> {
    builder
}
