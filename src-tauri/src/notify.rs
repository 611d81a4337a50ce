//! A system notification per fill: the notifier reads fills off the app's [`Bus`], groups
//! those within one second ([`group`]), words them ([`text`]) and shows them through
//! tauri-plugin-notification (on Linux a D-Bus `org.freedesktop.Notifications.Notify`).
//!
//! Core decides what is a new fill (each is announced once, live or by a catch-up; a bulk
//! history import is one `HistoryImported` event and notifies nothing); the shell decides
//! how to show it, and whether to: [`Settings::notifications`] turns them off and the tray's
//! [`Pause`] holds them for the rest of the run.

pub mod group;
pub mod text;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ipc::commands::settings::Settings;
use ipc::events::{AppEvent, FillOrigin};
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::{NotificationExt, PermissionState};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::bus::Bus;
use group::Grouper;
use text::{Labels, Notice};

/// The tray's "Pause notifications" toggle, shared by the tray and the notifier.
#[derive(Debug, Clone, Default)]
pub struct Pause(Arc<AtomicBool>);

impl Pause {
    /// Pauses (`true`) or resumes notifications.
    pub fn set(&self, paused: bool) {
        self.0.store(paused, Ordering::Relaxed);
    }

    /// Whether notifications are paused.
    pub fn is_paused(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Where notices are shown. The app's is [`SystemToaster`]; the notifier does not care, so
/// its grouping and settings are tested without a notification server.
pub trait Toaster: Send + 'static {
    /// Shows one notice. Failures are the toaster's to log: a lost pop-up must not stop
    /// the notifier.
    fn show(&self, notice: &Notice);
}

/// The OS notification centre, through tauri-plugin-notification.
#[derive(Debug)]
pub struct SystemToaster<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Toaster for SystemToaster<R> {
    fn show(&self, notice: &Notice) {
        let shown = self
            .0
            .notification()
            .builder()
            .title(&notice.title)
            .body(&notice.body)
            .show();
        if let Err(e) = shown {
            tracing::warn!(error = %e, "could not show a fill notification");
        }
    }
}

/// Asks for permission to notify where the OS wants it asked (desktop platforms grant it;
/// the call is kept so a platform that starts asking is covered).
pub fn ask_permission<R: Runtime>(app: &AppHandle<R>) {
    let notifications = app.notification();
    match notifications.permission_state() {
        Ok(PermissionState::Granted) => {}
        Ok(_) => match notifications.request_permission() {
            Ok(state) => tracing::info!(?state, "asked for permission to notify"),
            Err(e) => tracing::warn!(error = %e, "could not ask for permission to notify"),
        },
        Err(e) => tracing::warn!(error = %e, "could not read the permission to notify"),
    }
}

/// Starts the notifier on Tauri's runtime; it runs for the life of the app.
pub fn spawn(bus: &Bus, pause: Pause, toaster: impl Toaster) {
    let (events, settings) = (bus.events(), bus.settings());
    tauri::async_runtime::spawn(run(events, settings, pause, toaster));
}

/// The notifier: until the event stream ends, groups each new fill with those of the same
/// second and shows one notice per group, unless notifications are off or paused (fills
/// seen meanwhile are dropped, not shown later).
pub async fn run(
    mut events: broadcast::Receiver<AppEvent>,
    settings: watch::Receiver<Settings>,
    pause: Pause,
    toaster: impl Toaster,
) {
    let enabled = || settings.borrow().notifications && !pause.is_paused();
    let mut labels = Labels::default();
    let mut grouper = Grouper::default();
    loop {
        let due = grouper.due();
        tokio::select! {
            received = events.recv() => match received {
                Ok(event) => {
                    labels.observe(&event);
                    let AppEvent::Fill(fill) = event else { continue };
                    if !notifies(fill.origin) {
                        continue;
                    }
                    if !enabled() {
                        grouper.clear();
                        continue;
                    }
                    if let Some(fills) = grouper.push(fill.fill, Instant::now()) {
                        show(&labels, &fills, &toaster);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the notifier fell behind; some fills were not notified");
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            () = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                if let Some(fills) = grouper.take_due(Instant::now())
                    && enabled()
                {
                    show(&labels, &fills, &toaster);
                }
            }
        }
    }
}

/// Which fills are news. Every origin today: a fill that happened while the app was away
/// is news too (a bulk history import is no fill event at all). Exhaustive, so a new
/// origin has to be decided on.
const fn notifies(origin: FillOrigin) -> bool {
    match origin {
        FillOrigin::Live | FillOrigin::CatchUp => true,
    }
}

fn show(labels: &Labels, fills: &[ipc::commands::history::FillView], toaster: &impl Toaster) {
    if let Some(notice) = labels.notice(fills) {
        tracing::debug!(fills = fills.len(), "notifying fills");
        toaster.show(&notice);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ipc::events::FillEvent;
    use tokio::sync::mpsc;

    use super::group::tests::fill;
    use super::*;

    /// Collects what would have popped up.
    struct Recorder(mpsc::UnboundedSender<Notice>);

    impl Toaster for Recorder {
        fn show(&self, notice: &Notice) {
            self.0.send(notice.clone()).unwrap();
        }
    }

    struct Harness {
        bus: Bus,
        pause: Pause,
        shown: mpsc::UnboundedReceiver<Notice>,
    }

    fn start() -> Harness {
        let bus = Bus::new(Settings::default());
        let pause = Pause::default();
        let (tx, shown) = mpsc::unbounded_channel();
        tokio::spawn(run(
            bus.events(),
            bus.settings(),
            pause.clone(),
            Recorder(tx),
        ));
        Harness { bus, pause, shown }
    }

    fn live(id: &str) -> AppEvent {
        AppEvent::Fill(FillEvent {
            fill: fill(id, "KXBTC"),
            origin: FillOrigin::Live,
        })
    }

    /// Lets the notifier take everything published so far (the clock is paused, so time
    /// only moves when every task waits).
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn fills_within_one_second_make_one_notice_after_that_second() {
        let mut h = start();
        settle().await;
        let t0 = Instant::now();
        h.bus.publish(live("a"));
        settle().await;
        tokio::time::advance(Duration::from_millis(400)).await;
        h.bus.publish(live("b"));
        h.bus.publish(AppEvent::Fill(FillEvent {
            fill: fill("c", "KXBTC"),
            origin: FillOrigin::CatchUp,
        }));
        settle().await;
        assert!(
            h.shown.try_recv().is_err(),
            "held for the rest of the second"
        );
        let notice = h.shown.recv().await.unwrap();
        assert_eq!(
            Instant::now() - t0,
            group::WINDOW,
            "shown when the second ends"
        );
        assert_eq!(notice.title, "3 fills in KXBTC");

        tokio::time::advance(Duration::from_secs(5)).await;
        h.bus.publish(live("d"));
        let notice = h.shown.recv().await.unwrap();
        assert_eq!(notice.title, "Filled: KXBTC", "a later fill is alone");
        assert_eq!(notice.body, "Buy Yes 1 at 40¢");
    }

    #[tokio::test(start_paused = true)]
    async fn the_setting_and_the_pause_silence_fills() {
        let mut h = start();
        settle().await;
        h.bus.set_settings(Settings {
            notifications: false,
            ..Settings::default()
        });
        h.bus.publish(live("off"));
        settle().await;
        tokio::time::advance(Duration::from_secs(2)).await;
        settle().await;
        assert!(h.shown.try_recv().is_err(), "notifications are off");

        h.bus.set_settings(Settings::default());
        h.pause.set(true);
        h.bus.publish(live("paused"));
        settle().await;
        tokio::time::advance(Duration::from_secs(2)).await;
        settle().await;
        assert!(h.shown.try_recv().is_err(), "paused from the tray");

        h.pause.set(false);
        h.bus.publish(live("on"));
        let notice = h.shown.recv().await.unwrap();
        assert_eq!(notice.title, "Filled: KXBTC");
        settle().await;
        assert!(
            h.shown.try_recv().is_err(),
            "the silenced fills are not shown late"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn turning_notifications_off_drops_a_waiting_group() {
        let mut h = start();
        settle().await;
        h.bus.publish(live("a"));
        settle().await;
        h.bus.set_settings(Settings {
            notifications: false,
            ..Settings::default()
        });
        tokio::time::advance(Duration::from_secs(2)).await;
        settle().await;
        assert!(
            h.shown.try_recv().is_err(),
            "turned off before it was shown"
        );
    }
}
