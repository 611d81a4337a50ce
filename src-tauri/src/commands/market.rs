//! One market: its page, live views over a channel, candles and trades.

use ipc::commands::market::{
    CandleSeries, Candles, CloseMarketView, GetMarket, MarketDetail, MarketUpdate, OpenMarketView,
    RecentTrades, TradeView, ViewId, ViewSnapshot,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State, Webview};

use super::CmdResult;
use crate::state::AppState;

/// A market's rules, grid and figures.
#[tauri::command]
pub async fn get_market<R: Runtime>(
    app: AppHandle<R>,
    request: GetMarket,
) -> CmdResult<MarketDetail> {
    let state = app.state::<AppState>();
    Ok(state
        .session()
        .await?
        .market_detail(&request.ticker)
        .await?)
}

/// Opens a live view of a market; its updates go to `channel`.
#[tauri::command]
pub async fn open_market_view<R: Runtime>(
    state: State<'_, AppState>,
    webview: Webview<R>,
    request: OpenMarketView,
    channel: Channel<MarketUpdate>,
) -> CmdResult<ViewId> {
    let session = state.session().await?;
    if let Err(e) = session.market(&request.ticker).await {
        // An unknown market is refused; offline, the view opens and waits.
        if !e.is_retryable() {
            return Err(e.into());
        }
    }
    let view = session.watch_market(&request.ticker)?;
    Ok(state.views.open(webview.label(), view, channel))
}

/// Closes a view (an already closed one is fine).
#[tauri::command]
pub async fn close_market_view<R: Runtime>(
    app: AppHandle<R>,
    request: CloseMarketView,
) -> CmdResult {
    let state = app.state::<AppState>();
    state.views.close(request.view_id);
    Ok(())
}

/// The view's latest state, for the UI that saw a gap in `seq`.
#[tauri::command]
pub async fn view_snapshot<R: Runtime>(
    app: AppHandle<R>,
    request: ViewSnapshot,
) -> CmdResult<MarketUpdate> {
    let state = app.state::<AppState>();
    state.views.snapshot(request.view_id)
}

/// The candlestick chart's data.
#[tauri::command]
pub async fn candles<R: Runtime>(app: AppHandle<R>, request: Candles) -> CmdResult<CandleSeries> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    Ok(session.candles(&request.ticker, request.range).await?)
}

/// The time-and-sales tape.
#[tauri::command]
pub async fn recent_trades<R: Runtime>(
    app: AppHandle<R>,
    request: RecentTrades,
) -> CmdResult<Vec<TradeView>> {
    let state = app.state::<AppState>();
    let session = state.session().await?;
    Ok(session
        .recent_trades(&request.ticker, request.limit)
        .await?)
}
