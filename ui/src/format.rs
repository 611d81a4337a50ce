//! Numbers and times as a trader reads them: prices in cents as Kalshi shows them (`56¢`,
//! `56.5¢`, `0.3¢`), dollars to the cent with thousands separators, counts (the basic ones
//! from `money::text`, shared with the core's messages), signed
//! changes with a real minus sign, ages and countdowns. Exact: every figure is printed
//! from the fixed-point units, never through `f64`.

use ipc::{Count, Money, Price};

use money::text::decimal;
pub use money::text::{MINUS, cents, count, dollars, thousands};

/// What an absent figure shows.
pub const DASH: &str = "\u{2014}";

/// A price in cents, or a dash.
pub fn cents_opt(p: Option<Price>) -> String {
    p.map_or_else(|| DASH.to_owned(), cents)
}

/// A price as the number typed in the ticket (cents without the sign): `56`, `56.5`.
pub fn cents_input(p: Price) -> String {
    decimal(p.units().unsigned_abs(), 2, 0)
}

/// Money per contract (e.g. an average price, 6 decimals) in cents, to a tenth of a cent
/// at most: `56.3¢`.
pub fn money_cents(m: Money) -> String {
    // Money units are 1e-6 dollars = 1e-4 cents; round to 0.1 cent (1000 units) half up.
    let units = m.units();
    let sign = if units < 0 { MINUS } else { "" };
    let tenths = (units.unsigned_abs() + 500) / 1000;
    format!("{sign}{}¢", decimal(tenths, 1, 0))
}

/// Dollars with a sign always shown (P&L): `+$12.00`, `−$3.50`, `$0.00`.
pub fn dollars_signed(m: Money) -> String {
    if m.units() > 0 && (m.units() + 5_000) / 10_000 > 0 {
        format!("+{}", dollars(m))
    } else {
        dollars(m)
    }
}

/// Dollars or a dash.
pub fn dollars_opt(m: Option<Money>) -> String {
    m.map_or_else(|| DASH.to_owned(), dollars)
}

/// Dollars with every significant decimal up to the money unit (fees: `$0.0007`).
pub fn dollars_exact(m: Money) -> String {
    let units = m.units();
    let sign = if units < 0 { MINUS } else { "" };
    format!("{sign}${}", decimal(units.unsigned_abs(), 6, 2))
}

/// Contracts in a narrow column: `999`, `12.3K`, `4.56M`.
pub fn count_compact(c: Count) -> String {
    let whole = c.units().unsigned_abs() / 100;
    let sign = if c.is_negative() { MINUS } else { "" };
    let text = if whole >= 1_000_000 {
        format!("{}M", decimal(whole / 10_000, 2, 0))
    } else if whole >= 100_000 {
        format!("{}K", decimal(whole / 100, 1, 0))
    } else {
        return count(c);
    };
    format!("{sign}{text}")
}

/// Which way a figure moved, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Rose.
    Up,
    /// Fell.
    Down,
    /// Unchanged.
    Flat,
}

impl Direction {
    /// The CSS class that colours it.
    pub fn class(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
            Self::Flat => "flat",
        }
    }
}

/// The 24h change `last − previous` in cents with its sign: `+3¢`, `−0.5¢`, `0¢`; `None`
/// when either price is unknown.
pub fn change(last: Option<Price>, previous: Option<Price>) -> Option<(String, Direction)> {
    let diff = last?.units() - previous?.units();
    let text = decimal(diff.unsigned_abs(), 2, 0);
    Some(match diff.cmp(&0) {
        std::cmp::Ordering::Greater => (format!("+{text}¢"), Direction::Up),
        std::cmp::Ordering::Less => (format!("{MINUS}{text}¢"), Direction::Down),
        std::cmp::Ordering::Equal => ("0¢".to_owned(), Direction::Flat),
    })
}

/// How long ago: `0.4s`, `12s`, `3m`, `2h`, `5d`.
pub fn age(ms: u64) -> String {
    if ms < 10_000 {
        format!("{}.{}s", ms / 1000, (ms % 1000) / 100)
    } else if ms < 60_000 {
        format!("{}s", ms / 1000)
    } else if ms < 3_600_000 {
        format!("{}m", ms / 60_000)
    } else if ms < 86_400_000 {
        format!("{}h", ms / 3_600_000)
    } else {
        format!("{}d", ms / 86_400_000)
    }
}

/// Time left until `close_ms`: `2d 4h`, `3h 12m`, `45m`, `30s`, or `closed`.
pub fn time_left(close_ms: i64, now_ms: i64) -> String {
    let left = close_ms - now_ms;
    if left <= 0 {
        return "closed".to_owned();
    }
    let secs = left / 1000;
    let (d, h, m) = (secs / 86_400, (secs / 3600) % 24, (secs / 60) % 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{secs}s")
    }
}

/// Civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (year, month as u32, day as u32)
}

/// `2026-08-28 14:05` in the zone `offset_min` minutes east of UTC.
pub fn datetime(ms: i64, offset_min: i64) -> String {
    let local = ms.div_euclid(1000) + offset_min * 60;
    let (y, mo, d) = civil(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60
    )
}

/// `14:05:09` in the zone `offset_min` minutes east of UTC (the trades tape).
pub fn clock(ms: i64, offset_min: i64) -> String {
    let secs = (ms.div_euclid(1000) + offset_min * 60).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// `Aug 28` in the zone `offset_min` minutes east of UTC (chart axes).
pub fn short_date(ms: i64, offset_min: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let local = ms.div_euclid(1000) + offset_min * 60;
    let (_, mo, d) = civil(local.div_euclid(86_400));
    format!("{} {d}", MONTHS[(mo as usize).saturating_sub(1) % 12])
}

/// Reads a price typed in cents (`56`, `56.5`, `0.25`) exactly; `None` if it is not a
/// plain non-negative decimal with at most two decimals.
pub fn parse_cents(text: &str) -> Option<Price> {
    let text = text.trim().trim_end_matches('¢').trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || whole.len() > 4 || frac.len() > 2 {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.ends_with('.') {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac_units: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    Some(Price::from_units(whole * 100 + frac_units))
}

/// Reads a whole number of contracts (`10`, `1,000`); `None` otherwise.
pub fn parse_whole_count(text: &str) -> Option<Count> {
    let text: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok().map(Count::from_contracts)
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
    fn absent_and_typed_prices() {
        assert_eq!(cents_opt(None), DASH);
        assert_eq!(cents_input(p("0.565")), "56.5");
    }

    #[test]
    fn signed_exact_and_per_contract_money() {
        assert_eq!(dollars_signed(m("12")), "+$12.00");
        assert_eq!(dollars_signed(m("-3.5")), "\u{2212}$3.50");
        assert_eq!(dollars_signed(Money::ZERO), "$0.00");
        assert_eq!(dollars_exact(m("0.0007")), "$0.0007");
        assert_eq!(dollars_exact(m("1.5")), "$1.50");
        assert_eq!(money_cents(m("0.563333")), "56.3¢");
        assert_eq!(money_cents(m("0.56")), "56¢");
    }

    #[test]
    fn large_counts_compact() {
        assert_eq!(count_compact(c("99999")), "99,999");
        assert_eq!(count_compact(c("123456")), "123.4K");
        assert_eq!(count_compact(c("4567890")), "4.56M");
    }

    #[test]
    fn changes_are_signed_cents() {
        assert_eq!(
            change(Some(p("0.59")), Some(p("0.56"))),
            Some(("+3¢".to_owned(), Direction::Up))
        );
        assert_eq!(
            change(Some(p("0.555")), Some(p("0.56"))),
            Some(("\u{2212}0.5¢".to_owned(), Direction::Down))
        );
        assert_eq!(
            change(Some(p("0.5")), Some(p("0.5"))),
            Some(("0¢".to_owned(), Direction::Flat))
        );
        assert_eq!(change(None, Some(p("0.5"))), None);
    }

    #[test]
    fn ages_and_countdowns() {
        assert_eq!(age(420), "0.4s");
        assert_eq!(age(12_000), "12s");
        assert_eq!(age(180_000), "3m");
        assert_eq!(age(7_200_000), "2h");
        assert_eq!(time_left(1_000, 2_000), "closed");
        assert_eq!(time_left(3 * 86_400_000 + 4 * 3_600_000 + 1, 0), "3d 4h");
        assert_eq!(time_left(3_600_000 + 12 * 60_000, 0), "1h 12m");
        assert_eq!(time_left(45 * 60_000, 0), "45m");
        assert_eq!(time_left(30_000, 0), "30s");
    }

    #[test]
    fn dates_are_civil_in_the_given_zone() {
        // 2026-08-28T14:05:09Z
        let ms = 1_787_925_909_000;
        assert_eq!(datetime(ms, 0), "2026-08-28 14:05");
        assert_eq!(datetime(ms, -240), "2026-08-28 10:05");
        assert_eq!(datetime(0, 0), "1970-01-01 00:00");
        assert_eq!(clock(ms, 0), "14:05:09");
        assert_eq!(short_date(ms, 0), "Aug 28");
        assert_eq!(datetime(951_782_400_000, 0), "2000-02-29 00:00", "leap day");
    }

    #[test]
    fn typed_cents_parse_exactly_or_not_at_all() {
        assert_eq!(parse_cents("56"), Some(p("0.56")));
        assert_eq!(parse_cents("56.5"), Some(p("0.565")));
        assert_eq!(parse_cents(" 0.25 "), Some(p("0.0025")));
        assert_eq!(parse_cents("56¢"), Some(p("0.56")));
        for bad in ["", "-5", "5.", ".5", "56.555", "1e2", "abc", "5 6"] {
            assert_eq!(parse_cents(bad), None, "{bad:?}");
        }
        assert_eq!(parse_whole_count("1,000"), Some(c("1000")));
        assert_eq!(parse_whole_count("0"), Some(Count::ZERO));
        for bad in ["", "1.5", "-3", "x"] {
            assert_eq!(parse_whole_count(bad), None, "{bad:?}");
        }
    }
}
