//! Kalshi's trading fee formula, defined in [`money::fees`] so the wasm UI computes the
//! same estimate as the app and the simulator; this module adds what needs the SDK's
//! order model.

pub use money::fees::{ExactFee, FeeRate, Variance};

use crate::model::Price;
use crate::model::order::BookSide;

/// The largest `P × (1 − P)` over the prices a limit order at `limit` on `side` can trade
/// at (a bid fills at or below its limit, an ask at or above it): the variance to reserve
/// a fee at so the reserve is never short.
pub fn worst_for_limit(side: BookSide, limit: Price) -> Variance {
    match side {
        BookSide::Bid => Variance::worst_for_bid(limit),
        BookSide::Ask => Variance::worst_for_ask(limit),
    }
}
