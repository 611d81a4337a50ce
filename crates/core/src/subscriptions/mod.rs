//! Market data for views: reference-counted market subscriptions (two views of one
//! market share one WebSocket subscription; the last release unsubscribes) with the order
//! book and ticker behind each, and per-view [`MarketView`] streams coalesced to a maximum
//! rate, each update numbered with a `seq` so the UI can spot a gap.

mod manager;
mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use kalshi::book::{NoPriceScale, OrderBook};
use kalshi::model::ws::{OrderbookDelta, OrderbookSnapshot, Ticker};
use tokio::sync::{mpsc, oneshot, watch};

pub(crate) use manager::run as run_manager;
pub use view::{MarketUpdate, MarketView};

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
    /// Why the exchange refused the market's subscription (e.g. it was delisted): the
    /// view will not update again. Opening a new view of the market tries again.
    pub refused: Option<String>,
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
    /// The feed lost the market-data channels (refused on a reconnect): subscribe every
    /// wanted market again.
    Restore,
    /// Answer once every earlier command is done.
    Barrier(oneshot::Sender<()>),
}

struct Entry {
    refs: usize,
    state: watch::Sender<MarketState>,
    /// A snapshot command is queued and not yet sent: refused deltas add no other.
    snapshot_queued: bool,
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
                // A market the exchange refused is asked for again by a new view.
                let retry = entry.state.send_if_modified(|s| s.refused.take().is_some());
                if retry {
                    self.send(Command::Add(ticker.to_owned()));
                }
                entry.state.subscribe()
            }
            None => {
                let (state, rx) = watch::channel(MarketState {
                    stale: true,
                    ..MarketState::default()
                });
                markets.insert(
                    ticker.to_owned(),
                    Entry {
                        refs: 1,
                        state,
                        snapshot_queued: false,
                    },
                );
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

    /// A book delta; a refused one marks the book stale and asks for a snapshot (one
    /// queued request per market, however many deltas are refused meanwhile).
    pub(crate) fn apply_delta(&self, delta: &OrderbookDelta, seq: u64) {
        let mut markets = self.lock();
        let Some(entry) = markets.get_mut(&delta.market_ticker) else {
            return;
        };
        let mut refused = false;
        entry.state.send_modify(|s| {
            if let Some(book) = &mut s.book
                && let Err(e) = book.apply_delta(delta, seq)
            {
                tracing::warn!(error = %e, ticker = %delta.market_ticker, "refused delta");
                s.stale = true;
                refused = true;
            }
        });
        if refused && !entry.snapshot_queued {
            entry.snapshot_queued = true;
            self.send(Command::Snapshot(delta.market_ticker.clone()));
        }
    }

    /// The manager took `ticker`'s snapshot command: a later refused delta may queue
    /// another.
    pub(crate) fn snapshot_taken(&self, ticker: &str) {
        if let Some(entry) = self.lock().get_mut(ticker) {
            entry.snapshot_queued = false;
        }
    }

    /// A ticker message.
    pub(crate) fn apply_ticker(&self, ticker: Ticker) {
        let market = ticker.market_ticker.clone();
        self.modify(&market, |s| s.ticker = Some(ticker));
    }

    /// The exchange refused `ticker`'s subscription: its views stop updating and say why.
    pub(crate) fn refuse(&self, ticker: &str, reason: String) {
        self.modify(ticker, |s| {
            s.refused = Some(reason);
            s.stale = true;
        });
    }

    /// The feed lost the market-data channels: subscribe every wanted market again.
    pub(crate) fn restore(&self) {
        self.send(Command::Restore);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        subs.apply_delta(&delta, 3);
        subs.apply_delta(&delta, 4);
        assert!(matches!(rx.try_recv(), Ok(Command::Snapshot(t)) if t == "M"));
        assert!(rx.try_recv().is_err(), "one queued snapshot per market");
        subs.snapshot_taken("M");
        subs.apply_delta(&delta, 5);
        assert!(
            matches!(rx.try_recv(), Ok(Command::Snapshot(t)) if t == "M"),
            "once sent, a new refusal asks again"
        );
    }

    #[test]
    fn a_new_view_of_a_refused_market_subscribes_again() {
        let (subs, mut rx) = MarketSubscriptions::new(NoPriceScale::NoLeg);
        let (state, _a) = subs.acquire("M");
        assert!(matches!(rx.try_recv(), Ok(Command::Add(t)) if t == "M"));
        subs.refuse("M", "market not found (code 16)".into());
        assert!(state.borrow().refused.is_some());
        let (_, _b) = subs.acquire("M");
        assert!(
            matches!(rx.try_recv(), Ok(Command::Add(t)) if t == "M"),
            "opening a view retries the refused market"
        );
        assert!(
            state.borrow().refused.is_none(),
            "no longer shown as refused"
        );
        let (_, _c) = subs.acquire("M");
        assert!(rx.try_recv().is_err(), "not refused: shared as usual");
    }
}
