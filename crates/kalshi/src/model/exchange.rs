//! Exchange-wide state: `GET /exchange/status`, `/exchange/schedule` and
//! `/exchange/user_data_timestamp`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// `GET /exchange/status`: whether the exchange and trading are up, so the app can explain
/// why orders are refused (maintenance, outside hours) instead of showing raw errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeStatus {
    /// False while the exchange accepts no state changes at all (maintenance).
    pub exchange_active: bool,
    /// False outside trading hours or during a trading pause.
    pub trading_active: bool,
    /// False while transfers between exchange shards are blocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intra_exchange_transfers_active: Option<bool>,
    /// Estimated end of the current maintenance (not guaranteed); `null` when none.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub exchange_estimated_resume_time: Option<OffsetDateTime>,
    /// Per-shard breakdown; absent when unavailable. Top-level fields describe shard 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index_statuses: Option<Vec<ExchangeIndexStatus>>,
}

/// Status of one exchange shard (`exchange_index`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeIndexStatus {
    /// Shard number (0 = default).
    pub exchange_index: i32,
    /// Human-readable shard name, e.g. `"Default"`.
    pub description: String,
    /// False while this shard accepts no state changes.
    pub exchange_active: bool,
    /// False while trading on this shard is paused or outside hours.
    pub trading_active: bool,
    /// False while transfers to/from this shard are blocked.
    pub intra_exchange_transfers_active: bool,
}

/// `GET /exchange/schedule` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetExchangeScheduleResponse {
    /// Trading hours and maintenance windows.
    pub schedule: Schedule,
}

/// Trading hours and planned maintenance, shown so users know when orders are accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Weekly trading hours, each valid for a date range (times in US Eastern).
    pub standard_hours: Vec<WeeklySchedule>,
    /// Planned maintenance windows.
    pub maintenance_windows: Vec<MaintenanceWindow>,
}

/// One week's trading sessions, valid between `start_time` and `end_time`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklySchedule {
    /// When this weekly schedule starts to apply.
    #[serde(with = "time::serde::rfc3339")]
    pub start_time: OffsetDateTime,
    /// When this weekly schedule stops applying.
    #[serde(with = "time::serde::rfc3339")]
    pub end_time: OffsetDateTime,
    /// Monday's sessions.
    pub monday: Vec<DailySchedule>,
    /// Tuesday's sessions.
    pub tuesday: Vec<DailySchedule>,
    /// Wednesday's sessions.
    pub wednesday: Vec<DailySchedule>,
    /// Thursday's sessions.
    pub thursday: Vec<DailySchedule>,
    /// Friday's sessions.
    pub friday: Vec<DailySchedule>,
    /// Saturday's sessions.
    pub saturday: Vec<DailySchedule>,
    /// Sunday's sessions.
    pub sunday: Vec<DailySchedule>,
}

/// One trading session within a day, as Kalshi's `"HH:MM"` US Eastern wall-clock labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySchedule {
    /// Opening time, `"HH:MM"` Eastern.
    pub open_time: String,
    /// Closing time, `"HH:MM"` Eastern.
    pub close_time: String,
}

/// A planned maintenance window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    /// Start of the window.
    #[serde(with = "time::serde::rfc3339")]
    pub start_datetime: OffsetDateTime,
    /// End of the window.
    #[serde(with = "time::serde::rfc3339")]
    pub end_datetime: OffsetDateTime,
}

/// `GET /exchange/user_data_timestamp`: how fresh the REST portfolio data is, since it lags
/// the matching engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetUserDataTimestampResponse {
    /// Approximate time balance, orders, fills and positions were last refreshed.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of_time: OffsetDateTime,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::test_support::{assert_canonical, assert_round_trip, ts};

    /// The example of kalshi-api.md §3.1.
    const STATUS_DOC: &str = r#"{ "exchange_active": true, "trading_active": true,
      "intra_exchange_transfers_active": true,
      "exchange_estimated_resume_time": null,
      "exchange_index_statuses": [ { "exchange_index": 0, "description": "Default",
          "exchange_active": true, "trading_active": true, "intra_exchange_transfers_active": true } ] }"#;

    #[test]
    fn status_doc_example_is_canonical() {
        let s: ExchangeStatus = assert_canonical(STATUS_DOC);
        assert!(s.exchange_active && s.trading_active);
        assert_eq!(s.exchange_estimated_resume_time, None);
        let idx = s.exchange_index_statuses.unwrap();
        assert_eq!(idx[0].exchange_index, 0);
        assert_eq!(idx[0].description, "Default");
    }

    #[test]
    fn status_fixture_during_maintenance() {
        let s: ExchangeStatus =
            assert_canonical(include_str!("../../test_data/rest/exchange_status.json"));
        assert!(!s.exchange_active);
        assert_eq!(
            s.exchange_estimated_resume_time,
            Some(ts("2026-08-27T09:00:00Z"))
        );
    }

    #[test]
    fn minimal_status_without_optional_fields() {
        let s: ExchangeStatus =
            assert_round_trip(r#"{"exchange_active":true,"trading_active":false}"#);
        assert!(!s.trading_active);
        assert_eq!(s.exchange_index_statuses, None);
    }

    #[test]
    fn schedule_fixture_is_canonical() {
        let r: GetExchangeScheduleResponse =
            assert_canonical(include_str!("../../test_data/rest/exchange_schedule.json"));
        let week = &r.schedule.standard_hours[0];
        assert_eq!(week.monday[0].open_time, "00:00");
        assert_eq!(week.thursday.len(), 2, "Thursday has a maintenance gap");
        assert_eq!(
            r.schedule.maintenance_windows[0].start_datetime,
            ts("2026-08-27T07:00:00Z")
        );
    }

    #[test]
    fn user_data_timestamp_keeps_fractional_seconds() {
        let r: GetUserDataTimestampResponse =
            assert_canonical(r#"{"as_of_time":"2026-05-31T23:34:49.912729Z"}"#);
        assert_eq!(r.as_of_time.microsecond(), 912_729);
    }
}
