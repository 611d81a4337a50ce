//! `/markets*`: the market list (filters, cursor pagination), one market, order books
//! (one with depth, several at once) and the public trade tape.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use axum::Json;
use axum::extract::{RawQuery, State};
use kalshi::model::market::{
    GetMarketResponse, GetMarketsParams, GetMarketsResponse, MarketStatusFilter, MveFilter,
};
use kalshi::model::orderbook::{
    GetMarketOrderbookResponse, GetMarketOrderbooksResponse, GetOrderbookParams, MarketOrderbook,
};
use kalshi::model::trade::{GetTradesParams, GetTradesResponse};

use crate::engine::{Engine, Market, Trade};
use crate::server::archive::Shelf;
use crate::server::convert;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{PathParam, QueryParams, query_pairs};
use crate::server::pagination::{self, PageRequest};
use crate::server::state::SharedState;

/// Deepest `depth` the orderbook routes accept.
const MAX_DEPTH: u32 = 100;
/// Most tickers `GET /markets/orderbooks` accepts.
const MAX_BOOKS: usize = 100;

/// `GET /markets`.
pub(crate) async fn list(
    State(state): State<SharedState>,
    QueryParams(params): QueryParams<GetMarketsParams>,
) -> ApiResult<Json<GetMarketsResponse>> {
    list_markets(&state, &params, Shelf::Live)
}

/// Markets on one side of the cutoff, in listing order (`GET /markets` and
/// `GET /historical/markets`).
pub(crate) fn list_markets(
    state: &SharedState,
    params: &GetMarketsParams,
    shelf: Shelf,
) -> ApiResult<Json<GetMarketsResponse>> {
    check_filter_mix(params)?;
    let kind = shelf.cursor_kind("markets");
    let req = PageRequest::standard(&kind, params.limit, params.cursor.as_deref())?;
    let cutoff = state.archive.cutoff();
    let (markets, cursor) = state.read(|engine, now| {
        let rows = engine
            .markets()
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                shelf.holds(cutoff.market_archived(m)) && matches_filters(m, params, now)
            })
            .map(|(i, m)| (i as u64, m));
        let (page, cursor) = pagination::page(&kind, req, rows, pagination::ascending);
        (
            page.into_iter().map(|m| convert::market(m, now)).collect(),
            cursor,
        )
    });
    Ok(Json(GetMarketsResponse { markets, cursor }))
}

/// Kalshi's rules on which filters may be combined (kalshi-api.md §3.2).
fn check_filter_mix(p: &GetMarketsParams) -> ApiResult<()> {
    let created = p.min_created_ts.is_some() || p.max_created_ts.is_some();
    let close = p.min_close_ts.is_some() || p.max_close_ts.is_some();
    let settled = p.min_settled_ts.is_some() || p.max_settled_ts.is_some();
    let updated = p.min_updated_ts.is_some() || p.max_updated_ts.is_some();
    let families = [created, close, settled, updated]
        .iter()
        .filter(|f| **f)
        .count();
    if families > 1 {
        return Err(ApiError::invalid_parameters(
            "timestamp filter families cannot be combined",
        ));
    }
    use MarketStatusFilter as S;
    let status_ok = match p.status {
        None => true,
        Some(s) => {
            (!created || matches!(s, S::Unopened | S::Open))
                && (!close || s == S::Closed)
                && (!settled || s == S::Settled)
                && !updated
        }
    };
    if !status_ok {
        return Err(ApiError::invalid_parameters(
            "this timestamp filter cannot be combined with this status",
        ));
    }
    if updated
        && (p.event_ticker.is_some()
            || !p.tickers.is_empty()
            || p.mve_filter == Some(MveFilter::Only))
    {
        return Err(ApiError::invalid_parameters(
            "min_updated_ts can only be combined with series_ticker and mve_filter=exclude",
        ));
    }
    Ok(())
}

fn in_range(value_ms: i64, min_s: Option<i64>, max_s: Option<i64>) -> bool {
    let s = convert::secs_of(value_ms);
    min_s.is_none_or(|min| s >= min) && max_s.is_none_or(|max| s <= max)
}

fn matches_filters(m: &Market, p: &GetMarketsParams, now: i64) -> bool {
    let spec = m.spec();
    if p.mve_filter == Some(MveFilter::Only) {
        return false;
    }
    if p.event_ticker
        .as_ref()
        .is_some_and(|e| *e != spec.event_ticker)
        || p.series_ticker
            .as_ref()
            .is_some_and(|s| *s != spec.series_ticker)
        || (!p.tickers.is_empty() && !p.tickers.contains(&spec.ticker))
    {
        return false;
    }
    let status = m.status(now);
    if p.status.is_some_and(|s| s.as_str() != status.filter_word()) {
        return false;
    }
    if (p.min_created_ts.is_some() || p.max_created_ts.is_some())
        && !in_range(spec.created_ms, p.min_created_ts, p.max_created_ts)
    {
        return false;
    }
    if (p.min_close_ts.is_some() || p.max_close_ts.is_some())
        && !in_range(m.close_ms(), p.min_close_ts, p.max_close_ts)
    {
        return false;
    }
    if p.min_settled_ts.is_some() || p.max_settled_ts.is_some() {
        match m.settled_ms() {
            Some(t) if in_range(t, p.min_settled_ts, p.max_settled_ts) => {}
            _ => return false,
        }
    }
    if (p.min_updated_ts.is_some() || p.max_updated_ts.is_some())
        && !in_range(m.updated_ms(), p.min_updated_ts, p.max_updated_ts)
    {
        return false;
    }
    true
}

/// `GET /markets/{ticker}`: 404 once the market is archived (Kalshi serves it only
/// under `/historical/markets` then).
pub(crate) async fn get(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
) -> ApiResult<Json<GetMarketResponse>> {
    get_market(&state, &ticker, Shelf::Live)
}

/// One market if it is on `shelf` (`GET /markets/{ticker}` and
/// `GET /historical/markets/{ticker}`); 404 otherwise.
pub(crate) fn get_market(
    state: &SharedState,
    ticker: &str,
    shelf: Shelf,
) -> ApiResult<Json<GetMarketResponse>> {
    let cutoff = state.archive.cutoff();
    state.read(|engine, now| {
        let m = engine
            .market(ticker)
            .ok()
            .filter(|m| shelf.holds(cutoff.market_archived(m)))
            .ok_or_else(|| ApiError::market_not_found(ticker))?;
        Ok(Json(GetMarketResponse {
            market: convert::market(m, now),
        }))
    })
}

fn depth(depth: Option<u32>) -> ApiResult<usize> {
    match depth {
        Some(d) if d > MAX_DEPTH => Err(ApiError::invalid_parameters(format!(
            "depth must be between 0 and {MAX_DEPTH}"
        ))),
        d => Ok(usize::try_from(d.unwrap_or(0)).unwrap_or(0)),
    }
}

fn book(
    engine: &Engine,
    ticker: &str,
    depth: usize,
) -> ApiResult<kalshi::model::orderbook::OrderbookFp> {
    let view = engine
        .orderbook(ticker, depth)
        .map_err(|_| ApiError::market_not_found(ticker))?;
    Ok(convert::orderbook(&view))
}

/// `GET /markets/{ticker}/orderbook`.
pub(crate) async fn orderbook(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
    QueryParams(params): QueryParams<GetOrderbookParams>,
) -> ApiResult<Json<GetMarketOrderbookResponse>> {
    let depth = depth(params.depth)?;
    state.read(|engine, _| {
        Ok(Json(GetMarketOrderbookResponse {
            orderbook_fp: book(engine, &ticker, depth)?,
        }))
    })
}

/// `GET /markets/orderbooks?tickers=A&tickers=B` (repeated keys; commas also accepted).
pub(crate) async fn orderbooks(
    State(state): State<SharedState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<GetMarketOrderbooksResponse>> {
    let tickers: Vec<String> = query_pairs(query.as_deref())
        .into_iter()
        .filter(|(k, _)| k == "tickers")
        .flat_map(|(_, v)| {
            v.split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    if tickers.is_empty() || tickers.len() > MAX_BOOKS {
        return Err(ApiError::invalid_parameters(format!(
            "tickers must name between 1 and {MAX_BOOKS} markets"
        )));
    }
    state.read(|engine, _| {
        let orderbooks = tickers
            .iter()
            .map(|t| {
                Ok(MarketOrderbook {
                    ticker: t.clone(),
                    orderbook_fp: book(engine, t, 0)?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(Json(GetMarketOrderbooksResponse { orderbooks }))
    })
}

/// `GET /markets/trades`: newest first across the requested market(s).
pub(crate) async fn trades(
    State(state): State<SharedState>,
    QueryParams(params): QueryParams<GetTradesParams>,
) -> ApiResult<Json<GetTradesResponse>> {
    let req = PageRequest::standard("trades", params.limit, params.cursor.as_deref())?;
    state.read(|engine, _| {
        let markets: Vec<&Market> = match &params.ticker {
            Some(t) => vec![
                engine
                    .market(t)
                    .map_err(|_| ApiError::market_not_found(t))?,
            ],
            None => engine.markets().iter().collect(),
        };
        if params.is_block_trade == Some(true) {
            return Ok(Json(GetTradesResponse {
                trades: Vec::new(),
                cursor: String::new(),
            }));
        }
        let in_window = |t: &Trade| {
            let s = convert::secs_of(t.ts_ms);
            params.min_ts.is_none_or(|min| s >= min) && params.max_ts.is_none_or(|max| s <= max)
        };
        let rows = newest_first(&markets, req.after)
            .filter(|t| in_window(t))
            .map(|t| (t.trade_id.0, t));
        let (page, cursor) = pagination::page("trades", req, rows, pagination::descending);
        Ok(Json(GetTradesResponse {
            trades: page.into_iter().map(convert::trade).collect(),
            cursor,
        }))
    })
}

/// Every kept trade of `markets`, newest first, starting below `before` (a trade id):
/// a k-way merge of each market's history, so a page costs O(markets + page).
fn newest_first<'a>(
    markets: &[&'a Market],
    before: Option<u64>,
) -> impl Iterator<Item = &'a Trade> + 'a {
    let mut iters: Vec<_> = markets
        .iter()
        .map(|m| {
            m.trades()
                .rev()
                .skip_while(move |t| before.is_some_and(|b| t.trade_id.0 >= b))
                .peekable()
        })
        .collect();
    let mut heap = BinaryHeap::new();
    for (i, it) in iters.iter_mut().enumerate() {
        if let Some(t) = it.peek() {
            heap.push((t.trade_id.0, Reverse(i)));
        }
    }
    std::iter::from_fn(move || {
        let (_, Reverse(i)) = heap.pop()?;
        let it = iters.get_mut(i)?;
        let t = it.next()?;
        if let Some(next) = it.peek() {
            heap.push((next.trade_id.0, Reverse(i)));
        }
        Some(t)
    })
}
