//! Errors of the WebSocket feed: what a command caller gets back, and why a config or a
//! connection attempt was refused.

use std::time::Duration;

use crate::model::ws::{Channel, WsError};

/// Why a feed command did not produce its reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The server answered the command with an `error` reply.
    #[error("server rejected the command: {} (code {})", .0.msg, .0.code)]
    Server(WsError),
    /// The command needs a subscription to that channel and there is none on this connection.
    #[error("not subscribed to {0}")]
    NotSubscribed(Channel),
    /// The connection dropped after the command was sent and before its reply; the
    /// desired subscription set is re-sent on reconnect anyway.
    #[error("connection lost before the reply arrived")]
    Disconnected,
    /// No reply within the configured reply timeout.
    #[error("no reply within the timeout")]
    Timeout,
    /// The feed has been shut down (or gave up reconnecting).
    #[error("the feed is closed")]
    Closed,
    /// The request itself is unusable (e.g. no channels).
    #[error("invalid request: {0}")]
    InvalidRequest(&'static str),
}

impl FeedError {
    /// The server's error code, when the server rejected the command.
    pub fn server_code(&self) -> Option<u32> {
        match self {
            FeedError::Server(e) => Some(e.code),
            _ => None,
        }
    }
}

/// Why a [`super::BackoffConfig`] was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackoffError {
    /// A zero initial delay would make every reconnect immediate (a busy loop).
    #[error("initial backoff delay must be above zero")]
    ZeroInitial,
    /// The cap is below the first delay.
    #[error("max backoff delay {max:?} is below the initial delay {initial:?}")]
    MaxBelowInitial {
        /// The initial delay.
        initial: Duration,
        /// The cap.
        max: Duration,
    },
    /// The growth factor is not in `1.0..=10.0`.
    #[error("backoff factor {0} is outside 1.0..=10.0")]
    FactorOutOfRange(f64),
}

/// Why [`super::Feed::spawn`] refused a configuration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedConfigError {
    /// The backoff schedule is invalid.
    #[error(transparent)]
    Backoff(#[from] BackoffError),
    /// A timeout or capacity is zero, which would make the feed unusable.
    #[error("{0} must be above zero")]
    Zero(&'static str),
}

/// Why one connection attempt failed (reported as the reason of a disconnect or of the
/// `Offline` state).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// Signing the handshake failed (key or clock problem).
    #[error("could not sign the handshake: {0}")]
    Sign(String),
    /// The server answered the upgrade with an HTTP status instead of 101.
    #[error("handshake rejected with HTTP {status}")]
    Rejected {
        /// The HTTP status.
        status: u16,
    },
    /// The handshake did not finish in time.
    #[error("handshake timed out")]
    Timeout,
    /// Network or protocol failure.
    #[error("{0}")]
    Transport(String),
}
