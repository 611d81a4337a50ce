//! Market data for views: reference-counted market subscriptions (two views of one
//! market share one WebSocket subscription; the last release unsubscribes) with the order
//! book and ticker behind each, and per-view [`MarketView`] streams coalesced to a maximum
//! rate, each update numbered with a `seq` so the UI can spot a gap.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use kalshi::book::{Depth, NoPriceScale, OrderBook};
use kalshi::model::ws::{
    Channel, OrderbookDelta, OrderbookSnapshot, PriceLevel, Ticker, UpdateAction,
};
use kalshi::ws::FeedHandle;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};

/// What the session knows about one subscribed market.
#[derive(Debug, Clone, Default)]
pub(crate) struct MarketState {
    /// The book, once a snapshot has arrived.
    pub book: Option<OrderBook>,
    /// The last ticker message.
    pub ticker: Option<Ticker>,
    /// True until a snapshot arrives, and again after a gap, a refused delta or a
    /// disconnect, until the next snapshot.
    pub stale: bool,
}

/// A request to the subscription manager task, which sends feed commands in order.
#[derive(Debug)]
pub(crate) enum Command {
    /// The first view of a market opened.
    Add(String),
    /// The last view of a market closed.
    Remove(String),
    /// The market's book refused a delta: ask for a fresh snapshot.
    Snapshot(String),
    /// Answer once every earlier command is done.
    Barrier(oneshot::Sender<()>),
}

struct Entry {
    refs: usize,
    state: watch::Sender<MarketState>,
}

struct Inner {
    markets: Mutex<HashMap<String, Entry>>,
    commands: mpsc::UnboundedSender<Command>,
    scale: NoPriceScale,
}

/// The shared set of subscribed markets. Cheap to clone.
#[derive(Clone)]
pub(crate) struct MarketSubscriptions {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MarketSubscriptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let markets: Vec<String> = self.lock().keys().cloned().collect();
        f.debug_struct("MarketSubscriptions")
            .field("markets", &markets)
            .finish()
    }
}

impl MarketSubscriptions {
    /// An empty set and the receiver its manager task should run on.
    pub(crate) fn new(scale: NoPriceScale) -> (Self, mpsc::UnboundedReceiver<Command>) {
        let (commands, rx) = mpsc::unbounded_channel();
        let inner = Inner {
            markets: Mutex::new(HashMap::new()),
            commands,
            scale,
        };
        (
            Self {
                inner: Arc::new(inner),
            },
            rx,
        )
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.inner
            .markets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn send(&self, command: Command) {
        // The manager is gone only when the session is closing; nothing to do then.
        let _ = self.inner.commands.send(command);
    }

    /// Takes a reference on `ticker`, subscribing it if it is the first.
    pub(crate) fn acquire(&self, ticker: &str) -> (watch::Receiver<MarketState>, Lease) {
        let mut markets = self.lock();
        let rx = match markets.get_mut(ticker) {
            Some(entry) => {
                entry.refs += 1;
                entry.state.subscribe()
            }
            None => {
                let (state, rx) = watch::channel(MarketState {
                    stale: true,
                    ..MarketState::default()
                });
                markets.insert(ticker.to_owned(), Entry { refs: 1, state });
                self.send(Command::Add(ticker.to_owned()));
                rx
            }
        };
        let lease = Lease {
            subs: self.clone(),
            ticker: ticker.to_owned(),
        };
        (rx, lease)
    }

    fn release(&self, ticker: &str) {
        let mut markets = self.lock();
        let Some(entry) = markets.get_mut(ticker) else {
            return;
        };
        entry.refs = entry.refs.saturating_sub(1);
        if entry.refs == 0 {
            markets.remove(ticker);
            self.send(Command::Remove(ticker.to_owned()));
        }
    }

    /// Markets with at least one view.
    pub(crate) fn tickers(&self) -> Vec<String> {
        let mut tickers: Vec<String> = self.lock().keys().cloned().collect();
        tickers.sort();
        tickers
    }

    fn modify(&self, ticker: &str, change: impl FnOnce(&mut MarketState)) {
        if let Some(entry) = self.lock().get(ticker) {
            entry.state.send_modify(change);
        }
    }

    /// A book snapshot: replaces the book; the market is fresh again.
    pub(crate) fn apply_snapshot(&self, snapshot: &OrderbookSnapshot, seq: u64) {
        let scale = self.inner.scale;
        self.modify(&snapshot.market_ticker, |s| match OrderBook::from_snapshot(
            snapshot, seq, scale,
        ) {
            Ok(book) => {
                s.book = Some(book);
                s.stale = false;
            }
            Err(e) => {
                tracing::warn!(error = %e, ticker = %snapshot.market_ticker, "refused snapshot");
                s.stale = true;
            }
        });
    }

    /// A book delta; a refused one marks the book stale and asks for a snapshot.
    pub(crate) fn apply_delta(&self, delta: &OrderbookDelta, seq: u64) {
        let mut refused = false;
        self.modify(&delta.market_ticker, |s| {
            if let Some(book) = &mut s.book
                && let Err(e) = book.apply_delta(delta, seq)
            {
                tracing::warn!(error = %e, ticker = %delta.market_ticker, "refused delta");
                s.stale = true;
                refused = true;
            }
        });
        if refused {
            self.send(Command::Snapshot(delta.market_ticker.clone()));
        }
    }

    /// A ticker message.
    pub(crate) fn apply_ticker(&self, ticker: Ticker) {
        let market = ticker.market_ticker.clone();
        self.modify(&market, |s| s.ticker = Some(ticker));
    }

    /// Every book is suspect (gap, disconnect) until its next snapshot.
    pub(crate) fn mark_all_stale(&self) {
        for entry in self.lock().values() {
            entry
                .state
                .send_if_modified(|s| !std::mem::replace(&mut s.stale, true));
        }
    }

    /// Waits until every command queued so far has been sent and answered.
    pub(crate) async fn barrier(&self) {
        let (tx, rx) = oneshot::channel();
        self.send(Command::Barrier(tx));
        let _ = rx.await;
    }
}

/// One view's reference on a market; dropping it releases the reference.
pub(crate) struct Lease {
    subs: MarketSubscriptions,
    ticker: String,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.subs.release(&self.ticker);
    }
}

/// Sends the feed commands for [`Command`]s, one at a time and in order, so an add and a
/// remove of the same market can never overtake each other.
pub(crate) async fn run_manager(
    feed: Arc<FeedHandle>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    mut shutdown: watch::Receiver<bool>,
) {
    const CHANNELS: [Channel; 2] = [Channel::OrderbookDelta, Channel::Ticker];
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    loop {
        let command = tokio::select! {
            () = crate::shared::stopped(&mut shutdown) => return,
            c = commands.recv() => match c {
                Some(c) => c,
                None => return,
            },
        };
        let result = match command {
            Command::Add(ticker) => {
                if !wanted.insert(ticker.clone()) {
                    continue;
                }
                // Subscribing an open channel adds the market to its existing sid.
                feed.subscribe(CHANNELS, [ticker]).await.map(drop)
            }
            Command::Remove(ticker) => {
                if !wanted.remove(&ticker) {
                    continue;
                }
                if wanted.is_empty() {
                    feed.unsubscribe(CHANNELS).await.map(drop)
                } else {
                    let mut result = Ok(());
                    for channel in CHANNELS {
                        let r = feed
                            .update_subscription(channel, UpdateAction::DeleteMarkets, [&ticker])
                            .await;
                        result = result.and(r.map(drop));
                    }
                    result
                }
            }
            Command::Snapshot(ticker) => {
                if !wanted.contains(&ticker) {
                    continue;
                }
                feed.update_subscription(
                    Channel::OrderbookDelta,
                    UpdateAction::GetSnapshot,
                    [ticker],
                )
                .await
                .map(drop)
            }
            Command::Barrier(done) => {
                let _ = done.send(());
                Ok(())
            }
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "market subscription command failed");
        }
    }
}

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

    #[test]
    fn references_are_counted_and_the_last_release_unsubscribes() {
        let (subs, mut rx) = MarketSubscriptions::new(NoPriceScale::NoLeg);
        let (_a, lease_a) = subs.acquire("M");
        let (_b, lease_b) = subs.acquire("M");
        assert!(matches!(rx.try_recv(), Ok(Command::Add(t)) if t == "M"));
        assert!(
            rx.try_recv().is_err(),
            "the second view shares the subscription"
        );
        drop(lease_a);
        assert!(rx.try_recv().is_err(), "one view still open");
        assert_eq!(subs.tickers(), ["M"]);
        drop(lease_b);
        assert!(matches!(rx.try_recv(), Ok(Command::Remove(t)) if t == "M"));
        assert!(subs.tickers().is_empty());
    }

    #[test]
    fn refused_deltas_mark_stale_and_ask_for_a_snapshot() {
        let (subs, mut rx) = MarketSubscriptions::new(NoPriceScale::NoLeg);
        let (state, _lease) = subs.acquire("M");
        let _ = rx.try_recv();
        let snapshot: OrderbookSnapshot = serde_json::from_value(serde_json::json!({
            "market_ticker": "M", "yes_dollars_fp": [["0.4000", "5.00"]], "no_dollars_fp": []
        }))
        .unwrap();
        subs.apply_snapshot(&snapshot, 1);
        assert!(!state.borrow().stale, "a snapshot makes the book fresh");
        let delta: OrderbookDelta = serde_json::from_value(serde_json::json!({
            "market_ticker": "M", "price_dollars": "0.4000", "delta_fp": "-9.00", "side": "yes"
        }))
        .unwrap();
        subs.apply_delta(&delta, 2);
        assert!(
            state.borrow().stale,
            "a delta below zero means the book diverged"
        );
        assert!(matches!(rx.try_recv(), Ok(Command::Snapshot(t)) if t == "M"));
    }
}
