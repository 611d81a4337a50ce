//! When the feed last heard from the exchange: any frame (data, reply, ping) or a
//! completed handshake. Shared lock-free between the actor, which marks it on every frame,
//! and the handles, which read it for a "connected · 2 s" status.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The last time the exchange was heard from, as nanoseconds since `base` plus one (zero
/// means never).
#[derive(Debug)]
pub(super) struct LastHeard {
    base: Instant,
    nanos: AtomicU64,
}

impl LastHeard {
    pub(super) fn new() -> Self {
        Self {
            base: Instant::now(),
            nanos: AtomicU64::new(0),
        }
    }

    /// The exchange was heard from just now.
    pub(super) fn mark(&self) {
        let since = u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
        self.nanos.store(since.saturating_add(1), Ordering::Relaxed);
    }

    /// When the exchange was last heard from; `None` before the first frame.
    pub(super) fn at(&self) -> Option<Instant> {
        match self.nanos.load(Ordering::Relaxed) {
            0 => None,
            n => Some(self.base + Duration::from_nanos(n - 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_until_marked_then_never_backwards() {
        let heard = LastHeard::new();
        assert_eq!(heard.at(), None);
        heard.mark();
        let first = heard.at().unwrap();
        assert!(first <= Instant::now());
        heard.mark();
        let second = heard.at().unwrap();
        assert!(second >= first && second <= Instant::now());
    }
}
