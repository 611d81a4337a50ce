//! The portfolio page: balance, positions, P&L, value series, settlements.

use ipc::commands::portfolio::{
    GetPortfolio, MarketPnl, PnlByMarket, PortfolioHistory, PortfolioSeries, PortfolioView,
    SettlementView, Settlements,
};
use tauri::{AppHandle, Manager, Runtime};

use super::CmdResult;
use crate::state::AppState;

/// Balance, value and marked positions.
#[tauri::command]
pub async fn get_portfolio<R: Runtime>(
    app: AppHandle<R>,
    request: GetPortfolio,
) -> CmdResult<PortfolioView> {
    let state = app.state::<AppState>();
    let _ = request;
    Ok(state.session().await?.portfolio_view().await?)
}

/// P&L per market.
#[tauri::command]
pub async fn pnl_by_market<R: Runtime>(
    app: AppHandle<R>,
    request: PnlByMarket,
) -> CmdResult<Vec<MarketPnl>> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    Ok(session.pnl_by_market(request.tickers.as_deref()).await?)
}

/// The value and P&L charts.
#[tauri::command]
pub async fn portfolio_series<R: Runtime>(
    app: AppHandle<R>,
    request: PortfolioSeries,
) -> CmdResult<PortfolioHistory> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    Ok(session
        .portfolio_history(request.from_ms, request.until_ms)
        .await?)
}

/// Settled positions.
#[tauri::command]
pub async fn settlements<R: Runtime>(
    app: AppHandle<R>,
    request: Settlements,
) -> CmdResult<Vec<SettlementView>> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    Ok(session
        .settlement_views(request.from_ms, request.until_ms)
        .await?)
}
