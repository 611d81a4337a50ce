//! Toasts: errors stay until dismissed, the rest fade after a few seconds.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::app::{Action, ToastKind, use_app};

/// The toast stack, bottom right.
#[function_component(Toasts)]
pub fn toasts() -> Html {
    let ctx = use_app();
    let toasts = ctx.state.toasts.clone();
    // Schedule the expiry of the newest non-error toast.
    {
        let ctx = ctx.clone();
        let newest = toasts
            .iter()
            .rev()
            .find(|t| t.kind != ToastKind::Error)
            .map(|t| t.id);
        use_effect_with(newest, move |id| {
            let timer =
                id.map(|id| Timeout::new(5000, move || ctx.state.dispatch(Action::Dismiss(id))));
            move || {
                if let Some(t) = timer {
                    t.forget();
                }
            }
        });
    }
    html! {
        <div class="toasts" role="status" aria-live="polite">
            { for toasts.iter().map(|t| {
                let id = t.id;
                let ctx = ctx.clone();
                let close = Callback::from(move |_| ctx.state.dispatch(Action::Dismiss(id)));
                let class = match t.kind {
                    ToastKind::Error => "toast-error",
                    ToastKind::Success => "toast-success",
                    ToastKind::Info => "toast-info",
                };
                html! {
                    <div class={classes!("toast", class)} key={id}>
                        <span>{ &t.text }</span>
                        <button class="toast-close" onclick={close} aria-label="Dismiss">{ "×" }</button>
                    </div>
                }
            }) }
        </div>
    }
}
