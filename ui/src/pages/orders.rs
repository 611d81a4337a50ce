//! Orders: the resting orders (cancel, amend price and count in place, decrease keeping
//! the queue place, cancel all with confirmation), the orders on their way and those whose outcome is unknown (retry), and
//! the recent order history.

use ipc::commands::history::{OrderFilter, OrderHistory, PageRequest};
use ipc::commands::orders::{
    AmendOrder, CancelOrder, DecreaseOrder, OrderStatus, OrderView, RestingOrders, RetryOrder,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{Action, Overlay, Route, ToastKind, outcome_name, tz_offset_min, use_app};
use crate::bindings::invoke;
use crate::components::common::{empty_state, input_value, render_load, use_command};
use crate::format;
use crate::order_edit::{self, Pending, leg_price};

#[derive(Properties, PartialEq, Debug)]
struct RowProps {
    order: OrderView,
}

/// Which in-place editor a resting row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    None,
    Amend,
    Decrease,
}

/// An edit sent and not yet reflected in the order: the row shows its figures at once
/// (greyed while unanswered), and goes back to the order's own on a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InFlight {
    figures: Pending,
    /// "Amending…" or "Decreasing…".
    doing: &'static str,
    /// The exchange accepted it; the refreshed order has not arrived yet.
    accepted: bool,
}

/// One resting order, editable in place: amend (price and count), decrease (keeps the
/// queue place), cancel.
#[function_component(RestingRow)]
fn resting_row(p: &RowProps) -> Html {
    let ctx = use_app();
    let o = &p.order;
    let edit = use_state(|| Edit::None);
    let price = use_state(|| format::cents_input(leg_price(o)));
    let count = use_state(|| format::count(o.remaining_count));
    let by = use_state(String::new);
    // Set by typing or a Save: before that an untouched editor shows no complaint.
    let tried = use_state(|| false);
    let in_flight = use_state(|| None::<InFlight>);
    // An editor opens with its first field focused, so typing goes there, not to the
    // page's shortcuts.
    let first_field = use_node_ref();
    {
        let first_field = first_field.clone();
        use_effect_with(*edit, move |e| {
            if *e != Edit::None
                && let Some(el) = first_field.cast::<web_sys::HtmlInputElement>()
            {
                let _ = el.focus();
                el.select();
            }
        });
    }
    // The refreshed order (after an accepted edit, or any change) replaces what was shown.
    {
        let in_flight = in_flight.clone();
        use_effect_with(o.clone(), move |_| in_flight.set(None));
    }
    let tz = tz_offset_min();
    let checked: Option<Result<(Request, Pending), String>> = match *edit {
        Edit::None => None,
        Edit::Amend => {
            Some(order_edit::amend(o, &price, &count).map(|(c, f)| (Request::Amend(c), f)))
        }
        Edit::Decrease => {
            Some(order_edit::decrease(o, &by).map(|(c, f)| (Request::Decrease(c), f)))
        }
    };
    let open_editor = |to: Edit| {
        let (edit, price, count, by, tried, o) = (
            edit.clone(),
            price.clone(),
            count.clone(),
            by.clone(),
            tried.clone(),
            o.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            price.set(format::cents_input(leg_price(&o)));
            count.set(format::count(o.remaining_count));
            by.set(String::new());
            tried.set(false);
            edit.set(to);
        })
    };
    let cancel = {
        let ctx = ctx.clone();
        let id = o.order_id.clone();
        Callback::from(move |_| {
            let ctx = ctx.clone();
            let id = id.clone();
            spawn_local(async move {
                match invoke(&CancelOrder { order_id: id }).await {
                    Ok(()) => ctx.toast(ToastKind::Info, "Order cancelled"),
                    Err(e) => ctx.error("Not cancelled", &e),
                }
            });
        })
    };
    let save = {
        let ctx = ctx.clone();
        let (edit, tried, in_flight) = (edit.clone(), tried.clone(), in_flight.clone());
        let checked = checked.clone();
        Callback::from(move |()| {
            let Some(Ok((request, figures))) = checked.clone() else {
                tried.set(true);
                return;
            };
            let doing = match request {
                Request::Amend(_) => "Amending…",
                Request::Decrease(_) => "Decreasing…",
            };
            in_flight.set(Some(InFlight {
                figures,
                doing,
                accepted: false,
            }));
            edit.set(Edit::None);
            let (ctx, in_flight) = (ctx.clone(), in_flight.clone());
            spawn_local(async move {
                let (done, refused, answer) = match request {
                    Request::Amend(c) => ("Order amended", "Not amended", invoke(&c).await),
                    Request::Decrease(c) => ("Order decreased", "Not decreased", invoke(&c).await),
                };
                match answer {
                    Ok(()) => {
                        in_flight.set(Some(InFlight {
                            figures,
                            doing,
                            accepted: true,
                        }));
                        ctx.toast(ToastKind::Success, done);
                    }
                    Err(e) => {
                        // Rolled back: the row shows the order as it still rests.
                        in_flight.set(None);
                        ctx.error(refused, &e);
                    }
                }
            });
        })
    };
    let keys = {
        let (save, edit) = (save.clone(), edit.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                save.emit(());
            }
            "Escape" => {
                e.prevent_default();
                edit.set(Edit::None);
            }
            _ => {}
        })
    };
    let typed = |field: &UseStateHandle<String>| {
        let (field, tried) = (field.clone(), tried.clone());
        Callback::from(move |e: InputEvent| {
            field.set(input_value(&e));
            tried.set(true);
        })
    };
    let open = {
        let ctx = ctx.clone();
        let t = o.ticker.clone();
        Callback::from(move |_| ctx.go(Route::Market(t.clone())))
    };
    let shown = in_flight.map_or(
        Pending {
            leg_price: leg_price(o),
            remaining: o.remaining_count,
        },
        |f| f.figures,
    );
    let waiting = in_flight.filter(|f| !f.accepted);
    let invalid = matches!(checked, Some(Err(_)));
    let note = match &checked {
        Some(Err(message)) if *tried => Some(
            html! { <span class="row-error field-error" role="alert">{ message.clone() }</span> },
        ),
        Some(Ok((Request::Decrease(_), f))) => Some(html! {
            <span class="dim">{ if f.remaining.is_zero() {
                "Leaves nothing resting: the order is cancelled".to_owned()
            } else {
                format!("Leaves {} resting at {}, keeping its place in the queue", format::count(f.remaining), format::cents(f.leg_price))
            } }</span>
        }),
        Some(Ok((Request::Amend(_), _))) => Some(
            html! { <span class="dim">{ "An amend moves the order to the back of its price level's queue" }</span> },
        ),
        _ => None,
    };
    html! {
        <>
        <tr class={classes!(waiting.is_some().then_some("pending"), (*edit != Edit::None).then_some("editing"))}
            data-order-id={o.order_id.clone()}>
            <td><button class="link mono" onclick={open}>{ &o.ticker }</button></td>
            <td>{ format!("Buy {}", outcome_name(o.outcome)) }</td>
            if *edit == Edit::Amend {
                <td class="num"><input ref={first_field.clone()} class={classes!("input", "num", "tiny", (invalid && *tried).then_some("invalid"))} value={(*price).clone()}
                    aria-label="New price (cents)" data-testid="amend-price" oninput={typed(&price)} onkeydown={keys.clone()} /></td>
                <td class="num"><input class={classes!("input", "num", "tiny", (invalid && *tried).then_some("invalid"))} value={(*count).clone()}
                    aria-label="New resting count" data-testid="amend-count" oninput={typed(&count)} onkeydown={keys.clone()} /></td>
            } else if *edit == Edit::Decrease {
                <td class="num">{ format::cents(shown.leg_price) }</td>
                <td class="num"><input ref={first_field.clone()} class={classes!("input", "num", "tiny", (invalid && *tried).then_some("invalid"))} value={(*by).clone()}
                    placeholder={format!("of {}", format::count(o.remaining_count))}
                    aria-label="Contracts to take off" data-testid="decrease-count" oninput={typed(&by)} onkeydown={keys.clone()} /></td>
            } else {
                <td class="num">{ format::cents(shown.leg_price) }</td>
                <td class="num">{ format::count(shown.remaining) }</td>
            }
            <td class="num">{ format::count(o.fill_count) }</td>
            <td class="mono dim">{ format::datetime(o.created_ms, tz) }</td>
            <td class="actions">
                if let Some(f) = waiting {
                    <span class="dim">{ f.doing }</span>
                } else if *edit != Edit::None {
                    <button class="btn small btn-primary" onclick={let save = save.clone(); Callback::from(move |_| save.emit(()))}>
                        { if *edit == Edit::Decrease { "Decrease" } else { "Save" } }</button>
                    <button class="btn small" onclick={let e = edit.clone(); Callback::from(move |_| e.set(Edit::None))}>{ "Back" }</button>
                } else {
                    <button class="btn small" onclick={open_editor(Edit::Amend)}>{ "Amend" }</button>
                    <button class="btn small" onclick={open_editor(Edit::Decrease)} title="Take contracts off, keeping the queue place">{ "Decrease" }</button>
                    <button class="btn small btn-danger-outline" onclick={cancel}>{ "Cancel" }</button>
                }
            </td>
        </tr>
        if let Some(note) = note {
            <tr class="row-note"><td colspan="7">{ note }</td></tr>
        }
        </>
    }
}

/// The command an editor sends.
#[derive(Debug, Clone, PartialEq)]
enum Request {
    Amend(AmendOrder),
    Decrease(DecreaseOrder),
}

/// The orders page.
#[function_component(OrdersPage)]
pub fn orders_page() -> Html {
    let ctx = use_app();
    let seq = ctx.state.account_seq;
    let resting = use_command(RestingOrders { ticker: None }, seq);
    let history = use_command(
        OrderHistory {
            filter: OrderFilter::default(),
            page: PageRequest {
                after: None,
                limit: 50,
            },
        },
        seq,
    );
    let tz = tz_offset_min();
    let cancel_all = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.state.dispatch(Action::Overlay(Overlay::CancelAll)))
    };
    let resting_view = render_load(
        &resting.data,
        "Resting orders could not be loaded",
        &resting.reload,
        6,
        |list| {
            if list.orders.is_empty() && list.pending.is_empty() && list.unconfirmed.is_empty() {
                return empty_state(
                    "No resting orders",
                    "Open a market (1, then Enter) and use the ticket to place one.",
                );
            }
            html! {
                <table class="grid-table">
                    <thead><tr><th>{ "Market" }</th><th>{ "Side" }</th><th class="num">{ "Price" }</th><th class="num">{ "Resting" }</th>
                        <th class="num">{ "Filled" }</th><th>{ "Placed" }</th><th></th></tr></thead>
                    <tbody>
                        { for list.pending.iter().map(|p| html! {
                            <tr class="pending"><td class="mono">{ &p.ticket.ticker }</td><td>{ "Sending…" }</td>
                                <td class="num">{ format::cents(p.ticket.price) }</td><td class="num">{ format::count(p.ticket.count) }</td>
                                <td></td><td class="mono dim">{ format::datetime(p.sent_ms, tz) }</td><td></td></tr>
                        }) }
                        { for list.unconfirmed.iter().map(|u| {
                            let ctx = ctx.clone();
                            let id = u.order.client_order_id.clone();
                            let retry = Callback::from(move |_| {
                                let ctx = ctx.clone();
                                let id = id.clone();
                                spawn_local(async move {
                                    match invoke(&RetryOrder { client_order_id: id }).await {
                                        Ok(_) => ctx.toast(ToastKind::Success, "Order confirmed"),
                                        Err(e) => ctx.error("Retry failed", &e),
                                    }
                                });
                            });
                            html! {
                                <tr class="unconfirmed"><td class="mono">{ &u.order.ticket.ticker }</td><td>{ "Outcome unknown" }</td>
                                    <td class="num">{ format::cents(u.order.ticket.price) }</td><td class="num">{ format::count(u.order.ticket.count) }</td>
                                    <td colspan="2" class="dim">{ &u.error.message }</td>
                                    <td><button class="btn small" onclick={retry}>{ "Retry safely" }</button></td></tr>
                            }
                        }) }
                        { for list.orders.iter().map(|o| html! { <RestingRow key={o.order_id.clone()} order={o.clone()} /> }) }
                    </tbody>
                </table>
            }
        },
    );
    let history_view = render_load(
        &history.data,
        "Order history could not be loaded",
        &history.reload,
        6,
        |page| {
            if page.items.is_empty() {
                return empty_state(
                    "No orders yet",
                    "Orders you place appear here, also offline.",
                );
            }
            html! {
                <table class="grid-table">
                    <thead><tr><th>{ "Placed" }</th><th>{ "Market" }</th><th>{ "Outcome" }</th><th class="num">{ "Price" }</th>
                        <th class="num">{ "Filled / size" }</th><th class="num">{ "Cost" }</th><th>{ "Status" }</th></tr></thead>
                    <tbody>{ for page.items.iter().map(|o| html! {
                        <tr key={o.order_id.clone()}>
                            <td class="mono dim">{ format::datetime(o.created_ms, tz) }</td>
                            <td class="mono">{ &o.ticker }</td>
                            <td>{ outcome_name(o.outcome) }</td>
                            <td class="num">{ format::cents(leg_price(o)) }</td>
                            <td class="num">{ format!("{} / {}", format::count(o.fill_count), format::count(o.initial_count)) }</td>
                            <td class="num">{ format::dollars(o.fill_cost) }</td>
                            <td>{ status_chip(o) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
        },
    );
    html! {
        <section class="page-grid" aria-label="Orders">
            <div class="panel">
                <div class="panel-head">
                    <h2>{ "Resting orders" }</h2>
                    <button class="btn btn-danger-outline" onclick={cancel_all}>{ "Cancel all" }<kbd>{ "Shift X" }</kbd></button>
                </div>
                { resting_view }
            </div>
            <div class="panel">
                <div class="panel-head"><h2>{ "Recent orders" }</h2></div>
                { history_view }
            </div>
        </section>
    }
}

/// The order's state as a chip.
pub fn status_chip(o: &OrderView) -> Html {
    let (text, class) = match (o.status, &o.closed_unknown) {
        (_, Some(_)) => ("closed (unknown)", "st-closed"),
        (OrderStatus::Resting, _) => ("resting", "st-active"),
        (OrderStatus::Executed, _) => ("filled", "st-filled"),
        (OrderStatus::Canceled, _) => ("cancelled", "st-closed"),
    };
    html! { <span class={classes!("chip", class)}>{ text }</span> }
}
