//! Order entry and the orders page.

use desk_core::ipc_view;
use ipc::commands::orders::{
    AmendOrder, CancelAll, CancelAllReport, CancelOrder, DecreaseOrder, OrderList, PlaceOrder,
    PlacedOrder, RestingOrders, RetryOrder,
};
use tauri::{AppHandle, Manager, Runtime};

use super::CmdResult;
use crate::state::AppState;

/// Validates and places an order.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn place_order<R: Runtime>(
    app: AppHandle<R>,
    request: PlaceOrder,
) -> CmdResult<PlacedOrder> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let ticket = ipc_view::ticket(&request.ticket)?;
    Ok(ipc_view::placed_order(session.place_order(ticket).await?))
}

/// Changes a resting order's price and size.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn amend_order<R: Runtime>(app: AppHandle<R>, request: AmendOrder) -> CmdResult {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    Ok(session
        .amend_order(&request.order_id, request.yes_price, request.total_count)
        .await?)
}

/// Shrinks a resting order, keeping its queue place.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn decrease_order<R: Runtime>(app: AppHandle<R>, request: DecreaseOrder) -> CmdResult {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let decrease = ipc_view::decrease(request.decrease);
    Ok(session.decrease_order(&request.order_id, decrease).await?)
}

/// Cancels a resting order.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn cancel_order<R: Runtime>(app: AppHandle<R>, request: CancelOrder) -> CmdResult {
    let state = app.state::<AppState>();
    Ok(state
        .session()
        .await?
        .cancel_order(&request.order_id)
        .await?)
}

/// Cancels every resting order, or one market's.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn cancel_all<R: Runtime>(
    app: AppHandle<R>,
    request: CancelAll,
) -> CmdResult<CancelAllReport> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let report = session.cancel_all_orders(request.ticker.as_deref()).await?;
    Ok(ipc_view::cancel_all_report(report))
}

/// The resting, pending and unconfirmed orders (from the store: works offline).
#[tauri::command]
pub async fn resting_orders<R: Runtime>(
    app: AppHandle<R>,
    request: RestingOrders,
) -> CmdResult<OrderList> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let resting = session.resting_orders(request.ticker.as_deref()).await?;
    let orders = resting.into_iter().map(ipc_view::order_row_view).collect();
    let pending = session.pending_orders();
    let unconfirmed = session.unconfirmed_orders();
    Ok(ipc_view::order_list(orders, &pending, &unconfirmed))
}

/// Resends an unconfirmed order under its own id.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn retry_order<R: Runtime>(
    app: AppHandle<R>,
    request: RetryOrder,
) -> CmdResult<PlacedOrder> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let placed = session.retry_unconfirmed(&request.client_order_id).await?;
    Ok(ipc_view::placed_order(placed))
}
