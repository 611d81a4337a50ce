//! `portfolio_snapshots` rows: the [`NewSnapshot`] input and the [`SnapshotRow`] read back.

use kalshi::model::Money;
use kalshi::model::portfolio::{GetBalanceResponse, MarketPosition};
use sqlx::FromRow;
use time::OffsetDateTime;

use super::{decode, from_ms};
use crate::error::{StoreError, StoreResult};

const TABLE: &str = "portfolio_snapshots";

/// Columns read back, matching [`RawSnapshot`].
pub(crate) const SELECT_COLUMNS: &str = "id, captured_ms, balance, portfolio_value, positions_json";

/// The portfolio at one moment, to be recorded (the offline portfolio view and the value
/// chart are drawn from these).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSnapshot {
    /// When the figures were taken.
    pub captured_at: OffsetDateTime,
    /// Available cash, exact.
    pub balance: Money,
    /// Cash plus the mark value of positions.
    pub portfolio_value: Money,
    /// Open positions at that moment.
    pub positions: Vec<MarketPosition>,
}

impl NewSnapshot {
    /// A snapshot from `GET /portfolio/balance` and the positions list: the balance is the
    /// exact `balance_dollars`, the portfolio value the wire's integer cents.
    pub fn from_balance(
        balance: &GetBalanceResponse,
        positions: Vec<MarketPosition>,
        captured_at: OffsetDateTime,
    ) -> Self {
        Self {
            captured_at,
            balance: balance.balance_dollars,
            portfolio_value: Money::from_cents(balance.portfolio_value),
            positions,
        }
    }

    /// The positions as the JSON stored in `positions_json`.
    pub(crate) fn positions_json(&self) -> StoreResult<String> {
        serde_json::to_string(&self.positions).map_err(|e| StoreError::Encode {
            what: "snapshot positions",
            reason: e.to_string(),
        })
    }
}

/// A recorded snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRow {
    /// Store row id.
    pub id: i64,
    /// When the figures were taken.
    pub captured_at: OffsetDateTime,
    /// Available cash.
    pub balance: Money,
    /// Cash plus the mark value of positions.
    pub portfolio_value: Money,
    /// Open positions at that moment.
    pub positions: Vec<MarketPosition>,
}

/// `portfolio_snapshots` as SQLite returns it, before checking.
#[derive(Debug, FromRow)]
pub(crate) struct RawSnapshot {
    id: i64,
    captured_ms: i64,
    balance: i64,
    portfolio_value: i64,
    positions_json: String,
}

impl TryFrom<RawSnapshot> for SnapshotRow {
    type Error = StoreError;

    fn try_from(r: RawSnapshot) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            captured_at: from_ms(TABLE, "captured_ms", r.captured_ms)?,
            balance: Money::from_units(r.balance),
            portfolio_value: Money::from_units(r.portfolio_value),
            positions: serde_json::from_str(&r.positions_json)
                .map_err(|e| decode(TABLE, "positions_json", e.to_string()))?,
        })
    }
}

/// One point of the portfolio value series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortfolioPoint {
    /// When the figures were taken.
    pub captured_at: OffsetDateTime,
    /// Available cash.
    pub balance: Money,
    /// Cash plus the mark value of positions.
    pub portfolio_value: Money,
}

/// `portfolio_snapshots` series columns as SQLite returns them.
#[derive(Debug, FromRow)]
pub(crate) struct RawPoint {
    captured_ms: i64,
    balance: i64,
    portfolio_value: i64,
}

impl TryFrom<RawPoint> for PortfolioPoint {
    type Error = StoreError;

    fn try_from(r: RawPoint) -> StoreResult<Self> {
        Ok(Self {
            captured_at: from_ms(TABLE, "captured_ms", r.captured_ms)?,
            balance: Money::from_units(r.balance),
            portfolio_value: Money::from_units(r.portfolio_value),
        })
    }
}
