//! The app shell: the state every page shares (route, session, settings, connection,
//! toasts, overlays), fed by the app-wide event stream, and the frame around the pages
//! (navigation, status bar, toasts, help, command palette, cancel-all confirmation and the
//! global shortcuts).

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::EventListener;
use ipc::commands::environment::{
    ConnectionStatus, Environment, GetSession, RequestSync, SessionInfo, SubscribeEvents,
};
use ipc::commands::orders::CancelAll;
use ipc::commands::settings::{GetSettings, SaveSettings, Settings, Theme};
use ipc::events::{OrderEvent, PositionEvent};
use ipc::{AppError, AppEvent};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::bindings::{Channel, invoke, invoke_with_channel};
use crate::components::overlays::{CancelAllDialog, HelpOverlay, Palette};
use crate::components::status_bar::StatusBar;
use crate::components::toasts::Toasts;
use crate::format;
use crate::keys;
use crate::live_orders::LiveOrders;
use crate::pages;

/// Where the person is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The markets list.
    Markets,
    /// One market.
    Market(String),
    /// Resting and recent orders.
    Orders,
    /// Balance, positions, P&L.
    Portfolio,
    /// Fills and orders from the store.
    History,
    /// Settings.
    Settings,
}

/// The pages reachable from the navigation, with their shortcut digit.
pub const NAV: [(Route, &str, &str); 5] = [
    (Route::Markets, "Markets", "1"),
    (Route::Orders, "Orders", "2"),
    (Route::Portfolio, "Portfolio", "3"),
    (Route::History, "History", "4"),
    (Route::Settings, "Settings", "5"),
];

/// A toast's meaning (its colour and how long it stays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// Something went wrong.
    Error,
    /// A fill or a completed action.
    Success,
    /// Neutral news.
    Info,
}

/// One toast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    /// Its id, for dismissing it.
    pub id: u64,
    /// Its meaning.
    pub kind: ToastKind,
    /// What it says.
    pub text: String,
}

/// The overlay in front of the page, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlay {
    /// None.
    #[default]
    None,
    /// The shortcut list.
    Help,
    /// The command palette.
    Palette,
    /// The cancel-all confirmation.
    CancelAll,
}

/// What the shell knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    /// The page shown.
    pub route: Option<Route>,
    /// The open session; `None` until the shell answers.
    pub session: Option<SessionInfo>,
    /// Why the session could not be read, if it could not.
    pub session_error: Option<AppError>,
    /// The settings, once read.
    pub settings: Option<Settings>,
    /// The latest connection status and when (our clock) it arrived.
    pub connection: Option<(ConnectionStatus, f64)>,
    /// Toasts on screen.
    pub toasts: Vec<Toast>,
    next_toast: u64,
    /// The overlay shown.
    pub overlay: Overlay,
    /// The latest event and its number, so pages can react to the ones they care about.
    pub event: Option<(u64, Rc<AppEvent>)>,
    /// Bumped on a new event that changes orders, positions or balance.
    pub account_seq: u64,
    /// This app's orders as their events tell them (drawn before the store's re-read).
    pub live_orders: Rc<LiveOrders>,
    /// Bumped on every market event.
    pub market_seq: u64,
    /// Bumped on every catch-up with the exchange. A counter, unlike the `event` field: a
    /// page that waits for a sync must not miss it when market events follow in the same
    /// tick and replace the latest event before the page renders.
    pub synced_seq: u64,
}

/// What changes the state.
// Actions live for one dispatch, a few a second at most: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Action {
    /// Show another page.
    Navigate(Route),
    /// The session was (re)read.
    Session(Result<SessionInfo, AppError>),
    /// The settings were (re)read or saved.
    Settings(Settings),
    /// An event from the stream.
    Event(AppEvent),
    /// Show a toast.
    Toast(ToastKind, String),
    /// Remove a toast.
    Dismiss(u64),
    /// Show or hide an overlay.
    Overlay(Overlay),
}

impl AppState {
    fn toast(&mut self, kind: ToastKind, text: String) {
        self.next_toast += 1;
        self.toasts.push(Toast {
            id: self.next_toast,
            kind,
            text,
        });
        if self.toasts.len() > 5 {
            self.toasts.remove(0);
        }
    }

    fn event(&mut self, event: AppEvent) {
        match &event {
            AppEvent::Connection(status) => {
                self.connection = Some((status.clone(), now_ms()));
                if let Some(s) = &mut self.session {
                    s.connection = status.clone();
                }
            }
            AppEvent::Fill(f) => {
                let fill = &f.fill;
                let price = match fill.outcome {
                    ipc::commands::orders::Outcome::Yes => fill.yes_price,
                    ipc::commands::orders::Outcome::No => fill.no_price,
                };
                self.toast(
                    ToastKind::Success,
                    format!(
                        "Filled {} {} @ {} · {}",
                        format::count(fill.count),
                        outcome_name(fill.outcome),
                        format::cents(price),
                        fill.ticker
                    ),
                );
                self.account_seq += 1;
            }
            AppEvent::Order(o) => {
                Rc::make_mut(&mut self.live_orders).apply(o);
                match o {
                    OrderEvent::Rejected { error, .. } => self.toast(
                        ToastKind::Error,
                        format!("Order rejected: {}", error.message),
                    ),
                    OrderEvent::Unconfirmed { error, .. } => self.toast(
                        ToastKind::Error,
                        format!("Order outcome unknown, checking: {}", error.message),
                    ),
                    OrderEvent::NotPlaced { reason, .. } => {
                        self.toast(ToastKind::Info, format!("Order not placed: {reason}"));
                    }
                    _ => {}
                }
                self.account_seq += 1;
            }
            AppEvent::Position(PositionEvent::Closed { ticker }) => {
                self.toast(ToastKind::Info, format!("Position closed · {ticker}"));
                self.account_seq += 1;
            }
            AppEvent::Position(_) | AppEvent::Balance(_) => self.account_seq += 1,
            AppEvent::HistoryImported(h) => {
                self.toast(
                    ToastKind::Info,
                    format!("Imported {} fills and {} orders", h.fills, h.orders),
                );
                self.account_seq += 1;
            }
            AppEvent::Synced(_) => {
                if let Some(s) = &mut self.session
                    && let AppEvent::Synced(sum) = &event
                {
                    s.last_synced_ms = Some(sum.at_ms);
                }
                self.account_seq += 1;
                self.synced_seq += 1;
            }
            AppEvent::Market(_) => self.market_seq += 1,
            AppEvent::Error(e) => self.toast(ToastKind::Error, e.message.clone()),
        }
        let n = self.event.as_ref().map_or(1, |(n, _)| n + 1);
        self.event = Some((n, Rc::new(event)));
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Navigate(r) => {
                s.route = Some(r);
                s.overlay = Overlay::None;
            }
            Action::Session(Ok(info)) => {
                // Another environment or key: the orders on their way were the old
                // session's, and its events will not come here.
                let same = s
                    .session
                    .as_ref()
                    .is_some_and(|old| old.environment == info.environment && old.key == info.key);
                if !same {
                    s.live_orders = Rc::default();
                }
                s.connection = Some((info.connection.clone(), now_ms()));
                s.session = Some(info);
                s.session_error = None;
            }
            Action::Session(Err(e)) => s.session_error = Some(e),
            Action::Settings(settings) => s.settings = Some(settings),
            Action::Event(e) => s.event(e),
            Action::Toast(kind, text) => s.toast(kind, text),
            Action::Dismiss(id) => s.toasts.retain(|t| t.id != id),
            Action::Overlay(o) => s.overlay = o,
        }
        Rc::new(s)
    }
}

/// What every component gets from the shell.
#[derive(Clone, PartialEq)]
pub struct AppCtx {
    /// The state and its dispatcher.
    pub state: UseReducerHandle<AppState>,
    /// True while an overlay is open: page shortcuts stand down.
    pub modal: Rc<Cell<bool>>,
}

impl AppCtx {
    /// Shows a toast.
    pub fn toast(&self, kind: ToastKind, text: impl Into<String>) {
        self.state.dispatch(Action::Toast(kind, text.into()));
    }

    /// Shows an error toast.
    pub fn error(&self, what: &str, e: &AppError) {
        self.toast(ToastKind::Error, format!("{what}: {}", e.message));
    }

    /// Goes to a page.
    pub fn go(&self, route: Route) {
        self.state.dispatch(Action::Navigate(route));
    }

    /// The environment of the open session.
    pub fn environment(&self) -> Option<Environment> {
        self.state.session.as_ref().map(|s| s.environment)
    }

    /// Saves new settings and shows the stored result (or the error).
    pub fn save_settings(&self, settings: Settings) {
        let ctx = self.clone();
        spawn_local(async move {
            match invoke(&SaveSettings { settings }).await {
                Ok(saved) => ctx.state.dispatch(Action::Settings(saved)),
                Err(e) => ctx.error("Settings not saved", &e),
            }
        });
    }
}

impl std::fmt::Debug for AppCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppCtx")
    }
}

/// The shell's context, for components.
#[hook]
pub fn use_app() -> AppCtx {
    use_context::<AppCtx>().unwrap_or_else(|| unreachable!("AppCtx is provided by App"))
}

/// Now, in Unix milliseconds (the webview's clock).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Minutes east of UTC of the person's zone, for times on screen.
pub fn tz_offset_min() -> i64 {
    // getTimezoneOffset is minutes *west* of UTC, a small integer.
    #[allow(clippy::cast_possible_truncation)]
    let west = js_sys::Date::new_0().get_timezone_offset() as i64;
    -west
}

/// `YES` / `NO`.
pub fn outcome_name(o: ipc::commands::orders::Outcome) -> &'static str {
    match o {
        ipc::commands::orders::Outcome::Yes => "YES",
        ipc::commands::orders::Outcome::No => "NO",
    }
}

/// True when a key press may run a page shortcut: no dialog open, no modifier, and
/// neither the event's target nor the focused element is a field ([`keys::page_shortcut`]).
pub fn shortcut(ctx: &AppCtx, e: &KeyboardEvent) -> bool {
    fn focus(el: Option<web_sys::Element>) -> Option<keys::Focus> {
        el.map(|el| keys::Focus {
            editable: el
                .dyn_ref::<web_sys::HtmlElement>()
                .is_some_and(web_sys::HtmlElement::is_content_editable),
            tag: el.tag_name(),
        })
    }
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    keys::page_shortcut(&keys::Press {
        target: focus(e.target().and_then(|t| t.dyn_into().ok())),
        active: focus(active),
        composing: e.is_composing(),
        modifier: e.ctrl_key() || e.meta_key() || e.alt_key(),
        modal: ctx.modal.get(),
    })
}

fn apply_theme(theme: Theme) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = match theme {
            Theme::System => root.remove_attribute("data-theme"),
            Theme::Light => root.set_attribute("data-theme", "light"),
            Theme::Dark => root.set_attribute("data-theme", "dark"),
        };
    }
}

/// Reads the session again (after switching environment, adding a key, …).
pub fn reload_session(ctx: &AppCtx) {
    let state = ctx.state.clone();
    spawn_local(async move {
        state.dispatch(Action::Session(invoke(&GetSession {}).await));
    });
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState {
        route: Some(Route::Markets),
        ..AppState::default()
    });
    let modal_flag = use_memo((), |_| Rc::new(Cell::new(false)));
    let ctx = AppCtx {
        state: state.clone(),
        modal: (*modal_flag).clone(),
    };
    ctx.modal.set(state.overlay != Overlay::None);

    // Start: session, settings, and the event stream (kept for the app's life).
    let channel = use_mut_ref(|| None::<Channel>);
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            reload_session(&ctx);
            let st = ctx.state.clone();
            let c2 = ctx.clone();
            spawn_local(async move {
                match invoke(&GetSettings {}).await {
                    Ok(s) => st.dispatch(Action::Settings(s)),
                    Err(e) => c2.error("Settings could not be read", &e),
                }
            });
            let dispatch = ctx.state.dispatcher();
            let c3 = ctx.clone();
            match Channel::new::<AppEvent>(move |msg| match msg {
                Ok(event) => dispatch.dispatch(Action::Event(event)),
                Err(e) => dispatch.dispatch(Action::Toast(ToastKind::Error, e.message)),
            }) {
                Ok(ch) => {
                    let id = ch.id();
                    *channel.borrow_mut() = Some(ch);
                    spawn_local(async move {
                        if let Err(e) = invoke_with_channel(&SubscribeEvents {}, id).await {
                            c3.error("Live updates unavailable", &e);
                        }
                    });
                }
                Err(e) => c3.error("Live updates unavailable", &e),
            }
        });
    }

    // Theme from the settings.
    let theme = state.settings.as_ref().map_or(Theme::System, |s| s.theme);
    use_effect_with(theme, |t| apply_theme(*t));

    // Global shortcuts.
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let listener = doc.map(|doc| {
                EventListener::new(&doc, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    global_key(&ctx, e);
                })
            });
            move || drop(listener)
        });
    }

    let route = state.route.clone().unwrap_or(Route::Markets);
    let page = match &route {
        Route::Markets => html! { <pages::markets::MarketsPage /> },
        Route::Market(t) => html! { <pages::market::MarketPage ticker={t.clone()} /> },
        Route::Orders => html! { <pages::orders::OrdersPage /> },
        Route::Portfolio => html! { <pages::portfolio::PortfolioPage /> },
        Route::History => html! { <pages::history::HistoryPage /> },
        Route::Settings => html! { <pages::settings::SettingsPage /> },
    };
    let env = ctx.environment();
    let nav = NAV.iter().map(|(r, label, key)| {
        let active = *r == route || (matches!(route, Route::Market(_)) && *r == Route::Markets);
        let go = {
            let ctx = ctx.clone();
            let r = r.clone();
            Callback::from(move |_| ctx.go(r.clone()))
        };
        html! {
            <button class={classes!("nav-item", active.then_some("active"))}
                aria-current={active.then_some("page")} onclick={go}
                title={format!("{label} ({key})")}>
                { *label }<kbd>{ *key }</kbd>
            </button>
        }
    });
    let open_palette = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.state.dispatch(Action::Overlay(Overlay::Palette)))
    };
    let open_help = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.state.dispatch(Action::Overlay(Overlay::Help)))
    };
    html! {
        <ContextProvider<AppCtx> context={ctx.clone()}>
            <div class={classes!("shell", (env == Some(Environment::Production)).then_some("is-production"))}>
                <header class="topbar">
                    <div class="brand"><span class="logo" aria-hidden="true">{"◆"}</span>{ "Kalshi Desk" }</div>
                    <nav class="nav" aria-label="Pages">{ for nav }</nav>
                    <div class="topbar-right">
                        <button class="palette-btn" onclick={open_palette}>
                            { "Jump to market…" }<kbd>{ "Ctrl K" }</kbd>
                        </button>
                        <button class="icon-btn" onclick={open_help} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{ "?" }</button>
                    </div>
                </header>
                <main class="page" id="page">{ page }</main>
                <StatusBar />
                <Toasts />
                {
                    match state.overlay {
                        Overlay::None => html! {},
                        Overlay::Help => html! { <HelpOverlay /> },
                        Overlay::Palette => html! { <Palette /> },
                        Overlay::CancelAll => html! { <CancelAllDialog /> },
                    }
                }
            </div>
        </ContextProvider<AppCtx>>
    }
}

fn global_key(ctx: &AppCtx, e: &KeyboardEvent) {
    let key = e.key();
    if (e.ctrl_key() || e.meta_key()) && key.eq_ignore_ascii_case("k") {
        e.prevent_default();
        ctx.state.dispatch(Action::Overlay(Overlay::Palette));
        return;
    }
    if key == "Escape" && ctx.state.overlay != Overlay::None {
        ctx.state.dispatch(Action::Overlay(Overlay::None));
        return;
    }
    if !shortcut(ctx, e) {
        return;
    }
    match key.as_str() {
        "?" => ctx.state.dispatch(Action::Overlay(Overlay::Help)),
        "X" => ctx.state.dispatch(Action::Overlay(Overlay::CancelAll)),
        "R" => {
            let ctx = ctx.clone();
            spawn_local(async move {
                match invoke(&RequestSync {}).await {
                    Ok(()) => ctx.toast(ToastKind::Info, "Syncing with the exchange…"),
                    Err(e) => ctx.error("Sync failed", &e),
                }
            });
        }
        k => {
            if let Some((r, _, _)) = NAV.iter().find(|(_, _, d)| *d == k) {
                e.prevent_default();
                ctx.go(r.clone());
            }
        }
    }
}

/// Cancels every resting order (after the confirmation) and reports what happened.
pub fn cancel_all(ctx: &AppCtx, ticker: Option<String>) {
    let ctx = ctx.clone();
    spawn_local(async move {
        match invoke(&CancelAll { ticker }).await {
            Ok(report) if report.failed.is_empty() => ctx.toast(
                ToastKind::Success,
                format!("Cancelled {} orders", report.canceled.len()),
            ),
            Ok(report) => ctx.toast(
                ToastKind::Error,
                format!(
                    "Cancelled {}, {} not cancelled: {}",
                    report.canceled.len(),
                    report.failed.len(),
                    report
                        .failed
                        .first()
                        .map(|f| f.error.message.clone())
                        .unwrap_or_default()
                ),
            ),
            Err(e) => ctx.error("Cancel all failed", &e),
        }
    });
}
