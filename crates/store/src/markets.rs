//! The market cache for offline browsing: writing fetched markets and searching them.

use std::collections::HashMap;
use std::sync::LazyLock;

use kalshi::model::market::{Market, MarketStatus};
use sqlx::sqlite::SqliteConnection;
use sqlx::{QueryBuilder, Sqlite};
use time::OffsetDateTime;

use crate::batch::insert_returning;
use crate::db::Store;
use crate::error::{StoreError, StoreResult, db_err};
use crate::filter::like_pattern;
use crate::report::UpsertReport;
use crate::rows::market::{self, CachedMarket, MarketValues, RawMarket};
use crate::rows::{KeepKnown, to_ms};
use crate::scope::Scope;

/// The last fetch wins; `fetched_ms` always moves, but only a content change bumps the
/// revision (in `SET`, `markets` is still the old row).
static UPSERT_TAIL: LazyLock<String> = LazyLock::new(|| {
    let content = market::CONTENT_COLUMNS;
    let changed = KeepKnown::NONE.differs("markets", content);
    format!(
        "ON CONFLICT (scope_id, ticker) DO UPDATE SET {set}, fetched_ms = excluded.fetched_ms, \
         revision = markets.revision + ({changed}) \
         WHERE {changed} OR excluded.fetched_ms > markets.fetched_ms \
         RETURNING ticker, revision",
        set = KeepKnown::NONE.set("markets", content),
    )
});

/// Largest page of [`Store::cached_markets`].
const MAX_LIMIT: u32 = 1000;

/// What to list from the market cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketQuery {
    /// Only markets of this event.
    pub event_ticker: Option<String>,
    /// Only markets in this state.
    pub status: Option<MarketStatus>,
    /// Case-insensitive text in the ticker, title or YES label.
    pub text: Option<String>,
    /// Page size (1–1000).
    pub limit: u32,
    /// Rows to skip (the cache is small enough for offsets).
    pub offset: u32,
}

impl Store {
    /// Caches fetched markets (full JSON plus searchable columns) in one transaction,
    /// recording `fetched_at` for the stale badge.
    ///
    /// # Errors
    /// [`StoreError::Encode`] if a market cannot be serialised (nothing is written), or
    /// [`StoreError::Query`].
    pub async fn upsert_markets(
        &self,
        scope: &Scope,
        markets: &[Market],
        fetched_at: OffsetDateTime,
    ) -> StoreResult<UpsertReport> {
        if markets.is_empty() {
            return Ok(UpsertReport::default());
        }
        let values = markets
            .iter()
            .map(MarketValues::new)
            .collect::<StoreResult<Vec<_>>>()?;
        let scope_id = self.scope_id(scope).await?;
        let fetched_ms = to_ms(fetched_at);
        let mut tx = self
            .writer
            .begin()
            .await
            .map_err(db_err("markets", "starting a batch"))?;
        let before = market_revisions(&mut tx, scope_id, &values).await?;
        let returned: Vec<(String, i64)> = insert_returning(
            &mut tx,
            "markets",
            market::INSERT_COLUMNS,
            &UPSERT_TAIL,
            &values,
            |b, v| market::bind(b, scope_id, fetched_ms, v),
        )
        .await?;
        tx.commit()
            .await
            .map_err(db_err("markets", "committing a batch"))?;
        self.wrote(values.len());
        // A revision equal to the one before the write is a refresh of `fetched_ms` only.
        let changed: Vec<(String, i64)> = returned
            .into_iter()
            .filter(|(ticker, revision)| before.get(ticker.as_str()) != Some(revision))
            .collect();
        Ok(UpsertReport::from_revisions(
            values.iter().map(MarketValues::ticker),
            &changed,
        ))
    }

    /// One cached market.
    ///
    /// # Errors
    /// [`StoreError::Query`] or [`StoreError::Decode`].
    pub async fn cached_market(
        &self,
        scope: &Scope,
        ticker: &str,
    ) -> StoreResult<Option<CachedMarket>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {} FROM markets WHERE scope_id = ? AND ticker = ?",
            market::SELECT_COLUMNS
        );
        let raw: Option<RawMarket> = sqlx::query_as(&sql)
            .bind(scope_id)
            .bind(ticker)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err("markets", "reading a cached market"))?;
        raw.map(CachedMarket::try_from).transpose()
    }

    /// Cached markets matching `query`, by ticker.
    ///
    /// # Errors
    /// [`StoreError::InvalidQuery`] for a limit outside 1–1000, [`StoreError::Query`] or
    /// [`StoreError::Decode`].
    pub async fn cached_markets(
        &self,
        scope: &Scope,
        query: &MarketQuery,
    ) -> StoreResult<Vec<CachedMarket>> {
        if !(1..=MAX_LIMIT).contains(&query.limit) {
            return Err(StoreError::InvalidQuery(format!(
                "market page size {} is outside 1..={MAX_LIMIT}",
                query.limit
            )));
        }
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(Vec::new());
        };
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT ");
        qb.push(market::SELECT_COLUMNS);
        qb.push(" FROM markets WHERE scope_id = ");
        qb.push_bind(scope_id);
        if let Some(event) = &query.event_ticker {
            qb.push(" AND event_ticker = ").push_bind(event.clone());
        }
        if let Some(status) = query.status {
            qb.push(" AND status = ").push_bind(status.as_str());
        }
        if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
            let pattern = like_pattern(text);
            qb.push(" AND (ticker LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\' OR title LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\' OR yes_sub_title LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '\\')");
        }
        qb.push(" ORDER BY ticker LIMIT ")
            .push_bind(i64::from(query.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(query.offset));
        let raw: Vec<RawMarket> = qb
            .build_query_as()
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("markets", "listing cached markets"))?;
        raw.into_iter().map(CachedMarket::try_from).collect()
    }
}

/// Revisions of the cached markets among `values`, read inside the write transaction.
async fn market_revisions(
    conn: &mut SqliteConnection,
    scope_id: i64,
    values: &[MarketValues<'_>],
) -> StoreResult<HashMap<String, i64>> {
    let tickers: Vec<&str> = values.iter().map(MarketValues::ticker).collect();
    let tickers = serde_json::to_string(&tickers).map_err(|e| StoreError::Encode {
        what: "market tickers",
        reason: e.to_string(),
    })?;
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT ticker, revision FROM markets WHERE scope_id = ? \
         AND ticker IN (SELECT value FROM json_each(?))",
    )
    .bind(scope_id)
    .bind(tickers)
    .fetch_all(conn)
    .await
    .map_err(db_err("markets", "reading revisions"))?;
    Ok(rows.into_iter().collect())
}
