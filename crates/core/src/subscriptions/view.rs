//! [`MarketView`]: one view's stream of a market, coalesced to a maximum rate and numbered.

use std::time::Duration;

use kalshi::book::Depth;
use kalshi::model::ws::{PriceLevel, Ticker};
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};

use super::{Lease, MarketState};

/// One update of a [`MarketView`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketUpdate {
    /// 1, 2, 3, ... per view: a jump means the UI missed an update and should re-read.
    pub seq: u64,
    /// The market.
    pub ticker: String,
    /// Top levels of YES bids and asks (empty until the first snapshot).
    pub depth: Depth,
    /// Best YES bid.
    pub best_bid: Option<PriceLevel>,
    /// Best YES ask.
    pub best_ask: Option<PriceLevel>,
    /// The last ticker message (last price, volume, open interest).
    pub ticker_data: Option<Ticker>,
    /// True when the book may be wrong (no snapshot yet, a gap, a disconnect).
    pub stale: bool,
    /// Why the exchange refused this market (e.g. delisted); no further updates come.
    pub refused: Option<String>,
}

/// A live stream of one market for one view, coalesced: however fast the book changes,
/// [`MarketView::next`] returns at most `rate` updates per second, each with the latest
/// state. Dropping the view releases its subscription.
pub struct MarketView {
    ticker: String,
    state: watch::Receiver<MarketState>,
    closed: watch::Receiver<bool>,
    min_gap: Duration,
    depth: usize,
    seq: u64,
    last: Option<Instant>,
    _lease: Option<Lease>,
}

impl std::fmt::Debug for MarketView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketView")
            .field("ticker", &self.ticker)
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

impl MarketView {
    pub(crate) fn new(
        ticker: String,
        mut state: watch::Receiver<MarketState>,
        closed: watch::Receiver<bool>,
        updates_per_sec: u32,
        depth: usize,
        lease: Option<Lease>,
    ) -> Self {
        // The first `next` returns the current state at once.
        state.mark_changed();
        Self {
            ticker,
            state,
            closed,
            min_gap: Duration::from_secs(1) / updates_per_sec.max(1),
            depth,
            seq: 0,
            last: None,
            _lease: lease,
        }
    }

    /// The market.
    pub fn ticker(&self) -> &str {
        &self.ticker
    }

    /// The next update: waits for a change, then for the rate limit, then returns the
    /// latest state (changes in between are folded into it). `None` once the session is
    /// closed.
    pub async fn next(&mut self) -> Option<MarketUpdate> {
        tokio::select! {
            biased;
            () = crate::shared::stopped(&mut self.closed) => return None,
            changed = self.state.changed() => changed.ok()?,
        }
        if let Some(last) = self.last {
            let at = last + self.min_gap;
            if Instant::now() < at {
                tokio::select! {
                    biased;
                    () = crate::shared::stopped(&mut self.closed) => return None,
                    () = sleep_until(at) => {}
                }
            }
        }
        self.seq += 1;
        self.last = Some(Instant::now());
        let state = self.state.borrow_and_update();
        let (depth, best_bid, best_ask) = match &state.book {
            Some(book) => (book.depth(self.depth), book.best_bid(), book.best_ask()),
            None => (Depth::default(), None, None),
        };
        Some(MarketUpdate {
            seq: self.seq,
            ticker: self.ticker.clone(),
            depth,
            best_bid,
            best_ask,
            ticker_data: state.ticker.clone(),
            stale: state.stale,
            refused: state.refused.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kalshi::model::Count;

    fn ticker_msg(volume: i64) -> Ticker {
        serde_json::from_value(serde_json::json!({
            "market_ticker": "M", "volume_fp": format!("{volume}.00"),
            "open_interest_fp": "0.00"
        }))
        .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn views_are_coalesced_to_the_rate_with_contiguous_seqs() {
        let (tx, rx) = watch::channel(MarketState::default());
        let (_closed_tx, closed) = watch::channel(false);
        let mut view = MarketView::new("M".into(), rx, closed, 30, 5, None);
        let producer = tokio::spawn(async move {
            for volume in 1..=1000 {
                tx.send_modify(|s| s.ticker = Some(ticker_msg(volume)));
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            tx
        });
        let start = Instant::now();
        let mut updates = Vec::new();
        loop {
            let update = view.next().await.unwrap();
            let done = update
                .ticker_data
                .as_ref()
                .is_some_and(|t| t.volume_fp == Count::from_contracts(1000));
            updates.push(update);
            if done {
                break;
            }
        }
        let elapsed = start.elapsed();
        let _tx = producer.await.unwrap();
        let seqs: Vec<u64> = updates.iter().map(|u| u.seq).collect();
        assert_eq!(
            seqs,
            (1..=updates.len() as u64).collect::<Vec<_>>(),
            "seq has no gaps"
        );
        // 1000 changes over ~1 s of (virtual) time: at most 30 per second plus the first.
        let allowed = 1 + (elapsed.as_millis() as usize * 30).div_ceil(1000);
        assert!(
            updates.len() <= allowed,
            "{} updates in {elapsed:?} exceed 30/s",
            updates.len()
        );
        assert!(
            updates.len() >= 20,
            "changes keep flowing: {}",
            updates.len()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_market_gives_one_update_then_waits_and_close_ends_it() {
        let (tx, rx) = watch::channel(MarketState::default());
        let (closed_tx, closed) = watch::channel(false);
        let mut view = MarketView::new("M".into(), rx, closed, 30, 5, None);
        let first = view.next().await.unwrap();
        assert_eq!(first.seq, 1, "the current state comes at once");
        assert!(first.depth.bids.is_empty());
        let waiting = tokio::time::timeout(Duration::from_secs(5), view.next()).await;
        assert!(waiting.is_err(), "no change, no update");
        tx.send_modify(|s| s.stale = true);
        assert_eq!(view.next().await.unwrap().seq, 2);
        closed_tx.send_replace(true);
        assert!(
            view.next().await.is_none(),
            "closing the session ends the stream"
        );
    }
}
