//! Chart scaling for the SVG charts: linear scales from data to pixels, round axis ticks,
//! and the SVG path of a series. Geometry is `f64` pixels; the figures themselves stay
//! exact until they are placed on screen.

/// A linear map from a data domain to a pixel range (the range may run backwards, as a
/// y axis does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// Maps `[d0, d1]` onto `[r0, r1]`; an empty domain is widened by one either side so
    /// a flat series draws as a line in the middle.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        let (d0, d1) = if (d1 - d0).abs() < f64::EPSILON {
            (d0 - 1.0, d1 + 1.0)
        } else {
            (d0, d1)
        };
        Self { d0, d1, r0, r1 }
    }

    /// The pixel of a data value.
    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// The data value of a pixel (hover read-outs).
    pub fn invert(&self, px: f64) -> f64 {
        self.d0 + (px - self.r0) / (self.r1 - self.r0) * (self.d1 - self.d0)
    }
}

/// About `n` round tick values covering `[lo, hi]`: steps of 1, 2 or 5 × 10^k.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || n == 0 {
        return vec![lo];
    }
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut k = (lo / step - 1e-9).ceil();
    let mut out = Vec::new();
    while k * step <= hi + step * 1e-9 && out.len() < 100 {
        // Round away the float noise of `k × step` (0.1 × 3 = 0.30000000000000004).
        out.push((k * step * 1e9).round() / 1e9);
        k += 1.0;
    }
    out
}

/// An SVG path through the points (`M x y L x y …`), breaking the line at `None` gaps.
pub fn line_path(points: &[Option<(f64, f64)>]) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for p in points {
        match p {
            Some((x, y)) => {
                d.push_str(if pen_down { "L" } else { "M" });
                d.push_str(&format!("{x:.1} {y:.1}"));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// The lowest and highest of the values, or `None` when there are none.
pub fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_and_invert() {
        let y = Scale::new(0.0, 100.0, 200.0, 0.0);
        assert_eq!(y.at(0.0), 200.0);
        assert_eq!(y.at(100.0), 0.0);
        assert_eq!(y.at(25.0), 150.0);
        assert_eq!(y.invert(150.0), 25.0);
        let flat = Scale::new(5.0, 5.0, 0.0, 100.0);
        assert_eq!(flat.at(5.0), 50.0, "a flat series sits in the middle");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let t = nice_ticks(0.0, 100.0, 4);
        assert_eq!(t, vec![0.0, 50.0, 100.0]);
        let t = nice_ticks(0.3, 0.72, 5);
        assert_eq!(t, vec![0.3, 0.4, 0.5, 0.6, 0.7]);
        let t = nice_ticks(41.0, 58.0, 4);
        assert_eq!(t, vec![45.0, 50.0, 55.0]);
        assert_eq!(nice_ticks(5.0, 5.0, 4), vec![5.0], "degenerate range");
    }

    #[test]
    fn paths_break_at_gaps() {
        let d = line_path(&[Some((0.0, 1.0)), Some((2.0, 3.0)), None, Some((4.0, 5.5))]);
        assert_eq!(d, "M0.0 1.0L2.0 3.0M4.0 5.5");
        assert_eq!(line_path(&[]), "");
        assert_eq!(extent([3.0, 1.0, 2.0]), Some((1.0, 3.0)));
        assert_eq!(extent(std::iter::empty()), None);
    }
}
