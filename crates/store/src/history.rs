//! Order and fill history for the UI: filtered, newest first, keyset-paginated on
//! `(created_ms, id)` so a page costs the same at any depth.

use sqlx::{QueryBuilder, Sqlite};

use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::filter::{FillFilter, OrderFilter};
use crate::page::{Page, PageCursor, PageRequest};
use crate::rows::fill::{self, FillRow, RawFill};
use crate::rows::order::{self, OrderRow, RawOrder};
use crate::scope::Scope;

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
        let mut qb = select(order::SELECT_COLUMNS, "orders", scope_id);
        filter.push_conditions(&mut qb, scope_id);
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
        let mut qb = select(fill::SELECT_COLUMNS, "fills", scope_id);
        filter.push_conditions(&mut qb, scope_id);
        finish(&mut qb, page);
        let raw: Vec<RawFill> = qb
            .build_query_as()
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("fills", "reading fill history"))?;
        paginate(raw, page, |r| (r.created_ms, r.id), FillRow::try_from)
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
