//! Markets: the `Market` object, its vocabularies, and `GET /markets[/{ticker}]`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::page::{null_as_empty, paginated};
use super::price_range;
pub use super::price_range::PriceRange;
use super::query::{QueryPairs, comma_list};
use super::wire_enum::wire_enum;
use super::{Count, Price, empty_as_none};

wire_enum! {
    /// Lifecycle state of a market (the `status` *field*; the list filter uses
    /// [`MarketStatusFilter`]'s different words).
    pub enum MarketStatus {
        /// Created, before `open_time`.
        Initialized => "initialized",
        /// Paused by the exchange; re-activation cancels all resting orders.
        Inactive => "inactive",
        /// Open for trading.
        Active => "active",
        /// Past `close_time`, awaiting a result; no order operations.
        Closed => "closed",
        /// Result set; the settlement timer is running.
        Determined => "determined",
        /// Result disputed.
        Disputed => "disputed",
        /// Result amended after a dispute.
        Amended => "amended",
        /// Paid out (terminal).
        Finalized => "finalized",
    }
}

impl MarketStatus {
    /// True when orders may be placed (only `active`).
    pub const fn is_tradable(self) -> bool {
        matches!(self, Self::Active)
    }
}

wire_enum! {
    /// `status` filter of `GET /markets`.
    pub enum MarketStatusFilter {
        /// `initialized` markets.
        Unopened => "unopened",
        /// `active` markets.
        Open => "open",
        /// `inactive` markets.
        Paused => "paused",
        /// Past close and not finalized (includes determined/disputed/amended).
        Closed => "closed",
        /// `finalized` markets.
        Settled => "settled",
    }
}

wire_enum! {
    /// `mve_filter` of `GET /markets`: include or exclude multivariate (combo) markets.
    pub enum MveFilter {
        /// Only multivariate markets.
        Only => "only",
        /// No multivariate markets.
        Exclude => "exclude",
    }
}

wire_enum! {
    /// Payoff shape of a market.
    pub enum MarketType {
        /// Pays $1 on YES, $0 on NO.
        Binary => "binary",
        /// Pays `settlement_value_dollars` per YES contract.
        Scalar => "scalar",
    }
}

wire_enum! {
    /// How the strike is defined and evaluated.
    pub enum StrikeType {
        /// YES if the value is above `floor_strike`.
        Greater => "greater",
        /// YES if the value is at least `floor_strike`.
        GreaterOrEqual => "greater_or_equal",
        /// YES if the value is below `cap_strike`.
        Less => "less",
        /// YES if the value is at most `cap_strike`.
        LessOrEqual => "less_or_equal",
        /// YES if the value is between `floor_strike` and `cap_strike`.
        Between => "between",
        /// Settlement by `functional_strike`.
        Functional => "functional",
        /// Settlement by `custom_strike`.
        Custom => "custom",
        /// Structured target.
        Structured => "structured",
    }
}

wire_enum! {
    /// Outcome of a market; [`MarketResult::Undetermined`] (`""`) until determined.
    pub enum MarketResult {
        /// Resolved YES.
        Yes => "yes",
        /// Resolved NO.
        No => "no",
        /// Scalar settlement at `settlement_value_dollars`.
        Scalar => "scalar",
        /// Not determined yet (the wire sends an empty string).
        Undetermined => "",
    }
}

/// A selected leg of a multivariate (combo) market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MveSelectedLeg {
    /// Event of the leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_ticker: Option<String>,
    /// Market of the leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<String>,
    /// Side selected (`yes`/`no` as free text in the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// YES payout of the leg once settled.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub yes_settlement_value_dollars: Option<Price>,
}

/// One binary (or scalar) contract: quotes, activity, lifecycle times, rules and tick grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Market {
    /// Market ticker, e.g. `KXHIGHNY-24JAN01-T60`.
    pub ticker: String,
    /// Parent event.
    pub event_ticker: String,
    /// Binary or scalar.
    pub market_type: MarketType,
    /// Deprecated title; prefer the event title plus the sub-titles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Deprecated subtitle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Short label of the YES side.
    pub yes_sub_title: String,
    /// Short label of the NO side.
    pub no_sub_title: String,
    /// When the market was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_time: OffsetDateTime,
    /// Last non-trading metadata change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_time: OffsetDateTime,
    /// When trading opens.
    #[serde(with = "time::serde::rfc3339")]
    pub open_time: OffsetDateTime,
    /// When trading closes.
    #[serde(with = "time::serde::rfc3339")]
    pub close_time: OffsetDateTime,
    /// Expected expiration, if known.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expected_expiration_time: Option<OffsetDateTime>,
    /// Deprecated; use `latest_expiration_time`.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_time: Option<OffsetDateTime>,
    /// Latest possible expiration.
    #[serde(with = "time::serde::rfc3339")]
    pub latest_expiration_time: OffsetDateTime,
    /// Delay between determination and settlement.
    pub settlement_timer_seconds: i64,
    /// Lifecycle state.
    pub status: MarketStatus,
    /// Best YES bid.
    pub yes_bid_dollars: Price,
    /// Size at the best YES bid.
    pub yes_bid_size_fp: Count,
    /// Best YES ask.
    pub yes_ask_dollars: Price,
    /// Size at the best YES ask.
    pub yes_ask_size_fp: Count,
    /// Best NO bid.
    pub no_bid_dollars: Price,
    /// Best NO ask.
    pub no_ask_dollars: Price,
    /// Last traded YES price.
    pub last_price_dollars: Price,
    /// Contracts traded, all time.
    pub volume_fp: Count,
    /// Contracts traded over the last 24 hours.
    pub volume_24h_fp: Count,
    /// Outcome (`""` until determined).
    pub result: MarketResult,
    /// Whether the market may close before `close_time`.
    pub can_close_early: bool,
    /// Contracts outstanding.
    pub open_interest_fp: Count,
    /// Payout of one contract, normally `1.0000`.
    pub notional_value_dollars: Price,
    /// Best YES bid about 24 hours ago.
    pub previous_yes_bid_dollars: Price,
    /// Best YES ask about 24 hours ago.
    pub previous_yes_ask_dollars: Price,
    /// Last price about 24 hours ago.
    pub previous_price_dollars: Price,
    /// Deprecated, always `0.0000`.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub liquidity_dollars: Option<Price>,
    /// YES payout per contract after determination.
    #[serde(
        default,
        deserialize_with = "empty_as_none::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub settlement_value_dollars: Option<Price>,
    /// When the market settled.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub settlement_ts: Option<OffsetDateTime>,
    /// Value used for settlement (`""` until known).
    pub expiration_value: String,
    /// When the underlying event occurred, if recorded.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub occurrence_datetime: Option<OffsetDateTime>,
    /// When the market's fee waiver ends.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub fee_waiver_expiration_time: Option<OffsetDateTime>,
    /// Condition for closing early.
    #[serde(default)]
    pub early_close_condition: Option<String>,
    /// How the strike is evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_type: Option<StrikeType>,
    /// Lower strike (a JSON number kept exactly as sent; not a price).
    #[serde(default)]
    pub floor_strike: Option<serde_json::Number>,
    /// Upper strike (a JSON number kept exactly as sent; not a price).
    #[serde(default)]
    pub cap_strike: Option<serde_json::Number>,
    /// Mapping from expiration values to settlement values.
    #[serde(default)]
    pub functional_strike: Option<String>,
    /// Per-target strike values.
    #[serde(default)]
    pub custom_strike: Option<serde_json::Value>,
    /// Main market terms in plain language.
    pub rules_primary: String,
    /// Secondary market terms.
    pub rules_secondary: String,
    /// Multivariate collection this combo market belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mve_collection_ticker: Option<String>,
    /// Legs of a combo market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mve_selected_legs: Option<Vec<MveSelectedLeg>>,
    /// Primary participant, if any.
    #[serde(default)]
    pub primary_participant_key: Option<String>,
    /// Label of the tick grid (e.g. `linear_cent`); `price_ranges` is authoritative.
    pub price_level_structure: String,
    /// The tick grid valid order prices must lie on.
    pub price_ranges: Vec<PriceRange>,
    /// May be removed after determination if it never traded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_provisional: Option<bool>,
    /// Exchange shard the market trades on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

impl Market {
    /// True when `price` is a valid order price for this market.
    pub fn is_on_grid(&self, price: Price) -> bool {
        price_range::is_on_grid(&self.price_ranges, price)
    }

    /// The tick size going up from `price` (see [`price_range::tick_at`]).
    pub fn tick_at(&self, price: Price) -> Option<Price> {
        price_range::tick_at(&self.price_ranges, price)
    }
}

/// `GET /markets` response (one page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMarketsResponse {
    /// Markets on this page.
    pub markets: Vec<Market>,
    /// Next-page cursor; `""` at the end.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cursor: String,
}

paginated!(GetMarketsResponse, markets, Market);

/// `GET /markets/{ticker}` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMarketResponse {
    /// The market.
    pub market: Market,
}

/// Query of `GET /markets`. The server rejects incompatible filter mixes (timestamp
/// families are exclusive and tied to statuses, kalshi-api.md §3.2); this type does not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetMarketsParams {
    /// Page size, 1–1000 (server default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Only markets of this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_ticker: Option<String>,
    /// Only markets of this series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_ticker: Option<String>,
    /// Only these markets (sent comma-separated).
    #[serde(with = "comma_list", skip_serializing_if = "Vec::is_empty")]
    pub tickers: Vec<String>,
    /// Only markets in this state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MarketStatusFilter>,
    /// Created at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_created_ts: Option<i64>,
    /// Created at or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_created_ts: Option<i64>,
    /// Closing at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_close_ts: Option<i64>,
    /// Closing at or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_close_ts: Option<i64>,
    /// Settled at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_settled_ts: Option<i64>,
    /// Settled at or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_settled_ts: Option<i64>,
    /// Updated at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_updated_ts: Option<i64>,
    /// Updated at or before (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_updated_ts: Option<i64>,
    /// Include or exclude multivariate markets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mve_filter: Option<MveFilter>,
}

impl GetMarketsParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("limit", self.limit.as_ref())
            .opt("cursor", self.cursor.as_ref())
            .opt("event_ticker", self.event_ticker.as_ref())
            .opt("series_ticker", self.series_ticker.as_ref())
            .comma("tickers", &self.tickers)
            .opt("status", self.status.as_ref())
            .opt("min_created_ts", self.min_created_ts.as_ref())
            .opt("max_created_ts", self.max_created_ts.as_ref())
            .opt("min_close_ts", self.min_close_ts.as_ref())
            .opt("max_close_ts", self.max_close_ts.as_ref())
            .opt("min_settled_ts", self.min_settled_ts.as_ref())
            .opt("max_settled_ts", self.max_settled_ts.as_ref())
            .opt("min_updated_ts", self.min_updated_ts.as_ref())
            .opt("max_updated_ts", self.max_updated_ts.as_ref())
            .opt("mve_filter", self.mve_filter.as_ref())
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

    fn p(text: &str) -> Price {
        Price::parse(text).unwrap()
    }

    fn c(text: &str) -> Count {
        Count::parse(text).unwrap()
    }

    const MARKETS: &str = include_str!("../../test_data/rest/markets.json");

    #[test]
    fn sdk_shaped_market_fixture_is_canonical() {
        let r: GetMarketsResponse = assert_canonical(MARKETS);
        let m = &r.markets[0];
        assert_eq!(m.ticker, "KXHIGHNY-26AUG28-T88");
        assert_eq!(m.event_ticker, "KXHIGHNY-26AUG28");
        assert_eq!(m.market_type, MarketType::Binary);
        assert_eq!(m.status, MarketStatus::Active);
        assert!(m.status.is_tradable());
        assert_eq!(m.yes_bid_dollars, p("0.4200"));
        assert_eq!(m.yes_bid_size_fp, c("120.00"));
        assert_eq!(m.yes_ask_dollars, p("0.4400"));
        assert_eq!(m.yes_ask_size_fp, c("35.50"));
        assert_eq!(m.no_bid_dollars, p("0.5600"));
        assert_eq!(m.no_ask_dollars, p("0.5800"));
        assert_eq!(m.last_price_dollars, p("0.4300"));
        assert_eq!(m.volume_fp, c("18250.00"));
        assert_eq!(m.volume_24h_fp, c("3120.25"));
        assert_eq!(m.open_interest_fp, c("9400.00"));
        assert_eq!(m.notional_value_dollars, Price::ONE);
        assert_eq!(m.previous_price_dollars, p("0.3900"));
        assert_eq!(m.result, MarketResult::Undetermined);
        assert_eq!(m.open_time, ts("2026-08-27T14:00:00Z"));
        assert_eq!(m.close_time, ts("2026-08-29T03:59:00Z"));
        assert_eq!(m.expected_expiration_time, Some(ts("2026-08-29T14:00:00Z")));
        assert_eq!(m.latest_expiration_time, ts("2026-09-05T14:00:00Z"));
        assert_eq!(m.updated_time, ts("2026-08-27T14:05:12.481Z"));
        assert_eq!(m.strike_type, Some(StrikeType::Greater));
        assert_eq!(m.floor_strike, Some(serde_json::Number::from(88)));
        assert_eq!(m.cap_strike, None);
        assert!(m.rules_primary.starts_with("If the highest temperature"));
        assert_eq!(m.price_level_structure, "linear_cent");
        assert_eq!(m.price_ranges.len(), 1);
        assert!(m.is_on_grid(p("0.43")));
        assert!(!m.is_on_grid(p("0.435")));
        assert_eq!(m.tick_at(p("0.43")), Some(p("0.01")));
        assert_eq!(m.exchange_index, Some(0));
        assert_eq!(
            r.cursor(),
            Some("CgwI2ODJxQYQgKqGzAMSFktYSElHSE5ZLTI2QVVHMjgtVDg4")
        );
    }

    #[test]
    fn settled_scalar_and_tapered_markets() {
        let r: GetMarketsResponse = assert_canonical(MARKETS);
        let settled = &r.markets[1];
        assert_eq!(settled.status, MarketStatus::Finalized);
        assert_eq!(settled.result, MarketResult::No);
        assert_eq!(settled.settlement_value_dollars, Some(Price::ZERO));
        assert_eq!(settled.settlement_ts, Some(ts("2026-08-28T15:02:11Z")));
        assert_eq!(settled.expiration_value, "86");
        assert_eq!(settled.floor_strike, Some(serde_json::Number::from(86)));
        assert_eq!(
            settled
                .cap_strike
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("87.99"),
            "non-integer strikes are kept exactly"
        );
        let scalar = &r.markets[2];
        assert_eq!(scalar.market_type, MarketType::Scalar);
        assert_eq!(scalar.result, MarketResult::Scalar);
        assert_eq!(scalar.settlement_value_dollars, Some(p("0.6125")));
        assert!(scalar.is_on_grid(p("0.0050")), "deci-cent edge");
        assert!(!scalar.is_on_grid(p("0.5050")), "cent centre");
        assert_eq!(scalar.tick_at(p("0.95")), Some(p("0.001")));
    }

    #[test]
    fn single_market_response() {
        let json = format!(
            r#"{{"market": {}}}"#,
            serde_json::to_string(
                &serde_json::from_str::<serde_json::Value>(MARKETS).unwrap()["markets"][0]
            )
            .unwrap()
        );
        let r: GetMarketResponse = assert_canonical(&json);
        assert_eq!(r.market.ticker, "KXHIGHNY-26AUG28-T88");
    }

    #[test]
    fn unknown_extra_fields_are_tolerated() {
        let mut v: serde_json::Value = serde_json::from_str(MARKETS).unwrap();
        v["markets"][0]["brand_new_field"] = serde_json::json!({"x": 1});
        v["markets"][0]["yes_bid"] = serde_json::json!(42);
        v["something_else"] = serde_json::json!([1, 2]);
        let r: GetMarketsResponse = assert_round_trip(&v.to_string());
        assert_eq!(r.markets[0].yes_bid_dollars, p("0.42"));
    }

    #[test]
    fn unknown_status_fails_naming_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(MARKETS).unwrap();
        v["markets"][2]["status"] = serde_json::json!("open");
        let err = decode_err::<GetMarketsResponse>(&v.to_string());
        assert_eq!(err.path, "markets[2].status");
        assert!(err.message.contains("unknown variant `open`"), "{err}");
        assert!(
            err.message.contains("`finalized`"),
            "lists the vocabulary: {err}"
        );
    }

    #[test]
    fn malformed_price_fails_naming_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(MARKETS).unwrap();
        v["markets"][1]["yes_ask_dollars"] = serde_json::json!("0.4a");
        let err = decode_err::<GetMarketsResponse>(&v.to_string());
        assert_eq!(err.path, "markets[1].yes_ask_dollars");
        assert!(err.message.contains("0.4a"), "{err}");
        v["markets"][1]["yes_ask_dollars"] = serde_json::json!("0.44");
        v["markets"][1]["price_ranges"][0]["step"] = serde_json::json!("-0.01");
        let err = decode_err::<GetMarketsResponse>(&v.to_string());
        assert_eq!(err.path, "markets[1].price_ranges[0].step");
    }

    #[test]
    fn cursor_empty_null_and_absent_all_end_the_listing() {
        for json in [
            r#"{"markets":[],"cursor":""}"#,
            r#"{"markets":[],"cursor":null}"#,
            r#"{"markets":[]}"#,
        ] {
            let r: GetMarketsResponse = assert_round_trip(json);
            assert_eq!(r.cursor(), None, "{json} must mean no more pages");
        }
        let r: GetMarketsResponse = assert_canonical(r#"{"markets":[],"cursor":"abc"}"#);
        assert_eq!(r.cursor(), Some("abc"));
        assert!(r.into_items().is_empty());
    }

    #[test]
    fn empty_result_reads_as_undetermined() {
        assert_eq!(
            serde_json::from_str::<MarketResult>(r#""""#).unwrap(),
            MarketResult::Undetermined
        );
        assert_eq!(
            serde_json::to_string(&MarketResult::Undetermined).unwrap(),
            r#""""#
        );
    }

    #[test]
    fn params_to_query() {
        let params = GetMarketsParams {
            limit: Some(200),
            cursor: Some("abc".into()),
            series_ticker: Some("KXHIGHNY".into()),
            tickers: vec!["A-1".into(), "B-2.5".into()],
            status: Some(MarketStatusFilter::Open),
            min_close_ts: Some(1_755_700_000),
            mve_filter: Some(MveFilter::Exclude),
            ..Default::default()
        };
        let q = params.to_query();
        assert_eq!(
            q,
            vec![
                ("limit", "200".to_owned()),
                ("cursor", "abc".to_owned()),
                ("series_ticker", "KXHIGHNY".to_owned()),
                ("tickers", "A-1,B-2.5".to_owned()),
                ("status", "open".to_owned()),
                ("min_close_ts", "1755700000".to_owned()),
                ("mve_filter", "exclude".to_owned()),
            ]
        );
        assert_query_matches_serde(&params, &q);
        assert!(GetMarketsParams::default().to_query().is_empty());
    }
}
