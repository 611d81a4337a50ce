//! WebSocket feed: one signed connection, a desired subscription set, typed messages.
//!
//! [`Feed::spawn`] starts an actor that owns the socket; callers talk to it through a
//! [`FeedHandle`] (commands matched to replies by id, a `watch` of [`ConnectionState`],
//! clean shutdown) and read [`FeedEvent`]s from an mpsc receiver. The pure pieces
//! (sequence tracking, reply matching, the subscription set, the backoff schedule) live in
//! their own files and are tested without a socket.

mod actor;
mod backoff;
mod error;
mod event;
mod feed;
mod handler;
mod heard;
mod state;
mod subscriptions;

pub use backoff::{Backoff, BackoffConfig, FullJitter, Jitter, NoJitter};
pub use error::{BackoffError, ConnectError, FeedConfigError, FeedError};
pub use event::FeedEvent;
pub use feed::{Feed, FeedConfig, FeedHandle};
pub use handler::{Expect, PendingReplies, Reply, SequenceGap, SequenceTracker};
pub use state::ConnectionState;
pub use subscriptions::{Added, MarketFilter, Subscriptions};
