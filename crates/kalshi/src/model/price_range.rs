//! A market's price grid: `price_ranges` entries and the questions asked of them (is this
//! price a valid tick? what is the tick here? what are the neighbouring ticks?).
//!
//! `price_ranges` is authoritative; `price_level_structure` is only a label. Off-grid order
//! prices are rejected by the exchange, so the order ticket and the simulator both check here.
//! Adjacent ranges share their boundary (`0.10` ends one range and starts the next); a
//! boundary price is on the grid if any range has it.

use serde::{Deserialize, Serialize};

use super::Price;

/// One segment of the price grid: prices `start, start+step, ...` up to `end`, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PriceRange {
    /// Lowest price of the segment.
    pub start: Price,
    /// Highest price of the segment.
    pub end: Price,
    /// Tick size inside the segment.
    pub step: Price,
}

impl PriceRange {
    /// True when `start <= price <= end`.
    pub fn contains(&self, price: Price) -> bool {
        self.start <= price && price <= self.end
    }

    /// True when `price` is one of this segment's ticks. A zero step (malformed input)
    /// has no ticks, rather than dividing by zero.
    pub fn is_on_grid(&self, price: Price) -> bool {
        let step = self.step.units();
        self.contains(price) && step > 0 && (price.units() - self.start.units()) % step == 0
    }

    /// The smallest tick of this segment strictly above `price`, if any.
    fn next_up(&self, price: Price) -> Option<Price> {
        let (start, end, step) = (self.start.units(), self.end.units(), self.step.units());
        if step <= 0 || start > end {
            return None;
        }
        let p = price.units();
        let next = if p < start {
            start
        } else {
            start.checked_add(((p - start) / step).checked_add(1)?.checked_mul(step)?)?
        };
        (next <= end).then(|| Price::from_units(next))
    }

    /// The largest tick of this segment strictly below `price`, if any.
    fn next_down(&self, price: Price) -> Option<Price> {
        let (start, end, step) = (self.start.units(), self.end.units(), self.step.units());
        if step <= 0 || start > end {
            return None;
        }
        let p = price.units();
        if p <= start {
            return None;
        }
        let below = p.min(end.checked_add(1)?);
        // Largest start + k*step < below.
        Some(Price::from_units(
            start + ((below - 1 - start) / step) * step,
        ))
    }
}

/// True when `price` is a valid order price on the grid made of `ranges`.
pub fn is_on_grid(ranges: &[PriceRange], price: Price) -> bool {
    ranges.iter().any(|r| r.is_on_grid(price))
}

/// The tick size for moving *up* from `price`: the step of the segment with
/// `start <= price < end`, or of the top segment when `price` is its `end`. `None` when
/// `price` is outside every segment.
pub fn tick_at(ranges: &[PriceRange], price: Price) -> Option<Price> {
    ranges
        .iter()
        .find(|r| r.start <= price && price < r.end)
        .or_else(|| ranges.iter().find(|r| r.contains(price)))
        .map(|r| r.step)
}

/// The next valid price strictly above `price` (a ladder's "one tick up"), or `None` at the
/// top of the grid.
pub fn next_tick_up(ranges: &[PriceRange], price: Price) -> Option<Price> {
    ranges.iter().filter_map(|r| r.next_up(price)).min()
}

/// The next valid price strictly below `price` (a ladder's "one tick down"), or `None` at
/// the bottom of the grid.
pub fn next_tick_down(ranges: &[PriceRange], price: Price) -> Option<Price> {
    ranges.iter().filter_map(|r| r.next_down(price)).max()
}

/// True when an order may use `price`: on the grid and strictly between 0 and 1. The grid
/// includes its ends, but the exchange never trades at a certain outcome.
pub fn is_tradable(ranges: &[PriceRange], price: Price) -> bool {
    Price::ZERO < price && price < Price::ONE && is_on_grid(ranges, price)
}

/// The finest tick at `price`: the smallest step of the segments containing it, so at a
/// shared boundary the finer side wins. Stepping a quote by this in either direction never
/// jumps over a valid price (unlike [`tick_at`], which is the tick for moving up). `None`
/// when no segment with a positive step contains `price`.
pub fn finest_tick_at(ranges: &[PriceRange], price: Price) -> Option<Price> {
    ranges
        .iter()
        .filter(|r| r.contains(price) && r.step > Price::ZERO)
        .map(|r| r.step)
        .min()
}

/// The lowest and highest tradable prices ([`is_tradable`]) of the grid: the band a quote
/// may be placed in. `None` when the grid has no tradable price.
pub fn tradable_bounds(ranges: &[PriceRange]) -> Option<(Price, Price)> {
    let low = next_tick_up(ranges, Price::ZERO).filter(|p| *p < Price::ONE)?;
    let high = next_tick_down(ranges, Price::ONE)?;
    Some((low, high))
}

/// The highest tradable price at or below `price`, after clamping `price` into
/// [`tradable_bounds`] (so anything under the band gives its lowest price). Rounds a computed
/// bid onto the grid without making it more aggressive. `None` when nothing is tradable.
pub fn snap_down(ranges: &[PriceRange], price: Price) -> Option<Price> {
    let (low, high) = tradable_bounds(ranges)?;
    let price = price.clamp(low, high);
    if is_on_grid(ranges, price) {
        Some(price)
    } else {
        next_tick_down(ranges, price)
    }
}

/// The lowest tradable price at or above `price`, after clamping `price` into
/// [`tradable_bounds`] (so anything over the band gives its highest price). Rounds a computed
/// ask onto the grid without making it more aggressive. `None` when nothing is tradable.
pub fn snap_up(ranges: &[PriceRange], price: Price) -> Option<Price> {
    let (low, high) = tradable_bounds(ranges)?;
    let price = price.clamp(low, high);
    if is_on_grid(ranges, price) {
        Some(price)
    } else {
        next_tick_up(ranges, price)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(text: &str) -> Price {
        Price::parse(text).unwrap()
    }

    fn range(start: &str, end: &str, step: &str) -> PriceRange {
        PriceRange {
            start: p(start),
            end: p(end),
            step: p(step),
        }
    }

    /// `tapered_deci_cent`: 0–0.10 by 0.001, 0.10–0.90 by 0.01, 0.90–1 by 0.001.
    fn tapered() -> Vec<PriceRange> {
        vec![
            range("0.0000", "0.1000", "0.0010"),
            range("0.1000", "0.9000", "0.0100"),
            range("0.9000", "1.0000", "0.0010"),
        ]
    }

    #[test]
    fn linear_cent_grid() {
        let g = [range("0.0000", "1.0000", "0.0100")];
        assert!(is_on_grid(&g, p("0.5600")));
        assert!(
            !is_on_grid(&g, p("0.5650")),
            "half a cent is off a cent grid"
        );
        assert!(!is_on_grid(&g, p("1.0100")), "beyond the end");
        assert_eq!(tick_at(&g, p("0.56")), Some(p("0.01")));
        assert_eq!(next_tick_up(&g, p("0.56")), Some(p("0.57")));
        assert_eq!(
            next_tick_up(&g, p("0.565")),
            Some(p("0.57")),
            "off-grid snaps up"
        );
        assert_eq!(
            next_tick_down(&g, p("0.565")),
            Some(p("0.56")),
            "off-grid snaps down"
        );
        assert_eq!(next_tick_up(&g, p("1.0000")), None, "nothing above the top");
        assert_eq!(
            next_tick_down(&g, p("0.0000")),
            None,
            "nothing below the bottom"
        );
    }

    #[test]
    fn tapered_grid_boundaries() {
        let g = tapered();
        assert!(is_on_grid(&g, p("0.0050")), "deci-cent at the edge");
        assert!(!is_on_grid(&g, p("0.5050")), "no deci-cent in the centre");
        assert!(
            is_on_grid(&g, p("0.1000")),
            "shared boundary is on the grid"
        );
        assert_eq!(
            tick_at(&g, p("0.1000")),
            Some(p("0.01")),
            "tick going up at 0.10"
        );
        assert_eq!(tick_at(&g, p("0.0990")), Some(p("0.001")));
        assert_eq!(
            tick_at(&g, p("1.0000")),
            Some(p("0.001")),
            "top end uses the top range"
        );
        assert_eq!(tick_at(&g, p("1.5000")), None);
        assert_eq!(next_tick_up(&g, p("0.0990")), Some(p("0.1000")));
        assert_eq!(next_tick_up(&g, p("0.1000")), Some(p("0.1100")));
        assert_eq!(next_tick_down(&g, p("0.1000")), Some(p("0.0990")));
        assert_eq!(next_tick_down(&g, p("0.9010")), Some(p("0.9000")));
        assert_eq!(next_tick_down(&g, p("0.9000")), Some(p("0.8900")));
    }

    #[test]
    fn malformed_ranges_do_not_panic() {
        let g = [
            range("0.0000", "1.0000", "0.0000"),
            range("0.9", "0.1", "0.01"),
        ];
        assert!(!is_on_grid(&g, p("0.5")));
        assert_eq!(next_tick_up(&g, p("0.5")), None);
        assert_eq!(next_tick_down(&g, p("0.5")), None);
        assert!(!is_on_grid(&[], p("0.5")));
        assert_eq!(finest_tick_at(&g, p("0.5")), None, "a zero step is no tick");
        assert_eq!(tradable_bounds(&g), None);
        assert_eq!(snap_down(&g, p("0.5")), None);
        assert_eq!(snap_up(&g, p("0.5")), None);
        assert_eq!(tradable_bounds(&[]), None);
    }

    #[test]
    fn tradable_excludes_zero_and_one() {
        let g = [range("0.0000", "1.0000", "0.0100")];
        assert!(is_on_grid(&g, p("0")) && is_on_grid(&g, p("1")));
        assert!(
            !is_tradable(&g, p("0")),
            "0 is on the grid but not tradable"
        );
        assert!(
            !is_tradable(&g, p("1")),
            "1 is on the grid but not tradable"
        );
        assert!(is_tradable(&g, p("0.01")));
        assert!(is_tradable(&g, p("0.99")));
        assert!(!is_tradable(&g, p("0.565")), "off grid");
        assert!(!is_tradable(&g, p("1.5")));
        assert_eq!(tradable_bounds(&g), Some((p("0.01"), p("0.99"))));
        assert_eq!(
            tradable_bounds(&tapered()),
            Some((p("0.001"), p("0.999"))),
            "the fine edges reach closer to 0 and 1"
        );
        let only_ends = [range("0", "1", "1")];
        assert_eq!(
            tradable_bounds(&only_ends),
            None,
            "0 and 1 alone trade nothing"
        );
        assert_eq!(snap_down(&only_ends, p("0.5")), None);
    }

    #[test]
    fn finest_tick_prefers_the_finer_side_of_a_boundary() {
        let g = tapered();
        assert_eq!(finest_tick_at(&g, p("0.1000")), Some(p("0.001")));
        assert_eq!(
            tick_at(&g, p("0.1000")),
            Some(p("0.01")),
            "moving up is coarser"
        );
        assert_eq!(finest_tick_at(&g, p("0.9000")), Some(p("0.001")));
        assert_eq!(finest_tick_at(&g, p("0.5000")), Some(p("0.01")));
        assert_eq!(finest_tick_at(&g, p("0.0500")), Some(p("0.001")));
        assert_eq!(finest_tick_at(&g, p("1.5000")), None, "outside the grid");
    }

    #[test]
    fn snapping_lands_on_tradable_prices() {
        let cent = [range("0.0000", "1.0000", "0.0100")];
        assert_eq!(snap_down(&cent, p("0.5678")), Some(p("0.56")));
        assert_eq!(snap_up(&cent, p("0.5678")), Some(p("0.57")));
        assert_eq!(
            snap_down(&cent, p("0.56")),
            Some(p("0.56")),
            "on-grid stays"
        );
        assert_eq!(snap_up(&cent, p("0.56")), Some(p("0.56")), "on-grid stays");
        assert_eq!(
            snap_down(&cent, p("0")),
            Some(p("0.01")),
            "below the band clamps to its bottom"
        );
        assert_eq!(snap_up(&cent, p("0")), Some(p("0.01")));
        assert_eq!(
            snap_up(&cent, p("1")),
            Some(p("0.99")),
            "above the band clamps to its top"
        );
        assert_eq!(snap_down(&cent, p("1.5")), Some(p("0.99")));

        let deci = [range("0.0000", "1.0000", "0.0010")];
        assert_eq!(snap_down(&deci, p("0.5678")), Some(p("0.567")));
        assert_eq!(snap_up(&deci, p("0.0001")), Some(p("0.001")));
        assert_eq!(snap_up(&deci, p("0.9995")), Some(p("0.999")));

        let g = tapered();
        assert_eq!(snap_down(&g, p("0.1055")), Some(p("0.10")));
        assert_eq!(snap_up(&g, p("0.0995")), Some(p("0.10")));
        assert_eq!(snap_up(&g, p("0.5050")), Some(p("0.51")));
        assert_eq!(snap_down(&g, p("0.9015")), Some(p("0.901")));
        for text in [
            "0", "0.0004", "0.0995", "0.1001", "0.5555", "0.9", "0.9999", "1",
        ] {
            for snapped in [snap_down(&g, p(text)), snap_up(&g, p(text))] {
                assert!(
                    snapped.is_some_and(|s| is_tradable(&g, s)),
                    "{text} snaps onto a tradable price"
                );
            }
        }
    }

    #[test]
    fn serialises_as_dollar_strings() {
        let r = range("0", "0.1", "0.001");
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"start":"0.0000","end":"0.1000","step":"0.0010"}"#
        );
    }
}
