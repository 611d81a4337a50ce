//! Kalshi Desk's UI: a Yew app compiled to wasm32 and loaded by the app window from
//! `ui/dist` (built by `cargo xtask`).
//!
//! Layout: [`bindings`] is the one place commands are invoked; `app` holds the shell
//! (status bar, toasts, navigation, shortcuts) and the app-wide state fed by the event
//! stream; `pages` and `components` render. Everything a page computes lives in plain
//! modules ([`mod@format`], [`ticks`], [`ticket`] (fees from [`money::fees`]), [`order_edit`], [`live_orders`], [`book`], [`window`], [`grouping`], [`keys`], [`chart`])
//! whose tests run natively in `cargo test`.
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod app;
pub mod bindings;
pub mod book;
pub mod chart;
pub mod components;
#[cfg(test)]
mod fixtures;
pub mod format;
pub mod grouping;
pub mod keys;
pub mod live_orders;
pub mod order_edit;
pub mod pages;
pub mod ticket;
pub mod ticks;
pub mod window;

/// Mounts the app on the page's body.
pub fn run() {
    yew::Renderer::<app::App>::new().render();
}
