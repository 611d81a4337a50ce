//! Account state: `GET /portfolio/balance` and `GET /portfolio/positions`, plus the
//! subaccount/shard query shared by several portfolio endpoints.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::page::{null_as_empty, paginated};
use super::query::{QueryPairs, comma_list};
use super::wire_enum::wire_enum;
use super::{Count, Money};

/// `GET /portfolio/balance` response. `balance` and `portfolio_value` are integer cents
/// (balance truncated); `balance_dollars` is exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetBalanceResponse {
    /// Available cash, integer cents (sub-cent truncated).
    pub balance: i64,
    /// Available cash, exact.
    pub balance_dollars: Money,
    /// Cash plus mark value of positions, integer cents.
    pub portfolio_value: i64,
    /// Last balance change, Unix seconds.
    pub updated_ts: i64,
    /// Cash per exchange shard; omitted for subaccount-restricted keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_breakdown: Option<Vec<IndexedBalance>>,
}

/// Cash on one exchange shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedBalance {
    /// Shard.
    pub exchange_index: i32,
    /// Cash on the shard, exact dollars.
    pub balance: Money,
}

/// Query of endpoints scoped by subaccount and shard (`GET /portfolio/balance`, order
/// groups, amend/decrease of V2 orders, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubaccountParams {
    /// Subaccount (0 = primary, 1–63).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
    /// Shard (absent = all shards / auto).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

impl SubaccountParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("subaccount", self.subaccount.as_ref())
            .opt("exchange_index", self.exchange_index.as_ref())
            .finish()
    }
}

/// An unsettled position in one market; `position_fp` > 0 is long YES, < 0 long NO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketPosition {
    /// Market ticker.
    pub ticker: String,
    /// Shard of the market.
    pub exchange_index: i32,
    /// Value traded in this market.
    pub total_traded_dollars: Money,
    /// Signed contracts: + YES, − NO.
    pub position_fp: Count,
    /// Cost of the current position.
    pub market_exposure_dollars: Money,
    /// Realised profit and loss.
    pub realized_pnl_dollars: Money,
    /// Fees paid.
    pub fees_paid_dollars: Money,
    /// Last change (an RFC 3339 string, unlike most `*_ts` fields).
    #[serde(with = "time::serde::rfc3339")]
    pub last_updated_ts: OffsetDateTime,
}

/// Aggregate position over an event's markets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPosition {
    /// Event ticker.
    pub event_ticker: String,
    /// Total cost of positions in the event.
    pub total_cost_dollars: Money,
    /// Contracts bought in the event.
    pub total_cost_shares_fp: Count,
    /// Current exposure.
    pub event_exposure_dollars: Money,
    /// Realised profit and loss.
    pub realized_pnl_dollars: Money,
    /// Fees paid.
    pub fees_paid_dollars: Money,
}

/// `GET /portfolio/positions` response (one page). [`super::Paginated`] yields the market
/// positions; event positions of the page are in `event_positions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetPositionsResponse {
    /// Next-page cursor; `""` at the end.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cursor: String,
    /// Per-market positions.
    pub market_positions: Vec<MarketPosition>,
    /// Per-event aggregates.
    pub event_positions: Vec<EventPosition>,
}

paginated!(GetPositionsResponse, market_positions, MarketPosition);

wire_enum! {
    /// `count_filter` values: only rows where that quantity is non-zero.
    pub enum CountFilter {
        /// Non-zero position.
        Position => "position",
        /// Non-zero traded volume.
        TotalTraded => "total_traded",
    }
}

impl std::str::FromStr for CountFilter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::from_wire(s).ok_or_else(|| format!("unknown count_filter `{s}`"))
    }
}

/// Query of `GET /portfolio/positions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetPositionsParams {
    /// Page size, 1–1000 (server default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Only rows where these are non-zero (sent comma-separated).
    #[serde(with = "comma_list", skip_serializing_if = "Vec::is_empty")]
    pub count_filter: Vec<CountFilter>,
    /// Only this market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// Only this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_ticker: Option<String>,
    /// Only this subaccount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
    /// Only this shard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

impl GetPositionsParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let filters: Vec<String> = self.count_filter.iter().map(ToString::to_string).collect();
        QueryPairs::new()
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .comma("count_filter", &filters)
            .opt("ticker", self.ticker.as_ref())
            .opt("event_ticker", self.event_ticker.as_ref())
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
    use crate::model::test_support::{assert_canonical, assert_round_trip, decode_err, ts};

    fn m(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    /// The example of kalshi-api.md §3.4.
    #[test]
    fn balance_doc_example_is_canonical() {
        let b: GetBalanceResponse = assert_canonical(
            r#"{ "balance": 123456, "balance_dollars": "1234.5600", "portfolio_value": 150000,
  "updated_ts": 1755700000, "balance_breakdown": [ { "exchange_index": 0, "balance": "1234.5600" } ] }"#,
        );
        assert_eq!(b.balance, 123_456, "integer cents");
        assert_eq!(b.balance_dollars, m("1234.56"));
        assert_eq!(b.portfolio_value, 150_000);
        assert_eq!(b.updated_ts, 1_755_700_000);
        assert_eq!(b.balance_breakdown.unwrap()[0].balance, m("1234.56"));
    }

    #[test]
    fn sub_cent_balance_is_exact() {
        let b: GetBalanceResponse = assert_canonical(
            r#"{"balance":1234,"balance_dollars":"12.3456","portfolio_value":1234,"updated_ts":1}"#,
        );
        assert_eq!(b.balance_dollars.to_cents_trunc(), b.balance);
    }

    #[test]
    fn positions_fixture_is_canonical() {
        let r: GetPositionsResponse =
            assert_canonical(include_str!("../../test_data/rest/positions.json"));
        let long_yes = &r.market_positions[0];
        assert_eq!(long_yes.position_fp, Count::from_contracts(6));
        assert_eq!(long_yes.market_exposure_dollars, m("3.36"));
        assert_eq!(long_yes.last_updated_ts, ts("2026-08-27T14:10:01.004Z"));
        let long_no = &r.market_positions[1];
        assert!(
            long_no.position_fp.is_negative(),
            "negative means NO contracts"
        );
        assert_eq!(long_no.realized_pnl_dollars, m("-1.25"));
        assert_eq!(
            r.event_positions[0].total_cost_shares_fp,
            Count::parse("16.50").unwrap()
        );
        assert_eq!(r.cursor(), None);
        assert_eq!(r.into_items().len(), 2);
    }

    #[test]
    fn malformed_position_names_the_field() {
        let err = decode_err::<GetPositionsResponse>(
            r#"{"cursor":"","event_positions":[],"market_positions":[{"ticker":"T","exchange_index":0,
               "total_traded_dollars":"0","position_fp":"--1","market_exposure_dollars":"0",
               "realized_pnl_dollars":"0","fees_paid_dollars":"0","last_updated_ts":"2026-01-01T00:00:00Z"}]}"#,
        );
        assert_eq!(err.path, "market_positions[0].position_fp");
    }

    #[test]
    fn positions_cursor_may_be_absent() {
        let r: GetPositionsResponse =
            assert_round_trip(r#"{"market_positions":[],"event_positions":[]}"#);
        assert_eq!(r.cursor(), None);
    }

    #[test]
    fn params_to_query() {
        let p = GetPositionsParams {
            count_filter: vec![CountFilter::Position, CountFilter::TotalTraded],
            event_ticker: Some("E".into()),
            ..Default::default()
        };
        let q = p.to_query();
        assert_eq!(
            q,
            vec![
                ("count_filter", "position,total_traded".to_owned()),
                ("event_ticker", "E".to_owned()),
            ]
        );
        assert_query_matches_serde(&p, &q);
        let s = SubaccountParams {
            subaccount: Some(1),
            exchange_index: None,
        };
        assert_eq!(s.to_query(), vec![("subaccount", "1".to_owned())]);
        assert_query_matches_serde(&s, &s.to_query());
    }
}
