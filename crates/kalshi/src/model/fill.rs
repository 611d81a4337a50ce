//! Your executions: the `Fill` object and `GET /portfolio/fills`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::order::{Action, BookSide, OutcomeSide};
use super::page::{null_as_empty, paginated};
use super::query::QueryPairs;
use super::{Count, Money, Price};

/// One of your fills. `fill_id` (= `trade_id`) is the dedupe key shared with the WS
/// `fill` channel's `trade_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    /// Unique fill id.
    pub fill_id: String,
    /// Shard of the market.
    pub exchange_index: i32,
    /// Legacy name of `fill_id` (same value).
    pub trade_id: String,
    /// Order that filled.
    pub order_id: String,
    /// Market ticker.
    pub ticker: String,
    /// Legacy twin of `ticker`.
    pub market_ticker: String,
    /// Deprecated; use `outcome_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<OutcomeSide>,
    /// Deprecated; use `book_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Exposure the fill gave.
    pub outcome_side: OutcomeSide,
    /// Side of the YES book.
    pub book_side: BookSide,
    /// Contracts filled.
    pub count_fp: Count,
    /// Price on the YES leg.
    pub yes_price_dollars: Price,
    /// Price on the NO leg.
    pub no_price_dollars: Price,
    /// True if the fill took liquidity.
    pub is_taker: bool,
    /// When the fill executed.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<OffsetDateTime>,
    /// Fee charged for the fill.
    pub fee_cost: Money,
    /// Subaccount (0 = primary).
    #[serde(default)]
    pub subaccount_number: Option<i32>,
    /// Legacy execution time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
}

/// `GET /portfolio/fills` response (one page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetFillsResponse {
    /// Fills on this page, newest first.
    pub fills: Vec<Fill>,
    /// Next-page cursor; `""` at the end.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cursor: String,
}

paginated!(GetFillsResponse, fills, Fill);

/// Query of `GET /portfolio/fills`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetFillsParams {
    /// Only this market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// Only this order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// At or after (Unix seconds); the reconcile cursor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ts: Option<i64>,
    /// At or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ts: Option<i64>,
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

impl GetFillsParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("ticker", self.ticker.as_ref())
            .opt("order_id", self.order_id.as_ref())
            .opt("min_ts", self.min_ts.as_ref())
            .opt("max_ts", self.max_ts.as_ref())
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .opt("subaccount", self.subaccount.as_ref())
            .opt("exchange_index", self.exchange_index.as_ref())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Paginated;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, decode_err, ts};

    const FILLS: &str = include_str!("../../test_data/rest/fills.json");

    #[test]
    fn fills_fixture_is_canonical() {
        let r: GetFillsResponse = assert_canonical(FILLS);
        let f = &r.fills[0];
        assert_eq!(f.fill_id, f.trade_id);
        assert_eq!(f.order_id, "3b23c1c7-f4ef-4f0d-8b9a-9e53c61f1a0d");
        assert_eq!(f.outcome_side, OutcomeSide::Yes);
        assert_eq!(f.book_side, BookSide::Bid);
        assert_eq!(f.count_fp, Count::from_contracts(4));
        assert_eq!(f.yes_price_dollars, Price::parse("0.55").unwrap());
        assert!(f.is_taker);
        assert_eq!(f.fee_cost, Money::parse("0.0693").unwrap());
        assert_eq!(f.created_time, Some(ts("2026-08-27T14:10:00.123Z")));
        assert_eq!(f.ts, Some(1_787_839_800));
        let maker = &r.fills[1];
        assert_eq!(maker.action, Some(Action::Sell));
        assert_eq!(maker.fee_cost, Money::parse("0.001733").unwrap());
        assert_eq!(maker.subaccount_number, None);
        assert_eq!(r.cursor(), Some("f-2"));
    }

    #[test]
    fn unknown_outcome_side_names_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(FILLS).unwrap();
        v["fills"][1]["outcome_side"] = serde_json::json!("maybe");
        let err = decode_err::<GetFillsResponse>(&v.to_string());
        assert_eq!(err.path, "fills[1].outcome_side");
    }

    #[test]
    fn params_to_query() {
        let p = GetFillsParams {
            order_id: Some("o".into()),
            min_ts: Some(10),
            limit: Some(1000),
            ..Default::default()
        };
        let q = p.to_query();
        assert_eq!(
            q,
            vec![
                ("order_id", "o".to_owned()),
                ("min_ts", "10".to_owned()),
                ("limit", "1000".to_owned()),
            ]
        );
        assert_query_matches_serde(&p, &q);
    }
}
