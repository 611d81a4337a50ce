//! Local L2 order book built from snapshots and deltas.
//!
//! Kalshi publishes bids only, on two sides: YES bids and NO bids. A NO bid at `q` is a YES
//! ask at `1 − q`, so [`OrderBook`] stores both bid sides as sent (NO levels always in NO-leg
//! prices, whichever [`NoPriceScale`] the subscription used) and derives YES asks from them.

mod error;
mod order_book;

pub use error::BookError;
pub use order_book::{Depth, NoPriceScale, OrderBook};
