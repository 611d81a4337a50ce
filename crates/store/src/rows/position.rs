//! `positions` rows: binding a `kalshi::model::portfolio::MarketPosition`, and reading a
//! [`PositionRow`].

use kalshi::model::portfolio::MarketPosition;
use kalshi::model::{Count, Money};
use sqlx::query_builder::Separated;
use sqlx::{FromRow, Sqlite};
use time::OffsetDateTime;

use super::{from_ms, small, to_unix_ms};
use crate::error::StoreResult;

const TABLE: &str = "positions";

/// Columns written on insert, in [`bind`] order.
pub(crate) const INSERT_COLUMNS: &[&str] = &[
    "scope_id",
    "ticker",
    "exchange_index",
    "total_traded",
    "position",
    "market_exposure",
    "realized_pnl",
    "fees_paid",
    "last_updated_ms",
];

/// Columns an update may change (everything but the key).
pub(crate) fn update_columns() -> &'static [&'static str] {
    &INSERT_COLUMNS[2..]
}

/// Columns read back, matching [`RawPosition`].
pub(crate) const SELECT_COLUMNS: &str = "ticker, exchange_index, total_traded, position, \
    market_exposure, realized_pnl, fees_paid, last_updated_ms";

/// Pushes one position's values in [`INSERT_COLUMNS`] order.
pub(crate) fn bind<'q>(
    b: &mut Separated<'_, 'q, Sqlite, &'static str>,
    scope_id: i64,
    p: &'q MarketPosition,
) {
    b.push_bind(scope_id)
        .push_bind(p.ticker.as_str())
        .push_bind(p.exchange_index)
        .push_bind(p.total_traded_dollars.units())
        .push_bind(p.position_fp.units())
        .push_bind(p.market_exposure_dollars.units())
        .push_bind(p.realized_pnl_dollars.units())
        .push_bind(p.fees_paid_dollars.units())
        .push_bind(to_unix_ms(p.last_updated_ts));
}

/// An open position as stored; `position` > 0 is long YES, < 0 long NO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionRow {
    /// Market ticker.
    pub ticker: String,
    /// Shard.
    pub exchange_index: i32,
    /// Value traded in the market.
    pub total_traded: Money,
    /// Signed contracts.
    pub position: Count,
    /// Cost of the position.
    pub market_exposure: Money,
    /// Realised P&L.
    pub realized_pnl: Money,
    /// Fees paid.
    pub fees_paid: Money,
    /// Last change reported by the exchange.
    pub last_updated: OffsetDateTime,
}

/// `positions` as SQLite returns it, before checking.
#[derive(Debug, FromRow)]
pub(crate) struct RawPosition {
    ticker: String,
    exchange_index: i64,
    total_traded: i64,
    position: i64,
    market_exposure: i64,
    realized_pnl: i64,
    fees_paid: i64,
    last_updated_ms: i64,
}

impl TryFrom<RawPosition> for PositionRow {
    type Error = crate::StoreError;

    fn try_from(r: RawPosition) -> StoreResult<Self> {
        Ok(Self {
            exchange_index: small(TABLE, "exchange_index", r.exchange_index)?,
            total_traded: Money::from_units(r.total_traded),
            position: Count::from_units(r.position),
            market_exposure: Money::from_units(r.market_exposure),
            realized_pnl: Money::from_units(r.realized_pnl),
            fees_paid: Money::from_units(r.fees_paid),
            last_updated: from_ms(TABLE, "last_updated_ms", r.last_updated_ms)?,
            ticker: r.ticker,
        })
    }
}
