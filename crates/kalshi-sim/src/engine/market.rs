//! A market's live state inside the engine: status, book, last price, volume, open
//! interest, recent trades and who has traded there.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use kalshi::model::{Count, Price};

use super::book::Book;
use super::events::{Ticker, Trade};
use super::order::BookSide;
use crate::accounts::FeeSchedule;
use crate::error::SimError;
use crate::ids::{MarketId, UserId};
use crate::lifecycle::{MarketResult, MarketStatus};
use crate::universe::MarketSpec;

/// A market as the engine runs it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Market {
    pub(crate) id: MarketId,
    pub(crate) spec: Arc<MarketSpec>,
    pub(crate) ticker: Arc<str>,
    pub(crate) fees: FeeSchedule,
    pub(crate) status: MarketStatus,
    pub(crate) close_ms: i64,
    pub(crate) result: Option<MarketResult>,
    pub(crate) determined_ms: Option<i64>,
    pub(crate) settled_ms: Option<i64>,
    pub(crate) book: Book,
    pub(crate) last_price: Option<Price>,
    pub(crate) last_trade_size: i64,
    pub(crate) volume: i64,
    pub(crate) open_interest: i64,
    pub(crate) last_ticker: Option<Ticker>,
    #[serde(serialize_with = "crate::persist::recent_trades")]
    pub(crate) trades: VecDeque<Trade>,
    pub(crate) participants: BTreeSet<UserId>,
    pub(crate) updated_ms: i64,
}

impl Market {
    pub(crate) fn new(id: MarketId, spec: Arc<MarketSpec>, now_ms: i64) -> Self {
        let status = if now_ms >= spec.close_ms {
            MarketStatus::Closed
        } else if now_ms >= spec.open_ms {
            MarketStatus::Active
        } else {
            MarketStatus::Initialized
        };
        Self {
            id,
            ticker: Arc::from(spec.ticker.as_str()),
            fees: FeeSchedule::new(spec.fee_type),
            status,
            close_ms: spec.close_ms,
            result: None,
            determined_ms: None,
            settled_ms: None,
            book: Book::default(),
            last_price: None,
            last_trade_size: 0,
            volume: 0,
            open_interest: 0,
            last_ticker: None,
            trades: VecDeque::new(),
            participants: BTreeSet::new(),
            updated_ms: now_ms,
            spec,
        }
    }

    /// A copy for the state file: everything it saves, with the trade tape cut to what it
    /// keeps ([`crate::persist::SAVED_TRADES_PER_MARKET`]), so copying under the engine
    /// lock stays cheap on a busy exchange.
    pub(crate) fn copy_for_save(&self) -> Self {
        let skip = self
            .trades
            .len()
            .saturating_sub(crate::persist::SAVED_TRADES_PER_MARKET);
        Self {
            id: self.id,
            spec: self.spec.clone(),
            ticker: self.ticker.clone(),
            fees: self.fees,
            status: self.status,
            close_ms: self.close_ms,
            result: self.result,
            determined_ms: self.determined_ms,
            settled_ms: self.settled_ms,
            book: self.book.clone(),
            last_price: self.last_price,
            last_trade_size: self.last_trade_size,
            volume: self.volume,
            open_interest: self.open_interest,
            last_ticker: self.last_ticker.clone(),
            trades: self.trades.iter().skip(skip).cloned().collect(),
            participants: self.participants.clone(),
            updated_ms: self.updated_ms,
        }
    }

    /// The market's id.
    pub fn id(&self) -> MarketId {
        self.id
    }

    /// Its static definition.
    pub fn spec(&self) -> &MarketSpec {
        &self.spec
    }

    /// Its ticker.
    pub fn ticker(&self) -> &Arc<str> {
        &self.ticker
    }

    /// Its fee schedule.
    pub fn fees(&self) -> FeeSchedule {
        self.fees
    }

    /// Current status as of `now_ms`: a market whose open or close time has passed reports
    /// the new status even before [`crate::engine::Engine::advance`] has run the transition.
    pub fn status(&self, now_ms: i64) -> MarketStatus {
        match self.status {
            MarketStatus::Initialized if now_ms >= self.close_ms => MarketStatus::Closed,
            MarketStatus::Initialized if now_ms >= self.spec.open_ms => MarketStatus::Active,
            MarketStatus::Active | MarketStatus::Inactive if now_ms >= self.close_ms => {
                MarketStatus::Closed
            }
            s => s,
        }
    }

    /// Close time (earlier than the spec's after an early close).
    pub fn close_ms(&self) -> i64 {
        self.close_ms
    }

    /// The result, once determined.
    pub fn result(&self) -> Option<MarketResult> {
        self.result
    }

    /// When the result was determined.
    pub fn determined_ms(&self) -> Option<i64> {
        self.determined_ms
    }

    /// When positions were paid out.
    pub fn settled_ms(&self) -> Option<i64> {
        self.settled_ms
    }

    /// Last trade price.
    pub fn last_price(&self) -> Option<Price> {
        self.last_price
    }

    /// Contracts traded.
    pub fn volume(&self) -> Count {
        Count::from_units(self.volume)
    }

    /// Contracts open.
    pub fn open_interest(&self) -> Count {
        Count::from_units(self.open_interest)
    }

    /// Best YES bid and its size.
    pub fn best_bid(&self) -> Option<(Price, Count)> {
        self.book
            .best(BookSide::Bid)
            .map(|(p, q)| (p, Count::from_units(q)))
    }

    /// Best YES ask and its size.
    pub fn best_ask(&self) -> Option<(Price, Count)> {
        self.book
            .best(BookSide::Ask)
            .map(|(p, q)| (p, Count::from_units(q)))
    }

    /// Recent public trades, oldest first (bounded; see `EngineConfig::trade_history`).
    pub fn trades(&self) -> impl DoubleEndedIterator<Item = &Trade> {
        self.trades.iter()
    }

    /// Last time anything about the market changed (engine ms).
    pub fn updated_ms(&self) -> i64 {
        self.updated_ms
    }

    /// The ticker line as it stands.
    pub fn ticker_snapshot(&self, now_ms: i64) -> Ticker {
        let bid = self.book.best(BookSide::Bid);
        let ask = self.book.best(BookSide::Ask);
        Ticker {
            market: self.id,
            ticker: self.ticker.clone(),
            last_price: self.last_price,
            yes_bid: bid.map(|b| b.0),
            yes_ask: ask.map(|a| a.0),
            yes_bid_size: Count::from_units(bid.map_or(0, |b| b.1)),
            yes_ask_size: Count::from_units(ask.map_or(0, |a| a.1)),
            last_trade_size: Count::from_units(self.last_trade_size),
            volume: Count::from_units(self.volume),
            open_interest: Count::from_units(self.open_interest),
            ts_ms: now_ms,
        }
    }

    /// Refuses order entry unless the market is trading.
    pub(crate) fn check_tradable(&self, now_ms: i64) -> Result<(), SimError> {
        match self.status(now_ms) {
            MarketStatus::Active => Ok(()),
            MarketStatus::Initialized | MarketStatus::Inactive => Err(SimError::MarketInactive {
                ticker: self.ticker.to_string(),
                status: self.status(now_ms).as_str(),
            }),
            _ => Err(SimError::MarketClosed(self.ticker.to_string())),
        }
    }

    /// Refuses cancels and decreases once the market has closed (Kalshi rejects every order
    /// operation after close); a paused market still accepts them.
    pub(crate) fn check_cancellable(&self, now_ms: i64) -> Result<(), SimError> {
        match self.status(now_ms) {
            MarketStatus::Active | MarketStatus::Inactive | MarketStatus::Initialized => Ok(()),
            _ => Err(SimError::MarketClosed(self.ticker.to_string())),
        }
    }
}
