//! What the feed tells its consumer, in order, through one mpsc channel.

use std::time::Duration;

use crate::model::ws::{Channel, Message, MessageDecodeError, WsError};

/// One event from the feed. Events arrive in the order things happened on the socket, so a
/// consumer can mark books stale on [`FeedEvent::Gap`] before it sees the message that
/// revealed the gap.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedEvent {
    /// First connection is up; the desired subscriptions have been sent.
    Connected,
    /// A later connection is up; the desired subscriptions have been re-sent (new sids,
    /// fresh snapshots will follow). Everything private should be reconciled over REST.
    Reconnected,
    /// The connection was lost (or an attempt failed).
    Disconnected {
        /// Why, for logs and the UI.
        reason: String,
    },
    /// Waiting before the next connection attempt.
    Reconnecting {
        /// Number of the upcoming attempt (1 for the first retry).
        attempt: u32,
        /// How long until it starts.
        retry_in: Duration,
    },
    /// A decoded frame (data messages and command replies alike).
    Message(Box<Message>),
    /// A seq gap on `sid`: every book of that subscription is stale. A resync has been
    /// requested (fresh snapshots, or a new subscription).
    Gap {
        /// The subscription.
        sid: u64,
        /// Its channel, if known.
        channel: Option<Channel>,
        /// The seq that should have come.
        expected: u64,
        /// The seq that came.
        got: u64,
    },
    /// The server accepted a resync of `sid` (snapshots requested, or resubscribed under a
    /// new sid). Books become trustworthy again as their snapshots arrive.
    Resynced {
        /// The subscription now carrying the channel.
        sid: u64,
        /// Its channel.
        channel: Channel,
    },
    /// The server refused to restore `channels` on a new connection (e.g. the key lost a
    /// permission). They are no longer in the desired set, as after a refused subscribe;
    /// subscribe again to retry.
    SubscribeRefused {
        /// The channels of the refused command.
        channels: Vec<Channel>,
        /// The server's error.
        error: WsError,
    },
    /// A frame that could not be decoded; the feed carries on.
    Malformed {
        /// What was wrong with it.
        error: MessageDecodeError,
    },
}
