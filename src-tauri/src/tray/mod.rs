//! The tray icon: the connection's state at a glance (connected, reconnecting, offline),
//! and a menu with show/hide, the state line, the last fills, pause notifications, the
//! environment and quit.
//!
//! [`model`] turns what the tray knows into a menu tree (pure, tested headless),
//! [`render`] draws it with Tauri's tray, and a task keeps it current from the [`Bus`].
//! What differs per OS lives in `linux.rs` (AppIndicator: no click events, the menu opens on
//! any click) and `other.rs` (Windows, macOS: a left click shows or hides the window).
//!
//! Switching environment is the command layer's job (it confirms Production first), so the
//! tray only shows the window and emits [`SWITCH_ENVIRONMENT_EVENT`] with the environment
//! (`"simulator"`, `"demo"`, `"production"`), for the UI (or a Rust listener) to act on.

pub mod model;
pub mod render;

#[cfg(target_os = "linux")]
#[path = "linux.rs"]
mod platform;
#[cfg(not(target_os = "linux"))]
#[path = "other.rs"]
mod platform;

use std::sync::Arc;
use std::time::Duration;

use ipc::commands::environment::Environment;
use ipc::commands::settings::Settings;
use ipc::events::AppEvent;
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter as _, Runtime};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::bus::Bus;
use crate::notify::Pause;
use crate::notify::text::Labels;
use crate::window;
use model::{MenuId, TrayState, shorten};
use render::Drawn;

/// The tray icon's id.
pub const TRAY_ID: &str = "main";

/// The Tauri event the tray emits when the person picks an environment; its payload is
/// the `ipc` [`Environment`] (`"simulator"`, `"demo"` or `"production"`).
pub const SWITCH_ENVIRONMENT_EVENT: &str = "tray-switch-environment";

/// How often the state line's "last message N s ago" is brought up to date.
const TICK: Duration = Duration::from_secs(5);

/// Asks the tray to redraw (e.g. the window was hidden by its close button, so "Hide"
/// must now read "Show").
#[derive(Debug, Clone, Default)]
pub struct Redraw(Arc<tokio::sync::Notify>);

impl Redraw {
    /// Redraws the tray soon.
    pub fn request(&self) {
        self.0.notify_one();
    }
}

/// Creates the tray and starts the task that keeps it current.
///
/// # Errors
/// When the tray cannot be made (e.g. no StatusNotifier host on a Linux desktop); the app
/// then runs without a tray, and closing the window quits it.
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    bus: &Bus,
    pause: Pause,
    redraw: Redraw,
) -> tauri::Result<()> {
    let state = TrayState {
        environment: *bus.environment().borrow(),
        paused: pause.is_paused(),
        notifications: bus.settings().borrow().notifications,
        window_visible: window::is_visible(app),
        ..TrayState::default()
    };
    let drawn = render::menu(app, &state.menu(state.status_line(None)))?;
    let on_menu = {
        let (pause, redraw) = (pause.clone(), redraw.clone());
        move |app: &AppHandle<R>, event: tauri::menu::MenuEvent| {
            clicked(app, event.id().as_ref(), &pause);
            redraw.request();
        }
    };
    let builder = TrayIconBuilder::with_id(TRAY_ID)
        .icon(render::icon(state.health())?)
        .tooltip("Kalshi Desk")
        .menu(&drawn.menu)
        .on_menu_event(on_menu);
    let tray = platform::configure(builder, redraw.clone()).build(app)?;
    let task = Task {
        app: app.clone(),
        tray,
        drawn,
        state,
        labels: Labels::default(),
        last_message: None,
        pause,
    };
    tauri::async_runtime::spawn(task.run(bus.events(), bus.settings(), bus.environment(), redraw));
    Ok(())
}

/// Carries out a menu click.
fn clicked<R: Runtime>(app: &AppHandle<R>, id: &str, pause: &Pause) {
    match MenuId::parse(id) {
        Some(MenuId::ShowHide) => window::toggle(app),
        Some(MenuId::PauseNotifications) => {
            pause.set(!pause.is_paused());
            tracing::info!(
                paused = pause.is_paused(),
                "notifications paused from the tray"
            );
        }
        Some(MenuId::Environment(environment)) => switch_environment(app, environment),
        Some(MenuId::Quit) => {
            tracing::info!("quit from the tray");
            // Exit runs the app's exit handling (RunEvent::Exit), where the session closes.
            app.exit(0);
        }
        Some(MenuId::Status | MenuId::Fill) | None => {}
    }
}

fn switch_environment<R: Runtime>(app: &AppHandle<R>, environment: Environment) {
    // The window shows, since switching may ask something (Production's confirmation).
    window::show(app);
    if let Err(e) = app.emit(SWITCH_ENVIRONMENT_EVENT, environment) {
        tracing::warn!(error = %e, "could not ask for the environment switch");
    }
}

struct Task<R: Runtime> {
    app: AppHandle<R>,
    tray: TrayIcon<R>,
    drawn: Drawn<R>,
    state: TrayState,
    labels: Labels,
    /// The last message's age as reported, and when that report arrived.
    last_message: Option<(Duration, Instant)>,
    pause: Pause,
}

impl<R: Runtime> Task<R> {
    async fn run(
        mut self,
        mut events: broadcast::Receiver<AppEvent>,
        mut settings: watch::Receiver<Settings>,
        mut environment: watch::Receiver<Option<Environment>>,
        redraw: Redraw,
    ) {
        let mut tick = tokio::time::interval(TICK);
        loop {
            let rebuild = tokio::select! {
                received = events.recv() => match received {
                    Ok(event) => self.observe(event),
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                Ok(()) = settings.changed() => {
                    self.state.notifications = settings.borrow_and_update().notifications;
                    true
                }
                Ok(()) = environment.changed() => {
                    self.state.environment = *environment.borrow_and_update();
                    if self.state.environment.is_none() {
                        self.state.connection = None;
                        self.last_message = None;
                    }
                    true
                }
                () = redraw.0.notified() => true,
                _ = tick.tick() => false,
            };
            self.draw(rebuild);
        }
    }

    /// Takes in one event; true when the menu's structure or the icon may change.
    fn observe(&mut self, event: AppEvent) -> bool {
        self.labels.observe(&event);
        match event {
            AppEvent::Connection(status) => {
                self.last_message = status
                    .last_message_age_ms
                    .map(|ms| (Duration::from_millis(ms), Instant::now()));
                self.state.connection = Some(status);
                true
            }
            AppEvent::Fill(fill) => {
                let line = format!(
                    "{}: {}",
                    shorten(self.labels.market_name(&fill.fill.ticker)),
                    self.labels.trade(&fill.fill)
                );
                self.state.add_fill(line);
                true
            }
            _ => false,
        }
    }

    fn draw(&mut self, rebuild: bool) {
        self.state.paused = self.pause.is_paused();
        self.state.window_visible = window::is_visible(&self.app);
        let age = self.last_message.map(|(age, at)| age + at.elapsed());
        let line = self.state.status_line(age);
        if let Err(e) = self.tray.set_tooltip(Some(format!("Kalshi Desk: {line}"))) {
            tracing::debug!(error = %e, "tray tooltip not set");
        }
        if !rebuild {
            if let Some(status) = &self.drawn.status
                && let Err(e) = status.set_text(&line)
            {
                tracing::debug!(error = %e, "tray state line not updated");
            }
            return;
        }
        let drawn = render::menu(&self.app, &self.state.menu(line));
        let icon = render::icon(self.state.health());
        let result = drawn.and_then(|drawn| {
            self.tray.set_menu(Some(drawn.menu.clone()))?;
            self.tray.set_icon(Some(icon?))?;
            self.drawn = drawn;
            Ok(())
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not update the tray");
        }
    }
}
