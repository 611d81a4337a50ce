//! Pure protocol bookkeeping with no socket: per-sid sequence checking and matching of
//! command ids to their replies. The feed actor drives it; tests drive it directly.

use std::collections::HashMap;

use tokio::time::Instant;

use crate::model::ws::{MarketList, Message, OkBody, SubscriptionInfo, WsError};

/// A message whose `seq` was not the previous one plus one: every book built from that
/// sid is now untrustworthy until resynced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sequence gap on sid {sid}: expected {expected}, got {got}")]
pub struct SequenceGap {
    /// The subscription.
    pub sid: u64,
    /// The seq that should have come.
    pub expected: u64,
    /// The seq that came.
    pub got: u64,
}

/// Last seen `seq` per sid. A sid never seen has no expectation (`None`), so its first
/// message is accepted whatever its seq. Snapshots do not reset the count: a snapshot
/// produced by a resync continues the sid's sequence like any other message.
#[derive(Debug, Clone, Default)]
pub struct SequenceTracker {
    last: HashMap<u64, u64>,
}

impl SequenceTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last seq recorded for `sid`.
    pub fn last(&self, sid: u64) -> Option<u64> {
        self.last.get(&sid).copied()
    }

    /// Records `seq` on `sid`.
    ///
    /// # Errors
    /// [`SequenceGap`] when `seq` is not `last + 1` (a skip, a duplicate or a step back).
    /// The tracker then continues from the highest seq seen, so one loss is reported once.
    pub fn observe(&mut self, sid: u64, seq: u64) -> Result<(), SequenceGap> {
        match self.last.get_mut(&sid) {
            None => {
                self.last.insert(sid, seq);
                Ok(())
            }
            Some(last) => {
                let expected = last.saturating_add(1);
                if seq == expected {
                    *last = seq;
                    Ok(())
                } else {
                    *last = (*last).max(seq);
                    Err(SequenceGap {
                        sid,
                        expected,
                        got: seq,
                    })
                }
            }
        }
    }

    /// Advances `sid` only if `seq` is exactly the next one; anything else is ignored.
    /// For `ok` replies, whose place in the sid's sequence Kalshi does not document: this
    /// accepts both a server that counts them and one that does not.
    pub fn advance_if_next(&mut self, sid: u64, seq: u64) {
        if let Some(last) = self.last.get_mut(&sid)
            && last.checked_add(1) == Some(seq)
        {
            *last = seq;
        }
    }

    /// Drops `sid` (unsubscribed or replaced).
    pub fn forget(&mut self, sid: u64) {
        self.last.remove(&sid);
    }

    /// Drops everything (new connection: sids and seqs start over).
    pub fn clear(&mut self) {
        self.last.clear();
    }
}

/// What a command's reply looks like, hence when it is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `subscribe`: one `subscribed` per channel.
    Subscribed(usize),
    /// `unsubscribe`: one `unsubscribed` per sid.
    Unsubscribed(usize),
    /// `update_subscription` / `list_subscriptions`: one `ok`.
    Ok,
}

/// The complete reply to a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Every channel of a `subscribe`, with its sid.
    Subscribed(Vec<SubscriptionInfo>),
    /// Every sid an `unsubscribe` closed.
    Unsubscribed(Vec<u64>),
    /// An `update_subscription` reply.
    Updated(MarketList),
    /// A `list_subscriptions` reply.
    Subscriptions(Vec<SubscriptionInfo>),
}

#[derive(Debug)]
struct Pending<T> {
    expect: Expect,
    subscribed: Vec<SubscriptionInfo>,
    unsubscribed: Vec<u64>,
    deadline: Instant,
    token: T,
}

/// Commands awaiting replies, keyed by command id; `T` is whatever the caller needs to
/// deliver the outcome (a oneshot sender, a marker for internal commands...).
#[derive(Debug)]
pub struct PendingReplies<T> {
    map: HashMap<u64, Pending<T>>,
}

impl<T> Default for PendingReplies<T> {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
        }
    }
}

impl<T> PendingReplies<T> {
    /// Nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers command `id`, expected to be answered before `deadline`.
    pub fn insert(&mut self, id: u64, expect: Expect, deadline: Instant, token: T) {
        self.map.insert(
            id,
            Pending {
                expect,
                subscribed: Vec::new(),
                unsubscribed: Vec::new(),
                deadline,
                token,
            },
        );
    }

    /// Number of commands awaiting replies.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Feeds one message; returns the command it completes, if any, with its outcome.
    /// Messages without an id, or with an id nobody waits for, return `None`.
    pub fn on_message(&mut self, message: &Message) -> Option<(T, Result<Reply, WsError>)> {
        let id = message.id()?;
        let pending = self.map.get_mut(&id)?;
        let outcome = match (message, pending.expect) {
            (Message::Error(e), _) => Err(e.msg.clone()),
            (Message::Subscribed(s), Expect::Subscribed(n)) => {
                pending.subscribed.push(s.msg.clone());
                if pending.subscribed.len() < n {
                    return None;
                }
                Ok(Reply::Subscribed(std::mem::take(&mut pending.subscribed)))
            }
            (Message::Unsubscribed(u), Expect::Unsubscribed(n)) => {
                pending.unsubscribed.push(u.sid);
                if pending.unsubscribed.len() < n {
                    return None;
                }
                Ok(Reply::Unsubscribed(std::mem::take(
                    &mut pending.unsubscribed,
                )))
            }
            (Message::Ok(ok), Expect::Ok) => Ok(match &ok.msg {
                OkBody::Markets(m) => Reply::Updated(m.clone()),
                OkBody::Subscriptions(list) => Reply::Subscriptions(list.clone()),
            }),
            // A reply of an unexpected kind for this id: not ours to interpret.
            _ => return None,
        };
        let pending = self.map.remove(&id)?;
        Some((pending.token, outcome))
    }

    /// The earliest deadline, to sleep until.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.map.values().map(|p| p.deadline).min()
    }

    /// Removes and returns every command whose deadline is at or before `now`.
    pub fn expire(&mut self, now: Instant) -> Vec<T> {
        let ids: Vec<u64> = self
            .map
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.map.remove(&id).map(|p| p.token))
            .collect()
    }

    /// Removes and returns everything (the connection is gone).
    pub fn drain(&mut self) -> Vec<T> {
        self.map.drain().map(|(_, p)| p.token).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model::ws::{Channel, ErrorReply, OkReply, Subscribed, Unsubscribed};

    #[test]
    fn first_message_of_a_sid_sets_the_base() {
        let mut t = SequenceTracker::new();
        assert_eq!(t.last(1), None);
        assert_eq!(t.observe(1, 7), Ok(()));
        assert_eq!(t.observe(1, 8), Ok(()));
        assert_eq!(t.last(1), Some(8));
        assert_eq!(t.observe(2, 1), Ok(()), "sids are independent");
    }

    #[test]
    fn a_skip_is_a_gap_reported_once() {
        let mut t = SequenceTracker::new();
        t.observe(3, 1).unwrap();
        assert_eq!(
            t.observe(3, 3),
            Err(SequenceGap {
                sid: 3,
                expected: 2,
                got: 3
            })
        );
        assert_eq!(
            t.observe(3, 4),
            Ok(()),
            "tracking continues from the latest seq"
        );
    }

    #[test]
    fn duplicates_and_steps_back_are_gaps() {
        let mut t = SequenceTracker::new();
        t.observe(1, 5).unwrap();
        assert_eq!(
            t.observe(1, 5),
            Err(SequenceGap {
                sid: 1,
                expected: 6,
                got: 5
            })
        );
        assert_eq!(
            t.observe(1, 2),
            Err(SequenceGap {
                sid: 1,
                expected: 6,
                got: 2
            })
        );
        assert_eq!(
            t.observe(1, 6),
            Ok(()),
            "a stale message does not move the base back"
        );
    }

    #[test]
    fn snapshot_continues_the_sequence() {
        // The tracker does not know about snapshots at all: a resync snapshot that arrives
        // with the next seq is simply the next message.
        let mut t = SequenceTracker::new();
        t.observe(1, 1).unwrap();
        t.observe(1, 2).unwrap();
        assert!(t.observe(1, 4).is_err());
        assert_eq!(t.observe(1, 5), Ok(()), "snapshot after resync");
    }

    #[test]
    fn advance_if_next_never_reports() {
        let mut t = SequenceTracker::new();
        t.advance_if_next(1, 1);
        assert_eq!(t.last(1), None, "an unknown sid is not started by an ok");
        t.observe(1, 10).unwrap();
        t.advance_if_next(1, 10);
        assert_eq!(t.last(1), Some(10));
        t.advance_if_next(1, 11);
        assert_eq!(t.last(1), Some(11));
        t.forget(1);
        assert_eq!(t.last(1), None);
        t.observe(2, 1).unwrap();
        t.clear();
        assert_eq!(t.last(2), None);
    }

    fn subscribed(id: u64, channel: Channel, sid: u64) -> Message {
        Message::Subscribed(Subscribed {
            id: Some(id),
            msg: SubscriptionInfo { channel, sid },
        })
    }

    #[test]
    fn subscribe_completes_after_one_reply_per_channel() {
        let mut p = PendingReplies::new();
        let later = Instant::now() + Duration::from_secs(5);
        p.insert(1, Expect::Subscribed(2), later, "sub");
        assert!(
            p.on_message(&subscribed(1, Channel::OrderbookDelta, 4))
                .is_none()
        );
        assert!(
            p.on_message(&subscribed(9, Channel::Ticker, 5)).is_none(),
            "other id"
        );
        let (token, outcome) = p.on_message(&subscribed(1, Channel::Ticker, 5)).unwrap();
        assert_eq!(token, "sub");
        assert_eq!(
            outcome,
            Ok(Reply::Subscribed(vec![
                SubscriptionInfo {
                    channel: Channel::OrderbookDelta,
                    sid: 4
                },
                SubscriptionInfo {
                    channel: Channel::Ticker,
                    sid: 5
                },
            ]))
        );
        assert!(p.is_empty());
    }

    #[test]
    fn error_reply_completes_with_the_servers_error() {
        let mut p = PendingReplies::new();
        p.insert(2, Expect::Ok, Instant::now(), ());
        let err = WsError {
            code: 16,
            msg: "Market not found".into(),
            market_ticker: None,
            market_id: None,
        };
        let msg = Message::Error(ErrorReply {
            id: Some(2),
            sid: None,
            msg: err.clone(),
        });
        assert_eq!(p.on_message(&msg), Some(((), Err(err))));
    }

    #[test]
    fn unsubscribe_and_ok_replies() {
        let mut p = PendingReplies::new();
        let at = Instant::now();
        p.insert(3, Expect::Unsubscribed(1), at, 'u');
        p.insert(4, Expect::Ok, at, 'o');
        let u = Message::Unsubscribed(Unsubscribed {
            id: Some(3),
            sid: 8,
            seq: None,
        });
        assert_eq!(
            p.on_message(&u),
            Some(('u', Ok(Reply::Unsubscribed(vec![8]))))
        );
        let ok = Message::Ok(OkReply {
            id: Some(4),
            sid: Some(1),
            seq: None,
            msg: OkBody::Subscriptions(vec![]),
        });
        assert_eq!(
            p.on_message(&ok),
            Some(('o', Ok(Reply::Subscriptions(vec![]))))
        );
    }

    #[test]
    fn deadlines_expire_and_drain_empties() {
        let mut p = PendingReplies::new();
        let now = Instant::now();
        p.insert(1, Expect::Ok, now, 1);
        p.insert(2, Expect::Ok, now + Duration::from_secs(1), 2);
        assert_eq!(p.next_deadline(), Some(now));
        assert_eq!(p.expire(now), vec![1]);
        assert_eq!(p.len(), 1);
        assert_eq!(p.drain(), vec![2]);
        assert_eq!(p.next_deadline(), None);
    }
}
