//! Writing fills (insert once, never change) and reading the fills of one order.

use std::collections::HashSet;
use std::sync::LazyLock;

use kalshi::model::fill::Fill;
use sqlx::sqlite::SqliteConnection;

use crate::batch::{chunk_rows, insert_statement};
use crate::db::Store;
use crate::error::{StoreError, StoreResult, db_err};
use crate::report::UpsertReport;
use crate::rows::fill::{self, FillRow, RawFill};
use crate::scope::Scope;
use crate::tickers;

/// Fills are immutable at the exchange: a fill id seen before is skipped. No `RETURNING`:
/// streaming every new id back through sqlx cost 10-20 % of the insert rate, and the
/// statement's change count and last row id say the same (see [`insert_new`]).
const INSERT_TAIL: &str = "ON CONFLICT (scope_id, fill_id) DO NOTHING";

/// The fill ids of a range of row ids (the rows one statement just inserted).
const IDS_IN_RANGE: &str = "SELECT fill_id FROM fills WHERE id BETWEEN ? AND ?";

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

/// Inserts `fills` in chunked multi-row statements (a known fill id is skipped by the
/// unique index) and returns the ids of the rows inserted.
///
/// A statement that inserted every row of its chunk needs no further query (a live fill
/// stream); one that inserted none neither (a catch-up overlap). Otherwise the new rows are
/// read back by row id: SQLite gives each new row one more than the largest row id in the
/// table, so the `n` rows one statement inserted hold the `n` ids up to its last insert
/// row id (checked: a different count is an error). Fills are never deleted, so the range
/// can be read after the statement committed on its own.
async fn insert_new(
    conn: &mut SqliteConnection,
    scope_id: i64,
    fills: &[Fill],
) -> StoreResult<HashSet<String>> {
    let mut new = HashSet::new();
    for chunk in fills.chunks(chunk_rows(fill::INSERT_COLUMNS.len())) {
        let done = insert_statement("fills", fill::INSERT_COLUMNS, INSERT_TAIL, chunk, |b, f| {
            fill::bind(b, scope_id, f);
        })
        .build()
        .execute(&mut *conn)
        .await
        .map_err(db_err("fills", "writing a batch"))?;
        let inserted = done.rows_affected();
        if inserted == chunk.len() as u64 {
            new.extend(chunk.iter().map(|f| f.fill_id.clone()));
        } else if inserted > 0 {
            let last = done.last_insert_rowid();
            let first = last - i64::try_from(inserted).unwrap_or(i64::MAX) + 1;
            let ids: Vec<String> = sqlx::query_scalar(IDS_IN_RANGE)
                .bind(first)
                .bind(last)
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err("fills", "reading back a batch"))?;
            if ids.len() as u64 != inserted {
                return Err(StoreError::Encode {
                    what: "a fill batch",
                    reason: format!(
                        "{inserted} rows inserted but {} found at row ids {first}..={last}",
                        ids.len()
                    ),
                });
            }
            new.extend(ids);
        }
    }
    Ok(new)
}

impl Store {
    /// Stores a batch of fills atomically (one statement up to 1,777 fills, one transaction
    /// beyond). A fill whose id is already stored
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
        let tickers = fills.iter().map(|x| x.ticker.as_str());
        let new = if fills.len() <= chunk_rows(fill::INSERT_COLUMNS.len()) {
            // One statement is its own transaction: no BEGIN and COMMIT trips to sqlx's
            // worker and no statement journal. The tickers go first, on their own: an
            // entry for a fill that then failed only widens a search by one ticker.
            let mut conn = self
                .writer
                .acquire()
                .await
                .map_err(db_err("fills", "starting a batch"))?;
            tickers::remember(&mut conn, scope_id, tickers).await?;
            insert_new(&mut conn, scope_id, fills).await?
        } else {
            let mut tx = self
                .writer
                .begin()
                .await
                .map_err(db_err("fills", "starting a batch"))?;
            let new = insert_new(&mut tx, scope_id, fills).await?;
            tickers::remember(&mut tx, scope_id, tickers).await?;
            tx.commit()
                .await
                .map_err(db_err("fills", "committing a batch"))?;
            new
        };
        self.wrote(fills.len());
        let report = UpsertReport::from_new(fills.iter().map(|f| f.fill_id.as_str()), &new);
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
