//! REST order book snapshots: `GET /markets/{ticker}/orderbook` and `GET /markets/orderbooks`.
//!
//! The book is bids only on two sides: `yes_dollars` are YES bids, `no_dollars` NO bids
//! (priced as NO). Levels are sorted ascending, so the best bid is the *last* element; a
//! NO bid at q is a YES ask at 1 − q. Maintaining a live book is `crate::book`'s job.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::query::QueryPairs;
use super::{Count, Price};

/// One price level: resting size at a price, on the wire a 2-element array
/// `["0.4200", "13.00"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Level {
    /// Price of the level (the side's own price: NO levels are NO prices).
    pub price: Price,
    /// Contracts resting at that price.
    pub count: Count,
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.price)?;
        t.serialize_element(&self.count)?;
        t.end()
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LevelVisitor;
        impl<'de> Visitor<'de> for LevelVisitor {
            type Value = Level;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [price, count] pair")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Level, A::Error> {
                let price = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let count = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(Level { price, count })
            }
        }
        d.deserialize_seq(LevelVisitor)
    }
}

/// Both sides of a book snapshot (`orderbook_fp`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderbookFp {
    /// YES bids, ascending by price (best last).
    #[serde(deserialize_with = "null_as_empty_levels")]
    pub yes_dollars: Vec<Level>,
    /// NO bids priced as NO, ascending by price (best last).
    #[serde(deserialize_with = "null_as_empty_levels")]
    pub no_dollars: Vec<Level>,
}

/// Older responses sent `null` for an empty side; read it as no levels.
fn null_as_empty_levels<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Level>, D::Error> {
    Ok(Option::<Vec<Level>>::deserialize(d)?.unwrap_or_default())
}

impl OrderbookFp {
    /// Best YES bid (the last YES level).
    pub fn best_yes_bid(&self) -> Option<Level> {
        self.yes_dollars.last().copied()
    }

    /// Best NO bid (the last NO level), priced as NO.
    pub fn best_no_bid(&self) -> Option<Level> {
        self.no_dollars.last().copied()
    }

    /// Best YES ask: 1 − best NO bid, with the NO bid's size.
    pub fn best_yes_ask(&self) -> Option<Level> {
        let no = self.best_no_bid()?;
        Some(Level {
            price: no.price.complement()?,
            count: no.count,
        })
    }
}

/// `GET /markets/{ticker}/orderbook` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMarketOrderbookResponse {
    /// The snapshot.
    pub orderbook_fp: OrderbookFp,
}

/// One market's snapshot in `GET /markets/orderbooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketOrderbook {
    /// Market ticker.
    pub ticker: String,
    /// The snapshot.
    pub orderbook_fp: OrderbookFp,
}

/// `GET /markets/orderbooks` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMarketOrderbooksResponse {
    /// One entry per requested market.
    pub orderbooks: Vec<MarketOrderbook>,
}

/// Query of `GET /markets/{ticker}/orderbook`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetOrderbookParams {
    /// Levels per side, 0–100 (0 or absent = all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
}

impl GetOrderbookParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new().opt("depth", self.depth.as_ref()).finish()
    }
}

/// Query of `GET /markets/orderbooks`: 1–100 tickers sent as *repeated* `tickers=` keys
/// (unlike `GET /markets`, which joins them with commas). Not `Serialize`, since
/// URL-encoded serde cannot express repeated keys; use [`Self::to_query`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetOrderbooksParams {
    /// Market tickers.
    pub tickers: Vec<String>,
}

impl GetOrderbooksParams {
    /// The query pairs to send: one `tickers` pair per market.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .repeated("tickers", &self.tickers)
            .finish()
    }

    /// Reads decoded query pairs (the simulator's side): every `tickers` value, in order;
    /// other keys are ignored.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let tickers = pairs
            .into_iter()
            .filter(|(k, _)| *k == "tickers")
            .map(|(_, v)| v.to_owned())
            .collect();
        Self { tickers }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, assert_round_trip, decode_err};

    fn p(text: &str) -> Price {
        Price::parse(text).unwrap()
    }

    fn c(text: &str) -> Count {
        Count::parse(text).unwrap()
    }

    /// The example of kalshi-api.md §3.2.
    const DOC: &str = r#"{ "orderbook_fp": {
    "yes_dollars": [ ["0.4000", "25.00"], ["0.4100", "10.00"], ["0.4200", "13.00"] ],
    "no_dollars":  [ ["0.5200", "40.00"], ["0.5600", "17.00"] ] } }"#;

    #[test]
    fn doc_example_is_canonical() {
        let r: GetMarketOrderbookResponse = assert_canonical(DOC);
        let b = &r.orderbook_fp;
        assert_eq!(b.yes_dollars.len(), 3);
        assert_eq!(
            b.yes_dollars[0],
            Level {
                price: p("0.40"),
                count: c("25")
            }
        );
        assert_eq!(
            b.best_yes_bid(),
            Some(Level {
                price: p("0.42"),
                count: c("13")
            })
        );
        assert_eq!(
            b.best_no_bid(),
            Some(Level {
                price: p("0.56"),
                count: c("17")
            })
        );
        assert_eq!(
            b.best_yes_ask(),
            Some(Level {
                price: p("0.44"),
                count: c("17")
            }),
            "YES ask = 1 - best NO bid"
        );
    }

    #[test]
    fn empty_sides_and_legacy_null() {
        let r: GetMarketOrderbookResponse =
            assert_canonical(r#"{"orderbook_fp":{"yes_dollars":[],"no_dollars":[]}}"#);
        assert_eq!(r.orderbook_fp.best_yes_ask(), None);
        let r: GetMarketOrderbookResponse = assert_round_trip(
            r#"{"orderbook_fp":{"yes_dollars":null,"no_dollars":[["0.3","1"]]}}"#,
        );
        assert!(r.orderbook_fp.yes_dollars.is_empty());
        assert_eq!(r.orderbook_fp.no_dollars[0].count, c("1.00"));
    }

    #[test]
    fn level_must_be_a_pair_of_valid_numbers() {
        let err = decode_err::<GetMarketOrderbookResponse>(
            r#"{"orderbook_fp":{"yes_dollars":[["0.40"]],"no_dollars":[]}}"#,
        );
        assert_eq!(err.path, "orderbook_fp.yes_dollars[0]");
        let err = decode_err::<GetMarketOrderbookResponse>(
            r#"{"orderbook_fp":{"yes_dollars":[],"no_dollars":[["0.40","1.00","x"]]}}"#,
        );
        assert_eq!(err.path, "orderbook_fp.no_dollars[0]");
        let err = decode_err::<GetMarketOrderbookResponse>(
            r#"{"orderbook_fp":{"yes_dollars":[["0.40","1.00"],["0.41","1.0x"]],"no_dollars":[]}}"#,
        );
        assert_eq!(err.path, "orderbook_fp.yes_dollars[1][1]");
    }

    #[test]
    fn multi_book_fixture_is_canonical() {
        let r: GetMarketOrderbooksResponse =
            assert_canonical(include_str!("../../test_data/rest/orderbooks.json"));
        assert_eq!(r.orderbooks.len(), 2);
        assert_eq!(r.orderbooks[1].ticker, "KXBTCD-26AUG2817-T114999.99");
        assert_eq!(
            r.orderbooks[1].orderbook_fp.best_yes_bid().unwrap().price,
            p("0.0030")
        );
    }

    #[test]
    fn params_to_query() {
        let one = GetOrderbookParams { depth: Some(10) };
        assert_eq!(one.to_query(), vec![("depth", "10".to_owned())]);
        assert_query_matches_serde(&one, &one.to_query());
        let many = GetOrderbooksParams {
            tickers: vec!["A".into(), "B".into()],
        };
        assert_eq!(
            many.to_query(),
            vec![("tickers", "A".to_owned()), ("tickers", "B".to_owned())]
        );
        let pairs = many.to_query();
        let back = GetOrderbooksParams::from_query(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, many, "the simulator reads back what the client sends");
    }
}
