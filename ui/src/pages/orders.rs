//! Orders: the resting orders (cancel, amend price and count in place, cancel all with
//! confirmation), the orders on their way and those whose outcome is unknown (retry), and
//! the recent order history.

use ipc::commands::history::{OrderFilter, OrderHistory, PageRequest};
use ipc::commands::orders::{
    AmendOrder, CancelOrder, OrderStatus, OrderView, Outcome, RestingOrders, RetryOrder,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{Action, Overlay, Route, ToastKind, outcome_name, tz_offset_min, use_app};
use crate::bindings::invoke;
use crate::components::common::{empty_state, input_value, render_load, use_command};
use crate::format;

fn leg_price(o: &OrderView) -> ipc::Price {
    if o.outcome == Outcome::Yes {
        o.yes_price
    } else {
        o.no_price
    }
}

#[derive(Properties, PartialEq, Debug)]
struct RowProps {
    order: OrderView,
}

/// One resting order, editable in place.
#[function_component(RestingRow)]
fn resting_row(p: &RowProps) -> Html {
    let ctx = use_app();
    let o = &p.order;
    let editing = use_state(|| false);
    let price = use_state(|| format::cents_input(leg_price(o)));
    let count = use_state(|| format::count(o.remaining_count));
    let tz = tz_offset_min();
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
        let o = o.clone();
        let (price, count, editing) = (price.clone(), count.clone(), editing.clone());
        Callback::from(move |_| {
            let Some(leg) = format::parse_cents(&price) else {
                ctx.toast(
                    ToastKind::Error,
                    "Amend: type the price in cents, like 56 or 56.5",
                );
                return;
            };
            let Some(rest) = format::parse_whole_count(&count).filter(|c| c.units() > 0) else {
                ctx.toast(
                    ToastKind::Error,
                    "Amend: the count must be a whole number above 0",
                );
                return;
            };
            let yes_price = if o.outcome == Outcome::Yes {
                Some(leg)
            } else {
                leg.complement()
            };
            let Some(yes_price) = yes_price else { return };
            let Some(total) = o.fill_count.checked_add(rest) else {
                return;
            };
            let ctx = ctx.clone();
            let id = o.order_id.clone();
            editing.set(false);
            spawn_local(async move {
                match invoke(&AmendOrder {
                    order_id: id,
                    yes_price,
                    total_count: total,
                })
                .await
                {
                    Ok(()) => ctx.toast(ToastKind::Success, "Order amended"),
                    Err(e) => ctx.error("Not amended", &e),
                }
            });
        })
    };
    let open = {
        let ctx = ctx.clone();
        let t = o.ticker.clone();
        Callback::from(move |_| ctx.go(Route::Market(t.clone())))
    };
    html! {
        <tr>
            <td><button class="link mono" onclick={open}>{ &o.ticker }</button></td>
            <td>{ format!("Buy {}", outcome_name(o.outcome)) }</td>
            if *editing {
                <td class="num"><input class="input num tiny" value={(*price).clone()} aria-label="New price (cents)"
                    oninput={let price = price.clone(); Callback::from(move |e: InputEvent| price.set(input_value(&e)))} /></td>
                <td class="num"><input class="input num tiny" value={(*count).clone()} aria-label="New resting count"
                    oninput={let count = count.clone(); Callback::from(move |e: InputEvent| count.set(input_value(&e)))} /></td>
            } else {
                <td class="num">{ format::cents(leg_price(o)) }</td>
                <td class="num">{ format::count(o.remaining_count) }</td>
            }
            <td class="num">{ format::count(o.fill_count) }</td>
            <td class="mono dim">{ format::datetime(o.created_ms, tz) }</td>
            <td class="actions">
                if *editing {
                    <button class="btn small btn-primary" onclick={save}>{ "Save" }</button>
                    <button class="btn small" onclick={let e = editing.clone(); Callback::from(move |_| e.set(false))}>{ "Back" }</button>
                } else {
                    <button class="btn small" onclick={let e = editing.clone(); Callback::from(move |_| e.set(true))}>{ "Amend" }</button>
                    <button class="btn small btn-danger-outline" onclick={cancel}>{ "Cancel" }</button>
                }
            </td>
        </tr>
    }
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
