//! The typed events every engine call returns, one per thing a WebSocket channel or a
//! REST history would show (orders, fills, trades, book level changes, tickers,
//! positions, lifecycle, settlements), in the order they happened.

use std::sync::Arc;

use kalshi::model::{Count, Money, Price};

use super::order::{BookSide, Order, OutcomeSide};
use crate::ids::{MarketId, OrderId, TradeId, UserId};
use crate::lifecycle::{MarketResult, Settlement};

/// Something the exchange did, for the WebSocket fan-out and the caller's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An order appeared or changed (`user_orders`). One per order per call, final state.
    Order(OrderUpdate),
    /// One side of a trade, for its owner (`fill`).
    Fill(Fill),
    /// A public trade (`trade`).
    Trade(Trade),
    /// A price level's size changed (`orderbook_delta`).
    BookDelta(BookDelta),
    /// A market's top of book, last price, volume or open interest changed (`ticker`).
    Ticker(Ticker),
    /// A user's position in a market changed (`market_positions`).
    Position(PositionUpdate),
    /// A market changed status (`market_lifecycle_v2`).
    Lifecycle(Lifecycle),
    /// A position was paid out.
    Settlement(SettlementUpdate),
}

/// How an order changed in this call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderUpdateKind {
    /// First time the order is seen (it may already be executed or canceled).
    Created,
    /// Filled, amended or decreased.
    Updated,
    /// Canceled (by the user, expiry, close, self-trade prevention, …).
    Canceled,
}

/// An order's state after a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderUpdate {
    /// What happened.
    pub kind: OrderUpdateKind,
    /// The order as it now stands.
    pub order: Order,
}

/// One user's side of a trade (REST `Fill`, WS `fill`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fill {
    /// Shared with the other side and the public trade (`trade_id` = `fill_id`).
    pub trade_id: TradeId,
    /// The user's order.
    pub order_id: OrderId,
    /// The user.
    pub user: UserId,
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// The order's book side.
    pub side: BookSide,
    /// Trade price on the YES leg.
    pub yes_price: Price,
    /// Contracts.
    pub count: Count,
    /// Whether this side took liquidity.
    pub is_taker: bool,
    /// Fee charged for this fill.
    pub fee: Money,
    /// Signed position after the fill (`post_position_fp`).
    pub post_position: Count,
    /// The order's client_order_id.
    pub client_order_id: Option<Arc<str>>,
    /// Engine ms.
    pub ts_ms: i64,
}

impl Fill {
    /// The outcome side of the order.
    pub fn outcome_side(&self) -> OutcomeSide {
        self.side.outcome_side()
    }

    /// The NO-leg price.
    pub fn no_price(&self) -> Price {
        self.yes_price.complement().unwrap_or(Price::ZERO)
    }
}

/// A public trade.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Trade {
    /// Trade id.
    pub trade_id: TradeId,
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// Price on the YES leg (the maker's price).
    pub yes_price: Price,
    /// Contracts.
    pub count: Count,
    /// The taker's book side (`taker_book_side`).
    pub taker_side: BookSide,
    /// Engine ms.
    pub ts_ms: i64,
}

impl Trade {
    /// The taker's outcome side (`taker_outcome_side`).
    pub fn taker_outcome_side(&self) -> OutcomeSide {
        self.taker_side.outcome_side()
    }
}

/// A change of size at one price level of the YES book. Bids are YES bids; asks are YES
/// asks, which the wire shows as NO bids at 1 − price (or at price with `use_yes_price`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookDelta {
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// Book side of the level.
    pub side: BookSide,
    /// YES price of the level.
    pub price: Price,
    /// Signed change of the level's size.
    pub delta: Count,
    /// Whose order caused it (the wire shows `client_order_id` only to this user).
    pub owner: UserId,
    /// That order's client_order_id.
    pub client_order_id: Option<Arc<str>>,
    /// Engine ms.
    pub ts_ms: i64,
}

/// A market's ticker line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ticker {
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// Last trade price; `None` before the first trade.
    pub last_price: Option<Price>,
    /// Best YES bid.
    pub yes_bid: Option<Price>,
    /// Best YES ask.
    pub yes_ask: Option<Price>,
    /// Size at the best bid.
    pub yes_bid_size: Count,
    /// Size at the best ask.
    pub yes_ask_size: Count,
    /// Size of the last trade.
    pub last_trade_size: Count,
    /// Contracts traded.
    pub volume: Count,
    /// Contracts open (Σ of long YES positions).
    pub open_interest: Count,
    /// Engine ms.
    pub ts_ms: i64,
}

impl Ticker {
    /// Whether anything but the timestamp differs.
    pub fn same_values(&self, other: &Self) -> bool {
        self.last_price == other.last_price
            && self.yes_bid == other.yes_bid
            && self.yes_ask == other.yes_ask
            && self.yes_bid_size == other.yes_bid_size
            && self.yes_ask_size == other.yes_ask_size
            && self.last_trade_size == other.last_trade_size
            && self.volume == other.volume
            && self.open_interest == other.open_interest
    }
}

/// A user's position in a market after a change (`market_position`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionUpdate {
    /// The user.
    pub user: UserId,
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// Signed contracts.
    pub position: Count,
    /// Cost of the contracts held.
    pub position_cost: Money,
    /// Realised P&L.
    pub realized_pnl: Money,
    /// Fees paid in this market.
    pub fees_paid: Money,
    /// Contracts traded in this market.
    pub volume: Count,
    /// Engine ms.
    pub ts_ms: i64,
}

/// Lifecycle transition kinds. `Opened` and `Closed` are time-driven and have no message on
/// Kalshi's `market_lifecycle_v2` channel; the WebSocket layer drops them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LifecycleKind {
    /// A new market was listed (the roll-in); carries its definition for the `created`
    /// message.
    Created(Arc<crate::universe::MarketSpec>),
    /// initialized → active at open time.
    Opened,
    /// active → closed (close time passed or closed early).
    Closed,
    /// active → inactive (paused by the exchange).
    Deactivated,
    /// inactive → active (resting orders were canceled).
    Activated,
    /// The result is known.
    Determined(MarketResult),
    /// Paid out (`finalized`; the wire event is `settled`).
    Settled,
}

/// A market lifecycle transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// What happened.
    pub kind: LifecycleKind,
    /// Engine ms.
    pub ts_ms: i64,
}

/// A settlement paid to one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementUpdate {
    /// The user.
    pub user: UserId,
    /// The record (also kept in the account).
    pub settlement: Settlement,
}
