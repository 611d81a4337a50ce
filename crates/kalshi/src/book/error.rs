//! Why a snapshot or delta was refused by the order book.

use crate::model::order::OutcomeSide;
use crate::model::{Count, Price};

/// A snapshot or delta the book refused. The book is left exactly as it was, so the caller
/// can mark it stale and resync instead of trading on a silently corrected book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    /// The message is about another market.
    #[error("message for market {got} applied to the book of {expected}")]
    WrongMarket {
        /// This book's market.
        expected: String,
        /// The message's market.
        got: String,
    },
    /// A delta would take a level below zero: the local book has diverged from the exchange.
    #[error("delta {delta} at {side:?} {price} would make the level negative (size {size})")]
    NegativeLevel {
        /// Which bid side.
        side: OutcomeSide,
        /// The level's price as sent.
        price: Price,
        /// The size held before the delta.
        size: Count,
        /// The delta.
        delta: Count,
    },
    /// A snapshot level with a negative size.
    #[error("snapshot level {side:?} {price} has negative size {size}")]
    NegativeSnapshotLevel {
        /// Which bid side.
        side: OutcomeSide,
        /// The level's price as sent.
        price: Price,
        /// The size sent.
        size: Count,
    },
    /// A snapshot lists the same price twice on one side.
    #[error("snapshot lists {side:?} {price} more than once")]
    DuplicateLevel {
        /// Which bid side.
        side: OutcomeSide,
        /// The repeated price as sent.
        price: Price,
    },
    /// A price above $1, which no binary contract can have.
    #[error("{side:?} price {price} is above 1.0000")]
    PriceOutOfRange {
        /// Which bid side.
        side: OutcomeSide,
        /// The price as sent.
        price: Price,
    },
    /// A size beyond what the fixed-point type holds.
    #[error("size overflow at {side:?} {price}")]
    Overflow {
        /// Which bid side.
        side: OutcomeSide,
        /// The price as sent.
        price: Price,
    },
}
