//! Portfolio snapshots: recording them, the latest one (the offline portfolio), and the
//! portfolio value series for the chart.

use sqlx::{QueryBuilder, Sqlite};

use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::filter::TimeRange;
use crate::rows::snapshot::{
    self, NewSnapshot, PortfolioPoint, RawPoint, RawSnapshot, SnapshotRow,
};
use crate::rows::to_unix_ms;
use crate::scope::Scope;

/// Milliseconds in a UTC day, the bucket of [`Resolution::Daily`].
pub(crate) const DAY_MS: i64 = 86_400_000;

/// How densely [`Store::portfolio_series`] samples the snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Every snapshot.
    Every,
    /// The last snapshot of each UTC day (long ranges stay small).
    Daily,
}

impl Store {
    /// Records a portfolio snapshot and returns its row id.
    ///
    /// # Errors
    /// [`crate::StoreError::Encode`] if the positions cannot be serialised, or
    /// [`crate::StoreError::Query`].
    pub async fn record_snapshot(&self, scope: &Scope, snapshot: &NewSnapshot) -> StoreResult<i64> {
        let positions = snapshot.positions_json()?;
        let scope_id = self.scope_id(scope).await?;
        let id = sqlx::query_scalar(
            "INSERT INTO portfolio_snapshots \
             (scope_id, captured_ms, balance, portfolio_value, positions_json) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(scope_id)
        .bind(to_unix_ms(snapshot.captured_at))
        .bind(snapshot.balance.units())
        .bind(snapshot.portfolio_value.units())
        .bind(positions)
        .fetch_one(&self.writer)
        .await
        .map_err(db_err("portfolio_snapshots", "recording a snapshot"))?;
        self.wrote(1);
        Ok(id)
    }

    /// The most recent snapshot: the portfolio shown when the exchange is unreachable.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn latest_snapshot(&self, scope: &Scope) -> StoreResult<Option<SnapshotRow>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {} FROM portfolio_snapshots WHERE scope_id = ? \
             ORDER BY captured_ms DESC, id DESC LIMIT 1",
            snapshot::SELECT_COLUMNS
        );
        let raw: Option<RawSnapshot> = sqlx::query_as(&sql)
            .bind(scope_id)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err("portfolio_snapshots", "reading the latest snapshot"))?;
        raw.map(SnapshotRow::try_from).transpose()
    }

    /// Balance and portfolio value over `range`, oldest first.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn portfolio_series(
        &self,
        scope: &Scope,
        range: &TimeRange,
        resolution: Resolution,
    ) -> StoreResult<Vec<PortfolioPoint>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(Vec::new());
        };
        let mut qb = QueryBuilder::<Sqlite>::new("");
        match resolution {
            Resolution::Every => {
                qb.push("SELECT captured_ms, balance, portfolio_value FROM portfolio_snapshots WHERE scope_id = ");
                qb.push_bind(scope_id);
                range.push_conditions(&mut qb, "captured_ms");
            }
            Resolution::Daily => {
                qb.push(
                    "SELECT captured_ms, balance, portfolio_value FROM (\
                     SELECT captured_ms, balance, portfolio_value, ROW_NUMBER() OVER (\
                       PARTITION BY (captured_ms - (captured_ms % ",
                );
                qb.push(DAY_MS);
                qb.push(
                    ")) ORDER BY captured_ms DESC, id DESC) AS nth \
                     FROM portfolio_snapshots WHERE scope_id = ",
                );
                qb.push_bind(scope_id);
                range.push_conditions(&mut qb, "captured_ms");
                qb.push(") WHERE nth = 1");
            }
        }
        qb.push(" ORDER BY captured_ms");
        let raw: Vec<RawPoint> = qb
            .build_query_as()
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("portfolio_snapshots", "reading the value series"))?;
        raw.into_iter().map(PortfolioPoint::try_from).collect()
    }
}
