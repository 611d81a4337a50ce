//! Client-side rate limiting: one token bucket for reads and one for writes, sized by the
//! account's API tier, so the client waits instead of collecting 429s.
//!
//! Kalshi's CURRENT scheme (token buckets, live since 2026-04-23, kalshi-api.md §4.3) charges
//! tokens per request (default 10, some endpoints less, batch = sum of items) and refills
//! each bucket at the tier's budget:
//!
//! | Tier | Read tokens/s | Write tokens/s | ≈ default-cost requests/s (R / W) |
//! |---|---|---|---|
//! | Basic | 200 | 100 | 20 / 10 |
//! | Advanced | 300 | 300 | 30 / 30 |
//! | Expert | 600 | 600 | 60 / 60 |
//! | Premier | 1,000 | 1,000 | 100 / 100 |
//! | Paragon | 2,000 | 2,000 | 200 / 200 |
//! | Prime | 4,000 | 4,000 | 400 / 400 |
//! | Prestige | 10,000 | 8,000 | 1000 / 800 |
//!
//! Bucket capacities are 1–2 s of budget depending on tier and side. This limiter counts
//! default-cost requests (the ≈ column, which equals the older requests-per-second tiers)
//! and holds exactly one second of budget, the smallest capacity Kalshi uses, so a burst
//! after idling never exceeds what any tier allows. Batch writes pass their item count as
//! the cost.
//!
//! The bucket is a GCRA (virtual scheduling): each acquisition reserves the next free
//! slot under a mutex and then sleeps (tokio time) until it, so callers are served in
//! order and nobody fails.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Which bucket a request draws from. Kalshi counts order entry, amend, cancel,
/// decrease and order-group changes as writes; everything else is a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestClass {
    /// GETs and other non-mutating calls.
    Read,
    /// Order and order-group mutations.
    Write,
}

/// An API usage tier: how many default-cost requests per second each bucket allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tier {
    /// 20 reads / 10 writes per second; every account starts here.
    #[default]
    Basic,
    /// 30 / 30 per second (self-serve upgrade).
    Advanced,
    /// 100 / 100 per second.
    Premier,
    /// 400 / 400 per second.
    Prime,
    /// Any other budget (e.g. Expert 60/60, Paragon 200/200, or the simulator's).
    Custom {
        /// Read requests per second (at least 1 is used).
        read_per_sec: u32,
        /// Write requests per second (at least 1 is used).
        write_per_sec: u32,
    },
}

impl Tier {
    /// Read requests per second.
    pub fn read_per_sec(self) -> u32 {
        match self {
            Self::Basic => 20,
            Self::Advanced => 30,
            Self::Premier => 100,
            Self::Prime => 400,
            Self::Custom { read_per_sec, .. } => read_per_sec.max(1),
        }
    }

    /// Write requests per second.
    pub fn write_per_sec(self) -> u32 {
        match self {
            Self::Basic => 10,
            Self::Advanced => 30,
            Self::Premier => 100,
            Self::Prime => 400,
            Self::Custom { write_per_sec, .. } => write_per_sec.max(1),
        }
    }
}

/// One GCRA token bucket: `rate` per second, holding one second of budget.
#[derive(Debug)]
struct Bucket {
    /// Time between two requests at the sustained rate.
    interval: Duration,
    /// How far ahead of now the schedule may run before callers wait (capacity − 1 slots).
    tolerance: Duration,
    /// Theoretical arrival time of the next request (`None` until first use).
    tat: Mutex<Option<Instant>>,
}

impl Bucket {
    fn new(per_sec: u32) -> Self {
        let per_sec = per_sec.max(1);
        let interval = Duration::from_secs(1) / per_sec;
        Self {
            interval,
            tolerance: interval * (per_sec - 1),
            tat: Mutex::new(None),
        }
    }

    /// Reserves `cost` slots and returns when the caller may proceed.
    fn reserve(&self, cost: u32) -> Instant {
        let now = Instant::now();
        let mut guard = match self.tat.lock() {
            Ok(g) => g,
            // A panic while holding this lock cannot leave the Option inconsistent.
            Err(poisoned) => poisoned.into_inner(),
        };
        let tat = guard.map_or(now, |t| t.max(now));
        let new_tat = tat + self.interval * cost.max(1);
        // The request may start once the schedule after it is within one bucket of now.
        let start = (new_tat - self.interval)
            .checked_sub(self.tolerance)
            .map_or(now, |s| s.max(now));
        *guard = Some(new_tat);
        start
    }
}

/// Separate read and write buckets for one client (one API key).
#[derive(Debug)]
pub struct RateLimiter {
    tier: Tier,
    read: Bucket,
    write: Bucket,
}

impl RateLimiter {
    /// A limiter for `tier`.
    pub fn new(tier: Tier) -> Self {
        Self {
            tier,
            read: Bucket::new(tier.read_per_sec()),
            write: Bucket::new(tier.write_per_sec()),
        }
    }

    /// The tier this limiter enforces.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// Waits until one request of `class` may be sent.
    pub async fn acquire(&self, class: RequestClass) {
        self.acquire_n(class, 1).await;
    }

    /// Waits until a request costing `cost` default requests (e.g. a batch of `cost`
    /// orders) may be sent. Never fails; a cost above the bucket size just waits longer.
    pub async fn acquire_n(&self, class: RequestClass, cost: u32) {
        let bucket = match class {
            RequestClass::Read => &self.read,
            RequestClass::Write => &self.write,
        };
        let start = bucket.reserve(cost);
        if start > Instant::now() {
            tokio::time::sleep_until(start).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn time_of_nth(limiter: &RateLimiter, class: RequestClass, n: usize) -> Duration {
        let t0 = Instant::now();
        for _ in 0..n {
            limiter.acquire(class).await;
        }
        t0.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_bucket_allows_one_second_of_budget_at_once() {
        let l = RateLimiter::new(Tier::Basic);
        assert_eq!(
            time_of_nth(&l, RequestClass::Read, 20).await,
            Duration::ZERO,
            "20 reads fit in a fresh Basic bucket"
        );
        assert_eq!(
            time_of_nth(&l, RequestClass::Read, 1).await,
            Duration::from_millis(50),
            "the 21st read waits one interval (1/20 s)"
        );
        assert_eq!(
            time_of_nth(&l, RequestClass::Read, 20).await,
            Duration::from_secs(1),
            "sustained rate is 20 per second"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn read_and_write_buckets_are_independent() {
        let l = RateLimiter::new(Tier::Basic);
        assert_eq!(
            time_of_nth(&l, RequestClass::Write, 10).await,
            Duration::ZERO
        );
        assert_eq!(
            time_of_nth(&l, RequestClass::Write, 1).await,
            Duration::from_millis(100),
            "Basic writes are 10 per second"
        );
        assert_eq!(
            time_of_nth(&l, RequestClass::Read, 20).await,
            Duration::ZERO,
            "an exhausted write bucket does not slow reads"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn idle_time_refills_but_never_beyond_capacity() {
        let l = RateLimiter::new(Tier::Advanced);
        assert_eq!(
            time_of_nth(&l, RequestClass::Write, 30).await,
            Duration::ZERO
        );
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(
            time_of_nth(&l, RequestClass::Write, 30).await,
            Duration::ZERO,
            "a long idle refills the bucket"
        );
        let wait = time_of_nth(&l, RequestClass::Write, 1).await;
        assert!(
            wait > Duration::ZERO,
            "but only to one second of budget, not ten"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn batch_cost_consumes_several_slots() {
        let l = RateLimiter::new(Tier::Custom {
            read_per_sec: 10,
            write_per_sec: 10,
        });
        let t0 = Instant::now();
        l.acquire_n(RequestClass::Write, 10).await;
        assert_eq!(
            t0.elapsed(),
            Duration::ZERO,
            "a batch of 10 fits a bucket of 10"
        );
        l.acquire(RequestClass::Write).await;
        assert_eq!(
            t0.elapsed(),
            Duration::from_millis(100),
            "the next write waits"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_are_spread_over_time() {
        let l = std::sync::Arc::new(RateLimiter::new(Tier::Custom {
            read_per_sec: 2,
            write_per_sec: 1,
        }));
        let t0 = Instant::now();
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let l = l.clone();
                tokio::spawn(async move {
                    l.acquire(RequestClass::Read).await;
                    t0.elapsed()
                })
            })
            .collect();
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.unwrap());
        }
        times.sort();
        let ms: Vec<u128> = times.iter().map(Duration::as_millis).collect();
        assert_eq!(
            ms,
            vec![0, 0, 500, 1000, 1500, 2000],
            "2 at once, then one per 500 ms"
        );
    }

    #[test]
    fn tier_presets_match_the_documented_table() {
        let t: Vec<(u32, u32)> = [Tier::Basic, Tier::Advanced, Tier::Premier, Tier::Prime]
            .into_iter()
            .map(|t| (t.read_per_sec(), t.write_per_sec()))
            .collect();
        assert_eq!(t, vec![(20, 10), (30, 30), (100, 100), (400, 400)]);
        assert_eq!(
            Tier::default(),
            Tier::Basic,
            "Basic is the default (design.md)"
        );
    }
}
