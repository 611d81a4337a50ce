//! `/portfolio/order_groups*`: create, list, get, delete, reset, trigger and change the
//! limit of order groups (the state lives in `server::order_groups`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use kalshi::model::Count;
use kalshi::model::order_group::{
    CreateOrderGroupRequest, CreateOrderGroupResponse, GetOrderGroupResponse,
    GetOrderGroupsResponse, OrderGroup, UpdateOrderGroupLimitRequest,
};
use kalshi::model::portfolio::SubaccountParams;

use crate::engine::Outcome;
use crate::ids::{OrderId, UserId};
use crate::server::auth::Caller;
use crate::server::convert::EXCHANGE_INDEX;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{JsonBody, PathParam, QueryParams};
use crate::server::order_groups::{Group, GroupError};
use crate::server::rest::portfolio::check_scope;
use crate::server::state::{SharedState, SimState};

fn group_error(e: GroupError) -> ApiError {
    match e {
        GroupError::NotFound(_) => ApiError::not_found(e.to_string()),
        _ => ApiError::invalid_parameters(e.to_string()),
    }
}

/// The limit from `contracts_limit` (whole contracts) or `contracts_limit_fp`.
fn limit(whole: Option<i64>, fp: Option<Count>) -> ApiResult<Count> {
    match (whole, fp) {
        (Some(n), None) => Ok(Count::from_contracts(n)),
        (None, Some(c)) => Ok(c),
        (Some(n), Some(c)) if Count::from_contracts(n) == c => Ok(c),
        _ => Err(ApiError::invalid_parameters(
            "give contracts_limit or contracts_limit_fp (equal if both)",
        )),
    }
}

fn wire(g: &Group) -> OrderGroup {
    OrderGroup {
        id: g.id.clone(),
        contracts_limit_fp: Some(g.limit),
        is_auto_cancel_enabled: true,
        exchange_index: Some(EXCHANGE_INDEX),
    }
}

/// Cancels `ids` (the caller's group orders) and publishes the cancellations.
fn cancel_orders(state: &SimState, user: UserId, ids: Vec<OrderId>) {
    if ids.is_empty() {
        return;
    }
    let _ = state.mutate(|engine, now| -> Result<_, ApiError> {
        let out = engine.batch_cancel(user, &ids, now);
        Ok(Outcome {
            value: (),
            events: out.events,
        })
    });
}

/// `POST /portfolio/order_groups/create` → 201.
pub(crate) async fn create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    JsonBody(req): JsonBody<CreateOrderGroupRequest>,
) -> ApiResult<(StatusCode, Json<CreateOrderGroupResponse>)> {
    check_scope(req.subaccount, req.exchange_index)?;
    let limit = limit(req.contracts_limit, req.contracts_limit_fp)?;
    let id = state
        .groups()
        .create(caller.user, limit)
        .map_err(group_error)?;
    Ok((
        StatusCode::CREATED,
        Json(CreateOrderGroupResponse {
            order_group_id: id,
            subaccount: 0,
            exchange_index: Some(EXCHANGE_INDEX),
        }),
    ))
}

/// `GET /portfolio/order_groups`.
pub(crate) async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    QueryParams(params): QueryParams<SubaccountParams>,
) -> ApiResult<Json<GetOrderGroupsResponse>> {
    check_scope(params.subaccount, params.exchange_index)?;
    let order_groups = state
        .groups()
        .list(caller.user)
        .into_iter()
        .map(wire)
        .collect();
    Ok(Json(GetOrderGroupsResponse { order_groups }))
}

/// `GET /portfolio/order_groups/{id}`.
pub(crate) async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<GetOrderGroupResponse>> {
    let groups = state.groups();
    let g = groups.get(caller.user, &id).map_err(group_error)?;
    Ok(Json(GetOrderGroupResponse {
        is_auto_cancel_enabled: true,
        contracts_limit_fp: Some(g.limit),
        orders: g.orders.iter().map(|o| o.to_uuid().to_string()).collect(),
        exchange_index: Some(EXCHANGE_INDEX),
    }))
}

/// `DELETE /portfolio/order_groups/{id}`: cancels the group's orders and forgets it.
pub(crate) async fn delete(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let ids = state
        .groups()
        .delete(caller.user, &id)
        .map_err(group_error)?;
    cancel_orders(&state, caller.user, ids);
    Ok(Json(serde_json::json!({})))
}

/// `PUT /portfolio/order_groups/{id}/reset`.
pub(crate) async fn reset(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<serde_json::Value>> {
    state
        .groups()
        .reset(caller.user, &id)
        .map_err(group_error)?;
    Ok(Json(serde_json::json!({})))
}

/// `PUT /portfolio/order_groups/{id}/trigger`: cancels the group's resting orders.
pub(crate) async fn trigger(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let ids = state
        .groups()
        .trigger(caller.user, &id)
        .map_err(group_error)?;
    cancel_orders(&state, caller.user, ids);
    Ok(Json(serde_json::json!({})))
}

/// `PUT /portfolio/order_groups/{id}/limit`.
pub(crate) async fn set_limit(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    PathParam(id): PathParam<String>,
    JsonBody(req): JsonBody<UpdateOrderGroupLimitRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let limit = limit(req.contracts_limit, req.contracts_limit_fp)?;
    let now = state.clock.now_ms();
    let ids = state
        .groups()
        .set_limit(caller.user, &id, limit, now)
        .map_err(group_error)?;
    cancel_orders(&state, caller.user, ids);
    Ok(Json(serde_json::json!({})))
}
