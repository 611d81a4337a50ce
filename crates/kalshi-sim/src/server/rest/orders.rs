//! Orders: reading (`GET /portfolio/orders[/{id}]`, queue positions), V2 entry under
//! `/portfolio/events/orders` (create, amend, decrease, cancel, batch create, batch cancel,
//! cancel all) and the retired V1 mutations, which answer 410.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use kalshi::model::Money;
use kalshi::model::order::{
    GetOrderQueuePositionResponse, GetOrderQueuePositionsResponse, GetOrderResponse,
    GetOrdersParams, GetOrdersResponse, GetQueuePositionsParams, OrderQueuePosition,
};
use kalshi::model::order_batch::{
    BatchCancelOrderResult, BatchCancelOrdersRequest, BatchCancelOrdersResponse,
    BatchCreateOrderResult, BatchCreateOrdersRequest, BatchCreateOrdersResponse,
};
use kalshi::model::order_entry::{
    AmendOrderRequest, AmendOrderResponse, CancelOrderParams, CancelOrderResponse,
    CreateOrderRequest, CreateOrderResponse, Decrease as WireDecrease, DecreaseOrderRequest,
    DecreaseOrderResponse,
};
use kalshi::model::portfolio::SubaccountParams;

use crate::engine::{AmendRequest, Decrease, Engine, Order, OrderOutcome, OrderRequest, Outcome};
use crate::ids::{OrderId, UserId};
use crate::server::archive::Shelf;
use crate::server::auth::Caller;
use crate::server::convert;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{JsonBody, PathParam, QueryParams};
use crate::server::order_groups::GroupError;
use crate::server::pagination::{self, PageRequest};
use crate::server::rest::portfolio::check_scope;
use crate::server::state::{SharedState, SimState};

/// Most orders one batch request may carry.
pub const MAX_BATCH: usize = 1000;

/// Parses an order id from a path; ids this exchange never issued are simply unknown.
fn order_id(text: &str) -> ApiResult<OrderId> {
    convert::parse_order_id(text)
        .ok_or_else(|| ApiError::not_found(format!("no order with id {text:?}")))
}

fn group_error(e: GroupError) -> ApiError {
    match e {
        GroupError::NotFound(_) => ApiError::not_found(e.to_string()),
        GroupError::Triggered(_) => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_order", "invalid order")
                .with_details(e.to_string())
        }
        GroupError::BadLimit => ApiError::invalid_parameters(e.to_string()),
    }
}

/// The wire order, with the group it joined.
fn wire_order(state: &SimState, o: &Order) -> kalshi::model::order::Order {
    let group = state.groups().group_of(o.id).map(str::to_owned);
    convert::order(o, group)
}

/// `GET /portfolio/orders`: newest first.
pub(crate) async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<GetOrdersParams>,
) -> ApiResult<Json<GetOrdersResponse>> {
    list_orders(&state, &caller, &params, Shelf::Live)
}

/// The caller's orders on one side of the cutoff, newest first (`GET /portfolio/orders`
/// and `GET /historical/orders`).
pub(crate) fn list_orders(
    state: &SharedState,
    caller: &Caller,
    params: &GetOrdersParams,
    shelf: Shelf,
) -> ApiResult<Json<GetOrdersResponse>> {
    check_scope(params.subaccount, params.exchange_index)?;
    let kind = shelf.cursor_kind("orders");
    let req = PageRequest::standard(&kind, params.limit, params.cursor.as_deref())?;
    let cutoff = state.archive.cutoff();
    state.read(|engine, _| {
        let mut orders: Vec<&Order> = engine
            .orders_of(caller.user)
            .filter(|o| {
                shelf.holds(cutoff.order_archived(o))
                    && params.ticker.as_ref().is_none_or(|t| **t == *o.ticker)
                    && params
                        .status
                        .is_none_or(|s| s == convert::order_status(o.status))
                    && (params.event_ticker.is_empty()
                        || engine
                            .market_by_id(o.market)
                            .is_some_and(|m| params.event_ticker.contains(&m.spec().event_ticker)))
                    && params
                        .min_ts
                        .is_none_or(|min| convert::secs_of(o.created_ms) >= min)
                    && params
                        .max_ts
                        .is_none_or(|max| convert::secs_of(o.created_ms) <= max)
            })
            .collect();
        orders.sort_by_key(|o| std::cmp::Reverse(o.id));
        let rows = orders.into_iter().map(|o| (o.id.0, o));
        let (page, cursor) = pagination::page(&kind, req, rows, pagination::descending);
        Ok(Json(GetOrdersResponse {
            orders: page.into_iter().map(|o| wire_order(state, o)).collect(),
            cursor,
        }))
    })
}

/// `GET /portfolio/orders/{order_id}`: 404 once the order is archived (Kalshi serves it
/// only in `GET /historical/orders` then).
pub(crate) async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<GetOrderResponse>> {
    let id = order_id(&id)?;
    let cutoff = state.archive.cutoff();
    state.read(|engine, _| {
        let o = engine.order(caller.user, id)?;
        if cutoff.order_archived(o) {
            // The same answer as an order this exchange never had.
            return Err(crate::SimError::OrderNotFound(id.to_string()).into());
        }
        Ok(Json(GetOrderResponse {
            order: wire_order(&state, o),
        }))
    })
}

/// `GET /portfolio/orders/{order_id}/queue_position`.
pub(crate) async fn queue_position(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<GetOrderQueuePositionResponse>> {
    let id = order_id(&id)?;
    state.read(|engine, _| {
        Ok(Json(GetOrderQueuePositionResponse {
            queue_position_fp: engine.queue_position(caller.user, id)?,
        }))
    })
}

/// `GET /portfolio/orders/queue_positions`: the caller's resting orders in the named
/// markets (or event).
pub(crate) async fn queue_positions(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<GetQueuePositionsParams>,
) -> ApiResult<Json<GetOrderQueuePositionsResponse>> {
    check_scope(params.subaccount, None)?;
    if params.market_tickers.is_empty() && params.event_ticker.is_none() {
        return Err(ApiError::invalid_parameters(
            "market_tickers or event_ticker is required",
        ));
    }
    state.read(|engine, _| {
        let queue_positions = engine
            .orders_of(caller.user)
            .filter(|o| o.is_resting())
            .filter(|o| {
                params.market_tickers.iter().any(|t| **t == *o.ticker)
                    || params.event_ticker.as_ref().is_some_and(|e| {
                        engine
                            .market_by_id(o.market)
                            .is_some_and(|m| m.spec().event_ticker == *e)
                    })
            })
            .map(|o| {
                Ok(OrderQueuePosition {
                    order_id: o.id.to_uuid().to_string(),
                    market_ticker: o.ticker.to_string(),
                    queue_position_fp: engine.queue_position(caller.user, o.id)?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(Json(GetOrderQueuePositionsResponse { queue_positions }))
    })
}

/// A V2 create request in engine terms.
fn order_request(req: &CreateOrderRequest) -> ApiResult<OrderRequest> {
    check_scope(req.subaccount, req.exchange_index)?;
    let expiration_ms = match req.expiration_time {
        None => None,
        Some(s) => Some(
            s.checked_mul(1000)
                .ok_or_else(|| ApiError::invalid_parameters("expiration_time is out of range"))?,
        ),
    };
    Ok(OrderRequest {
        ticker: req.ticker.clone(),
        side: convert::engine_side(req.side),
        price: req.price,
        count: req.count,
        time_in_force: convert::engine_tif(req.time_in_force),
        self_trade_prevention: convert::engine_stp(req.self_trade_prevention_type),
        client_order_id: req.client_order_id.clone(),
        expiration_ms,
        post_only: req.post_only.unwrap_or(false),
        reduce_only: req.reduce_only.unwrap_or(false),
        cancel_order_on_pause: req.cancel_order_on_pause.unwrap_or(false),
        buy_max_cost: None,
    })
}

/// Places one order (inside the engine lock): checks its group, places it, joins it.
fn place(
    state: &SimState,
    engine: &mut Engine,
    user: UserId,
    req: &CreateOrderRequest,
    now: i64,
) -> ApiResult<Outcome<OrderOutcome>> {
    let engine_req = order_request(req)?;
    if let Some(group) = &req.order_group_id {
        state
            .groups()
            .check_joinable(user, group)
            .map_err(group_error)?;
    }
    let out = engine.create_order(user, &engine_req, now)?;
    if let Some(group) = &req.order_group_id {
        state.groups().join(group, out.value.order.id);
    }
    Ok(out)
}

fn created(o: &OrderOutcome) -> CreateOrderResponse {
    CreateOrderResponse {
        order_id: o.order.id.to_uuid().to_string(),
        client_order_id: o.order.client_order_id.as_deref().map(str::to_owned),
        fill_count: o.fill_count,
        remaining_count: o.remaining_count,
        average_fill_price: o.average_fill_price.map(Money::from),
        average_fee_paid: o.average_fee_paid,
        ts_ms: o.ts_ms,
    }
}

/// `POST /portfolio/events/orders` → 201.
pub(crate) async fn create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    JsonBody(req): JsonBody<CreateOrderRequest>,
) -> ApiResult<(StatusCode, Json<CreateOrderResponse>)> {
    let out = state.mutate(|engine, now| place(&state, engine, caller.user, &req, now))?;
    tracing::debug!(order = %out.order.id, ticker = %req.ticker, "order created");
    Ok((StatusCode::CREATED, Json(created(&out))))
}

/// `POST /portfolio/events/orders/batched` → 201, one result per order.
pub(crate) async fn batch_create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    JsonBody(req): JsonBody<BatchCreateOrdersRequest>,
) -> ApiResult<(StatusCode, Json<BatchCreateOrdersResponse>)> {
    if req.orders.is_empty() || req.orders.len() > MAX_BATCH {
        return Err(ApiError::invalid_parameters(format!(
            "a batch holds between 1 and {MAX_BATCH} orders"
        )));
    }
    let orders = state.mutate(|engine, now| -> ApiResult<_> {
        let mut events = Vec::new();
        let results = req
            .orders
            .iter()
            .map(|item| match place(&state, engine, caller.user, item, now) {
                Ok(Outcome { value, events: ev }) => {
                    events.extend(ev);
                    let c = created(&value);
                    BatchCreateOrderResult {
                        order_id: Some(c.order_id),
                        client_order_id: c.client_order_id,
                        fill_count: Some(c.fill_count),
                        remaining_count: Some(c.remaining_count),
                        average_fill_price: c.average_fill_price,
                        average_fee_paid: c.average_fee_paid,
                        ts_ms: Some(c.ts_ms),
                        error: None,
                    }
                }
                Err(e) => BatchCreateOrderResult {
                    order_id: None,
                    client_order_id: item.client_order_id.clone(),
                    fill_count: None,
                    remaining_count: None,
                    average_fill_price: None,
                    average_fee_paid: None,
                    ts_ms: None,
                    error: Some(e.to_flat()),
                },
            })
            .collect();
        Ok(Outcome {
            value: results,
            events,
        })
    })?;
    Ok((
        StatusCode::CREATED,
        Json(BatchCreateOrdersResponse { orders }),
    ))
}

/// `DELETE /portfolio/events/orders/{order_id}`.
pub(crate) async fn cancel(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
    QueryParams(params): QueryParams<CancelOrderParams>,
) -> ApiResult<Json<CancelOrderResponse>> {
    check_scope(params.subaccount, params.exchange_index)?;
    let id = order_id(&id)?;
    let out = state.mutate(|engine, now| engine.cancel_order(caller.user, id, now))?;
    Ok(Json(CancelOrderResponse {
        order_id: out.order.id.to_uuid().to_string(),
        client_order_id: out.order.client_order_id.as_deref().map(str::to_owned),
        reduced_by: out.reduced_by,
        ts_ms: out.ts_ms,
    }))
}

/// `DELETE /portfolio/events/orders/batched` (a JSON body on DELETE).
pub(crate) async fn batch_cancel(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    JsonBody(req): JsonBody<BatchCancelOrdersRequest>,
) -> ApiResult<Json<BatchCancelOrdersResponse>> {
    if req.orders.is_empty() || req.orders.len() > MAX_BATCH {
        return Err(ApiError::invalid_parameters(format!(
            "a batch holds between 1 and {MAX_BATCH} orders"
        )));
    }
    let orders = state.mutate(|engine, now| -> ApiResult<_> {
        let mut events = Vec::new();
        let results = req
            .orders
            .iter()
            .map(|item| {
                let one = check_scope(item.subaccount, item.exchange_index)
                    .and_then(|()| order_id(&item.order_id))
                    .and_then(|id| Ok(engine.cancel_order(caller.user, id, now)?));
                match one {
                    Ok(Outcome { value, events: ev }) => {
                        events.extend(ev);
                        BatchCancelOrderResult {
                            order_id: item.order_id.clone(),
                            client_order_id: value
                                .order
                                .client_order_id
                                .as_deref()
                                .map(str::to_owned),
                            reduced_by: Some(value.reduced_by),
                            ts_ms: Some(value.ts_ms),
                            error: None,
                        }
                    }
                    Err(e) => BatchCancelOrderResult {
                        order_id: item.order_id.clone(),
                        client_order_id: None,
                        reduced_by: None,
                        ts_ms: None,
                        error: Some(e.to_flat()),
                    },
                }
            })
            .collect();
        Ok(Outcome {
            value: results,
            events,
        })
    })?;
    Ok(Json(BatchCancelOrdersResponse { orders }))
}

/// `DELETE /portfolio/events/orders` → 204: cancels every resting order of the caller.
pub(crate) async fn cancel_all(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<SubaccountParams>,
) -> ApiResult<StatusCode> {
    check_scope(params.subaccount, params.exchange_index)?;
    state.mutate(|engine, now| -> ApiResult<_> {
        let ids: Vec<OrderId> = engine
            .orders_of(caller.user)
            .filter(|o| o.is_resting())
            .map(|o| o.id)
            .collect();
        let out = engine.batch_cancel(caller.user, &ids, now);
        Ok(Outcome {
            value: (),
            events: out.events,
        })
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /portfolio/events/orders/{order_id}/amend`.
pub(crate) async fn amend(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
    QueryParams(params): QueryParams<SubaccountParams>,
    JsonBody(req): JsonBody<AmendOrderRequest>,
) -> ApiResult<Json<AmendOrderResponse>> {
    check_scope(params.subaccount, req.exchange_index)?;
    let id = order_id(&id)?;
    let amend = AmendRequest {
        ticker: req.ticker.clone(),
        side: convert::engine_side(req.side),
        price: req.price,
        count: req.count,
        client_order_id: req.client_order_id.clone(),
        updated_client_order_id: req.updated_client_order_id.clone(),
    };
    let out = state.mutate(|engine, now| engine.amend_order(caller.user, id, &amend, now))?;
    let traded = !out.fill_count.is_zero();
    Ok(Json(AmendOrderResponse {
        order_id: out.order.id.to_uuid().to_string(),
        client_order_id: out.order.client_order_id.as_deref().map(str::to_owned),
        remaining_count: Some(out.remaining_count),
        fill_count: traded.then_some(out.fill_count),
        average_fill_price: out.average_fill_price.map(Money::from),
        average_fee_paid: out.average_fee_paid,
        ts_ms: out.ts_ms,
    }))
}

/// `POST /portfolio/events/orders/{order_id}/decrease`.
pub(crate) async fn decrease(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
    QueryParams(params): QueryParams<SubaccountParams>,
    JsonBody(req): JsonBody<DecreaseOrderRequest>,
) -> ApiResult<Json<DecreaseOrderResponse>> {
    check_scope(params.subaccount, req.exchange_index)?;
    let id = order_id(&id)?;
    let decrease = match req.decrease {
        WireDecrease::By(c) => Decrease::By(c),
        WireDecrease::To(c) => Decrease::To(c),
    };
    let out = state.mutate(|engine, now| engine.decrease_order(caller.user, id, decrease, now))?;
    Ok(Json(DecreaseOrderResponse {
        order_id: out.id.to_uuid().to_string(),
        client_order_id: out.client_order_id.as_deref().map(str::to_owned),
        remaining_count: out.remaining_count,
        ts_ms: out.last_update_ms,
    }))
}

/// Every V1 order mutation under `/portfolio/orders`: retired by Kalshi, answered 410.
pub(crate) async fn v1_gone() -> ApiError {
    ApiError::deprecated_v1()
}
