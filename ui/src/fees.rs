//! Kalshi's fee formula for the ticket's estimate, ported from `kalshi::fees` (which the
//! wasm UI cannot depend on: the SDK pulls in tokio and reqwest): a fill of `C` contracts
//! at YES price `P` costs `rate × C × P × (1 − P)`, 7 % for takers and 1.75 % for makers
//! in series with maker fees, rounded up to the cent as Kalshi documents. Integer maths on
//! the fixed-point units, so the estimate matches the exchange to the cent. The tests are
//! the SDK's own examples.

use ipc::{Count, Money, Price};

/// The taker rate, in basis points.
pub const TAKER_BP: i64 = 700;
/// The maker rate of series with maker fees, in basis points.
pub const MAKER_BP: i64 = 175;

/// The exact fee in 1e-14 dollars: basis point (1e-4) × count unit (1e-2) × price unit²
/// (1e-8).
fn exact(rate_bp: i64, count: Count, price: Price) -> i128 {
    let p = price.units().clamp(0, Price::ONE.units());
    let variance = i128::from(p) * i128::from(Price::ONE.units() - p);
    i128::from(rate_bp) * i128::from(count.units().max(0)) * variance
}

/// Exact units per cent: 1e-14 dollars → 1e-2 dollars.
const PER_CENT: i128 = 1_000_000_000_000;

fn ceil_to_cent(units: i128) -> Money {
    let cents = (units + PER_CENT - 1).div_euclid(PER_CENT);
    Money::from_cents(i64::try_from(cents).unwrap_or(i64::MAX / 10_000))
}

/// The fee of one fill at `rate_bp`, rounded up to the cent.
pub fn fee(rate_bp: i64, count: Count, price: Price) -> Money {
    ceil_to_cent(exact(rate_bp, count, price))
}

/// The fee of an order filling across several prices, summed exactly and rounded once.
pub fn fee_of_fills(rate_bp: i64, fills: &[(Price, Count)]) -> Money {
    ceil_to_cent(fills.iter().map(|&(p, c)| exact(rate_bp, c, p)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn c(s: &str) -> Count {
        Count::parse(s).unwrap()
    }
    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn taker_fee_matches_kalshis_examples() {
        // 0.07 × 100 × 0.25 = 1.75.
        assert_eq!(fee(TAKER_BP, c("100"), p("0.50")), m("1.75"));
        // 0.07 × 1 × 0.01 × 0.99 = 0.000693 → 0.01.
        assert_eq!(fee(TAKER_BP, c("1"), p("0.01")), m("0.01"));
        // 0.07 × 10 × 0.56 × 0.44 = 0.17248 → 0.18.
        assert_eq!(fee(TAKER_BP, c("10"), p("0.56")), m("0.18"));
        assert_eq!(fee(TAKER_BP, c("10"), Price::ONE), Money::ZERO);
    }

    #[test]
    fn maker_fee_is_a_quarter() {
        // 0.0175 × 100 × 0.25 = 0.4375 → 0.44.
        assert_eq!(fee(MAKER_BP, c("100"), p("0.50")), m("0.44"));
        assert_eq!(fee(0, c("100"), p("0.50")), Money::ZERO);
    }

    #[test]
    fn fills_sum_exactly_before_rounding() {
        // Two fills of 0.000693 each: 0.001386 → one cent, not two.
        let fills = [(p("0.01"), c("1")), (p("0.99"), c("1"))];
        assert_eq!(fee_of_fills(TAKER_BP, &fills), m("0.01"));
        assert_eq!(fee_of_fills(TAKER_BP, &[]), Money::ZERO);
    }
}
