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
