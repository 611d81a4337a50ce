//! The numbers as a trader reads them, for every text a person sees (the UI's figures and
//! the core's refusal messages alike): prices in cents as Kalshi shows them (`56¢`,
//! `56.5¢`), dollars to the cent with thousands separators (`$1,234.56`), contracts
//! (`1,234`), and a real minus sign. Exact: printed from the fixed-point units.

use crate::{Count, Money, Price};

/// The minus sign used for negative figures (U+2212, as wide as `+` in tabular figures).
pub const MINUS: &str = "\u{2212}";

/// Groups the digits of `n` in threes: `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `units` of `10^-decimals` as text with at least `min` decimals and trailing zeros
/// beyond that trimmed, without sign; the whole part grouped in thousands.
pub fn decimal(units: u64, decimals: u32, min: u32) -> String {
    let scale = 10u64.pow(decimals);
    let whole = thousands(units / scale);
    let frac = units % scale;
    let mut frac_text = format!("{frac:0width$}", width = decimals as usize);
    while frac_text.len() > min as usize && frac_text.ends_with('0') {
        frac_text.pop();
    }
    if frac_text.is_empty() {
        whole
    } else {
        format!("{whole}.{frac_text}")
    }
}

/// A price in cents: `56¢`, `56.5¢`, `0.3¢`, `100¢`.
pub fn cents(p: Price) -> String {
    let sign = if p.units() < 0 { MINUS } else { "" };
    format!("{sign}{}¢", decimal(p.units().unsigned_abs(), 2, 0))
}

/// Dollars to the cent, rounded half away from zero: `$1,234.56`, `−$0.40`.
pub fn dollars(m: Money) -> String {
    let units = m.units();
    let sign = if units < 0 { MINUS } else { "" };
    let cents = (units.unsigned_abs() + 5_000) / 10_000;
    format!("{sign}${}", decimal(cents, 2, 2))
}

/// Contracts: `1,234`, `12.5`, `−40` (a short position).
pub fn count(c: Count) -> String {
    let sign = if c.is_negative() { MINUS } else { "" };
    format!("{sign}{}", decimal(c.units().unsigned_abs(), 2, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }
    fn c(s: &str) -> Count {
        Count::parse(s).unwrap()
    }

    #[test]
    fn prices_show_in_cents_with_sub_cent_ticks() {
        assert_eq!(cents(p("0.56")), "56¢");
        assert_eq!(cents(p("0.565")), "56.5¢");
        assert_eq!(cents(p("0.003")), "0.3¢");
        assert_eq!(cents(p("0.0001")), "0.01¢");
        assert_eq!(cents(p("1")), "100¢");
        assert_eq!(cents(p("1.01")), "101¢");
        assert_eq!(cents(Price::ZERO), "0¢");
    }

    #[test]
    fn money_rounds_to_the_cent_half_away_from_zero() {
        assert_eq!(dollars(m("1234.56")), "$1,234.56");
        assert_eq!(dollars(m("0.005")), "$0.01");
        assert_eq!(dollars(m("0.004999")), "$0.00");
        assert_eq!(dollars(m("-0.4")), "\u{2212}$0.40");
        assert_eq!(dollars(m("1000000")), "$1,000,000.00");
    }

    #[test]
    fn counts_and_digit_groups() {
        assert_eq!(count(c("1234")), "1,234");
        assert_eq!(count(c("12.5")), "12.5");
        assert_eq!(count(c("-40")), "\u{2212}40");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(decimal(123_450, 4, 2), "12.345");
    }
}
