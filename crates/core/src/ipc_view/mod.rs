//! The core's data in the UI's shapes (`ipc`), and the UI's requests in the core's: one
//! place for every conversion, so the shell's commands stay one-line forwards and the
//! mapping is tested headless.
//!
//! Book terms stay exact: prices, counts and money are copied, never recomputed through
//! floating point; times become Unix milliseconds.

mod events;
mod history;
mod markets;
mod orders;
mod portfolio;

pub use events::{EventMapper, connection_state, connection_status};
pub use history::{
    fill_filter, fill_page, fill_view, order_filter, order_page, order_row_view, order_view,
    page_request,
};
pub use markets::{
    candle_range, candle_series, market_detail, market_row, market_update, period_end, trade_view,
};
pub use orders::{
    book_side, cancel_all_report, decrease, order_list, outcome, pending_order, placed_order,
    ticket, unconfirmed_order,
};
pub use portfolio::{
    daily_pnl, market_pnl, portfolio_point, portfolio_view, position_view, settlement_view,
    stored_position_view,
};

use time::OffsetDateTime;

/// Unix milliseconds of `t`, as the store keeps times: the UI and the database agree on
/// every instant.
pub fn ms(t: OffsetDateTime) -> i64 {
    store::to_unix_ms(t)
}

/// The time of Unix milliseconds `ms`; `None` outside the representable range.
pub fn time_of_ms(ms: i64) -> Option<OffsetDateTime> {
    store::from_unix_ms(ms)
}
