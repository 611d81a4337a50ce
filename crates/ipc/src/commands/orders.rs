//! Order entry and the orders page: place, amend, decrease, cancel, cancel all, the
//! resting orders, and retrying an order whose outcome is unknown.
//!
//! The ticket speaks the person's language (buy or sell, YES or NO, that outcome's own
//! price); the core converts it to the exchange's single YES book, where buying NO at q
//! is selling YES at 1 − q. Orders read back from the exchange are in book terms
//! ([`OrderView`]), with both legs' prices, so the UI can show either.

use serde::{Deserialize, Serialize};

use super::command;
use crate::{AppError, Count, Money, Price};

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Buy contracts of the outcome.
    Buy,
    /// Sell contracts of the outcome (close a position in it).
    Sell,
}

/// A market's two outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The event happens.
    Yes,
    /// It does not.
    No,
}

/// A side of the single YES book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookSide {
    /// Buys YES (or closes NO).
    Bid,
    /// Sells YES (or buys NO at 1 − price).
    Ask,
}

/// An order's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// On the book with contracts remaining.
    Resting,
    /// Nothing remaining and not fully filled (cancelled, expired, IOC remainder).
    Canceled,
    /// Fully filled.
    Executed,
}

/// How long an order may rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimeInForce {
    /// Rests until filled or cancelled.
    GoodTillCanceled,
    /// Rests until filled, cancelled or `expires_ms`.
    GoodTillTime {
        /// When the exchange cancels what remains (in the future, to the second).
        expires_ms: i64,
    },
    /// Fills what crosses now; the rest is cancelled.
    ImmediateOrCancel,
    /// Fills completely now or not at all.
    FillOrKill,
}

/// What the person asks for in the order ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The market.
    pub ticker: String,
    /// Buy or sell.
    pub action: Action,
    /// Which outcome.
    pub outcome: Outcome,
    /// Limit price of that outcome (a NO order's NO price), on the market's tick grid and
    /// strictly between 0 and 1.
    pub price: Price,
    /// Contracts, above zero.
    pub count: Count,
    /// How long it may rest.
    pub time_in_force: TimeInForce,
    /// Refuse to take liquidity: cancelled instead of crossing the spread.
    pub post_only: bool,
    /// Only reduce the current position, never open or grow one.
    pub reduce_only: bool,
}

/// What placing an order returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedOrder {
    /// The idempotency key it was sent with (the key of its pending order).
    pub client_order_id: String,
    /// The exchange's id.
    pub order_id: String,
    /// Contracts filled at once.
    pub fill_count: Count,
    /// Contracts left resting.
    pub remaining_count: Count,
}

/// Validates and places an order. While it is on its way the UI gets an
/// [`OrderEvent::Pending`](crate::events::OrderEvent::Pending) under a new
/// `client_order_id`, then `accepted` and the stored order, or `rejected`, or
/// `unconfirmed` if the answer was lost (see [`RetryOrder`]). Validation failures
/// (`price_off_grid`, `invalid_count`, `insufficient_balance`, …) send nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceOrder {
    /// The order.
    pub ticket: Ticket,
}
command!(PlaceOrder => "place_order", PlacedOrder);

/// Changes a resting order's price and/or size, keeping its id. The stored order follows
/// as an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendOrder {
    /// The order.
    pub order_id: String,
    /// The new YES-leg price (a NO order's NO price is `1 − yes_price`), on the grid.
    pub yes_price: Price,
    /// Filled so far plus the desired resting remainder (the exchange's definition).
    pub total_count: Count,
}
command!(AmendOrder => "amend_order", ());

/// How to shrink a resting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Decrease {
    /// Take this many contracts off the remainder.
    By {
        /// Contracts to remove, above zero.
        count: Count,
    },
    /// Leave this many contracts resting (zero cancels it).
    To {
        /// Contracts to leave, zero or more.
        count: Count,
    },
}

/// Shrinks a resting order, keeping its place in the queue (an amend loses it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecreaseOrder {
    /// The order.
    pub order_id: String,
    /// By or to how much.
    pub decrease: Decrease,
}
command!(DecreaseOrder => "decrease_order", ());

/// Cancels a resting order's remainder; it stays in history as `canceled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelOrder {
    /// The order.
    pub order_id: String,
}
command!(CancelOrder => "cancel_order", ());

/// Cancels every resting order as the exchange lists them now, or only one market's
/// ("flatten this market"). Orders still being placed are not covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAll {
    /// Only this market; `None` for every market (the panic button).
    pub ticker: Option<String>,
}
command!(CancelAll => "cancel_all", CancelAllReport);

/// One order that a cancel-all did not cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelFailure {
    /// The order.
    pub order_id: String,
    /// Why (e.g. it filled meanwhile: `not_found`), for the person.
    pub error: AppError,
}

/// What a cancel-all did, order by order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAllReport {
    /// Orders cancelled.
    pub canceled: Vec<String>,
    /// Orders not cancelled, with why.
    pub failed: Vec<CancelFailure>,
}

/// An order as stored from the exchange's reports, in book terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    /// The exchange's id.
    pub order_id: String,
    /// The idempotency key it was placed with; `None` for orders placed elsewhere.
    pub client_order_id: Option<String>,
    /// The market.
    pub ticker: String,
    /// The exposure it gives: YES for a bid, NO for an ask.
    pub outcome: Outcome,
    /// Its side of the YES book.
    pub book_side: BookSide,
    /// State.
    pub status: OrderStatus,
    /// Limit price on the YES leg.
    pub yes_price: Price,
    /// Limit price on the NO leg (`1 − yes_price`).
    pub no_price: Price,
    /// Size when placed.
    pub initial_count: Count,
    /// Contracts filled.
    pub fill_count: Count,
    /// Contracts still resting.
    pub remaining_count: Count,
    /// What the fills cost (maker and taker).
    pub fill_cost: Money,
    /// Fees paid on the fills (maker and taker).
    pub fees: Money,
    /// When a good-till-time order expires.
    pub expires_ms: Option<i64>,
    /// When it was placed.
    pub created_ms: i64,
    /// The exchange's last change to it.
    pub updated_ms: i64,
    /// Set when the app closed the order itself because the exchange no longer knows it
    /// (not live, not in its archive): why. Its real outcome is unknown; `status` reads
    /// `canceled` with nothing remaining. Show it as "closed (unknown)".
    pub closed_unknown: Option<String>,
}

/// An order sent but not yet answered: shown greyed out under its `client_order_id`
/// until the exchange's answer replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOrder {
    /// The idempotency key it was sent with.
    pub client_order_id: String,
    /// What was asked for.
    pub ticket: Ticket,
    /// When it was sent.
    pub sent_ms: i64,
}

/// An order whose answer was lost (network failure after sending): it may or may not be
/// on the exchange. The core keeps checking; [`RetryOrder`] resends it under the same
/// `client_order_id`, which the exchange never places twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnconfirmedOrder {
    /// The order as sent.
    pub order: PendingOrder,
    /// What went wrong, for the person.
    pub error: AppError,
}

/// The orders page's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    /// Resting orders, newest first.
    pub orders: Vec<OrderView>,
    /// Orders on their way, oldest first.
    pub pending: Vec<PendingOrder>,
    /// Orders whose outcome is unknown, oldest first.
    pub unconfirmed: Vec<UnconfirmedOrder>,
}

/// The resting orders (from the store, so it works offline), with the orders on their way
/// and those whose outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestingOrders {
    /// Only this market; `None` for all.
    pub ticker: Option<String>,
}
command!(RestingOrders => "resting_orders", OrderList);

/// Resends an [`UnconfirmedOrder`] under its own `client_order_id`: if the first attempt
/// did reach the exchange, the answer is that order, never a second one. An unknown or
/// already-resolved `client_order_id` is `not_found`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryOrder {
    /// The unconfirmed order's key.
    pub client_order_id: String,
}
command!(RetryOrder => "retry_order", PlacedOrder);
