//! Closed vocabularies that only appear in WebSocket traffic (order-group and lifecycle
//! event kinds, `update_subscription` actions). Sides, statuses and results shared with
//! REST live in [`crate::model::order`] and [`crate::model::market`].
//!
//! Each is a strict enum: an unknown value is a decode error naming the field, so a change in
//! Kalshi's vocabulary is noticed instead of being misread.

use serde::{Deserialize, Serialize};

/// What happened to an order group (`order_group_updates.event_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderGroupEvent {
    /// The group was created.
    Created,
    /// The fill limit was hit; the group's orders were cancelled.
    Triggered,
    /// The group's fill counter was reset.
    Reset,
    /// The group was deleted.
    Deleted,
    /// The contracts limit changed.
    LimitUpdated,
}

/// What happened to a market (`market_lifecycle_v2.event_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketLifecycleEvent {
    /// A new market exists.
    Created,
    /// Trading resumed after a pause (all resting orders were cancelled).
    Activated,
    /// Trading was paused by the exchange.
    Deactivated,
    /// The close time moved.
    CloseDateUpdated,
    /// The result is known; the settlement timer runs.
    Determined,
    /// Paid out (REST status `finalized`).
    Settled,
    /// The tick structure changed.
    PriceLevelStructureUpdated,
    /// Titles, strikes or other descriptive metadata changed.
    MetadataUpdated,
    /// LEGACY (removed 2026-04): fractional trading toggled.
    FractionalTradingUpdated,
}

/// What an `update_subscription` command does to its subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateAction {
    /// Add the listed markets to the subscription.
    AddMarkets,
    /// Remove the listed markets from the subscription.
    DeleteMarkets,
    /// Resend `orderbook_snapshot`s for the listed markets without changing the subscription
    /// (how a client recovers from a seq gap without a new sid).
    GetSnapshot,
}
