//! The session: which environment is open, with which key, how the connection stands
//! (the status bar), switching environment, and the app-wide event subscription.

use serde::{Deserialize, Serialize};

use super::command;
use super::credentials::KeyInfo;
use super::settings::RateTier;

/// The exchange a session trades on. Data of different environments never mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// The built-in paper exchange (the default: usable with no account).
    Simulator,
    /// Kalshi's demo exchange (play money, demo API keys).
    Demo,
    /// The real exchange: real money, so switching to it and trading on it are confirmed.
    Production,
}

/// Where the live connection stands, for "connected / reconnecting in 3 s / offline".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConnectionState {
    /// A connection attempt is in progress.
    Connecting,
    /// Connected and subscribed.
    Connected {
        /// When the connection was established.
        since_ms: i64,
    },
    /// Waiting before the next attempt (exponential backoff).
    Reconnecting {
        /// Number of the attempt that will follow (1 for the first retry).
        attempt: u32,
        /// How long until it starts, as of the event (count it down in the UI).
        retry_in_ms: u64,
    },
    /// Not connected and not trying (shut down, or gave up).
    Offline {
        /// Why, for a person.
        reason: String,
    },
}

/// The connection and whether shown data may be stale: the status bar's content, sent in
/// [`SessionInfo`] and again as an [`AppEvent::Connection`](crate::AppEvent::Connection)
/// whenever it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionStatus {
    /// The live connection.
    pub state: ConnectionState,
    /// True while the session could not catch up with the exchange (since it opened, or
    /// since the connection was lost): shown data is the store's and may be stale. The UI
    /// shows a stale badge; the next successful catch-up clears it.
    pub offline: bool,
    /// Milliseconds since the last message from the exchange, as of the event; `None`
    /// before the first. The UI keeps counting from here.
    pub last_message_age_ms: Option<u64>,
}

/// The open session, for the status bar and the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The environment.
    pub environment: Environment,
    /// The API key in use; `None` when none is set up (browsing only).
    pub key: Option<KeyInfo>,
    /// The connection as of the answer.
    pub connection: ConnectionStatus,
    /// The person confirmed real-money trading for this session (always false off
    /// Production, where it is not needed); orders on Production are refused without it.
    pub production_confirmed: bool,
    /// The rate-limit tier in effect (configured, or read from the account).
    pub rate_tier: RateTier,
    /// When the last catch-up with the exchange finished; `None` before the first.
    pub last_synced_ms: Option<i64>,
}

/// The open session. `invoke("get_session", {"request": {}})`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetSession {}
command!(GetSession => "get_session", SessionInfo);

/// Closes the open session and opens `environment` (also to reopen the same one, e.g.
/// after adding a key).
///
/// Production needs the person's confirmation first (the UI asks before sending this):
/// with `confirm_production: false` it opens read-only, and orders are refused with
/// `production_not_confirmed` until [`ConfirmProduction`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenEnvironment {
    /// Where to go.
    pub environment: Environment,
    /// The person confirmed real-money trading (ignored off Production).
    pub confirm_production: bool,
}
command!(OpenEnvironment => "open_environment", SessionInfo);

/// Confirms (or withdraws) real-money trading for the open Production session, e.g. from
/// the first order's confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmProduction {
    /// True to allow orders, false to refuse them again.
    pub confirmed: bool,
}
command!(ConfirmProduction => "confirm_production", SessionInfo);

/// Starts the Simulator's paper account over: a fresh balance, no orders, fills or
/// positions, and the local history of the Simulator cleared. Refused with
/// `invalid_request` on any other environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPaperAccount {}
command!(ResetPaperAccount => "reset_paper_account", SessionInfo);

/// Asks for a catch-up with the exchange now (a "refresh" button); the result arrives as
/// [`AppEvent::Synced`](crate::AppEvent::Synced).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSync {}
command!(RequestSync => "request_sync", ());

/// Subscribes the UI to the app-wide event stream. Takes a channel besides the request:
/// `invoke("subscribe_events", {"request": {}, "channel": ch})`, and every
/// [`AppEvent`](crate::AppEvent) of every session from then on is sent on `ch` (a new
/// subscription replaces the previous one, e.g. after a reload of the page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeEvents {}
command!(SubscribeEvents => "subscribe_events", ());
