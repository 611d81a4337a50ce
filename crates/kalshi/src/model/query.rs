//! Helpers for request query parameters: the pair builder behind every `to_query`, and
//! serde adapters for comma-separated list parameters.
//!
//! Query structs derive `Serialize`/`Deserialize` (so `kalshi-sim` can read them with
//! axum's `Query`) and also offer `to_query()`, which is what the client sends; a test in
//! each module checks the two agree.

use std::fmt::Display;

/// Builds the `(key, value)` pairs of a query string, skipping absent values.
#[derive(Debug, Default)]
pub(crate) struct QueryPairs(Vec<(&'static str, String)>);

impl QueryPairs {
    /// An empty query.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds `key=value` when `value` is present.
    pub(crate) fn opt<T: Display>(mut self, key: &'static str, value: Option<&T>) -> Self {
        if let Some(v) = value {
            self.0.push((key, v.to_string()));
        }
        self
    }

    /// Adds `key=value` unconditionally (required parameters).
    pub(crate) fn req<T: Display>(mut self, key: &'static str, value: &T) -> Self {
        self.0.push((key, value.to_string()));
        self
    }

    /// Adds `key=a,b,c` when the list is not empty (Kalshi's comma style, e.g. `tickers`).
    pub(crate) fn comma(mut self, key: &'static str, values: &[String]) -> Self {
        if !values.is_empty() {
            self.0.push((key, values.join(",")));
        }
        self
    }

    /// Adds `key=a&key=b` (the repeated-key style of `GET /markets/orderbooks`).
    pub(crate) fn repeated(mut self, key: &'static str, values: &[String]) -> Self {
        for v in values {
            self.0.push((key, v.clone()));
        }
        self
    }

    /// The finished pairs, in insertion order.
    pub(crate) fn finish(self) -> Vec<(&'static str, String)> {
        self.0
    }
}

/// Serde adapter: a `Vec<T>` sent as one comma-separated query value (`tickers=A,B`).
/// Use with `#[serde(default, with = "comma_list", skip_serializing_if = "Vec::is_empty")]`.
pub(crate) mod comma_list {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Joins the items with commas.
    pub(crate) fn serialize<S: Serializer, T: Display>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        let joined = v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        s.serialize_str(&joined)
    }

    /// Splits on commas, ignoring empty pieces; each piece must parse as `T`.
    pub(crate) fn deserialize<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: Display,
    {
        let text = String::deserialize(d)?;
        text.split(',')
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fmt::Debug;

    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use super::*;

    /// Checks that `to_query()` sends exactly what the struct's serde form says, and that
    /// the URL-encoded query deserialises back to the same struct (what axum's `Query` in
    /// the simulator does), so the client and the simulator agree.
    #[allow(clippy::unwrap_used)]
    pub(crate) fn assert_query_matches_serde<T>(params: &T, query: &[(&str, String)])
    where
        T: Serialize + DeserializeOwned + PartialEq + Debug,
    {
        let encoded = serde_urlencoded::to_string(query).unwrap();
        let decoded: T = serde_urlencoded::from_str(&encoded)
            .unwrap_or_else(|e| panic!("query {encoded:?} must deserialise: {e}"));
        assert_eq!(
            &decoded, params,
            "the encoded query must read back to the params"
        );
        let Value::Object(map) = serde_json::to_value(params).unwrap() else {
            panic!("query params must serialise to an object");
        };
        let mut from_serde: Vec<(String, String)> = map
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, text)
            })
            .collect();
        let mut from_query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        from_serde.sort();
        from_query.sort();
        assert_eq!(from_query, from_serde, "to_query must match the serde form");
    }

    #[test]
    fn builder_skips_absent_and_empty_values() {
        let none: Option<&u32> = None;
        let q = QueryPairs::new()
            .opt("limit", Some(&5))
            .opt("cursor", none)
            .comma("tickers", &[])
            .comma("event_ticker", &["A".into(), "B".into()])
            .repeated("tickers", &["X".into(), "Y".into()])
            .req("start_ts", &10)
            .finish();
        assert_eq!(
            q,
            vec![
                ("limit", "5".to_owned()),
                ("event_ticker", "A,B".to_owned()),
                ("tickers", "X".to_owned()),
                ("tickers", "Y".to_owned()),
                ("start_ts", "10".to_owned()),
            ]
        );
    }
}
