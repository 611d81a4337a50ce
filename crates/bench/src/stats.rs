//! Median and p99 of a set of timings (nearest rank, no interpolation: a p99 is a time
//! that was actually measured).

use std::time::Duration;

/// Timings of one figure, in milliseconds.
#[derive(Debug, Clone, Default)]
pub struct Samples(Vec<f64>);

impl Samples {
    /// Room for `n` samples.
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    /// Adds one timing.
    pub fn push(&mut self, d: Duration) {
        self.0.push(d.as_secs_f64() * 1e3);
    }

    /// Adds one value already in milliseconds.
    pub fn push_ms(&mut self, ms: f64) {
        self.0.push(ms);
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The `q` quantile (0..=1) by nearest rank; `NaN` when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = (q * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    /// The median.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The 99th percentile.
    pub fn p99(&self) -> f64 {
        self.quantile(0.99)
    }
}

impl From<Vec<f64>> for Samples {
    fn from(ms: Vec<f64>) -> Self {
        Self(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let s = Samples::from((1..=100).map(f64::from).collect::<Vec<_>>());
        assert_eq!(s.median(), 50.0);
        assert_eq!(s.p99(), 99.0);
        assert_eq!(s.quantile(1.0), 100.0);
        let one = Samples::from(vec![7.0]);
        assert_eq!((one.median(), one.p99()), (7.0, 7.0));
        assert!(Samples::default().median().is_nan());
    }
}
