//! Kalshi Desk's Tauri shell: it owns the window, tray and notifications and maps the UI's
//! `ipc` commands onto `desk-core`. Nothing below this crate knows Tauri exists.
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod bus;
pub mod keychain;

/// Builds and runs the app until the last window closes or the person quits.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("kalshi-desk: {e}");
        std::process::exit(1);
    }
}
