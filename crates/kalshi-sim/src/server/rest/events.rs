//! `/events*`: the event list (filters, cursor pagination, nested markets) and one event.

use axum::Json;
use axum::extract::State;
use kalshi::model::event::{
    EventStatusFilter, GetEventParams, GetEventResponse, GetEventsParams, GetEventsResponse,
};
use kalshi::model::market::Market as WireMarket;

use crate::engine::{Engine, Market};
use crate::server::catalog::Catalog;
use crate::server::convert;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{PathParam, QueryParams};
use crate::server::pagination::{self, PageRequest};
use crate::server::state::SharedState;

/// Page size limits of `GET /events` (smaller than the other listings).
const DEFAULT_EVENTS: u32 = 200;
const MAX_EVENTS: u32 = 200;

fn markets_of<'a>(catalog: &Catalog, engine: &'a Engine, position: usize) -> Vec<&'a Market> {
    catalog
        .event_markets(position)
        .iter()
        .filter_map(|id| engine.market_by_id(*id))
        .collect()
}

fn wire_markets(markets: &[&Market], now: i64) -> Vec<WireMarket> {
    markets.iter().map(|m| convert::market(m, now)).collect()
}

/// `GET /events`.
pub(crate) async fn list(
    State(state): State<SharedState>,
    QueryParams(params): QueryParams<GetEventsParams>,
) -> ApiResult<Json<GetEventsResponse>> {
    let req = PageRequest::new(
        "events",
        params.limit,
        params.cursor.as_deref(),
        DEFAULT_EVENTS,
        MAX_EVENTS,
    )?;
    let nested = params.with_nested_markets.unwrap_or(false);
    let catalog = state.catalog();
    let (events, cursor) = state.read(|engine, now| {
        let rows = catalog
            .events()
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                params
                    .series_ticker
                    .as_ref()
                    .is_none_or(|s| *s == e.series_ticker)
                    && (params.tickers.is_empty() || params.tickers.contains(&e.event_ticker))
            })
            .filter_map(|(i, e)| {
                let markets = markets_of(&catalog, engine, i);
                let status_ok = params.status.is_none_or(|want: EventStatusFilter| {
                    markets
                        .iter()
                        .any(|m| m.status(now).filter_word() == want.as_str())
                });
                let close_ok = params.min_close_ts.is_none_or(|min| {
                    markets
                        .iter()
                        .any(|m| convert::secs_of(m.close_ms()) >= min)
                });
                let updated_ok = params.min_updated_ts.is_none_or(|min| {
                    markets
                        .iter()
                        .any(|m| convert::secs_of(m.updated_ms()) >= min)
                });
                (status_ok && close_ok && updated_ok).then_some((i as u64, (e, markets)))
            });
        let (page, cursor) = pagination::page("events", req, rows, pagination::ascending);
        let events = page
            .into_iter()
            .map(|(e, markets)| convert::event(e, nested.then(|| wire_markets(&markets, now))))
            .collect();
        (events, cursor)
    });
    Ok(Json(GetEventsResponse {
        events,
        milestones: params.with_milestones.unwrap_or(false).then(Vec::new),
        cursor,
    }))
}

/// `GET /events/{event_ticker}`: markets inside the event when nested, and always in the
/// deprecated top-level twin.
pub(crate) async fn get(
    State(state): State<SharedState>,
    PathParam(event_ticker): PathParam<String>,
    QueryParams(params): QueryParams<GetEventParams>,
) -> ApiResult<Json<GetEventResponse>> {
    let catalog = state.catalog();
    let position = catalog
        .event_position(&event_ticker)
        .ok_or_else(|| ApiError::not_found(format!("no event with ticker {event_ticker:?}")))?;
    let nested = params.with_nested_markets.unwrap_or(false);
    let spec = &catalog.events()[position];
    let markets =
        state.read(|engine, now| wire_markets(&markets_of(&catalog, engine, position), now));
    Ok(Json(GetEventResponse {
        event: convert::event(spec, nested.then(|| markets.clone())),
        markets,
    }))
}
