//! Test helpers shared by the wire-type tests: canonical and lossless round trips.
#![allow(clippy::unwrap_used)]

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::decode;

/// Parses `json`, serialises it back and asserts the JSON *value* is identical to the input
/// (field names, string formats, nulls), then that re-parsing gives an equal value. This is
/// the guarantee the simulator relies on when it serialises these same types.
pub(crate) fn assert_canonical<T>(json: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let parsed: T = decode::from_str(json).unwrap_or_else(|e| panic!("fixture must parse: {e}"));
    let input: serde_json::Value = serde_json::from_str(json).unwrap();
    let output = serde_json::to_value(&parsed).unwrap();
    if input != output {
        panic!(
            "serialised JSON differs from the input\n input: {}\noutput: {}",
            serde_json::to_string_pretty(&input).unwrap(),
            serde_json::to_string_pretty(&output).unwrap()
        );
    }
    let again: T = decode::from_str(&serde_json::to_string(&parsed).unwrap()).unwrap();
    assert_eq!(again, parsed, "re-parse must give the same value");
    parsed
}

/// Parses `json`, serialises and re-parses it, asserting equality. For inputs that are
/// valid but not in our canonical output form (e.g. `"0.56"` for `"0.5600"`, a `null`
/// where we omit the key).
pub(crate) fn assert_round_trip<T>(json: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let parsed: T = decode::from_str(json).unwrap_or_else(|e| panic!("input must parse: {e}"));
    let again: T = decode::from_str(&serde_json::to_string(&parsed).unwrap()).unwrap();
    assert_eq!(again, parsed, "re-parse must give the same value");
    parsed
}

/// Parses `json` as `T`, expecting an error, and returns it.
pub(crate) fn decode_err<T: DeserializeOwned + Debug>(json: &str) -> decode::DecodeError {
    decode::from_str::<T>(json).expect_err("input must be rejected")
}

/// A UTC timestamp from RFC 3339 text.
pub(crate) fn ts(text: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}
