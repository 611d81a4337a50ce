//! Overlays: the shortcut help (`?`), the command palette (Ctrl/Cmd-K) that jumps to a
//! market by ticker or title, and the cancel-all confirmation (`Shift-X`).

use ipc::commands::markets::{ListMarkets, MarketRow, MarketSort, SortDirection};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{Action, Overlay, Route, cancel_all, use_app};
use crate::bindings::invoke;
use crate::components::common::{Modal, input_value, use_autofocus};
use crate::format;

/// Every shortcut, by group: (keys, what it does). The help overlay lists exactly these.
pub const SHORTCUTS: &[(&str, &[(&str, &str)])] = &[
    (
        "Anywhere",
        &[
            ("1 – 5", "Markets, Orders, Portfolio, History, Settings"),
            ("Ctrl/⌘ K", "Jump to a market by ticker or title"),
            ("Shift X", "Cancel all resting orders (asks first)"),
            ("Shift R", "Sync with the exchange now"),
            ("?", "This help"),
            ("Esc", "Close a dialog"),
        ],
    ),
    (
        "Markets",
        &[
            ("/", "Search"),
            ("↑ ↓  or  J K", "Move the selection"),
            (
                "Enter",
                "Open the selected market, or fold / unfold the selected event",
            ),
            ("P", "Pin or unpin the selected market (watchlist)"),
        ],
    ),
    (
        "Market and ticket",
        &[
            ("B / S", "Buy / sell"),
            ("Y / N", "YES / NO"),
            ("↑ ↓", "Price one tick up / down"),
            ("Enter", "Send the order"),
            ("Esc", "Clear the ticket"),
            ("Click a ladder level", "Put its price in the ticket"),
            ("Backspace", "Back to the markets"),
        ],
    ),
];

fn close(ctx: &crate::app::AppCtx) -> Callback<()> {
    let ctx = ctx.clone();
    Callback::from(move |()| ctx.state.dispatch(Action::Overlay(Overlay::None)))
}

/// The list of every shortcut.
#[function_component(HelpOverlay)]
pub fn help_overlay() -> Html {
    let ctx = use_app();
    html! {
        <Modal title="Keyboard shortcuts" on_close={close(&ctx)} class="help">
            <div class="help-grid">
                { for SHORTCUTS.iter().map(|(group, keys)| html! {
                    <section>
                        <h3>{ *group }</h3>
                        <dl>
                            { for keys.iter().map(|(k, what)| html! {
                                <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></>
                            }) }
                        </dl>
                    </section>
                }) }
            </div>
        </Modal>
    }
}

/// Ctrl/Cmd-K: type, arrow, Enter.
#[function_component(Palette)]
pub fn palette() -> Html {
    let ctx = use_app();
    let query = use_state(String::new);
    let results = use_state(Vec::<MarketRow>::new);
    let selected = use_state(|| 0usize);
    let error = use_state(|| None::<String>);
    let input = use_node_ref();
    use_autofocus(input.clone());
    {
        let results = results.clone();
        let error = error.clone();
        let selected = selected.clone();
        use_effect_with((*query).clone(), move |q| {
            let req = ListMarkets {
                query: (!q.trim().is_empty()).then(|| q.trim().to_owned()),
                status: None,
                category: None,
                series_ticker: None,
                event_ticker: None,
                tickers: None,
                closing_within_ms: None,
                sort: MarketSort::Volume24h,
                direction: SortDirection::Descending,
                offset: 0,
                limit: 12,
            };
            spawn_local(async move {
                match invoke(&req).await {
                    Ok(page) => {
                        results.set(page.markets);
                        error.set(None);
                        selected.set(0);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        });
    }
    let go = {
        let ctx = ctx.clone();
        Callback::from(move |ticker: String| ctx.go(Route::Market(ticker)))
    };
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(input_value(&e)))
    };
    let onkeydown = {
        let results = results.clone();
        let selected = selected.clone();
        let go = go.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                selected.set((*selected + 1).min(results.len().saturating_sub(1)));
            }
            "ArrowUp" => {
                e.prevent_default();
                selected.set(selected.saturating_sub(1));
            }
            "Enter" => {
                if let Some(m) = results.get(*selected) {
                    go.emit(m.ticker.clone());
                }
            }
            _ => {}
        })
    };
    html! {
        <Modal title="Jump to market" on_close={close(&ctx)} class="palette">
            <input ref={input} class="input palette-input" type="search" placeholder="Ticker or title…"
                aria-label="Ticker or title" value={(*query).clone()} {oninput} {onkeydown} />
            if let Some(e) = &*error {
                <div class="field-error">{ e }</div>
            }
            <ul class="palette-list" role="listbox">
                { for results.iter().enumerate().map(|(i, m)| {
                    let go = go.clone();
                    let t = m.ticker.clone();
                    html! {
                        <li role="option" aria-selected={(i == *selected).to_string()}
                            class={classes!("palette-item", (i == *selected).then_some("selected"))}
                            onclick={Callback::from(move |_| go.emit(t.clone()))}>
                            <span class="palette-title">{ &m.title }</span>
                            <span class="mono dim">{ &m.ticker }</span>
                            <span class="num">{ format::cents_opt(m.last_price) }</span>
                        </li>
                    }
                }) }
            </ul>
        </Modal>
    }
}

/// "Cancel every resting order?" with the count of what would go.
#[function_component(CancelAllDialog)]
pub fn cancel_all_dialog() -> Html {
    let ctx = use_app();
    let confirm_ref = use_node_ref();
    use_autofocus(confirm_ref.clone());
    let confirm = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            ctx.state.dispatch(Action::Overlay(Overlay::None));
            cancel_all(&ctx, None);
        })
    };
    let on_close = close(&ctx);
    let cancel = on_close.clone();
    html! {
        <Modal title="Cancel all resting orders?" on_close={on_close} class="danger">
            <p>{ "Every resting order on every market of this environment is cancelled at the exchange. Orders still being placed are not covered." }</p>
            <div class="modal-actions">
                <button class="btn" onclick={Callback::from(move |_| cancel.emit(()))}>{ "Keep orders" }</button>
                <button ref={confirm_ref} class="btn btn-danger" onclick={confirm}>{ "Cancel all orders" }</button>
            </div>
        </Modal>
    }
}
