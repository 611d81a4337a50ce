//! `/historical/*`: the records the cutoff moved out of the live endpoints, in the live
//! shapes. Each read is its live twin's listing run on the archived side
//! ([`Shelf::Historical`]), with the archive's narrower filters mapped onto the live query.

use axum::extract::State;
use axum::{Extension, Json};
use kalshi::model::fill::{GetFillsParams, GetFillsResponse};
use kalshi::model::historical::{
    GetHistoricalCutoffResponse, GetHistoricalMarketsParams, HistoricalRangeParams,
};
use kalshi::model::market::{GetMarketResponse, GetMarketsParams, GetMarketsResponse};
use kalshi::model::order::{GetOrdersParams, GetOrdersResponse};

use super::{markets, orders, portfolio};
use crate::server::archive::Shelf;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::extract::{PathParam, QueryParams};
use crate::server::state::SharedState;

/// `GET /historical/cutoff`.
pub(crate) async fn cutoff(State(state): State<SharedState>) -> Json<GetHistoricalCutoffResponse> {
    Json(state.archive.cutoff().to_wire())
}

/// `GET /historical/fills`: archived fills, newest first.
pub(crate) async fn fills(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(p): QueryParams<HistoricalRangeParams>,
) -> ApiResult<Json<GetFillsResponse>> {
    let params = GetFillsParams {
        ticker: p.ticker,
        min_ts: p.min_ts,
        max_ts: p.max_ts,
        limit: p.limit,
        cursor: p.cursor,
        ..GetFillsParams::default()
    };
    portfolio::list_fills(&state, &caller, &params, Shelf::Historical)
}

/// `GET /historical/orders`: archived orders, newest first.
pub(crate) async fn orders(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(p): QueryParams<HistoricalRangeParams>,
) -> ApiResult<Json<GetOrdersResponse>> {
    let params = GetOrdersParams {
        ticker: p.ticker,
        min_ts: p.min_ts,
        max_ts: p.max_ts,
        limit: p.limit,
        cursor: p.cursor,
        ..GetOrdersParams::default()
    };
    orders::list_orders(&state, &caller, &params, Shelf::Historical)
}

/// `GET /historical/markets`: archived markets in listing order.
pub(crate) async fn markets(
    State(state): State<SharedState>,
    QueryParams(p): QueryParams<GetHistoricalMarketsParams>,
) -> ApiResult<Json<GetMarketsResponse>> {
    let params = GetMarketsParams {
        limit: p.limit,
        cursor: p.cursor,
        tickers: p.tickers,
        event_ticker: p.event_ticker,
        series_ticker: p.series_ticker,
        mve_filter: p.mve_filter,
        ..GetMarketsParams::default()
    };
    markets::list_markets(&state, &params, Shelf::Historical)
}

/// `GET /historical/markets/{ticker}`: 404 unless the market is archived.
pub(crate) async fn market(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
) -> ApiResult<Json<GetMarketResponse>> {
    markets::get_market(&state, &ticker, Shelf::Historical)
}
