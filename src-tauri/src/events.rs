//! The app-wide event stream: each session's core events, in the UI's shape, published
//! on the [`Bus`] (tray, notifications) and sent to every window that subscribed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use desk_core::Session;
use desk_core::ipc_view::EventMapper;
use tauri::ipc::Channel;
use tokio::sync::broadcast::error::RecvError;

use crate::bus::Bus;

/// The windows' event channels, by window label: a new subscription of a window replaces
/// its old one (a reloaded page).
#[derive(Default)]
pub struct Subscribers {
    channels: Mutex<HashMap<String, Channel<ipc::AppEvent>>>,
}

impl std::fmt::Debug for Subscribers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let windows: Vec<String> = self.lock().keys().cloned().collect();
        f.debug_struct("Subscribers")
            .field("windows", &windows)
            .finish()
    }
}

impl Subscribers {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Channel<ipc::AppEvent>>> {
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends every later event to `channel` for window `label`.
    pub fn subscribe(&self, label: &str, channel: Channel<ipc::AppEvent>) {
        self.lock().insert(label.to_owned(), channel);
    }

    /// Forgets window `label` (it closed).
    pub fn remove(&self, label: &str) {
        self.lock().remove(label);
    }

    /// Sends `event` to every window; a channel that fails (window gone) is dropped.
    pub fn send(&self, event: &ipc::AppEvent) {
        self.lock()
            .retain(|label, channel| match channel.send(event.clone()) {
                Ok(()) => true,
                Err(e) => {
                    tracing::debug!(window = %label, error = %e, "event channel closed");
                    false
                }
            });
    }
}

/// How long ago the exchange last sent anything.
pub(crate) fn last_message_age_ms(session: &Session) -> Option<u64> {
    session
        .last_message_age()
        .map(|age| u64::try_from(age.as_millis()).unwrap_or(u64::MAX))
}

/// How often the status bar's "last message N s ago" is brought up to date while a
/// session is open (core announces connection changes, not every frame).
const CONNECTION_TICK: std::time::Duration = std::time::Duration::from_secs(2);

/// Forwards `session`'s events until the session is gone, plus a connection status every
/// two seconds, so the last-message age the UI shows is never older than that.
pub fn forward(session: &Arc<Session>, bus: Arc<Bus>, subscribers: Arc<Subscribers>) {
    let mut events = session.events();
    let weak = Arc::downgrade(session);
    tauri::async_runtime::spawn(async move {
        let mut mapper = EventMapper::new();
        let mut tick = tokio::time::interval(CONNECTION_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let event = tokio::select! {
                received = events.recv() => match received {
                    Ok(event) => event,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "the event forwarder fell behind");
                        continue;
                    }
                    Err(RecvError::Closed) => return,
                },
                _ = tick.tick() => match weak.upgrade() {
                    Some(session) => desk_core::AppEvent::Connection(connection_now(&session)),
                    None => return,
                },
            };
            let age = match weak.upgrade() {
                Some(session) => last_message_age_ms(&session),
                None => return,
            };
            for ui_event in mapper.map(&event, age) {
                bus.publish(ui_event.clone());
                subscribers.send(&ui_event);
            }
        }
    });
}

/// The session's connection as core would announce it, as of now.
pub(crate) fn connection_now(session: &Session) -> desk_core::ConnectionStatus {
    let status = session.status();
    desk_core::ConnectionStatus {
        state: status.connection.clone(),
        offline: status.offline,
        last_message_age: session.last_message_age(),
    }
}
