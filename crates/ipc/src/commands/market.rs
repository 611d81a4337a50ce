//! One market: its definition (rules, price grid), its live view (book and ticker over a
//! channel), its candles and its recent trades.

use serde::{Deserialize, Serialize};

use super::command;
use super::markets::MarketRow;
use super::orders::{BookSide, Outcome};
use crate::{Count, Price};

/// How a market pays out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketType {
    /// $1 per YES contract on YES, $0 on NO.
    Binary,
    /// The settlement value per YES contract.
    Scalar,
}

/// One segment of a market's price grid: valid prices are `start, start + step, …, end`.
/// The order ticket snaps prices to these; an order off the grid is refused
/// (`price_off_grid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRange {
    /// Lowest price of the segment.
    pub start: Price,
    /// Highest price of the segment (inclusive).
    pub end: Price,
    /// Tick size inside it.
    pub step: Price,
}

/// Everything the market page shows about the market itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketDetail {
    /// The list's figures (prices, volume, status, times).
    pub market: MarketRow,
    /// Payoff shape.
    pub market_type: MarketType,
    /// The market's terms in plain language.
    pub rules_primary: String,
    /// Further terms.
    pub rules_secondary: String,
    /// Whether it may close before `close_ms`.
    pub can_close_early: bool,
    /// The tick grid, lowest segment first; an order price must lie on it and strictly
    /// between 0 and 1.
    pub price_ranges: Vec<PriceRange>,
    /// What one contract pays at most, normally `"1.0000"`.
    pub notional_value: Price,
    /// What one YES contract paid or will pay, once determined.
    pub settlement_value: Option<Price>,
    /// When the outcome is expected to be known, if the exchange says.
    pub expected_expiration_ms: Option<i64>,
    /// The latest the outcome can be known.
    pub latest_expiration_ms: i64,
    /// When it settled, once it has.
    pub settled_ms: Option<i64>,
    /// When these figures were fetched from the exchange.
    pub fetched_ms: i64,
    /// True when this is the cached copy because the exchange cannot be reached.
    pub stale: bool,
}

/// A market's definition, fresh from the exchange when it can be reached, else the cached
/// copy (`stale`). An unknown ticker is `market_not_found`; offline without a cached
/// copy, `offline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetMarket {
    /// The market.
    pub ticker: String,
}
command!(GetMarket => "get_market", MarketDetail);

/// Identifies one open market view (one per market page or panel, even for the same
/// market: each has its own channel and seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ViewId(pub u64);

/// Opens a live view of a market's book and ticker. Takes a channel besides the request:
/// `invoke("open_market_view", {"request": {"ticker": "…"}, "channel": ch})`, and the
/// view's [`MarketUpdate`]s are sent on `ch`, coalesced by the core to at most about 30 a
/// second, numbered 1, 2, 3, … by `seq`. Views of one market share one exchange
/// subscription. Close it with [`CloseMarketView`] (closing the window closes its views).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenMarketView {
    /// The market.
    pub ticker: String,
}
command!(OpenMarketView => "open_market_view", ViewId);

/// Closes a view; its channel gets nothing more. Closing a view that is already closed
/// is not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseMarketView {
    /// The view.
    pub view_id: ViewId,
}
command!(CloseMarketView => "close_market_view", ());

/// The view's current state, answered directly: what the UI asks for when a `seq` jumped
/// (an update was missed). The answer carries the latest `seq` sent on the channel, so
/// the UI continues from it. An unknown view is `not_found`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewSnapshot {
    /// The view.
    pub view_id: ViewId,
}
command!(ViewSnapshot => "view_snapshot", MarketUpdate);

/// Contracts resting at one price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceLevel {
    /// The YES price.
    pub price: Price,
    /// Contracts resting there.
    pub count: Count,
}

/// One update of a market view, complete (never a delta), so any single update redraws
/// the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketUpdate {
    /// The view it belongs to.
    pub view_id: ViewId,
    /// 1, 2, 3, … per view: a jump means an update was missed; ask for a
    /// [`ViewSnapshot`].
    pub seq: u64,
    /// The market.
    pub ticker: String,
    /// Top YES bids, best (highest) first; empty until the first book arrives. The NO
    /// ladder is the mirror image: a YES ask at p is a NO bid at 1 − p.
    pub yes_bids: Vec<PriceLevel>,
    /// Top YES asks, best (lowest) first.
    pub yes_asks: Vec<PriceLevel>,
    /// Best YES bid.
    pub best_bid: Option<PriceLevel>,
    /// Best YES ask.
    pub best_ask: Option<PriceLevel>,
    /// Last traded YES price, from the live ticker; `None` until it reports one.
    pub last_price: Option<Price>,
    /// Contracts traded, all time, from the live ticker.
    pub volume: Option<Count>,
    /// Contracts outstanding, from the live ticker.
    pub open_interest: Option<Count>,
    /// True when the book may be wrong (no snapshot yet, a gap, a disconnect): grey it.
    pub stale: bool,
    /// Why the exchange refused this market (e.g. delisted); no further updates come.
    pub refused: Option<String>,
}

/// The time span of the candlestick chart; the core picks the candle length for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandleRange {
    /// The last hour, in 1-minute candles.
    Hour,
    /// The last day, in 1-hour candles.
    Day,
    /// The last week, in 1-hour candles.
    Week,
    /// The market's whole life, in 1-day candles.
    All,
}

/// One candle. Trade prices are `None` in a period without trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candle {
    /// End of the period (inclusive).
    pub end_ms: i64,
    /// First trade price.
    pub open: Option<Price>,
    /// Highest trade price.
    pub high: Option<Price>,
    /// Lowest trade price.
    pub low: Option<Price>,
    /// Last trade price.
    pub close: Option<Price>,
    /// Best YES bid at the end of the period.
    pub yes_bid_close: Option<Price>,
    /// Best YES ask at the end of the period.
    pub yes_ask_close: Option<Price>,
    /// Contracts traded in the period.
    pub volume: Count,
    /// Contracts outstanding at the end of the period.
    pub open_interest: Count,
}

/// A market's candles over a span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandleSeries {
    /// The market.
    pub ticker: String,
    /// The span asked for.
    pub range: CandleRange,
    /// Length of one candle, in minutes (1, 60 or 1440).
    pub period_minutes: u32,
    /// Oldest first.
    pub candles: Vec<Candle>,
}

/// The candlestick chart's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candles {
    /// The market.
    pub ticker: String,
    /// The span.
    pub range: CandleRange,
}
command!(Candles => "candles", CandleSeries);

/// One public trade, for the time-and-sales tape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeView {
    /// Trade id.
    pub trade_id: String,
    /// The market.
    pub ticker: String,
    /// Contracts traded.
    pub count: Count,
    /// Price on the YES leg.
    pub yes_price: Price,
    /// Price on the NO leg (`1 − yes_price`).
    pub no_price: Price,
    /// The outcome the taker bought.
    pub taker_outcome: Outcome,
    /// The side of the YES book the taker hit.
    pub taker_book_side: BookSide,
    /// When it executed.
    pub created_ms: i64,
}

/// A market's most recent public trades, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentTrades {
    /// The market.
    pub ticker: String,
    /// How many, 1–1000.
    pub limit: u32,
}
command!(RecentTrades => "recent_trades", Vec<TradeView>);
