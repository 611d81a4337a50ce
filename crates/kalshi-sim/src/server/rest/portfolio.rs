//! `/portfolio/{balance,positions,fills,settlements}`: the caller's account, as the app
//! reconciles from it.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::{Extension, Json};
use kalshi::model::fill::{GetFillsParams, GetFillsResponse};
use kalshi::model::portfolio::{
    CountFilter, EventPosition, GetBalanceResponse, GetPositionsParams, GetPositionsResponse,
    IndexedBalance, SubaccountParams,
};
use kalshi::model::settlement::{GetSettlementsParams, GetSettlementsResponse};
use kalshi::model::{Count, Money};

use crate::accounts::Account;
use crate::engine::Engine;
use crate::lifecycle::MarketStatus;
use crate::server::archive::Shelf;
use crate::server::auth::Caller;
use crate::server::convert::{self, EXCHANGE_INDEX};
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::QueryParams;
use crate::server::pagination::{self, PageRequest};
use crate::server::state::SharedState;

/// Refuses subaccounts other than the primary (0) and shards other than 0: the simulator
/// runs one account per key on one shard.
pub(crate) fn check_scope(subaccount: Option<i32>, exchange_index: Option<i32>) -> ApiResult<()> {
    if subaccount.is_some_and(|s| s != 0) {
        return Err(ApiError::invalid_parameters(
            "the simulator has no subaccounts other than 0",
        ));
    }
    if exchange_index.is_some_and(|i| i != EXCHANGE_INDEX && i != -1) {
        return Err(ApiError::invalid_parameters(
            "the simulator runs only exchange_index 0",
        ));
    }
    Ok(())
}

/// The caller's account (registered keys always have one).
pub(crate) fn account<'a>(engine: &'a Engine, caller: &Caller) -> ApiResult<&'a Account> {
    engine
        .account(caller.user)
        .ok_or_else(|| ApiError::not_found("no account for this key"))
}

/// `GET /portfolio/balance`.
pub(crate) async fn balance(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<SubaccountParams>,
) -> ApiResult<Json<GetBalanceResponse>> {
    check_scope(params.subaccount, params.exchange_index)?;
    state.read(|engine, now| {
        let acct = account(engine, &caller)?;
        let balance = acct.balance();
        let marked = acct
            .positions()
            .map(|(mid, p)| mark_value(engine, mid, p.position()))
            .fold(0i64, i64::saturating_add);
        let portfolio = acct.cash().units().saturating_add(marked);
        Ok(Json(GetBalanceResponse {
            balance: balance.to_cents_trunc(),
            balance_dollars: balance,
            portfolio_value: Money::from_units(portfolio).to_cents_trunc(),
            updated_ts: convert::secs_of(now),
            balance_breakdown: Some(vec![IndexedBalance {
                exchange_index: EXCHANGE_INDEX,
                balance,
            }]),
        }))
    })
}

/// What a position is worth at the market's last price (money units); nothing once the
/// market has paid out.
fn mark_value(engine: &Engine, market: crate::ids::MarketId, position: Count) -> i64 {
    let Some(m) = engine.market_by_id(market) else {
        return 0;
    };
    if m.settled_ms().is_some() || position.is_zero() {
        return 0;
    }
    let yes = m
        .result()
        .map(crate::lifecycle::MarketResult::yes_value)
        .or(m.last_price())
        .unwrap_or(kalshi::model::Price::ZERO);
    let price = if position.is_negative() {
        yes.complement().unwrap_or_default()
    } else {
        yes
    };
    Money::cost(price, position.abs()).map_or(0, Money::units)
}

/// `GET /portfolio/positions`: unsettled positions by market, plus per-event totals.
pub(crate) async fn positions(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<GetPositionsParams>,
) -> ApiResult<Json<GetPositionsResponse>> {
    check_scope(params.subaccount, params.exchange_index)?;
    let req = PageRequest::standard("positions", params.limit, params.cursor.as_deref())?;
    state.read(|engine, now| {
        let acct = account(engine, &caller)?;
        let mut rows: Vec<_> = acct
            .positions()
            .filter_map(|(mid, p)| Some((mid, p, engine.market_by_id(mid)?)))
            .filter(|(_, p, m)| {
                m.status(now) != MarketStatus::Finalized
                    && (!p.position().is_zero() || !p.volume().is_zero())
            })
            .filter(|(_, p, m)| {
                params.ticker.as_ref().is_none_or(|t| **t == **m.ticker())
                    && params
                        .event_ticker
                        .as_ref()
                        .is_none_or(|e| *e == m.spec().event_ticker)
                    && params.count_filter.iter().all(|f| match f {
                        CountFilter::Position => !p.position().is_zero(),
                        CountFilter::TotalTraded => !p.total_traded().is_zero(),
                    })
            })
            .collect();
        rows.sort_by_key(|(mid, ..)| *mid);
        let rows = rows
            .into_iter()
            .map(|(mid, p, m)| (mid.index() as u64, (p, m)));
        let (page, cursor) = pagination::page("positions", req, rows, pagination::ascending);
        let mut events: BTreeMap<String, EventPosition> = BTreeMap::new();
        let market_positions = page
            .into_iter()
            .map(|(p, m)| {
                let e = events
                    .entry(m.spec().event_ticker.clone())
                    .or_insert_with(|| EventPosition {
                        event_ticker: m.spec().event_ticker.clone(),
                        total_cost_dollars: Money::ZERO,
                        total_cost_shares_fp: Count::ZERO,
                        event_exposure_dollars: Money::ZERO,
                        realized_pnl_dollars: Money::ZERO,
                        fees_paid_dollars: Money::ZERO,
                    });
                let add = |a: Money, b: Money| a.checked_add(b).unwrap_or(a);
                e.total_cost_dollars = add(e.total_cost_dollars, p.total_traded());
                e.total_cost_shares_fp = e
                    .total_cost_shares_fp
                    .checked_add(p.volume())
                    .unwrap_or(e.total_cost_shares_fp);
                e.event_exposure_dollars = add(e.event_exposure_dollars, p.market_exposure());
                e.realized_pnl_dollars = add(e.realized_pnl_dollars, p.realized_pnl());
                e.fees_paid_dollars = add(e.fees_paid_dollars, p.fees_paid());
                convert::market_position(p, m)
            })
            .collect();
        Ok(Json(GetPositionsResponse {
            cursor,
            market_positions,
            event_positions: events.into_values().collect(),
        }))
    })
}

/// Whether `ts_ms` falls in the `[min_ts, max_ts]` window (Unix seconds, inclusive).
fn in_window(ts_ms: i64, min_ts: Option<i64>, max_ts: Option<i64>) -> bool {
    let s = convert::secs_of(ts_ms);
    min_ts.is_none_or(|min| s >= min) && max_ts.is_none_or(|max| s <= max)
}

/// `GET /portfolio/fills`: newest first.
pub(crate) async fn fills(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<GetFillsParams>,
) -> ApiResult<Json<GetFillsResponse>> {
    list_fills(&state, &caller, &params, Shelf::Live)
}

/// The caller's fills on one side of the cutoff, newest first (`GET /portfolio/fills`
/// and `GET /historical/fills`).
pub(crate) fn list_fills(
    state: &SharedState,
    caller: &Caller,
    params: &GetFillsParams,
    shelf: Shelf,
) -> ApiResult<Json<GetFillsResponse>> {
    check_scope(params.subaccount, params.exchange_index)?;
    let kind = shelf.cursor_kind("fills");
    let req = PageRequest::standard(&kind, params.limit, params.cursor.as_deref())?;
    let cutoff = state.archive.cutoff();
    let order_filter =
        match &params.order_id {
            None => None,
            Some(text) => Some(convert::parse_order_id(text).ok_or_else(|| {
                ApiError::invalid_parameters(format!("invalid order_id {text:?}"))
            })?),
        };
    state.read(|engine, _| {
        let acct = account(engine, caller)?;
        let rows = acct
            .fills()
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, f)| {
                shelf.holds(cutoff.fill_archived(f.ts_ms))
                    && params.ticker.as_ref().is_none_or(|t| **t == *f.ticker)
                    && order_filter.is_none_or(|o| o == f.order_id)
                    && in_window(f.ts_ms, params.min_ts, params.max_ts)
            })
            .map(|(i, f)| (i as u64, f));
        let (page, cursor) = pagination::page(&kind, req, rows, pagination::descending);
        Ok(Json(GetFillsResponse {
            fills: page.into_iter().map(convert::fill).collect(),
            cursor,
        }))
    })
}

/// `GET /portfolio/settlements`: newest first.
pub(crate) async fn settlements(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<GetSettlementsParams>,
) -> ApiResult<Json<GetSettlementsResponse>> {
    check_scope(params.subaccount, None)?;
    let req = PageRequest::standard("settlements", params.limit, params.cursor.as_deref())?;
    state.read(|engine, _| {
        let acct = account(engine, &caller)?;
        let rows = acct
            .settlements()
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, s)| {
                params.ticker.as_ref().is_none_or(|t| **t == *s.ticker)
                    && params
                        .event_ticker
                        .as_ref()
                        .is_none_or(|e| **e == *s.event_ticker)
                    && in_window(s.settled_ms, params.min_ts, params.max_ts)
            })
            .map(|(i, s)| (i as u64, s));
        let (page, cursor) = pagination::page("settlements", req, rows, pagination::descending);
        Ok(Json(GetSettlementsResponse {
            settlements: page.into_iter().map(convert::settlement).collect(),
            cursor,
        }))
    })
}
