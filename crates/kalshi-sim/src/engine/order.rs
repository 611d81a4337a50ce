//! Order vocabulary (sides, time in force, self-trade prevention, status), the order
//! request a client sends and the order record the exchange keeps.

use std::sync::Arc;

use kalshi::model::{Count, Money, Price};

use crate::accounts::FeeAccumulator;
use crate::ids::{MarketId, OrderId, UserId};

/// Which side of the single YES book an order sits on (`side` / `book_side`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum BookSide {
    /// Buys YES at the price.
    Bid,
    /// Sells YES at the price, which is buying NO at 1 − price.
    Ask,
}

impl BookSide {
    /// The wire string: `bid` or `ask`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bid => "bid",
            Self::Ask => "ask",
        }
    }

    /// The outcome whose exposure this side adds: a bid is long YES, an ask long NO.
    pub fn outcome_side(self) -> OutcomeSide {
        match self {
            Self::Bid => OutcomeSide::Yes,
            Self::Ask => OutcomeSide::No,
        }
    }

    /// The other side of the book.
    pub fn opposite(self) -> Self {
        match self {
            Self::Bid => Self::Ask,
            Self::Ask => Self::Bid,
        }
    }
}

/// YES or NO (`outcome_side`, `taker_outcome_side`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum OutcomeSide {
    /// The YES leg.
    Yes,
    /// The NO leg.
    No,
}

impl OutcomeSide {
    /// The wire string: `yes` or `no`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
        }
    }
}

/// How long an order may wait for a match (`time_in_force`). A good-till-time order is
/// [`TimeInForce::GoodTillCanceled`] with an expiration time, as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TimeInForce {
    /// Rests until filled, canceled, expired or the market closes.
    GoodTillCanceled,
    /// Takes what it can now; the remainder is canceled.
    ImmediateOrCancel,
    /// Fills completely now or not at all.
    FillOrKill,
}

impl TimeInForce {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GoodTillCanceled => "good_till_canceled",
            Self::ImmediateOrCancel => "immediate_or_cancel",
            Self::FillOrKill => "fill_or_kill",
        }
    }
}

/// What happens when an order would trade with the same user's resting order
/// (`self_trade_prevention_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SelfTradePrevention {
    /// Cancel the rest of the incoming order; fills already made stand.
    TakerAtCross,
    /// Cancel the resting own order and keep matching.
    Maker,
}

impl SelfTradePrevention {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TakerAtCross => "taker_at_cross",
            Self::Maker => "maker",
        }
    }
}

/// Order status (`status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OrderStatus {
    /// On the book with quantity left.
    Resting,
    /// Nothing left and not completely filled (includes partly filled then canceled).
    Canceled,
    /// Completely filled.
    Executed,
}

impl OrderStatus {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resting => "resting",
            Self::Canceled => "canceled",
            Self::Executed => "executed",
        }
    }
}

/// Why an order was canceled. Not on Kalshi's wire; kept for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CancelReason {
    /// The user canceled it (or decreased it to zero).
    User,
    /// An immediate-or-cancel or fill-or-kill remainder.
    NotFilledImmediately,
    /// Its expiration time passed.
    Expired,
    /// The market closed.
    MarketClosed,
    /// The market was paused or re-activated (re-activation cancels resting orders).
    MarketPaused,
    /// Self-trade prevention.
    SelfTrade,
    /// A reduce-only order had nothing left to reduce.
    ReduceOnly,
}

/// A new order (the V2 `CreateOrderV2Request` in engine terms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// Market ticker.
    pub ticker: String,
    /// Bid (buy YES) or ask (sell YES / buy NO).
    pub side: BookSide,
    /// YES limit price; must be on the market's grid and strictly between 0 and 1.
    pub price: Price,
    /// Contracts, in steps of 0.01; must be positive.
    pub count: Count,
    /// Time in force.
    pub time_in_force: TimeInForce,
    /// Self-trade prevention.
    pub self_trade_prevention: SelfTradePrevention,
    /// The user's idempotency key; unique per user forever.
    pub client_order_id: Option<String>,
    /// Engine-clock ms after which a good-till-canceled order expires (GTT).
    pub expiration_ms: Option<i64>,
    /// Refuse the order instead of letting it take liquidity.
    pub post_only: bool,
    /// Cap the order at the opposite position; refuse it if there is none.
    pub reduce_only: bool,
    /// Cancel if trading is paused (recorded; pausing is driven by the lifecycle).
    pub cancel_order_on_pause: bool,
    /// Most the fills may cost (fees excluded); implies fill-or-kill.
    pub buy_max_cost: Option<Money>,
}

impl OrderRequest {
    /// A plain good-till-canceled limit order with `taker_at_cross` self-trade prevention;
    /// set the other fields directly.
    pub fn limit(ticker: &str, side: BookSide, price: Price, count: Count) -> Self {
        Self {
            ticker: ticker.to_owned(),
            side,
            price,
            count,
            time_in_force: TimeInForce::GoodTillCanceled,
            self_trade_prevention: SelfTradePrevention::TakerAtCross,
            client_order_id: None,
            expiration_ms: None,
            post_only: false,
            reduce_only: false,
            cancel_order_on_pause: false,
            buy_max_cost: None,
        }
    }

    /// The same order with another time in force.
    pub fn with_tif(mut self, tif: TimeInForce) -> Self {
        self.time_in_force = tif;
        self
    }

    /// The same order with a client_order_id.
    pub fn with_client_order_id(mut self, id: &str) -> Self {
        self.client_order_id = Some(id.to_owned());
        self
    }
}

/// The exchange's record of an order (what `GET /portfolio/orders` and `user_order` show).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Order {
    /// Exchange id.
    pub id: OrderId,
    /// Owner.
    pub user: UserId,
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// The owner's idempotency key, if one was given.
    pub client_order_id: Option<Arc<str>>,
    /// Book side.
    pub side: BookSide,
    /// YES limit price.
    pub price: Price,
    /// Size when created or last amended (filled + remaining at that moment).
    pub initial_count: Count,
    /// Contracts filled.
    pub fill_count: Count,
    /// Contracts still resting (0 unless status is resting).
    pub remaining_count: Count,
    /// Status.
    pub status: OrderStatus,
    /// Time in force (fill-or-kill when `buy_max_cost` was given).
    pub time_in_force: TimeInForce,
    /// Self-trade prevention.
    pub self_trade_prevention: SelfTradePrevention,
    /// Post-only flag.
    pub post_only: bool,
    /// Reduce-only flag.
    pub reduce_only: bool,
    /// cancel_order_on_pause flag.
    pub cancel_order_on_pause: bool,
    /// GTT expiration (engine ms).
    pub expiration_ms: Option<i64>,
    /// Engine ms of creation.
    pub created_ms: i64,
    /// Engine ms of the last fill, amend, decrease or cancel.
    pub last_update_ms: i64,
    /// What the order's contracts cost while it was the taker (its outcome side's price).
    pub taker_fill_cost: Money,
    /// What the order's contracts cost while it rested as maker.
    pub maker_fill_cost: Money,
    /// Fees paid as taker.
    pub taker_fees: Money,
    /// Fees paid as maker.
    pub maker_fees: Money,
    /// Why it was canceled, when it was.
    pub cancel_reason: Option<CancelReason>,
    pub(crate) fees: FeeAccumulator,
    pub(crate) queue_seq: u32,
    pub(crate) fee_reserved: i64,
}

impl Order {
    /// The outcome side (`outcome_side`).
    pub fn outcome_side(&self) -> OutcomeSide {
        self.side.outcome_side()
    }

    /// The NO-leg price, 1 − price (`no_price_dollars`).
    pub fn no_price(&self) -> Price {
        self.price.complement().unwrap_or(Price::ZERO)
    }

    /// Whether the order is still on the book.
    pub fn is_resting(&self) -> bool {
        self.status == OrderStatus::Resting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_matches_the_wire() {
        assert_eq!(BookSide::Bid.as_str(), "bid");
        assert_eq!(BookSide::Ask.outcome_side().as_str(), "no");
        assert_eq!(TimeInForce::FillOrKill.as_str(), "fill_or_kill");
        assert_eq!(TimeInForce::GoodTillCanceled.as_str(), "good_till_canceled");
        assert_eq!(
            TimeInForce::ImmediateOrCancel.as_str(),
            "immediate_or_cancel"
        );
        assert_eq!(SelfTradePrevention::Maker.as_str(), "maker");
        assert_eq!(SelfTradePrevention::TakerAtCross.as_str(), "taker_at_cross");
        assert_eq!(OrderStatus::Executed.as_str(), "executed");
        assert_eq!(BookSide::Ask.opposite(), BookSide::Bid);
    }
}
