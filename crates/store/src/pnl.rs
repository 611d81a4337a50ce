//! Profit and loss from stored fills and settlements: per market, and realised per day.
//!
//! Accounting is on the YES leg, which is exact for netted positions: a `bid` fill pays
//! `yes_price × count`, an `ask` fill receives it (selling YES and buying NO at `1 − p`
//! differ by exactly $1 per contract, which the settlement of the negative position
//! gives back). A market's P&L is then `cash − fees + net_position × yes_value`, where
//! the YES value is the settlement payout once settled, else the last traded price from
//! the market cache (a marked, unrealised figure).
//!
//! Kalshi moves fills older than its historical cutoff out of the live listings, so a
//! store can hold a settlement without all the fills that built its position. Adding the
//! payout to incomplete trading cash would count the whole payout as profit; such a
//! market's P&L comes from the settlement's own cost and revenue instead (see
//! [`PnlBasis`]).

use std::collections::{BTreeMap, HashMap};

use kalshi::model::market::Market;
use kalshi::model::settlement::SettlementResult;
use kalshi::model::{Count, Money, Price};
use sqlx::{FromRow, QueryBuilder, Sqlite};
use time::{Date, OffsetDateTime};

use crate::db::Store;
use crate::error::{StoreError, StoreResult, db_err};
use crate::filter::{TickerFilter, TimeRange};
use crate::rows::settlement::SettlementRow;
use crate::scope::Scope;

/// How a settled market paid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettledAs {
    /// The result.
    pub result: SettlementResult,
    /// What one YES contract paid (`None` for a void, or a scalar without a value).
    pub yes_payout: Option<Price>,
    /// When it settled.
    pub settled_time: OffsetDateTime,
}

/// Which figures a market's P&L was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PnlBasis {
    /// The stored fills (their cash and fees) plus the payout or the mark: complete as far
    /// as the store can tell, because the fills add up to the position the exchange reports
    /// (or the market has not settled).
    Fills,
    /// The stored fills do not add up to the position the settlement reports (older fills
    /// are missing, e.g. past Kalshi's historical cutoff), so the P&L is the settlement's
    /// own figures: revenue − cost of the contracts held at settlement − settlement fee.
    /// It covers the position held to settlement; round trips closed before it and their
    /// trading fees are not known and not counted.
    Settlement,
}

/// P&L of one market.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketPnl {
    /// Market ticker.
    pub ticker: String,
    /// Fills recorded.
    pub fills: i64,
    /// Contracts bought on the YES book (`bid` fills).
    pub bought: Count,
    /// Contracts sold on the YES book (`ask` fills).
    pub sold: Count,
    /// `bought − sold`: > 0 long YES, < 0 long NO.
    pub net_position: Count,
    /// Cash from fills on the YES leg (negative = paid).
    pub trading_cash: Money,
    /// Fill fees plus settlement fees.
    pub fees: Money,
    /// Set once the market settled.
    pub settlement: Option<SettledAs>,
    /// YES value used for an open position: the cached last price.
    pub mark_price: Option<Price>,
    /// `trading_cash − fees + net_position × YES value`; `None` when no value is known
    /// (open market not in the cache, voided market).
    pub pnl: Option<Money>,
    /// True when `pnl` is final (settled), false when marked.
    pub realized: bool,
    /// What `pnl` was computed from.
    pub basis: PnlBasis,
}

/// Realised P&L of the markets that settled on one UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyPnl {
    /// The UTC day.
    pub day: Date,
    /// Sum of the day's settled markets' P&L.
    pub pnl: Money,
    /// Markets that settled that day.
    pub markets: u32,
    /// Realised P&L of all days up to and including this one.
    pub cumulative: Money,
}

/// Per-ticker fill aggregates.
#[derive(Debug, FromRow)]
struct FillTotals {
    ticker: String,
    fills: i64,
    bought: i64,
    sold: i64,
    cash: i64,
    fees: i64,
    unknown_sides: i64,
}

impl Store {
    /// P&L of every market with fills or a settlement (optionally only `tickers`), by
    /// ticker.
    ///
    /// # Errors
    /// [`StoreError::Query`], [`StoreError::Decode`] (e.g. an unknown book side in
    /// `fills`), or [`StoreError::Encode`] if a sum overflows.
    pub async fn pnl_by_market(
        &self,
        scope: &Scope,
        tickers: Option<&TickerFilter>,
    ) -> StoreResult<Vec<MarketPnl>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(Vec::new());
        };
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT ticker, COUNT(*) AS fills, \
             SUM(CASE book_side WHEN 'bid' THEN count ELSE 0 END) AS bought, \
             SUM(CASE book_side WHEN 'ask' THEN count ELSE 0 END) AS sold, \
             SUM(CASE book_side WHEN 'bid' THEN -yes_price * count ELSE yes_price * count END) AS cash, \
             SUM(fee_cost) AS fees, \
             SUM(book_side NOT IN ('bid', 'ask')) AS unknown_sides \
             FROM fills WHERE scope_id = ",
        );
        qb.push_bind(scope_id);
        if let Some(tickers) = tickers {
            tickers.push_conditions(&mut qb, "ticker");
        }
        qb.push(" GROUP BY ticker");
        let totals: Vec<FillTotals> = qb
            .build_query_as()
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("fills", "summing fills per market"))?;

        let mut settlements: HashMap<String, SettlementRow> = self
            .settlements(scope, &TimeRange::ALL)
            .await?
            .into_iter()
            .filter(|s| tickers.is_none_or(|t| t.matches(&s.ticker)))
            .map(|s| (s.ticker.clone(), s))
            .collect();

        let mut out = BTreeMap::new();
        for t in totals {
            if t.unknown_sides > 0 {
                return Err(StoreError::Decode {
                    table: "fills",
                    column: "book_side".to_owned(),
                    reason: format!(
                        "{} fills of {} have an unknown book side",
                        t.unknown_sides, t.ticker
                    ),
                });
            }
            let settlement = settlements.remove(&t.ticker);
            let pnl = MarketPnl {
                ticker: t.ticker.clone(),
                fills: t.fills,
                bought: Count::from_units(t.bought),
                sold: Count::from_units(t.sold),
                net_position: Count::from_units(t.bought - t.sold),
                trading_cash: Money::from_units(t.cash),
                fees: Money::from_units(t.fees),
                settlement: None,
                mark_price: None,
                pnl: None,
                realized: false,
                basis: PnlBasis::Fills,
            };
            out.insert(t.ticker, (pnl, settlement));
        }
        // Settled markets whose fills were never synced still show their settlement.
        for (ticker, s) in settlements {
            let pnl = MarketPnl {
                ticker: ticker.clone(),
                fills: 0,
                bought: Count::ZERO,
                sold: Count::ZERO,
                net_position: Count::ZERO,
                trading_cash: Money::ZERO,
                fees: Money::ZERO,
                settlement: None,
                mark_price: None,
                pnl: None,
                realized: false,
                basis: PnlBasis::Fills,
            };
            out.insert(ticker, (pnl, Some(s)));
        }

        let open: Vec<&str> = out
            .values()
            .filter(|(_, s)| s.is_none())
            .map(|(p, _)| p.ticker.as_str())
            .collect();
        let marks = self.last_prices(scope_id, &open).await?;

        let mut result = Vec::with_capacity(out.len());
        for (_, (mut p, settlement)) in out {
            match settlement {
                Some(s) => settle(&mut p, &s)?,
                None => {
                    p.mark_price = marks.get(&p.ticker).copied();
                    p.pnl = match p.mark_price {
                        Some(mark) => Some(value(&p, mark)?),
                        None => None,
                    };
                }
            }
            result.push(p);
        }
        Ok(result)
    }

    /// Realised P&L per UTC day of settlement, for markets settled within `range`.
    ///
    /// # Errors
    /// As [`Store::pnl_by_market`].
    pub async fn pnl_by_day(&self, scope: &Scope, range: &TimeRange) -> StoreResult<Vec<DailyPnl>> {
        let markets = self.pnl_by_market(scope, None).await?;
        let mut days: BTreeMap<Date, (Money, u32)> = BTreeMap::new();
        let mut before = Money::ZERO;
        for m in markets {
            let (Some(s), Some(pnl)) = (m.settlement, m.pnl) else {
                continue;
            };
            if range.until.is_some_and(|until| s.settled_time >= until) {
                continue;
            }
            if range.from.is_some_and(|from| s.settled_time < from) {
                before = add(before, pnl)?;
                continue;
            }
            let day = days
                .entry(s.settled_time.to_offset(time::UtcOffset::UTC).date())
                .or_insert((Money::ZERO, 0));
            day.0 = add(day.0, pnl)?;
            day.1 += 1;
        }
        let mut cumulative = before;
        let mut out = Vec::with_capacity(days.len());
        for (day, (pnl, markets)) in days {
            cumulative = add(cumulative, pnl)?;
            out.push(DailyPnl {
                day,
                pnl,
                markets,
                cumulative,
            });
        }
        Ok(out)
    }

    /// Last traded prices of the cached markets among `tickers`.
    async fn last_prices(
        &self,
        scope_id: i64,
        tickers: &[&str],
    ) -> StoreResult<HashMap<String, Price>> {
        if tickers.is_empty() {
            return Ok(HashMap::new());
        }
        let list = serde_json::to_string(tickers).map_err(|e| StoreError::Encode {
            what: "tickers",
            reason: e.to_string(),
        })?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT ticker, json FROM markets WHERE scope_id = ? \
             AND ticker IN (SELECT value FROM json_each(?))",
        )
        .bind(scope_id)
        .bind(list)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err("markets", "reading marks"))?;
        rows.into_iter()
            .map(|(ticker, json)| {
                let market: Market =
                    serde_json::from_str(&json).map_err(|e| StoreError::Decode {
                        table: "markets",
                        column: "json".to_owned(),
                        reason: e.to_string(),
                    })?;
                Ok((ticker, market.last_price_dollars))
            })
            .collect()
    }
}

/// Fills in a settled market's figures.
fn settle(p: &mut MarketPnl, s: &SettlementRow) -> StoreResult<()> {
    let yes_payout = s.yes_payout();
    p.settlement = Some(SettledAs {
        result: s.market_result,
        yes_payout,
        settled_time: s.settled_time,
    });
    p.fees = add(p.fees, s.fee_cost)?;
    p.realized = true;
    // The exchange's own count of what was held at settlement is authoritative; fills
    // that do not add up to it are incomplete.
    let held = Count::from_units(s.yes_count.units() - s.no_count.units());
    if held != p.net_position {
        p.net_position = held;
        p.basis = PnlBasis::Settlement;
        p.pnl = Some(settlement_pnl(s)?);
        return Ok(());
    }
    p.pnl = match yes_payout {
        Some(payout) => Some(value(p, payout)?),
        None => None,
    };
    Ok(())
}

/// `revenue − yes cost − no cost − settlement fee`: the settlement's own P&L of the
/// contracts held at settlement.
fn settlement_pnl(s: &SettlementRow) -> StoreResult<Money> {
    s.revenue
        .checked_sub(s.yes_total_cost)
        .and_then(|m| m.checked_sub(s.no_total_cost))
        .and_then(|m| m.checked_sub(s.fee_cost))
        .ok_or_else(overflow)
}

/// `trading_cash − fees + net_position × yes_value`.
fn value(p: &MarketPnl, yes_value: Price) -> StoreResult<Money> {
    let held = Money::cost(yes_value, p.net_position.abs()).ok_or_else(overflow)?;
    let held = if p.net_position.is_negative() {
        -held
    } else {
        held
    };
    p.trading_cash
        .checked_sub(p.fees)
        .and_then(|m| m.checked_add(held))
        .ok_or_else(overflow)
}

fn add(a: Money, b: Money) -> StoreResult<Money> {
    a.checked_add(b).ok_or_else(overflow)
}

fn overflow() -> StoreError {
    StoreError::Encode {
        what: "P&L",
        reason: "sum out of range".to_owned(),
    }
}
