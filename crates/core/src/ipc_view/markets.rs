//! Markets, candles and trades as the UI shows them.

use ipc::commands::market::{
    Candle, CandleRange, CandleSeries, MarketDetail, MarketType as UiMarketType, PriceRange,
    TradeView,
};
use ipc::commands::markets::{MarketResult as UiResult, MarketRow, MarketStatus as UiStatus};
use kalshi::model::Price;
use kalshi::model::candlestick::{MarketCandlestick, PeriodInterval};
use kalshi::model::market::{Market, MarketResult, MarketStatus, MarketType};
use kalshi::model::trade::Trade;
use store::CachedMarket;
use time::OffsetDateTime;

use super::ms;
use super::orders::{book_side, outcome};

/// The event a market belongs to, as far as the cache knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EventLabels {
    pub title: Option<String>,
    pub series_ticker: Option<String>,
    pub category: Option<String>,
}

impl EventLabels {
    pub(crate) fn of(cached: &CachedMarket) -> Self {
        Self {
            title: cached.event_title.clone(),
            series_ticker: cached.series_ticker.clone(),
            category: cached.category.clone(),
        }
    }
}

/// A zero price reads as "none" in Kalshi's market figures (no bid, no trade yet).
fn some_price(p: Price) -> Option<Price> {
    (!p.is_zero()).then_some(p)
}

fn status(s: MarketStatus) -> UiStatus {
    match s {
        MarketStatus::Initialized => UiStatus::Initialized,
        MarketStatus::Inactive => UiStatus::Inactive,
        MarketStatus::Active => UiStatus::Active,
        MarketStatus::Closed => UiStatus::Closed,
        MarketStatus::Determined => UiStatus::Determined,
        MarketStatus::Disputed => UiStatus::Disputed,
        MarketStatus::Amended => UiStatus::Amended,
        MarketStatus::Finalized => UiStatus::Finalized,
    }
}

/// The list row of a market (event labels from the cache, when known).
pub(crate) fn row_of(m: &Market, event: &EventLabels) -> MarketRow {
    MarketRow {
        ticker: m.ticker.clone(),
        event_ticker: m.event_ticker.clone(),
        event_title: event.title.clone(),
        series_ticker: event.series_ticker.clone(),
        category: event.category.clone(),
        title: m.title.clone().unwrap_or_else(|| m.yes_sub_title.clone()),
        yes_sub_title: m.yes_sub_title.clone(),
        no_sub_title: m.no_sub_title.clone(),
        status: status(m.status),
        result: match m.result {
            MarketResult::Yes => Some(UiResult::Yes),
            MarketResult::No => Some(UiResult::No),
            MarketResult::Scalar => Some(UiResult::Scalar),
            MarketResult::Undetermined => None,
        },
        yes_bid: some_price(m.yes_bid_dollars),
        yes_bid_size: m.yes_bid_size_fp,
        yes_ask: some_price(m.yes_ask_dollars),
        yes_ask_size: m.yes_ask_size_fp,
        last_price: some_price(m.last_price_dollars),
        previous_price: some_price(m.previous_price_dollars),
        volume: m.volume_fp,
        volume_24h: m.volume_24h_fp,
        open_interest: m.open_interest_fp,
        open_ms: ms(m.open_time),
        close_ms: ms(m.close_time),
    }
}

/// The list row of a cached market.
pub fn market_row(cached: &CachedMarket) -> MarketRow {
    row_of(&cached.market, &EventLabels::of(cached))
}

/// The market page's header: rules, grid and figures.
pub fn market_detail(
    m: &Market,
    event: Option<&CachedMarket>,
    fetched_at: OffsetDateTime,
    stale: bool,
) -> MarketDetail {
    let labels = event.map(EventLabels::of).unwrap_or_default();
    MarketDetail {
        market: row_of(m, &labels),
        market_type: match m.market_type {
            MarketType::Binary => UiMarketType::Binary,
            MarketType::Scalar => UiMarketType::Scalar,
        },
        rules_primary: m.rules_primary.clone(),
        rules_secondary: m.rules_secondary.clone(),
        can_close_early: m.can_close_early,
        price_ranges: m
            .price_ranges
            .iter()
            .map(|r| PriceRange {
                start: r.start,
                end: r.end,
                step: r.step,
            })
            .collect(),
        notional_value: m.notional_value_dollars,
        settlement_value: m.settlement_value_dollars,
        expected_expiration_ms: m.expected_expiration_time.map(ms),
        latest_expiration_ms: ms(m.latest_expiration_time),
        settled_ms: m.settlement_ts.map(ms),
        fetched_ms: ms(fetched_at),
        stale,
    }
}

/// The candle length and span of a chart range, ending `now`: `(period, start)`; `All`
/// starts at the market's open.
pub fn candle_range(
    range: CandleRange,
    now: OffsetDateTime,
    opened: OffsetDateTime,
) -> (PeriodInterval, OffsetDateTime) {
    use time::Duration;
    match range {
        CandleRange::Hour => (PeriodInterval::OneMinute, now - Duration::hours(1)),
        CandleRange::Day => (PeriodInterval::OneHour, now - Duration::days(1)),
        CandleRange::Week => (PeriodInterval::OneHour, now - Duration::weeks(1)),
        CandleRange::All => (PeriodInterval::OneDay, opened.min(now)),
    }
}

/// The end (Unix seconds) of the `period` that contains `now`: the period in progress.
pub fn period_end(period: PeriodInterval, now: OffsetDateTime) -> i64 {
    let seconds = i64::from(period.minutes()) * 60;
    let now = now.unix_timestamp();
    now.div_euclid(seconds)
        .saturating_add(1)
        .saturating_mul(seconds)
}

/// Candles as the chart takes them.
pub fn candle_series(
    ticker: &str,
    range: CandleRange,
    period: PeriodInterval,
    candles: &[MarketCandlestick],
) -> CandleSeries {
    CandleSeries {
        ticker: ticker.to_owned(),
        range,
        period_minutes: match period {
            PeriodInterval::OneMinute => 1,
            PeriodInterval::OneHour => 60,
            PeriodInterval::OneDay => 1440,
        },
        candles: candles
            .iter()
            .map(|c| Candle {
                end_ms: c.end_period_ts.saturating_mul(1000),
                open: c.price.open_dollars,
                high: c.price.high_dollars,
                low: c.price.low_dollars,
                close: c.price.close_dollars,
                yes_bid_close: c.yes_bid.close_dollars,
                yes_ask_close: c.yes_ask.close_dollars,
                volume: c.volume_fp,
                open_interest: c.open_interest_fp,
            })
            .collect(),
    }
}

/// A public trade for the tape.
pub fn trade_view(t: &Trade) -> TradeView {
    TradeView {
        trade_id: t.trade_id.clone(),
        ticker: t.ticker.clone(),
        count: t.count_fp,
        yes_price: t.yes_price_dollars,
        no_price: t.no_price_dollars,
        taker_outcome: outcome(t.taker_outcome_side),
        taker_book_side: book_side(t.taker_book_side),
        created_ms: ms(t.created_time),
    }
}

/// A view's update as its channel carries it, numbered `seq` by the shell.
pub fn market_update(
    view_id: ipc::commands::market::ViewId,
    seq: u64,
    u: &crate::subscriptions::MarketUpdate,
) -> ipc::commands::market::MarketUpdate {
    use ipc::commands::market::PriceLevel as Level;
    let level = |l: &kalshi::model::ws::PriceLevel| Level {
        price: l.price,
        count: l.count,
    };
    ipc::commands::market::MarketUpdate {
        view_id,
        seq,
        ticker: u.ticker.clone(),
        yes_bids: u.depth.bids.iter().map(level).collect(),
        yes_asks: u.depth.asks.iter().map(level).collect(),
        best_bid: u.best_bid.as_ref().map(level),
        best_ask: u.best_ask.as_ref().map(level),
        last_price: u.ticker_data.as_ref().and_then(|t| t.price_dollars),
        volume: u.ticker_data.as_ref().map(|t| t.volume_fp),
        open_interest: u.ticker_data.as_ref().map(|t| t.open_interest_fp),
        stale: u.stale,
        refused: u.refused.clone(),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn the_period_in_progress_ends_after_now() {
        let now = datetime!(2026-12-05 00:41:17 UTC);
        let minute = period_end(PeriodInterval::OneMinute, now);
        assert_eq!(minute, datetime!(2026-12-05 00:42:00 UTC).unix_timestamp());
        let hour = period_end(PeriodInterval::OneHour, now);
        assert_eq!(hour, datetime!(2026-12-05 01:00:00 UTC).unix_timestamp());
        let day = period_end(PeriodInterval::OneDay, now);
        assert_eq!(day, datetime!(2026-12-06 00:00:00 UTC).unix_timestamp());
        // On a boundary, the period that starts there is the one in progress.
        let boundary = datetime!(2026-12-05 00:42:00 UTC);
        assert_eq!(
            period_end(PeriodInterval::OneMinute, boundary),
            datetime!(2026-12-05 00:43:00 UTC).unix_timestamp()
        );
    }
}
