//! `GET /historical/cutoff`: where live data ends and the `/historical/*` archive begins,
//! and the queries of the archive reads. The archive endpoints return the same shapes as
//! the live ones (markets, trades, fills, orders), so a complete fill history reads both
//! sides of `trades_created_ts`; their filters are a subset of the live ones.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::market::MveFilter;
use super::query::{QueryPairs, comma_list};

/// `GET /historical/cutoff` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetHistoricalCutoffResponse {
    /// Markets settled before this are only under `/historical/markets`.
    #[serde(with = "time::serde::rfc3339")]
    pub market_settled_ts: OffsetDateTime,
    /// Fills before this are only under `/historical/fills` (and trades under `/historical/trades`).
    #[serde(with = "time::serde::rfc3339")]
    pub trades_created_ts: OffsetDateTime,
    /// Orders cancelled or executed before this are only under `/historical/orders`.
    #[serde(with = "time::serde::rfc3339")]
    pub orders_updated_ts: OffsetDateTime,
    /// Settled positions archived before this are under the historical position reads.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub market_positions_last_updated_ts: Option<OffsetDateTime>,
}

/// Query of `GET /historical/fills` and `GET /historical/orders`: both take the same
/// market, time range and page parameters (no order, status, subaccount or shard filters,
/// unlike their live counterparts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoricalRangeParams {
    /// Only this market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// At or after (Unix seconds): fill time for fills, last update for orders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ts: Option<i64>,
    /// At or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ts: Option<i64>,
    /// Page size (server default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

impl HistoricalRangeParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("ticker", self.ticker.as_ref())
            .opt("min_ts", self.min_ts.as_ref())
            .opt("max_ts", self.max_ts.as_ref())
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .finish()
    }
}

/// Query of `GET /historical/markets`. Kalshi documents the filters as mutually
/// exclusive; the server enforces that, this type does not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetHistoricalMarketsParams {
    /// Page size, 1–1000 (server default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Only these markets (sent comma-separated).
    #[serde(with = "comma_list", skip_serializing_if = "Vec::is_empty")]
    pub tickers: Vec<String>,
    /// Only markets of this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_ticker: Option<String>,
    /// Only markets of this series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_ticker: Option<String>,
    /// Include or exclude multivariate markets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mve_filter: Option<MveFilter>,
}

impl GetHistoricalMarketsParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .comma("tickers", &self.tickers)
            .opt("event_ticker", self.event_ticker.as_ref())
            .opt("series_ticker", self.series_ticker.as_ref())
            .opt("mve_filter", self.mve_filter.as_ref())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, ts};

    #[test]
    fn range_params_to_query() {
        let p = HistoricalRangeParams {
            ticker: Some("KX-A".into()),
            max_ts: Some(20),
            limit: Some(5),
            ..Default::default()
        };
        let q = p.to_query();
        assert_eq!(
            q,
            vec![
                ("ticker", "KX-A".to_owned()),
                ("max_ts", "20".to_owned()),
                ("limit", "5".to_owned()),
            ]
        );
        assert_query_matches_serde(&p, &q);
    }

    #[test]
    fn markets_params_to_query() {
        let p = GetHistoricalMarketsParams {
            tickers: vec!["KX-A".into(), "KX-B".into()],
            mve_filter: Some(MveFilter::Exclude),
            cursor: Some("c".into()),
            ..Default::default()
        };
        let q = p.to_query();
        assert_eq!(
            q,
            vec![
                ("cursor", "c".to_owned()),
                ("tickers", "KX-A,KX-B".to_owned()),
                ("mve_filter", "exclude".to_owned()),
            ]
        );
        assert_query_matches_serde(&p, &q);
    }

    #[test]
    fn cutoff_is_canonical() {
        let r: GetHistoricalCutoffResponse = assert_canonical(
            r#"{"market_settled_ts":"2026-05-27T00:00:00Z","trades_created_ts":"2026-05-27T00:00:00Z",
                "orders_updated_ts":"2026-05-27T00:00:00Z","market_positions_last_updated_ts":"2026-05-27T00:00:00.5Z"}"#,
        );
        assert_eq!(r.trades_created_ts, ts("2026-05-27T00:00:00Z"));
        assert_eq!(
            r.market_positions_last_updated_ts,
            Some(ts("2026-05-27T00:00:00.5Z"))
        );
    }
}
