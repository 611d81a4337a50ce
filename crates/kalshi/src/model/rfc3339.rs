//! Serde adapter for optional RFC 3339 timestamps on the WebSocket hot path.
//!
//! Market-data frames (`ticker`, `orderbook_delta`) still carry a deprecated RFC 3339 time
//! beside `ts_ms`, and parsing it through `time`'s general format machinery costs about as
//! much as three fixed-point fields. Kalshi always writes the UTC form
//! `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, so that form is read by hand, exactly and strictly
//! (every field range-checked by `time`'s constructors); anything else falls back to the
//! full RFC 3339 parser, so no valid input is refused. Use with
//! `#[serde(default, with = "crate::model::rfc3339::option")]`.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Parses an RFC 3339 timestamp, taking the fast path for Kalshi's `...Z` form.
///
/// # Errors
/// A message naming what is wrong when `text` is not RFC 3339.
pub fn parse(text: &str) -> Result<OffsetDateTime, String> {
    match parse_utc(text.as_bytes()) {
        Some(t) => Ok(t),
        None => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|e| format!("invalid RFC 3339 time {text:?}: {e}")),
    }
}

/// The fast path: `YYYY-MM-DDTHH:MM:SS[.d{1,9}]Z` only; `None` sends the caller to the
/// full parser (which also produces the error message for bad input).
fn parse_utc(b: &[u8]) -> Option<OffsetDateTime> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || *b.last()? != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    let hour = u8::try_from(num(11..13)?).ok()?;
    let minute = u8::try_from(num(14..16)?).ok()?;
    let second = u8::try_from(num(17..19)?).ok()?;
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            let digits = num(20..20 + frac.len())?;
            digits * 10u32.pow(9 - u32::try_from(frac.len()).ok()?)
        }
        _ => return None,
    };
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms_nano(hour, minute, second, nanos).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// `Option<OffsetDateTime>` fields: absent or `null` read as `None`, written as RFC 3339.
pub mod option {
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Reads an optional RFC 3339 string strictly (a malformed one is an error).
    ///
    /// # Errors
    /// When the value is neither null nor a valid RFC 3339 string.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        d.deserialize_option(OptTime)
    }

    /// Reads the string where it lies (no copy), then parses it.
    struct OptTime;

    impl<'de> Visitor<'de> for OptTime {
        type Value = Option<OffsetDateTime>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 time string or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            super::parse(v).map(Some).map_err(E::custom)
        }
    }

    /// Writes the value as `time` writes RFC 3339, the same as the REST models.
    ///
    /// # Errors
    /// Only when `time` cannot format the value (years outside 0..=9999).
    pub fn serialize<S: Serializer>(v: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::option::serialize(v, s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_the_full_parser() {
        for s in [
            "2026-01-01T12:00:00Z",
            "2026-01-01T12:00:00.123Z",
            "2026-05-31T23:34:49.912729Z",
            "2024-02-29T00:00:00.000000001Z",
            "1999-12-31T23:59:59.9Z",
        ] {
            let full = OffsetDateTime::parse(s, &Rfc3339).unwrap();
            assert_eq!(parse_utc(s.as_bytes()), Some(full), "{s}");
            assert_eq!(parse(s).unwrap(), full, "{s}");
        }
    }

    #[test]
    fn other_valid_forms_use_the_full_parser() {
        let t = parse("2026-01-01T07:00:00-05:00").unwrap();
        assert_eq!(t, parse("2026-01-01T12:00:00Z").unwrap());
        assert_eq!(parse_utc(b"2026-01-01T07:00:00-05:00"), None);
        // RFC 3339 allows any number of fraction digits; beyond nanoseconds the full
        // parser handles (and truncates) them.
        assert_eq!(parse_utc(b"2026-01-01T12:00:00.1234567890Z"), None);
        assert!(parse("2026-01-01T12:00:00.1234567890Z").is_ok());
        // RFC 3339 also lets a space stand for the `T`.
        assert_eq!(
            parse("2026-01-01 12:00:00Z").unwrap(),
            parse("2026-01-01T12:00:00Z").unwrap()
        );
    }

    #[test]
    fn malformed_times_are_errors() {
        for s in [
            "",
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T12:00:00.Z",
            "2026-01-01T12:00:0xZ",
        ] {
            assert!(parse(s).is_err(), "{s:?} must be refused");
        }
    }

    #[test]
    fn serde_round_trip_and_null() {
        #[derive(serde::Deserialize, serde::Serialize, PartialEq, Debug)]
        struct T {
            #[serde(default, with = "crate::model::rfc3339::option")]
            t: Option<OffsetDateTime>,
        }
        let v: T = serde_json::from_str(r#"{"t":"2026-01-01T12:00:00.5Z"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"t":"2026-01-01T12:00:00.5Z"}"#
        );
        assert_eq!(
            serde_json::from_str::<T>(r#"{"t":null}"#).unwrap(),
            T { t: None }
        );
        assert_eq!(serde_json::from_str::<T>("{}").unwrap(), T { t: None });
        assert!(serde_json::from_str::<T>(r#"{"t":"yesterday"}"#).is_err());
    }
}
