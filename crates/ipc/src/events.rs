//! [`AppEvent`]: the app-wide event stream (connection, orders, fills, positions, balance,
//! markets, catch-ups, background errors), sent on the channel of
//! [`SubscribeEvents`](crate::commands::environment::SubscribeEvents). Per-market book and
//! ticker updates go on their view's own channel instead
//! ([`MarketUpdate`](crate::commands::market::MarketUpdate)).
//!
//! Events about stored data are sent after the data is stored, and only when it changed,
//! so a fill reported live and again by a catch-up arrives once.

use serde::{Deserialize, Serialize};

use crate::commands::environment::ConnectionStatus;
use crate::commands::history::FillView;
use crate::commands::markets::MarketRow;
use crate::commands::orders::{OrderView, PendingOrder};
use crate::commands::portfolio::PositionView;
use crate::{AppError, Count, Money};

/// Something the UI should know about.
///
/// Adjacently tagged, `{"type": "fill", "data": {...}}`, because several variants carry
/// a tagged enum of their own (`order`, `position`), whose `type` would clash with the
/// event's if both lived in one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum AppEvent {
    /// The connection changed state, or the session went on or offline (the status bar).
    Connection(ConnectionStatus),
    /// An order's life: pending, accepted, rejected, unconfirmed, not placed, stored.
    Order(OrderEvent),
    /// A fill was recorded for the first time.
    Fill(FillEvent),
    /// The first catch-up of a key imported its existing history in bulk: one summary
    /// instead of an event per fill (and no notifications). Re-read the open pages.
    HistoryImported(HistoryImport),
    /// A position changed or closed.
    Position(PositionEvent),
    /// Balance or portfolio value changed.
    Balance(BalanceUpdate),
    /// A market's definition or figures changed in the cache (status, prices, result).
    Market(MarketRow),
    /// A catch-up with the exchange finished: the stored data matches it as of `at_ms`.
    Synced(SyncSummary),
    /// Something failed in the background that the person should see (a toast).
    Error(AppError),
}

/// The life of one order placed from this app, keyed by `client_order_id`, plus every
/// stored change of any order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OrderEvent {
    /// Sent, not yet answered: show it greyed out.
    Pending(PendingOrder),
    /// The exchange accepted it; the stored order follows (or came already) as `stored`.
    Accepted {
        /// The pending order's key.
        client_order_id: String,
        /// The exchange's id.
        order_id: String,
        /// Contracts filled at once.
        fill_count: Count,
        /// Contracts left resting.
        remaining_count: Count,
    },
    /// The exchange refused it: remove the pending order and say why.
    Rejected {
        /// The pending order's key.
        client_order_id: String,
        /// Why.
        error: AppError,
    },
    /// The answer was lost (e.g. the network failed after sending): the order may be on
    /// the exchange. The core keeps checking and later sends `stored` (it was placed) or
    /// `not_placed`; the person may also retry it
    /// ([`RetryOrder`](crate::commands::orders::RetryOrder)).
    Unconfirmed {
        /// The pending order's key.
        client_order_id: String,
        /// What went wrong.
        error: AppError,
    },
    /// An unconfirmed order is definitely not on the exchange: remove it.
    NotPlaced {
        /// The pending order's key.
        client_order_id: String,
        /// Why it is known not to be there, for the person.
        reason: String,
    },
    /// An order's stored state is new or changed (sent once per real change); replaces
    /// any pending order with the same `client_order_id`.
    Stored {
        /// The order as stored.
        order: OrderView,
    },
}

/// How a fill reached the app (decides, e.g., whether to notify).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillOrigin {
    /// Live, as it happened.
    Live,
    /// From a catch-up: it happened while the app was not connected.
    CatchUp,
}

/// A newly recorded fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillEvent {
    /// The fill as stored.
    pub fill: FillView,
    /// How it arrived.
    pub origin: FillOrigin,
}

/// What a bulk history import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryImport {
    /// Fills stored.
    pub fills: u64,
    /// Orders stored.
    pub orders: u64,
}

/// A position change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PositionEvent {
    /// The position is new or changed.
    Stored {
        /// The position now.
        position: PositionView,
    },
    /// The position is gone (closed or settled).
    Closed {
        /// The market.
        ticker: String,
    },
}

/// New balance figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceUpdate {
    /// Available cash.
    pub balance: Money,
    /// Cash plus the mark value of the positions.
    pub portfolio_value: Money,
    /// When the figures were fetched.
    pub at_ms: i64,
}

/// What one catch-up found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSummary {
    /// Fills stored for the first time.
    pub new_fills: u64,
    /// Orders stored for the first time or changed.
    pub changed_orders: u64,
    /// Positions added, changed or removed.
    pub changed_positions: u64,
    /// Settlements stored for the first time or changed.
    pub changed_settlements: u64,
    /// When it finished.
    pub at_ms: i64,
}
