//! The desired subscription set (channel × market tickers), which survives reconnects, and
//! the sid → channel map of the current connection, which is rebuilt on every connect.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::ws::Channel;

/// Which markets a channel should deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketFilter {
    /// No filter: every market (or a channel without market filtering).
    All,
    /// Only these markets (kept sorted so commands are deterministic).
    Markets(BTreeSet<String>),
}

impl MarketFilter {
    /// The tickers to send in a subscribe (`[]` for all markets).
    pub fn tickers(&self) -> Vec<String> {
        match self {
            MarketFilter::All => Vec::new(),
            MarketFilter::Markets(set) => set.iter().cloned().collect(),
        }
    }
}

/// What one [`Subscriptions::add`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Added {
    changes: Vec<(Channel, Change)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    /// The channel was not wanted before.
    NewChannel,
    /// The channel went from these markets to all markets.
    Widened(MarketFilter),
    /// These markets were added to the channel.
    Markets(Vec<String>),
}

/// Desired subscriptions plus the live sid map.
#[derive(Debug, Clone, Default)]
pub struct Subscriptions {
    desired: BTreeMap<Channel, MarketFilter>,
    sids: HashMap<u64, Channel>,
}

impl Subscriptions {
    /// Nothing desired.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wants `channels` for `tickers` in addition to what is already wanted. An empty
    /// ticker list (or a channel that takes no market filter) means all markets. Returns
    /// what changed, so a subscribe the server refuses can be taken back with [`Self::undo`]
    /// (otherwise a bad ticker would be re-sent, and refused, on every reconnect).
    pub fn add(&mut self, channels: &[Channel], tickers: &[String]) -> Added {
        let mut added = Added::default();
        for &channel in channels {
            let all = tickers.is_empty() || !channel.accepts_markets();
            match self.desired.get_mut(&channel) {
                None => {
                    let filter = if all {
                        MarketFilter::All
                    } else {
                        MarketFilter::Markets(tickers.iter().cloned().collect())
                    };
                    self.desired.insert(channel, filter);
                    added.changes.push((channel, Change::NewChannel));
                }
                Some(MarketFilter::All) => {}
                Some(filter @ MarketFilter::Markets(_)) if all => {
                    let before = std::mem::replace(filter, MarketFilter::All);
                    added.changes.push((channel, Change::Widened(before)));
                }
                Some(MarketFilter::Markets(set)) => {
                    let new: Vec<String> = tickers
                        .iter()
                        .filter(|t| set.insert((*t).clone()))
                        .cloned()
                        .collect();
                    if !new.is_empty() {
                        added.changes.push((channel, Change::Markets(new)));
                    }
                }
            }
        }
        added
    }

    /// Takes back what one [`Self::add`] changed.
    pub fn undo(&mut self, added: Added) {
        for (channel, change) in added.changes {
            match change {
                Change::NewChannel => {
                    self.desired.remove(&channel);
                }
                Change::Widened(before) => {
                    self.desired.insert(channel, before);
                }
                Change::Markets(tickers) => {
                    self.delete_markets(channel, &tickers);
                }
            }
        }
    }

    /// No longer wants `channels`.
    pub fn remove(&mut self, channels: &[Channel]) {
        for channel in channels {
            self.desired.remove(channel);
        }
    }

    /// Adds markets to a wanted channel (what `add_markets` does server-side); returns
    /// the ones that were not wanted before.
    pub fn add_markets(&mut self, channel: Channel, tickers: &[String]) -> Vec<String> {
        match self.desired.get_mut(&channel) {
            Some(MarketFilter::Markets(set)) => tickers
                .iter()
                .filter(|t| set.insert((*t).clone()))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Removes markets from a wanted channel (what `delete_markets` does server-side);
    /// returns the ones that were wanted. A channel left with no markets stays wanted but
    /// is not re-sent on reconnect.
    pub fn delete_markets(&mut self, channel: Channel, tickers: &[String]) -> Vec<String> {
        match self.desired.get_mut(&channel) {
            Some(MarketFilter::Markets(set)) => {
                tickers.iter().filter(|t| set.remove(*t)).cloned().collect()
            }
            _ => Vec::new(),
        }
    }

    /// The filter wanted for `channel`.
    pub fn desired(&self, channel: Channel) -> Option<&MarketFilter> {
        self.desired.get(&channel)
    }

    /// True when nothing is wanted.
    pub fn is_empty(&self) -> bool {
        self.desired.is_empty()
    }

    /// The subscribe commands that recreate the desired set: channels with identical
    /// filters share one command. Channels whose market list became empty are skipped
    /// (a subscribe without markets would mean "all markets").
    pub fn resubscribe_plan(&self) -> Vec<(Vec<Channel>, Vec<String>)> {
        let mut groups: Vec<(Vec<Channel>, &MarketFilter)> = Vec::new();
        for (&channel, filter) in &self.desired {
            if matches!(filter, MarketFilter::Markets(set) if set.is_empty()) {
                continue;
            }
            match groups.iter_mut().find(|(_, f)| *f == filter) {
                Some((channels, _)) => channels.push(channel),
                None => groups.push((vec![channel], filter)),
            }
        }
        groups
            .into_iter()
            .map(|(channels, filter)| (channels, filter.tickers()))
            .collect()
    }

    /// A new connection: no sid is valid any more.
    pub fn on_connect(&mut self) {
        self.sids.clear();
    }

    /// The server confirmed `sid` for `channel`.
    pub fn confirm(&mut self, sid: u64, channel: Channel) {
        self.sids.insert(sid, channel);
    }

    /// `sid` is gone; returns its channel.
    pub fn forget_sid(&mut self, sid: u64) -> Option<Channel> {
        self.sids.remove(&sid)
    }

    /// The channel of `sid` on this connection.
    pub fn channel_of(&self, sid: u64) -> Option<Channel> {
        self.sids.get(&sid).copied()
    }

    /// A live sid of `channel` (the lowest, if a server opened several).
    pub fn sid_of(&self, channel: Channel) -> Option<u64> {
        self.sids
            .iter()
            .filter(|(_, c)| **c == channel)
            .map(|(sid, _)| *sid)
            .min()
    }

    /// Every live sid of `channels`, sorted.
    pub fn sids_of(&self, channels: &[Channel]) -> Vec<u64> {
        let mut sids: Vec<u64> = self
            .sids
            .iter()
            .filter(|(_, c)| channels.contains(c))
            .map(|(sid, _)| *sid)
            .collect();
        sids.sort_unstable();
        sids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn desired_set_merges_and_groups_for_resubscribe() {
        let mut subs = Subscriptions::new();
        subs.add(&[Channel::OrderbookDelta, Channel::Ticker], &s(&["B", "A"]));
        subs.add(&[Channel::OrderbookDelta], &s(&["C"]));
        subs.add(&[Channel::Fill], &[]);
        subs.add(&[Channel::MarketLifecycleV2], &s(&["A"]));
        assert_eq!(
            subs.resubscribe_plan(),
            vec![
                (vec![Channel::OrderbookDelta], s(&["A", "B", "C"])),
                (vec![Channel::Ticker], s(&["A", "B"])),
                (vec![Channel::Fill, Channel::MarketLifecycleV2], vec![]),
            ],
            "lifecycle takes no market filter, so it joins the all-markets group"
        );
    }

    #[test]
    fn undo_takes_back_exactly_what_add_changed() {
        let mut subs = Subscriptions::new();
        subs.add(&[Channel::OrderbookDelta], &s(&["A"]));
        subs.add(&[Channel::Trade], &s(&["A"]));
        let before = subs.resubscribe_plan();
        let added = subs.add(
            &[Channel::OrderbookDelta, Channel::Ticker],
            &s(&["A", "BAD"]),
        );
        subs.undo(added);
        assert_eq!(
            subs.resubscribe_plan(),
            before,
            "only BAD and the new ticker channel go"
        );
        let widened = subs.add(&[Channel::Trade], &[]);
        assert_eq!(subs.desired(Channel::Trade), Some(&MarketFilter::All));
        subs.undo(widened);
        assert_eq!(subs.resubscribe_plan(), before);
    }

    #[test]
    fn all_markets_absorbs_specific_ones() {
        let mut subs = Subscriptions::new();
        subs.add(&[Channel::Trade], &[]);
        subs.add(&[Channel::Trade], &s(&["A"]));
        assert_eq!(subs.desired(Channel::Trade), Some(&MarketFilter::All));
    }

    #[test]
    fn add_and_delete_markets_and_remove() {
        let mut subs = Subscriptions::new();
        subs.add(&[Channel::OrderbookDelta], &s(&["A"]));
        subs.add_markets(Channel::OrderbookDelta, &s(&["B"]));
        subs.delete_markets(Channel::OrderbookDelta, &s(&["A"]));
        assert_eq!(
            subs.resubscribe_plan(),
            vec![(vec![Channel::OrderbookDelta], s(&["B"]))]
        );
        subs.delete_markets(Channel::OrderbookDelta, &s(&["B"]));
        assert!(
            subs.resubscribe_plan().is_empty(),
            "an empty market list is not re-sent"
        );
        subs.remove(&[Channel::OrderbookDelta]);
        assert!(subs.is_empty());
    }

    #[test]
    fn sid_map_is_rebuilt_per_connection() {
        let mut subs = Subscriptions::new();
        subs.add(&[Channel::OrderbookDelta], &s(&["A"]));
        subs.confirm(1, Channel::OrderbookDelta);
        subs.confirm(2, Channel::Ticker);
        assert_eq!(subs.sid_of(Channel::OrderbookDelta), Some(1));
        assert_eq!(subs.channel_of(2), Some(Channel::Ticker));
        assert_eq!(
            subs.sids_of(&[Channel::Ticker, Channel::OrderbookDelta]),
            vec![1, 2]
        );
        subs.on_connect();
        assert_eq!(
            subs.sid_of(Channel::OrderbookDelta),
            None,
            "sids die with the connection"
        );
        assert!(!subs.is_empty(), "the desired set survives");
        subs.confirm(7, Channel::OrderbookDelta);
        assert_eq!(subs.forget_sid(7), Some(Channel::OrderbookDelta));
        assert_eq!(subs.channel_of(7), None);
    }
}
