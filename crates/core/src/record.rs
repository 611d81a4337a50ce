//! "Store first, then tell": writes fills, orders and markets through the store's
//! idempotent upserts and emits an event only for what the write reported as new or
//! changed. Every path (WebSocket, REST catch-up, read-back after an order) goes through
//! here, which is what makes each fill appear exactly once.
//!
//! A bulk history import (the first catch-up of a key) stores through the same upserts
//! but announces nothing row by row: its caller emits one [`AppEvent::HistoryImported`],
//! so thousands of old fills never flood the event channel and make live receivers lag.

use std::collections::HashSet;

use kalshi::model::fill::Fill;
use kalshi::model::market::Market;
use kalshi::model::order::Order;
use time::OffsetDateTime;

use crate::error::CoreError;
use crate::event::{AppEvent, FillEvent, FillOrigin, OrderEvent};
use crate::shared::Shared;

/// Stores imported history fills without announcing them one by one (see the module
/// docs). Returns how many were new.
pub(crate) async fn import_fills(shared: &Shared, fills: &[Fill]) -> Result<usize, CoreError> {
    if fills.is_empty() {
        return Ok(0);
    }
    let report = shared.store.upsert_fills(&shared.scope, fills).await?;
    Ok(report.inserted.len())
}

/// Stores imported history orders without announcing them one by one; a pending or
/// unconfirmed order among them is still settled. Returns how many were new or changed.
pub(crate) async fn import_orders(shared: &Shared, orders: &[Order]) -> Result<usize, CoreError> {
    store_orders(shared, orders, false).await
}

/// Stores `fills`; emits [`AppEvent::Fill`] for each one stored for the first time.
/// Returns how many were new.
pub(crate) async fn fills(
    shared: &Shared,
    fills: &[Fill],
    origin: FillOrigin,
) -> Result<usize, CoreError> {
    if fills.is_empty() {
        return Ok(0);
    }
    let report = shared.store.upsert_fills(&shared.scope, fills).await?;
    if report.inserted.is_empty() {
        return Ok(0);
    }
    let mut new: HashSet<&str> = report.inserted.iter().map(String::as_str).collect();
    for fill in fills {
        // `remove`: a fill listed twice in one batch is still announced once.
        if new.remove(fill.fill_id.as_str()) {
            shared.emit(AppEvent::Fill(FillEvent {
                fill: fill.clone(),
                origin,
            }));
        }
    }
    Ok(report.inserted.len())
}

/// Stores `orders`; emits [`OrderEvent::Stored`] once for each order that is new or
/// changed, carrying the row the store kept (the merged state: a WebSocket report's
/// missing fields filled from what was stored, never a version the newer-wins rule
/// refused). Returns how many.
pub(crate) async fn orders(shared: &Shared, orders: &[Order]) -> Result<usize, CoreError> {
    store_orders(shared, orders, true).await
}

async fn store_orders(
    shared: &Shared,
    orders: &[Order],
    announce: bool,
) -> Result<usize, CoreError> {
    if orders.is_empty() {
        return Ok(0);
    }
    let (_, rows) = shared.store.store_orders(&shared.scope, orders).await?;
    let changed = rows.len();
    for row in rows {
        let order = Order::from(row);
        resolve_pending(shared, &order);
        crate::orders::confirmed(shared, &order).await;
        if announce {
            shared.emit(AppEvent::Order(OrderEvent::Stored(Box::new(order))));
        }
    }
    Ok(changed)
}

/// Closes a stored resting order the exchange no longer knows, with `reason`; emits the
/// closed order as [`OrderEvent::Stored`]. Returns 1 if it changed, else 0.
pub(crate) async fn order_unknown(
    shared: &Shared,
    order_id: &str,
    reason: &str,
) -> Result<usize, CoreError> {
    let Some(row) = shared
        .store
        .close_unknown_order(&shared.scope, order_id, reason)
        .await?
    else {
        return Ok(0);
    };
    tracing::warn!(%order_id, "closed a stored resting order the exchange does not know");
    shared.emit(AppEvent::Order(OrderEvent::Stored(Box::new(row.into()))));
    Ok(1)
}

/// Stores a market fetched from the exchange; emits [`AppEvent::Market`] if it changed.
pub(crate) async fn market(shared: &Shared, market: &Market) -> Result<(), CoreError> {
    let report = shared
        .store
        .upsert_markets(
            &shared.scope,
            std::slice::from_ref(market),
            OffsetDateTime::now_utc(),
        )
        .await?;
    if !report.inserted.is_empty() || !report.updated.is_empty() {
        shared.emit(AppEvent::Market(Box::new(market.clone())));
    }
    Ok(())
}

/// An order with a client order id we sent is no longer pending.
fn resolve_pending(shared: &Shared, order: &Order) {
    if !order.client_order_id.is_empty() {
        shared.pending().remove(&order.client_order_id);
    }
}
