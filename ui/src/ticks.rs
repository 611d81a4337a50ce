//! A market's price grid ([`PriceRange`] segments): whether a price is on it, the nearest
//! price on it, and one tick up or down, so the ticket only ever offers prices the
//! exchange accepts (strictly between 0 and 1).

use ipc::Price;
use ipc::commands::market::PriceRange;

/// The grid most markets use when the exchange lists none: 1¢ to 99¢ in 1¢ steps.
pub fn default_grid() -> Vec<PriceRange> {
    vec![PriceRange {
        start: Price::ZERO,
        end: Price::ONE,
        step: Price::from_units(100),
    }]
}

fn tradable(units: i64) -> bool {
    units > 0 && units < Price::ONE.units()
}

/// The grid points of one segment nearest `units` from below and above (either may be
/// missing at the segment's ends).
fn neighbours(r: &PriceRange, units: i64) -> (Option<i64>, Option<i64>) {
    let (start, end, step) = (r.start.units(), r.end.units(), r.step.units());
    if step <= 0 || end < start {
        return (None, None);
    }
    let last = start + (end - start) / step * step;
    if units < start {
        return (None, Some(start));
    }
    if units > last {
        return (Some(last), None);
    }
    let below = start + (units - start) / step * step;
    if below == units {
        return (Some(units), Some(units));
    }
    (Some(below), Some(below + step))
}

/// Whether `price` is a price an order may carry.
pub fn on_grid(price: Price, ranges: &[PriceRange]) -> bool {
    tradable(price.units())
        && ranges
            .iter()
            .any(|r| neighbours(r, price.units()) == (Some(price.units()), Some(price.units())))
}

/// The grid price nearest `price` (ties go down); `None` if the grid has no tradable price.
pub fn snap(price: Price, ranges: &[PriceRange]) -> Option<Price> {
    let u = price.units();
    ranges
        .iter()
        .flat_map(|r| {
            let (a, b) = neighbours(r, u);
            [a, b]
        })
        .flatten()
        .filter(|&x| tradable(x))
        .min_by_key(|&x| ((x - u).abs(), x))
        .map(Price::from_units)
}

/// The next grid price strictly above (`up`) or below `price`; `None` at the edge.
pub fn step(price: Price, ranges: &[PriceRange], up: bool) -> Option<Price> {
    let u = price.units();
    let candidates = ranges.iter().flat_map(|r| {
        let probe = if up { u + 1 } else { u - 1 };
        let (a, b) = neighbours(r, probe);
        [if up { b } else { a }]
    });
    let found = candidates.flatten().filter(|&x| tradable(x));
    if up {
        found.filter(|&x| x > u).min()
    } else {
        found.filter(|&x| x < u).max()
    }
    .map(Price::from_units)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn range(start: &str, end: &str, step: &str) -> PriceRange {
        PriceRange {
            start: p(start),
            end: p(end),
            step: p(step),
        }
    }
    /// Sub-cent ticks in the tails, whole cents in the middle (as Kalshi's "deci-cent"
    /// markets have).
    fn tails() -> Vec<PriceRange> {
        vec![
            range("0", "0.1", "0.001"),
            range("0.1", "0.9", "0.01"),
            range("0.9", "1", "0.001"),
        ]
    }

    #[test]
    fn the_default_grid_is_whole_cents_between_zero_and_one() {
        let g = default_grid();
        assert!(on_grid(p("0.56"), &g));
        assert!(!on_grid(p("0.565"), &g));
        assert!(!on_grid(Price::ZERO, &g), "0 is not tradable");
        assert!(!on_grid(Price::ONE, &g), "1 is not tradable");
        assert_eq!(snap(p("0.565"), &g), Some(p("0.56")), "ties go down");
        assert_eq!(snap(p("0.566"), &g), Some(p("0.57")));
        assert_eq!(snap(p("0.001"), &g), Some(p("0.01")), "never to 0");
        assert_eq!(snap(p("0.999"), &g), Some(p("0.99")), "never to 1");
    }

    #[test]
    fn steps_move_one_tick_and_stop_at_the_edges() {
        let g = default_grid();
        assert_eq!(step(p("0.56"), &g, true), Some(p("0.57")));
        assert_eq!(step(p("0.56"), &g, false), Some(p("0.55")));
        assert_eq!(
            step(p("0.565"), &g, true),
            Some(p("0.57")),
            "off grid: next up"
        );
        assert_eq!(step(p("0.565"), &g, false), Some(p("0.56")));
        assert_eq!(step(p("0.99"), &g, true), None);
        assert_eq!(step(p("0.01"), &g, false), None);
    }

    #[test]
    fn sub_cent_segments_have_their_own_ticks() {
        let g = tails();
        assert!(on_grid(p("0.003"), &g));
        assert!(on_grid(p("0.95"), &g));
        assert!(on_grid(p("0.951"), &g));
        assert!(!on_grid(p("0.505"), &g));
        assert_eq!(step(p("0.099"), &g, true), Some(p("0.1")));
        assert_eq!(step(p("0.1"), &g, true), Some(p("0.11")));
        assert_eq!(step(p("0.1"), &g, false), Some(p("0.099")));
        assert_eq!(step(p("0.9"), &g, true), Some(p("0.901")));
        assert_eq!(step(p("0.999"), &g, true), None);
        assert_eq!(snap(p("0.0034"), &g), Some(p("0.003")));
        assert_eq!(snap(p("0.5049"), &g), Some(p("0.5")));
    }

    #[test]
    fn a_malformed_grid_offers_nothing() {
        let g = vec![range("0.5", "0.4", "0.01"), range("0", "1", "0")];
        assert_eq!(snap(p("0.5"), &g), None);
        assert_eq!(step(p("0.5"), &g, true), None);
        assert!(!on_grid(p("0.5"), &g));
    }
}
