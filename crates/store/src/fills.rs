//! Writing fills (insert once, never change) and reading the fills of one order.

use std::sync::LazyLock;

use kalshi::model::fill::Fill;

use crate::batch::Upsert;
use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::report::UpsertReport;
use crate::rows::fill::{self, FillRow, RawFill};
use crate::scope::Scope;
use crate::tickers;

/// Fills are immutable at the exchange: a fill id seen before is skipped, and only the
/// new ones come back.
const INSERT_TAIL: &str = "ON CONFLICT (scope_id, fill_id) DO NOTHING RETURNING fill_id";

/// `SELECT` of one order's fills through its market's ticker, oldest first.
static BY_ORDER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM fills WHERE scope_id = ? AND ticker = ? AND order_id = ? \
         ORDER BY created_ms, id",
        fill::SELECT_COLUMNS
    )
});

/// The same for an order this store never saw (a scan of the scope's fills).
static BY_ORDER_SCAN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM fills WHERE scope_id = ? AND order_id = ? ORDER BY created_ms, id",
        fill::SELECT_COLUMNS
    )
});

impl Store {
    /// Stores a batch of fills in one transaction. A fill whose id is already stored
    /// (from REST catch-up or the WS feed) is skipped, so the same fill is never
    /// recorded twice; [`UpsertReport::inserted`] lists exactly the new ones.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] (nothing of the batch is written).
    pub async fn upsert_fills(&self, scope: &Scope, fills: &[Fill]) -> StoreResult<UpsertReport> {
        if fills.is_empty() {
            return Ok(UpsertReport::default());
        }
        let scope_id = self.scope_id(scope).await?;
        let upsert = Upsert {
            table: "fills",
            columns: fill::INSERT_COLUMNS,
            tail: INSERT_TAIL,
        };
        let (report, ()) = self
            .upsert_batch::<_, (String,), _>(
                &upsert,
                fills,
                |f| f.fill_id.as_str(),
                |b, f| fill::bind(b, scope_id, f),
                async |conn| {
                    tickers::remember(conn, scope_id, fills.iter().map(|x| x.ticker.as_str())).await
                },
            )
            .await?;
        tracing::debug!(
            scope = %scope,
            inserted = report.inserted.len(),
            unchanged = report.unchanged,
            "fills stored"
        );
        Ok(report)
    }

    /// The stored fills of one order, oldest first. Fast when the order itself is stored
    /// (its ticker narrows the search); otherwise every fill of the scope is scanned.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn fills_of_order(&self, scope: &Scope, order_id: &str) -> StoreResult<Vec<FillRow>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(Vec::new());
        };
        let query = match self.order_ticker(scope_id, order_id).await? {
            Some(ticker) => sqlx::query_as(&BY_ORDER).bind(scope_id).bind(ticker),
            None => sqlx::query_as(&BY_ORDER_SCAN).bind(scope_id),
        };
        let raw: Vec<RawFill> = query
            .bind(order_id)
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("fills", "reading an order's fills"))?;
        raw.into_iter().map(FillRow::try_from).collect()
    }

    /// The market of a stored order.
    pub(crate) async fn order_ticker(
        &self,
        scope_id: i64,
        order_id: &str,
    ) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT ticker FROM orders WHERE scope_id = ? AND order_id = ?")
            .bind(scope_id)
            .bind(order_id)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err("orders", "finding an order's market"))
    }
}
