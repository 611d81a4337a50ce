//! Fills that arrive close together become one notification: the first fill of a quiet
//! period is held for [`WINDOW`], every fill within that second joins it, and the group is
//! shown when the second is over. A fill that crosses several price levels arrives as a
//! burst of fills, and a burst of pop-ups would bury the desktop.
//!
//! Pure bookkeeping over explicit instants, so it is tested without a clock; the notifier
//! ([`super`]) sleeps until [`Grouper::due`] and calls [`Grouper::take_due`].

use std::time::Duration;

use ipc::commands::history::FillView;
use tokio::time::Instant;

/// How long the first fill of a quiet period waits for others to join it.
pub const WINDOW: Duration = Duration::from_secs(1);

/// The open group, if any.
#[derive(Debug)]
pub struct Grouper {
    window: Duration,
    open: Option<Open>,
}

#[derive(Debug)]
struct Open {
    due: Instant,
    fills: Vec<FillView>,
}

impl Default for Grouper {
    fn default() -> Self {
        Self::new(WINDOW)
    }
}

impl Grouper {
    /// Groups over `window` (the app uses [`WINDOW`]).
    pub fn new(window: Duration) -> Self {
        Self { window, open: None }
    }

    /// Adds a fill seen at `now`. When the open group's window had already ended (the
    /// caller was late to flush it), that group is closed and returned, and the fill starts
    /// the next one.
    pub fn push(&mut self, fill: FillView, now: Instant) -> Option<Vec<FillView>> {
        let finished = self.take_due(now);
        match &mut self.open {
            Some(open) => open.fills.push(fill),
            None => {
                self.open = Some(Open {
                    due: now + self.window,
                    fills: vec![fill],
                });
            }
        }
        finished
    }

    /// When the open group is to be shown; `None` while no fill waits.
    pub fn due(&self) -> Option<Instant> {
        self.open.as_ref().map(|open| open.due)
    }

    /// The open group, if its window is over at `now`.
    pub fn take_due(&mut self, now: Instant) -> Option<Vec<FillView>> {
        if self.open.as_ref().is_some_and(|open| now >= open.due) {
            self.open.take().map(|open| open.fills)
        } else {
            None
        }
    }

    /// Drops the waiting fills unshown (notifications were just turned off or paused).
    pub fn clear(&mut self) {
        self.open = None;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use ipc::commands::orders::{BookSide, Outcome};
    use ipc::{Count, Money, Price};

    use super::*;

    pub(crate) fn fill(id: &str, ticker: &str) -> FillView {
        FillView {
            fill_id: id.to_owned(),
            order_id: format!("order-{id}"),
            ticker: ticker.to_owned(),
            outcome: Outcome::Yes,
            book_side: BookSide::Bid,
            count: Count::from_contracts(1),
            yes_price: Price::parse("0.4000").unwrap(),
            no_price: Price::parse("0.6000").unwrap(),
            is_taker: true,
            fee: Money::ZERO,
            created_ms: 0,
        }
    }

    fn ids(fills: &[FillView]) -> Vec<&str> {
        fills.iter().map(|f| f.fill_id.as_str()).collect()
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_first_fill_waits_one_second_and_later_ones_join_it() {
        let t0 = Instant::now();
        let mut g = Grouper::default();
        assert_eq!(g.due(), None);
        assert!(g.push(fill("a", "M"), t0).is_none());
        assert_eq!(g.due(), Some(t0 + WINDOW), "held for one second");
        assert!(g.push(fill("b", "M"), t0 + ms(300)).is_none());
        assert!(g.push(fill("c", "M"), t0 + ms(999)).is_none());
        assert_eq!(
            g.due(),
            Some(t0 + WINDOW),
            "joining does not extend the wait"
        );
        assert!(
            g.take_due(t0 + ms(999)).is_none(),
            "not before the second is over"
        );
        let group = g
            .take_due(t0 + WINDOW)
            .expect("shown at the end of the second");
        assert_eq!(ids(&group), ["a", "b", "c"]);
        assert_eq!(g.due(), None, "quiet again");
        assert!(g.take_due(t0 + ms(5000)).is_none());
    }

    #[test]
    fn a_fill_after_the_window_starts_a_new_group() {
        let t0 = Instant::now();
        let mut g = Grouper::default();
        g.push(fill("a", "M"), t0);
        assert_eq!(ids(&g.take_due(t0 + WINDOW).unwrap()), ["a"]);
        g.push(fill("b", "M"), t0 + ms(1500));
        assert_eq!(g.due(), Some(t0 + ms(2500)));
        assert_eq!(ids(&g.take_due(t0 + ms(2500)).unwrap()), ["b"]);
    }

    #[test]
    fn a_late_flush_closes_the_old_group_before_the_new_fill() {
        let t0 = Instant::now();
        let mut g = Grouper::default();
        g.push(fill("a", "M"), t0);
        let closed = g
            .push(fill("b", "M"), t0 + ms(1200))
            .expect("the overdue group comes out");
        assert_eq!(ids(&closed), ["a"]);
        assert_eq!(g.due(), Some(t0 + ms(2200)), "b opened its own second");
    }

    #[test]
    fn clear_drops_what_waits() {
        let t0 = Instant::now();
        let mut g = Grouper::default();
        g.push(fill("a", "M"), t0);
        g.clear();
        assert_eq!(g.due(), None);
        assert!(g.take_due(t0 + WINDOW).is_none());
    }
}
