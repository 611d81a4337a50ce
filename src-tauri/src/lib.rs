//! Kalshi Desk's Tauri shell: it owns the window, tray and notifications and maps the UI's
//! `ipc` commands onto `desk-core`. Nothing below this crate knows Tauri exists.
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

use std::sync::Arc;

pub mod bus;
pub mod desktop;
pub mod keychain;
pub mod logging;
pub mod notify;
pub mod tray;
pub mod window;

/// Builds and runs the app until the last window closes or the person quits.
pub fn run() {
    let bus = Arc::new(bus::Bus::new(Default::default()));
    let result = desktop::plugins(tauri::Builder::default())
        .setup(move |app| {
            desktop::setup(app, bus);
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("kalshi-desk: {e}");
        std::process::exit(1);
    }
}
