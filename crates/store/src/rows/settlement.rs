//! `settlements` rows: binding a `kalshi::model::settlement::Settlement`, and reading a
//! [`SettlementRow`].

use kalshi::model::settlement::{Settlement, SettlementResult};
use kalshi::model::{Count, Money, Price};
use sqlx::query_builder::Separated;
use sqlx::{FromRow, Sqlite};
use time::OffsetDateTime;

use super::{decode, from_ms, small, to_unix_ms, wire};
use crate::error::StoreResult;

const TABLE: &str = "settlements";

/// Columns written on insert, in [`bind`] order.
pub(crate) const INSERT_COLUMNS: &[&str] = &[
    "scope_id",
    "ticker",
    "event_ticker",
    "exchange_index",
    "market_result",
    "yes_count",
    "yes_total_cost",
    "no_count",
    "no_total_cost",
    "revenue_cents",
    "settled_ms",
    "fee_cost",
    "value_cents",
];

/// Columns an update may change (everything but the key).
pub(crate) fn update_columns() -> &'static [&'static str] {
    &INSERT_COLUMNS[2..]
}

/// Columns read back, matching [`RawSettlement`].
pub(crate) const SELECT_COLUMNS: &str = "ticker, event_ticker, exchange_index, market_result, \
    yes_count, yes_total_cost, no_count, no_total_cost, revenue_cents, settled_ms, fee_cost, \
    value_cents";

/// Pushes one settlement's values in [`INSERT_COLUMNS`] order.
pub(crate) fn bind<'q>(
    b: &mut Separated<'_, 'q, Sqlite, &'static str>,
    scope_id: i64,
    s: &'q Settlement,
) {
    b.push_bind(scope_id)
        .push_bind(s.ticker.as_str())
        .push_bind(s.event_ticker.as_str())
        .push_bind(s.exchange_index)
        .push_bind(s.market_result.as_str())
        .push_bind(s.yes_count_fp.units())
        .push_bind(s.yes_total_cost_dollars.units())
        .push_bind(s.no_count_fp.units())
        .push_bind(s.no_total_cost_dollars.units())
        .push_bind(s.revenue)
        .push_bind(to_unix_ms(s.settled_time))
        .push_bind(s.fee_cost.units())
        .push_bind(s.value);
}

/// A settled market position as stored. Cent amounts of the wire are converted to
/// [`Money`] / [`Price`] here.
#[derive(Debug, Clone, PartialEq)]
pub struct SettlementRow {
    /// Market ticker.
    pub ticker: String,
    /// Event ticker.
    pub event_ticker: String,
    /// Shard.
    pub exchange_index: i32,
    /// How the market resolved.
    pub market_result: SettlementResult,
    /// YES contracts held at settlement.
    pub yes_count: Count,
    /// Cost of those YES contracts.
    pub yes_total_cost: Money,
    /// NO contracts held at settlement.
    pub no_count: Count,
    /// Cost of those NO contracts.
    pub no_total_cost: Money,
    /// Payout received (the wire's integer cents, exactly).
    pub revenue: Money,
    /// When payouts were made.
    pub settled_time: OffsetDateTime,
    /// Fees charged at settlement.
    pub fee_cost: Money,
    /// Payout per YES contract (the wire's `value` cents), if reported.
    pub value: Option<Price>,
}

impl SettlementRow {
    /// What one YES contract paid: $1 on YES, $0 on NO, `value` for a scalar market;
    /// `None` for a voided market or a scalar without a value.
    pub fn yes_payout(&self) -> Option<Price> {
        match self.market_result {
            SettlementResult::Yes => Some(Price::ONE),
            SettlementResult::No => Some(Price::ZERO),
            SettlementResult::Scalar => self.value,
            SettlementResult::Void => None,
        }
    }
}

/// `settlements` as SQLite returns it, before checking.
#[derive(Debug, FromRow)]
pub(crate) struct RawSettlement {
    ticker: String,
    event_ticker: String,
    exchange_index: i64,
    market_result: String,
    yes_count: i64,
    yes_total_cost: i64,
    no_count: i64,
    no_total_cost: i64,
    revenue_cents: i64,
    settled_ms: i64,
    fee_cost: i64,
    value_cents: Option<i64>,
}

impl TryFrom<RawSettlement> for SettlementRow {
    type Error = crate::StoreError;

    fn try_from(r: RawSettlement) -> StoreResult<Self> {
        let cents = |column: &str, c: i64| {
            c.checked_mul(10_000)
                .map(Money::from_units)
                .ok_or_else(|| decode(TABLE, column, format!("{c} cents overflows")))
        };
        let value = match r.value_cents {
            None => None,
            Some(c) if (0..=i64::MAX / 100).contains(&c) => Some(Price::from_units(c * 100)),
            Some(c) => {
                return Err(decode(
                    TABLE,
                    "value_cents",
                    format!("bad payout {c} cents"),
                ));
            }
        };
        Ok(Self {
            exchange_index: small(TABLE, "exchange_index", r.exchange_index)?,
            market_result: wire(
                TABLE,
                "market_result",
                &r.market_result,
                SettlementResult::from_wire,
            )?,
            yes_count: Count::from_units(r.yes_count),
            yes_total_cost: Money::from_units(r.yes_total_cost),
            no_count: Count::from_units(r.no_count),
            no_total_cost: Money::from_units(r.no_total_cost),
            revenue: cents("revenue_cents", r.revenue_cents)?,
            settled_time: from_ms(TABLE, "settled_ms", r.settled_ms)?,
            fee_cost: Money::from_units(r.fee_cost),
            value,
            ticker: r.ticker,
            event_ticker: r.event_ticker,
        })
    }
}
