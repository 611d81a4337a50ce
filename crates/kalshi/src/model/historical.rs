//! `GET /historical/cutoff`: where live data ends and the `/historical/*` archive begins.
//! The archive endpoints return the same shapes as the live ones (markets, trades, fills,
//! orders), so a complete fill history reads both sides of `trades_created_ts`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_support::{assert_canonical, ts};

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
