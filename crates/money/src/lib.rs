//! Exact fixed-point numbers for prices, money and contract counts.
//!
//! Kalshi sends every price as a dollar string (`"0.5600"`) and every count as a
//! fixed-point string (`"10.00"`). Binary floating point cannot hold `0.56` exactly, and a
//! trading app that compares or sums prices must never be off by a rounding error, so
//! each kind of number is an integer of a fixed unit behind a newtype:
//!
//! | type      | unit              | canonical text        |
//! |-----------|-------------------|-----------------------|
//! | [`Price`] | $0.0001           | 4 decimals, `0.5600`  |
//! | [`Money`] | $0.000001         | 4 decimals, or up to 6 when needed (`1.2345`, `0.017333`) |
//! | [`Count`] | 0.01 contract     | 2 decimals, `10.00`   |
//!
//! Parsing is strict: a sign only where the type allows it, digits, an optional point and
//! at most the type's number of decimals (extra decimals are accepted only when they are
//! zeros, so `"0.560"` and `"0.560000"` both mean 0.56). Anything else (exponents,
//! spaces, `+`, `.5`, `5.`, empty) is an error naming the input. Formatting produces the
//! canonical text, so a canonical string round-trips byte for byte.
//!
//! [`fees`] holds Kalshi's fee formula on these numbers, and [`text`] the way every
//! person-facing text prints them (`56¢`, `$1,234.56`).
//!
//! The crate depends on serde alone, so the SDK (`kalshi`, which re-exports these types
//! as `kalshi::model::{Price, Money, Count}`) and the wasm UI's contract (`ipc`) share one
//! definition of the numbers.
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod fees;
pub mod text;

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a fixed-point string was rejected; names the kind of number and the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {input:?}: {reason}")]
pub struct FixedError {
    /// Which kind of number was being read (`price`, `money`, `count`).
    pub kind: &'static str,
    /// The rejected text, truncated to 40 characters.
    pub input: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl FixedError {
    fn new(kind: &'static str, input: &str, reason: &'static str) -> Self {
        let input = input.chars().take(40).collect();
        Self {
            kind,
            input,
            reason,
        }
    }
}

/// The shape of one fixed-point type: its name, scale and text rules.
struct Spec {
    kind: &'static str,
    /// Decimal places of the unit (the value is `units / 10^decimals`).
    decimals: u32,
    /// Decimals always printed.
    min_shown: u32,
    signed: bool,
}

const PRICE: Spec = Spec {
    kind: "price",
    decimals: 4,
    min_shown: 4,
    signed: false,
};
const MONEY: Spec = Spec {
    kind: "money",
    decimals: 6,
    min_shown: 4,
    signed: true,
};
const COUNT: Spec = Spec {
    kind: "count",
    decimals: 2,
    min_shown: 2,
    signed: true,
};

/// Reads `text` as an exact decimal in units of `10^-spec.decimals`.
///
/// One pass over the bytes with no allocation: this runs for every price and size of
/// every WebSocket frame, so it sits on the feed's hot path.
fn parse_units(spec: &Spec, text: &str) -> Result<i64, FixedError> {
    let err = |reason| FixedError::new(spec.kind, text, reason);
    let bytes = text.as_bytes();
    let (negative, body) = match bytes.split_first() {
        Some((b'-', rest)) if spec.signed => (true, rest),
        Some((b'-', _)) => return Err(err("must not be negative")),
        _ => (false, bytes),
    };
    let mut units: i64 = 0;
    let mut int_digits = 0usize;
    // Decimals read so far; `None` until the decimal point.
    let mut frac_digits: Option<u32> = None;
    for &b in body {
        match (b, frac_digits) {
            (b'0'..=b'9', None) => {
                int_digits += 1;
                units = units
                    .checked_mul(10)
                    .and_then(|u| u.checked_add(i64::from(b - b'0')))
                    .ok_or_else(|| err("out of range"))?;
            }
            (b'0'..=b'9', Some(n)) if n < spec.decimals => {
                frac_digits = Some(n + 1);
                units = units
                    .checked_mul(10)
                    .and_then(|u| u.checked_add(i64::from(b - b'0')))
                    .ok_or_else(|| err("out of range"))?;
            }
            // Decimals beyond the unit are accepted only as zeros, so they change nothing.
            (b'0', Some(_)) => {}
            (b'1'..=b'9', Some(_)) => return Err(err("too many decimal places")),
            (b'.', None) if int_digits == 0 => {
                return Err(err("expected digits before the decimal point"));
            }
            (b'.', None) => frac_digits = Some(0),
            _ => return Err(err("expected only digits and one decimal point")),
        }
    }
    match frac_digits {
        _ if int_digits == 0 => Err(err("expected digits before the decimal point")),
        Some(_) if body.last() == Some(&b'.') => {
            Err(err("expected digits after the decimal point"))
        }
        _ => {
            let shown = frac_digits.unwrap_or(0);
            let scale = 10i64.pow(spec.decimals - shown);
            let units = units
                .checked_mul(scale)
                .ok_or_else(|| err("out of range"))?;
            Ok(if negative { -units } else { units })
        }
    }
}

/// Writes `units` in canonical form: at least `min_shown` decimals, more only when non-zero.
fn fmt_units(spec: &Spec, units: i64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let scale = 10u64.pow(spec.decimals);
    let abs = units.unsigned_abs();
    let (int, mut frac) = (abs / scale, abs % scale);
    let mut shown = spec.decimals;
    while shown > spec.min_shown && frac % 10 == 0 {
        frac /= 10;
        shown -= 1;
    }
    let sign = if units < 0 { "-" } else { "" };
    if shown == 0 {
        write!(f, "{sign}{int}")
    } else {
        write!(f, "{sign}{int}.{frac:0width$}", width = shown as usize)
    }
}

/// Deserialises from a JSON string, or from a JSON number (seen occasionally on the
/// WebSocket) by reading the number's shortest decimal text, never its binary value.
struct FixedVisitor<T>(std::marker::PhantomData<T>);

impl<T: FromStr<Err = FixedError>> Visitor<'_> for FixedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fixed-point decimal string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // `Display` for f64 prints the shortest text that reads back to the same value,
        // which is the decimal the sender wrote for any value with <= 15 significant digits.
        if !v.is_finite() {
            return Err(E::custom("expected a finite number"));
        }
        self.visit_str(&v.to_string())
    }
}

macro_rules! fixed_type {
    ($name:ident, $spec:expr) => {
        impl $name {
            /// Zero.
            pub const ZERO: Self = Self(0);
            /// Units per whole (dollar or contract).
            pub const SCALE: i64 = 10i64.pow($spec.decimals);

            /// Builds the value from raw units (see the module table for the unit).
            pub const fn from_units(units: i64) -> Self {
                Self(units)
            }

            /// The raw integer units.
            pub const fn units(self) -> i64 {
                self.0
            }

            /// Parses Kalshi's fixed-point text strictly.
            ///
            /// # Errors
            /// [`FixedError`] naming the input if it is not a well-formed decimal of this type.
            pub fn parse(text: &str) -> Result<Self, FixedError> {
                parse_units(&$spec, text).map(Self)
            }

            /// `self + other`, or `None` on overflow.
            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).map(Self)
            }

            /// `self - other`, or `None` on overflow.
            pub fn checked_sub(self, other: Self) -> Option<Self> {
                self.0.checked_sub(other.0).map(Self)
            }

            /// True when the value is exactly zero.
            pub const fn is_zero(self) -> bool {
                self.0 == 0
            }
        }

        impl FromStr for $name {
            type Err = FixedError;
            fn from_str(s: &str) -> Result<Self, FixedError> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_units(&$spec, self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(FixedVisitor(std::marker::PhantomData))
            }
        }
    };
}

/// A price in units of $0.0001, never negative: order prices, bids, asks, last price.
///
/// Contract prices live in `[0, 1]`, but the type also holds values such as a notional
/// of `1.0000`; range checks belong to order validation, not to parsing.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Price(i64);
fixed_type!(Price, PRICE);

impl Price {
    /// One dollar, the payout of a winning contract.
    pub const ONE: Self = Self(Self::SCALE);

    /// The other leg's price, `1 - self` (a NO bid at p is a YES ask at `1 - p`).
    /// `None` if `self` is above one dollar.
    pub fn complement(self) -> Option<Self> {
        (self.0 <= Self::SCALE).then(|| Self(Self::SCALE - self.0))
    }
}

/// An amount of money in units of $0.000001, signed: costs, fees, P&L, balances.
///
/// Finer than [`Price`] because fee and average-price arithmetic produce up to six
/// decimals on the wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);
fixed_type!(Money, MONEY);

impl Money {
    /// Converts integer cents (a few legacy-shaped fields still use them).
    pub const fn from_cents(cents: i64) -> Self {
        Self(cents * 10_000)
    }

    /// Whole cents, truncated toward zero (how Kalshi fills its integer `balance`).
    pub const fn to_cents_trunc(self) -> i64 {
        self.0 / 10_000
    }

    /// The money value of `count` contracts at `price`: exact, since a price unit times a
    /// count unit is exactly one money unit. `None` on overflow.
    pub fn cost(price: Price, count: Count) -> Option<Self> {
        price.0.checked_mul(count.0).map(Self)
    }

    /// The unrealized P&L of a position of `position` contracts (negative: NO contracts)
    /// that cost `exposure`, marked at the YES price `mark`: its value there minus its
    /// cost. One formula for the core's portfolio and the market page, which marks at the
    /// live last price. `None` on overflow or a mark above $1.
    pub fn unrealized(position: Count, exposure: Money, mark: Price) -> Option<Self> {
        let value = if position.is_negative() {
            Self::cost(mark.complement()?, position.abs())?
        } else {
            Self::cost(mark, position)?
        };
        value.checked_sub(exposure)
    }
}

impl From<Price> for Money {
    fn from(p: Price) -> Self {
        Self(p.0 * 100)
    }
}

/// A number of contracts in units of 0.01, signed (a negative position is long NO,
/// a negative book delta removes size).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Count(i64);
fixed_type!(Count, COUNT);

impl Count {
    /// Whole contracts.
    pub const fn from_contracts(contracts: i64) -> Self {
        Self(contracts * Self::SCALE)
    }

    /// True when below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The magnitude.
    pub const fn abs(self) -> Self {
        Self(self.0.abs())
    }
}

impl std::ops::Neg for Count {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

impl std::ops::Neg for Money {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

/// Serde adapter for optional fixed-point fields where Kalshi sends `""` (or `null`, or
/// nothing) to mean "no value", e.g. the ticker's last price before the first trade.
/// Use with `#[serde(default, with = "crate::empty_as_none")]`.
pub mod empty_as_none {
    use std::fmt;
    use std::str::FromStr;

    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serialize, Serializer};

    use super::FixedError;

    /// Reads `""` and `null` as `None`, anything else strictly.
    ///
    /// # Errors
    /// A malformed non-empty value is an error, never `None`.
    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr<Err = FixedError>,
    {
        d.deserialize_any(OptVisitor(std::marker::PhantomData))
    }

    struct OptVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: FromStr<Err = FixedError>> Visitor<'de> for OptVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a fixed-point decimal string, an empty string or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.is_empty() {
                return Ok(None);
            }
            super::FixedVisitor::<T>(std::marker::PhantomData)
                .visit_str(v)
                .map(Some)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            super::FixedVisitor::<T>(std::marker::PhantomData)
                .visit_u64(v)
                .map(Some)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            super::FixedVisitor::<T>(std::marker::PhantomData)
                .visit_i64(v)
                .map(Some)
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            super::FixedVisitor::<T>(std::marker::PhantomData)
                .visit_f64(v)
                .map(Some)
        }
    }

    /// Writes `None` as `""` so the field keeps Kalshi's shape.
    ///
    /// # Errors
    /// Only the serializer's own errors.
    pub fn serialize<S: Serializer, T: Serialize>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => v.serialize(s),
            None => s.serialize_str(""),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn canonical_strings_round_trip_byte_for_byte() {
        for s in ["0.5600", "0.0001", "1.0000", "0.0000", "12.3400"] {
            assert_eq!(Price::parse(s).unwrap().to_string(), s, "price {s}");
        }
        for s in ["10.00", "-33.00", "0.01", "2.50", "74.77", "0.00"] {
            assert_eq!(Count::parse(s).unwrap().to_string(), s, "count {s}");
        }
        for s in ["1.2345", "0.017333", "-10.0000", "1234.5600", "0.000001"] {
            assert_eq!(Money::parse(s).unwrap().to_string(), s, "money {s}");
        }
    }

    #[test]
    fn units_are_exact() {
        assert_eq!(Price::parse("0.56").unwrap().units(), 5600);
        assert_eq!(
            Price::parse("0.560").unwrap().units(),
            5600,
            "3 dp as sent on WS"
        );
        assert_eq!(
            Price::parse("0.560000").unwrap().units(),
            5600,
            "zero padding is exact"
        );
        assert_eq!(Price::parse("1").unwrap(), Price::ONE);
        assert_eq!(Count::parse("10").unwrap(), Count::from_contracts(10));
        assert_eq!(Count::parse("10.0").unwrap().units(), 1000);
        assert_eq!(Count::parse("-0.5").unwrap().units(), -50);
        assert_eq!(Money::parse("0.017333").unwrap().units(), 17_333);
    }

    #[test]
    fn malformed_input_is_rejected_with_the_input_named() {
        for bad in [
            "", "-", ".5", "5.", "0.56x", "1e-2", "+1", " 1", "1 ", "0..1", "0.5.6", "1,00", "NaN",
        ] {
            let e = Price::parse(bad).unwrap_err();
            assert_eq!(e.kind, "price");
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
        assert_eq!(
            Price::parse("0.56001").unwrap_err().reason,
            "too many decimal places"
        );
        assert_eq!(
            Count::parse("1.001").unwrap_err().reason,
            "too many decimal places"
        );
        assert_eq!(
            Price::parse("-0.5").unwrap_err().reason,
            "must not be negative"
        );
        assert_eq!(
            Count::parse("99999999999999999999").unwrap_err().reason,
            "out of range"
        );
    }

    #[test]
    fn serde_reads_strings_and_exact_numbers() {
        let p: Price = serde_json::from_str("\"0.4200\"").unwrap();
        assert_eq!(p.units(), 4200);
        let p: Price = serde_json::from_str("0.42").unwrap();
        assert_eq!(p.units(), 4200, "a JSON number is read by its decimal text");
        let c: Count = serde_json::from_str("13").unwrap();
        assert_eq!(c, Count::from_contracts(13));
        assert!(serde_json::from_str::<Price>("0.42001").is_err());
        assert!(serde_json::from_str::<Price>("true").is_err());
        assert_eq!(
            serde_json::to_string(&Count::from_units(-3300)).unwrap(),
            "\"-33.00\""
        );
    }

    #[test]
    fn unrealized_marks_yes_and_no_positions() {
        let p = |s: &str| Price::parse(s).unwrap();
        let m = |s: &str| Money::parse(s).unwrap();
        let c = |s: &str| Count::parse(s).unwrap();
        // 2 YES bought for $1.48, last trade 72¢: worth $1.44.
        assert_eq!(
            Money::unrealized(c("2"), m("1.48"), p("0.72")),
            Some(m("-0.04"))
        );
        // 3 NO bought for $0.90 (30¢ each), YES at 20¢ so NO at 80¢: worth $2.40.
        assert_eq!(
            Money::unrealized(c("-3"), m("0.90"), p("0.20")),
            Some(m("1.50"))
        );
        assert_eq!(Money::unrealized(c("-3"), m("0.90"), p("1.01")), None);
    }

    #[test]
    fn complement_and_cost() {
        assert_eq!(
            Price::parse("0.30").unwrap().complement(),
            Some(Price::parse("0.70").unwrap())
        );
        assert_eq!(Price::parse("1.01").unwrap().complement(), None);
        let cost = Money::cost(
            Price::parse("0.5500").unwrap(),
            Count::parse("2.50").unwrap(),
        );
        assert_eq!(cost.unwrap().to_string(), "1.3750");
        assert_eq!(Money::from_cents(123_456).to_string(), "1234.5600");
        assert_eq!(Money::parse("12.349999").unwrap().to_cents_trunc(), 1234);
    }

    #[test]
    fn empty_as_none_distinguishes_empty_from_malformed() {
        #[derive(Deserialize, Serialize)]
        struct T {
            #[serde(default, with = "crate::empty_as_none")]
            p: Option<Price>,
        }
        assert_eq!(serde_json::from_str::<T>(r#"{"p":""}"#).unwrap().p, None);
        assert_eq!(serde_json::from_str::<T>(r#"{"p":null}"#).unwrap().p, None);
        assert_eq!(serde_json::from_str::<T>(r#"{}"#).unwrap().p, None);
        assert_eq!(
            serde_json::from_str::<T>(r#"{"p":"0.48"}"#).unwrap().p,
            Some(Price::from_units(4800))
        );
        assert!(serde_json::from_str::<T>(r#"{"p":"x"}"#).is_err());
        assert_eq!(
            serde_json::to_string(&T { p: None }).unwrap(),
            r#"{"p":""}"#
        );
    }
}
