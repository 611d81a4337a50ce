//! Candlesticks: `GET /series/{series}/markets/{ticker}/candlesticks` and the batch
//! `GET /markets/candlesticks`, with their query parameters.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::query::{QueryPairs, comma_list};
use super::{Count, Price, empty_as_none};

/// OHLC of the best YES bid or ask over a period. Fields are `null` on a synthetic
/// carry-forward candle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidAskDistribution {
    /// Quote at the start of the period.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub open_dollars: Option<Price>,
    /// Lowest quote.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub low_dollars: Option<Price>,
    /// Highest quote.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub high_dollars: Option<Price>,
    /// Quote at the end of the period.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub close_dollars: Option<Price>,
}

/// Trade-price statistics over a period; each field is `null` when nothing traded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceDistribution {
    /// First trade price.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub open_dollars: Option<Price>,
    /// Lowest trade price.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub low_dollars: Option<Price>,
    /// Highest trade price.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub high_dollars: Option<Price>,
    /// Last trade price.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub close_dollars: Option<Price>,
    /// Volume-weighted mean trade price.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub mean_dollars: Option<Price>,
    /// Close of the previous period with trades (set on carry-forward candles).
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub previous_dollars: Option<Price>,
    /// Minimum trade price.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub min_dollars: Option<Price>,
    /// Maximum trade price.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub max_dollars: Option<Price>,
}

/// One candle of a market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketCandlestick {
    /// Inclusive end of the period, Unix seconds.
    pub end_period_ts: i64,
    /// Best YES bid OHLC.
    pub yes_bid: BidAskDistribution,
    /// Best YES ask OHLC.
    pub yes_ask: BidAskDistribution,
    /// Trade prices.
    pub price: PriceDistribution,
    /// Contracts traded in the period.
    pub volume_fp: Count,
    /// Open interest at the end of the period.
    pub open_interest_fp: Count,
}

/// `GET /series/{series_ticker}/markets/{ticker}/candlesticks` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetMarketCandlesticksResponse {
    /// Market ticker.
    pub ticker: String,
    /// Candles, oldest first.
    pub candlesticks: Vec<MarketCandlestick>,
}

/// One market's candles in the batch response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketCandlesticks {
    /// Market ticker.
    pub market_ticker: String,
    /// Candles, oldest first.
    pub candlesticks: Vec<MarketCandlestick>,
}

/// `GET /markets/candlesticks` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchGetMarketCandlesticksResponse {
    /// One entry per requested market.
    pub markets: Vec<MarketCandlesticks>,
}

/// Candle length; the only values the exchange accepts, sent as minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodInterval {
    /// 1 minute.
    OneMinute,
    /// 60 minutes.
    OneHour,
    /// 1440 minutes.
    OneDay,
}

impl PeriodInterval {
    /// Length in minutes, as sent on the wire.
    pub const fn minutes(self) -> u32 {
        match self {
            Self::OneMinute => 1,
            Self::OneHour => 60,
            Self::OneDay => 1440,
        }
    }

    /// The interval of that many minutes, if valid.
    pub const fn from_minutes(minutes: u64) -> Option<Self> {
        match minutes {
            1 => Some(Self::OneMinute),
            60 => Some(Self::OneHour),
            1440 => Some(Self::OneDay),
            _ => None,
        }
    }
}

impl fmt::Display for PeriodInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.minutes())
    }
}

impl Serialize for PeriodInterval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.minutes())
    }
}

impl<'de> Deserialize<'de> for PeriodInterval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MinutesVisitor;
        impl Visitor<'_> for MinutesVisitor {
            type Value = PeriodInterval;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a period of 1, 60 or 1440 minutes")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PeriodInterval, E> {
                PeriodInterval::from_minutes(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PeriodInterval, E> {
                u64::try_from(v)
                    .ok()
                    .and_then(PeriodInterval::from_minutes)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            /// Query strings carry the number as text.
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PeriodInterval, E> {
                v.parse::<u64>()
                    .ok()
                    .and_then(PeriodInterval::from_minutes)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(MinutesVisitor)
    }
}

/// Query of the single-market candlesticks endpoint (all but the flag are required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandlesticksParams {
    /// First period end to include, Unix seconds.
    pub start_ts: i64,
    /// Last period end to include, Unix seconds.
    pub end_ts: i64,
    /// Candle length.
    pub period_interval: PeriodInterval,
    /// Prepend a synthetic candle carrying the last close forward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_latest_before_start: Option<bool>,
}

impl CandlesticksParams {
    /// The query pairs to send.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .req("start_ts", &self.start_ts)
            .req("end_ts", &self.end_ts)
            .req("period_interval", &self.period_interval)
            .opt(
                "include_latest_before_start",
                self.include_latest_before_start.as_ref(),
            )
            .finish()
    }
}

/// Query of `GET /markets/candlesticks` (≤ 100 markets, ≤ 10,000 candles in total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCandlesticksParams {
    /// Markets (sent comma-separated).
    #[serde(with = "comma_list")]
    pub market_tickers: Vec<String>,
    /// First period end to include, Unix seconds.
    pub start_ts: i64,
    /// Last period end to include, Unix seconds.
    pub end_ts: i64,
    /// Candle length.
    pub period_interval: PeriodInterval,
    /// Prepend a synthetic candle carrying the last close forward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_latest_before_start: Option<bool>,
}

impl BatchCandlesticksParams {
    /// The query pairs to send.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .req("market_tickers", &self.market_tickers.join(","))
            .req("start_ts", &self.start_ts)
            .req("end_ts", &self.end_ts)
            .req("period_interval", &self.period_interval)
            .opt(
                "include_latest_before_start",
                self.include_latest_before_start.as_ref(),
            )
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, decode_err};

    const CANDLES: &str = include_str!("../../test_data/rest/candlesticks.json");

    fn p(text: &str) -> Option<Price> {
        Some(Price::parse(text).unwrap())
    }

    #[test]
    fn candles_fixture_is_canonical() {
        let r: GetMarketCandlesticksResponse = assert_canonical(CANDLES);
        assert_eq!(r.ticker, "KXHIGHNY-26AUG28-T88");
        let synthetic = &r.candlesticks[0];
        assert_eq!(
            synthetic.price.open_dollars, None,
            "carry-forward candle has no OHLC"
        );
        assert_eq!(synthetic.price.previous_dollars, p("0.3900"));
        let c = &r.candlesticks[1];
        assert_eq!(c.end_period_ts, 1_787_929_200);
        assert_eq!(c.yes_bid.close_dollars, p("0.4200"));
        assert_eq!(c.yes_ask.high_dollars, p("0.4500"));
        assert_eq!(c.price.mean_dollars, p("0.4275"));
        assert_eq!(c.volume_fp, Count::parse("310.00").unwrap());
        assert_eq!(c.open_interest_fp, Count::parse("9400.00").unwrap());
    }

    #[test]
    fn batch_response_is_canonical() {
        let v: serde_json::Value = serde_json::from_str(CANDLES).unwrap();
        let json = serde_json::json!({"markets": [
            {"market_ticker": v["ticker"], "candlesticks": v["candlesticks"]}
        ]})
        .to_string();
        let r: BatchGetMarketCandlesticksResponse = assert_canonical(&json);
        assert_eq!(r.markets[0].candlesticks.len(), 2);
    }

    #[test]
    fn malformed_candle_price_names_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(CANDLES).unwrap();
        v["candlesticks"][1]["price"]["high_dollars"] = serde_json::json!("4.3.1");
        let err = decode_err::<GetMarketCandlesticksResponse>(&v.to_string());
        assert_eq!(err.path, "candlesticks[1].price.high_dollars");
    }

    #[test]
    fn period_interval_is_minutes() {
        assert_eq!(
            serde_json::to_string(&PeriodInterval::OneHour).unwrap(),
            "60"
        );
        assert_eq!(
            serde_json::from_str::<PeriodInterval>("1440").unwrap(),
            PeriodInterval::OneDay
        );
        assert_eq!(
            serde_json::from_str::<PeriodInterval>("\"1\"").unwrap(),
            PeriodInterval::OneMinute
        );
        assert!(
            serde_json::from_str::<PeriodInterval>("5").is_err(),
            "5 minutes is not offered"
        );
        assert!(serde_json::from_str::<PeriodInterval>("-1").is_err());
    }

    #[test]
    fn params_to_query() {
        let p = CandlesticksParams {
            start_ts: 100,
            end_ts: 200,
            period_interval: PeriodInterval::OneHour,
            include_latest_before_start: Some(true),
        };
        let q = p.to_query();
        assert_eq!(
            q,
            vec![
                ("start_ts", "100".to_owned()),
                ("end_ts", "200".to_owned()),
                ("period_interval", "60".to_owned()),
                ("include_latest_before_start", "true".to_owned()),
            ]
        );
        assert_query_matches_serde(&p, &q);
        let b = BatchCandlesticksParams {
            market_tickers: vec!["A".into(), "B".into()],
            start_ts: 1,
            end_ts: 2,
            period_interval: PeriodInterval::OneMinute,
            include_latest_before_start: None,
        };
        assert_eq!(b.to_query()[0], ("market_tickers", "A,B".to_owned()));
        assert_query_matches_serde(&b, &b.to_query());
    }
}
