//! One open subscription of a connection: its channel, market filter, options and the
//! `seq` counter of sequenced channels.

use std::collections::BTreeSet;

use kalshi::model::ws::Channel;

/// Which markets a subscription delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Markets {
    /// Every market (no filter given, or a channel without market filtering).
    All,
    /// Only these tickers (sorted, so replies are deterministic).
    Only(BTreeSet<String>),
}

impl Markets {
    /// Whether `ticker` is delivered.
    pub fn contains(&self, ticker: &str) -> bool {
        match self {
            Markets::All => true,
            Markets::Only(set) => set.contains(ticker),
        }
    }

    /// Adds `tickers`; returns those that were not delivered before, in the given order.
    /// Adding to `All` adds nothing.
    pub fn add(&mut self, tickers: &[String]) -> Vec<String> {
        match self {
            Markets::All => Vec::new(),
            Markets::Only(set) => tickers
                .iter()
                .filter(|t| set.insert((*t).clone()))
                .cloned()
                .collect(),
        }
    }

    /// Widens to every market.
    pub fn widen(&mut self) {
        *self = Markets::All;
    }

    /// Removes `tickers` (unknown ones are ignored). Returns false for `All`, which cannot
    /// express "all but these".
    pub fn remove(&mut self, tickers: &[String]) -> bool {
        match self {
            Markets::All => false,
            Markets::Only(set) => {
                for t in tickers {
                    set.remove(t);
                }
                true
            }
        }
    }

    /// The ticker list for an `ok` reply; `None` for `All`.
    pub fn list(&self) -> Option<Vec<String>> {
        match self {
            Markets::All => None,
            Markets::Only(set) => Some(set.iter().cloned().collect()),
        }
    }
}

/// One subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The channel.
    pub channel: Channel,
    /// The market filter.
    pub markets: Markets,
    /// `orderbook_delta`: publish NO levels at YES-leg prices.
    pub use_yes_price: bool,
    /// Leave the market list out of `ok` replies.
    pub skip_ticker_ack: bool,
    /// Last seq assigned (0 = none yet).
    seq: u64,
}

impl Subscription {
    /// A fresh subscription; its first sequenced message gets seq 1.
    pub fn new(channel: Channel, markets: Markets) -> Self {
        Self {
            channel,
            markets,
            use_yes_price: false,
            skip_ticker_ack: false,
            seq: 0,
        }
    }

    /// Assigns the next seq: `last + 1`, or `last + 2` when `skip` (an injected gap).
    pub fn next_seq(&mut self, skip: bool) -> u64 {
        self.seq += if skip { 2 } else { 1 };
        self.seq
    }

    /// The `seq` to put on `ok` / `unsubscribed` replies: the last one assigned, on
    /// sequenced channels only (a reply does not consume a seq).
    pub fn reply_seq(&self) -> Option<u64> {
        self.channel.is_sequenced().then_some(self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn adding_reports_only_new_markets() {
        let mut m = Markets::Only(BTreeSet::new());
        assert_eq!(m.add(&t(&["B", "A"])), t(&["B", "A"]));
        assert_eq!(m.add(&t(&["A", "C"])), t(&["C"]), "A was already there");
        assert_eq!(m.list(), Some(t(&["A", "B", "C"])), "sorted");
        assert!(m.remove(&t(&["B", "Z"])));
        assert_eq!(m.list(), Some(t(&["A", "C"])));
        assert!(!m.contains("B"));
    }

    #[test]
    fn all_markets_cannot_shrink() {
        let mut m = Markets::All;
        assert!(m.contains("ANY"));
        assert!(m.add(&t(&["A"])).is_empty());
        assert!(!m.remove(&t(&["A"])));
        assert_eq!(m.list(), None);
    }

    #[test]
    fn seq_counts_from_one_and_skips_on_demand() {
        let mut s = Subscription::new(Channel::OrderbookDelta, Markets::All);
        assert_eq!(s.next_seq(false), 1);
        assert_eq!(s.next_seq(false), 2);
        assert_eq!(s.next_seq(true), 4, "a skip leaves a gap of one");
        assert_eq!(s.reply_seq(), Some(4));
        let fill = Subscription::new(Channel::Fill, Markets::All);
        assert_eq!(fill.reply_seq(), None, "unsequenced channels carry no seq");
    }
}
