//! The status bar: environment chip (Production unmistakable), connection state with the
//! age of the last message counting up, the stale indicator and the last sync.

use gloo_timers::callback::Interval;
use ipc::commands::environment::{ConnectionState, Environment};
use yew::prelude::*;

use crate::app::{Route, now_ms, reload_session, use_app};
use crate::format;

/// The environment's chip text and class.
pub fn env_chip(env: Environment) -> (&'static str, &'static str) {
    match env {
        Environment::Simulator => ("PAPER", "env-sim"),
        Environment::Demo => ("DEMO", "env-demo"),
        Environment::Production => ("PRODUCTION · REAL MONEY", "env-prod"),
    }
}

/// The bar at the bottom of the window.
#[function_component(StatusBar)]
pub fn status_bar() -> Html {
    let ctx = use_app();
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let i = Interval::new(1000, move || tick.set(tick.wrapping_add(1)));
            move || drop(i)
        });
    }
    let state = &ctx.state;
    let Some(session) = &state.session else {
        let retry = {
            let ctx = ctx.clone();
            Callback::from(move |_| reload_session(&ctx))
        };
        return html! {
            <footer class="statusbar">
                if let Some(e) = &state.session_error {
                    <span class="chip chip-error">{ "NO SESSION" }</span>
                    <span class="status-text">{ &e.message }</span>
                    <button class="link" onclick={retry}>{ "Retry" }</button>
                } else {
                    <span class="chip">{ "…" }</span>
                    <span class="status-text">{ "Starting…" }</span>
                }
            </footer>
        };
    };
    let (label, class) = env_chip(session.environment);
    let (status, received) = state
        .connection
        .clone()
        .unwrap_or((session.connection.clone(), now_ms()));
    // Milliseconds since the status arrived: whole, small and non-negative.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let since = (now_ms() - received).max(0.0) as u64;
    let (dot, text) = match &status.state {
        ConnectionState::Connecting => ("dot-warn", "Connecting…".to_owned()),
        ConnectionState::Connected { .. } => ("dot-ok", "Connected".to_owned()),
        ConnectionState::Reconnecting {
            attempt,
            retry_in_ms,
        } => (
            "dot-warn",
            format!(
                "Reconnecting in {}s (attempt {attempt})",
                retry_in_ms.saturating_sub(since).div_ceil(1000)
            ),
        ),
        ConnectionState::Offline { reason } => ("dot-bad", format!("Offline · {reason}")),
    };
    let age = status
        .last_message_age_ms
        .map(|a| format!("last message {} ago", format::age(a + since)));
    let key = match &session.key {
        Some(k) => format!("key {}", k.key_id),
        None => "no API key · browsing only".to_owned(),
    };
    let settings = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.go(Route::Settings))
    };
    let synced = session
        .last_synced_ms
        .map(|t| {
            // Unix milliseconds: the float is exact below 2^53.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let ago = (now_ms() as i64 - t).max(0) as u64;
            format!("synced {} ago", format::age(ago))
        })
        .unwrap_or_else(|| "not synced yet".to_owned());
    html! {
        <footer class="statusbar" aria-live="polite">
            <button class={classes!("chip", class)} onclick={settings} title="Environment (Settings)">{ label }</button>
            <span class={classes!("dot", dot)} aria-hidden="true"></span>
            <span class="status-text">{ text }</span>
            if let Some(a) = age { <span class="status-dim">{ a }</span> }
            if status.offline {
                <span class="chip chip-stale" title="The exchange could not be reached: figures are from the local store and may be old">{ "STALE" }</span>
            }
            <span class="status-dim">{ synced }</span>
            <span class="spacer"></span>
            <span class="status-dim">{ key }</span>
            <span class="status-dim">{ "? shortcuts" }</span>
        </footer>
    }
}
