//! Settled positions: the `Settlement` object and `GET /portfolio/settlements`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::page::{null_as_empty, paginated};
use super::query::QueryPairs;
use super::wire_enum::wire_enum;
use super::{Count, Money};

wire_enum! {
    /// How a settled market resolved.
    pub enum SettlementResult {
        /// YES won: YES contracts paid $1.
        Yes => "yes",
        /// NO won: NO contracts paid $1.
        No => "no",
        /// Scalar payout of `value` cents per YES contract.
        Scalar => "scalar",
        /// Legacy: market voided.
        Void => "void",
    }
}

/// Payout of one settled market position. `revenue` and `value` are integer cents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settlement {
    /// Market ticker.
    pub ticker: String,
    /// Shard of the market.
    pub exchange_index: i32,
    /// Event ticker.
    pub event_ticker: String,
    /// Outcome.
    pub market_result: SettlementResult,
    /// YES contracts held at settlement.
    pub yes_count_fp: Count,
    /// Cost of those YES contracts.
    pub yes_total_cost_dollars: Money,
    /// NO contracts held at settlement.
    pub no_count_fp: Count,
    /// Cost of those NO contracts.
    pub no_total_cost_dollars: Money,
    /// Payout, integer cents (each winning contract pays 100).
    pub revenue: i64,
    /// When payouts were made.
    #[serde(with = "time::serde::rfc3339")]
    pub settled_time: OffsetDateTime,
    /// Fees charged at settlement.
    pub fee_cost: Money,
    /// Payout per YES contract, integer cents.
    #[serde(default)]
    pub value: Option<i64>,
}

/// `GET /portfolio/settlements` response (one page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetSettlementsResponse {
    /// Settlements on this page.
    pub settlements: Vec<Settlement>,
    /// Next-page cursor; `""` at the end.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cursor: String,
}

paginated!(GetSettlementsResponse, settlements, Settlement);

/// Query of `GET /portfolio/settlements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetSettlementsParams {
    /// Page size, 1–1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Only this market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// Only this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_ticker: Option<String>,
    /// Settled at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ts: Option<i64>,
    /// Settled at or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ts: Option<i64>,
    /// Only this subaccount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
}

impl GetSettlementsParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .opt("ticker", self.ticker.as_ref())
            .opt("event_ticker", self.event_ticker.as_ref())
            .opt("min_ts", self.min_ts.as_ref())
            .opt("max_ts", self.max_ts.as_ref())
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
    use crate::model::test_support::{assert_canonical, decode_err, ts};

    const SETTLEMENTS: &str = include_str!("../../test_data/rest/settlements.json");

    #[test]
    fn settlements_fixture_is_canonical() {
        let r: GetSettlementsResponse = assert_canonical(SETTLEMENTS);
        let s = &r.settlements[0];
        assert_eq!(s.market_result, SettlementResult::No);
        assert_eq!(s.no_count_fp, Count::from_contracts(10));
        assert_eq!(s.no_total_cost_dollars, Money::parse("4.10").unwrap());
        assert_eq!(s.revenue, 1000, "10 winning contracts pay 100 cents each");
        assert_eq!(s.value, Some(0));
        assert_eq!(s.settled_time, ts("2026-08-28T15:02:11Z"));
        let scalar = &r.settlements[1];
        assert_eq!(scalar.market_result, SettlementResult::Scalar);
        assert_eq!(scalar.value, None);
        assert_eq!(r.cursor(), None);
    }

    #[test]
    fn unknown_result_names_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(SETTLEMENTS).unwrap();
        v["settlements"][0]["market_result"] = serde_json::json!("draw");
        let err = decode_err::<GetSettlementsResponse>(&v.to_string());
        assert_eq!(err.path, "settlements[0].market_result");
    }

    #[test]
    fn params_to_query() {
        let p = GetSettlementsParams {
            event_ticker: Some("E".into()),
            max_ts: Some(9),
            ..Default::default()
        };
        let q = p.to_query();
        assert_eq!(
            q,
            vec![("event_ticker", "E".to_owned()), ("max_ts", "9".to_owned())]
        );
        assert_query_matches_serde(&p, &q);
    }
}
