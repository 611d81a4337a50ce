//! Unconfirmed orders in the store, so a restart does not forget an order that may be on
//! the exchange: saved before they are announced, deleted once settled, restored when a
//! session opens. The ticket and the error are kept as this module's JSON (never any key
//! material); a row this build cannot read is dropped with a warning.

use kalshi::model::order::{BookSide, TimeInForce};
use kalshi::model::{Count, Price};
use serde::{Deserialize, Serialize};
use store::{Scope, Store, UnconfirmedRow};
use time::OffsetDateTime;

use super::OrderTicket;
use crate::error::AppError;
use crate::event::UnconfirmedOrder;
use crate::shared::Shared;

/// [`OrderTicket`] as stored.
#[derive(Debug, Serialize, Deserialize)]
struct StoredTicket {
    ticker: String,
    side: BookSide,
    price: Price,
    count: Count,
    time_in_force: TimeInForce,
    post_only: bool,
    reduce_only: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    expires_at: Option<OffsetDateTime>,
}

impl From<&OrderTicket> for StoredTicket {
    fn from(t: &OrderTicket) -> Self {
        Self {
            ticker: t.ticker.clone(),
            side: t.side,
            price: t.price,
            count: t.count,
            time_in_force: t.time_in_force,
            post_only: t.post_only,
            reduce_only: t.reduce_only,
            expires_at: t.expires_at,
        }
    }
}

impl From<StoredTicket> for OrderTicket {
    fn from(t: StoredTicket) -> Self {
        Self {
            ticker: t.ticker,
            side: t.side,
            price: t.price,
            count: t.count,
            time_in_force: t.time_in_force,
            post_only: t.post_only,
            reduce_only: t.reduce_only,
            expires_at: t.expires_at,
        }
    }
}

fn to_row(order: &UnconfirmedOrder) -> Result<UnconfirmedRow, serde_json::Error> {
    Ok(UnconfirmedRow {
        client_order_id: order.client_order_id.clone(),
        ticker: order.ticket.ticker.clone(),
        ticket: serde_json::to_string(&StoredTicket::from(&order.ticket))?,
        error: serde_json::to_string(&order.error)?,
        sent_at: order.sent_at,
    })
}

fn from_row(row: UnconfirmedRow) -> Result<UnconfirmedOrder, serde_json::Error> {
    let ticket: StoredTicket = serde_json::from_str(&row.ticket)?;
    let error: AppError = serde_json::from_str(&row.error)?;
    Ok(UnconfirmedOrder {
        client_order_id: row.client_order_id,
        ticket: ticket.into(),
        sent_at: row.sent_at,
        error,
    })
}

/// Saves (or updates) an unconfirmed order. A failure is logged: the order is still held
/// in memory, and only a restart before it settles would forget it.
pub(super) async fn save(shared: &Shared, order: &UnconfirmedOrder) {
    let client_order_id = order.client_order_id.as_str();
    let row = match to_row(order) {
        Ok(row) => row,
        Err(e) => {
            tracing::warn!(error = %e, client_order_id, "an unconfirmed order cannot be encoded");
            return;
        }
    };
    if let Err(e) = shared.store.save_unconfirmed(&shared.scope, &row).await {
        tracing::warn!(error = %e, client_order_id, "saving an unconfirmed order failed");
    }
}

/// Deletes a settled order's row. A failure is logged: after a restart the order is
/// restored and settled again, by the same rules.
pub(super) async fn forget(shared: &Shared, client_order_id: &str) {
    if let Err(e) = shared
        .store
        .remove_unconfirmed(&shared.scope, client_order_id)
        .await
    {
        tracing::warn!(error = %e, client_order_id, "removing a settled unconfirmed order failed");
    }
}

/// The unconfirmed orders a previous session of `scope` left, oldest first.
pub(crate) async fn restore(store: &Store, scope: &Scope) -> Vec<UnconfirmedOrder> {
    let rows = match store.unconfirmed_orders(scope).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "reading stored unconfirmed orders failed");
            return Vec::new();
        }
    };
    let mut held = Vec::with_capacity(rows.len());
    for row in rows {
        let client_order_id = row.client_order_id.clone();
        match from_row(row) {
            Ok(order) => held.push(order),
            Err(e) => {
                tracing::warn!(error = %e, %client_order_id, "dropping an unreadable unconfirmed order");
                if let Err(e) = store.remove_unconfirmed(scope, &client_order_id).await {
                    tracing::warn!(error = %e, %client_order_id, "removing it failed");
                }
            }
        }
    }
    if !held.is_empty() {
        tracing::info!(count = held.len(), "restored unconfirmed orders");
    }
    held
}

#[cfg(test)]
mod tests {
    use ipc::ErrorCode;
    use kalshi::model::order::BookSide;

    use super::*;

    #[test]
    fn an_unconfirmed_order_round_trips_through_its_row() {
        let mut ticket = OrderTicket::limit(
            "KXA-1",
            BookSide::Ask,
            Price::parse("0.37").unwrap(),
            Count::from_contracts(4),
        );
        ticket.post_only = true;
        ticket.expires_at = Some(time::macros::datetime!(2030-01-02 03:04:05 UTC));
        let order = UnconfirmedOrder {
            client_order_id: "cid".into(),
            ticket,
            sent_at: time::macros::datetime!(2029-01-01 00:00:00.123 UTC),
            error: AppError::new(ErrorCode::ExchangeUnavailable, "no answer"),
        };
        let row = to_row(&order).unwrap();
        assert_eq!(row.ticker, "KXA-1");
        assert_eq!(from_row(row).unwrap(), order);
        let broken = UnconfirmedRow {
            ticket: "{}".into(),
            ..to_row(&order).unwrap()
        };
        assert!(from_row(broken).is_err());
    }
}
