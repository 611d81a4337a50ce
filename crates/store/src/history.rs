//! Order and fill history for the UI: filtered, newest first, keyset-paginated on
//! `(created_ms, id)` so a page costs the same at any depth.
//!
//! Index choice is made here rather than left to SQLite's planner, which cannot see
//! that `LIMIT` stops a time-ordered scan early: a ticker condition that selects few rows
//! reads them through the ticker index (then sorts them); one that selects many scans the
//! time index, which carries the ticker and side columns, until the page is full. A
//! bounded count through the ticker index tells the two apart.

use sqlx::{QueryBuilder, Sqlite};

use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::filter::{FillFilter, OrderFilter, TickerFilter, TickerPlan};
use crate::page::{Page, PageCursor, PageRequest};
use crate::rows::fill::{self, FillRow, RawFill};
use crate::rows::order::{self, OrderRow, RawOrder};
use crate::scope::Scope;
use crate::tickers::json_list;

/// Below this many matching rows the ticker index wins; above, the time scan does. Near
/// the break-even `sqrt(5 × rows)` for a million rows, and both plans are cheap far
/// below that size.
const NARROW_ROWS: i64 = 2_000;

impl Store {
    /// One page of orders matching `filter`, newest first by creation time.
    ///
    /// # Errors
    /// [`crate::StoreError::InvalidQuery`] for a bad page size, [`crate::StoreError::Query`]
    /// or [`crate::StoreError::Decode`].
    pub async fn order_history(
        &self,
        scope: &Scope,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<OrderRow>> {
        page.validate()?;
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(empty());
        };
        let Some(plan) = self
            .ticker_plan(
                "orders",
                scope_id,
                filter.ticker.as_ref(),
                filter.text.as_deref(),
            )
            .await?
        else {
            return Ok(empty());
        };
        let mut qb = select(order::SELECT_COLUMNS, "orders", scope_id);
        filter.push_conditions(&mut qb, filter.ticker.as_ref(), &plan);
        finish(&mut qb, page);
        let raw: Vec<RawOrder> = qb
            .build_query_as()
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("orders", "reading order history"))?;
        paginate(raw, page, |r| (r.created_ms, r.id), OrderRow::try_from)
    }

    /// One page of fills matching `filter`, newest first by execution time.
    ///
    /// # Errors
    /// [`crate::StoreError::InvalidQuery`] for a bad page size, [`crate::StoreError::Query`]
    /// or [`crate::StoreError::Decode`].
    pub async fn fill_history(
        &self,
        scope: &Scope,
        filter: &FillFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<FillRow>> {
        page.validate()?;
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(empty());
        };
        // Fills have no order-id index: narrow to the order's market when it is known.
        let mut ticker = filter.ticker.clone();
        if let Some(order_id) = &filter.order_id
            && let Some(market) = self.order_ticker(scope_id, order_id).await?
        {
            if ticker.as_ref().is_some_and(|t| !t.matches(&market)) {
                return Ok(empty());
            }
            ticker = Some(TickerFilter::Exact(market));
        }
        let Some(plan) = self
            .ticker_plan("fills", scope_id, ticker.as_ref(), filter.text.as_deref())
            .await?
        else {
            return Ok(empty());
        };
        let mut qb = select(fill::SELECT_COLUMNS, "fills", scope_id);
        filter.push_conditions(&mut qb, ticker.as_ref(), &plan);
        finish(&mut qb, page);
        let raw: Vec<RawFill> = qb
            .build_query_as()
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("fills", "reading fill history"))?;
        paginate(raw, page, |r| (r.created_ms, r.id), FillRow::try_from)
    }

    /// Resolves free text to tickers and picks the index for the ticker conditions;
    /// `None` when the text matches no ticker, so nothing can match.
    async fn ticker_plan(
        &self,
        table: &'static str,
        scope_id: i64,
        ticker: Option<&TickerFilter>,
        text: Option<&str>,
    ) -> StoreResult<Option<TickerPlan>> {
        let text_tickers = match text.filter(|t| !t.is_empty()) {
            None => None,
            Some(text) => {
                let tickers = self.tickers_matching(scope_id, text).await?;
                let tickers: Vec<&str> = tickers
                    .iter()
                    .map(String::as_str)
                    .filter(|t| ticker.is_none_or(|f| f.matches(t)))
                    .collect();
                if tickers.is_empty() {
                    return Ok(None);
                }
                Some(json_list(tickers)?)
            }
        };
        let mut plan = TickerPlan {
            column: "ticker",
            text_tickers,
        };
        let selective = ticker.is_some_and(|t| !t.is_everything()) || plan.text_tickers.is_some();
        let exact = ticker.is_some_and(TickerFilter::is_exact);
        if selective && !exact {
            let mut qb = QueryBuilder::<Sqlite>::new(format!(
                "SELECT count(*) FROM (SELECT 1 FROM {table} WHERE scope_id = "
            ));
            qb.push_bind(scope_id);
            plan.push_conditions(&mut qb, ticker);
            qb.push(" LIMIT ").push_bind(NARROW_ROWS).push(")");
            let rows: i64 = qb
                .build_query_scalar()
                .fetch_one(&self.reader)
                .await
                .map_err(db_err(table, "sizing a ticker filter"))?;
            if rows >= NARROW_ROWS {
                plan.column = "+ticker";
            }
        }
        Ok(Some(plan))
    }
}

fn empty<T>() -> Page<T> {
    Page {
        items: Vec::new(),
        next: None,
    }
}

/// `SELECT columns FROM table WHERE scope_id = ?`, ready for more conditions.
fn select<'a>(columns: &str, table: &str, scope_id: i64) -> QueryBuilder<'a, Sqlite> {
    let mut qb = QueryBuilder::new(format!("SELECT {columns} FROM {table} WHERE scope_id = "));
    qb.push_bind(scope_id);
    qb
}

/// The keyset condition, the newest-first order and one row more than the page, which
/// tells whether another page follows.
fn finish(qb: &mut QueryBuilder<'_, Sqlite>, page: &PageRequest) {
    if let Some(after) = page.after {
        qb.push(" AND (created_ms, id) < (")
            .push_bind(after.created_ms)
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    qb.push(" ORDER BY created_ms DESC, id DESC LIMIT ")
        .push_bind(i64::from(page.limit) + 1);
}

/// Cuts the extra row off, sets the next cursor from the last row kept, and decodes.
fn paginate<R, T>(
    mut raw: Vec<R>,
    page: &PageRequest,
    key: impl Fn(&R) -> (i64, i64),
    decode: impl Fn(R) -> StoreResult<T>,
) -> StoreResult<Page<T>> {
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let next = if raw.len() > limit {
        raw.truncate(limit);
        raw.last().map(|r| {
            let (created_ms, id) = key(r);
            PageCursor { created_ms, id }
        })
    } else {
        None
    };
    let items = raw.into_iter().map(decode).collect::<StoreResult<_>>()?;
    Ok(Page { items, next })
}
