//! Trading fees: the simulator's fee policy and the exact per-order fee accumulator.
//!
//! The formula is Kalshi's and lives in [`kalshi::fees`]: a fill of `C` contracts at YES
//! price `P` costs the taker `0.07 × C × P × (1 − P)` dollars; makers pay nothing in
//! `quadratic` series and `0.0175 × C × P × (1 − P)` in `quadratic_with_maker_fees` series.
//! What is the sim's own is the rounding policy (Kalshi does not publish an exact one):
//! fees are rounded **up to $0.0001 per order, cumulatively**: each order keeps the exact
//! (unrounded) sum of its fees and every fill is charged the difference between the
//! rounded-up running total and what was already charged. A single fill therefore pays
//! exactly `ceil_to_0.0001(0.07 × C × P × (1 − P))`, and an order filled in many pieces
//! never pays more than $0.0001 above its exact fee (Kalshi's "fee accumulator" does the
//! same job with whole-cent rebates). All arithmetic is integer; nothing passes through
//! `f64`. The engine works in raw units, so the helpers here take and return them.

use kalshi::fees::{ExactFee, FeeRate, Variance};
use kalshi::model::order::BookSide as WireBookSide;
use kalshi::model::{Count, Money, Price};

use crate::engine::BookSide;

/// How a series charges fees (`fee_type` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FeeType {
    /// Takers pay the quadratic fee, makers pay nothing.
    Quadratic,
    /// Takers pay the quadratic fee, makers a quarter of it.
    QuadraticWithMakerFees,
}

impl FeeType {
    /// The wire string (`fee_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quadratic => "quadratic",
            Self::QuadraticWithMakerFees => "quadratic_with_maker_fees",
        }
    }

    /// The rate makers pay in series of this type.
    fn maker_rate(self) -> FeeRate {
        match self {
            Self::Quadratic => FeeRate::ZERO,
            Self::QuadraticWithMakerFees => FeeRate::MAKER,
        }
    }
}

/// Fee rates of one market, taker and maker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FeeSchedule {
    #[serde(with = "rate_bp")]
    taker: FeeRate,
    #[serde(with = "rate_bp")]
    maker: FeeRate,
}

/// A [`FeeRate`] in the state file: its basis points.
mod rate_bp {
    use kalshi::fees::FeeRate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(rate: &FeeRate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(rate.basis_points())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FeeRate, D::Error> {
        i64::deserialize(d).map(FeeRate::from_basis_points)
    }
}

/// An [`ExactFee`] in the state file: its exact units.
mod exact_units {
    use kalshi::fees::ExactFee;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(fee: &ExactFee, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i128(fee.units())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ExactFee, D::Error> {
        i128::deserialize(d).map(ExactFee::from_units)
    }
}

/// The sim charges fees in whole $0.0001.
const FEE_TICK: Money = Money::from_units(100);

impl FeeSchedule {
    /// The schedule of a series' fee type (fee multiplier 1).
    pub fn new(fee_type: FeeType) -> Self {
        Self {
            taker: FeeRate::TAKER,
            maker: fee_type.maker_rate(),
        }
    }

    /// The fee of one fill taken alone: `ceil_to_0.0001(rate × C × P × (1 − P))`.
    pub fn fee(&self, is_taker: bool, count: Count, price: Price) -> Money {
        let mut acc = FeeAccumulator::default();
        Money::from_units(acc.charge(self.rate(is_taker), count.units(), price.units()))
    }

    /// The taker or maker rate, in basis points.
    pub(crate) fn rate(&self, is_taker: bool) -> i64 {
        if is_taker {
            self.taker.basis_points()
        } else {
            self.maker.basis_points()
        }
    }
}

/// P × (1 − P) in price units² (see [`Variance::at`]).
pub(crate) fn pp(price_units: i64) -> i64 {
    Variance::at(Price::from_units(price_units)).units()
}

/// The largest P × (1 − P) over the prices an order at `limit` can trade at as a taker
/// (see [`kalshi::fees::worst_for_limit`]), in price units².
pub(crate) fn worst_taker_pp(side: BookSide, limit_units: i64) -> i64 {
    let side = match side {
        BookSide::Bid => WireBookSide::Bid,
        BookSide::Ask => WireBookSide::Ask,
    };
    kalshi::fees::worst_for_limit(side, Price::from_units(limit_units)).units()
}

fn exact(rate_bp: i64, count_units: i64, pp_units: i64) -> ExactFee {
    FeeRate::from_basis_points(rate_bp).fee(
        Count::from_units(count_units),
        Variance::from_units(pp_units),
    )
}

fn ceil_money(exact: ExactFee) -> i64 {
    exact.ceil_to(FEE_TICK).units()
}

/// One order's running fee: the exact sum so far and what has been charged (money units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct FeeAccumulator {
    #[serde(with = "exact_units")]
    exact: ExactFee,
    charged: i64,
}

impl FeeAccumulator {
    /// Adds a fill and returns the fee to charge for it (money units).
    pub(crate) fn charge(&mut self, rate_bp: i64, count_units: i64, price_units: i64) -> i64 {
        self.exact += exact(rate_bp, count_units, pp(price_units));
        let target = ceil_money(self.exact);
        let fee = target - self.charged;
        self.charged = target;
        fee
    }

    /// The most this order can still be charged if `remaining` more contracts fill at a
    /// P × (1 − P) of at most `pp_units` (money units). Reserving this keeps a balance from
    /// going negative through fees.
    pub(crate) fn cap(&self, rate_bp: i64, remaining_units: i64, pp_units: i64) -> i64 {
        ceil_money(self.exact + exact(rate_bp, remaining_units, pp_units)) - self.charged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P × (1 − P) at 0.50, in price units².
    const MAX_PP: i64 = Variance::MAX.units();

    fn c(s: &str) -> Count {
        Count::parse(s).unwrap()
    }

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }

    #[test]
    fn taker_fee_is_seven_percent_of_variance_rounded_up_to_a_hundredth_cent() {
        let f = FeeSchedule::new(FeeType::Quadratic);
        // 0.07 * 100 * 0.5 * 0.5 = 1.75 exactly.
        assert_eq!(f.fee(true, c("100"), p("0.50")).to_string(), "1.7500");
        // 0.07 * 10 * 0.56 * 0.44 = 0.17248 -> 0.1725.
        assert_eq!(f.fee(true, c("10"), p("0.56")).to_string(), "0.1725");
        // 0.07 * 0.01 * 0.01 * 0.99 = 0.00000693 -> 0.0001.
        assert_eq!(f.fee(true, c("0.01"), p("0.01")).to_string(), "0.0001");
        assert_eq!(
            f.fee(false, c("100"), p("0.50")),
            Money::ZERO,
            "makers free"
        );
    }

    #[test]
    fn maker_fees_apply_in_maker_fee_series() {
        let f = FeeSchedule::new(FeeType::QuadraticWithMakerFees);
        // 0.0175 * 100 * 0.25 = 0.4375.
        assert_eq!(f.fee(false, c("100"), p("0.50")).to_string(), "0.4375");
    }

    #[test]
    fn accumulator_rounds_the_order_total_not_each_fill() {
        let mut acc = FeeAccumulator::default();
        let mut total = 0;
        for _ in 0..100 {
            // 0.07 * 0.01 * 0.25 = 0.000175 exact per piece.
            total += acc.charge(700, 1, 5_000);
        }
        // Exact total 0.0175; per-fill rounding would have charged 100 * 0.0002 = 0.02.
        assert_eq!(Money::from_units(total).to_string(), "0.0175");
    }

    #[test]
    fn cap_bounds_every_future_charge() {
        let mut acc = FeeAccumulator::default();
        let cap = acc.cap(700, 1_000, MAX_PP);
        let mut charged = 0;
        for price in [5_000, 4_000, 6_000, 5_000] {
            charged += acc.charge(700, 250, price);
        }
        assert!(charged <= cap, "{charged} > {cap}");
        assert_eq!(acc.cap(700, 0, MAX_PP), 0, "nothing left to charge");
    }

    #[test]
    fn worst_price_for_a_taker_is_its_limit_or_one_half() {
        assert_eq!(worst_taker_pp(BookSide::Bid, 2_000), pp(2_000));
        assert_eq!(worst_taker_pp(BookSide::Bid, 8_000), MAX_PP);
        assert_eq!(worst_taker_pp(BookSide::Ask, 8_000), pp(8_000));
        assert_eq!(worst_taker_pp(BookSide::Ask, 2_000), MAX_PP);
    }
}
