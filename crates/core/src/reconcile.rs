//! Catch-up over REST, at start and after every reconnect: fills, orders and settlements
//! since the stored cursors (minus an overlap), resting orders, positions and balance.
//! Everything goes through the idempotent upserts, so data also seen on the WebSocket is
//! stored and announced once. Cursors move only after the data they cover is stored.

use std::collections::HashSet;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use kalshi::model::fill::{Fill, GetFillsParams};
use kalshi::model::historical::HistoricalRangeParams;
use kalshi::model::order::{GetOrdersParams, Order, OrderStatus};
use kalshi::model::settlement::GetSettlementsParams;
use store::{OrderFilter, PageRequest};
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::error::CoreError;
use crate::event::{AppEvent, FillOrigin, HistoryImport, SyncSummary};
use crate::portfolio;
use crate::record;
use crate::shared::Shared;

/// Cursor names in the store.
const FILLS: &str = "fills";
const ORDERS: &str = "orders";
const SETTLEMENTS: &str = "settlements";

/// Page size of the catch-up listings (the API's maximum).
const PAGE: u32 = 1000;

/// Stored resting orders checked one by one when the exchange no longer lists them as
/// resting (they filled or were cancelled while we were away).
const MAX_VANISHED_CHECKS: usize = 200;

/// Longest wait between attempts of a failing catch-up.
const MAX_RETRY: Duration = Duration::from_secs(30);

/// Failures in a row before the person is told (retryable ones; others at once).
const TELL_AFTER: u32 = 3;

/// One full catch-up. A key's first one imports the account's history, announced by one
/// [`AppEvent::HistoryImported`] (also when a later step fails: what it stored stays).
pub(crate) async fn catch_up(shared: &Shared) -> Result<SyncSummary, CoreError> {
    let mut import = HistoryImport::default();
    let result = steps(shared, &mut import).await;
    if import != HistoryImport::default() {
        tracing::info!(?import, "imported the account's history");
        shared.emit(AppEvent::HistoryImported(import));
    }
    let summary = result?;
    tracing::info!(?summary, "caught up with the exchange");
    Ok(summary)
}

async fn steps(shared: &Shared, import: &mut HistoryImport) -> Result<SyncSummary, CoreError> {
    let new_fills = sync_fills(shared, import).await?;
    let changed_orders = sync_orders(shared, import).await?;
    let changed_settlements = sync_settlements(shared).await?;
    let changed_positions = portfolio::refresh(shared).await?;
    if let Err(e) = portfolio::snapshot(shared, false).await {
        // Not worth failing the catch-up: the snapshot stays owed and is retried.
        tracing::warn!(error = %e, "portfolio snapshot after a catch-up failed");
    }
    Ok(SyncSummary {
        new_fills,
        changed_orders,
        changed_positions,
        changed_settlements,
        at: OffsetDateTime::now_utc(),
    })
}

/// Runs a catch-up whenever woken; retries a failing one with backoff until it succeeds,
/// fails for good, or is woken again.
pub(crate) async fn run(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = crate::shared::stopped(&mut shutdown) => return,
            () = shared.reconcile.notified() => {}
        }
        let mut delay = shared.tuning.reconcile_retry;
        let mut failures = 0u32;
        loop {
            let epoch = shared.epoch();
            let result = tokio::select! {
                () = crate::shared::stopped(&mut shutdown) => return,
                r = catch_up(&shared) => r,
            };
            match result {
                Ok(summary) => {
                    if shared.status_now().syncs == 0 {
                        // The exchange answered: its limits are worth reading now.
                        crate::tier::adopt_account_tier(&shared).await;
                    }
                    shared.synced(summary.at, epoch);
                    shared.emit(AppEvent::Synced(summary));
                    crate::orders::settle_all(&shared).await;
                    break;
                }
                Err(e) => {
                    failures += 1;
                    let retryable = e.is_retryable();
                    tracing::warn!(error = %e, failures, "catch-up failed");
                    if !retryable || failures == TELL_AFTER {
                        shared.emit_error(&e);
                    }
                    if !retryable {
                        break;
                    }
                    tokio::select! {
                        () = crate::shared::stopped(&mut shutdown) => return,
                        () = tokio::time::sleep(delay) => {}
                        () = shared.reconcile.notified() => {}
                    }
                    delay = (delay * 2).min(MAX_RETRY);
                }
            }
        }
    }
}

/// Reads a cursor stored as Unix seconds.
async fn cursor(shared: &Shared, stream: &str) -> Result<Option<i64>, CoreError> {
    let stored = shared.store.cursor(&shared.scope, stream).await?;
    Ok(stored.and_then(|c| match c.value.parse::<i64>() {
        Ok(secs) => Some(secs),
        Err(_) => {
            tracing::warn!(stream, value = %c.value, "unreadable cursor; syncing from the start");
            None
        }
    }))
}

/// The `min_ts` to ask for: the cursor minus the overlap.
fn since(shared: &Shared, cursor: Option<i64>) -> Option<i64> {
    let overlap = i64::try_from(shared.tuning.reconcile_overlap.as_secs()).unwrap_or(i64::MAX);
    cursor.map(|c| c.saturating_sub(overlap).max(0))
}

async fn set_cursor(shared: &Shared, stream: &str, secs: i64) -> Result<(), CoreError> {
    shared
        .store
        .set_cursor(
            &shared.scope,
            stream,
            &secs.to_string(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(())
}

/// Fills since the cursor; returns how many were new. The first sync of a key (no
/// cursor: the account's history arriving in an empty store) also imports the fills
/// Kalshi has moved to its historical archive, and announces none of them one by one
/// (they are counted in `import`).
async fn sync_fills(shared: &Shared, import: &mut HistoryImport) -> Result<usize, CoreError> {
    let cursor = cursor(shared, FILLS).await?;
    let first = cursor.is_none();
    let mut new = 0;
    if first {
        let archived = import_archived_fills(shared).await?;
        import.fills += archived;
        new += archived;
    }
    let params = GetFillsParams {
        min_ts: since(shared, cursor),
        limit: Some(PAGE),
        ..GetFillsParams::default()
    };
    let mut pages = pin!(
        shared
            .link
            .client
            .fills_stream(params)
            .chunks(PAGE as usize)
    );
    let mut newest = cursor;
    while let Some(page) = pages.next().await {
        let fills = page.into_iter().collect::<Result<Vec<_>, _>>()?;
        let page_newest = fills
            .iter()
            .filter_map(|f| f.created_time.map(OffsetDateTime::unix_timestamp).or(f.ts))
            .max();
        newest = newest.max(page_newest);
        if first {
            let imported = record::import_fills(shared, &fills).await?;
            import.fills += imported;
            new += imported;
        } else {
            new += record::fills(shared, &fills, FillOrigin::CatchUp).await?;
        }
    }
    // Always recorded once synced (0 = "synced, no fills yet"), so later fills are never
    // mistaken for a history import.
    set_cursor(shared, FILLS, newest.unwrap_or(0)).await?;
    Ok(new)
}

/// Every fill in the historical archive (older than Kalshi's cutoff); returns how many
/// were new. An exchange without an archive (404) has none.
async fn import_archived_fills(shared: &Shared) -> Result<usize, CoreError> {
    let stream = shared.link.client.historical_fills_stream(archive_params());
    import_archive::<Fill>(shared, stream).await
}

/// Every order in the historical archive; returns how many changed.
async fn import_archived_orders(shared: &Shared) -> Result<usize, CoreError> {
    let stream = shared
        .link
        .client
        .historical_orders_stream(archive_params());
    import_archive::<Order>(shared, stream).await
}

/// The whole archive, a page at a time.
fn archive_params() -> HistoricalRangeParams {
    HistoricalRangeParams {
        limit: Some(PAGE),
        ..HistoricalRangeParams::default()
    }
}

/// What an archive listing holds, and how a page of it is stored without per-row events.
trait Archived: Sized {
    fn import(
        shared: &Shared,
        items: &[Self],
    ) -> impl std::future::Future<Output = Result<usize, CoreError>> + Send;
}

impl Archived for Fill {
    fn import(
        shared: &Shared,
        items: &[Self],
    ) -> impl std::future::Future<Output = Result<usize, CoreError>> + Send {
        record::import_fills(shared, items)
    }
}

impl Archived for Order {
    fn import(
        shared: &Shared,
        items: &[Self],
    ) -> impl std::future::Future<Output = Result<usize, CoreError>> + Send {
        record::import_orders(shared, items)
    }
}

/// Stores an archive listing page by page; the sum of what each page reports.
async fn import_archive<T: Archived>(
    shared: &Shared,
    stream: impl futures_util::Stream<Item = Result<T, kalshi::rest::Error>>,
) -> Result<usize, CoreError> {
    let mut pages = pin!(stream.chunks(PAGE as usize));
    let mut stored = 0;
    while let Some(page) = pages.next().await {
        let Some(items) = archive_page(page)? else {
            break;
        };
        stored += T::import(shared, &items).await?;
    }
    Ok(stored)
}

/// One page of an archive listing; `None` when the exchange has no archive (404).
fn archive_page<T>(page: Vec<Result<T, kalshi::rest::Error>>) -> Result<Option<Vec<T>>, CoreError> {
    match page.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(items) => Ok(Some(items)),
        Err(e) if e.status() == Some(404) => {
            tracing::debug!("the exchange has no historical archive");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Orders created since the cursor, every resting order, and stored resting orders the
/// exchange no longer lists as resting; returns how many changed. The first sync of a key
/// also imports the orders Kalshi has moved to its historical archive, and announces none
/// of its orders one by one (they are counted in `import`).
async fn sync_orders(shared: &Shared, import: &mut HistoryImport) -> Result<usize, CoreError> {
    let client = &shared.link.client;
    let cursor = cursor(shared, ORDERS).await?;
    let first = cursor.is_none();
    let mut seen = HashSet::new();
    let mut changed = 0;
    if first {
        let archived = import_archived_orders(shared).await?;
        import.orders += archived;
        changed += archived;
    }

    let recent = GetOrdersParams {
        min_ts: since(shared, cursor),
        limit: Some(PAGE),
        ..GetOrdersParams::default()
    };
    let mut newest = cursor;
    let mut pages = pin!(client.orders_stream(recent).chunks(PAGE as usize));
    while let Some(page) = pages.next().await {
        let orders = page.into_iter().collect::<Result<Vec<_>, _>>()?;
        let page_newest = orders
            .iter()
            .filter_map(|o| o.created_time.map(OffsetDateTime::unix_timestamp))
            .max();
        newest = newest.max(page_newest);
        seen.extend(orders.iter().map(|o| o.order_id.clone()));
        changed += listed_orders(shared, &orders, first.then_some(&mut *import)).await?;
    }

    let resting = GetOrdersParams {
        status: Some(OrderStatus::Resting),
        limit: Some(PAGE),
        ..GetOrdersParams::default()
    };
    let mut pages = pin!(client.orders_stream(resting).chunks(PAGE as usize));
    while let Some(page) = pages.next().await {
        let orders = page.into_iter().collect::<Result<Vec<_>, _>>()?;
        seen.extend(orders.iter().map(|o| o.order_id.clone()));
        changed += listed_orders(shared, &orders, first.then_some(&mut *import)).await?;
    }

    changed += check_vanished(shared, &seen).await?;
    // Always recorded once synced (0 = "synced, no orders yet"), so a later order is never
    // mistaken for a history import.
    set_cursor(shared, ORDERS, newest.unwrap_or(0)).await?;
    Ok(changed)
}

/// Stores listed orders: announced one by one, or counted in `import` during a first sync.
async fn listed_orders(
    shared: &Shared,
    orders: &[Order],
    import: Option<&mut HistoryImport>,
) -> Result<usize, CoreError> {
    match import {
        Some(import) => {
            let n = record::import_orders(shared, orders).await?;
            import.orders += n;
            Ok(n)
        }
        None => record::orders(shared, orders).await,
    }
}

/// Stored orders still marked resting that no listing above returned: each is read by id;
/// one the live endpoint no longer knows is looked up in the historical archive, and one
/// that is nowhere is closed as unknown, so it is not checked again on every catch-up.
async fn check_vanished(shared: &Shared, seen: &HashSet<String>) -> Result<usize, CoreError> {
    let filter = OrderFilter {
        status: Some(OrderStatus::Resting),
        ..OrderFilter::default()
    };
    let page = shared
        .store
        .order_history(&shared.scope, &filter, &PageRequest::first(store::MAX_PAGE))
        .await?;
    let vanished: Vec<(String, String)> = page
        .items
        .into_iter()
        .map(|o| (o.order_id, o.ticker))
        .filter(|(id, _)| !seen.contains(id))
        .take(MAX_VANISHED_CHECKS)
        .collect();
    let mut changed = 0;
    for (order_id, ticker) in vanished {
        match shared.link.client.order(&order_id).await {
            Ok(order) => changed += record::orders(shared, &[order]).await?,
            Err(e) if e.status() == Some(404) => {
                changed += match archived_order(shared, &order_id, &ticker).await? {
                    Some(order) => record::orders(shared, &[order]).await?,
                    None => record::order_unknown(shared, &order_id, UNKNOWN_ORDER).await?,
                };
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(changed)
}

/// Why a stored order was closed by the store rather than by the exchange.
const UNKNOWN_ORDER: &str = "the exchange no longer knows this order (not among its live \
    orders nor in its historical archive); its final state is unknown";

/// The order `order_id` of `ticker` in the historical archive, if it is there. Archive
/// reads have no by-id form, so the market's archived orders are listed.
async fn archived_order(
    shared: &Shared,
    order_id: &str,
    ticker: &str,
) -> Result<Option<Order>, CoreError> {
    let params = HistoricalRangeParams {
        ticker: Some(ticker.to_owned()),
        limit: Some(PAGE),
        ..HistoricalRangeParams::default()
    };
    let mut orders = pin!(shared.link.client.historical_orders_stream(params));
    while let Some(order) = orders.next().await {
        match order {
            Ok(order) if order.order_id == order_id => return Ok(Some(order)),
            Ok(_) => {}
            Err(e) if e.status() == Some(404) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// Settlements since the cursor; returns how many changed.
async fn sync_settlements(shared: &Shared) -> Result<usize, CoreError> {
    let cursor = cursor(shared, SETTLEMENTS).await?;
    let params = GetSettlementsParams {
        min_ts: since(shared, cursor),
        limit: Some(PAGE),
        ..GetSettlementsParams::default()
    };
    let mut pages = pin!(
        shared
            .link
            .client
            .settlements_stream(params)
            .chunks(PAGE as usize)
    );
    let mut newest = cursor;
    let mut changed = 0;
    while let Some(page) = pages.next().await {
        let settlements = page.into_iter().collect::<Result<Vec<_>, _>>()?;
        newest = newest.max(
            settlements
                .iter()
                .map(|s| s.settled_time.unix_timestamp())
                .max(),
        );
        let report = shared
            .store
            .upsert_settlements(&shared.scope, &settlements)
            .await?;
        changed += report.inserted.len() + report.updated.len();
    }
    if let Some(secs) = newest {
        set_cursor(shared, SETTLEMENTS, secs).await?;
    }
    Ok(changed)
}
