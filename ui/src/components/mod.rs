//! Reusable pieces: loading/error/empty states, the status bar, toasts, overlays, the
//! depth ladder, the order ticket and the SVG charts.

pub mod charts;
pub mod common;
pub mod ladder;
pub mod order_ticket;
pub mod overlays;
pub mod status_bar;
pub mod toasts;
