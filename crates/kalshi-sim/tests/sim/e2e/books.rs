//! Local order books built with `kalshi::book` from the feed's events, the way an app
//! would: a snapshot (re)builds a market's book, deltas update it, and a gap or a lost
//! connection makes every book stale until its next snapshot. [`converge`] waits until
//! every book equals the simulator's.

use std::collections::BTreeMap;
use std::fmt;

use kalshi::book::{NoPriceScale, OrderBook};
use kalshi::model::orderbook::OrderbookFp;
use kalshi::model::ws::Message;
use kalshi::model::{Count, Price};
use kalshi::rest::Client;
use kalshi::ws::FeedEvent;
use kalshi_sim::server::convert;
use tokio::time::Instant;

use super::support::TestFeed;
use crate::harness::{Sim, WAIT};

/// Both bid sides of one book, each ascending by price (NO side in NO-leg prices).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    /// YES bids.
    pub yes: Vec<(Price, Count)>,
    /// NO bids.
    pub no: Vec<(Price, Count)>,
}

impl fmt::Display for Levels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |l: &[(Price, Count)]| {
            l.iter()
                .map(|(p, c)| format!("{p}x{c}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(f, "yes[{}] no[{}]", side(&self.yes), side(&self.no))
    }
}

impl Levels {
    /// A book as the SDK built it.
    pub fn of_book(book: &OrderBook) -> Self {
        let mut yes: Vec<_> = book.yes_bids().map(|l| (l.price, l.count)).collect();
        let mut no: Vec<_> = book.no_bids().map(|l| (l.price, l.count)).collect();
        yes.reverse();
        no.reverse();
        Self { yes, no }
    }

    /// A REST order book (`GET /markets/{ticker}/orderbook`).
    pub fn of_rest(fp: &OrderbookFp) -> Self {
        let mut yes: Vec<_> = fp.yes_dollars.iter().map(|l| (l.price, l.count)).collect();
        let mut no: Vec<_> = fp.no_dollars.iter().map(|l| (l.price, l.count)).collect();
        yes.sort();
        no.sort();
        Self { yes, no }
    }

    /// The simulator's book of `ticker`, read under the engine lock.
    pub fn of_sim(sim: &Sim, ticker: &str) -> Self {
        let fp = sim.handle.state().read(|engine, _| {
            engine
                .orderbook(ticker, 0)
                .map(|view| convert::orderbook(&view))
                .expect("the market exists")
        });
        Self::of_rest(&fp)
    }

    /// Total contracts on both sides (to show a book is not trivially empty).
    pub fn depth(&self) -> usize {
        self.yes.len() + self.no.len()
    }
}

/// What the mirror saw, for assertions about the path it took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// Snapshots applied.
    pub snapshots: usize,
    /// Deltas applied to a fresh book.
    pub deltas: usize,
    /// Gap events.
    pub gaps: usize,
    /// Resynced events.
    pub resynced: usize,
    /// Disconnected events.
    pub disconnects: usize,
    /// Reconnected events.
    pub reconnects: usize,
}

/// The books of a set of markets, fed by one feed's events.
#[derive(Debug)]
pub struct Books {
    /// The NO price scale the feed subscribed with.
    scale: NoPriceScale,
    /// `None` while stale (never synced, after a gap or a lost connection).
    books: BTreeMap<String, Option<OrderBook>>,
    /// Counters.
    pub seen: Seen,
}

impl Books {
    /// Stale books for `tickers`, whose NO levels arrive in `scale`.
    pub fn new(tickers: &[String], scale: NoPriceScale) -> Self {
        Self {
            scale,
            books: tickers.iter().map(|t| (t.clone(), None)).collect(),
            seen: Seen::default(),
        }
    }

    /// Applies one feed event. A delta the book refuses means the local book diverged from
    /// the exchange, which a correct feed never allows: that panics.
    pub fn apply(&mut self, event: &FeedEvent) {
        match event {
            FeedEvent::Disconnected { .. } => {
                self.seen.disconnects += 1;
                self.stale_all();
            }
            FeedEvent::Reconnected => self.seen.reconnects += 1,
            FeedEvent::Gap { .. } => {
                self.seen.gaps += 1;
                self.stale_all();
            }
            FeedEvent::Resynced { .. } => self.seen.resynced += 1,
            FeedEvent::Message(m) => match &**m {
                Message::OrderbookSnapshot(s) => {
                    if let Some(slot) = self.books.get_mut(&s.msg.market_ticker) {
                        let book = OrderBook::from_snapshot(&s.msg, s.seq, self.scale)
                            .expect("a valid snapshot");
                        *slot = Some(book);
                        self.seen.snapshots += 1;
                    }
                }
                Message::OrderbookDelta(d) => {
                    if let Some(Some(book)) = self.books.get_mut(&d.msg.market_ticker) {
                        book.apply_delta(&d.msg, d.seq)
                            .unwrap_or_else(|e| panic!("delta seq {} refused: {e}", d.seq));
                        self.seen.deltas += 1;
                    }
                }
                _ => {}
            },
            FeedEvent::Malformed { error } => panic!("the simulator sent a bad frame: {error}"),
            FeedEvent::SubscribeRefused { channels, error } => {
                panic!("the simulator refused {channels:?} on a reconnect: {error:?}")
            }
            FeedEvent::Connected | FeedEvent::Reconnecting { .. } => {}
        }
    }

    fn stale_all(&mut self) {
        for slot in self.books.values_mut() {
            *slot = None;
        }
    }

    /// Applies every event already waiting, without blocking.
    pub fn drain(&mut self, feed: &mut TestFeed) {
        while let Ok(e) = feed.events.try_recv() {
            self.apply(&e);
        }
    }

    /// Applies events until (and including) the first one `stop` accepts; returns them.
    pub async fn follow_until(
        &mut self,
        feed: &mut TestFeed,
        stop: impl Fn(&FeedEvent) -> bool,
    ) -> Vec<FeedEvent> {
        let mut seen = Vec::new();
        loop {
            let e = feed.next().await;
            self.apply(&e);
            let done = stop(&e);
            seen.push(e);
            if done {
                return seen;
            }
        }
    }

    /// The first difference from the simulator, or `None` when every book is synced and
    /// equal to the simulator's.
    pub fn diff(&self, sim: &Sim) -> Option<String> {
        for (ticker, slot) in &self.books {
            let Some(book) = slot else {
                return Some(format!("{ticker}: stale"));
            };
            let local = Levels::of_book(book);
            let truth = Levels::of_sim(sim, ticker);
            if local != truth {
                return Some(format!("{ticker}: local {local} != simulator {truth}"));
            }
        }
        None
    }

    /// The local levels of every market (all must be synced).
    pub fn levels(&self) -> BTreeMap<String, Levels> {
        self.books
            .iter()
            .map(|(t, b)| {
                let book = b.as_ref().unwrap_or_else(|| panic!("{t} is stale"));
                (t.clone(), Levels::of_book(book))
            })
            .collect()
    }
}

/// Feeds events into `books` until every book equals the simulator's (bounded by
/// [`WAIT`]); the simulator must be quiet by then. Then checks the client's REST view of
/// each book is the same.
pub async fn converge(sim: &Sim, feed: &mut TestFeed, books: &mut Books, rest: &Client) {
    let deadline = Instant::now() + WAIT;
    loop {
        books.drain(feed);
        let Some(diff) = books.diff(sim) else { break };
        match tokio::time::timeout_at(deadline, feed.events.recv()).await {
            Ok(Some(e)) => books.apply(&e),
            Ok(None) => panic!("the feed ended while books were out of sync: {diff}"),
            Err(_) => panic!(
                "books did not converge within {WAIT:?}: {diff}; {:?}",
                books.seen
            ),
        }
    }
    for (ticker, local) in books.levels() {
        let rest = Levels::of_rest(&rest.orderbook(&ticker, None).await.expect("REST book"));
        assert_eq!(
            local, rest,
            "{ticker}: the feed's book equals GET orderbook"
        );
    }
}
