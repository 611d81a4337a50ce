//! Balance, positions, P&L and settlements as the portfolio page shows them.

use ipc::commands::portfolio as ui;
use kalshi::model::portfolio::MarketPosition;
use kalshi::model::settlement::SettlementResult;
use kalshi::model::ws::MarketPosition as LivePosition;
use kalshi::model::{Count, Money, Price};
use store::{PnlBasis, PositionRow, SettlementRow};

use super::ms;
use crate::portfolio::Portfolio;

/// Exposure ÷ contracts, to the money unit (truncated toward zero).
fn average(exposure: Money, position: Count) -> Option<Money> {
    let contracts = position.abs().units();
    if contracts == 0 {
        return None;
    }
    // Money units per contract: exposure units × 100 (count units per contract) ÷ count.
    let per = i128::from(exposure.units()) * 100 / i128::from(contracts);
    i64::try_from(per).ok().map(Money::from_units)
}

/// Mark value of `position` at YES price `mark`, minus what it cost.
fn unrealized(position: Count, exposure: Money, mark: Option<Price>) -> Option<Money> {
    Money::unrealized(position, exposure, mark?)
}

/// A stored position, marked at `mark` (the last traded YES price, when known).
pub fn stored_position_view(p: &PositionRow, mark: Option<Price>) -> ui::PositionView {
    ui::PositionView {
        ticker: p.ticker.clone(),
        position: p.position,
        average_price: average(p.market_exposure, p.position),
        market_exposure: p.market_exposure,
        mark_price: mark,
        unrealized_pnl: unrealized(p.position, p.market_exposure, mark),
        realized_pnl: p.realized_pnl,
        fees_paid: p.fees_paid,
        total_traded: p.total_traded,
        updated_ms: Some(ms(p.last_updated)),
    }
}

/// A position as the exchange reported it over REST.
pub fn position_view(p: &MarketPosition) -> ui::PositionView {
    ui::PositionView {
        ticker: p.ticker.clone(),
        position: p.position_fp,
        average_price: average(p.market_exposure_dollars, p.position_fp),
        market_exposure: p.market_exposure_dollars,
        mark_price: None,
        unrealized_pnl: None,
        realized_pnl: p.realized_pnl_dollars,
        fees_paid: p.fees_paid_dollars,
        total_traded: p.total_traded_dollars,
        updated_ms: Some(ms(p.last_updated_ts)),
    }
}

/// A position from the live `market_position` message (no update time, no total traded).
pub(crate) fn live_position_view(p: &LivePosition) -> ui::PositionView {
    ui::PositionView {
        ticker: p.market_ticker.clone(),
        position: p.position_fp,
        average_price: average(p.position_cost_dollars, p.position_fp),
        market_exposure: p.position_cost_dollars,
        mark_price: None,
        unrealized_pnl: None,
        realized_pnl: p.realized_pnl_dollars,
        fees_paid: p.fees_paid_dollars,
        total_traded: Money::ZERO,
        updated_ms: None,
    }
}

/// The portfolio page, positions marked with `mark(ticker)`.
pub fn portfolio_view(p: &Portfolio, mark: impl Fn(&str) -> Option<Price>) -> ui::PortfolioView {
    ui::PortfolioView {
        balance: p.balance,
        portfolio_value: p.portfolio_value,
        as_of_ms: p.as_of.map(ms),
        positions: p
            .positions
            .iter()
            .map(|row| stored_position_view(row, mark(&row.ticker)))
            .collect(),
        stale: p.stale,
    }
}

fn result(r: SettlementResult) -> ui::SettlementResult {
    match r {
        SettlementResult::Yes => ui::SettlementResult::Yes,
        SettlementResult::No => ui::SettlementResult::No,
        SettlementResult::Scalar => ui::SettlementResult::Scalar,
        SettlementResult::Void => ui::SettlementResult::Void,
    }
}

/// One market's P&L.
pub fn market_pnl(m: &store::MarketPnl) -> ui::MarketPnl {
    ui::MarketPnl {
        ticker: m.ticker.clone(),
        fills: u64::try_from(m.fills).unwrap_or(0),
        bought: m.bought,
        sold: m.sold,
        net_position: m.net_position,
        trading_cash: m.trading_cash,
        fees: m.fees,
        settlement: m.settlement.map(|s| ui::SettledAs {
            result: result(s.result),
            yes_payout: s.yes_payout,
            settled_ms: ms(s.settled_time),
        }),
        mark_price: m.mark_price,
        pnl: m.pnl,
        realized: m.realized,
        basis: match m.basis {
            PnlBasis::Fills => ui::PnlBasis::Fills,
            PnlBasis::Settlement => ui::PnlBasis::Settlement,
        },
    }
}

/// One day's realised P&L.
pub fn daily_pnl(d: &store::DailyPnl) -> ui::DailyPnl {
    ui::DailyPnl {
        day_ms: ms(d.day.midnight().assume_utc()),
        pnl: d.pnl,
        markets: d.markets,
        cumulative: d.cumulative,
    }
}

/// One portfolio snapshot.
pub fn portfolio_point(p: &store::PortfolioPoint) -> ui::PortfolioPoint {
    ui::PortfolioPoint {
        at_ms: ms(p.captured_at),
        balance: p.balance,
        portfolio_value: p.portfolio_value,
    }
}

/// One settlement.
pub fn settlement_view(s: &SettlementRow) -> ui::SettlementView {
    ui::SettlementView {
        ticker: s.ticker.clone(),
        event_ticker: s.event_ticker.clone(),
        result: result(s.market_result),
        yes_count: s.yes_count,
        yes_total_cost: s.yes_total_cost,
        no_count: s.no_count,
        no_total_cost: s.no_total_cost,
        revenue: s.revenue,
        fee: s.fee_cost,
        value: s.value,
        settled_ms: ms(s.settled_time),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_and_unrealized_are_exact() {
        let exposure = Money::parse("1.2000").unwrap();
        let three = Count::from_contracts(3);
        assert_eq!(average(exposure, three), Some(Money::parse("0.4").unwrap()));
        assert_eq!(average(exposure, Count::ZERO), None, "flat has no average");
        let mark = Price::parse("0.5").unwrap();
        assert_eq!(
            unrealized(three, exposure, Some(mark)),
            Some(Money::parse("0.3").unwrap()),
            "3 × 0.50 − 1.20"
        );
        let short = Count::from_contracts(-3);
        assert_eq!(
            unrealized(short, exposure, Some(Price::parse("0.2").unwrap())),
            Some(Money::parse("1.2").unwrap()),
            "long NO is marked at 1 − YES: 3 × 0.80 − 1.20"
        );
    }
}
