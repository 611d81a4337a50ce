//! Public market-data payloads: `orderbook_snapshot`, `orderbook_delta`, `ticker`, `trade`.
//!
//! These are the hot messages (thousands per second on a busy connection), so the structs
//! deserialize straight from the frame text with no intermediate `serde_json::Value`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::order::{BookSide, OutcomeSide};
use crate::model::{Count, Price, empty_as_none};

/// One book level, `[price_dollars, count_fp]` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "(Price, Count)", into = "(Price, Count)")]
pub struct PriceLevel {
    /// The bid price (NO levels in NO-leg prices unless the subscription set `use_yes_price`).
    pub price: Price,
    /// Resting contracts at that price.
    pub count: Count,
}

impl From<(Price, Count)> for PriceLevel {
    fn from((price, count): (Price, Count)) -> Self {
        Self { price, count }
    }
}

impl From<PriceLevel> for (Price, Count) {
    fn from(l: PriceLevel) -> Self {
        (l.price, l.count)
    }
}

/// A side of a snapshot, allocated once for a typical book: serde_json gives no length, so
/// a plain `Vec` grows four times on the way to 20 levels.
fn levels<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<PriceLevel>, D::Error> {
    struct Levels;
    impl<'de> serde::de::Visitor<'de> for Levels {
        type Value = Vec<PriceLevel>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of [price, count] levels")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).max(LEVELS_HINT));
            while let Some(level) = seq.next_element()? {
                out.push(level);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Levels)
}

/// Levels reserved per snapshot side.
const LEVELS_HINT: usize = 32;

/// `orderbook_snapshot`: the whole book of one market; replaces any local copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderbookSnapshot {
    /// The market.
    pub market_ticker: String,
    /// The market's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// YES bids; the key is absent on the wire when there are none. Order not guaranteed.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "levels"
    )]
    pub yes_dollars_fp: Vec<PriceLevel>,
    /// NO bids; the key is absent on the wire when there are none. Order not guaranteed.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "levels"
    )]
    pub no_dollars_fp: Vec<PriceLevel>,
}

/// `orderbook_delta`: `new_size = old_size + delta_fp` at (`side`, `price_dollars`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderbookDelta {
    /// The market.
    pub market_ticker: String,
    /// The market's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// The level's price (NO-leg price for `side: no` unless `use_yes_price`).
    pub price_dollars: Price,
    /// Signed change of the level's size.
    pub delta_fp: Count,
    /// Which bid side changed.
    pub side: OutcomeSide,
    /// Deprecated RFC 3339 time of the change.
    #[serde(
        default,
        with = "crate::model::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ts: Option<OffsetDateTime>,
    /// Unix milliseconds of the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// Present only when the user's own order caused the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Present only when the user's own order caused the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<u32>,
}

/// `ticker`: top of book, last price, volume and open interest of one market. There are no
/// NO-side fields: NO bid = 1 − YES ask, NO ask = 1 − YES bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticker {
    /// The market.
    pub market_ticker: String,
    /// The market's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// Last trade price; `""` (here `None`) before the first trade.
    #[serde(default, with = "empty_as_none")]
    pub price_dollars: Option<Price>,
    /// Best YES bid; `None` when sent empty.
    #[serde(default, with = "empty_as_none")]
    pub yes_bid_dollars: Option<Price>,
    /// Best YES ask; `None` when sent empty.
    #[serde(default, with = "empty_as_none")]
    pub yes_ask_dollars: Option<Price>,
    /// Size at the best YES bid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_bid_size_fp: Option<Count>,
    /// Size at the best YES ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_ask_size_fp: Option<Count>,
    /// Size of the last trade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_trade_size_fp: Option<Count>,
    /// Contracts traded (lifetime).
    pub volume_fp: Count,
    /// Contracts open.
    pub open_interest_fp: Count,
    /// Traded value in whole dollars (integer on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dollar_volume: Option<i64>,
    /// Open interest value in whole dollars (integer on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dollar_open_interest: Option<i64>,
    /// Deprecated Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// Deprecated RFC 3339 time.
    #[serde(
        default,
        with = "crate::model::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<OffsetDateTime>,
}

/// `trade`: one public execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    /// Unique trade id (equals the REST fill's `trade_id` for the user's own trades).
    pub trade_id: String,
    /// The market.
    pub market_ticker: String,
    /// YES-leg price.
    pub yes_price_dollars: Price,
    /// NO-leg price (1 − YES price).
    pub no_price_dollars: Price,
    /// Contracts traded.
    pub count_fp: Count,
    /// Which contract the taker bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_outcome_side: Option<OutcomeSide>,
    /// Which YES-book side the taker hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_book_side: Option<BookSide>,
    /// Deprecated twin of `taker_outcome_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_side: Option<OutcomeSide>,
    /// True for block trades (added 2026-08).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_block_trade: Option<bool>,
    /// Deprecated Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
}
