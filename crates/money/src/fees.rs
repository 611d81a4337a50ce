//! Kalshi's trading fee formula as exact integer math: fee rates, `P × (1 − P)`, its worst
//! case for a limit order, the unrounded fee and rounding it up to a money tick.
//!
//! Kalshi's published fee schedule charges a fill of `C` contracts at YES price `P`
//! `rate × C × P × (1 − P)` dollars, with `rate` 7 % for takers and, in series with maker
//! fees, 1.75 % for makers. The formula is the exchange's; **how** the result is rounded
//! (to the cent for a conservative balance check, to $0.0001 per order in the simulator,
//! per fill or cumulatively) is the caller's policy, so this module only offers the exact
//! value and [`ExactFee::ceil_to`]. Everything is integer on [`Price`], [`Count`] and
//! [`Money`] units; nothing passes through `f64`, so the app and the simulator agree to the
//! last unit.

use std::iter::Sum;
use std::ops::{Add, AddAssign};

use crate::{Count, Money, Price};

/// A fee rate, in basis points of `C × P × (1 − P)` dollars.
///
/// Basis points keep Kalshi's rates (7 %, 1.75 %) integral, so fees stay exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeeRate(i64);

impl FeeRate {
    /// No fee (makers in `quadratic` series).
    pub const ZERO: Self = Self(0);
    /// The taker rate, 7 %.
    pub const TAKER: Self = Self(700);
    /// The maker rate in `quadratic_with_maker_fees` series, 1.75 % (a quarter of the
    /// taker rate).
    pub const MAKER: Self = Self(175);

    /// A rate of `bp` basis points (e.g. a series with a fee multiplier).
    pub const fn from_basis_points(bp: i64) -> Self {
        Self(bp)
    }

    /// The rate in basis points.
    pub const fn basis_points(self) -> i64 {
        self.0
    }

    /// The exact fee of `count` contracts at a price whose `P × (1 − P)` is `variance`.
    pub fn fee(self, count: Count, variance: Variance) -> ExactFee {
        ExactFee(i128::from(self.0) * i128::from(count.units()) * i128::from(variance.0))
    }
}

/// `P × (1 − P)` of a YES price, in price units squared (1e-8): the factor that makes the
/// fee largest at 0.50 and vanish at the certain prices 0 and 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Variance(i64);

impl Variance {
    /// The largest value, at `P = 0.50` (0.25).
    pub const MAX: Self = Self((Price::SCALE / 2) * (Price::SCALE / 2));

    /// `P × (1 − P)` at `price`. A price outside `[0, 1]` cannot trade; it counts as the
    /// nearest bound (variance 0), which also keeps any input from overflowing.
    pub fn at(price: Price) -> Self {
        let p = price.units().clamp(0, Price::ONE.units());
        Self(p * (Price::ONE.units() - p))
    }

    /// The largest `P × (1 − P)` over the prices a bid (buy YES) limited at `limit` can
    /// trade at: a bid fills at or below its limit, and the product peaks at 0.50, so
    /// reserving the fee at this value can never be short.
    pub fn worst_for_bid(limit: Price) -> Self {
        if limit.units() < Price::ONE.units() / 2 {
            Self::at(limit)
        } else {
            Self::MAX
        }
    }

    /// The largest `P × (1 − P)` over the prices an ask (sell YES) limited at `limit` can
    /// trade at: an ask fills at or above its limit (see [`Variance::worst_for_bid`]).
    pub fn worst_for_ask(limit: Price) -> Self {
        if limit.units() > Price::ONE.units() / 2 {
            Self::at(limit)
        } else {
            Self::MAX
        }
    }

    /// Builds the value from price units squared (callers that keep raw units).
    pub const fn from_units(units: i64) -> Self {
        Self(units)
    }

    /// The value in price units squared.
    pub const fn units(self) -> i64 {
        self.0
    }
}

/// A fee before rounding, in units of 1e-14 dollar (basis point × count unit × price
/// unit²), so any sum of fills is still exact and rounding happens once, where the caller
/// decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExactFee(i128);

impl ExactFee {
    /// No fee.
    pub const ZERO: Self = Self(0);
    /// Exact units per [`Money`] unit ($0.000001).
    pub const UNITS_PER_MONEY: i128 = 100_000_000;

    /// Builds the value from exact units.
    pub const fn from_units(units: i128) -> Self {
        Self(units)
    }

    /// The value in exact units (1e-14 dollar).
    pub const fn units(self) -> i128 {
        self.0
    }

    /// The smallest multiple of `tick` at or above the fee: Kalshi documents fees rounded
    /// up to the cent; the simulator charges to $0.0001. A `tick` below one money unit
    /// rounds to the money unit. Saturates at the bounds of [`Money`].
    pub fn ceil_to(self, tick: Money) -> Money {
        let tick = i128::from(tick.units().max(1));
        let per_tick = tick * Self::UNITS_PER_MONEY;
        let ticks = self.0.saturating_add(per_tick - 1).div_euclid(per_tick);
        let units = ticks.saturating_mul(tick);
        let clamped = units.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
        Money::from_units(i64::try_from(clamped).unwrap_or(i64::MAX))
    }
}

impl Add for ExactFee {
    type Output = Self;

    /// Saturating, so no sequence of fills can panic.
    fn add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

impl AddAssign for ExactFee {
    fn add_assign(&mut self, other: Self) {
        *self = *self + other;
    }
}

impl Sum for ExactFee {
    /// The exact fee of several fills, so an order that sweeps levels rounds once.
    fn sum<I: Iterator<Item = Self>>(fees: I) -> Self {
        fees.fold(Self::ZERO, Add::add)
    }
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

    const CENT: Money = Money::from_cents(1);
    const HUNDREDTH_CENT: Money = Money::from_units(100);

    fn fee(rate: FeeRate, count: &str, price: &str) -> ExactFee {
        rate.fee(c(count), Variance::at(p(price)))
    }

    #[test]
    fn variance_is_price_times_its_complement() {
        assert_eq!(Variance::at(p("0.50")), Variance::MAX, "0.25 at one half");
        assert_eq!(Variance::MAX.units(), 25_000_000, "0.25 in 1e-8 units");
        // 0.01 × 0.99 = 0.0099.
        assert_eq!(Variance::at(p("0.01")).units(), 990_000);
        assert_eq!(
            Variance::at(p("0.99")),
            Variance::at(p("0.01")),
            "symmetric"
        );
        assert_eq!(Variance::at(Price::ZERO).units(), 0);
        assert_eq!(Variance::at(Price::ONE).units(), 0);
        assert_eq!(
            Variance::at(Price::from_units(i64::MAX)).units(),
            0,
            "out of range counts as the bound and cannot overflow"
        );
    }

    #[test]
    fn taker_fee_at_one_half_is_exact() {
        // 0.07 × 100 × 0.25 = 1.75: already a whole cent, so no tick rounds it up.
        let f = fee(FeeRate::TAKER, "100", "0.50");
        assert_eq!(f.units(), 175 * 1_000_000 * ExactFee::UNITS_PER_MONEY / 100);
        assert_eq!(f.ceil_to(HUNDREDTH_CENT), m("1.75"));
        assert_eq!(f.ceil_to(CENT), m("1.75"));
    }

    #[test]
    fn small_fees_round_up_to_the_callers_tick() {
        // 0.07 × 1 × 0.01 × 0.99 = 0.000693 dollars exactly.
        let f = fee(FeeRate::TAKER, "1", "0.01");
        assert_eq!(f.ceil_to(Money::from_units(1)), m("0.000693"), "exact");
        assert_eq!(f.ceil_to(HUNDREDTH_CENT), m("0.0007"));
        assert_eq!(f.ceil_to(CENT), m("0.01"));
        assert_eq!(f.ceil_to(Money::ZERO), m("0.000693"), "no tick: money unit");
        assert_eq!(ExactFee::ZERO.ceil_to(CENT), Money::ZERO, "zero stays zero");
    }

    #[test]
    fn maker_rate_is_a_quarter_of_the_taker_rate() {
        // 0.0175 × 100 × 0.25 = 0.4375.
        let f = fee(FeeRate::MAKER, "100", "0.50");
        assert_eq!(f.ceil_to(HUNDREDTH_CENT), m("0.4375"));
        assert_eq!(f.ceil_to(CENT), m("0.44"));
        assert_eq!(
            FeeRate::TAKER.basis_points(),
            4 * FeeRate::MAKER.basis_points()
        );
        assert_eq!(fee(FeeRate::ZERO, "100", "0.50"), ExactFee::ZERO);
    }

    #[test]
    fn fractional_counts_and_sums_stay_exact() {
        // 0.07 × 10 × 0.56 × 0.44 = 0.17248.
        let f = fee(FeeRate::TAKER, "10", "0.56");
        assert_eq!(f.ceil_to(Money::from_units(1)), m("0.17248"));
        assert_eq!(f.ceil_to(HUNDREDTH_CENT), m("0.1725"));
        // 0.07 × 0.01 × 0.25 = 0.000175 per piece; 100 pieces sum to 0.0175 exactly.
        let piece = fee(FeeRate::TAKER, "0.01", "0.50");
        let mut total = ExactFee::ZERO;
        for _ in 0..100 {
            total += piece;
        }
        assert_eq!(total, fee(FeeRate::TAKER, "1", "0.50"));
        assert_eq!(total.ceil_to(HUNDREDTH_CENT), m("0.0175"));
    }

    #[test]
    fn fills_sum_exactly_before_rounding() {
        // Two fills of 0.000693 each: 0.001386 → one cent, not two.
        let fills = [("0.01", "1"), ("0.99", "1")];
        let total: ExactFee = fills
            .iter()
            .map(|&(price, n)| fee(FeeRate::TAKER, n, price))
            .sum();
        assert_eq!(total.ceil_to(Money::from_cents(1)), m("0.01"));
        let none: ExactFee = std::iter::empty().sum();
        assert_eq!(none.ceil_to(Money::from_cents(1)), Money::ZERO);
    }

    #[test]
    fn worst_case_is_the_limit_or_one_half() {
        let bid = |limit: &str| Variance::worst_for_bid(p(limit));
        let ask = |limit: &str| Variance::worst_for_ask(p(limit));
        // A bid below 0.50 never fills above its limit, where P × (1 − P) is largest.
        assert_eq!(bid("0.20"), Variance::at(p("0.20")));
        // A bid above 0.50 can fill at 0.50.
        assert_eq!(bid("0.80"), Variance::MAX);
        // An ask above 0.50 never fills below its limit.
        assert_eq!(ask("0.80"), Variance::at(p("0.80")));
        // An ask below 0.50 can fill at 0.50.
        assert_eq!(ask("0.20"), Variance::MAX);
        assert_eq!(bid("0.50"), Variance::MAX);
        assert_eq!(ask("0.50"), Variance::MAX);
        // 10 contracts bid at 0.60: worst fee 0.07 × 10 × 0.25 = 0.175 → 0.18 to the cent.
        let f = FeeRate::TAKER.fee(c("10"), bid("0.60"));
        assert_eq!(f.ceil_to(CENT), m("0.18"));
    }

    #[test]
    fn rounding_saturates_instead_of_overflowing() {
        let huge = FeeRate::TAKER.fee(Count::from_units(i64::MAX), Variance::MAX);
        assert_eq!(huge.ceil_to(CENT), Money::from_units(i64::MAX));
        assert_eq!(
            ExactFee::from_units(i128::MAX) + huge,
            ExactFee::from_units(i128::MAX)
        );
        let negative = ExactFee::from_units(-huge.units());
        assert_eq!(negative.ceil_to(CENT), Money::from_units(i64::MIN));
    }
}
