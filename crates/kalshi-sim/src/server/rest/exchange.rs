//! `/exchange/*`: status (reflects the paused fault), schedule and the user-data timestamp.

use axum::Json;
use axum::extract::State;
use kalshi::model::exchange::{
    DailySchedule, ExchangeIndexStatus, ExchangeStatus, GetExchangeScheduleResponse,
    GetUserDataTimestampResponse, Schedule, WeeklySchedule,
};

use crate::server::convert::{EXCHANGE_INDEX, time_of};
use crate::server::state::SharedState;

/// How far ahead of a pause the status estimates the exchange is back (a guess, as
/// Kalshi's own estimate is).
const PAUSE_ESTIMATE_MS: i64 = 5 * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// `GET /exchange/status`: up unless the exchange-paused fault is on.
pub(crate) async fn status(State(state): State<SharedState>) -> Json<ExchangeStatus> {
    let active = !state.faults.exchange_paused();
    let resume = (!active).then(|| time_of(state.clock.now_ms() + PAUSE_ESTIMATE_MS));
    Json(ExchangeStatus {
        exchange_active: active,
        trading_active: active,
        intra_exchange_transfers_active: Some(active),
        exchange_estimated_resume_time: resume,
        exchange_index_statuses: Some(vec![ExchangeIndexStatus {
            exchange_index: EXCHANGE_INDEX,
            description: "Default".to_owned(),
            exchange_active: active,
            trading_active: active,
            intra_exchange_transfers_active: active,
        }]),
    })
}

/// `GET /exchange/schedule`: the simulator trades around the clock and plans no
/// maintenance (faults pause it instead).
pub(crate) async fn schedule(
    State(state): State<SharedState>,
) -> Json<GetExchangeScheduleResponse> {
    let now = state.clock.now_ms();
    let all_day = || {
        vec![DailySchedule {
            open_time: "00:00".to_owned(),
            close_time: "23:59".to_owned(),
        }]
    };
    Json(GetExchangeScheduleResponse {
        schedule: Schedule {
            standard_hours: vec![WeeklySchedule {
                start_time: time_of(now - now.rem_euclid(DAY_MS)),
                end_time: time_of(now - now.rem_euclid(DAY_MS) + 365 * DAY_MS),
                monday: all_day(),
                tuesday: all_day(),
                wednesday: all_day(),
                thursday: all_day(),
                friday: all_day(),
                saturday: all_day(),
                sunday: all_day(),
            }],
            maintenance_windows: Vec::new(),
        },
    })
}

/// `GET /exchange/user_data_timestamp`: portfolio reads are never stale in the simulator.
pub(crate) async fn user_data_timestamp(
    State(state): State<SharedState>,
) -> Json<GetUserDataTimestampResponse> {
    Json(GetUserDataTimestampResponse {
        as_of_time: time_of(state.clock.now_ms()),
    })
}
