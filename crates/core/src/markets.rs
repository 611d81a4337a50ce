//! The markets list, one market's page, its candles and its trades.
//!
//! The list always answers from the store's market cache (SQL filters, sort and paging,
//! so 10,000+ markets page fast). On a session that has reached the exchange, the cache
//! is refreshed first when it is empty or older than [`LIST_MAX_AGE`]: every open event
//! with its markets, so the list can also filter by series and category. If that refresh
//! fails, the cached rows answer, marked stale.

use std::time::Duration;

use futures_util::TryStreamExt;
use ipc::commands::market::{CandleRange, CandleSeries, MarketDetail, TradeView};
use ipc::commands::markets::{
    ListMarkets, MarketPage, MarketSort, MarketStatus as UiStatus, SortDirection,
};
use kalshi::model::candlestick::CandlesticksParams;
use kalshi::model::event::{EventStatusFilter, GetEventsParams};
use kalshi::model::market::{Market, MarketStatus};
use kalshi::model::trade::GetTradesParams;
use store::{EventInfo, MarketOrder, MarketQuery, TimeRange};
use time::OffsetDateTime;

use crate::error::CoreError;
use crate::ipc_view;
use crate::session::Session;
use crate::shared::Shared;

/// A cached list older than this is refreshed before answering (when online).
pub const LIST_MAX_AGE: Duration = Duration::from_secs(300);

/// The sync cursor recording when the whole list was last fetched.
const LIST_CURSOR: &str = "market_list";

/// Events per page of the refresh (Kalshi's maximum with nested markets).
const EVENTS_PAGE: u32 = 200;

/// Largest page of the list.
const MAX_LIMIT: u32 = 1000;

fn status(s: UiStatus) -> MarketStatus {
    match s {
        UiStatus::Initialized => MarketStatus::Initialized,
        UiStatus::Inactive => MarketStatus::Inactive,
        UiStatus::Active => MarketStatus::Active,
        UiStatus::Closed => MarketStatus::Closed,
        UiStatus::Determined => MarketStatus::Determined,
        UiStatus::Disputed => MarketStatus::Disputed,
        UiStatus::Amended => MarketStatus::Amended,
        UiStatus::Finalized => MarketStatus::Finalized,
    }
}

/// The store's query for a list request, as of `now`.
///
/// # Errors
/// [`CoreError::InvalidRequest`] for a page size outside 1–1000.
pub(crate) fn market_query(r: &ListMarkets, now: OffsetDateTime) -> Result<MarketQuery, CoreError> {
    if !(1..=MAX_LIMIT).contains(&r.limit) {
        return Err(CoreError::InvalidRequest(format!(
            "a page holds 1 to {MAX_LIMIT} markets, not {}",
            r.limit
        )));
    }
    let blank = |s: &Option<String>| s.as_ref().filter(|s| !s.trim().is_empty()).cloned();
    let closing = match r.closing_within_ms {
        Some(within) => {
            let within = time::Duration::milliseconds(i64::try_from(within).unwrap_or(i64::MAX));
            TimeRange {
                from: Some(now),
                until: now.checked_add(within),
            }
        }
        None => TimeRange::default(),
    };
    Ok(MarketQuery {
        event_ticker: blank(&r.event_ticker),
        status: r.status.map(status),
        text: blank(&r.query),
        series_ticker: blank(&r.series_ticker),
        category: blank(&r.category),
        tickers: r.tickers.clone(),
        closing,
        order: match r.sort {
            MarketSort::Volume24h => MarketOrder::Volume24h,
            MarketSort::Volume => MarketOrder::Volume,
            MarketSort::OpenInterest => MarketOrder::OpenInterest,
            MarketSort::CloseTime => MarketOrder::CloseTime,
            MarketSort::LastPrice => MarketOrder::LastPrice,
            MarketSort::Change24h => MarketOrder::Change24h,
            MarketSort::Ticker => MarketOrder::Ticker,
        },
        descending: r.direction == SortDirection::Descending,
        limit: r.limit,
        offset: r.offset,
    })
}

/// Fetches every open event with its markets into the cache.
async fn refresh_list(shared: &Shared) -> Result<usize, CoreError> {
    let events: Vec<kalshi::model::event::Event> = shared
        .link
        .client
        .events_stream(GetEventsParams {
            limit: Some(EVENTS_PAGE),
            with_nested_markets: Some(true),
            status: Some(EventStatusFilter::Open),
            ..GetEventsParams::default()
        })
        .try_collect()
        .await?;
    let now = OffsetDateTime::now_utc();
    let infos: Vec<EventInfo> = events
        .iter()
        .map(|e| EventInfo {
            event_ticker: e.event_ticker.clone(),
            series_ticker: e.series_ticker.clone(),
            category: e.category.clone(),
            title: e.title.clone(),
        })
        .collect();
    let markets: Vec<Market> = events
        .into_iter()
        .flat_map(|e| e.markets.unwrap_or_default())
        .collect();
    shared
        .store
        .upsert_events(&shared.scope, &infos, now)
        .await?;
    shared
        .store
        .upsert_markets(&shared.scope, &markets, now)
        .await?;
    shared
        .store
        .set_cursor(&shared.scope, LIST_CURSOR, &markets.len().to_string(), now)
        .await?;
    tracing::debug!(
        markets = markets.len(),
        events = infos.len(),
        "market list refreshed"
    );
    Ok(markets.len())
}

/// True when the list should be fetched before answering.
async fn list_is_old(shared: &Shared, now: OffsetDateTime) -> Result<bool, CoreError> {
    let cursor = shared.store.cursor(&shared.scope, LIST_CURSOR).await?;
    Ok(cursor.is_none_or(|c| now - c.updated_at > LIST_MAX_AGE))
}

impl Session {
    /// One page of the markets list (see the module doc for where it comes from).
    ///
    /// # Errors
    /// [`CoreError::Closed`], [`CoreError::InvalidRequest`] for a bad page size, or
    /// [`CoreError::Store`]. A failed refresh is not an error: the cache answers, stale.
    #[tracing::instrument(skip(self, request), fields(environment = %self.environment()), err(Debug))]
    pub async fn list_markets(&self, request: &ListMarkets) -> Result<MarketPage, CoreError> {
        let shared = self.open_shared()?;
        let now = OffsetDateTime::now_utc();
        let query = market_query(request, now)?;
        let mut stale = !shared.has_reached_exchange() || shared.is_offline();
        if shared.has_reached_exchange() && list_is_old(shared, now).await? {
            match refresh_list(shared).await {
                Ok(_) => stale = false,
                Err(e) => {
                    tracing::warn!(error = %e, "market list refresh failed; answering from the cache");
                    stale = true;
                }
            }
        }
        let rows = shared.store.cached_markets(&shared.scope, &query).await?;
        let total = shared
            .store
            .count_cached_markets(&shared.scope, &query)
            .await?;
        Ok(MarketPage {
            as_of_ms: rows.iter().map(|r| ipc_view::ms(r.fetched_at)).min(),
            markets: rows.iter().map(ipc_view::market_row).collect(),
            total,
            stale,
        })
    }

    /// One market's page: fresh from the exchange when it can be reached, else cached
    /// (stale), with its event's labels when cached.
    ///
    /// # Errors
    /// As [`Session::market`].
    pub async fn market_detail(&self, ticker: &str) -> Result<MarketDetail, CoreError> {
        let fresh_before = OffsetDateTime::now_utc();
        let market = self.market(ticker).await?;
        let cached = self.store().cached_market(self.scope(), ticker).await?;
        let (fetched_at, stale) = match &cached {
            Some(c) if c.fetched_at < fresh_before && c.market == market => (c.fetched_at, true),
            Some(c) => (c.fetched_at, false),
            None => (fresh_before, false),
        };
        Ok(ipc_view::market_detail(
            &market,
            cached.as_ref(),
            fetched_at,
            stale,
        ))
    }

    /// A market's candles over `range`.
    ///
    /// # Errors
    /// [`CoreError::Offline`] before the exchange was reached, the market's errors as
    /// [`Session::market`], or the exchange's.
    pub async fn candles(
        &self,
        ticker: &str,
        range: CandleRange,
    ) -> Result<CandleSeries, CoreError> {
        let shared = self.live()?;
        let market = self.market(ticker).await?;
        let series = match shared.store.cached_market(&shared.scope, ticker).await? {
            Some(c) if c.series_ticker.is_some() => c.series_ticker.unwrap_or_default(),
            _ => self.series_of(&market.event_ticker).await?,
        };
        let now = OffsetDateTime::now_utc();
        let (period, start) = ipc_view::candle_range(range, now, market.open_time);
        let response = shared
            .link
            .client
            .candlesticks(
                &series,
                ticker,
                &CandlesticksParams {
                    start_ts: start.unix_timestamp(),
                    // Kalshi returns the periods that end inside the window; the one in
                    // progress ends after `now`, and a chart must show it.
                    end_ts: ipc_view::period_end(period, now),
                    period_interval: period,
                    include_latest_before_start: None,
                },
            )
            .await?;
        Ok(ipc_view::candle_series(
            ticker,
            range,
            period,
            &response.candlesticks,
        ))
    }

    async fn series_of(&self, event_ticker: &str) -> Result<String, CoreError> {
        let shared = self.live()?;
        let event = shared
            .link
            .client
            .event(
                event_ticker,
                &kalshi::model::event::GetEventParams::default(),
            )
            .await?;
        Ok(event.event.series_ticker)
    }

    /// A market's most recent public trades, newest first.
    ///
    /// # Errors
    /// [`CoreError::InvalidRequest`] for a limit outside 1–1000, [`CoreError::Offline`],
    /// or the exchange's error.
    pub async fn recent_trades(
        &self,
        ticker: &str,
        limit: u32,
    ) -> Result<Vec<TradeView>, CoreError> {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(CoreError::InvalidRequest(format!(
                "1 to {MAX_LIMIT} trades can be asked for, not {limit}"
            )));
        }
        let shared = self.live()?;
        let trades = shared
            .link
            .client
            .trades(&GetTradesParams {
                limit: Some(limit),
                ticker: Some(ticker.to_owned()),
                ..GetTradesParams::default()
            })
            .await?;
        Ok(trades.trades.iter().map(ipc_view::trade_view).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(limit: u32) -> ListMarkets {
        ListMarkets {
            query: Some("  ".into()),
            status: Some(UiStatus::Active),
            category: None,
            series_ticker: None,
            event_ticker: None,
            tickers: None,
            closing_within_ms: Some(60_000),
            sort: MarketSort::Change24h,
            direction: SortDirection::Ascending,
            offset: 20,
            limit,
        }
    }

    #[test]
    fn list_requests_become_store_queries() {
        let now = OffsetDateTime::from_unix_timestamp(1_000).unwrap();
        let q = market_query(&request(50), now).unwrap();
        assert_eq!(q.text, None, "blank text is no filter");
        assert_eq!(q.status, Some(MarketStatus::Active));
        assert_eq!(q.order, MarketOrder::Change24h);
        assert!(!q.descending);
        assert_eq!((q.offset, q.limit), (20, 50));
        assert_eq!(q.closing.from, Some(now));
        assert_eq!(q.closing.until, Some(now + time::Duration::minutes(1)));
        for bad in [0, 1001] {
            assert!(matches!(
                market_query(&request(bad), now),
                Err(CoreError::InvalidRequest(_))
            ));
        }
    }
}
