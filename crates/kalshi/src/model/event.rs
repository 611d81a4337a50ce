//! Events (groups of markets): the `Event` object and `GET /events[/{event_ticker}]`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::market::Market;
use super::page::{null_as_empty, paginated};
use super::query::{QueryPairs, comma_list};
use super::wire_enum::wire_enum;

/// An official source used to determine the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementSource {
    /// Name of the source, e.g. `"National Weather Service"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Link to the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An event (Kalshi's `EventData`): a real-world occurrence grouping one or more markets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Event ticker, e.g. `KXHIGHNY-26AUG28`.
    pub event_ticker: String,
    /// Parent series.
    pub series_ticker: String,
    /// Short title.
    pub sub_title: String,
    /// Full title.
    pub title: String,
    /// How collateral is returned at settlement (e.g. `"MECNET"`, `""`).
    pub collateral_return_type: String,
    /// If true, at most one market of the event can resolve YES.
    pub mutually_exclusive: bool,
    /// Deprecated; the series' `category` is authoritative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Date the event is about (date strikes).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub strike_date: Option<OffsetDateTime>,
    /// Period the event covers (period strikes), e.g. `"week"`.
    #[serde(default)]
    pub strike_period: Option<String>,
    /// The event's markets, only with `with_nested_markets=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markets: Option<Vec<Market>>,
    /// Free-form product metadata.
    #[serde(default)]
    pub product_metadata: Option<serde_json::Value>,
    /// Sources used to determine outcomes.
    #[serde(default)]
    pub settlement_sources: Option<Vec<SettlementSource>>,
    /// Last metadata update.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated_ts: Option<OffsetDateTime>,
    /// Fee type overriding the series' `fee_type` for this event's markets.
    #[serde(default)]
    pub fee_type_override: Option<String>,
    /// Fee multiplier overriding the series' (a JSON number kept exactly).
    #[serde(default)]
    pub fee_multiplier_override: Option<serde_json::Number>,
    /// Exchange shard of the event's markets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

/// `GET /events` response (one page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetEventsResponse {
    /// Events on this page.
    pub events: Vec<Event>,
    /// Related milestones, only with `with_milestones=true` (kept as raw JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestones: Option<Vec<serde_json::Value>>,
    /// Next-page cursor; `""` at the end.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cursor: String,
}

paginated!(GetEventsResponse, events, Event);

/// `GET /events/{event_ticker}` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetEventResponse {
    /// The event (with `markets` inside when nested markets were requested).
    pub event: Event,
    /// Deprecated top-level twin of `event.markets`.
    #[serde(default)]
    pub markets: Vec<Market>,
}

wire_enum! {
    /// `status` filter of `GET /events` (matches if any child market is in that state).
    pub enum EventStatusFilter {
        /// Some market not yet open.
        Unopened => "unopened",
        /// Some market open.
        Open => "open",
        /// Some market closed.
        Closed => "closed",
        /// Some market settled.
        Settled => "settled",
    }
}

/// Query of `GET /events`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetEventsParams {
    /// Page size, 1–200 (server default 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Put each event's markets inside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_nested_markets: Option<bool>,
    /// Include related milestones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_milestones: Option<bool>,
    /// Only events with a market in this state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<EventStatusFilter>,
    /// Only events of this series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_ticker: Option<String>,
    /// Only these events (sent comma-separated).
    #[serde(with = "comma_list", skip_serializing_if = "Vec::is_empty")]
    pub tickers: Vec<String>,
    /// Only events with a market closing at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_close_ts: Option<i64>,
    /// Only events updated at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_updated_ts: Option<i64>,
}

impl GetEventsParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .opt("with_nested_markets", self.with_nested_markets.as_ref())
            .opt("with_milestones", self.with_milestones.as_ref())
            .opt("status", self.status.as_ref())
            .opt("series_ticker", self.series_ticker.as_ref())
            .comma("tickers", &self.tickers)
            .opt("min_close_ts", self.min_close_ts.as_ref())
            .opt("min_updated_ts", self.min_updated_ts.as_ref())
            .finish()
    }
}

/// Query of `GET /events/{event_ticker}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetEventParams {
    /// Put the markets inside `event.markets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_nested_markets: Option<bool>,
}

impl GetEventParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("with_nested_markets", self.with_nested_markets.as_ref())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Paginated;
    use crate::model::market::MarketStatus;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, assert_round_trip, ts};

    #[test]
    fn events_fixture_is_canonical() {
        let r: GetEventsResponse =
            assert_canonical(include_str!("../../test_data/rest/events.json"));
        assert_eq!(r.events.len(), 2);
        let e = &r.events[0];
        assert_eq!(e.event_ticker, "KXHIGHNY-26AUG28");
        assert_eq!(e.series_ticker, "KXHIGHNY");
        assert!(e.mutually_exclusive);
        assert_eq!(e.strike_date, Some(ts("2026-08-28T04:00:00Z")));
        assert_eq!(
            e.settlement_sources.as_ref().unwrap()[0].name.as_deref(),
            Some("National Weather Service")
        );
        let markets = e.markets.as_ref().unwrap();
        assert_eq!(markets[0].status, MarketStatus::Active);
        assert_eq!(
            r.events[1]
                .fee_multiplier_override
                .as_ref()
                .unwrap()
                .to_string(),
            "0.5"
        );
        assert_eq!(r.cursor(), Some("next-page"));
    }

    #[test]
    fn single_event_with_deprecated_markets_twin() {
        let r: GetEventResponse = assert_round_trip(
            r#"{"event":{"event_ticker":"E","series_ticker":"S","sub_title":"s","title":"t",
                "collateral_return_type":"","mutually_exclusive":false,"settlement_sources":null,
                "available_on_brokers":false},"markets":[]}"#,
        );
        assert_eq!(r.event.event_ticker, "E");
        assert!(r.markets.is_empty());
        assert_eq!(r.event.settlement_sources, None);
    }

    #[test]
    fn params_to_query() {
        let params = GetEventsParams {
            limit: Some(50),
            with_nested_markets: Some(true),
            status: Some(EventStatusFilter::Open),
            tickers: vec!["E1".into(), "E2".into()],
            ..Default::default()
        };
        let q = params.to_query();
        assert_eq!(
            q,
            vec![
                ("limit", "50".to_owned()),
                ("with_nested_markets", "true".to_owned()),
                ("status", "open".to_owned()),
                ("tickers", "E1,E2".to_owned()),
            ]
        );
        assert_query_matches_serde(&params, &q);
        let one = GetEventParams {
            with_nested_markets: Some(false),
        };
        assert_query_matches_serde(&one, &one.to_query());
    }
}
