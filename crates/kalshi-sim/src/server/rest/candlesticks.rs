//! Candlesticks, one market (`/series/{s}/markets/{t}/candlesticks`) or several
//! (`/markets/candlesticks`), built from each market's kept trade history.
//!
//! The engine keeps trades but not quote history, so the `yes_bid` / `yes_ask`
//! distributions are empty and `open_interest_fp` is the market's current value.

use axum::Json;
use axum::extract::State;
use kalshi::model::candlestick::{
    BatchCandlesticksParams, BatchGetMarketCandlesticksResponse, BidAskDistribution,
    CandlesticksParams, GetMarketCandlesticksResponse, MarketCandlestick, MarketCandlesticks,
    PeriodInterval, PriceDistribution,
};
use kalshi::model::{Count, Price};

use crate::engine::Market;
use crate::server::convert;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{PathParam, QueryParams};
use crate::server::state::SharedState;

/// Most markets one batch request may name.
const MAX_BATCH: usize = 100;

/// `GET /series/{series_ticker}/markets/{ticker}/candlesticks`.
pub(crate) async fn one(
    State(state): State<SharedState>,
    PathParam((series, ticker)): PathParam<(String, String)>,
    QueryParams(p): QueryParams<CandlesticksParams>,
) -> ApiResult<Json<GetMarketCandlesticksResponse>> {
    check_window(p.start_ts, p.end_ts)?;
    state.read(|engine, _| {
        let m = engine
            .market(&ticker)
            .ok()
            .filter(|m| m.spec().series_ticker == series)
            .ok_or_else(|| ApiError::market_not_found(&ticker))?;
        Ok(Json(GetMarketCandlesticksResponse {
            ticker: ticker.clone(),
            candlesticks: candles(
                m,
                p.start_ts,
                p.end_ts,
                p.period_interval,
                p.include_latest_before_start.unwrap_or(false),
            ),
        }))
    })
}

/// `GET /markets/candlesticks?market_tickers=A,B&...`.
pub(crate) async fn batch(
    State(state): State<SharedState>,
    QueryParams(p): QueryParams<BatchCandlesticksParams>,
) -> ApiResult<Json<BatchGetMarketCandlesticksResponse>> {
    check_window(p.start_ts, p.end_ts)?;
    if p.market_tickers.is_empty() || p.market_tickers.len() > MAX_BATCH {
        return Err(ApiError::invalid_parameters(format!(
            "market_tickers must name between 1 and {MAX_BATCH} markets"
        )));
    }
    state.read(|engine, _| {
        let markets = p
            .market_tickers
            .iter()
            .map(|t| {
                let m = engine
                    .market(t)
                    .map_err(|_| ApiError::market_not_found(t))?;
                Ok(MarketCandlesticks {
                    market_ticker: t.clone(),
                    candlesticks: candles(
                        m,
                        p.start_ts,
                        p.end_ts,
                        p.period_interval,
                        p.include_latest_before_start.unwrap_or(false),
                    ),
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(Json(BatchGetMarketCandlesticksResponse { markets }))
    })
}

fn check_window(start: i64, end: i64) -> ApiResult<()> {
    if start > end {
        return Err(ApiError::invalid_parameters(
            "start_ts must not be after end_ts",
        ));
    }
    Ok(())
}

/// One candle per period that saw trades, for periods whose end lies in `[start, end]`
/// (Unix seconds); optionally preceded by a synthetic candle carrying the last close
/// from before `start`.
fn candles(
    m: &Market,
    start: i64,
    end: i64,
    interval: PeriodInterval,
    include_latest_before_start: bool,
) -> Vec<MarketCandlestick> {
    let period = i64::from(interval.minutes()) * 60;
    let end_of = |ts_s: i64| {
        ts_s.saturating_neg()
            .div_euclid(period)
            .saturating_neg()
            .saturating_mul(period)
    };
    let mut out: Vec<MarketCandlestick> = Vec::new();
    let mut previous: Option<Price> = None;
    let mut before_start: Option<Price> = None;
    // Current bucket: (end_ts, prices, volume units).
    let mut bucket: Option<(i64, Vec<Price>, i64)> = None;
    let flush = |b: (i64, Vec<Price>, i64), previous: Option<Price>, out: &mut Vec<_>| {
        let (end_ts, prices, volume) = b;
        out.push(candle(end_ts, &prices, volume, previous, m.open_interest()));
        prices.last().copied()
    };
    for t in m.trades() {
        let ts = convert::secs_of(t.ts_ms);
        let bucket_end = end_of(ts);
        if bucket_end < start {
            before_start = Some(t.yes_price);
            continue;
        }
        if bucket_end > end {
            break;
        }
        match &mut bucket {
            Some((e, prices, volume)) if *e == bucket_end => {
                prices.push(t.yes_price);
                *volume += t.count.units();
            }
            _ => {
                if let Some(done) = bucket.take() {
                    previous = flush(done, previous.or(before_start), &mut out).or(previous);
                }
                bucket = Some((bucket_end, vec![t.yes_price], t.count.units()));
            }
        }
    }
    if let Some(done) = bucket.take() {
        flush(done, previous.or(before_start), &mut out);
    }
    if include_latest_before_start && let Some(close) = before_start {
        let first_end = end_of(start);
        if out.first().is_none_or(|c| c.end_period_ts > first_end) {
            out.insert(
                0,
                MarketCandlestick {
                    end_period_ts: first_end,
                    yes_bid: BidAskDistribution::default(),
                    yes_ask: BidAskDistribution::default(),
                    price: PriceDistribution {
                        previous_dollars: Some(close),
                        ..PriceDistribution::default()
                    },
                    volume_fp: Count::ZERO,
                    open_interest_fp: m.open_interest(),
                },
            );
        }
    }
    out
}

fn candle(
    end_ts: i64,
    prices: &[Price],
    volume: i64,
    previous: Option<Price>,
    open_interest: Count,
) -> MarketCandlestick {
    let low = prices.iter().min().copied();
    let high = prices.iter().max().copied();
    let n = i64::try_from(prices.len()).unwrap_or(i64::MAX).max(1);
    let mean = Price::from_units(prices.iter().map(|p| p.units()).sum::<i64>() / n);
    MarketCandlestick {
        end_period_ts: end_ts,
        yes_bid: BidAskDistribution::default(),
        yes_ask: BidAskDistribution::default(),
        price: PriceDistribution {
            open_dollars: prices.first().copied(),
            low_dollars: low,
            high_dollars: high,
            close_dollars: prices.last().copied(),
            mean_dollars: Some(mean),
            previous_dollars: previous,
            min_dollars: low,
            max_dollars: high,
        },
        volume_fp: Count::from_units(volume),
        open_interest_fp: open_interest,
    }
}
