//! Retry policy for REST calls: how many attempts, and how long to wait between them
//! (exponential backoff with full jitter, or the server's `Retry-After`).

use std::time::Duration;

use rand::Rng as _;

/// When and how often a retryable failure (429, 5xx, transport error, timeout) is retried.
///
/// Only reads and creates that carry a `client_order_id` are retried at all: any other
/// write might have reached the exchange, and repeating it could double an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first (1 = never retry).
    pub max_attempts: u32,
    /// Backoff ceiling of the first retry; doubles on each further retry.
    pub base_delay: Duration,
    /// Upper bound of any computed backoff.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited out: the call fails with
    /// `RateLimited`/`Api` so the caller (and the person) can decide.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry (each call makes exactly one attempt).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The backoff ceiling before retry number `retry` (1-based): `base * 2^(retry-1)`,
    /// capped at `max_delay`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// How long to wait before retry number `retry`, or `None` if the server asked for a
    /// longer wait than [`RetryPolicy::max_retry_after`].
    ///
    /// A `Retry-After` from the server wins (it knows when capacity returns); otherwise
    /// the delay is uniformly random in `[0, ceiling]` ("full jitter"), which spreads many
    /// clients' retries instead of synchronising them.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => {
                let ceiling = self.backoff_ceiling(retry);
                let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
                Some(Duration::from_millis(rand::thread_rng().gen_range(0..=ms)))
            }
        }
    }
}

/// Parses a `Retry-After` header given in seconds (the form Kalshi's gateway would use).
/// HTTP dates and garbage yield `None` (then ordinary backoff applies).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // Tolerate fractional seconds ("0.5"), which some proxies send.
    let (int, frac) = v.split_once('.')?;
    let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let nanos: u32 = format!("{frac:0<9}").parse().ok()?;
    Some(Duration::new(int, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            max_retry_after: Duration::from_secs(5),
        };
        let c: Vec<u128> = (1..=5).map(|r| p.backoff_ceiling(r).as_millis()).collect();
        assert_eq!(c, vec![100, 200, 400, 700, 700]);
        assert_eq!(
            p.backoff_ceiling(200),
            Duration::from_millis(700),
            "no overflow"
        );
        for r in 1..=5 {
            let d = p.delay(r, None).unwrap();
            assert!(
                d <= p.backoff_ceiling(r),
                "full jitter stays within the ceiling"
            );
        }
    }

    #[test]
    fn retry_after_wins_unless_too_long() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(31))),
            None,
            "too long: give up"
        );
    }

    #[test]
    fn parses_retry_after_seconds() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("0.25"), Some(Duration::from_millis(250)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("1.x"), None);
    }
}
