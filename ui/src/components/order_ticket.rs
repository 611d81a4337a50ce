//! The order ticket: buy/sell × YES/NO, limit price on the market's ticks, count, time in
//! force, post-only, reduce-only; live cost, payout, fee, average fill across the visible
//! book and resulting position; specific inline validation; the keyboard (B/S, Y/N, ↑/↓,
//! Enter, Esc); the confirmation the settings and Production ask for; pending until the
//! exchange answers, then a toast either way.

use std::rc::Rc;

use gloo_events::EventListener;
use ipc::commands::environment::{ConfirmProduction, Environment};
use ipc::commands::market::{PriceLevel, PriceRange};
use ipc::commands::orders::{Action, Outcome, PlaceOrder, Ticket, TimeInForce};
use ipc::{Count, Money, Price};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{Route, ToastKind, now_ms, outcome_name, reload_session, shortcut, use_app};
use crate::bindings::invoke;
use crate::components::common::{Modal, input_checked, input_value};
use crate::format;
use crate::ticket::{Context, Field, TicketInput, Tif, evaluate};
use crate::ticks;

/// Properties of [`OrderTicket`].
#[derive(Properties, PartialEq, Debug)]
pub struct OrderTicketProps {
    /// The market.
    pub ticker: AttrValue,
    /// Its price grid.
    pub ranges: Vec<PriceRange>,
    /// YES bids, best first.
    pub yes_bids: Vec<PriceLevel>,
    /// YES asks, best first.
    pub yes_asks: Vec<PriceLevel>,
    /// The position, signed.
    pub position: Count,
    /// Available cash, if known.
    pub balance: Option<Money>,
    /// Whether the market takes orders.
    pub open: bool,
    /// A price picked on the ladder (numbered, so picking the same price twice works),
    /// in the outcome it was picked in.
    pub pick: Option<(u64, Outcome, Price)>,
}

#[derive(Debug, Clone, PartialEq)]
struct State {
    input: TicketInput,
    ranges: Rc<Vec<PriceRange>>,
    submit: u64,
}

enum Msg {
    Act(Action),
    Out(Outcome),
    Price(String),
    Count(String),
    Tif(Tif),
    Expires(String),
    PostOnly(bool),
    ReduceOnly(bool),
    Tick(bool),
    Clear,
    /// The order went out: the count empties (so Enter cannot send it twice) and the
    /// empty field is not an error until the next attempt.
    Sent,
    Grid(Rc<Vec<PriceRange>>),
    Submit,
}

impl Reducible for State {
    type Action = Msg;
    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut s = (*self).clone();
        let i = &mut s.input;
        match msg {
            Msg::Act(a) => i.action = a,
            Msg::Out(o) => i.outcome = o,
            Msg::Price(p) => i.price = p,
            Msg::Count(c) => i.count = c,
            Msg::Tif(t) => i.tif = t,
            Msg::Expires(e) => i.expires_min = e,
            Msg::PostOnly(b) => i.post_only = b,
            Msg::ReduceOnly(b) => i.reduce_only = b,
            Msg::Tick(up) => {
                let next = match format::parse_cents(&i.price) {
                    Some(p) => ticks::step(p, &s.ranges, up).or_else(|| ticks::snap(p, &s.ranges)),
                    None => ticks::snap(Price::from_units(5000), &s.ranges),
                };
                if let Some(p) = next {
                    i.price = format::cents_input(p);
                }
            }
            Msg::Clear => {
                s.input = TicketInput {
                    action: i.action,
                    outcome: i.outcome,
                    ..TicketInput::default()
                };
                s.submit = 0;
            }
            Msg::Sent => {
                i.count = String::new();
                s.submit = 0;
            }
            Msg::Grid(g) => s.ranges = g,
            Msg::Submit => s.submit += 1,
        }
        Rc::new(s)
    }
}

fn describe(t: &Ticket) -> String {
    let action = match t.action {
        Action::Buy => "Buy",
        Action::Sell => "Sell",
    };
    let tif = match t.time_in_force {
        TimeInForce::GoodTillCanceled => "GTC",
        TimeInForce::GoodTillTime { .. } => "GTT",
        TimeInForce::ImmediateOrCancel => "IOC",
        TimeInForce::FillOrKill => "FOK",
    };
    format!(
        "{action} {} {} @ {} {tif} · {}",
        format::count(t.count),
        outcome_name(t.outcome),
        format::cents(t.price),
        t.ticker
    )
}

/// The ticket beside the ladder.
#[function_component(OrderTicket)]
pub fn order_ticket(p: &OrderTicketProps) -> Html {
    let ctx = use_app();
    let state = use_reducer(|| State {
        input: TicketInput::default(),
        ranges: Rc::new(p.ranges.clone()),
        submit: 0,
    });
    let sending = use_state(|| false);
    let confirm = use_state(|| None::<Ticket>);
    let price_ref = use_node_ref();

    {
        let d = state.dispatcher();
        use_effect_with(p.ranges.clone(), move |r| {
            d.dispatch(Msg::Grid(Rc::new(r.clone())))
        });
    }
    {
        let d = state.dispatcher();
        use_effect_with(p.pick, move |pick| {
            if let Some((_, outcome, price)) = pick {
                d.dispatch(Msg::Out(*outcome));
                d.dispatch(Msg::Price(format::cents_input(*price)));
            }
        });
    }
    // Keyboard, while the ticket is on screen.
    {
        let d = state.dispatcher();
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let l = doc.map(|doc| {
                EventListener::new(&doc, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if !shortcut(&ctx, e) {
                        return;
                    }
                    let msg = match e.key().as_str() {
                        "b" | "B" => Msg::Act(Action::Buy),
                        "s" | "S" => Msg::Act(Action::Sell),
                        "y" | "Y" => Msg::Out(Outcome::Yes),
                        "n" | "N" => Msg::Out(Outcome::No),
                        "ArrowUp" => Msg::Tick(true),
                        "ArrowDown" => Msg::Tick(false),
                        "Enter" => Msg::Submit,
                        "Escape" => Msg::Clear,
                        "Backspace" => {
                            ctx.go(Route::Markets);
                            return;
                        }
                        _ => return,
                    };
                    e.prevent_default();
                    d.dispatch(msg);
                })
            });
            move || drop(l)
        });
    }

    let env = ctx.environment();
    let session_confirmed = ctx
        .state
        .session
        .as_ref()
        .is_some_and(|s| s.production_confirmed);
    let confirm_orders = ctx.state.settings.as_ref().is_none_or(|s| s.confirm_orders);
    // Unix ms as f64 is exact below 2^53.
    #[allow(clippy::cast_possible_truncation)]
    let now = now_ms() as i64;
    let cx = Context {
        ticker: &p.ticker,
        ranges: &state.ranges,
        yes_bids: &p.yes_bids,
        yes_asks: &p.yes_asks,
        position: p.position,
        balance: p.balance,
        open: p.open,
        now_ms: now,
    };
    let ev = evaluate(&state.input, &cx);

    let send = {
        let ctx = ctx.clone();
        let sending = sending.clone();
        let d = state.dispatcher();
        Callback::from(move |(ticket, confirm_production): (Ticket, bool)| {
            let ctx = ctx.clone();
            let sending = sending.clone();
            let d = d.clone();
            sending.set(true);
            spawn_local(async move {
                if confirm_production {
                    if let Err(e) = invoke(&ConfirmProduction { confirmed: true }).await {
                        ctx.error("Production not confirmed", &e);
                        sending.set(false);
                        return;
                    }
                    reload_session(&ctx);
                }
                let what = describe(&ticket);
                match invoke(&PlaceOrder { ticket }).await {
                    Ok(placed) => {
                        ctx.toast(
                            ToastKind::Success,
                            format!(
                                "Placed {what}: {} filled, {} resting",
                                format::count(placed.fill_count),
                                format::count(placed.remaining_count)
                            ),
                        );
                        d.dispatch(Msg::Sent);
                    }
                    Err(e) => ctx.error(&format!("Not placed ({what})"), &e),
                }
                sending.set(false);
            });
        })
    };
    let needs_confirm =
        confirm_orders || (env == Some(Environment::Production) && !session_confirmed);
    // Submit (form Enter, the button, or the Enter key anywhere).
    {
        let ticket = ev.ticket.clone();
        let confirm = confirm.clone();
        let send = send.clone();
        let sending = *sending;
        use_effect_with(state.submit, move |n| {
            if *n > 0
                && !sending
                && let Some(t) = ticket
            {
                if needs_confirm {
                    confirm.set(Some(t));
                } else {
                    send.emit((t, false));
                }
            }
        });
    }

    let d = state.dispatcher();
    let onsubmit = {
        let d = d.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            d.dispatch(Msg::Submit);
        })
    };
    let input = &state.input;
    let seg = |label: &'static str, active: bool, class: &'static str, msg: fn() -> Msg| {
        let d = d.clone();
        html! {
            <button type="button" class={classes!("seg", class, active.then_some("active"))}
                aria-pressed={active.to_string()} onclick={Callback::from(move |_| d.dispatch(msg()))}>{ label }</button>
        }
    };
    // An empty field is not an error until the person tries to send.
    let tried = state.submit > 0;
    let shown = |f: Field| {
        let empty = match f {
            Field::Price => state.input.price.trim().is_empty(),
            Field::Count => state.input.count.trim().is_empty(),
            _ => false,
        };
        ev.error(f).filter(|_| tried || !empty)
    };
    // One node whether or not there is an error (an empty list when none): Yew matches
    // unkeyed siblings from the end, so a child appearing after an input would otherwise
    // replace the input, and the keys typed next would land on the page as shortcuts.
    let field_err = |f: Field| -> Html {
        shown(f)
            .map(|m| html! { <div class="field-error" role="alert">{ m }</div> })
            .unwrap_or_default()
    };
    let price_keys = {
        let d = d.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowUp" => {
                e.prevent_default();
                d.dispatch(Msg::Tick(true));
            }
            "ArrowDown" => {
                e.prevent_default();
                d.dispatch(Msg::Tick(false));
            }
            "Escape" => d.dispatch(Msg::Clear),
            _ => {}
        })
    };
    let est = ev.estimate.as_ref();
    let buying = input.action == Action::Buy;
    let confirm_view = (*confirm).clone().map(|t| {
        let production = env == Some(Environment::Production);
        let close = {
            let confirm = confirm.clone();
            Callback::from(move |()| confirm.set(None))
        };
        let go = {
            let confirm = confirm.clone();
            let send = send.clone();
            let t = t.clone();
            let first = production && !session_confirmed;
            Callback::from(move |_| {
                confirm.set(None);
                send.emit((t.clone(), first));
            })
        };
        let cancel = close.clone();
        html! {
            <Modal title={if production { "Send a REAL-MONEY order?" } else { "Send this order?" }}
                on_close={close} class={classes!(production.then_some("danger"))}>
                <p class="confirm-order">{ describe(&t) }</p>
                if production {
                    <p class="warn">{ "This is Kalshi Production: the order uses real money." }</p>
                }
                <div class="modal-actions">
                    <button class="btn" onclick={Callback::from(move |_| cancel.emit(()))}>{ "Back" }</button>
                    <button class={classes!("btn", if production { "btn-danger" } else { "btn-primary" })} data-testid="confirm-send" onclick={go} autofocus=true>{ "Send order" }</button>
                </div>
            </Modal>
        }
    });
    let position_text = |c: Count| {
        if c.is_zero() {
            "flat".to_owned()
        } else if c.is_negative() {
            format!("{} NO", format::count(c.abs()))
        } else {
            format!("{} YES", format::count(c))
        }
    };
    html! {
        <form class={classes!("ticket", if buying { "is-buy" } else { "is-sell" })} {onsubmit} aria-label="Order ticket" novalidate=true>
            <div class="ticket-row segs">
                { seg("Buy", buying, "buy", || Msg::Act(Action::Buy)) }
                { seg("Sell", !buying, "sell", || Msg::Act(Action::Sell)) }
            </div>
            <div class="ticket-row segs">
                { seg("YES", input.outcome == Outcome::Yes, "yes", || Msg::Out(Outcome::Yes)) }
                { seg("NO", input.outcome == Outcome::No, "no", || Msg::Out(Outcome::No)) }
            </div>
            <label class="field">
                <span class="field-label">{ "Limit price (¢)" }<kbd>{ "↑ ↓" }</kbd></span>
                <input ref={price_ref} data-testid="ticket-price" class={classes!("input", "num", shown(Field::Price).map(|_| "invalid"))} inputmode="decimal"
                    placeholder="56" value={input.price.clone()} onkeydown={price_keys}
                    aria-invalid={shown(Field::Price).is_some().to_string()}
                    oninput={let d = d.clone(); Callback::from(move |e: InputEvent| d.dispatch(Msg::Price(input_value(&e))))} />
                { field_err(Field::Price) }
            </label>
            <label class="field">
                <span class="field-label">{ "Contracts" }</span>
                <input data-testid="ticket-count" class={classes!("input", "num", shown(Field::Count).map(|_| "invalid"))} inputmode="numeric" placeholder="10"
                    value={input.count.clone()} aria-invalid={shown(Field::Count).is_some().to_string()}
                    oninput={let d = d.clone(); Callback::from(move |e: InputEvent| d.dispatch(Msg::Count(input_value(&e))))} />
                { field_err(Field::Count) }
            </label>
            <label class="field">
                <span class="field-label">{ "Time in force" }</span>
                <select class="input" onchange={let d = d.clone(); Callback::from(move |e: Event| d.dispatch(Msg::Tif(match input_value(&e).as_str() {
                    "gtt" => Tif::Gtt, "ioc" => Tif::Ioc, "fok" => Tif::Fok, _ => Tif::Gtc })))}>
                    <option value="gtc" selected={input.tif == Tif::Gtc}>{ "Good till cancelled" }</option>
                    <option value="gtt" selected={input.tif == Tif::Gtt}>{ "Good till time" }</option>
                    <option value="ioc" selected={input.tif == Tif::Ioc}>{ "Immediate or cancel" }</option>
                    <option value="fok" selected={input.tif == Tif::Fok}>{ "Fill or kill" }</option>
                </select>
            </label>
            if input.tif == Tif::Gtt {
                <label class="field">
                    <span class="field-label">{ "Expires in (minutes)" }</span>
                    <input class="input num" inputmode="numeric" value={input.expires_min.clone()}
                        oninput={let d = d.clone(); Callback::from(move |e: InputEvent| d.dispatch(Msg::Expires(input_value(&e))))} />
                    { field_err(Field::Expiry) }
                </label>
            }
            <div class="ticket-row checks">
                <label class="check"><input type="checkbox" checked={input.post_only}
                    onchange={let d = d.clone(); Callback::from(move |e: Event| d.dispatch(Msg::PostOnly(input_checked(&e))))} />{ "Post only" }</label>
                <label class="check"><input type="checkbox" checked={input.reduce_only}
                    onchange={let d = d.clone(); Callback::from(move |e: Event| d.dispatch(Msg::ReduceOnly(input_checked(&e))))} />{ "Reduce only" }</label>
            </div>
            <dl class="ticket-figures">
                <dt>{ if buying { "Cost (max)" } else { "Proceeds (min)" } }</dt>
                <dd class="num">{ est.map_or_else(|| format::DASH.to_owned(), |e| format::dollars(e.cost)) }</dd>
                if buying {
                    <dt>{ "Max payout" }</dt>
                    <dd class="num">{ est.map_or_else(|| format::DASH.to_owned(), |e| format::dollars(e.max_payout)) }</dd>
                }
                <dt>{ "Fee (est., taker)" }</dt>
                <dd class="num">{ est.map_or_else(|| format::DASH.to_owned(), |e| format::dollars(e.fee)) }</dd>
                <dt>{ "Fills now" }</dt>
                <dd class="num">{ est.map_or_else(|| format::DASH.to_owned(), |e| match e.avg_fill {
                    Some(avg) => format!("{} @ avg {}", format::count(e.fill_now), format::money_cents(avg)),
                    None => "none (rests)".to_owned(),
                }) }</dd>
                <dt>{ "Position after" }</dt>
                <dd class="num">{ est.map_or_else(|| position_text(p.position), |e| format!("{} → {}", position_text(p.position), position_text(e.resulting_position))) }</dd>
            </dl>
            { field_err(Field::Order) }
            { ev.warnings.iter().map(|w| html! { <div class="field-warn">{ w }</div> }).collect::<Html>() }
            <button type="submit" data-testid="ticket-submit" class={classes!("btn", "btn-submit", if buying { "btn-buy" } else { "btn-sell" })}
                disabled={ev.ticket.is_none() || *sending}>
                { if *sending { "Sending…".to_owned() } else {
                    ev.ticket.as_ref().map_or_else(|| "Review the ticket".to_owned(), describe_short)
                } }
                <kbd>{ "Enter" }</kbd>
            </button>
            if env == Some(Environment::Production) {
                <div class="prod-note">{ "Production: real money" }</div>
            }
            { confirm_view.unwrap_or_default() }
        </form>
    }
}

fn describe_short(t: &Ticket) -> String {
    let action = match t.action {
        Action::Buy => "Buy",
        Action::Sell => "Sell",
    };
    format!(
        "{action} {} {} @ {}",
        format::count(t.count),
        outcome_name(t.outcome),
        format::cents(t.price)
    )
}
