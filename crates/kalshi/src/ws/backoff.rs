//! Reconnect delays: exponential growth, full jitter, a cap, and a reset once a connection
//! has proved stable. Also what the UI shows as "reconnecting in Ns".

use std::fmt;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::error::BackoffError;

/// Shape of the reconnect schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct BackoffConfig {
    /// Ceiling of the first delay.
    pub initial: Duration,
    /// Largest ceiling; later delays stop growing here.
    pub max: Duration,
    /// Growth of the ceiling per attempt (1.0 to 10.0).
    pub factor: f64,
    /// A connection that lasted at least this long resets the schedule, so one drop after
    /// hours of service reconnects quickly instead of inheriting an old long delay.
    pub stable_after: Duration,
    /// Make the first attempt after a reset immediate (no delay, no jitter).
    pub immediate_first: bool,
}

impl Default for BackoffConfig {
    /// 0.5 s doubling to 30 s, reset after 60 s of stable connection, first retry delayed.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            factor: 2.0,
            stable_after: Duration::from_secs(60),
            immediate_first: false,
        }
    }
}

impl BackoffConfig {
    /// Checks the values make a sensible schedule.
    ///
    /// # Errors
    /// [`BackoffError`] if `initial` is zero, `max < initial`, or `factor` is outside
    /// `1.0..=10.0` (or not a number).
    pub fn validate(&self) -> Result<(), BackoffError> {
        if self.initial.is_zero() {
            return Err(BackoffError::ZeroInitial);
        }
        if self.max < self.initial {
            return Err(BackoffError::MaxBelowInitial {
                initial: self.initial,
                max: self.max,
            });
        }
        if !(1.0..=10.0).contains(&self.factor) {
            return Err(BackoffError::FactorOutOfRange(self.factor));
        }
        Ok(())
    }
}

/// Picks the actual delay below a ceiling. Injectable so tests can be exact.
pub trait Jitter: Send + fmt::Debug {
    /// A delay in `[0, ceiling]`.
    fn pick(&mut self, ceiling: Duration) -> Duration;
}

/// "Full jitter": uniform in `[0, ceiling]`, which spreads a crowd of clients reconnecting
/// after the same outage (e.g. Kalshi's Thursday maintenance) over the whole window.
#[derive(Debug)]
pub struct FullJitter {
    rng: StdRng,
}

impl FullJitter {
    /// Seeded from the OS.
    pub fn new() -> Self {
        Self {
            rng: StdRng::from_entropy(),
        }
    }

    /// Seeded deterministically (reproducible runs).
    pub fn seeded(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
        }
    }
}

impl Default for FullJitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Jitter for FullJitter {
    fn pick(&mut self, ceiling: Duration) -> Duration {
        let max = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(self.rng.gen_range(0..=max))
    }
}

/// No jitter: always the ceiling (deterministic schedules, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJitter;

impl Jitter for NoJitter {
    fn pick(&mut self, ceiling: Duration) -> Duration {
        ceiling
    }
}

/// The reconnect schedule's state: how many delays were handed out since the last reset.
#[derive(Debug)]
pub struct Backoff {
    config: BackoffConfig,
    attempt: u32,
    connected_at: Option<Instant>,
    jitter: Box<dyn Jitter>,
}

impl Backoff {
    /// A schedule with the given jitter source.
    ///
    /// # Errors
    /// [`BackoffError`] if the config is invalid (see [`BackoffConfig::validate`]).
    pub fn new(config: BackoffConfig, jitter: Box<dyn Jitter>) -> Result<Self, BackoffError> {
        config.validate()?;
        Ok(Self {
            config,
            attempt: 0,
            connected_at: None,
            jitter,
        })
    }

    /// The config in use.
    pub fn config(&self) -> &BackoffConfig {
        &self.config
    }

    /// Delays handed out since the last reset (the number of the next reconnect attempt
    /// minus one).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The ceiling of the `n`th delay after a reset (0-based), before jitter.
    pub fn ceiling(&self, n: u32) -> Duration {
        let exp = match (self.config.immediate_first, n) {
            (true, 0) => return Duration::ZERO,
            (true, n) => n - 1,
            (false, n) => n,
        };
        let max = self.config.max;
        let grown = self.config.initial.as_nanos() as f64
            * self
                .config
                .factor
                .powi(i32::try_from(exp).unwrap_or(i32::MAX));
        if !grown.is_finite() || grown >= max.as_nanos() as f64 {
            max
        } else {
            // `grown` is finite, non-negative and below `max`, so it fits in u64 nanoseconds.
            Duration::from_nanos(grown.round() as u64)
        }
    }

    /// The next delay to wait before reconnecting; advances the attempt counter.
    pub fn next_delay(&mut self) -> Duration {
        let n = self.attempt;
        self.attempt = self.attempt.saturating_add(1);
        let ceiling = self.ceiling(n);
        if ceiling.is_zero() {
            return ceiling;
        }
        self.jitter.pick(ceiling).min(ceiling)
    }

    /// Starts the schedule over.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Records that a connection came up at `at`.
    pub fn connected(&mut self, at: Instant) {
        self.connected_at = Some(at);
    }

    /// Records that the connection went down at `at`; resets the schedule if it had been
    /// up for at least `stable_after`.
    pub fn disconnected(&mut self, at: Instant) {
        if let Some(since) = self.connected_at.take()
            && at.saturating_duration_since(since) >= self.config.stable_after
        {
            self.reset();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn config() -> BackoffConfig {
        BackoffConfig {
            initial: ms(100),
            max: ms(1_000),
            factor: 2.0,
            stable_after: Duration::from_secs(10),
            immediate_first: false,
        }
    }

    fn delays(b: &mut Backoff, n: usize) -> Vec<Duration> {
        (0..n).map(|_| b.next_delay()).collect()
    }

    #[test]
    fn zero_jitter_gives_the_exact_capped_exponential_schedule() {
        let mut b = Backoff::new(config(), Box::new(NoJitter)).unwrap();
        assert_eq!(
            delays(&mut b, 7),
            vec![
                ms(100),
                ms(200),
                ms(400),
                ms(800),
                ms(1_000),
                ms(1_000),
                ms(1_000)
            ]
        );
        assert_eq!(b.attempt(), 7);
        b.reset();
        assert_eq!(b.next_delay(), ms(100), "reset starts over");
    }

    #[test]
    fn immediate_first_then_exponential() {
        let cfg = BackoffConfig {
            immediate_first: true,
            ..config()
        };
        let mut b = Backoff::new(cfg, Box::new(NoJitter)).unwrap();
        assert_eq!(
            delays(&mut b, 4),
            vec![Duration::ZERO, ms(100), ms(200), ms(400)]
        );
    }

    #[test]
    fn fractional_factor_is_exact_to_the_nanosecond() {
        let cfg = BackoffConfig {
            factor: 1.5,
            ..config()
        };
        let mut b = Backoff::new(cfg, Box::new(NoJitter)).unwrap();
        assert_eq!(
            delays(&mut b, 4),
            vec![ms(100), ms(150), ms(225), Duration::from_micros(337_500)]
        );
    }

    #[test]
    fn huge_attempt_numbers_stay_at_the_cap() {
        let b = Backoff::new(config(), Box::new(NoJitter)).unwrap();
        assert_eq!(b.ceiling(u32::MAX), ms(1_000));
        assert_eq!(b.ceiling(5_000), ms(1_000));
    }

    #[derive(Debug)]
    struct Half;
    impl Jitter for Half {
        fn pick(&mut self, ceiling: Duration) -> Duration {
            ceiling / 2
        }
    }

    #[derive(Debug)]
    struct TooBig;
    impl Jitter for TooBig {
        fn pick(&mut self, ceiling: Duration) -> Duration {
            ceiling * 3
        }
    }

    #[test]
    fn jitter_source_is_injected_and_never_exceeds_the_ceiling() {
        let mut b = Backoff::new(config(), Box::new(Half)).unwrap();
        assert_eq!(delays(&mut b, 3), vec![ms(50), ms(100), ms(200)]);
        let mut b = Backoff::new(config(), Box::new(TooBig)).unwrap();
        assert_eq!(
            b.next_delay(),
            ms(100),
            "a misbehaving jitter source is clamped"
        );
    }

    #[test]
    fn full_jitter_stays_within_the_ceiling() {
        let mut b = Backoff::new(config(), Box::new(FullJitter::seeded(7))).unwrap();
        for n in 0..50 {
            let ceiling = b.ceiling(b.attempt());
            let d = b.next_delay();
            assert!(d <= ceiling, "attempt {n}: {d:?} above {ceiling:?}");
        }
    }

    #[test]
    fn constructor_validates() {
        let bad = |c: BackoffConfig| Backoff::new(c, Box::new(NoJitter)).unwrap_err();
        assert_eq!(
            bad(BackoffConfig {
                initial: Duration::ZERO,
                ..config()
            }),
            BackoffError::ZeroInitial
        );
        assert!(matches!(
            bad(BackoffConfig {
                max: ms(50),
                ..config()
            }),
            BackoffError::MaxBelowInitial { .. }
        ));
        for f in [0.5, 11.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                bad(BackoffConfig {
                    factor: f,
                    ..config()
                }),
                BackoffError::FactorOutOfRange(_)
            ));
        }
        assert!(Backoff::new(BackoffConfig::default(), Box::new(FullJitter::new())).is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_stable_connection_resets_the_schedule_and_a_short_one_does_not() {
        let mut b = Backoff::new(config(), Box::new(NoJitter)).unwrap();
        assert_eq!(delays(&mut b, 3), vec![ms(100), ms(200), ms(400)]);

        b.connected(Instant::now());
        tokio::time::advance(Duration::from_secs(9)).await;
        b.disconnected(Instant::now());
        assert_eq!(
            b.next_delay(),
            ms(800),
            "9 s is below stable_after: keep growing"
        );

        b.connected(Instant::now());
        tokio::time::advance(Duration::from_secs(10)).await;
        b.disconnected(Instant::now());
        assert_eq!(
            b.next_delay(),
            ms(100),
            "10 s of service resets the schedule"
        );
    }
}
