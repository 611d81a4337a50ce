//! `markets` rows: binding a `kalshi::model::market::Market` (indexed columns plus the full
//! JSON), and reading a [`CachedMarket`].

use kalshi::model::market::Market;
use sqlx::query_builder::Separated;
use sqlx::{FromRow, Sqlite};
use time::OffsetDateTime;

use super::{decode, from_ms, to_unix_ms};
use crate::error::{StoreError, StoreResult};

const TABLE: &str = "markets";

/// Columns written on insert, in [`bind`] order.
pub(crate) const INSERT_COLUMNS: &[&str] = &[
    "scope_id",
    "ticker",
    "event_ticker",
    "title",
    "yes_sub_title",
    "status",
    "close_ms",
    "updated_ms",
    "fetched_ms",
    "json",
    "volume",
    "volume_24h",
    "open_interest",
    "last_price",
    "change_24h",
];

/// Columns whose change counts as an update (everything but the key and `fetched_ms`,
/// which moves on every refresh).
pub(crate) const CONTENT_COLUMNS: &[&str] = &[
    "event_ticker",
    "title",
    "yes_sub_title",
    "status",
    "close_ms",
    "updated_ms",
    "json",
    "volume",
    "volume_24h",
    "open_interest",
    "last_price",
    "change_24h",
];

/// Columns read back, matching [`RawMarket`]: the market (`m`) and its event (`e`,
/// see [`FROM_MARKETS`]).
pub(crate) const SELECT_COLUMNS: &str =
    "m.json, m.fetched_ms, e.title AS event_title, e.series_ticker, e.category";

/// The markets with their cached events (absent until the event is fetched).
pub(crate) const FROM_MARKETS: &str = " FROM markets m LEFT JOIN market_events e \
     ON e.scope_id = m.scope_id AND e.event_ticker = m.event_ticker";

/// A market ready to bind: the JSON is produced up front so a serialisation failure stops
/// the batch before anything is written.
#[derive(Debug)]
pub(crate) struct MarketValues<'a> {
    market: &'a Market,
    json: String,
}

impl<'a> MarketValues<'a> {
    /// Serialises `market` for storage.
    pub(crate) fn new(market: &'a Market) -> StoreResult<Self> {
        let json = serde_json::to_string(market).map_err(|e| StoreError::Encode {
            what: "market",
            reason: e.to_string(),
        })?;
        Ok(Self { market, json })
    }

    /// The market's ticker.
    pub(crate) fn ticker(&self) -> &str {
        &self.market.ticker
    }
}

/// The searchable title: the (deprecated) market title, else the YES label.
fn title(m: &Market) -> &str {
    m.title.as_deref().unwrap_or(&m.yes_sub_title)
}

/// Pushes one market's values in [`INSERT_COLUMNS`] order.
pub(crate) fn bind<'q>(
    b: &mut Separated<'_, 'q, Sqlite, &'static str>,
    scope_id: i64,
    fetched_ms: i64,
    v: &'q MarketValues<'q>,
) {
    let m = v.market;
    b.push_bind(scope_id)
        .push_bind(m.ticker.as_str())
        .push_bind(m.event_ticker.as_str())
        .push_bind(title(m))
        .push_bind(m.yes_sub_title.as_str())
        .push_bind(m.status.as_str())
        .push_bind(to_unix_ms(m.close_time))
        .push_bind(to_unix_ms(m.updated_time))
        .push_bind(fetched_ms)
        .push_bind(v.json.as_str())
        .push_bind(m.volume_fp.units())
        .push_bind(m.volume_24h_fp.units())
        .push_bind(m.open_interest_fp.units())
        .push_bind(m.last_price_dollars.units())
        .push_bind(m.last_price_dollars.units() - m.previous_price_dollars.units());
}

/// A market from the offline cache, with when it was last fetched (for the stale badge).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedMarket {
    /// The market as the exchange last reported it.
    pub market: Market,
    /// When it was last fetched.
    pub fetched_at: OffsetDateTime,
    /// The event's title, once the event is cached.
    pub event_title: Option<String>,
    /// The event's series, once the event is cached.
    pub series_ticker: Option<String>,
    /// The series' category, when known.
    pub category: Option<String>,
}

/// `markets` as SQLite returns it, before checking.
#[derive(Debug, FromRow)]
pub(crate) struct RawMarket {
    json: String,
    fetched_ms: i64,
    event_title: Option<String>,
    series_ticker: Option<String>,
    category: Option<String>,
}

impl TryFrom<RawMarket> for CachedMarket {
    type Error = StoreError;

    fn try_from(r: RawMarket) -> StoreResult<Self> {
        Ok(Self {
            market: serde_json::from_str(&r.json)
                .map_err(|e| decode(TABLE, "json", e.to_string()))?,
            fetched_at: from_ms(TABLE, "fetched_ms", r.fetched_ms)?,
            event_title: r.event_title,
            series_ticker: r.series_ticker,
            category: r.category,
        })
    }
}
