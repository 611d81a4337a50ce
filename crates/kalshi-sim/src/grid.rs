//! Price grids the simulator issues: the `price_level_structure` labels it uses and the
//! `price_ranges` table each one stands for. Every question about a grid (is this price on
//! it, what is the tick, where does a price snap to) is answered by
//! [`kalshi::model::price_range`], so the simulator and the SDK cannot disagree.

use kalshi::model::price_range;
use kalshi::model::{Price, PriceRange};

/// The label Kalshi gives a market's tick table. Only the structures the simulator issues
/// are listed; the ranges in [`PriceGrid`] are what orders are checked against. The SDK
/// deliberately has no such table: clients must read `price_ranges`, only the issuer maps a
/// label to ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

    /// The `price_ranges` Kalshi publishes for this structure.
    pub fn ranges(self) -> Vec<PriceRange> {
        match self {
            Self::LinearCent => vec![range(0, 10_000, 100)],
            Self::DeciCent => vec![range(0, 10_000, 10)],
            Self::TaperedDeciCent => vec![
                range(0, 1_000, 10),
                range(1_000, 9_000, 100),
                range(9_000, 10_000, 10),
            ],
        }
    }
}

/// The tick grid of one market: its label and the ranges it stands for. The methods only
/// delegate to [`kalshi::model::price_range`]; the fallbacks they add are unreachable for
/// the structures above, which always have tradable prices.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// Used only if a grid had no tradable price or no tick at a price (never for the
/// structures issued here).
const FALLBACK_LOW: Price = p(100);
/// See [`FALLBACK_LOW`].
const FALLBACK_HIGH: Price = p(9_900);
/// See [`FALLBACK_LOW`].
const FALLBACK_TICK: Price = p(100);

impl PriceGrid {
    /// The grid Kalshi publishes for this structure.
    pub fn new(structure: PriceLevelStructure) -> Self {
        Self {
            structure,
            ranges: structure.ranges(),
        }
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
        price_range::is_tradable(&self.ranges, price)
    }

    /// The tick that applies at `price` (the finest of the ranges containing it), used to
    /// step quotes one tick at a time.
    pub fn tick_at(&self, price: Price) -> Price {
        price_range::finest_tick_at(&self.ranges, price).unwrap_or(FALLBACK_TICK)
    }

    /// The lowest valid price.
    pub fn min_price(&self) -> Price {
        price_range::tradable_bounds(&self.ranges).map_or(FALLBACK_LOW, |(low, _)| low)
    }

    /// The highest valid price.
    pub fn max_price(&self) -> Price {
        price_range::tradable_bounds(&self.ranges).map_or(FALLBACK_HIGH, |(_, high)| high)
    }

    /// The highest valid price at or below `price` (the lowest valid price if none is).
    pub fn snap_down(&self, price: Price) -> Price {
        price_range::snap_down(&self.ranges, price).unwrap_or(FALLBACK_LOW)
    }

    /// The lowest valid price at or above `price` (the highest valid price if none is).
    pub fn snap_up(&self, price: Price) -> Price {
        price_range::snap_up(&self.ranges, price).unwrap_or(FALLBACK_HIGH)
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
        assert_eq!(
            d.snap_up(price("0.9995")),
            price("0.999"),
            "above the band snaps to the highest valid price"
        );
    }

    #[test]
    fn tables_match_the_published_structures() {
        let wire = |s: PriceLevelStructure| serde_json::to_string(&s.ranges()).unwrap();
        assert_eq!(
            wire(PriceLevelStructure::LinearCent),
            r#"[{"start":"0.0000","end":"1.0000","step":"0.0100"}]"#
        );
        assert_eq!(
            wire(PriceLevelStructure::DeciCent),
            r#"[{"start":"0.0000","end":"1.0000","step":"0.0010"}]"#
        );
        assert_eq!(
            wire(PriceLevelStructure::TaperedDeciCent),
            concat!(
                r#"[{"start":"0.0000","end":"0.1000","step":"0.0010"},"#,
                r#"{"start":"0.1000","end":"0.9000","step":"0.0100"},"#,
                r#"{"start":"0.9000","end":"1.0000","step":"0.0010"}]"#
            )
        );
        let g = PriceGrid::new(PriceLevelStructure::TaperedDeciCent);
        assert_eq!(g.ranges(), PriceLevelStructure::TaperedDeciCent.ranges());
        assert_eq!(
            g.tick_at(price("0.10")),
            price("0.001"),
            "at a boundary the finer tick applies"
        );
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
