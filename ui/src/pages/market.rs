//! One market: header, YES and NO ladders updating live from the view channel, the
//! trades tape, the price chart with ranges and the person's fills, the position and
//! resting orders here, and the order ticket beside it.

use std::rc::Rc;

use ipc::commands::history::{FillFilter, FillHistory, PageRequest, TickerMatch};
use ipc::commands::market::{
    CandleRange, Candles, CloseMarketView, GetMarket, MarketUpdate, OpenMarketView, RecentTrades,
    ViewSnapshot,
};
use ipc::commands::markets::MarketStatus;
use ipc::commands::orders::{BookSide, CancelOrder, Outcome, RestingOrders};
use ipc::commands::portfolio::GetPortfolio;
use ipc::{Count, Money};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{Route, ToastKind, cancel_all, outcome_name, tz_offset_min, use_app};
use crate::bindings::{Channel, invoke, invoke_with_channel};
use crate::book::ladder;
use crate::components::charts::{LineChart, Marker};
use crate::components::common::{empty_state, render_load, use_command};
use crate::components::ladder::Ladder;
use crate::components::order_ticket::OrderTicket;
use crate::format;
use crate::ticks::default_grid;

/// Properties of [`MarketPage`].
#[derive(Properties, PartialEq, Debug)]
pub struct MarketProps {
    /// The market.
    pub ticker: AttrValue,
}

/// The market page.
#[function_component(MarketPage)]
pub fn market_page(p: &MarketProps) -> Html {
    let ctx = use_app();
    let ticker = p.ticker.to_string();
    let detail = use_command(
        GetMarket {
            ticker: ticker.clone(),
        },
        (),
    );
    let update = use_state(|| None::<Rc<MarketUpdate>>);
    let view_error = use_state(|| None::<ipc::AppError>);
    let range = use_state(|| CandleRange::Day);
    let pick = use_state(|| None::<(u64, Outcome, ipc::Price)>);
    let account = ctx.state.account_seq;
    let candles = use_command(
        Candles {
            ticker: ticker.clone(),
            range: *range,
        },
        (),
    );
    let volume = update.as_ref().and_then(|u| u.volume);
    let trades = use_command(
        RecentTrades {
            ticker: ticker.clone(),
            limit: 40,
        },
        volume,
    );
    let orders = use_command(
        RestingOrders {
            ticker: Some(ticker.clone()),
        },
        account,
    );
    let portfolio = use_command(GetPortfolio {}, account);
    let fills = use_command(
        FillHistory {
            filter: FillFilter {
                ticker: Some(TickerMatch::Exact {
                    ticker: ticker.clone(),
                }),
                ..FillFilter::default()
            },
            page: PageRequest {
                after: None,
                limit: 200,
            },
        },
        account,
    );

    // The live view: open on mount, close on unmount; a seq jump asks for a snapshot.
    {
        let update = update.clone();
        let view_error = view_error.clone();
        use_effect_with(ticker.clone(), move |ticker| {
            let ticker = ticker.clone();
            let last_seq = Rc::new(std::cell::Cell::new(0u64));
            let view_id = Rc::new(std::cell::Cell::new(None));
            let channel = {
                let update = update.clone();
                let last_seq = last_seq.clone();
                let view_id = view_id.clone();
                let view_error = view_error.clone();
                Channel::new::<MarketUpdate>(move |msg| match msg {
                    Ok(u) => {
                        let seq = u.seq;
                        if last_seq.get() != 0
                            && seq != last_seq.get() + 1
                            && let Some(id) = view_id.get()
                        {
                            {
                                let update = update.clone();
                                let last_seq = last_seq.clone();
                                spawn_local(async move {
                                    if let Ok(snap) = invoke(&ViewSnapshot { view_id: id }).await {
                                        last_seq.set(snap.seq);
                                        update.set(Some(Rc::new(snap)));
                                    }
                                });
                            }
                        }
                        last_seq.set(seq);
                        update.set(Some(Rc::new(u)));
                    }
                    Err(e) => view_error.set(Some(e)),
                })
            };
            let channel = match channel {
                Ok(ch) => {
                    let id = ch.id();
                    let view_id = view_id.clone();
                    let view_error = view_error.clone();
                    spawn_local(async move {
                        match invoke_with_channel(&OpenMarketView { ticker }, id).await {
                            Ok(v) => view_id.set(Some(v)),
                            Err(e) => view_error.set(Some(e)),
                        }
                    });
                    Some(ch)
                }
                Err(e) => {
                    view_error.set(Some(e));
                    None
                }
            };
            move || {
                if let Some(id) = view_id.get() {
                    spawn_local(async move {
                        let _ = invoke(&CloseMarketView { view_id: id }).await;
                    });
                }
                drop(channel);
            }
        });
    }

    let back = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.go(Route::Markets))
    };
    let tz = tz_offset_min();
    let Some(d) = detail.data.ready().cloned() else {
        return html! {
            <section class="market">
                <button class="link" onclick={back}>{ "← Markets" }</button>
                { render_load(&detail.data, "This market could not be loaded", &detail.reload, 10, |_| html! {}) }
            </section>
        };
    };
    let m = &d.market;
    let u = (*update).clone();
    let (bids, asks) = u.as_ref().map_or_else(
        || (Vec::new(), Vec::new()),
        |u| (u.yes_bids.clone(), u.yes_asks.clone()),
    );
    let my_orders = orders
        .data
        .ready()
        .map(|o| o.orders.clone())
        .unwrap_or_default();
    let position = portfolio
        .data
        .ready()
        .and_then(|p| p.positions.iter().find(|x| x.ticker == m.ticker).cloned());
    let balance = portfolio.data.ready().and_then(|p| p.balance);
    let on_pick = |outcome: Outcome| {
        let pick = pick.clone();
        Callback::from(move |price| {
            let n = pick.as_ref().map_or(1, |p| p.0 + 1);
            pick.set(Some((n, outcome, price)));
        })
    };
    let stale = u.as_ref().is_none_or(|u| u.stale) || d.stale;
    let ranges = if d.price_ranges.is_empty() {
        default_grid()
    } else {
        d.price_ranges.clone()
    };
    let status = format!("{:?}", m.status).to_lowercase();
    let last = u.as_ref().and_then(|u| u.last_price).or(m.last_price);
    let change = format::change(last, m.previous_price);
    // Marked at the live last price, so it moves with LAST above it; the portfolio's own
    // mark is only read again when the account changes.
    let unrealized = position.as_ref().and_then(|p| {
        last.and_then(|mark| Money::unrealized(p.position, p.market_exposure, mark))
            .or(p.unrealized_pnl)
    });

    // Chart: candle closes (or mid of bid/ask when no trade), fills as markers.
    let chart = render_load(
        &candles.data,
        "The chart could not be loaded",
        &candles.reload,
        6,
        |series| {
            let points: Vec<_> = series
                .candles
                .iter()
                .map(|c| c.close.map(|p| (c.end_ms as f64, p.units() as f64 / 100.0)))
                .collect();
            let first = series.candles.first().map_or(0, |c| c.end_ms);
            let markers: Vec<Marker> = fills
                .data
                .ready()
                .map(|page| {
                    page.items
                        .iter()
                        .filter(|f| f.created_ms >= first)
                        .map(|f| Marker {
                            x: f.created_ms as f64,
                            y: f.yes_price.units() as f64 / 100.0,
                            class: if f.book_side == BookSide::Bid {
                                "buy"
                            } else {
                                "sell"
                            },
                            title: format!(
                                "{} {} @ {}",
                                format::count(f.count),
                                outcome_name(f.outcome),
                                format::cents(f.yes_price)
                            ),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let short = matches!(series.range, CandleRange::Hour | CandleRange::Day);
            let fmt_x = Callback::from(move |x: f64| {
                let ms = x as i64;
                if short {
                    format::clock(ms, tz)[..5].to_owned()
                } else {
                    format::short_date(ms, tz)
                }
            });
            html! {
                <LineChart points={points} markers={markers} label="YES price over time"
                    fmt_y={Callback::from(|y: f64| format!("{y:.0}¢"))} fmt_x={fmt_x} />
            }
        },
    );
    let range_btn = |r: CandleRange, label: &'static str| {
        let range = range.clone();
        let active = *range == r;
        html! { <button class={classes!("seg", active.then_some("active"))} aria-pressed={active.to_string()}
        onclick={Callback::from(move |_| range.set(r))}>{ label }</button> }
    };
    let tape = render_load(
        &trades.data,
        "Trades could not be loaded",
        &trades.reload,
        8,
        |ts| {
            if ts.is_empty() {
                return empty_state("No trades yet", "Trades appear here as they happen.");
            }
            html! {
                <table class="grid-table tape">
                    <thead><tr><th>{ "Time" }</th><th class="num">{ "YES" }</th><th class="num">{ "Size" }</th><th>{ "Taker" }</th></tr></thead>
                    <tbody>{ for ts.iter().map(|t| html! {
                        <tr key={t.trade_id.clone()}>
                            <td class="mono dim">{ format::clock(t.created_ms, tz) }</td>
                            <td class={classes!("num", if t.taker_book_side == BookSide::Bid { "up" } else { "down" })}>{ format::cents(t.yes_price) }</td>
                            <td class="num">{ format::count(t.count) }</td>
                            <td>{ outcome_name(t.taker_outcome) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
        },
    );
    let cancel_here = {
        let ctx = ctx.clone();
        let t = m.ticker.clone();
        Callback::from(move |_| cancel_all(&ctx, Some(t.clone())))
    };
    let live_orders = ctx.state.live_orders.clone();
    let orders_view = render_load(
        &orders.data,
        "Orders could not be loaded",
        &orders.reload,
        3,
        |list| {
            let rows = live_orders.rows(&m.ticker, list);
            if rows.is_empty() {
                return html! { <div class="dim small">{ "No resting orders on this market." }</div> };
            }
            html! {
                <table class="grid-table">
                    <tbody>
                    { for rows.into_iter().map(|r| {
                        let price = html! { <td class="num">{ format::cents(r.price) }</td> };
                        let Some(id) = r.order_id else {
                            return html! {
                                <tr key={r.key} class="pending"><td>{ "Sending…" }</td><td>{ outcome_name(r.outcome) }</td>
                                    { price }<td class="num">{ format::count(r.initial) }</td><td></td></tr>
                            };
                        };
                        let ctx = ctx.clone();
                        let cancel = Callback::from(move |_| {
                            let ctx = ctx.clone();
                            let id = id.clone();
                            spawn_local(async move {
                                match invoke(&CancelOrder { order_id: id }).await {
                                    Ok(()) => ctx.toast(ToastKind::Info, "Order cancelled"),
                                    Err(e) => ctx.error("Not cancelled", &e),
                                }
                            });
                        });
                        html! {
                            <tr key={r.key}>
                                <td>{ if r.book_side == BookSide::Bid { "Bid" } else { "Ask" } }</td>
                                <td>{ outcome_name(r.outcome) }</td>
                                { price }
                                <td class="num">{ format!("{}/{}", format::count(r.remaining), format::count(r.initial)) }</td>
                                <td><button class="link danger" onclick={cancel}>{ "Cancel" }</button></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
        },
    );
    let pos_count = position.as_ref().map_or(Count::ZERO, |p| p.position);
    let open = m.status == MarketStatus::Active;
    let ladder_depth = 12;
    html! {
        <section class="market" aria-label={m.title.clone()}>
            <header class="market-head">
                <button class="link" onclick={back} title="Back (Backspace)">{ "← Markets" }</button>
                <div class="market-title">
                    <h1>{ &m.title }</h1>
                    <div class="market-sub">
                        <span class="mono">{ &m.ticker }</span>
                        if !m.yes_sub_title.is_empty() { <span>{ format!("YES: {}", m.yes_sub_title) }</span> }
                        <span class={classes!("chip", format!("st-{status}"))}>{ status.clone() }</span>
                        if let Some(r) = m.result { <span class="chip chip-result">{ format!("Result: {r:?}") }</span> }
                        <span class="dim">{ format!("Closes {} ({})", format::datetime(m.close_ms, tz), format::time_left(m.close_ms, crate::app::now_ms() as i64)) }</span>
                        if stale { <span class="chip chip-stale">{ "STALE" }</span> }
                    </div>
                </div>
                <dl class="kpis">
                    <div><dt>{ "Last" }</dt><dd class="num big">{ format::cents_opt(last) }</dd></div>
                    <div><dt>{ "24h" }</dt><dd class={classes!("num", change.as_ref().map(|c| c.1.class()))}>{ change.map_or_else(|| format::DASH.to_owned(), |c| c.0) }</dd></div>
                    <div><dt>{ "Volume" }</dt><dd class="num">{ format::count_compact(u.as_ref().and_then(|u| u.volume).unwrap_or(m.volume)) }</dd></div>
                    <div><dt>{ "Open int." }</dt><dd class="num">{ format::count_compact(u.as_ref().and_then(|u| u.open_interest).unwrap_or(m.open_interest)) }</dd></div>
                </dl>
            </header>
            if let Some(e) = &*view_error {
                <div class="banner banner-error">{ format!("Live book unavailable: {}", e.message) }</div>
            }
            if let Some(r) = u.as_ref().and_then(|u| u.refused.clone()) {
                <div class="banner banner-error">{ format!("The exchange refused this market: {r}") }</div>
            }
            <div class="market-grid">
                <div class="panel ladders">
                    <Ladder title="YES" ladder={ladder(Outcome::Yes, &bids, &asks, &my_orders, ladder_depth)} stale={stale} on_pick={on_pick(Outcome::Yes)} />
                    <Ladder title="NO" ladder={ladder(Outcome::No, &bids, &asks, &my_orders, ladder_depth)} stale={stale} on_pick={on_pick(Outcome::No)} />
                </div>
                <div class="panel center">
                    <div class="panel-head">
                        <span class="section-title">{ "YES price" }</span>
                        <div class="segs small">
                            { range_btn(CandleRange::Hour, "1H") }{ range_btn(CandleRange::Day, "1D") }
                            { range_btn(CandleRange::Week, "1W") }{ range_btn(CandleRange::All, "All") }
                        </div>
                    </div>
                    { chart }
                    <div class="split">
                        <div>
                            <div class="section-title">{ "Your position" }</div>
                            { match &position {
                                Some(pos) => html! {
                                    <dl class="facts">
                                        <dt>{ "Contracts" }</dt><dd class="num">{ if pos.position.is_negative() { format!("{} NO", format::count(pos.position.abs())) } else { format!("{} YES", format::count(pos.position)) } }</dd>
                                        <dt>{ "Avg price" }</dt><dd class="num">{ pos.average_price.map_or_else(|| format::DASH.to_owned(), format::money_cents) }</dd>
                                        <dt>{ "Unrealized" }</dt><dd class="num" title="Marked at the last price">{ unrealized.map_or_else(|| format::DASH.to_owned(), format::dollars_signed) }</dd>
                                        <dt>{ "Realized" }</dt><dd class="num">{ format::dollars_signed(pos.realized_pnl) }</dd>
                                    </dl>
                                },
                                None => html! { <div class="dim small">{ "No position." }</div> },
                            } }
                            <div class="section-title row-between">{ "Resting orders" }
                                <button class="link danger" onclick={cancel_here}>{ "Cancel all here" }</button></div>
                            { orders_view }
                        </div>
                        <div>
                            <div class="section-title">{ "Trades" }</div>
                            <div class="tape-wrap">{ tape }</div>
                        </div>
                    </div>
                    <details class="rules">
                        <summary>{ "Rules" }</summary>
                        <p>{ &d.rules_primary }</p>
                        if !d.rules_secondary.is_empty() { <p class="dim">{ &d.rules_secondary }</p> }
                    </details>
                </div>
                <div class="panel ticket-panel">
                    <div class="section-title">{ "Order ticket" }</div>
                    <OrderTicket ticker={m.ticker.clone()} ranges={ranges} yes_bids={bids.clone()} yes_asks={asks.clone()}
                        position={pos_count} balance={balance} open={open} pick={*pick} />
                </div>
            </div>
        </section>
    }
}
