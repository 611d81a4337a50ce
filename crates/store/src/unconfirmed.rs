//! Orders whose create went unanswered, held until the exchange's records settle them, so
//! a restart does not forget an order that may be on the exchange. The store keeps the
//! ticket and the error as the app core's JSON: it only files them by client order id.

use time::OffsetDateTime;

use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::rows::{from_ms, to_unix_ms};
use crate::scope::Scope;

/// An unconfirmed order as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconfirmedRow {
    /// The idempotency key it was sent (and is re-sent) with.
    pub client_order_id: String,
    /// Its market.
    pub ticker: String,
    /// What was asked for, as the app core's JSON.
    pub ticket: String,
    /// The failure that left it unconfirmed, as the app core's JSON.
    pub error: String,
    /// When it was first sent.
    pub sent_at: OffsetDateTime,
}

impl Store {
    /// Stores an unconfirmed order, or replaces the one with its client order id.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`].
    pub async fn save_unconfirmed(&self, scope: &Scope, row: &UnconfirmedRow) -> StoreResult<()> {
        let scope_id = self.scope_id(scope).await?;
        sqlx::query(
            "INSERT INTO unconfirmed_orders \
             (scope_id, client_order_id, ticker, ticket, error, sent_ms) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (scope_id, client_order_id) DO UPDATE SET ticker = excluded.ticker, \
             ticket = excluded.ticket, error = excluded.error, sent_ms = excluded.sent_ms",
        )
        .bind(scope_id)
        .bind(&row.client_order_id)
        .bind(&row.ticker)
        .bind(&row.ticket)
        .bind(&row.error)
        .bind(to_unix_ms(row.sent_at))
        .execute(&self.writer)
        .await
        .map_err(db_err("unconfirmed_orders", "saving an unconfirmed order"))?;
        Ok(())
    }

    /// The unconfirmed orders of `scope`, oldest first.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn unconfirmed_orders(&self, scope: &Scope) -> StoreResult<Vec<UnconfirmedRow>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(Vec::new());
        };
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT client_order_id, ticker, ticket, error, sent_ms FROM unconfirmed_orders \
             WHERE scope_id = ? ORDER BY sent_ms, client_order_id",
        )
        .bind(scope_id)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err("unconfirmed_orders", "reading unconfirmed orders"))?;
        rows.into_iter()
            .map(|(client_order_id, ticker, ticket, error, ms)| {
                Ok(UnconfirmedRow {
                    client_order_id,
                    ticker,
                    ticket,
                    error,
                    sent_at: from_ms("unconfirmed_orders", "sent_ms", ms)?,
                })
            })
            .collect()
    }

    /// Forgets a settled unconfirmed order; `true` if it was stored.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`].
    pub async fn remove_unconfirmed(
        &self,
        scope: &Scope,
        client_order_id: &str,
    ) -> StoreResult<bool> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(false);
        };
        let done = sqlx::query(
            "DELETE FROM unconfirmed_orders WHERE scope_id = ? AND client_order_id = ?",
        )
        .bind(scope_id)
        .bind(client_order_id)
        .execute(&self.writer)
        .await
        .map_err(db_err(
            "unconfirmed_orders",
            "removing an unconfirmed order",
        ))?;
        Ok(done.rows_affected() > 0)
    }
}
