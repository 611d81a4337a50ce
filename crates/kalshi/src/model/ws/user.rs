//! Private payloads about the user's own activity: `fill`, `market_position`,
//! `user_order`, `order_group_updates`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::vocab::OrderGroupEvent;
use crate::model::order::{Action, BookSide, OrderStatus, OutcomeSide, SelfTradePrevention};
use crate::model::{Count, Money, Price};

/// `fill`: one of the user's executions. The real-time truth for fills; dedupe by `trade_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    /// Unique fill id (= REST `fill_id`/`trade_id`).
    pub trade_id: String,
    /// The order that filled.
    pub order_id: String,
    /// The market.
    pub market_ticker: String,
    /// Matching-engine shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<u32>,
    /// True when the user's order took liquidity.
    pub is_taker: bool,
    /// Which contract the order was about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_side: Option<OutcomeSide>,
    /// Which YES-book side the order was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_side: Option<BookSide>,
    /// Deprecated twin of `outcome_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<OutcomeSide>,
    /// Deprecated direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Deprecated: the side of the contracts acquired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchased_side: Option<OutcomeSide>,
    /// YES-leg price of the fill (NO price = 1 − it).
    pub yes_price_dollars: Price,
    /// Contracts filled.
    pub count_fp: Count,
    /// Fee charged for this fill, in dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_cost: Option<Money>,
    /// The user's signed position after the fill (negative = NO contracts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_position_fp: Option<Count>,
    /// The order's client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Subaccount of the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<u32>,
    /// Deprecated Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
}

/// `market_position`: the user's position in one market after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketPosition {
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The market.
    pub market_ticker: String,
    /// Signed position: positive YES contracts, negative NO contracts.
    pub position_fp: Count,
    /// Cost of the open position.
    pub position_cost_dollars: Money,
    /// Realised profit and loss.
    pub realized_pnl_dollars: Money,
    /// Fees paid in this market.
    pub fees_paid_dollars: Money,
    /// Fees attributed to the open position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_fee_cost_dollars: Option<Money>,
    /// Contracts traded in this market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_fp: Option<Count>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<u32>,
}

/// `user_order`: the state of one of the user's orders after any change. Note the market
/// field is `ticker` here, not `market_ticker`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserOrder {
    /// Exchange order id.
    pub order_id: String,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The market.
    pub ticker: String,
    /// Lifecycle state.
    pub status: OrderStatus,
    /// Which contract the order is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_side: Option<OutcomeSide>,
    /// Which YES-book side the order is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_side: Option<BookSide>,
    /// Deprecated twin of `outcome_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<OutcomeSide>,
    /// Deprecated: true for YES orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_yes: Option<bool>,
    /// YES-leg limit price.
    pub yes_price_dollars: Price,
    /// Size when placed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_count_fp: Option<Count>,
    /// Contracts filled so far.
    pub fill_count_fp: Count,
    /// Contracts still resting.
    pub remaining_count_fp: Count,
    /// Cost of taker fills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_fill_cost_dollars: Option<Money>,
    /// Cost of maker fills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker_fill_cost_dollars: Option<Money>,
    /// Taker fees paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_fees_dollars: Option<Money>,
    /// Maker fees paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker_fees_dollars: Option<Money>,
    /// The client's idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Order group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_group_id: Option<String>,
    /// Self-trade prevention mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_trade_prevention_type: Option<SelfTradePrevention>,
    /// Deprecated RFC 3339 creation time.
    #[serde(
        default,
        with = "crate::model::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<OffsetDateTime>,
    /// Creation time, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_ts_ms: Option<i64>,
    /// Deprecated RFC 3339 time of the last change.
    #[serde(
        default,
        with = "crate::model::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_update_time: Option<OffsetDateTime>,
    /// Time of the last change, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_ts_ms: Option<i64>,
    /// Deprecated RFC 3339 expiry (good-till-time orders).
    #[serde(
        default,
        with = "crate::model::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_time: Option<OffsetDateTime>,
    /// Expiry, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_ts_ms: Option<i64>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount_number: Option<u32>,
}

/// `order_group_updates`: an order group changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderGroupUpdate {
    /// What happened.
    pub event_type: OrderGroupEvent,
    /// The group.
    pub order_group_id: String,
    /// The fill limit (on `created` and `limit_updated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Count>,
    /// Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
}
