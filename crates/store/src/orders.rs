//! Writing orders (newest exchange state wins) and looking single orders up.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use kalshi::model::order::Order;

use crate::batch::insert_returning;
use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::report::UpsertReport;
use crate::rows::KeepKnown;
use crate::rows::order::{self, OrderRow, RawOrder};
use crate::scope::Scope;
use crate::tickers;

/// Order fields a report may omit (the WebSocket `user_order` carries fewer than REST)
/// without clearing what is stored: none of them changes over an order's life, except
/// the client order id, which an amend may replace by another non-empty one.
const KEEP_KNOWN: KeepKnown<'static> = KeepKnown {
    nullable: FILL_IN,
    text: &["user_id", "client_order_id"],
};

/// The [`KEEP_KNOWN`] columns that never change over an order's life: a report that only
/// supplies one of them where the stored row had none (the REST read-back after the
/// WebSocket's `user_order`) completes the row without being a change of the order.
const FILL_IN: &[&str] = &[
    "side",
    "action",
    "expiration_ms",
    "self_trade_prevention",
    "order_group_id",
    "cancel_order_on_pause",
    "subaccount_number",
    "exchange_index",
];

/// The conflict clause: a stored order changes only if the incoming state is at least as
/// new by the exchange's `last_update_time` and actually differs. At equal times the
/// state with more filled and less resting wins, so a replayed older message of the same
/// millisecond cannot undo a fill or a cancel. Fields the report leaves out keep their
/// stored values ([`KEEP_KNOWN`]). The revision counts changes of the order, not
/// [`FILL_IN`] completions, and the written row is returned whole. A report from the
/// exchange clears a store-made `closed_unknown` mark.
static UPSERT_TAIL: LazyLock<String> = LazyLock::new(|| {
    let columns = order::update_columns();
    let state: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| !FILL_IN.contains(c))
        .collect();
    format!(
        "ON CONFLICT (scope_id, order_id) DO UPDATE SET {set}, \
         revision = orders.revision + (CASE WHEN {changes} THEN 1 ELSE 0 END), \
         closed_unknown = NULL \
         WHERE (excluded.last_update_ms > orders.last_update_ms \
                OR (excluded.last_update_ms = orders.last_update_ms \
                    AND excluded.fill_count >= orders.fill_count \
                    AND excluded.remaining_count <= orders.remaining_count)) \
           AND {differs} \
         RETURNING {returning}",
        set = KEEP_KNOWN.set("orders", columns),
        changes = KEEP_KNOWN.differs("orders", &state),
        differs = KEEP_KNOWN.differs("orders", columns),
        returning = order::SELECT_COLUMNS,
    )
});

/// The stored revisions of some orders, read in the writing transaction before the
/// upsert: how a returned row is told apart as new, changed, or only completed.
const REVISIONS: &str = "SELECT order_id, revision FROM orders WHERE scope_id = ? \
    AND order_id IN (SELECT value FROM json_each(?))";

impl Store {
    /// Stores a batch of orders in one transaction, idempotently by exchange order id.
    /// An update older than the stored state (by `last_update_time`) is ignored, so
    /// REST pages and WS messages may arrive in any order.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] (nothing of the batch is written).
    pub async fn upsert_orders(
        &self,
        scope: &Scope,
        orders: &[Order],
    ) -> StoreResult<UpsertReport> {
        Ok(self.store_orders(scope, orders).await?.0)
    }

    /// [`Store::upsert_orders`], also returning the stored row of every order the batch
    /// inserted or changed, once each and in the report's order: the merged state the
    /// store kept (fields a report left out filled from what was stored; a version the
    /// newer-wins rule refused never appears), which is what the UI should be shown.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] (nothing of the batch is written), or
    /// [`crate::StoreError::Decode`] for a stored row that cannot be read back.
    pub async fn store_orders(
        &self,
        scope: &Scope,
        orders: &[Order],
    ) -> StoreResult<(UpsertReport, Vec<OrderRow>)> {
        if orders.is_empty() {
            return Ok((UpsertReport::default(), Vec::new()));
        }
        let scope_id = self.scope_id(scope).await?;
        let ids: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
        let ids_json = serde_json::to_string(&ids).map_err(|e| crate::StoreError::Encode {
            what: "order ids",
            reason: e.to_string(),
        })?;
        let mut tx = self
            .writer
            .begin()
            .await
            .map_err(db_err("orders", "starting a batch"))?;
        let before: HashMap<String, i64> = sqlx::query_as(REVISIONS)
            .bind(scope_id)
            .bind(ids_json)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err("orders", "reading revisions"))?
            .into_iter()
            .collect();
        let returned: Vec<RawOrder> = insert_returning(
            &mut tx,
            "orders",
            order::INSERT_COLUMNS,
            &UPSERT_TAIL,
            orders,
            |b, o| order::bind(b, scope_id, o),
        )
        .await?;
        tickers::remember(&mut tx, scope_id, orders.iter().map(|x| x.ticker.as_str())).await?;
        tx.commit()
            .await
            .map_err(db_err("orders", "committing a batch"))?;
        self.wrote(orders.len());

        // The last row written for an id is its state at commit.
        let mut last: HashMap<String, RawOrder> = HashMap::with_capacity(returned.len());
        for raw in returned {
            last.insert(raw.order_id.clone(), raw);
        }
        let mut report = UpsertReport::default();
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                continue;
            }
            let written = last.remove(id);
            match (written, before.get(id)) {
                (Some(raw), None) => {
                    report.inserted.push(id.to_owned());
                    rows.push(OrderRow::try_from(raw)?);
                }
                (Some(raw), Some(&revision)) if raw.revision > revision => {
                    report.updated.push(id.to_owned());
                    rows.push(OrderRow::try_from(raw)?);
                }
                _ => report.unchanged += 1,
            }
        }
        tracing::debug!(
            scope = %scope,
            inserted = report.inserted.len(),
            updated = report.updated.len(),
            unchanged = report.unchanged,
            "orders stored"
        );
        Ok((report, rows))
    }

    /// Closes a stored resting order that the exchange no longer knows (its live read
    /// answers 404 and the historical archive does not list it): status `canceled`,
    /// nothing remaining, `reason` kept in [`OrderRow::closed_unknown`]. Returns the row
    /// as now stored, or `None` if there is no such resting order (nothing changes then),
    /// so the order is never checked again on later catch-ups.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn close_unknown_order(
        &self,
        scope: &Scope,
        order_id: &str,
        reason: &str,
    ) -> StoreResult<Option<OrderRow>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(None);
        };
        let sql = format!(
            "UPDATE orders SET status = 'canceled', remaining_count = 0, closed_unknown = ?, \
             revision = revision + 1 \
             WHERE scope_id = ? AND order_id = ? AND status = 'resting' \
             RETURNING {}",
            order::SELECT_COLUMNS
        );
        let raw: Option<RawOrder> = sqlx::query_as(&sql)
            .bind(reason)
            .bind(scope_id)
            .bind(order_id)
            .fetch_optional(&self.writer)
            .await
            .map_err(db_err(
                "orders",
                "closing an order the exchange does not know",
            ))?;
        raw.map(OrderRow::try_from).transpose()
    }

    /// The stored order with exchange id `order_id`.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn order(&self, scope: &Scope, order_id: &str) -> StoreResult<Option<OrderRow>> {
        self.order_where(scope, "order_id", order_id).await
    }

    /// The stored order we placed with `client_order_id` (how a pending order is matched
    /// to the exchange's).
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn order_by_client_id(
        &self,
        scope: &Scope,
        client_order_id: &str,
    ) -> StoreResult<Option<OrderRow>> {
        if client_order_id.is_empty() {
            return Ok(None);
        }
        self.order_where(scope, "client_order_id", client_order_id)
            .await
    }

    async fn order_where(
        &self,
        scope: &Scope,
        column: &'static str,
        value: &str,
    ) -> StoreResult<Option<OrderRow>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {} FROM orders WHERE scope_id = ? AND {column} = ? ORDER BY id DESC LIMIT 1",
            order::SELECT_COLUMNS
        );
        let raw: Option<RawOrder> = sqlx::query_as(&sql)
            .bind(scope_id)
            .bind(value)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err("orders", "reading an order"))?;
        raw.map(OrderRow::try_from).transpose()
    }
}
