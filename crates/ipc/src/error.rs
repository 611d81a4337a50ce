//! [`AppError`] `{code, message, retryable}`: what the UI gets for any failure, and the
//! stable [`ErrorCode`]s it switches on.
//!
//! Codes are a contract with the UI: stable snake_case, each documented with when it
//! arises and whether retrying helps; `retryable` is derived from the code in a single
//! `match`, so the two can never disagree. Messages are written for a person and never
//! echo raw response bodies or key material. The mapping from core failures to codes lives
//! in `desk-core` (`error.rs`); only the contract lives here, so the wasm UI shares it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The stable error codes the UI switches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// Production order without confirmation; terminal until the person confirms.
    ProductionNotConfirmed,
    /// The exchange is unreachable and the session is read-only; retry when back online.
    Offline,
    /// No API key for the environment; terminal until one is added.
    NoCredentials,
    /// No OS keychain; terminal, offer session-only credentials.
    KeychainUnavailable,
    /// The keychain failed (locked, denied); may work after unlocking, so retryable.
    CredentialStoreFailed,
    /// The API key is malformed or cannot sign; terminal until replaced.
    InvalidKey,
    /// The database was written by a newer app; terminal until the app is updated.
    DatabaseNewerVersion,
    /// The database file is damaged or not ours; terminal, the file is left untouched.
    DatabaseUnreadable,
    /// A database operation failed (disk full, locked); retrying may help.
    StorageFailed,
    /// The embedded simulator did not start; terminal for this run.
    SimulatorUnavailable,
    /// The exchange rate-limited us; retry after a moment.
    RateLimited,
    /// The exchange did not answer or answered with a server error; retry later.
    ExchangeUnavailable,
    /// The exchange refused the API key (wrong environment, revoked); terminal.
    AuthRejected,
    /// The exchange refused the request for another reason; terminal as sent.
    ExchangeRejected,
    /// The exchange sent something this version cannot read; terminal.
    UnexpectedResponse,
    /// The exchange does not know the object; terminal (re-fetch the list).
    NotFound,
    /// Price outside 0 < p < 1; fix the input.
    PriceOutOfRange,
    /// Price off the market's tick grid; fix the input.
    PriceOffGrid,
    /// Count zero or negative; fix the input.
    InvalidCount,
    /// Count above the per-order limit; fix the input.
    CountAboveMax,
    /// Market not open (closed, paused, settled); terminal until it reopens.
    MarketNotOpen,
    /// The market does not exist; terminal.
    MarketNotFound,
    /// Not enough balance for cost plus fees; terminal until funds change.
    InsufficientBalance,
    /// A WebSocket command failed or timed out; retrying may help.
    FeedFailed,
    /// The session was closed; terminal (open a new one).
    SessionClosed,
    /// The request itself cannot work; fix the input.
    InvalidRequest,
    /// A bug; terminal.
    Internal,
    /// The exchange may or may not have placed the order; it is being checked. Not
    /// retryable as a new order (that could double it): wait for the outcome, or retry
    /// it with `retry_order`, which re-sends under the same id.
    OrderUnconfirmed,
}

impl ErrorCode {
    /// Every code, for wire tests and documentation.
    pub const ALL: [Self; 28] = [
        Self::ProductionNotConfirmed,
        Self::Offline,
        Self::NoCredentials,
        Self::KeychainUnavailable,
        Self::CredentialStoreFailed,
        Self::InvalidKey,
        Self::DatabaseNewerVersion,
        Self::DatabaseUnreadable,
        Self::StorageFailed,
        Self::SimulatorUnavailable,
        Self::RateLimited,
        Self::ExchangeUnavailable,
        Self::AuthRejected,
        Self::ExchangeRejected,
        Self::UnexpectedResponse,
        Self::NotFound,
        Self::PriceOutOfRange,
        Self::PriceOffGrid,
        Self::InvalidCount,
        Self::CountAboveMax,
        Self::MarketNotOpen,
        Self::MarketNotFound,
        Self::InsufficientBalance,
        Self::FeedFailed,
        Self::SessionClosed,
        Self::InvalidRequest,
        Self::Internal,
        Self::OrderUnconfirmed,
    ];

    /// Whether the same action may succeed if repeated later, unchanged.
    pub const fn retryable(self) -> bool {
        match self {
            Self::Offline
            | Self::CredentialStoreFailed
            | Self::StorageFailed
            | Self::RateLimited
            | Self::ExchangeUnavailable
            | Self::FeedFailed => true,
            Self::ProductionNotConfirmed
            | Self::NoCredentials
            | Self::KeychainUnavailable
            | Self::InvalidKey
            | Self::DatabaseNewerVersion
            | Self::DatabaseUnreadable
            | Self::SimulatorUnavailable
            | Self::AuthRejected
            | Self::ExchangeRejected
            | Self::UnexpectedResponse
            | Self::NotFound
            | Self::PriceOutOfRange
            | Self::PriceOffGrid
            | Self::InvalidCount
            | Self::CountAboveMax
            | Self::MarketNotOpen
            | Self::MarketNotFound
            | Self::InsufficientBalance
            | Self::SessionClosed
            | Self::InvalidRequest
            | Self::Internal
            | Self::OrderUnconfirmed => false,
        }
    }

    /// The wire name (what serde writes), e.g. `"price_off_grid"`: for logs and for a UI
    /// that needs the code as text. One exhaustive `match`, so a new code cannot be added
    /// without its name (the wire test checks it equals serde's).
    pub const fn wire_name(self) -> &'static str {
        match self {
            Self::ProductionNotConfirmed => "production_not_confirmed",
            Self::Offline => "offline",
            Self::NoCredentials => "no_credentials",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::CredentialStoreFailed => "credential_store_failed",
            Self::InvalidKey => "invalid_key",
            Self::DatabaseNewerVersion => "database_newer_version",
            Self::DatabaseUnreadable => "database_unreadable",
            Self::StorageFailed => "storage_failed",
            Self::SimulatorUnavailable => "simulator_unavailable",
            Self::RateLimited => "rate_limited",
            Self::ExchangeUnavailable => "exchange_unavailable",
            Self::AuthRejected => "auth_rejected",
            Self::ExchangeRejected => "exchange_rejected",
            Self::UnexpectedResponse => "unexpected_response",
            Self::NotFound => "not_found",
            Self::PriceOutOfRange => "price_out_of_range",
            Self::PriceOffGrid => "price_off_grid",
            Self::InvalidCount => "invalid_count",
            Self::CountAboveMax => "count_above_max",
            Self::MarketNotOpen => "market_not_open",
            Self::MarketNotFound => "market_not_found",
            Self::InsufficientBalance => "insufficient_balance",
            Self::FeedFailed => "feed_failed",
            Self::SessionClosed => "session_closed",
            Self::InvalidRequest => "invalid_request",
            Self::Internal => "internal",
            Self::OrderUnconfirmed => "order_unconfirmed",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

/// What the UI gets for any failure: a stable code, a sentence for a person, and whether
/// trying again later can help (always `code.retryable()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// For a person; no raw bodies, no key material.
    pub message: String,
    /// Whether repeating the same action later may succeed.
    pub retryable: bool,
}

impl AppError {
    /// An error with `code` and `message`; `retryable` follows the code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retryable: code.retryable(),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}
