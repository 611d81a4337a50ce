//! The shell's app-wide state streams, shared by the command layer (which writes them)
//! and the desktop parts (tray, notifications, window), which only read them.
//!
//! Sessions come and go as the person switches environment; the bus does not. The command
//! layer forwards every event of the current session into [`Bus::events`] (already mapped
//! to the UI's `ipc` shape) and publishes the settings and the connection state whenever
//! they change, so a reader subscribes once at start and never misses a switch.

use ipc::commands::environment::Environment;
use ipc::commands::settings::Settings;
use ipc::events::AppEvent;
use tokio::sync::{broadcast, watch};

/// Events buffered per reader before a slow one lags (it then re-reads state).
const EVENT_CAPACITY: usize = 4096;

/// The app-wide streams. Cheap to share behind an `Arc` (Tauri's managed state).
#[derive(Debug)]
pub struct Bus {
    events: broadcast::Sender<AppEvent>,
    settings: watch::Sender<Settings>,
    environment: watch::Sender<Option<Environment>>,
}

impl Bus {
    /// A bus with `settings` as loaded at start and no session yet.
    pub fn new(settings: Settings) -> Self {
        Self {
            events: broadcast::channel(EVENT_CAPACITY).0,
            settings: watch::channel(settings).0,
            environment: watch::channel(None).0,
        }
    }

    /// Publishes one event of the current session, in the UI's shape.
    pub fn publish(&self, event: AppEvent) {
        // No receiver (no window, no tray yet) is fine.
        let _ = self.events.send(event);
    }

    /// Every event from now on, whatever session produces it.
    pub fn events(&self) -> broadcast::Receiver<AppEvent> {
        self.events.subscribe()
    }

    /// Replaces the settings (after the person saved them).
    pub fn set_settings(&self, settings: Settings) {
        self.settings.send_replace(settings);
    }

    /// The settings now and as they change.
    pub fn settings(&self) -> watch::Receiver<Settings> {
        self.settings.subscribe()
    }

    /// Records which environment's session is open (`None` while none is).
    pub fn set_environment(&self, environment: Option<Environment>) {
        self.environment.send_replace(environment);
    }

    /// The open environment now and as it changes.
    pub fn environment(&self) -> watch::Receiver<Option<Environment>> {
        self.environment.subscribe()
    }
}
