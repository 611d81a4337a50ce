//! Orders as read back: the `Order` object of `GET /portfolio/orders[/{id}]`, the order
//! vocabularies shared by entry, fills and trades, and queue positions.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::page::{null_as_empty, paginated};
use super::query::{QueryPairs, comma_list};
use super::wire_enum::wire_enum;
use super::{Count, Money, Price};

wire_enum! {
    /// The outcome an order or fill positions you for: buying YES or selling NO give `yes`;
    /// buying NO or selling YES give `no` (also `taker_outcome_side`, deprecated `side`).
    pub enum OutcomeSide {
        /// Long-YES exposure.
        Yes => "yes",
        /// Long-NO exposure.
        No => "no",
    }
}

wire_enum! {
    /// Side of the single YES book: `bid` buys YES at the price, `ask` sells YES (= buys NO
    /// at 1 − price). The V2 order `side`, and `book_side` on orders and fills.
    pub enum BookSide {
        /// Buy YES.
        Bid => "bid",
        /// Sell YES.
        Ask => "ask",
    }
}

wire_enum! {
    /// Deprecated V1 direction, still emitted as an optional field on orders and fills.
    pub enum Action {
        /// Buy the `side` contract.
        Buy => "buy",
        /// Sell the `side` contract.
        Sell => "sell",
    }
}

wire_enum! {
    /// Order type; only limit orders can still be created.
    pub enum OrderType {
        /// Limit order.
        Limit => "limit",
        /// Legacy market order.
        Market => "market",
    }
}

wire_enum! {
    /// Order state (also the `status` filter of `GET /portfolio/orders`).
    pub enum OrderStatus {
        /// On the book with remaining size.
        Resting => "resting",
        /// No remaining size and not fully filled (cancel, IOC remainder, expiry, ...).
        Canceled => "canceled",
        /// Fully filled.
        Executed => "executed",
    }
}

wire_enum! {
    /// How long an order may rest.
    pub enum TimeInForce {
        /// Rest until cancelled (or until `expiration_time` if given).
        GoodTillCanceled => "good_till_canceled",
        /// Fill what crosses now, cancel the rest.
        ImmediateOrCancel => "immediate_or_cancel",
        /// Fill completely now or not at all.
        FillOrKill => "fill_or_kill",
    }
}

wire_enum! {
    /// What happens when an order would match another order of the same user.
    pub enum SelfTradePrevention {
        /// Cancel the incoming (taker) order.
        TakerAtCross => "taker_at_cross",
        /// Cancel the resting (maker) order and keep matching.
        Maker => "maker",
    }
}

/// An order as read back from `GET /portfolio/orders`: full state, prices on both legs,
/// filled/remaining sizes, costs and fees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Exchange order id (UUID).
    pub order_id: String,
    /// Owner.
    pub user_id: String,
    /// Client-chosen id (`""` if none was given).
    pub client_order_id: String,
    /// Market ticker.
    pub ticker: String,
    /// Deprecated V1 side; use `outcome_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<OutcomeSide>,
    /// Deprecated V1 action; use `book_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Exposure the order gives.
    pub outcome_side: OutcomeSide,
    /// Side of the YES book.
    pub book_side: BookSide,
    /// Order type.
    #[serde(rename = "type")]
    pub order_type: OrderType,
    /// State.
    pub status: OrderStatus,
    /// Limit price on the YES leg.
    pub yes_price_dollars: Price,
    /// Limit price on the NO leg (1 − YES).
    pub no_price_dollars: Price,
    /// Contracts filled.
    pub fill_count_fp: Count,
    /// Contracts still resting.
    pub remaining_count_fp: Count,
    /// Original size.
    pub initial_count_fp: Count,
    /// Cost of the taker fills.
    pub taker_fill_cost_dollars: Money,
    /// Cost of the maker fills.
    pub maker_fill_cost_dollars: Money,
    /// Fees paid as taker.
    pub taker_fees_dollars: Money,
    /// Fees paid as maker.
    pub maker_fees_dollars: Money,
    /// When a GTC order with expiry expires.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expiration_time: Option<OffsetDateTime>,
    /// When the order was created.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub created_time: Option<OffsetDateTime>,
    /// Last amend, cancel or fill.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_update_time: Option<OffsetDateTime>,
    /// Self-trade prevention mode.
    #[serde(default)]
    pub self_trade_prevention_type: Option<SelfTradePrevention>,
    /// Order group the order belongs to.
    #[serde(default)]
    pub order_group_id: Option<String>,
    /// Cancelled automatically if trading pauses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_order_on_pause: Option<bool>,
    /// Subaccount (0 = primary).
    #[serde(default)]
    pub subaccount_number: Option<i32>,
    /// Exchange shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

/// `GET /portfolio/orders` response (one page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetOrdersResponse {
    /// Orders on this page.
    pub orders: Vec<Order>,
    /// Next-page cursor; `""` at the end.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cursor: String,
}

paginated!(GetOrdersResponse, orders, Order);

/// `GET /portfolio/orders/{order_id}` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetOrderResponse {
    /// The order.
    pub order: Order,
}

/// Query of `GET /portfolio/orders`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetOrdersParams {
    /// Only this market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// Only these events (sent comma-separated, at most 10).
    #[serde(with = "comma_list", skip_serializing_if = "Vec::is_empty")]
    pub event_ticker: Vec<String>,
    /// Updated at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ts: Option<i64>,
    /// Updated at or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ts: Option<i64>,
    /// Only orders in this state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
    /// Page size, 1–1000 (server default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Only this subaccount (absent = all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
    /// Only this shard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

impl GetOrdersParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("ticker", self.ticker.as_ref())
            .comma("event_ticker", &self.event_ticker)
            .opt("min_ts", self.min_ts.as_ref())
            .opt("max_ts", self.max_ts.as_ref())
            .opt("status", self.status.as_ref())
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .opt("subaccount", self.subaccount.as_ref())
            .opt("exchange_index", self.exchange_index.as_ref())
            .finish()
    }
}

/// `GET /portfolio/orders/{order_id}/queue_position` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderQueuePositionResponse {
    /// Contracts ahead of the order at its price level.
    pub queue_position_fp: Count,
}

/// One order's place in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderQueuePosition {
    /// The order.
    pub order_id: String,
    /// Its market.
    pub market_ticker: String,
    /// Contracts ahead of it at its price level.
    pub queue_position_fp: Count,
}

/// `GET /portfolio/orders/queue_positions` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderQueuePositionsResponse {
    /// Queue positions of the matching resting orders.
    pub queue_positions: Vec<OrderQueuePosition>,
}

/// Query of `GET /portfolio/orders/queue_positions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetQueuePositionsParams {
    /// Only these markets (sent comma-separated).
    #[serde(with = "comma_list", skip_serializing_if = "Vec::is_empty")]
    pub market_tickers: Vec<String>,
    /// Only this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_ticker: Option<String>,
    /// Only this subaccount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
}

impl GetQueuePositionsParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .comma("market_tickers", &self.market_tickers)
            .opt("event_ticker", self.event_ticker.as_ref())
            .opt("subaccount", self.subaccount.as_ref())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Paginated;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, assert_round_trip, decode_err, ts};

    const ORDERS: &str = include_str!("../../test_data/rest/orders.json");

    fn c(text: &str) -> Count {
        Count::parse(text).unwrap()
    }

    #[test]
    fn orders_fixture_is_canonical() {
        let r: GetOrdersResponse = assert_canonical(ORDERS);
        let o = &r.orders[0];
        assert_eq!(o.order_id, "3b23c1c7-f4ef-4f0d-8b9a-9e53c61f1a0d");
        assert_eq!(o.client_order_id, "my-id-1");
        assert_eq!(o.outcome_side, OutcomeSide::Yes);
        assert_eq!(o.book_side, BookSide::Bid);
        assert_eq!(o.order_type, OrderType::Limit);
        assert_eq!(o.status, OrderStatus::Resting);
        assert_eq!(o.yes_price_dollars, Price::parse("0.5600").unwrap());
        assert_eq!(o.no_price_dollars, Price::parse("0.4400").unwrap());
        assert_eq!(o.initial_count_fp, c("10.00"));
        assert_eq!(o.fill_count_fp, c("4.00"));
        assert_eq!(o.remaining_count_fp, c("6.00"));
        assert_eq!(o.taker_fill_cost_dollars, Money::parse("2.2000").unwrap());
        assert_eq!(o.taker_fees_dollars, Money::parse("0.0693").unwrap());
        assert_eq!(o.created_time, Some(ts("2026-08-27T14:10:00.123Z")));
        assert_eq!(o.expiration_time, None);
        assert_eq!(
            o.self_trade_prevention_type,
            Some(SelfTradePrevention::TakerAtCross)
        );
        assert_eq!(o.subaccount_number, Some(0));
        let sold = &r.orders[1];
        assert_eq!(sold.status, OrderStatus::Canceled);
        assert_eq!(
            sold.outcome_side,
            OutcomeSide::No,
            "selling YES gives NO exposure"
        );
        assert_eq!(sold.action, Some(Action::Sell));
        assert_eq!(sold.side, Some(OutcomeSide::Yes));
        assert_eq!(sold.maker_fees_dollars, Money::parse("0.001733").unwrap());
        assert_eq!(r.cursor(), None);
    }

    #[test]
    fn single_order_response() {
        let v: serde_json::Value = serde_json::from_str(ORDERS).unwrap();
        let json = serde_json::json!({ "order": v["orders"][0] }).to_string();
        let r: GetOrderResponse = assert_canonical(&json);
        assert_eq!(r.order.ticker, "KXHIGHNY-26AUG28-T88");
    }

    #[test]
    fn legacy_pending_status_is_rejected_with_path() {
        let mut v: serde_json::Value = serde_json::from_str(ORDERS).unwrap();
        v["orders"][1]["status"] = serde_json::json!("pending");
        let err = decode_err::<GetOrdersResponse>(&v.to_string());
        assert_eq!(err.path, "orders[1].status");
    }

    #[test]
    fn malformed_count_names_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(ORDERS).unwrap();
        v["orders"][0]["fill_count_fp"] = serde_json::json!("4.001");
        let err = decode_err::<GetOrdersResponse>(&v.to_string());
        assert_eq!(err.path, "orders[0].fill_count_fp");
    }

    #[test]
    fn queue_positions() {
        let r: GetOrderQueuePositionResponse =
            assert_canonical(r#"{ "queue_position_fp": "123.00" }"#);
        assert_eq!(r.queue_position_fp, c("123"));
        let r: GetOrderQueuePositionsResponse = assert_round_trip(
            r#"{"queue_positions":[{"order_id":"o1","market_ticker":"M","queue_position_fp":"0.00"}]}"#,
        );
        assert!(r.queue_positions[0].queue_position_fp.is_zero());
    }

    #[test]
    fn params_to_query() {
        let params = GetOrdersParams {
            ticker: Some("M".into()),
            event_ticker: vec!["E1".into(), "E2".into()],
            status: Some(OrderStatus::Resting),
            min_ts: Some(1),
            subaccount: Some(0),
            ..Default::default()
        };
        let q = params.to_query();
        assert_eq!(
            q,
            vec![
                ("ticker", "M".to_owned()),
                ("event_ticker", "E1,E2".to_owned()),
                ("min_ts", "1".to_owned()),
                ("status", "resting".to_owned()),
                ("subaccount", "0".to_owned()),
            ]
        );
        assert_query_matches_serde(&params, &q);
        let qp = GetQueuePositionsParams {
            market_tickers: vec!["A".into(), "B".into()],
            ..Default::default()
        };
        assert_eq!(qp.to_query(), vec![("market_tickers", "A,B".to_owned())]);
        assert_query_matches_serde(&qp, &qp.to_query());
    }
}
