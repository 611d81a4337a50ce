//! History: fills and orders from the local store (works offline) with filters (period,
//! market or prefix, outcome, status, text), keyset paging ("Load more" continues from
//! the last row at any depth) and CSV export to a file chosen in the native save dialog
//! (or a typed path).

use ipc::commands::history::{
    Cursor, ExportCsv, FillFilter, FillHistory, FillView, HistoryExport, OrderFilter, OrderHistory,
    PageRequest, TickerMatch,
};
use ipc::commands::orders::{OrderStatus, OrderView, Outcome};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{ToastKind, now_ms, outcome_name, tz_offset_min, use_app};
use crate::bindings::{FileDialog, invoke, save_file};
use crate::components::common::{empty_state, error_state, input_value, skeleton};
use crate::format;
use crate::pages::orders::status_chip;

#[derive(Debug, Clone, PartialEq, Default)]
struct Filters {
    orders: bool,
    days: Option<i64>,
    ticker: String,
    outcome: Option<Outcome>,
    status: Option<OrderStatus>,
    text: String,
}

impl Filters {
    fn ticker(&self) -> Option<TickerMatch> {
        let t = self.ticker.trim();
        if t.is_empty() {
            None
        } else if let Some(prefix) = t.strip_suffix('*') {
            Some(TickerMatch::Prefix {
                prefix: prefix.to_owned(),
            })
        } else {
            Some(TickerMatch::Exact {
                ticker: t.to_owned(),
            })
        }
    }
    fn since_ms(&self) -> Option<i64> {
        self.days.map(|d| now_ms() as i64 - d * 86_400_000)
    }
    fn text(&self) -> Option<String> {
        (!self.text.trim().is_empty()).then(|| self.text.trim().to_owned())
    }
    fn fill_filter(&self) -> FillFilter {
        FillFilter {
            from_ms: self.since_ms(),
            ticker: self.ticker(),
            outcome: self.outcome,
            text: self.text(),
            ..FillFilter::default()
        }
    }
    fn order_filter(&self) -> OrderFilter {
        OrderFilter {
            from_ms: self.since_ms(),
            ticker: self.ticker(),
            outcome: self.outcome,
            status: self.status,
            text: self.text(),
            ..OrderFilter::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Rows {
    fills: Vec<FillView>,
    orders: Vec<OrderView>,
    next: Option<Cursor>,
    loading: bool,
    error: Option<ipc::AppError>,
}

async fn fetch(f: Filters, after: Option<Cursor>) -> Result<Rows, ipc::AppError> {
    let page = PageRequest { after, limit: 100 };
    if f.orders {
        let p = invoke(&OrderHistory {
            filter: f.order_filter(),
            page,
        })
        .await?;
        Ok(Rows {
            orders: p.items,
            next: p.next,
            ..Rows::default()
        })
    } else {
        let p = invoke(&FillHistory {
            filter: f.fill_filter(),
            page,
        })
        .await?;
        Ok(Rows {
            fills: p.items,
            next: p.next,
            ..Rows::default()
        })
    }
}

/// The history page.
#[function_component(HistoryPage)]
pub fn history_page() -> Html {
    let ctx = use_app();
    let filters = use_state(|| Filters {
        days: Some(30),
        ..Filters::default()
    });
    let rows = use_state(|| Rows {
        loading: true,
        ..Rows::default()
    });
    let retry = use_state(|| 0u32);
    let path = use_state(String::new);
    let tz = tz_offset_min();
    {
        let rows = rows.clone();
        use_effect_with(((*filters).clone(), *retry), move |(f, _)| {
            let f = f.clone();
            rows.set(Rows {
                loading: true,
                ..(*rows).clone()
            });
            spawn_local(async move {
                match fetch(f, None).await {
                    Ok(r) => rows.set(r),
                    Err(e) => rows.set(Rows {
                        error: Some(e),
                        ..Rows::default()
                    }),
                }
            });
        });
    }
    let more = {
        let rows = rows.clone();
        let filters = filters.clone();
        Callback::from(move |_| {
            let rows = rows.clone();
            let f = (*filters).clone();
            let mut cur = (*rows).clone();
            let after = cur.next.clone();
            cur.loading = true;
            rows.set(cur.clone());
            spawn_local(async move {
                match fetch(f, after).await {
                    Ok(r) => {
                        cur.fills.extend(r.fills);
                        cur.orders.extend(r.orders);
                        cur.next = r.next;
                        cur.loading = false;
                        rows.set(cur);
                    }
                    Err(e) => {
                        cur.error = Some(e);
                        cur.loading = false;
                        rows.set(cur);
                    }
                }
            });
        })
    };
    let export = {
        let ctx = ctx.clone();
        let filters = filters.clone();
        let path = path.clone();
        Callback::from(move |_| {
            let f = (*filters).clone();
            let typed = path.trim().to_owned();
            let export = if f.orders {
                HistoryExport::Orders {
                    filter: f.order_filter(),
                }
            } else {
                HistoryExport::Fills {
                    filter: f.fill_filter(),
                }
            };
            let ctx = ctx.clone();
            let name = if f.orders { "orders.csv" } else { "fills.csv" };
            spawn_local(async move {
                // A typed path is used as it is; otherwise the native save dialog asks.
                let p = if typed.is_empty() {
                    let dialog = FileDialog {
                        title: "Export history as CSV",
                        kind: "CSV",
                        extensions: &["csv"],
                        default_path: Some(name),
                    };
                    match save_file(&dialog).await {
                        Ok(Some(chosen)) => chosen,
                        Ok(None) => return,
                        Err(e) => {
                            ctx.error("No save dialog", &e);
                            return;
                        }
                    }
                } else {
                    typed
                };
                match invoke(&ExportCsv { export, path: p }).await {
                    Ok(done) => ctx.toast(
                        ToastKind::Success,
                        format!(
                            "Wrote {} rows to {}",
                            format::thousands(done.rows),
                            done.path
                        ),
                    ),
                    Err(e) => ctx.error("Export failed", &e),
                }
            });
        })
    };
    let set = |f: fn(&mut Filters, String)| {
        let filters = filters.clone();
        Callback::from(move |e: Event| {
            let mut x = (*filters).clone();
            f(&mut x, input_value(&e));
            filters.set(x);
        })
    };
    let tab = |orders: bool, label: &'static str| {
        let filters = filters.clone();
        let active = filters.orders == orders;
        html! { <button class={classes!("seg", active.then_some("active"))} aria-pressed={active.to_string()}
        onclick={Callback::from(move |_| filters.set(Filters { orders, ..(*filters).clone() }))}>{ label }</button> }
    };
    let table = if let (Some(e), true) =
        (&rows.error, rows.fills.is_empty() && rows.orders.is_empty())
    {
        let retry = retry.clone();
        error_state(
            "History could not be read",
            e,
            &Callback::from(move |()| retry.set(*retry + 1)),
        )
    } else if rows.loading && rows.fills.is_empty() && rows.orders.is_empty() {
        skeleton(10)
    } else if filters.orders {
        if rows.orders.is_empty() {
            empty_state("No orders match", "Widen the period or clear the filters.")
        } else {
            html! {
                <table class="grid-table">
                    <thead><tr><th>{ "Placed" }</th><th>{ "Market" }</th><th>{ "Outcome" }</th><th class="num">{ "YES price" }</th>
                        <th class="num">{ "Filled / size" }</th><th class="num">{ "Cost" }</th><th class="num">{ "Fees" }</th><th>{ "Status" }</th></tr></thead>
                    <tbody>{ for rows.orders.iter().map(|o| html! {
                        <tr key={o.order_id.clone()}>
                            <td class="mono dim">{ format::datetime(o.created_ms, tz) }</td>
                            <td class="mono">{ &o.ticker }</td><td>{ outcome_name(o.outcome) }</td>
                            <td class="num">{ format::cents(o.yes_price) }</td>
                            <td class="num">{ format!("{} / {}", format::count(o.fill_count), format::count(o.initial_count)) }</td>
                            <td class="num">{ format::dollars(o.fill_cost) }</td><td class="num dim">{ format::dollars(o.fees) }</td>
                            <td>{ status_chip(o) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
        }
    } else if rows.fills.is_empty() {
        empty_state("No fills match", "Widen the period or clear the filters.")
    } else {
        html! {
            <table class="grid-table">
                <thead><tr><th>{ "Time" }</th><th>{ "Market" }</th><th>{ "Outcome" }</th><th class="num">{ "Price" }</th>
                    <th class="num">{ "Contracts" }</th><th class="num">{ "Fee" }</th><th>{ "Liquidity" }</th></tr></thead>
                <tbody>{ for rows.fills.iter().map(|f| html! {
                    <tr key={f.fill_id.clone()}>
                        <td class="mono dim">{ format::datetime(f.created_ms, tz) }</td>
                        <td class="mono">{ &f.ticker }</td><td>{ outcome_name(f.outcome) }</td>
                        <td class="num">{ format::cents(if f.outcome == Outcome::Yes { f.yes_price } else { f.no_price }) }</td>
                        <td class="num">{ format::count(f.count) }</td><td class="num dim">{ format::dollars_exact(f.fee) }</td>
                        <td class="dim">{ if f.is_taker { "taker" } else { "maker" } }</td>
                    </tr>
                }) }</tbody>
            </table>
        }
    };
    html! {
        <section class="page-grid" aria-label="History">
            <div class="toolbar">
                <div class="segs">{ tab(false, "Fills") }{ tab(true, "Orders") }</div>
                <select class="input" aria-label="Period" onchange={set(|f, v| f.days = v.parse().ok())}>
                    <option value="1" selected={filters.days == Some(1)}>{ "Last 24 hours" }</option>
                    <option value="7" selected={filters.days == Some(7)}>{ "Last 7 days" }</option>
                    <option value="30" selected={filters.days == Some(30)}>{ "Last 30 days" }</option>
                    <option value="365" selected={filters.days == Some(365)}>{ "Last year" }</option>
                    <option value="" selected={filters.days.is_none()}>{ "All time" }</option>
                </select>
                <input class="input narrow mono" placeholder="Ticker or PREFIX*" aria-label="Market or prefix (end with *)"
                    value={filters.ticker.clone()} onchange={set(|f, v| f.ticker = v)} />
                <select class="input" aria-label="Outcome" onchange={set(|f, v| f.outcome = match v.as_str() { "yes" => Some(Outcome::Yes), "no" => Some(Outcome::No), _ => None })}>
                    <option value="">{ "YES and NO" }</option><option value="yes">{ "YES" }</option><option value="no">{ "NO" }</option>
                </select>
                if filters.orders {
                    <select class="input" aria-label="Status" onchange={set(|f, v| f.status = match v.as_str() {
                        "resting" => Some(OrderStatus::Resting), "executed" => Some(OrderStatus::Executed), "canceled" => Some(OrderStatus::Canceled), _ => None })}>
                        <option value="">{ "Any status" }</option><option value="resting">{ "Resting" }</option>
                        <option value="executed">{ "Filled" }</option><option value="canceled">{ "Cancelled" }</option>
                    </select>
                }
                <input class="input" type="search" placeholder="Text in ticker or title" aria-label="Text"
                    value={filters.text.clone()} onchange={set(|f, v| f.text = v)} />
            </div>
            <div class="panel">
                { table }
                if rows.next.is_some() {
                    <button class="btn more" onclick={more} disabled={rows.loading}>{ if rows.loading { "Loading…" } else { "Load more" } }</button>
                }
            </div>
            <div class="panel export">
                <span class="section-title">{ "Export CSV" }</span>
                <button class="btn btn-primary" onclick={export}>{ if filters.orders { "Export orders…" } else { "Export fills…" } }</button>
                <input class="input grow mono" placeholder="…or type a path to skip the dialog" aria-label="CSV file path"
                    value={(*path).clone()} oninput={let path = path.clone(); Callback::from(move |e: InputEvent| path.set(input_value(&e)))} />
                <span class="dim small">{ "Writes every row matching the filters, not only the loaded ones." }</span>
            </div>
        </section>
    }
}
