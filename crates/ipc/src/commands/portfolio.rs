//! The portfolio page: balance, positions with their P&L, P&L per market, the value and
//! P&L series over time, settlements. All of it answers offline from the store (marked
//! stale).

use serde::{Deserialize, Serialize};

use super::command;
use crate::{Count, Money, Price};

/// An open position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionView {
    /// The market.
    pub ticker: String,
    /// Signed contracts: above zero long YES, below zero long NO.
    pub position: Count,
    /// What the position cost per contract (exposure ÷ contracts, rounded to $0.000001,
    /// hence `Money`, not a tick price); `None` when flat.
    pub average_price: Option<Money>,
    /// What the position cost.
    pub market_exposure: Money,
    /// The YES price it is marked at (last traded); `None` when unknown.
    pub mark_price: Option<Price>,
    /// Mark value minus cost; `None` without a mark.
    pub unrealized_pnl: Option<Money>,
    /// P&L already realised in this market (closed contracts).
    pub realized_pnl: Money,
    /// Fees paid in this market.
    pub fees_paid: Money,
    /// Value traded in this market.
    pub total_traded: Money,
    /// The exchange's last change to the position; `None` when it did not say (live
    /// updates).
    pub updated_ms: Option<i64>,
}

/// The portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioView {
    /// Available cash; `None` if never fetched in this environment.
    pub balance: Option<Money>,
    /// Cash plus the mark value of the positions.
    pub portfolio_value: Option<Money>,
    /// When the balance figures were taken.
    pub as_of_ms: Option<i64>,
    /// Open positions, by ticker.
    pub positions: Vec<PositionView>,
    /// True when the figures may be out of date (the session is offline).
    pub stale: bool,
}

/// Balance, portfolio value and positions. `invoke("get_portfolio", {"request": {}})`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPortfolio {}
command!(GetPortfolio => "get_portfolio", PortfolioView);

/// How a market settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementResult {
    /// YES won.
    Yes,
    /// NO won.
    No,
    /// Scalar payout per YES contract.
    Scalar,
    /// Voided (legacy): stakes returned.
    Void,
}

/// A settled market's outcome, as it enters its P&L.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledAs {
    /// The result.
    pub result: SettlementResult,
    /// What one YES contract paid; `None` for a void, or a scalar without a value.
    pub yes_payout: Option<Price>,
    /// When it settled.
    pub settled_ms: i64,
}

/// Which figures a market's P&L comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PnlBasis {
    /// The stored fills plus the payout or the mark: complete as far as the app can tell.
    Fills,
    /// The settlement's own figures (revenue − cost − fee), because the stored fills do
    /// not add up to the settled position (older fills are in the exchange's archive and
    /// were not imported). Round trips closed before settlement are not counted.
    Settlement,
}

/// P&L of one market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketPnl {
    /// The market.
    pub ticker: String,
    /// Fills recorded.
    pub fills: u64,
    /// Contracts bought on the YES book.
    pub bought: Count,
    /// Contracts sold on the YES book.
    pub sold: Count,
    /// `bought − sold`: above zero long YES, below zero long NO.
    pub net_position: Count,
    /// Cash from the fills on the YES leg (negative = paid).
    pub trading_cash: Money,
    /// Fill fees plus settlement fees.
    pub fees: Money,
    /// Set once the market settled.
    pub settlement: Option<SettledAs>,
    /// The YES price an open position is marked at.
    pub mark_price: Option<Price>,
    /// The P&L; `None` when no value is known (open market without a price, void).
    pub pnl: Option<Money>,
    /// True when `pnl` is final (settled), false when marked.
    pub realized: bool,
    /// What `pnl` was computed from.
    pub basis: PnlBasis,
}

/// P&L of every market with fills or a settlement, or only of `tickers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PnlByMarket {
    /// Only these markets; `None` for all.
    pub tickers: Option<Vec<String>>,
}
command!(PnlByMarket => "pnl_by_market", Vec<MarketPnl>);

/// The portfolio at one moment (a recorded snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioPoint {
    /// When the figures were taken.
    pub at_ms: i64,
    /// Available cash.
    pub balance: Money,
    /// Cash plus the mark value of the positions.
    pub portfolio_value: Money,
}

/// Realised P&L of the markets that settled on one UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyPnl {
    /// Midnight UTC starting the day.
    pub day_ms: i64,
    /// Sum of that day's settled markets' P&L.
    pub pnl: Money,
    /// Markets that settled that day.
    pub markets: u32,
    /// Realised P&L of every day up to and including this one.
    pub cumulative: Money,
}

/// The value and P&L charts' data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioHistory {
    /// Portfolio value over time, oldest first.
    pub points: Vec<PortfolioPoint>,
    /// Realised P&L per day, oldest first.
    pub daily_pnl: Vec<DailyPnl>,
}

/// Portfolio value and realised P&L over `[from_ms, until_ms)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioSeries {
    /// Inclusive start.
    pub from_ms: Option<i64>,
    /// Exclusive end.
    pub until_ms: Option<i64>,
}
command!(PortfolioSeries => "portfolio_series", PortfolioHistory);

/// A settled market position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementView {
    /// The market.
    pub ticker: String,
    /// Its event.
    pub event_ticker: String,
    /// How it resolved.
    pub result: SettlementResult,
    /// YES contracts held at settlement.
    pub yes_count: Count,
    /// What they cost.
    pub yes_total_cost: Money,
    /// NO contracts held at settlement.
    pub no_count: Count,
    /// What they cost.
    pub no_total_cost: Money,
    /// Payout received.
    pub revenue: Money,
    /// Fee charged at settlement.
    pub fee: Money,
    /// Payout per YES contract, if reported.
    pub value: Option<Price>,
    /// When it was paid out.
    pub settled_ms: i64,
}

/// Settlements in `[from_ms, until_ms)`, newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlements {
    /// Inclusive start.
    pub from_ms: Option<i64>,
    /// Exclusive end.
    pub until_ms: Option<i64>,
}
command!(Settlements => "settlements", Vec<SettlementView>);
