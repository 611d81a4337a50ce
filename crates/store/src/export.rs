//! CSV export of order and fill history (the `csv` crate), streamed page by page so a
//! million rows never sit in memory at once.

use std::io;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::filter::{FillFilter, OrderFilter};
use crate::page::{MAX_PAGE, Page, PageRequest};
use crate::rows::fill::FillRow;
use crate::rows::order::OrderRow;
use crate::scope::Scope;

/// Header of the fills export.
pub const FILL_HEADER: [&str; 13] = [
    "created_time",
    "fill_id",
    "order_id",
    "ticker",
    "outcome_side",
    "book_side",
    "count",
    "yes_price",
    "no_price",
    "is_taker",
    "fee_cost",
    "subaccount_number",
    "exchange_index",
];

/// Header of the orders export.
pub const ORDER_HEADER: [&str; 19] = [
    "created_time",
    "last_update_time",
    "order_id",
    "client_order_id",
    "ticker",
    "status",
    "outcome_side",
    "book_side",
    "type",
    "yes_price",
    "no_price",
    "initial_count",
    "fill_count",
    "remaining_count",
    "taker_fill_cost",
    "maker_fill_cost",
    "taker_fees",
    "maker_fees",
    "expiration_time",
];

impl Store {
    /// Writes the fills matching `filter` as CSV to `out`, newest first (the history
    /// view's order). Prices, counts and money use their exact canonical text, times
    /// RFC 3339 UTC. Returns the number of rows written.
    ///
    /// # Errors
    /// [`StoreError::Csv`] if writing fails, or any error of [`Store::fill_history`].
    pub async fn export_fills_csv<W: io::Write>(
        &self,
        scope: &Scope,
        filter: &FillFilter,
        out: W,
    ) -> StoreResult<u64> {
        write_csv(out, FILL_HEADER, fill_record, async |request| {
            self.fill_history(scope, filter, request).await
        })
        .await
    }

    /// Writes the orders matching `filter` as CSV to `out`, newest first. Returns the
    /// number of rows written.
    ///
    /// # Errors
    /// [`StoreError::Csv`] if writing fails, or any error of [`Store::order_history`].
    pub async fn export_orders_csv<W: io::Write>(
        &self,
        scope: &Scope,
        filter: &OrderFilter,
        out: W,
    ) -> StoreResult<u64> {
        write_csv(out, ORDER_HEADER, order_record, async |request| {
            self.order_history(scope, filter, request).await
        })
        .await
    }
}

/// Writes `header` and then one `record` per row of every page `fetch` returns, from the
/// first page until one has no next, to `out`. Returns the number of rows written.
async fn write_csv<W: io::Write, T, const N: usize>(
    out: W,
    header: [&str; N],
    record: impl Fn(&T) -> StoreResult<[String; N]>,
    fetch: impl AsyncFn(&PageRequest) -> StoreResult<Page<T>>,
) -> StoreResult<u64> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(header)?;
    let mut request = PageRequest::first(MAX_PAGE);
    let mut written = 0;
    loop {
        let page = fetch(&request).await?;
        for row in &page.items {
            csv.write_record(record(row)?)?;
            written += 1;
        }
        match page.next {
            Some(next) => request.after = Some(next),
            None => break,
        }
    }
    csv.flush().map_err(|e| StoreError::Csv(e.into()))?;
    Ok(written)
}

fn fill_record(f: &FillRow) -> StoreResult<[String; 13]> {
    Ok([
        rfc3339(f.created_time)?,
        f.fill_id.clone(),
        f.order_id.clone(),
        f.ticker.clone(),
        f.outcome_side.to_string(),
        f.book_side.to_string(),
        f.count.to_string(),
        f.yes_price.to_string(),
        f.no_price.to_string(),
        f.is_taker.to_string(),
        f.fee_cost.to_string(),
        f.subaccount_number
            .map(|n| n.to_string())
            .unwrap_or_default(),
        f.exchange_index.to_string(),
    ])
}

fn order_record(o: &OrderRow) -> StoreResult<[String; 19]> {
    Ok([
        rfc3339(o.created_time)?,
        rfc3339(o.last_update_time)?,
        o.order_id.clone(),
        o.client_order_id.clone(),
        o.ticker.clone(),
        o.status.to_string(),
        o.outcome_side.to_string(),
        o.book_side.to_string(),
        o.order_type.to_string(),
        o.yes_price.to_string(),
        o.no_price.to_string(),
        o.initial_count.to_string(),
        o.fill_count.to_string(),
        o.remaining_count.to_string(),
        o.taker_fill_cost.to_string(),
        o.maker_fill_cost.to_string(),
        o.taker_fees.to_string(),
        o.maker_fees.to_string(),
        o.expiration_time
            .map(rfc3339)
            .transpose()?
            .unwrap_or_default(),
    ])
}

/// RFC 3339 in UTC, e.g. `2026-08-27T14:10:00.123Z`.
fn rfc3339(t: OffsetDateTime) -> StoreResult<String> {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| StoreError::Encode {
            what: "timestamp",
            reason: e.to_string(),
        })
}
