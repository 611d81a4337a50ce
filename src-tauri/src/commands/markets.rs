//! The markets list.

use ipc::commands::markets::{ListMarkets, MarketPage};
use tauri::{AppHandle, Manager, Runtime};

use super::CmdResult;
use crate::state::AppState;

/// One page of markets: the cache, refreshed first when online and old.
#[tauri::command]
pub async fn list_markets<R: Runtime>(
    app: AppHandle<R>,
    request: ListMarkets,
) -> CmdResult<MarketPage> {
    let state = app.state::<AppState>();
    Ok(state.session().await?.list_markets(&request).await?)
}
