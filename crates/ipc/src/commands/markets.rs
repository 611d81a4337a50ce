//! The markets list: search, filter, sort and page over the markets, from the exchange
//! when online and from the local cache when not (then marked stale).

use serde::{Deserialize, Serialize};

use super::command;
use crate::{Count, Price};

/// A market's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketStatus {
    /// Created, before it opens.
    Initialized,
    /// Paused by the exchange; reopening cancels every resting order.
    Inactive,
    /// Open for trading (the only state that takes orders).
    Active,
    /// Past its close time, awaiting a result.
    Closed,
    /// Result known; the settlement timer is running.
    Determined,
    /// Result disputed.
    Disputed,
    /// Result amended after a dispute.
    Amended,
    /// Paid out (final).
    Finalized,
}

/// How a market resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketResult {
    /// YES won: a YES contract pays $1.
    Yes,
    /// NO won: a NO contract pays $1.
    No,
    /// A scalar market: a YES contract pays the settlement value.
    Scalar,
}

/// One row of the markets list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketRow {
    /// Market ticker, e.g. `KXHIGHNY-26AUG28-T84`.
    pub ticker: String,
    /// The event it belongs to (the list groups markets by it).
    pub event_ticker: String,
    /// The event's title, when the event is known.
    pub event_title: Option<String>,
    /// The series of the event, when known.
    pub series_ticker: Option<String>,
    /// The series' category (e.g. `Climate and Weather`), when known.
    pub category: Option<String>,
    /// The market's own title.
    pub title: String,
    /// Short label of the YES outcome (e.g. `84° or above`).
    pub yes_sub_title: String,
    /// Short label of the NO outcome.
    pub no_sub_title: String,
    /// Lifecycle state.
    pub status: MarketStatus,
    /// The result, once determined.
    pub result: Option<MarketResult>,
    /// Best YES bid; `None` when nobody bids.
    pub yes_bid: Option<Price>,
    /// Contracts at the best YES bid.
    pub yes_bid_size: Count,
    /// Best YES ask; `None` when nobody offers.
    pub yes_ask: Option<Price>,
    /// Contracts at the best YES ask.
    pub yes_ask_size: Count,
    /// Last traded YES price; `None` before the first trade.
    pub last_price: Option<Price>,
    /// Last traded YES price about 24 hours ago: the 24h change is
    /// `last_price − previous_price` (computed by the UI, exactly).
    pub previous_price: Option<Price>,
    /// Contracts traded, all time.
    pub volume: Count,
    /// Contracts traded in the last 24 hours.
    pub volume_24h: Count,
    /// Contracts outstanding.
    pub open_interest: Count,
    /// When trading opens (or opened).
    pub open_ms: i64,
    /// When trading closes (or closed).
    pub close_ms: i64,
}

/// What the list is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketSort {
    /// Contracts traded in the last 24 hours (the default: the busiest first).
    #[default]
    Volume24h,
    /// Contracts traded, all time.
    Volume,
    /// Contracts outstanding.
    OpenInterest,
    /// Close time.
    CloseTime,
    /// Last traded price.
    LastPrice,
    /// Change of the last price over 24 hours.
    Change24h,
    /// Ticker, alphabetically.
    Ticker,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    /// Smallest first.
    Ascending,
    /// Largest first.
    #[default]
    Descending,
}

/// One page of markets matching a search. Every set filter must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMarkets {
    /// Case-insensitive text in the ticker, title or outcome labels.
    pub query: Option<String>,
    /// Only markets in this state.
    pub status: Option<MarketStatus>,
    /// Only this category.
    pub category: Option<String>,
    /// Only this series.
    pub series_ticker: Option<String>,
    /// Only this event.
    pub event_ticker: Option<String>,
    /// Only these markets (e.g. the watchlist); `None` for all.
    pub tickers: Option<Vec<String>>,
    /// Only markets closing within this many milliseconds from now.
    pub closing_within_ms: Option<u64>,
    /// Sort key.
    pub sort: MarketSort,
    /// Sort direction.
    pub direction: SortDirection,
    /// Rows to skip.
    pub offset: u32,
    /// Rows per page, 1–1000; anything else is `invalid_request`.
    pub limit: u32,
}
command!(ListMarkets => "list_markets", MarketPage);

/// One page of the markets list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketPage {
    /// The rows, sorted as asked.
    pub markets: Vec<MarketRow>,
    /// How many markets match in all (for the pager).
    pub total: u64,
    /// True when the rows come from the local cache because the exchange cannot be
    /// reached: prices may be old (show a stale badge with `as_of_ms`).
    pub stale: bool,
    /// When the oldest row's figures were fetched; `None` for an empty page.
    pub as_of_ms: Option<i64>,
}
