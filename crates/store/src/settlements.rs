//! Writing and listing settlements.

use std::sync::LazyLock;

use kalshi::model::settlement::Settlement;
use sqlx::{QueryBuilder, Sqlite};

use crate::batch::Upsert;
use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::filter::TimeRange;
use crate::report::UpsertReport;
use crate::rows::KeepKnown;
use crate::rows::settlement::{self, RawSettlement, SettlementRow};
use crate::scope::Scope;

/// A market settles once per account; a re-sent record replaces the stored one only if
/// it differs (e.g. amended after a dispute).
static UPSERT_TAIL: LazyLock<String> = LazyLock::new(|| {
    let columns = settlement::update_columns();
    format!(
        "ON CONFLICT (scope_id, ticker) DO UPDATE SET {set}, revision = settlements.revision + 1 \
         WHERE {differs} RETURNING ticker, revision",
        set = KeepKnown::NONE.set("settlements", columns),
        differs = KeepKnown::NONE.differs("settlements", columns),
    )
});

impl Store {
    /// Stores a batch of settlements in one transaction, idempotently by market ticker.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] (nothing of the batch is written).
    pub async fn upsert_settlements(
        &self,
        scope: &Scope,
        settlements: &[Settlement],
    ) -> StoreResult<UpsertReport> {
        if settlements.is_empty() {
            return Ok(UpsertReport::default());
        }
        let scope_id = self.scope_id(scope).await?;
        let upsert = Upsert {
            table: "settlements",
            columns: settlement::INSERT_COLUMNS,
            tail: &UPSERT_TAIL,
        };
        let (report, ()) = self
            .upsert_batch::<_, (String, i64), _>(
                &upsert,
                settlements,
                |s| s.ticker.as_str(),
                |b, s| settlement::bind(b, scope_id, s),
                async |_| Ok(()),
            )
            .await?;
        Ok(report)
    }

    /// Stored settlements whose payout time falls in `range`, newest first.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn settlements(
        &self,
        scope: &Scope,
        range: &TimeRange,
    ) -> StoreResult<Vec<SettlementRow>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(Vec::new());
        };
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT ");
        qb.push(settlement::SELECT_COLUMNS);
        qb.push(" FROM settlements WHERE scope_id = ");
        qb.push_bind(scope_id);
        range.push_conditions(&mut qb, "settled_ms");
        qb.push(" ORDER BY settled_ms DESC, id DESC");
        let raw: Vec<RawSettlement> = qb
            .build_query_as()
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("settlements", "listing settlements"))?;
        raw.into_iter().map(SettlementRow::try_from).collect()
    }
}
