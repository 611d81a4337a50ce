//! Price grids: a market's `price_level_structure` label and the `price_ranges` tick table
//! that decides which YES prices an order may use.

use kalshi::model::Price;

/// The label Kalshi gives a market's tick table. Only the structures the simulator issues
/// are listed; the ranges in [`PriceGrid`] are what orders are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceLevelStructure {
    /// Whole cents everywhere (most markets).
    LinearCent,
    /// Tenths of a cent everywhere.
    DeciCent,
    /// Tenths of a cent near 0 and 1, whole cents in between.
    TaperedDeciCent,
}

impl PriceLevelStructure {
    /// The wire string (`price_level_structure`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LinearCent => "linear_cent",
            Self::DeciCent => "deci_cent",
            Self::TaperedDeciCent => "tapered_deci_cent",
        }
    }
}

/// One row of `price_ranges`: prices `start ..= end` in steps of `step`, counted from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PriceRange {
    /// First price of the range.
    pub start: Price,
    /// Last price of the range (inclusive).
    pub end: Price,
    /// Tick size inside the range.
    pub step: Price,
}

/// The tick grid of one market.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PriceGrid {
    structure: PriceLevelStructure,
    ranges: Vec<PriceRange>,
}

const fn p(units: i64) -> Price {
    Price::from_units(units)
}

const fn range(start: i64, end: i64, step: i64) -> PriceRange {
    PriceRange {
        start: p(start),
        end: p(end),
        step: p(step),
    }
}

impl PriceGrid {
    /// The grid Kalshi publishes for this structure.
    pub fn new(structure: PriceLevelStructure) -> Self {
        let ranges = match structure {
            PriceLevelStructure::LinearCent => vec![range(0, 10_000, 100)],
            PriceLevelStructure::DeciCent => vec![range(0, 10_000, 10)],
            PriceLevelStructure::TaperedDeciCent => vec![
                range(0, 1_000, 10),
                range(1_000, 9_000, 100),
                range(9_000, 10_000, 10),
            ],
        };
        Self { structure, ranges }
    }

    /// The structure label.
    pub fn structure(&self) -> PriceLevelStructure {
        self.structure
    }

    /// The `price_ranges` rows, for the wire.
    pub fn ranges(&self) -> &[PriceRange] {
        &self.ranges
    }

    /// Whether an order may use this YES price: strictly between 0 and 1 and on a tick.
    pub fn contains(&self, price: Price) -> bool {
        let u = price.units();
        if u <= 0 || u >= Price::ONE.units() {
            return false;
        }
        self.ranges.iter().any(|r| {
            let (s, e, st) = (r.start.units(), r.end.units(), r.step.units());
            st > 0 && s <= u && u <= e && (u - s) % st == 0
        })
    }

    /// The tick that applies at `price` (the finest of the ranges containing it), used to
    /// step quotes one tick at a time.
    pub fn tick_at(&self, price: Price) -> Price {
        let u = price.units();
        self.ranges
            .iter()
            .filter(|r| r.start.units() <= u && u <= r.end.units())
            .map(|r| r.step)
            .min()
            .unwrap_or(p(100))
    }

    /// The lowest valid price.
    pub fn min_price(&self) -> Price {
        self.snap_up(p(1))
    }

    /// The highest valid price.
    pub fn max_price(&self) -> Price {
        self.snap_down(p(Price::ONE.units() - 1))
    }

    /// The highest valid price at or below `price` (the lowest valid price if none is).
    pub fn snap_down(&self, price: Price) -> Price {
        let mut best: Option<i64> = None;
        let u = price.units().clamp(1, Price::ONE.units() - 1);
        for r in &self.ranges {
            let (s, e, st) = (r.start.units(), r.end.units(), r.step.units());
            if st <= 0 || u < s {
                continue;
            }
            let top = u.min(e);
            let cand = s + (top - s) / st * st;
            if cand > 0 && cand < Price::ONE.units() && best.is_none_or(|b| cand > b) {
                best = Some(cand);
            }
        }
        best.map_or_else(|| self.snap_up(p(1)), p)
    }

    /// The lowest valid price at or above `price` (the highest valid price if none is).
    pub fn snap_up(&self, price: Price) -> Price {
        let mut best: Option<i64> = None;
        let u = price.units().clamp(1, Price::ONE.units() - 1);
        for r in &self.ranges {
            let (s, e, st) = (r.start.units(), r.end.units(), r.step.units());
            if st <= 0 || u > e {
                continue;
            }
            let from = u.max(s);
            let cand = s + (from - s + st - 1) / st * st;
            if cand <= e && cand > 0 && cand < Price::ONE.units() && best.is_none_or(|b| cand < b) {
                best = Some(cand);
            }
        }
        best.map_or(p(Price::ONE.units() - 100), p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(s: &str) -> Price {
        Price::parse(s).unwrap()
    }

    #[test]
    fn linear_cent_accepts_whole_cents_strictly_inside_zero_one() {
        let g = PriceGrid::new(PriceLevelStructure::LinearCent);
        assert!(g.contains(price("0.01")));
        assert!(g.contains(price("0.56")));
        assert!(g.contains(price("0.99")));
        assert!(!g.contains(price("0")), "0 is not a tradable price");
        assert!(!g.contains(price("1")), "1 is not a tradable price");
        assert!(!g.contains(price("0.565")), "half cent is off grid");
        assert!(!g.contains(price("1.5")));
    }

    #[test]
    fn tapered_deci_cent_has_fine_edges_and_whole_cent_centre() {
        let g = PriceGrid::new(PriceLevelStructure::TaperedDeciCent);
        assert!(g.contains(price("0.005")));
        assert!(g.contains(price("0.995")));
        assert!(g.contains(price("0.10")));
        assert!(g.contains(price("0.55")));
        assert!(!g.contains(price("0.555")), "centre is whole cents");
        assert!(!g.contains(price("0.0005")));
        assert_eq!(g.tick_at(price("0.05")), price("0.001"));
        assert_eq!(g.tick_at(price("0.5")), price("0.01"));
        assert_eq!(g.min_price(), price("0.001"));
        assert_eq!(g.max_price(), price("0.999"));
    }

    #[test]
    fn snapping_lands_on_the_grid() {
        let g = PriceGrid::new(PriceLevelStructure::LinearCent);
        assert_eq!(g.snap_down(price("0.5678")), price("0.56"));
        assert_eq!(g.snap_up(price("0.5678")), price("0.57"));
        assert_eq!(g.snap_down(price("0")), price("0.01"));
        assert_eq!(g.snap_up(price("1")), price("0.99"));
        let d = PriceGrid::new(PriceLevelStructure::DeciCent);
        assert_eq!(d.snap_down(price("0.5678")), price("0.567"));
        assert!(d.contains(d.snap_up(price("0.0001"))));
    }

    #[test]
    fn labels_match_the_wire() {
        assert_eq!(PriceLevelStructure::LinearCent.as_str(), "linear_cent");
        assert_eq!(PriceLevelStructure::DeciCent.as_str(), "deci_cent");
        assert_eq!(
            PriceLevelStructure::TaperedDeciCent.as_str(),
            "tapered_deci_cent"
        );
    }
}
