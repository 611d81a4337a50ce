//! V2 order entry under `/portfolio/events/orders`: create, amend, decrease and cancel
//! request and response bodies.
//!
//! V2 uses one YES book: `side: bid` buys YES at `price`, `side: ask` sells YES (= buys NO
//! at 1 − price); prices are always YES prices. The responses are thin (ids, sizes,
//! averages, `ts_ms`); full state comes from `GET /portfolio/orders/{id}` or the WS feed.
//! V2 count fields are fixed-point strings *without* the `_fp` suffix.

use serde::{Deserialize, Serialize};

use super::order::{BookSide, SelfTradePrevention, TimeInForce};
use super::query::QueryPairs;
use super::{Count, Money, Price, empty_as_none};

/// Body of `POST /portfolio/events/orders` (Kalshi's `CreateOrderV2Request`); also an
/// item of a batch create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderRequest {
    /// Market ticker.
    pub ticker: String,
    /// Idempotency key: a retried create with the same id cannot double-place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// `bid` = buy YES, `ask` = sell YES.
    pub side: BookSide,
    /// Size in contracts.
    pub count: Count,
    /// YES limit price; must be on the market's price grid.
    pub price: Price,
    /// Expiry in Unix seconds; only with good-till-cancelled, must be in the future.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<i64>,
    /// How long the order may rest.
    pub time_in_force: TimeInForce,
    /// Reject/cancel instead of taking liquidity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
    /// What to do on a self-match.
    pub self_trade_prevention_type: SelfTradePrevention,
    /// Cancel if trading pauses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_order_on_pause: Option<bool>,
    /// Cap the order at the current position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_only: Option<bool>,
    /// Subaccount (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
    /// Order group to join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_group_id: Option<String>,
    /// Shard; omit to auto-route by ticker (−1 requires auto-routing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

impl CreateOrderRequest {
    /// A limit order with the required fields; every optional field absent.
    pub fn new(
        ticker: impl Into<String>,
        side: BookSide,
        price: Price,
        count: Count,
        time_in_force: TimeInForce,
        self_trade_prevention_type: SelfTradePrevention,
    ) -> Self {
        Self {
            ticker: ticker.into(),
            client_order_id: None,
            side,
            count,
            price,
            expiration_time: None,
            time_in_force,
            post_only: None,
            self_trade_prevention_type,
            cancel_order_on_pause: None,
            reduce_only: None,
            subaccount: None,
            order_group_id: None,
            exchange_index: None,
        }
    }
}

/// Response of a create (201): what filled immediately and what rests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderResponse {
    /// Exchange order id.
    pub order_id: String,
    /// The request's client order id, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Contracts filled at once.
    pub fill_count: Count,
    /// Contracts resting (0 for IOC/FOK once done).
    pub remaining_count: Count,
    /// Volume-weighted fill price per contract; only when something filled.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_fill_price: Option<Money>,
    /// Average fee per filled contract; only when something filled.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_fee_paid: Option<Money>,
    /// Matching-engine time, Unix milliseconds.
    pub ts_ms: i64,
}

/// Body of `POST /portfolio/events/orders/{order_id}/amend`: new price and/or size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendOrderRequest {
    /// Market ticker (must match the order).
    pub ticker: String,
    /// Side (must match the order).
    pub side: BookSide,
    /// New YES price.
    pub price: Price,
    /// New *total* size: already filled plus the desired resting remainder.
    pub count: Count,
    /// The order's current client order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Client order id to use after the amend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_client_order_id: Option<String>,
    /// Shard; omit to auto-route by ticker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
    /// The order's subaccount. Kalshi takes it as the `subaccount` query parameter, not in
    /// the body, so it is never serialised; the client puts it on the URL.
    #[serde(skip)]
    pub subaccount: Option<i32>,
}

/// Response of an amend; fill fields appear only if the amended order crossed and traded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendOrderResponse {
    /// Exchange order id (unchanged by an amend).
    pub order_id: String,
    /// Client order id after the amend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Contracts resting after the amend.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining_count: Option<Count>,
    /// Contracts filled by the amend.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub fill_count: Option<Count>,
    /// Volume-weighted price of those fills.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_fill_price: Option<Money>,
    /// Average fee per contract of those fills.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub average_fee_paid: Option<Money>,
    /// Matching-engine time, Unix milliseconds.
    pub ts_ms: i64,
}

/// How much to take off a resting order: exactly one of `reduce_by` / `reduce_to`, which
/// the type enforces (the exchange rejects both or neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decrease {
    /// Remove this many contracts from the remainder (`reduce_by`).
    By(Count),
    /// Leave this many contracts resting (`reduce_to`).
    To(Count),
}

/// Body of `POST /portfolio/events/orders/{order_id}/decrease` (keeps queue position).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawDecrease", into = "RawDecrease")]
pub struct DecreaseOrderRequest {
    /// The reduction; serialises as the `reduce_by` or `reduce_to` key.
    pub decrease: Decrease,
    /// Shard; omit to auto-route by `market_ticker`.
    pub exchange_index: Option<i32>,
    /// Market ticker, for auto-routing.
    pub market_ticker: Option<String>,
    /// The order's subaccount: the `subaccount` query parameter (never in the body).
    pub subaccount: Option<i32>,
}

impl DecreaseOrderRequest {
    /// A decrease with no routing hints.
    pub fn new(decrease: Decrease) -> Self {
        Self {
            decrease,
            exchange_index: None,
            market_ticker: None,
            subaccount: None,
        }
    }
}

/// The `subaccount` query pair of an amend or decrease, if one is set.
pub(crate) fn subaccount_query(subaccount: Option<i32>) -> Vec<(&'static str, String)> {
    QueryPairs::new()
        .opt("subaccount", subaccount.as_ref())
        .finish()
}

/// The wire shape of [`DecreaseOrderRequest`], before the one-of check.
#[derive(Serialize, Deserialize)]
struct RawDecrease {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reduce_by: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reduce_to: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exchange_index: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    market_ticker: Option<String>,
}

impl TryFrom<RawDecrease> for DecreaseOrderRequest {
    type Error = &'static str;

    fn try_from(raw: RawDecrease) -> Result<Self, Self::Error> {
        let decrease = match (raw.reduce_by, raw.reduce_to) {
            (Some(by), None) => Decrease::By(by),
            (None, Some(to)) => Decrease::To(to),
            _ => return Err("expected exactly one of `reduce_by` or `reduce_to`"),
        };
        Ok(Self {
            decrease,
            exchange_index: raw.exchange_index,
            market_ticker: raw.market_ticker,
            subaccount: None,
        })
    }
}

impl From<DecreaseOrderRequest> for RawDecrease {
    fn from(req: DecreaseOrderRequest) -> Self {
        let (reduce_by, reduce_to) = match req.decrease {
            Decrease::By(c) => (Some(c), None),
            Decrease::To(c) => (None, Some(c)),
        };
        Self {
            reduce_by,
            reduce_to,
            exchange_index: req.exchange_index,
            market_ticker: req.market_ticker,
        }
    }
}

/// Response of a decrease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecreaseOrderResponse {
    /// Exchange order id.
    pub order_id: String,
    /// The order's client order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Contracts still resting.
    pub remaining_count: Count,
    /// Matching-engine time, Unix milliseconds.
    pub ts_ms: i64,
}

/// Response of `DELETE /portfolio/events/orders/{order_id}`. The order stays readable with
/// status `canceled`; `reduced_by` 0 means it had already filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelOrderResponse {
    /// Exchange order id.
    pub order_id: String,
    /// The order's client order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Resting contracts that were cancelled.
    pub reduced_by: Count,
    /// Matching-engine time, Unix milliseconds.
    pub ts_ms: i64,
}

/// Query of `DELETE /portfolio/events/orders/{order_id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CancelOrderParams {
    /// Subaccount of the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
    /// Shard; omit to auto-route by `market_ticker`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
    /// Market ticker, for auto-routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<String>,
}

impl CancelOrderParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("subaccount", self.subaccount.as_ref())
            .opt("exchange_index", self.exchange_index.as_ref())
            .opt("market_ticker", self.market_ticker.as_ref())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, assert_round_trip, decode_err};

    fn c(text: &str) -> Count {
        Count::parse(text).unwrap()
    }

    fn m(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    #[test]
    fn create_request_serialises_exactly() {
        let mut req = CreateOrderRequest::new(
            "KXHIGHNY-26AUG28-T88",
            BookSide::Ask,
            Price::parse("0.7").unwrap(),
            Count::from_contracts(10),
            TimeInForce::GoodTillCanceled,
            SelfTradePrevention::TakerAtCross,
        );
        req.client_order_id = Some("my-id-1".into());
        req.expiration_time = Some(1_755_800_000);
        req.post_only = Some(true);
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            concat!(
                r#"{"ticker":"KXHIGHNY-26AUG28-T88","client_order_id":"my-id-1","side":"ask","#,
                r#""count":"10.00","price":"0.7000","expiration_time":1755800000,"#,
                r#""time_in_force":"good_till_canceled","post_only":true,"#,
                r#""self_trade_prevention_type":"taker_at_cross"}"#
            ),
            "buy NO at 0.30 is sent as an ask at 0.70; absent options are omitted"
        );
    }

    #[test]
    fn create_request_accepts_short_decimal_forms() {
        let req: CreateOrderRequest = assert_round_trip(
            r#"{"ticker":"T","side":"bid","count":"10","price":"0.56",
                "time_in_force":"immediate_or_cancel","self_trade_prevention_type":"maker"}"#,
        );
        assert_eq!(req.count, c("10.00"));
        assert_eq!(req.price, Price::parse("0.5600").unwrap());
        let err = decode_err::<CreateOrderRequest>(
            r#"{"ticker":"T","side":"bid","count":"10","price":"0.56",
                "time_in_force":"gtt","self_trade_prevention_type":"maker"}"#,
        );
        assert_eq!(
            err.path, "time_in_force",
            "GTT is not a valid time in force"
        );
    }

    /// The example of kalshi-api.md §3.6.
    #[test]
    fn create_response_doc_example_is_canonical() {
        let r: CreateOrderResponse = assert_canonical(
            r#"{ "order_id": "3b23c1c7-f4ef-4f0d-8b9a-9e53c61f1a0d", "client_order_id": "my-id-1",
  "fill_count": "4.00", "remaining_count": "6.00",
  "average_fill_price": "0.5500", "average_fee_paid": "0.0173", "ts_ms": 1755700000123 }"#,
        );
        assert_eq!(r.fill_count, c("4"));
        assert_eq!(r.remaining_count, c("6"));
        assert_eq!(r.average_fill_price, Some(m("0.55")));
        assert_eq!(r.average_fee_paid, Some(m("0.0173")));
        assert_eq!(r.ts_ms, 1_755_700_000_123);
    }

    #[test]
    fn create_response_without_fills_omits_averages() {
        let r: CreateOrderResponse = assert_canonical(
            r#"{"order_id":"o","fill_count":"0.00","remaining_count":"10.00","ts_ms":1}"#,
        );
        assert_eq!(r.average_fill_price, None);
        assert_eq!(r.client_order_id, None);
        let r: CreateOrderResponse = assert_round_trip(
            r#"{"order_id":"o","fill_count":"0.00","remaining_count":"10.00",
                "average_fill_price":null,"average_fee_paid":"","ts_ms":1}"#,
        );
        assert_eq!(
            r.average_fee_paid, None,
            "null and \"\" both mean no average"
        );
        let r: CreateOrderResponse = assert_canonical(
            r#"{"order_id":"o","fill_count":"3.00","remaining_count":"0.00",
                "average_fill_price":"0.553333","average_fee_paid":"0.017333","ts_ms":1}"#,
        );
        assert_eq!(
            r.average_fill_price,
            Some(m("0.553333")),
            "six-decimal averages are exact"
        );
    }

    #[test]
    fn amend_round_trip() {
        let req: AmendOrderRequest = assert_canonical(
            r#"{"ticker":"T","side":"bid","price":"0.5700","count":"12.00",
                "client_order_id":"a","updated_client_order_id":"b"}"#,
        );
        assert_eq!(req.count, c("12"), "count is the new total size");
        let r: AmendOrderResponse = assert_canonical(
            r#"{"order_id":"o","client_order_id":"b","remaining_count":"8.00","ts_ms":5}"#,
        );
        assert_eq!(r.remaining_count, Some(c("8")));
        assert_eq!(r.fill_count, None);
        let r: AmendOrderResponse = assert_canonical(
            r#"{"order_id":"o","remaining_count":"0.00","fill_count":"2.00",
                "average_fill_price":"0.5700","average_fee_paid":"0.0172","ts_ms":6}"#,
        );
        assert_eq!(r.fill_count, Some(c("2")));
    }

    #[test]
    fn decrease_is_exactly_one_of_by_or_to() {
        let by = DecreaseOrderRequest::new(Decrease::By(c("2")));
        assert_eq!(
            serde_json::to_string(&by).unwrap(),
            r#"{"reduce_by":"2.00"}"#
        );
        let to = DecreaseOrderRequest {
            decrease: Decrease::To(c("1.5")),
            exchange_index: None,
            market_ticker: Some("T".into()),
            subaccount: None,
        };
        assert_eq!(
            serde_json::to_string(&to).unwrap(),
            r#"{"reduce_to":"1.50","market_ticker":"T"}"#
        );
        let back: DecreaseOrderRequest =
            assert_canonical(r#"{"reduce_to":"1.50","market_ticker":"T"}"#);
        assert_eq!(back, to);
        for bad in [r#"{}"#, r#"{"reduce_by":"1","reduce_to":"2"}"#] {
            let err = decode_err::<DecreaseOrderRequest>(bad);
            assert!(err.message.contains("exactly one"), "{bad}: {err}");
        }
        let err = decode_err::<DecreaseOrderRequest>(r#"{"reduce_by":"x"}"#);
        assert_eq!(err.path, "reduce_by");
    }

    #[test]
    fn decrease_and_cancel_responses() {
        let r: DecreaseOrderResponse = assert_canonical(
            r#"{"order_id":"o","client_order_id":"c","remaining_count":"4.00","ts_ms":7}"#,
        );
        assert_eq!(r.remaining_count, c("4"));
        // The example of kalshi-api.md §3.6.
        let r: CancelOrderResponse = assert_canonical(
            r#"{ "order_id": "...", "client_order_id": "...", "reduced_by": "6.00", "ts_ms": 1755700001000 }"#,
        );
        assert_eq!(r.reduced_by, c("6"));
        assert_eq!(r.ts_ms, 1_755_700_001_000);
    }

    #[test]
    fn cancel_params_to_query() {
        let p = CancelOrderParams {
            subaccount: Some(2),
            market_ticker: Some("T".into()),
            ..Default::default()
        };
        assert_eq!(
            p.to_query(),
            vec![
                ("subaccount", "2".to_owned()),
                ("market_ticker", "T".to_owned())
            ]
        );
        assert_query_matches_serde(&p, &p.to_query());
    }
}
