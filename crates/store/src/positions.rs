//! Writing positions (a full replacement from REST, or single updates from the WS feed)
//! and reading the current ones.

use std::sync::LazyLock;

use kalshi::model::portfolio::MarketPosition;

use crate::batch::Upsert;
use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::report::UpsertReport;
use crate::rows::KeepKnown;
use crate::rows::position::{self, PositionRow, RawPosition};
use crate::scope::Scope;

/// A stored position changes only for a report at least as new (by the exchange's
/// `last_updated_ts`) that actually differs.
static UPSERT_TAIL: LazyLock<String> = LazyLock::new(|| {
    let columns = position::update_columns();
    format!(
        "ON CONFLICT (scope_id, ticker) DO UPDATE SET {set}, revision = positions.revision + 1 \
         WHERE excluded.last_updated_ms >= positions.last_updated_ms AND {differs} \
         RETURNING ticker, revision",
        set = KeepKnown::NONE.set("positions", columns),
        differs = KeepKnown::NONE.differs("positions", columns),
    )
});

/// Removes the positions of a scope that are not in the JSON array of tickers bound second.
const DELETE_MISSING: &str = "DELETE FROM positions WHERE scope_id = ? \
    AND ticker NOT IN (SELECT value FROM json_each(?)) RETURNING ticker";

impl Store {
    /// Makes `positions` (a complete `GET /portfolio/positions` listing) the stored set,
    /// in one transaction: positions missing from it are removed, others upserted by
    /// ticker (an older report never overwrites a newer one).
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] (nothing is written).
    pub async fn replace_positions(
        &self,
        scope: &Scope,
        positions: &[MarketPosition],
    ) -> StoreResult<UpsertReport> {
        self.write_positions(scope, positions, true).await
    }

    /// Upserts some positions (e.g. from the `market_positions` WS channel) by ticker,
    /// leaving the others alone.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] (nothing of the batch is written).
    pub async fn upsert_positions(
        &self,
        scope: &Scope,
        positions: &[MarketPosition],
    ) -> StoreResult<UpsertReport> {
        self.write_positions(scope, positions, false).await
    }

    async fn write_positions(
        &self,
        scope: &Scope,
        positions: &[MarketPosition],
        replace: bool,
    ) -> StoreResult<UpsertReport> {
        if positions.is_empty() && !replace {
            return Ok(UpsertReport::default());
        }
        let scope_id = self.scope_id(scope).await?;
        let upsert = Upsert {
            table: "positions",
            columns: position::INSERT_COLUMNS,
            tail: &UPSERT_TAIL,
        };
        let (mut report, removed) = self
            .upsert_batch::<_, (String, i64), _>(
                &upsert,
                positions,
                |p| p.ticker.as_str(),
                |b, p| position::bind(b, scope_id, p),
                async |conn| {
                    if !replace {
                        return Ok(Vec::new());
                    }
                    let keep: Vec<&str> = positions.iter().map(|p| p.ticker.as_str()).collect();
                    let keep =
                        serde_json::to_string(&keep).map_err(|e| crate::StoreError::Encode {
                            what: "position tickers",
                            reason: e.to_string(),
                        })?;
                    let mut removed: Vec<String> = sqlx::query_scalar(DELETE_MISSING)
                        .bind(scope_id)
                        .bind(keep)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(db_err("positions", "removing closed positions"))?;
                    removed.sort();
                    Ok(removed)
                },
            )
            .await?;
        report.removed = removed;
        Ok(report)
    }

    /// The stored open positions, by ticker.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn positions(&self, scope: &Scope) -> StoreResult<Vec<PositionRow>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {} FROM positions WHERE scope_id = ? ORDER BY ticker",
            position::SELECT_COLUMNS
        );
        let raw: Vec<RawPosition> = sqlx::query_as(&sql)
            .bind(scope_id)
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("positions", "reading positions"))?;
        raw.into_iter().map(PositionRow::try_from).collect()
    }
}
