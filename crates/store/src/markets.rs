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
use crate::filter::{TimeRange, like_pattern};
use crate::report::UpsertReport;
use crate::rows::market::{self, CachedMarket, MarketValues, RawMarket};
use crate::rows::{KeepKnown, to_unix_ms};
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

/// What the markets list is sorted by (ties by ticker).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MarketOrder {
    /// Ticker, alphabetically.
    #[default]
    Ticker,
    /// Contracts traded in the last 24 hours.
    Volume24h,
    /// Contracts traded, all time.
    Volume,
    /// Contracts outstanding.
    OpenInterest,
    /// Close time.
    CloseTime,
    /// Last traded price.
    LastPrice,
    /// Last price minus the price 24 hours ago.
    Change24h,
}

impl MarketOrder {
    fn column(self) -> &'static str {
        match self {
            Self::Ticker => "m.ticker",
            Self::Volume24h => "m.volume_24h",
            Self::Volume => "m.volume",
            Self::OpenInterest => "m.open_interest",
            Self::CloseTime => "m.close_ms",
            Self::LastPrice => "m.last_price",
            Self::Change24h => "m.change_24h",
        }
    }
}

/// What to list from the market cache; every set filter must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketQuery {
    /// Only markets of this event.
    pub event_ticker: Option<String>,
    /// Only markets in this state.
    pub status: Option<MarketStatus>,
    /// Case-insensitive text in the ticker, title, outcome labels or event title.
    pub text: Option<String>,
    /// Only markets of events in this series.
    pub series_ticker: Option<String>,
    /// Only markets of events in this category.
    pub category: Option<String>,
    /// Only these markets.
    pub tickers: Option<Vec<String>>,
    /// Only markets closing in `[from, until]` (either end open).
    pub closing: TimeRange,
    /// Sort key.
    pub order: MarketOrder,
    /// Largest first.
    pub descending: bool,
    /// Page size (1–1000).
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// An event the cached markets belong to (what the markets list groups and filters by).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInfo {
    /// Event ticker.
    pub event_ticker: String,
    /// Its series.
    pub series_ticker: String,
    /// The series' category, when the exchange says.
    pub category: Option<String>,
    /// The event's title.
    pub title: String,
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
        let fetched_ms = to_unix_ms(fetched_at);
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
            "SELECT {}{} WHERE m.scope_id = ? AND m.ticker = ?",
            market::SELECT_COLUMNS,
            market::FROM_MARKETS
        );
        let raw: Option<RawMarket> = sqlx::query_as(&sql)
            .bind(scope_id)
            .bind(ticker)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err("markets", "reading a cached market"))?;
        raw.map(CachedMarket::try_from).transpose()
    }

    /// Cached markets matching `query`, sorted and paged as it says.
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
        push_market_filter(&mut qb, scope_id, query)?;
        let direction = if query.descending { "DESC" } else { "ASC" };
        qb.push(format!(
            " ORDER BY {} {direction}, m.ticker ASC LIMIT ",
            query.order.column()
        ))
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

    /// How many cached markets match `query` (its sort and page ignored): the pager's
    /// total.
    ///
    /// # Errors
    /// [`StoreError::Query`].
    pub async fn count_cached_markets(
        &self,
        scope: &Scope,
        query: &MarketQuery,
    ) -> StoreResult<u64> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(0);
        };
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
        push_market_filter(&mut qb, scope_id, query)?;
        let count: i64 = qb
            .build_query_scalar()
            .fetch_one(&self.reader)
            .await
            .map_err(db_err("markets", "counting cached markets"))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Caches the events of listed markets (title, series, category), replacing what was
    /// cached for them, in one transaction.
    ///
    /// # Errors
    /// [`StoreError::Query`].
    pub async fn upsert_events(
        &self,
        scope: &Scope,
        events: &[EventInfo],
        fetched_at: OffsetDateTime,
    ) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let scope_id = self.scope_id(scope).await?;
        let fetched_ms = to_unix_ms(fetched_at);
        let mut tx = self
            .writer
            .begin()
            .await
            .map_err(db_err("market_events", "starting a batch"))?;
        for chunk in events.chunks(100) {
            let mut qb = QueryBuilder::<Sqlite>::new(
                "INSERT INTO market_events \
                 (scope_id, event_ticker, series_ticker, category, title, fetched_ms) ",
            );
            qb.push_values(chunk, |mut b, e| {
                b.push_bind(scope_id)
                    .push_bind(e.event_ticker.as_str())
                    .push_bind(e.series_ticker.as_str())
                    .push_bind(e.category.as_deref())
                    .push_bind(e.title.as_str())
                    .push_bind(fetched_ms);
            });
            qb.push(
                " ON CONFLICT (scope_id, event_ticker) DO UPDATE SET \
                 series_ticker = excluded.series_ticker, category = excluded.category, \
                 title = excluded.title, fetched_ms = excluded.fetched_ms",
            );
            qb.build()
                .execute(&mut *tx)
                .await
                .map_err(db_err("market_events", "writing events"))?;
        }
        tx.commit()
            .await
            .map_err(db_err("market_events", "committing a batch"))?;
        self.wrote(events.len());
        Ok(())
    }

    /// When the oldest cached market of `scope` was fetched; `None` with an empty cache.
    ///
    /// # Errors
    /// [`StoreError::Query`] or [`StoreError::Decode`].
    pub async fn oldest_cached_market(&self, scope: &Scope) -> StoreResult<Option<OffsetDateTime>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(None);
        };
        let oldest: Option<i64> =
            sqlx::query_scalar("SELECT MIN(fetched_ms) FROM markets WHERE scope_id = ?")
                .bind(scope_id)
                .fetch_one(&self.reader)
                .await
                .map_err(db_err("markets", "reading the cache age"))?;
        oldest
            .map(|ms| crate::rows::from_ms("markets", "fetched_ms", ms))
            .transpose()
    }
}

/// ` FROM … WHERE …` of a market listing.
fn push_market_filter(
    qb: &mut QueryBuilder<'_, Sqlite>,
    scope_id: i64,
    query: &MarketQuery,
) -> StoreResult<()> {
    qb.push(market::FROM_MARKETS);
    qb.push(" WHERE m.scope_id = ").push_bind(scope_id);
    if let Some(event) = &query.event_ticker {
        qb.push(" AND m.event_ticker = ").push_bind(event.clone());
    }
    if let Some(status) = query.status {
        qb.push(" AND m.status = ").push_bind(status.as_str());
    }
    if let Some(series) = &query.series_ticker {
        qb.push(" AND e.series_ticker = ").push_bind(series.clone());
    }
    if let Some(category) = &query.category {
        qb.push(" AND e.category = ").push_bind(category.clone());
    }
    if let Some(tickers) = &query.tickers {
        let list = serde_json::to_string(tickers).map_err(|e| StoreError::Encode {
            what: "market tickers",
            reason: e.to_string(),
        })?;
        qb.push(" AND m.ticker IN (SELECT value FROM json_each(")
            .push_bind(list)
            .push("))");
    }
    if let Some(from) = query.closing.from {
        qb.push(" AND m.close_ms >= ").push_bind(to_unix_ms(from));
    }
    if let Some(until) = query.closing.until {
        qb.push(" AND m.close_ms <= ").push_bind(to_unix_ms(until));
    }
    if let Some(text) = query.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = like_pattern(text.trim());
        qb.push(" AND (");
        for (i, column) in [
            "m.ticker",
            "m.title",
            "m.yes_sub_title",
            "json_extract(m.json, '$.no_sub_title')",
            "e.title",
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push(column)
                .push(" LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
    Ok(())
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
