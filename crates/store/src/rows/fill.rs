//! `fills` rows: binding a `kalshi::model::fill::Fill`, and reading a [`FillRow`].

use kalshi::model::fill::Fill;
use kalshi::model::order::{Action, BookSide, OutcomeSide};
use kalshi::model::{Count, Money, Price};
use sqlx::query_builder::Separated;
use sqlx::{FromRow, Sqlite};
use time::OffsetDateTime;

use super::{from_ms, opt_small, opt_wire, price, small, to_unix_ms, wire};
use crate::error::StoreResult;

const TABLE: &str = "fills";

/// Columns written on insert, in [`bind`] order.
pub(crate) const INSERT_COLUMNS: &[&str] = &[
    "scope_id",
    "fill_id",
    "trade_id",
    "order_id",
    "ticker",
    "side",
    "action",
    "outcome_side",
    "book_side",
    "count",
    "yes_price",
    "no_price",
    "is_taker",
    "created_ms",
    "fee_cost",
    "subaccount_number",
    "exchange_index",
    "ts",
];

/// Columns read back, matching [`RawFill`].
pub(crate) const SELECT_COLUMNS: &str = "id, fill_id, trade_id, order_id, ticker, side, action, \
    outcome_side, book_side, count, yes_price, no_price, is_taker, created_ms, fee_cost, \
    subaccount_number, exchange_index, ts";

/// The history sort key: execution time, falling back to the legacy `ts` seconds (and 0).
pub(crate) fn created_ms(f: &Fill) -> i64 {
    match (f.created_time, f.ts) {
        (Some(t), _) => to_unix_ms(t),
        (None, Some(secs)) => secs.saturating_mul(1000),
        (None, None) => 0,
    }
}

/// Pushes one fill's values in [`INSERT_COLUMNS`] order.
pub(crate) fn bind<'q>(
    b: &mut Separated<'_, 'q, Sqlite, &'static str>,
    scope_id: i64,
    f: &'q Fill,
) {
    b.push_bind(scope_id)
        .push_bind(f.fill_id.as_str())
        .push_bind(f.trade_id.as_str())
        .push_bind(f.order_id.as_str())
        .push_bind(f.ticker.as_str())
        .push_bind(f.side.map(OutcomeSide::as_str))
        .push_bind(f.action.map(Action::as_str))
        .push_bind(f.outcome_side.as_str())
        .push_bind(f.book_side.as_str())
        .push_bind(f.count_fp.units())
        .push_bind(f.yes_price_dollars.units())
        .push_bind(f.no_price_dollars.units())
        .push_bind(f.is_taker)
        .push_bind(created_ms(f))
        .push_bind(f.fee_cost.units())
        .push_bind(f.subaccount_number)
        .push_bind(f.exchange_index)
        .push_bind(f.ts);
}

/// A fill as stored (fills never change once reported).
#[derive(Debug, Clone, PartialEq)]
pub struct FillRow {
    /// Store row id (the tie-breaker of history pagination).
    pub id: i64,
    /// Exchange fill id (the dedupe key).
    pub fill_id: String,
    /// Legacy twin of `fill_id`.
    pub trade_id: String,
    /// Order that filled.
    pub order_id: String,
    /// Market ticker.
    pub ticker: String,
    /// Deprecated V1 side, if sent.
    pub side: Option<OutcomeSide>,
    /// Deprecated V1 action, if sent.
    pub action: Option<Action>,
    /// Exposure the fill gave.
    pub outcome_side: OutcomeSide,
    /// Side of the YES book.
    pub book_side: BookSide,
    /// Contracts filled.
    pub count: Count,
    /// Price on the YES leg.
    pub yes_price: Price,
    /// Price on the NO leg.
    pub no_price: Price,
    /// True if the fill took liquidity.
    pub is_taker: bool,
    /// Execution time (from `created_time`, else the legacy `ts`).
    pub created_time: OffsetDateTime,
    /// Fee charged.
    pub fee_cost: Money,
    /// Subaccount.
    pub subaccount_number: Option<i32>,
    /// Exchange shard.
    pub exchange_index: i32,
    /// Legacy execution time in Unix seconds, if sent.
    pub ts: Option<i64>,
}

/// `fills` as SQLite returns it, before checking.
#[derive(Debug, FromRow)]
pub(crate) struct RawFill {
    pub(crate) id: i64,
    fill_id: String,
    trade_id: String,
    order_id: String,
    ticker: String,
    side: Option<String>,
    action: Option<String>,
    outcome_side: String,
    book_side: String,
    count: i64,
    yes_price: i64,
    no_price: i64,
    is_taker: bool,
    pub(crate) created_ms: i64,
    fee_cost: i64,
    subaccount_number: Option<i64>,
    exchange_index: i64,
    ts: Option<i64>,
}

impl TryFrom<RawFill> for FillRow {
    type Error = crate::StoreError;

    fn try_from(r: RawFill) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            side: opt_wire(TABLE, "side", r.side.as_deref(), OutcomeSide::from_wire)?,
            action: opt_wire(TABLE, "action", r.action.as_deref(), Action::from_wire)?,
            outcome_side: wire(
                TABLE,
                "outcome_side",
                &r.outcome_side,
                OutcomeSide::from_wire,
            )?,
            book_side: wire(TABLE, "book_side", &r.book_side, BookSide::from_wire)?,
            count: Count::from_units(r.count),
            yes_price: price(TABLE, "yes_price", r.yes_price)?,
            no_price: price(TABLE, "no_price", r.no_price)?,
            is_taker: r.is_taker,
            created_time: from_ms(TABLE, "created_ms", r.created_ms)?,
            fee_cost: Money::from_units(r.fee_cost),
            subaccount_number: opt_small(TABLE, "subaccount_number", r.subaccount_number)?,
            exchange_index: small(TABLE, "exchange_index", r.exchange_index)?,
            ts: r.ts,
            fill_id: r.fill_id,
            trade_id: r.trade_id,
            order_id: r.order_id,
            ticker: r.ticker,
        })
    }
}
