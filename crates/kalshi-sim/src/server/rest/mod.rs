//! The REST API under `/trade-api/v2`: one module per domain, assembled here with the
//! public routes (credentials optional), the authenticated ones, and the fault and
//! pause middleware.

mod account;
mod candlesticks;
mod events;
mod exchange;
mod historical;
mod markets;
mod order_groups;
mod orders;
pub(crate) mod portfolio;
mod series;

pub use account::UsageTier;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post, put};

use super::auth;
use super::error::ApiError;
use super::faults;
use super::state::SharedState;

/// Kalshi-shaped 404 for paths the API does not have.
pub(crate) async fn unknown_route() -> ApiError {
    ApiError::not_found("no such endpoint")
}

/// Kalshi-shaped 405 for known paths with the wrong method.
pub(crate) async fn wrong_method() -> ApiError {
    ApiError::method_not_allowed()
}

/// The router nested at `/trade-api/v2`.
pub(crate) fn router(state: SharedState) -> Router<SharedState> {
    let public = Router::new()
        .route("/exchange/status", get(exchange::status))
        .route("/exchange/schedule", get(exchange::schedule))
        .route("/markets", get(markets::list))
        .route("/markets/trades", get(markets::trades))
        .route("/markets/orderbooks", get(markets::orderbooks))
        .route("/markets/candlesticks", get(candlesticks::batch))
        .route("/markets/{ticker}", get(markets::get))
        .route("/markets/{ticker}/orderbook", get(markets::orderbook))
        .route(
            "/series/{series_ticker}/markets/{ticker}/candlesticks",
            get(candlesticks::one),
        )
        .route("/series", get(series::list))
        .route("/series/{series_ticker}", get(series::get))
        .route("/events", get(events::list))
        .route("/events/{event_ticker}", get(events::get))
        .route("/historical/cutoff", get(historical::cutoff))
        .route("/historical/markets", get(historical::markets))
        .route("/historical/markets/{ticker}", get(historical::market))
        .route_layer(from_fn_with_state(state.clone(), auth::optional_auth));

    let private = Router::new()
        .route(
            "/exchange/user_data_timestamp",
            get(exchange::user_data_timestamp),
        )
        .route("/account/limits", get(account::limits))
        .route("/portfolio/balance", get(portfolio::balance))
        .route("/portfolio/positions", get(portfolio::positions))
        .route("/portfolio/fills", get(portfolio::fills))
        .route("/portfolio/settlements", get(portfolio::settlements))
        .route("/historical/fills", get(historical::fills))
        .route("/historical/orders", get(historical::orders))
        .route("/portfolio/orders", get(orders::list).post(orders::v1_gone))
        .route(
            "/portfolio/orders/batched",
            post(orders::v1_gone).delete(orders::v1_gone),
        )
        .route(
            "/portfolio/orders/queue_positions",
            get(orders::queue_positions),
        )
        .route(
            "/portfolio/orders/{order_id}",
            get(orders::get).delete(orders::v1_gone),
        )
        .route("/portfolio/orders/{order_id}/amend", post(orders::v1_gone))
        .route(
            "/portfolio/orders/{order_id}/decrease",
            post(orders::v1_gone),
        )
        .route(
            "/portfolio/orders/{order_id}/queue_position",
            get(orders::queue_position),
        )
        .route(
            "/portfolio/events/orders",
            post(orders::create).delete(orders::cancel_all),
        )
        .route(
            "/portfolio/events/orders/batched",
            post(orders::batch_create).delete(orders::batch_cancel),
        )
        .route(
            "/portfolio/events/orders/{order_id}",
            delete(orders::cancel),
        )
        .route(
            "/portfolio/events/orders/{order_id}/amend",
            post(orders::amend),
        )
        .route(
            "/portfolio/events/orders/{order_id}/decrease",
            post(orders::decrease),
        )
        .route("/portfolio/order_groups", get(order_groups::list))
        .route("/portfolio/order_groups/create", post(order_groups::create))
        .route(
            "/portfolio/order_groups/{id}",
            get(order_groups::get).delete(order_groups::delete),
        )
        .route(
            "/portfolio/order_groups/{id}/reset",
            put(order_groups::reset),
        )
        .route(
            "/portfolio/order_groups/{id}/trigger",
            put(order_groups::trigger),
        )
        .route(
            "/portfolio/order_groups/{id}/limit",
            put(order_groups::set_limit),
        )
        .route_layer(from_fn_with_state(
            state.clone(),
            faults::refuse_when_paused,
        ))
        .route_layer(from_fn_with_state(state.clone(), auth::require_auth));

    public
        .merge(private)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(from_fn_with_state(state, faults::inject))
}
