//! [`AppEvent`]: the one typed stream of global events a session emits for the shell to
//! forward (connection, orders, fills, positions, balance, markets, sync, user-facing
//! errors). Per-market book/ticker streams are separate (see [`crate::subscriptions`]).
//!
//! Events about stored data are emitted only after the data is in the store, and only when
//! the write changed something, so a fill seen on the WebSocket and again during a REST
//! catch-up produces exactly one [`AppEvent::Fill`].

use std::time::Duration;

use kalshi::model::fill::Fill;
use kalshi::model::market::Market;
use kalshi::model::order::Order;
use kalshi::model::portfolio::MarketPosition;
use kalshi::model::ws::MarketPosition as LivePosition;
use kalshi::model::{Count, Money};
use kalshi::ws::ConnectionState;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::orders::OrderTicket;

/// Something the UI should know about. Cheap to clone (the shell fans it out).
#[derive(Debug, Clone, PartialEq)]
pub enum AppEvent {
    /// The live connection changed state, or the session went on/offline.
    Connection(ConnectionStatus),
    /// An order changed: optimistic, accepted, rejected, or a new stored state.
    Order(OrderEvent),
    /// A fill was recorded for the first time (as stored), and how it arrived.
    Fill(FillEvent),
    /// The first catch-up of a key imported the account's existing history: stored, and
    /// announced by this one summary instead of an event per fill and order (so a long
    /// history never makes a receiver lag). The shell re-reads open pages and does not
    /// notify.
    HistoryImported(HistoryImport),
    /// A position changed.
    Position(PositionEvent),
    /// Balance or portfolio value changed.
    Balance(BalanceUpdate),
    /// A market's cached definition changed (status, prices, grid, ...).
    Market(Box<Market>),
    /// A catch-up over REST finished; the stored data matches the exchange as of `at`.
    Synced(SyncSummary),
    /// Something failed in the background that the person should see.
    Error(AppError),
}

/// A newly recorded fill.
#[derive(Debug, Clone, PartialEq)]
pub struct FillEvent {
    /// The fill as stored.
    pub fill: Fill,
    /// How it reached the session (decides, e.g., whether to notify).
    pub origin: FillOrigin,
}

/// How a fill reached the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FillOrigin {
    /// Live from the WebSocket (or the read-back after our own order).
    Live,
    /// From a catch-up: it happened while the session was not connected. (The history a
    /// key's first catch-up imports is not announced fill by fill: see
    /// [`AppEvent::HistoryImported`].)
    CatchUp,
}

/// What a bulk history import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HistoryImport {
    /// Fills stored for the first time.
    pub fills: usize,
    /// Orders stored for the first time or changed.
    pub orders: usize,
}

/// Where the session stands with the exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionStatus {
    /// The WebSocket feed's state (for "connected / reconnecting in Ns / offline").
    pub state: ConnectionState,
    /// True while the session could not reach the exchange since it opened or since the
    /// connection was lost: data shown is the store's, possibly stale, and orders are
    /// refused. Cleared by the next successful catch-up.
    pub offline: bool,
    /// How long ago the feed last heard from the exchange (any frame, pings included), as
    /// of the event; `None` before the first. The shell keeps counting from here
    /// ("connected · 2 s"); see `Session::last_message_age`.
    pub last_message_age: Option<Duration>,
}

/// The life of one order as the UI tracks it, keyed by `client_order_id`.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderEvent {
    /// Sent, not yet answered: show it greyed out under its `client_order_id`.
    Pending(PendingOrder),
    /// The exchange accepted it; the stored order (with the same `client_order_id`) follows
    /// or has already come as [`OrderEvent::Stored`].
    Accepted {
        /// The optimistic order's key.
        client_order_id: String,
        /// The exchange's id.
        order_id: String,
        /// Contracts filled at once.
        fill_count: Count,
        /// Contracts left resting.
        remaining_count: Count,
    },
    /// The exchange (or the network) refused it: remove the optimistic order.
    Rejected {
        /// The optimistic order's key.
        client_order_id: String,
        /// Why, for the person.
        error: AppError,
    },
    /// An order's stored state is new or changed (from the WebSocket, a REST catch-up, or
    /// the read-back after a write). Replaces any pending order with its `client_order_id`.
    Stored(Box<Order>),
    /// The create failed in a way that may have placed the order (a timeout, a lost
    /// connection, a 5xx): show it as "unconfirmed", not rejected. The session resolves it
    /// by its `client_order_id` (a lookup now, after every catch-up, and on any report
    /// carrying that id) into [`OrderEvent::Accepted`] or [`OrderEvent::NotPlaced`];
    /// `Session::retry_unconfirmed` re-sends it under the same id. Sent again if a retry
    /// also goes unanswered.
    Unconfirmed(UnconfirmedOrder),
    /// An unconfirmed order definitely does not exist: the exchange listed the market's
    /// orders after the create had returned and this `client_order_id` was not among them.
    /// Remove it; placing it again is safe.
    NotPlaced {
        /// The unconfirmed order's key.
        client_order_id: String,
        /// The failure that had left it unconfirmed.
        error: AppError,
    },
}

/// An order whose create went unanswered: it may or may not be on the exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconfirmedOrder {
    /// The idempotency key it was sent with (and is re-sent with).
    pub client_order_id: String,
    /// What was asked for.
    pub ticket: OrderTicket,
    /// When it was first sent.
    pub sent_at: OffsetDateTime,
    /// The last failure that left it unconfirmed.
    pub error: AppError,
}

/// An order sent but not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOrder {
    /// The idempotency key the order was sent with.
    pub client_order_id: String,
    /// What was asked for.
    pub ticket: OrderTicket,
    /// When it was sent.
    pub sent_at: OffsetDateTime,
}

/// A position change.
#[derive(Debug, Clone, PartialEq)]
pub enum PositionEvent {
    /// The exchange's live `market_position` message (fastest; no `last_updated`).
    Live(LivePosition),
    /// The stored position changed after a REST refresh.
    Stored(MarketPosition),
    /// The position is gone (closed or settled) after a REST refresh.
    Closed {
        /// The market.
        ticker: String,
    },
}

/// Balance and portfolio value after a REST refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceUpdate {
    /// Available cash, exact.
    pub balance: Money,
    /// Cash plus the mark value of positions.
    pub portfolio_value: Money,
    /// When the figures were fetched.
    pub at: OffsetDateTime,
}

/// What one REST catch-up found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncSummary {
    /// Fills stored for the first time.
    pub new_fills: usize,
    /// Orders stored for the first time or changed.
    pub changed_orders: usize,
    /// Positions added, changed or removed.
    pub changed_positions: usize,
    /// Settlements stored for the first time or changed.
    pub changed_settlements: usize,
    /// When the catch-up finished.
    pub at: OffsetDateTime,
}
