//! The server's background tasks: the clock tick that runs time-driven engine work, the
//! activity driver, the periodic WS drop of the fault plan, and the state file saver. All are registered with
//! the state so shutdown joins them.

use std::time::Duration;

use tokio::time::{MissedTickBehavior, interval};

use super::state::SharedState;

/// How often due expiries, closes and settlements run without a request to trigger them,
/// and the roll-in checks that enough markets are open.
const CLOCK_TICK: Duration = Duration::from_millis(200);
/// Save intervals between two saves of changes only the bots or the clock made (a busy
/// default universe changes every few milliseconds; its file is megabytes).
const BACKGROUND_SAVE_TICKS: u32 = 30;
/// Shortest accepted save interval (a zero would spin).
const MIN_SAVE_INTERVAL: Duration = Duration::from_millis(10);
/// Granularity of the activity driver.
const ACTIVITY_TICK: Duration = Duration::from_millis(50);

/// Starts every background task.
pub(crate) fn start(state: &SharedState, activity_rate: u32) {
    state.spawn(clock(state.clone()));
    state.spawn(drop_timer(state.clone()));
    if activity_rate > 0 {
        state.spawn(activity(state.clone(), activity_rate));
    }
    if let Some(every) = state.save_interval() {
        state.spawn(saver(state.clone(), every));
    }
}

/// Writes the state file at most once per `every` when a request changed something, and
/// every [`BACKGROUND_SAVE_TICKS`] intervals when only the bots or the clock did. The
/// final save happens in `SimHandle::shutdown`, after every other task has stopped.
async fn saver(state: SharedState, every: Duration) {
    let stop = state.shutdown_signal();
    tokio::pin!(stop);
    let mut tick = interval(every.max(MIN_SAVE_INTERVAL));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut since_save: u32 = 0;
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {
                since_save = since_save.saturating_add(1);
                let background_due = since_save >= BACKGROUND_SAVE_TICKS;
                let saving = state.clone();
                let saved = tokio::task::spawn_blocking(move || {
                    saving.save_if_changed(background_due)
                })
                .await;
                match saved {
                    Ok(Ok(wrote)) => {
                        if wrote {
                            since_save = 0;
                        }
                    }
                    Ok(Err(e)) => tracing::error!(error = %e, "saving the state file failed"),
                    Err(e) => tracing::error!(error = %e, "the save task failed"),
                }
            }
        }
    }
}

async fn clock(state: SharedState) {
    let stop = state.shutdown_signal();
    tokio::pin!(stop);
    let mut tick = interval(CLOCK_TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {
                state.maintain();
            }
        }
    }
}

/// Generates `rate` activity messages per second, spread over short ticks.
async fn activity(state: SharedState, rate: u32) {
    let stop = state.shutdown_signal();
    tokio::pin!(stop);
    let mut tick = interval(ACTIVITY_TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let per_tick_millis = u64::from(rate) * ACTIVITY_TICK.as_millis() as u64;
    // Budget in thousandths of a message, so fractional rates per tick accumulate.
    let mut budget: u64 = 0;
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {
                budget += per_tick_millis;
                let steps = budget / 1000;
                budget %= 1000;
                if steps > 0 {
                    state.step_activity(u32::try_from(steps).unwrap_or(u32::MAX));
                }
            }
        }
    }
}

/// Closes every WS connection every `drop_ws_every_ms` (when non-zero), restarting the
/// period whenever the setting changes.
async fn drop_timer(state: SharedState) {
    let stop = state.shutdown_signal();
    tokio::pin!(stop);
    let mut every = state.faults.drop_every();
    loop {
        let period = *every.borrow_and_update();
        if period == 0 {
            tokio::select! {
                () = &mut stop => break,
                changed = every.changed() => if changed.is_err() { break },
            }
            continue;
        }
        tokio::select! {
            () = &mut stop => break,
            changed = every.changed() => if changed.is_err() { break },
            () = tokio::time::sleep(Duration::from_millis(period)) => {
                tracing::info!("fault plan: dropping every WS connection");
                state.faults.drop_ws_now();
            }
        }
    }
}
