//! Fill and order history pages, and CSV export.

use desk_core::ipc_view;
use ipc::commands::history::{ExportCsv, ExportedCsv, FillHistory, FillView, OrderHistory, Page};
use ipc::commands::orders::OrderView;
use tauri::{AppHandle, Manager, Runtime};

use super::CmdResult;
use crate::state::AppState;

/// One page of fills, newest first.
#[tauri::command]
pub async fn fill_history<R: Runtime>(
    app: AppHandle<R>,
    request: FillHistory,
) -> CmdResult<Page<FillView>> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let filter = ipc_view::fill_filter(&request.filter)?;
    let page = ipc_view::page_request(&request.page)?;
    Ok(ipc_view::fill_page(
        session.fill_history(&filter, &page).await?,
    ))
}

/// One page of orders, newest first.
#[tauri::command]
pub async fn order_history<R: Runtime>(
    app: AppHandle<R>,
    request: OrderHistory,
) -> CmdResult<Page<OrderView>> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    let filter = ipc_view::order_filter(&request.filter)?;
    let page = ipc_view::page_request(&request.page)?;
    Ok(ipc_view::order_page(
        session.order_history(&filter, &page).await?,
    ))
}

/// Writes a filtered history as CSV to the file picked in the save dialog.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub async fn export_csv<R: Runtime>(
    app: AppHandle<R>,
    request: ExportCsv,
) -> CmdResult<ExportedCsv> {
    let state = app.state::<AppState>();
    Ok(state.session().await?.export_csv(&request).await?)
}
