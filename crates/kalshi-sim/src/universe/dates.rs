//! Calendar helpers for the universe: Kalshi-style ticker date codes (`26NOV27`,
//! `26NOV2717`, `26DEC`) and human dates for titles, all from engine milliseconds.

use time::{Date, Month, OffsetDateTime, Time};

/// Milliseconds in a minute, hour and day.
pub(crate) const MINUTE_MS: i64 = 60_000;
pub(crate) const HOUR_MS: i64 = 60 * MINUTE_MS;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

/// The UTC date-time of `ms` (clamped to what `time` can represent).
pub(crate) fn datetime(ms: i64) -> OffsetDateTime {
    let secs = ms.div_euclid(1_000);
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn month_code(m: Month) -> &'static str {
    match m {
        Month::January => "JAN",
        Month::February => "FEB",
        Month::March => "MAR",
        Month::April => "APR",
        Month::May => "MAY",
        Month::June => "JUN",
        Month::July => "JUL",
        Month::August => "AUG",
        Month::September => "SEP",
        Month::October => "OCT",
        Month::November => "NOV",
        Month::December => "DEC",
    }
}

fn month_name(m: Month) -> &'static str {
    match m {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

/// `26NOV27`.
pub(crate) fn day_code(ms: i64) -> String {
    let d = datetime(ms);
    format!(
        "{:02}{}{:02}",
        d.year().rem_euclid(100),
        month_code(d.month()),
        d.day()
    )
}

/// `26NOV2717` (hour) or `26NOV271715` (hour and minute).
pub(crate) fn hour_code(ms: i64, with_minute: bool) -> String {
    let d = datetime(ms);
    if with_minute {
        format!("{}{:02}{:02}", day_code(ms), d.hour(), d.minute())
    } else {
        format!("{}{:02}", day_code(ms), d.hour())
    }
}

/// `26DEC`.
pub(crate) fn month_code_of(ms: i64) -> String {
    let d = datetime(ms);
    format!("{:02}{}", d.year().rem_euclid(100), month_code(d.month()))
}

/// `Nov 27, 2026`.
pub(crate) fn human_day(ms: i64) -> String {
    let d = datetime(ms);
    format!("{} {}, {}", &month_name(d.month())[..3], d.day(), d.year())
}

/// `Nov 27, 2026 17:15 UTC`.
pub(crate) fn human_time(ms: i64) -> String {
    let d = datetime(ms);
    format!("{} {:02}:{:02} UTC", human_day(ms), d.hour(), d.minute())
}

/// `December 2026`.
pub(crate) fn human_month(ms: i64) -> String {
    let d = datetime(ms);
    format!("{} {}", month_name(d.month()), d.year())
}

/// Midnight UTC of the day containing `ms`.
pub(crate) fn start_of_day(ms: i64) -> i64 {
    ms - ms.rem_euclid(DAY_MS)
}

/// Midnight UTC on the first day of the month `months_ahead` after the one containing `ms`.
pub(crate) fn first_of_month(ms: i64, months_ahead: u32) -> i64 {
    let d = datetime(ms);
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months_ahead as i32;
    let year = index.div_euclid(12);
    let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    let month = Month::try_from(month).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, 1)
        .map(|date| date.with_time(Time::MIDNIGHT).assume_utc())
        .map(|dt| dt.unix_timestamp() * 1_000)
        .unwrap_or(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-27T17:15:00Z.
    const T: i64 = 1_795_799_700_000;

    #[test]
    fn ticker_date_codes_follow_kalshi() {
        assert_eq!(day_code(T), "26NOV27");
        assert_eq!(hour_code(T, false), "26NOV2717");
        assert_eq!(hour_code(T, true), "26NOV271715");
        assert_eq!(month_code_of(T), "26NOV");
    }

    #[test]
    fn human_dates_read_well() {
        assert_eq!(human_day(T), "Nov 27, 2026");
        assert_eq!(human_time(T), "Nov 27, 2026 17:15 UTC");
        assert_eq!(human_month(T), "November 2026");
    }

    #[test]
    fn month_arithmetic_rolls_over_years() {
        let jan = first_of_month(T, 2);
        assert_eq!(human_day(jan), "Jan 1, 2027");
        assert_eq!(start_of_day(T) % DAY_MS, 0);
    }
}
