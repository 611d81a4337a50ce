//! Batch V2 order entry: `POST` and `DELETE /portfolio/events/orders/batched`.
//!
//! The HTTP status covers the whole batch (201/200); each item carries its own result,
//! with `error` set and the numeric fields absent or `null` for items that failed.

use serde::{Deserialize, Serialize};

use super::error::ErrorResponse;
use super::order_entry::CreateOrderRequest;
use super::{Count, Money, empty_as_none};

/// Body of a batch create: each item is a full create request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCreateOrdersRequest {
    /// Orders to place, in order.
    pub orders: Vec<CreateOrderRequest>,
}

/// Result of one item of a batch create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCreateOrderResult {
    /// Exchange order id; absent when the item failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The item's client order id (lets a failed item be matched to its request).
    #[serde(default)]
    pub client_order_id: Option<String>,
    /// Contracts filled at once.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub fill_count: Option<Count>,
    /// Contracts resting.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining_count: Option<Count>,
    /// Volume-weighted fill price, when something filled.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_fill_price: Option<Money>,
    /// Average fee per filled contract, when something filled.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_fee_paid: Option<Money>,
    /// Matching-engine time (Unix ms); `null` when the item failed.
    #[serde(default)]
    pub ts_ms: Option<i64>,
    /// Why the item failed; `null` on success.
    #[serde(default)]
    pub error: Option<ErrorResponse>,
}

/// Response of a batch create: one result per requested order, same order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCreateOrdersResponse {
    /// Per-item results.
    pub orders: Vec<BatchCreateOrderResult>,
}

/// One order to cancel in a batch cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCancelOrder {
    /// Order to cancel.
    pub order_id: String,
    /// Its subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
    /// Shard; omit to auto-route by `market_ticker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
    /// Market ticker, for auto-routing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<String>,
}

impl BatchCancelOrder {
    /// Cancels `order_id` with no routing hints.
    pub fn new(order_id: impl Into<String>) -> Self {
        Self {
            order_id: order_id.into(),
            subaccount: None,
            exchange_index: None,
            market_ticker: None,
        }
    }
}

/// Body of a batch cancel (a JSON body on `DELETE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCancelOrdersRequest {
    /// Orders to cancel.
    pub orders: Vec<BatchCancelOrder>,
}

/// Result of one item of a batch cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCancelOrderResult {
    /// The order this entry is about.
    pub order_id: String,
    /// Its client order id.
    #[serde(default)]
    pub client_order_id: Option<String>,
    /// Resting contracts cancelled (0 if it had already filled); may be missing on error.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub reduced_by: Option<Count>,
    /// Matching-engine time (Unix ms); `null` when the item failed.
    #[serde(default)]
    pub ts_ms: Option<i64>,
    /// Why the item failed; `null` on success.
    #[serde(default)]
    pub error: Option<ErrorResponse>,
}

/// Response of a batch cancel: one result per requested order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCancelOrdersResponse {
    /// Per-item results.
    pub orders: Vec<BatchCancelOrderResult>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Price;
    use crate::model::order::{BookSide, SelfTradePrevention, TimeInForce};
    use crate::model::test_support::{assert_canonical, assert_round_trip};

    #[test]
    fn batch_create_request() {
        let one = CreateOrderRequest::new(
            "T",
            BookSide::Bid,
            Price::parse("0.5").unwrap(),
            Count::from_contracts(1),
            TimeInForce::FillOrKill,
            SelfTradePrevention::Maker,
        );
        let req = BatchCreateOrdersRequest {
            orders: vec![one.clone(), one],
        };
        let json = serde_json::to_string(&req).unwrap();
        assert!(
            json.starts_with(
                r#"{"orders":[{"ticker":"T","side":"bid","count":"1.00","price":"0.5000""#
            ),
            "{json}"
        );
        let back: BatchCreateOrdersRequest = assert_canonical(&json);
        assert_eq!(back, req);
    }

    #[test]
    fn batch_create_response_fixture_mixes_success_and_error() {
        let r: BatchCreateOrdersResponse = assert_canonical(include_str!(
            "../../test_data/rest/batch_create_response.json"
        ));
        let ok = &r.orders[0];
        assert_eq!(ok.error, None);
        assert_eq!(ok.fill_count, Some(Count::from_contracts(4)));
        assert_eq!(ok.average_fill_price, Some(Money::parse("0.55").unwrap()));
        assert_eq!(ok.ts_ms, Some(1_755_700_000_123));
        let failed = &r.orders[1];
        assert_eq!(failed.order_id, None);
        assert_eq!(failed.ts_ms, None);
        assert_eq!(failed.client_order_id.as_deref(), Some("batch-2"));
        let err = failed.error.as_ref().unwrap();
        assert_eq!(err.code.as_deref(), Some("invalid_order"));
    }

    #[test]
    fn failed_items_may_carry_null_numbers() {
        let r: BatchCreateOrdersResponse = assert_round_trip(
            r#"{"orders":[{"client_order_id":null,"fill_count":null,"remaining_count":null,
                "average_fill_price":null,"average_fee_paid":null,"ts_ms":null,
                "error":{"code":"market_closed","message":"market closed"}}]}"#,
        );
        assert_eq!(r.orders[0].fill_count, None);
    }

    #[test]
    fn batch_cancel_round_trip() {
        let req = BatchCancelOrdersRequest {
            orders: vec![
                BatchCancelOrder::new("o1"),
                BatchCancelOrder {
                    market_ticker: Some("T".into()),
                    ..BatchCancelOrder::new("o2")
                },
            ],
        };
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"orders":[{"order_id":"o1"},{"order_id":"o2","market_ticker":"T"}]}"#
        );
        let r: BatchCancelOrdersResponse = assert_canonical(
            r#"{"orders":[
                {"order_id":"o1","client_order_id":"c1","reduced_by":"6.00","ts_ms":1755700001000,"error":null},
                {"order_id":"o2","client_order_id":null,"reduced_by":"0.00","ts_ms":null,
                 "error":{"code":"not_found","message":"order not found"}}]}"#,
        );
        assert_eq!(r.orders[0].reduced_by, Some(Count::from_contracts(6)));
        assert_eq!(
            r.orders[1].error.as_ref().unwrap().code.as_deref(),
            Some("not_found")
        );
    }
}
