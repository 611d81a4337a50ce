//! The public trade tape: `GET /markets/trades`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::order::{BookSide, OutcomeSide};
use super::page::{null_as_empty, paginated};
use super::query::QueryPairs;
use super::{Count, Price};

/// One public trade (anyone's), for the time-and-sales view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    /// Trade id.
    pub trade_id: String,
    /// Market ticker.
    pub ticker: String,
    /// Contracts traded.
    pub count_fp: Count,
    /// Price on the YES leg.
    pub yes_price_dollars: Price,
    /// Price on the NO leg.
    pub no_price_dollars: Price,
    /// Deprecated twin of `taker_outcome_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_side: Option<OutcomeSide>,
    /// Exposure the taker gained.
    pub taker_outcome_side: OutcomeSide,
    /// Book side the taker hit.
    pub taker_book_side: BookSide,
    /// When the trade executed.
    #[serde(with = "time::serde::rfc3339")]
    pub created_time: OffsetDateTime,
    /// True for off-book block trades (RFQ).
    pub is_block_trade: bool,
}

/// `GET /markets/trades` response (one page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetTradesResponse {
    /// Trades on this page, newest first.
    pub trades: Vec<Trade>,
    /// Next-page cursor; `""` at the end.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cursor: String,
}

paginated!(GetTradesResponse, trades, Trade);

/// Query of `GET /markets/trades`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetTradesParams {
    /// Page size, 1–1000 (server default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Only this market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// At or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ts: Option<i64>,
    /// At or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ts: Option<i64>,
    /// Only block trades (true) or only book trades (false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_block_trade: Option<bool>,
}

impl GetTradesParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .opt("ticker", self.ticker.as_ref())
            .opt("min_ts", self.min_ts.as_ref())
            .opt("max_ts", self.max_ts.as_ref())
            .opt("is_block_trade", self.is_block_trade.as_ref())
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

    const TRADES: &str = include_str!("../../test_data/rest/trades.json");

    #[test]
    fn trades_fixture_is_canonical() {
        let r: GetTradesResponse = assert_canonical(TRADES);
        let t = &r.trades[0];
        assert_eq!(t.count_fp, Count::parse("2.50").unwrap());
        assert_eq!(t.yes_price_dollars, Price::parse("0.43").unwrap());
        assert_eq!(t.no_price_dollars, Price::parse("0.57").unwrap());
        assert_eq!(t.taker_outcome_side, OutcomeSide::Yes);
        assert_eq!(t.taker_book_side, BookSide::Bid);
        assert_eq!(t.created_time, ts("2026-08-27T14:12:03.551Z"));
        assert!(!t.is_block_trade);
        assert_eq!(r.trades[1].taker_side, Some(OutcomeSide::No));
        assert_eq!(r.cursor(), Some("t-2"));
    }

    #[test]
    fn unknown_taker_side_names_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(TRADES).unwrap();
        v["trades"][0]["taker_book_side"] = serde_json::json!("buy");
        let err = decode_err::<GetTradesResponse>(&v.to_string());
        assert_eq!(err.path, "trades[0].taker_book_side");
    }

    #[test]
    fn params_to_query() {
        let p = GetTradesParams {
            ticker: Some("T".into()),
            min_ts: Some(5),
            is_block_trade: Some(false),
            ..Default::default()
        };
        let q = p.to_query();
        assert_eq!(
            q,
            vec![
                ("ticker", "T".to_owned()),
                ("min_ts", "5".to_owned()),
                ("is_block_trade", "false".to_owned()),
            ]
        );
        assert_query_matches_serde(&p, &q);
    }
}
