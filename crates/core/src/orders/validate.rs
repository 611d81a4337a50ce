//! Order checks made before anything is sent: price range and grid, count, market status
//! and balance (cost plus worst-case fee). Pure functions of the ticket and what is known
//! about the market and the account, so every rule is unit-tested.

use kalshi::fees::FeeRate;
use kalshi::model::market::Market;
use kalshi::model::order::BookSide;
use kalshi::model::price_range::{is_tradable, next_tick_down, next_tick_up};
use kalshi::model::{Count, Money, Price};

use super::OrderTicket;
use crate::error::OrderRejection;

/// What the account looks like to the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Account {
    /// Available cash as last reported (`None` = unknown; the exchange will judge).
    pub balance: Option<Money>,
    /// The signed position in the ticket's market (+ YES, − NO).
    pub position: Count,
}

/// Runs every check, first failure wins: range, count, market open, grid, balance.
pub(crate) fn check(
    ticket: &OrderTicket,
    market: &Market,
    account: Account,
    max_count: Count,
) -> Result<(), OrderRejection> {
    check_price_range(ticket.price)?;
    check_count(ticket.count, max_count)?;
    if !market.status.is_tradable() {
        return Err(OrderRejection::MarketNotOpen {
            ticker: market.ticker.clone(),
            status: market.status.as_str().to_owned(),
        });
    }
    check_grid(market, ticket.price)?;
    if let Some(available) = account.balance {
        let required = worst_case_cost(ticket.side, ticket.price, ticket.count, account.position);
        if required > available {
            return Err(OrderRejection::InsufficientBalance {
                required,
                available,
            });
        }
    }
    Ok(())
}

/// `0 < price < 1`: the exchange never trades at a certain outcome.
pub(crate) fn check_price_range(price: Price) -> Result<(), OrderRejection> {
    if price.units() <= 0 || price >= Price::ONE {
        Err(OrderRejection::PriceOutOfRange { price })
    } else {
        Ok(())
    }
}

/// `0 < count <= max`.
pub(crate) fn check_count(count: Count, max: Count) -> Result<(), OrderRejection> {
    if count.units() <= 0 {
        Err(OrderRejection::CountNotPositive { count })
    } else if count > max {
        Err(OrderRejection::CountAboveMax { count, max })
    } else {
        Ok(())
    }
}

/// On the market's tick grid (`price_ranges`); the error names the nearest valid prices.
pub(crate) fn check_grid(market: &Market, price: Price) -> Result<(), OrderRejection> {
    if market.is_on_grid(price) {
        return Ok(());
    }
    let tradable = |p: &Price| is_tradable(&market.price_ranges, *p);
    Err(OrderRejection::PriceOffGrid {
        price,
        below: next_tick_down(&market.price_ranges, price).filter(tradable),
        above: next_tick_up(&market.price_ranges, price).filter(tradable),
    })
}

/// The most an order can cost: the collateral of the contracts it opens (a bid pays its
/// YES price, an ask its NO price; contracts that close an existing position cost nothing)
/// plus the taker fee at the worst price it can trade at, rounded up to the cent.
pub(crate) fn worst_case_cost(
    side: BookSide,
    price: Price,
    count: Count,
    position: Count,
) -> Money {
    let closable = match side {
        BookSide::Bid if position.is_negative() => position.abs(),
        BookSide::Ask if !position.is_negative() => position,
        _ => Count::ZERO,
    };
    let opening = (count.units() - closable.units().min(count.units())).max(0);
    let leg = match side {
        BookSide::Bid => price.units(),
        BookSide::Ask => Price::ONE.units() - price.units(),
    };
    // Money units = contracts × dollars × 1e6 = (count/100) × (leg/1e4) × 1e6 = count × leg.
    let collateral = i128::from(opening) * i128::from(leg.max(0));
    let money = collateral + worst_fee_units(side, price, count);
    Money::from_units(i64::try_from(money).unwrap_or(i64::MAX))
}

/// The taker fee at the worst price the order can fill at (Kalshi's formula, see
/// [`kalshi::fees`]), rounded up to the cent as Kalshi documents: this is a conservative
/// balance check, so it must never come out below what the exchange will charge.
fn worst_fee_units(side: BookSide, price: Price, count: Count) -> i128 {
    let variance = kalshi::fees::worst_for_limit(side, price);
    let fee = FeeRate::TAKER
        .fee(count, variance)
        .ceil_to(Money::from_cents(1));
    i128::from(fee.units())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kalshi::model::market::MarketStatus;
    use kalshi::model::price_range::PriceRange;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }
    fn c(n: i64) -> Count {
        Count::from_contracts(n)
    }

    fn market(status: MarketStatus) -> Market {
        let page: kalshi::model::market::GetMarketsResponse =
            serde_json::from_str(include_str!("../../../kalshi/test_data/rest/markets.json"))
                .unwrap();
        let mut market = page.markets.into_iter().next().unwrap();
        market.status = status;
        // Deci-cent tails: 0.01 steps in the middle, 0.001 at the ends.
        market.price_ranges = vec![
            PriceRange {
                start: p("0"),
                end: p("0.10"),
                step: p("0.001"),
            },
            PriceRange {
                start: p("0.10"),
                end: p("0.90"),
                step: p("0.01"),
            },
            PriceRange {
                start: p("0.90"),
                end: p("1"),
                step: p("0.001"),
            },
        ];
        market
    }

    fn ticket(side: BookSide, price: &str, count: i64) -> OrderTicket {
        OrderTicket::limit("M", side, p(price), c(count))
    }

    const RICH: Account = Account {
        balance: None,
        position: Count::ZERO,
    };

    #[test]
    fn price_must_be_strictly_inside_zero_and_one() {
        let mk = market(MarketStatus::Active);
        for bad in ["0", "1"] {
            assert_eq!(
                check(&ticket(BookSide::Bid, bad, 1), &mk, RICH, c(100)),
                Err(OrderRejection::PriceOutOfRange { price: p(bad) }),
                "{bad} is a certain outcome"
            );
        }
    }

    #[test]
    fn count_must_be_positive_and_within_the_limit() {
        let mk = market(MarketStatus::Active);
        assert!(matches!(
            check(&ticket(BookSide::Bid, "0.50", 0), &mk, RICH, c(100)),
            Err(OrderRejection::CountNotPositive { .. })
        ));
        assert_eq!(
            check(&ticket(BookSide::Bid, "0.50", 101), &mk, RICH, c(100)),
            Err(OrderRejection::CountAboveMax {
                count: c(101),
                max: c(100)
            })
        );
        assert!(check(&ticket(BookSide::Bid, "0.50", 100), &mk, RICH, c(100)).is_ok());
    }

    #[test]
    fn closed_markets_refuse_orders() {
        let mk = market(MarketStatus::Closed);
        assert_eq!(
            check(&ticket(BookSide::Bid, "0.50", 1), &mk, RICH, c(100)),
            Err(OrderRejection::MarketNotOpen {
                ticker: mk.ticker.clone(),
                status: "closed".into()
            })
        );
    }

    #[test]
    fn off_grid_prices_name_the_neighbours() {
        let mk = market(MarketStatus::Active);
        assert_eq!(
            check(&ticket(BookSide::Bid, "0.505", 1), &mk, RICH, c(100)),
            Err(OrderRejection::PriceOffGrid {
                price: p("0.505"),
                below: Some(p("0.50")),
                above: Some(p("0.51")),
            })
        );
        assert!(
            check(&ticket(BookSide::Bid, "0.095", 1), &mk, RICH, c(100)).is_ok(),
            "the fine tail allows 0.001 steps"
        );
    }

    #[test]
    fn worst_case_cost_is_collateral_plus_rounded_up_fee() {
        // Buy 10 YES at 0.40: 4.00 collateral; fee 0.07 × 10 × 0.4 × 0.6 = 0.168 → 0.17.
        assert_eq!(
            worst_case_cost(BookSide::Bid, p("0.40"), c(10), Count::ZERO),
            m("4.17")
        );
        // A bid at 0.60 can fill at 0.50, where the fee peaks: 0.175 → 0.18.
        assert_eq!(
            worst_case_cost(BookSide::Bid, p("0.60"), c(10), Count::ZERO),
            m("6.18")
        );
        // Buying NO through an ask at 0.70 costs the NO price 0.30; fee at 0.70 = 0.147.
        assert_eq!(
            worst_case_cost(BookSide::Ask, p("0.70"), c(10), Count::ZERO),
            m("3.15")
        );
        // Selling 10 of 10 YES held: no collateral, only the fee.
        assert_eq!(
            worst_case_cost(BookSide::Ask, p("0.70"), c(10), c(10)),
            m("0.15")
        );
        // Closing 4 of 10 NO with a bid: 6 open at 0.40.
        assert_eq!(
            worst_case_cost(BookSide::Bid, p("0.40"), c(10), c(-4)),
            m("2.57")
        );
    }

    #[test]
    fn balance_must_cover_cost_and_fee() {
        let mk = market(MarketStatus::Active);
        let poor = Account {
            balance: Some(m("4.16")),
            position: Count::ZERO,
        };
        assert_eq!(
            check(&ticket(BookSide::Bid, "0.40", 10), &mk, poor, c(100)),
            Err(OrderRejection::InsufficientBalance {
                required: m("4.17"),
                available: m("4.16")
            })
        );
        let enough = Account {
            balance: Some(m("4.17")),
            ..poor
        };
        assert!(check(&ticket(BookSide::Bid, "0.40", 10), &mk, enough, c(100)).is_ok());
    }
}
