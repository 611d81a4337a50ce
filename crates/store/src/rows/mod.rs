//! The one place where exchange types become table rows and rows become store types.
//!
//! Each submodule owns one table's column list, the binding of a `kalshi::model` value to
//! those columns, the raw `FromRow` struct and its checked conversion into the public row
//! type. Conversions never panic and never default: a value that does not fit its type is
//! a [`StoreError::Decode`] naming the table and column.

pub mod fill;
pub mod market;
pub mod order;
pub mod position;
pub mod settlement;
pub mod snapshot;

use time::OffsetDateTime;

use crate::error::{StoreError, StoreResult};

/// Unix milliseconds of `t`, rounded down (sub-millisecond precision is not kept); the one
/// conversion of the store and of the views built from it.
pub fn to_unix_ms(t: OffsetDateTime) -> i64 {
    let ms = t.unix_timestamp_nanos().div_euclid(1_000_000);
    // `OffsetDateTime` spans at most ±999,999 years, far inside i64 milliseconds.
    i64::try_from(ms).unwrap_or(if ms < 0 { i64::MIN } else { i64::MAX })
}

/// The instant `ms` Unix milliseconds after the epoch; `None` outside the representable
/// range. The one conversion of the store's and the WebSocket's millisecond times.
pub fn from_unix_ms(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// The instant `ms` Unix milliseconds, or a decode error for `table.column`.
pub(crate) fn from_ms(table: &'static str, column: &str, ms: i64) -> StoreResult<OffsetDateTime> {
    from_unix_ms(ms).ok_or_else(|| decode(table, column, format!("timestamp {ms} ms out of range")))
}

/// Like [`from_ms`] for a nullable column.
pub(crate) fn from_opt_ms(
    table: &'static str,
    column: &str,
    ms: Option<i64>,
) -> StoreResult<Option<OffsetDateTime>> {
    ms.map(|ms| from_ms(table, column, ms)).transpose()
}

/// A decode error for `table.column`.
pub(crate) fn decode(table: &'static str, column: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Decode {
        table,
        column: column.to_owned(),
        reason: reason.into(),
    }
}

/// Reads a wire-vocabulary string (`from_wire` of a `kalshi::model` enum).
pub(crate) fn wire<T>(
    table: &'static str,
    column: &str,
    text: &str,
    from_wire: fn(&str) -> Option<T>,
) -> StoreResult<T> {
    from_wire(text).ok_or_else(|| decode(table, column, format!("unknown value {text:?}")))
}

/// Like [`wire`] for a nullable column.
pub(crate) fn opt_wire<T>(
    table: &'static str,
    column: &str,
    text: Option<&str>,
    from_wire: fn(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    text.map(|t| wire(table, column, t, from_wire)).transpose()
}

/// A price from its units; prices are never negative.
pub(crate) fn price(
    table: &'static str,
    column: &str,
    units: i64,
) -> StoreResult<kalshi::model::Price> {
    if units < 0 {
        return Err(decode(table, column, format!("negative price {units}")));
    }
    Ok(kalshi::model::Price::from_units(units))
}

/// An `i32` column (shard, subaccount) stored as INTEGER.
pub(crate) fn small(table: &'static str, column: &str, v: i64) -> StoreResult<i32> {
    i32::try_from(v).map_err(|_| decode(table, column, format!("{v} does not fit in 32 bits")))
}

/// Like [`small`] for a nullable column.
pub(crate) fn opt_small(
    table: &'static str,
    column: &str,
    v: Option<i64>,
) -> StoreResult<Option<i32>> {
    v.map(|v| small(table, column, v)).transpose()
}

/// Columns an incoming report may leave out without meaning "cleared": the stored value
/// stays when the report has `NULL` (`nullable`) or `''` (`text`, for NOT NULL text the
/// wire makes optional). A WebSocket `user_order` lacks fields the REST order has, and
/// must not erase them (or count as a change) when it arrives after it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeepKnown<'a> {
    /// Nullable columns.
    pub(crate) nullable: &'a [&'a str],
    /// Text columns where `''` means "not sent".
    pub(crate) text: &'a [&'a str],
}

impl KeepKnown<'static> {
    /// Every column takes the incoming value: the rule of tables whose reports are always
    /// complete.
    pub(crate) const NONE: Self = Self {
        nullable: &[],
        text: &[],
    };
}

impl KeepKnown<'_> {
    /// The value an upsert of `table` writes to `column`.
    fn incoming(&self, table: &str, column: &str) -> String {
        if self.nullable.contains(&column) {
            format!("COALESCE(excluded.{column}, {table}.{column})")
        } else if self.text.contains(&column) {
            format!("COALESCE(NULLIF(excluded.{column}, ''), {table}.{column})")
        } else {
            format!("excluded.{column}")
        }
    }

    /// `c = <incoming c>, ...` over `columns`.
    pub(crate) fn set(&self, table: &str, columns: &[&str]) -> String {
        columns
            .iter()
            .map(|c| format!("{c} = {}", self.incoming(table, c)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// True (as SQL) when writing would change any of `columns`, so re-writing identical
    /// data is not counted (or logged) as an update.
    pub(crate) fn differs(&self, table: &str, columns: &[&str]) -> String {
        let same: Vec<String> = columns
            .iter()
            .map(|c| format!("{} IS {table}.{c}", self.incoming(table, c)))
            .collect();
        format!("NOT ({})", same.join(" AND "))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn milliseconds_round_down_and_round_trip() {
        let t = datetime!(2026-05-31 23:34:49.912729 UTC);
        assert_eq!(to_unix_ms(t), 1_780_270_489_912);
        assert_eq!(
            from_ms("t", "c", 1_780_270_489_912).unwrap(),
            datetime!(2026-05-31 23:34:49.912 UTC)
        );
        assert_eq!(
            to_unix_ms(datetime!(1969-12-31 23:59:59.9995 UTC)),
            -1,
            "floor, not truncation"
        );
        let err = from_ms("fills", "created_ms", i64::MAX).unwrap_err();
        assert!(
            matches!(err, StoreError::Decode { table: "fills", ref column, .. } if column == "created_ms")
        );
    }

    #[test]
    fn unknown_wire_values_name_the_column() {
        let err = wire(
            "orders",
            "status",
            "pending",
            kalshi::model::order::OrderStatus::from_wire,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read orders.status: unknown value \"pending\""
        );
        assert!(price("fills", "yes_price", -1).is_err());
        assert!(small("fills", "exchange_index", i64::MAX).is_err());
    }

    #[test]
    fn upsert_clauses() {
        assert_eq!(
            KeepKnown::NONE.differs("t", &["a", "b"]),
            "NOT (excluded.a IS t.a AND excluded.b IS t.b)"
        );
        assert_eq!(
            KeepKnown::NONE.set("t", &["a", "b"]),
            "a = excluded.a, b = excluded.b"
        );
        let keep = KeepKnown {
            nullable: &["n"],
            text: &["s"],
        };
        assert_eq!(
            keep.set("t", &["a", "n", "s"]),
            "a = excluded.a, n = COALESCE(excluded.n, t.n), \
             s = COALESCE(NULLIF(excluded.s, ''), t.s)"
        );
    }
}
