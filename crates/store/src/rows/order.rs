//! `orders` rows: binding a `kalshi::model::order::Order`, and reading an [`OrderRow`].

use kalshi::model::order::{
    Action, BookSide, Order, OrderStatus, OrderType, OutcomeSide, SelfTradePrevention,
};
use kalshi::model::{Count, Money, Price};
use sqlx::query_builder::Separated;
use sqlx::{FromRow, Sqlite};
use time::OffsetDateTime;

use super::{from_ms, from_opt_ms, opt_small, opt_wire, price, to_unix_ms, wire};
use crate::error::StoreResult;

const TABLE: &str = "orders";

/// Columns written on insert, in [`bind`] order.
pub(crate) const INSERT_COLUMNS: &[&str] = &[
    "scope_id",
    "order_id",
    "user_id",
    "client_order_id",
    "ticker",
    "side",
    "action",
    "outcome_side",
    "book_side",
    "order_type",
    "status",
    "yes_price",
    "no_price",
    "fill_count",
    "remaining_count",
    "initial_count",
    "taker_fill_cost",
    "maker_fill_cost",
    "taker_fees",
    "maker_fees",
    "expiration_ms",
    "created_ms",
    "last_update_ms",
    "self_trade_prevention",
    "order_group_id",
    "cancel_order_on_pause",
    "subaccount_number",
    "exchange_index",
];

/// Columns an update may change (everything but the key).
pub(crate) fn update_columns() -> &'static [&'static str] {
    &INSERT_COLUMNS[2..]
}

/// Columns read back, matching [`RawOrder`].
pub(crate) const SELECT_COLUMNS: &str = "id, order_id, user_id, client_order_id, ticker, side, \
    action, outcome_side, book_side, order_type, status, yes_price, no_price, fill_count, \
    remaining_count, initial_count, taker_fill_cost, maker_fill_cost, taker_fees, maker_fees, \
    expiration_ms, created_ms, last_update_ms, self_trade_prevention, order_group_id, \
    cancel_order_on_pause, subaccount_number, exchange_index, revision, closed_unknown";

/// The history sort key: when the order was created, falling back to its last update
/// (and to 0) because the field is optional on the wire.
pub(crate) fn created_ms(o: &Order) -> i64 {
    o.created_time.or(o.last_update_time).map_or(0, to_unix_ms)
}

/// The staleness key: the exchange's last update, falling back to creation (and to 0).
pub(crate) fn last_update_ms(o: &Order) -> i64 {
    o.last_update_time.or(o.created_time).map_or(0, to_unix_ms)
}

/// Pushes one order's values in [`INSERT_COLUMNS`] order.
pub(crate) fn bind<'q>(
    b: &mut Separated<'_, 'q, Sqlite, &'static str>,
    scope_id: i64,
    o: &'q Order,
) {
    b.push_bind(scope_id)
        .push_bind(o.order_id.as_str())
        .push_bind(o.user_id.as_str())
        .push_bind(o.client_order_id.as_str())
        .push_bind(o.ticker.as_str())
        .push_bind(o.side.map(OutcomeSide::as_str))
        .push_bind(o.action.map(Action::as_str))
        .push_bind(o.outcome_side.as_str())
        .push_bind(o.book_side.as_str())
        .push_bind(o.order_type.as_str())
        .push_bind(o.status.as_str())
        .push_bind(o.yes_price_dollars.units())
        .push_bind(o.no_price_dollars.units())
        .push_bind(o.fill_count_fp.units())
        .push_bind(o.remaining_count_fp.units())
        .push_bind(o.initial_count_fp.units())
        .push_bind(o.taker_fill_cost_dollars.units())
        .push_bind(o.maker_fill_cost_dollars.units())
        .push_bind(o.taker_fees_dollars.units())
        .push_bind(o.maker_fees_dollars.units())
        .push_bind(o.expiration_time.map(to_unix_ms))
        .push_bind(created_ms(o))
        .push_bind(last_update_ms(o))
        .push_bind(
            o.self_trade_prevention_type
                .map(SelfTradePrevention::as_str),
        )
        .push_bind(o.order_group_id.as_deref())
        .push_bind(o.cancel_order_on_pause)
        .push_bind(o.subaccount_number)
        .push_bind(o.exchange_index);
}

/// An order as stored: the exchange's last reported state plus the store's row id and
/// revision (how many accepted changes it has seen).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    /// Store row id (the tie-breaker of history pagination).
    pub id: i64,
    /// Exchange order id.
    pub order_id: String,
    /// Owner.
    pub user_id: String,
    /// Our client-chosen id (`""` if none).
    pub client_order_id: String,
    /// Market ticker.
    pub ticker: String,
    /// Deprecated V1 side, if the exchange sent it.
    pub side: Option<OutcomeSide>,
    /// Deprecated V1 action, if the exchange sent it.
    pub action: Option<Action>,
    /// Exposure the order gives.
    pub outcome_side: OutcomeSide,
    /// Side of the YES book.
    pub book_side: BookSide,
    /// Order type.
    pub order_type: OrderType,
    /// State.
    pub status: OrderStatus,
    /// Limit price on the YES leg.
    pub yes_price: Price,
    /// Limit price on the NO leg.
    pub no_price: Price,
    /// Contracts filled.
    pub fill_count: Count,
    /// Contracts still resting.
    pub remaining_count: Count,
    /// Original size.
    pub initial_count: Count,
    /// Cost of the taker fills.
    pub taker_fill_cost: Money,
    /// Cost of the maker fills.
    pub maker_fill_cost: Money,
    /// Fees paid as taker.
    pub taker_fees: Money,
    /// Fees paid as maker.
    pub maker_fees: Money,
    /// Expiry of a good-till-time order.
    pub expiration_time: Option<OffsetDateTime>,
    /// Creation time (falls back to the last update when the exchange omitted it).
    pub created_time: OffsetDateTime,
    /// Last update reported by the exchange (falls back to creation).
    pub last_update_time: OffsetDateTime,
    /// Self-trade prevention mode.
    pub self_trade_prevention: Option<SelfTradePrevention>,
    /// Order group.
    pub order_group_id: Option<String>,
    /// Cancelled automatically if trading pauses.
    pub cancel_order_on_pause: Option<bool>,
    /// Subaccount.
    pub subaccount_number: Option<i32>,
    /// Exchange shard.
    pub exchange_index: Option<i32>,
    /// 1 when first stored, +1 for each accepted change.
    pub revision: i64,
    /// Set when the store closed the order itself because the exchange no longer knows
    /// it (not live, not in the historical archive): why. The order's real outcome is
    /// unknown; `status` then reads `canceled` with nothing remaining.
    pub closed_unknown: Option<String>,
}

impl From<OrderRow> for Order {
    /// The stored order in the exchange's shape (what events carry and writes start from).
    /// Creation and last-update times are always set: the row keeps both. A store-made
    /// [`OrderRow::closed_unknown`] shows as its `canceled` status; the reason is the row's.
    fn from(row: OrderRow) -> Self {
        Self {
            order_id: row.order_id,
            user_id: row.user_id,
            client_order_id: row.client_order_id,
            ticker: row.ticker,
            side: row.side,
            action: row.action,
            outcome_side: row.outcome_side,
            book_side: row.book_side,
            order_type: row.order_type,
            status: row.status,
            yes_price_dollars: row.yes_price,
            no_price_dollars: row.no_price,
            fill_count_fp: row.fill_count,
            remaining_count_fp: row.remaining_count,
            initial_count_fp: row.initial_count,
            taker_fill_cost_dollars: row.taker_fill_cost,
            maker_fill_cost_dollars: row.maker_fill_cost,
            taker_fees_dollars: row.taker_fees,
            maker_fees_dollars: row.maker_fees,
            expiration_time: row.expiration_time,
            created_time: Some(row.created_time),
            last_update_time: Some(row.last_update_time),
            self_trade_prevention_type: row.self_trade_prevention,
            order_group_id: row.order_group_id,
            cancel_order_on_pause: row.cancel_order_on_pause,
            subaccount_number: row.subaccount_number,
            exchange_index: row.exchange_index,
        }
    }
}

/// `orders` as SQLite returns it, before checking.
#[derive(Debug, FromRow)]
pub(crate) struct RawOrder {
    pub(crate) id: i64,
    pub(crate) order_id: String,
    user_id: String,
    client_order_id: String,
    ticker: String,
    side: Option<String>,
    action: Option<String>,
    outcome_side: String,
    book_side: String,
    order_type: String,
    status: String,
    yes_price: i64,
    no_price: i64,
    fill_count: i64,
    remaining_count: i64,
    initial_count: i64,
    taker_fill_cost: i64,
    maker_fill_cost: i64,
    taker_fees: i64,
    maker_fees: i64,
    expiration_ms: Option<i64>,
    pub(crate) created_ms: i64,
    last_update_ms: i64,
    self_trade_prevention: Option<String>,
    order_group_id: Option<String>,
    cancel_order_on_pause: Option<bool>,
    subaccount_number: Option<i64>,
    exchange_index: Option<i64>,
    pub(crate) revision: i64,
    closed_unknown: Option<String>,
}

impl TryFrom<RawOrder> for OrderRow {
    type Error = crate::StoreError;

    fn try_from(r: RawOrder) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            side: opt_wire(TABLE, "side", r.side.as_deref(), OutcomeSide::from_wire)?,
            action: opt_wire(TABLE, "action", r.action.as_deref(), Action::from_wire)?,
            outcome_side: wire(
                TABLE,
                "outcome_side",
                &r.outcome_side,
                OutcomeSide::from_wire,
            )?,
            book_side: wire(TABLE, "book_side", &r.book_side, BookSide::from_wire)?,
            order_type: wire(TABLE, "order_type", &r.order_type, OrderType::from_wire)?,
            status: wire(TABLE, "status", &r.status, OrderStatus::from_wire)?,
            yes_price: price(TABLE, "yes_price", r.yes_price)?,
            no_price: price(TABLE, "no_price", r.no_price)?,
            fill_count: Count::from_units(r.fill_count),
            remaining_count: Count::from_units(r.remaining_count),
            initial_count: Count::from_units(r.initial_count),
            taker_fill_cost: Money::from_units(r.taker_fill_cost),
            maker_fill_cost: Money::from_units(r.maker_fill_cost),
            taker_fees: Money::from_units(r.taker_fees),
            maker_fees: Money::from_units(r.maker_fees),
            expiration_time: from_opt_ms(TABLE, "expiration_ms", r.expiration_ms)?,
            created_time: from_ms(TABLE, "created_ms", r.created_ms)?,
            last_update_time: from_ms(TABLE, "last_update_ms", r.last_update_ms)?,
            self_trade_prevention: opt_wire(
                TABLE,
                "self_trade_prevention",
                r.self_trade_prevention.as_deref(),
                SelfTradePrevention::from_wire,
            )?,
            subaccount_number: opt_small(TABLE, "subaccount_number", r.subaccount_number)?,
            exchange_index: opt_small(TABLE, "exchange_index", r.exchange_index)?,
            order_id: r.order_id,
            user_id: r.user_id,
            client_order_id: r.client_order_id,
            ticker: r.ticker,
            order_group_id: r.order_group_id,
            cancel_order_on_pause: r.cancel_order_on_pause,
            revision: r.revision,
            closed_unknown: r.closed_unknown,
        })
    }
}
