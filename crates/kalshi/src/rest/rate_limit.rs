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

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::model::account::GetAccountApiLimitsResponse;

/// Tokens a default-cost request takes from its bucket (kalshi-api.md §4.3).
pub const DEFAULT_REQUEST_COST: u64 = 10;

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
    /// The tier of an account's `GET /account/limits`: its token refill rates divided by
    /// the default request cost, named when they match a tier this type knows.
    pub fn from_limits(limits: &GetAccountApiLimitsResponse) -> Self {
        let per_sec = |tokens: u64| {
            u32::try_from(tokens / DEFAULT_REQUEST_COST)
                .unwrap_or(u32::MAX)
                .max(1)
        };
        let (read, write) = (
            per_sec(limits.read.refill_rate),
            per_sec(limits.write.refill_rate),
        );
        [Self::Basic, Self::Advanced, Self::Premier, Self::Prime]
            .into_iter()
            .find(|t| t.read_per_sec() == read && t.write_per_sec() == write)
            .unwrap_or(Self::Custom {
                read_per_sec: read,
                write_per_sec: write,
            })
    }

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

/// Locks `m`. Every value behind these locks is whole after any single assignment, so a
/// panic elsewhere while one was held cannot leave it inconsistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One GCRA token bucket: `rate` per second, holding one second of budget.
#[derive(Debug)]
struct Bucket {
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    /// Time between two requests at the sustained rate.
    interval: Duration,
    /// How far ahead of now the schedule may run before callers wait (capacity − 1 slots).
    tolerance: Duration,
    /// Theoretical arrival time of the next request (`None` until first use).
    tat: Option<Instant>,
}

impl BucketState {
    fn sized(per_sec: u32, tat: Option<Instant>) -> Self {
        let per_sec = per_sec.max(1);
        let interval = Duration::from_secs(1) / per_sec;
        Self {
            interval,
            tolerance: interval * (per_sec - 1),
            tat,
        }
    }
}

impl Bucket {
    fn new(per_sec: u32) -> Self {
        Self {
            state: Mutex::new(BucketState::sized(per_sec, None)),
        }
    }

    /// A new rate from now on; the schedule already reserved stands.
    fn resize(&self, per_sec: u32) {
        let mut state = lock(&self.state);
        *state = BucketState::sized(per_sec, state.tat);
    }

    /// Reserves `cost` slots and returns when the caller may proceed.
    fn reserve(&self, cost: u32) -> Instant {
        let now = Instant::now();
        let mut state = lock(&self.state);
        let tat = state.tat.map_or(now, |t| t.max(now));
        let new_tat = tat + state.interval * cost.max(1);
        // The request may start once the schedule after it is within one bucket of now.
        let start = (new_tat - state.interval)
            .checked_sub(state.tolerance)
            .map_or(now, |s| s.max(now));
        state.tat = Some(new_tat);
        start
    }
}

/// Separate read and write buckets for one client (one API key).
#[derive(Debug)]
pub struct RateLimiter {
    tier: Mutex<Tier>,
    read: Bucket,
    write: Bucket,
}

impl RateLimiter {
    /// A limiter for `tier`.
    pub fn new(tier: Tier) -> Self {
        Self {
            tier: Mutex::new(tier),
            read: Bucket::new(tier.read_per_sec()),
            write: Bucket::new(tier.write_per_sec()),
        }
    }

    /// The tier this limiter enforces.
    pub fn tier(&self) -> Tier {
        *lock(&self.tier)
    }

    /// Enforces `tier` from now on (e.g. once the account's real limits are known).
    pub fn set_tier(&self, tier: Tier) {
        let mut current = lock(&self.tier);
        self.read.resize(tier.read_per_sec());
        self.write.resize(tier.write_per_sec());
        *current = tier;
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
    async fn a_new_tier_takes_effect_for_later_requests() {
        let l = RateLimiter::new(Tier::Basic);
        assert_eq!(
            time_of_nth(&l, RequestClass::Read, 20).await,
            Duration::ZERO
        );
        l.set_tier(Tier::Premier);
        assert_eq!(l.tier(), Tier::Premier);
        // The second of Basic schedule already reserved stands; from here each read is
        // one Premier interval (10 ms), not Basic's 50 ms.
        assert_eq!(
            time_of_nth(&l, RequestClass::Read, 1).await,
            Duration::from_millis(10)
        );
        assert_eq!(
            time_of_nth(&l, RequestClass::Read, 99).await,
            Duration::from_millis(990),
            "sustained rate is Premier's 100 per second"
        );
    }

    #[test]
    fn account_limits_name_the_tier_by_their_refill_rates() {
        let limits = |read: u64, write: u64| {
            serde_json::from_value::<GetAccountApiLimitsResponse>(serde_json::json!({
                "usage_tier": "whatever",
                "read": {"refill_rate": read, "bucket_capacity": read * 2},
                "write": {"refill_rate": write, "bucket_capacity": write}
            }))
            .unwrap()
        };
        assert_eq!(Tier::from_limits(&limits(200, 100)), Tier::Basic);
        assert_eq!(Tier::from_limits(&limits(1000, 1000)), Tier::Premier);
        assert_eq!(
            Tier::from_limits(&limits(10_000, 8_000)),
            Tier::Custom {
                read_per_sec: 1000,
                write_per_sec: 800
            },
            "Prestige has no variant of its own"
        );
        assert_eq!(
            Tier::from_limits(&limits(0, 5)),
            Tier::Custom {
                read_per_sec: 1,
                write_per_sec: 1
            },
            "never zero, which would stop the client"
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
