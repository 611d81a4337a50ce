//! The feed's connection state, published through a `tokio::sync::watch` for the UI's
//! status bar (connected / connecting / reconnecting in Ns / offline).

use std::time::Duration;

use time::OffsetDateTime;

/// Where the feed's single connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// A connection attempt is in progress.
    Connecting,
    /// Connected and subscribed (wall-clock time of the handshake).
    Connected {
        /// When the handshake completed.
        since: OffsetDateTime,
    },
    /// Waiting before the next attempt.
    Reconnecting {
        /// Number of the attempt that will follow (1 for the first retry).
        attempt: u32,
        /// How long until it starts.
        retry_in: Duration,
    },
    /// Not connected and not trying: shut down, or gave up.
    Offline {
        /// Why, for a person.
        reason: String,
    },
}

impl ConnectionState {
    /// True when connected.
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectionState::Connected { .. })
    }
}
