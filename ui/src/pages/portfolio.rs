//! Portfolio: balance and value, positions with average price, mark and P&L, the value
//! and daily P&L charts from the stored snapshots, P&L by market and settlements. All
//! from the store, so it answers offline (marked stale).

use ipc::Money;
use ipc::commands::portfolio::{GetPortfolio, PnlByMarket, PortfolioSeries, Settlements};
use yew::prelude::*;

use crate::app::{Route, tz_offset_min, use_app};
use crate::components::charts::{BarChart, LineChart};
use crate::components::common::{empty_state, render_load, use_command};
use crate::format;

fn dollars_f(v: f64) -> String {
    // Axis labels only: whole dollars are enough.
    if v.abs() >= 1000.0 {
        format!("${:.1}k", v / 1000.0)
    } else {
        format!("${v:.0}")
    }
}

fn money_f(m: Money) -> f64 {
    m.units() as f64 / 1_000_000.0
}

/// The portfolio page.
#[function_component(PortfolioPage)]
pub fn portfolio_page() -> Html {
    let ctx = use_app();
    let seq = ctx.state.account_seq;
    let portfolio = use_command(GetPortfolio {}, seq);
    let series = use_command(PortfolioSeries::default(), seq);
    let pnl = use_command(PnlByMarket::default(), seq);
    let settlements = use_command(Settlements::default(), seq);
    let tz = tz_offset_min();
    let go = |t: String| {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.go(Route::Market(t.clone())))
    };
    let summary = render_load(
        &portfolio.data,
        "The portfolio could not be loaded",
        &portfolio.reload,
        3,
        |p| {
            let unreal: i64 = p
                .positions
                .iter()
                .filter_map(|x| x.unrealized_pnl)
                .map(Money::units)
                .sum();
            let real: i64 = p.positions.iter().map(|x| x.realized_pnl.units()).sum();
            html! {
                <dl class="kpis wide">
                    <div><dt>{ "Cash" }</dt><dd class="num big">{ format::dollars_opt(p.balance) }</dd></div>
                    <div><dt>{ "Portfolio value" }</dt><dd class="num big">{ format::dollars_opt(p.portfolio_value) }</dd></div>
                    <div><dt>{ "Unrealized P&L" }</dt><dd class={classes!("num", "big", if unreal < 0 { "down" } else if unreal > 0 { "up" } else { "flat" })}>{ format::dollars_signed(Money::from_units(unreal)) }</dd></div>
                    <div><dt>{ "Realized (open markets)" }</dt><dd class="num big">{ format::dollars_signed(Money::from_units(real)) }</dd></div>
                    <div><dt>{ "As of" }</dt><dd class="num">{ p.as_of_ms.map_or_else(|| format::DASH.to_owned(), |t| format::datetime(t, tz)) }
                        if p.stale { <span class="chip chip-stale">{ "STALE" }</span> }</dd></div>
                </dl>
            }
        },
    );
    let positions = render_load(
        &portfolio.data,
        "Positions could not be loaded",
        &portfolio.reload,
        5,
        |p| {
            if p.positions.is_empty() {
                return empty_state(
                    "No open positions",
                    "Buy YES or NO from a market's ticket; positions show here with their P&L.",
                );
            }
            html! {
                <table class="grid-table">
                    <thead><tr><th>{ "Market" }</th><th class="num">{ "Position" }</th><th class="num">{ "Avg price" }</th><th class="num">{ "Mark (YES)" }</th>
                        <th class="num">{ "Cost" }</th><th class="num">{ "Unrealized" }</th><th class="num">{ "Realized" }</th><th class="num">{ "Fees" }</th></tr></thead>
                    <tbody>{ for p.positions.iter().map(|x| {
                        let u = x.unrealized_pnl;
                        html! {
                            <tr key={x.ticker.clone()}>
                                <td><button class="link mono" onclick={go(x.ticker.clone())}>{ &x.ticker }</button></td>
                                <td class={classes!("num", if x.position.is_negative() { "no" } else { "yes" })}>{ if x.position.is_negative() { format!("{} NO", format::count(x.position.abs())) } else { format!("{} YES", format::count(x.position)) } }</td>
                                <td class="num">{ x.average_price.map_or_else(|| format::DASH.to_owned(), format::money_cents) }</td>
                                <td class="num">{ format::cents_opt(x.mark_price) }</td>
                                <td class="num">{ format::dollars(x.market_exposure) }</td>
                                <td class={classes!("num", u.map(|u| if u.units() < 0 { "down" } else if u.units() > 0 { "up" } else { "flat" }))}>{ u.map_or_else(|| format::DASH.to_owned(), format::dollars_signed) }</td>
                                <td class="num">{ format::dollars_signed(x.realized_pnl) }</td>
                                <td class="num dim">{ format::dollars(x.fees_paid) }</td>
                            </tr>
                        }
                    }) }</tbody>
                </table>
            }
        },
    );
    let charts = render_load(
        &series.data,
        "The history could not be loaded",
        &series.reload,
        6,
        |h| {
            let points: Vec<_> = h
                .points
                .iter()
                .map(|p| Some((p.at_ms as f64, money_f(p.portfolio_value))))
                .collect();
            let bars: Vec<_> = h
                .daily_pnl
                .iter()
                .map(|d| (d.day_ms as f64, money_f(d.pnl)))
                .collect();
            let fx = Callback::from(move |x: f64| format::short_date(x as i64, tz));
            html! {
                <div class="split">
                    <div><div class="section-title">{ "Portfolio value" }</div>
                        <LineChart points={points} label="Portfolio value over time" fmt_y={Callback::from(dollars_f)} fmt_x={fx.clone()} /></div>
                    <div><div class="section-title">{ "Realized P&L by day" }</div>
                        <BarChart bars={bars} label="Realized P&L per day" fmt_y={Callback::from(dollars_f)} fmt_x={fx} /></div>
                </div>
            }
        },
    );
    let by_market = render_load(
        &pnl.data,
        "P&L could not be loaded",
        &pnl.reload,
        4,
        |rows| {
            if rows.is_empty() {
                return empty_state("No P&L yet", "Markets you trade show their P&L here.");
            }
            html! {
                <table class="grid-table">
                    <thead><tr><th>{ "Market" }</th><th class="num">{ "Fills" }</th><th class="num">{ "Net" }</th><th class="num">{ "Fees" }</th><th class="num">{ "P&L" }</th><th>{ "" }</th></tr></thead>
                    <tbody>{ for rows.iter().map(|r| html! {
                        <tr key={r.ticker.clone()}>
                            <td class="mono">{ &r.ticker }</td>
                            <td class="num">{ r.fills }</td>
                            <td class="num">{ format::count(r.net_position) }</td>
                            <td class="num dim">{ format::dollars(r.fees) }</td>
                            <td class={classes!("num", r.pnl.map(|u| if u.units() < 0 { "down" } else if u.units() > 0 { "up" } else { "flat" }))}>{ r.pnl.map_or_else(|| format::DASH.to_owned(), format::dollars_signed) }</td>
                            <td class="dim">{ if r.realized { "settled" } else { "marked" } }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
        },
    );
    let settled = render_load(
        &settlements.data,
        "Settlements could not be loaded",
        &settlements.reload,
        4,
        |rows| {
            if rows.is_empty() {
                return empty_state(
                    "No settlements",
                    "Markets you held at settlement show here with their payout.",
                );
            }
            html! {
                <table class="grid-table">
                    <thead><tr><th>{ "Settled" }</th><th>{ "Market" }</th><th>{ "Result" }</th><th class="num">{ "YES / NO held" }</th><th class="num">{ "Payout" }</th><th class="num">{ "Fee" }</th></tr></thead>
                    <tbody>{ for rows.iter().map(|s| html! {
                        <tr key={s.ticker.clone()}>
                            <td class="mono dim">{ format::datetime(s.settled_ms, tz) }</td>
                            <td class="mono">{ &s.ticker }</td>
                            <td>{ format!("{:?}", s.result).to_uppercase() }</td>
                            <td class="num">{ format!("{} / {}", format::count(s.yes_count), format::count(s.no_count)) }</td>
                            <td class="num">{ format::dollars(s.revenue) }</td>
                            <td class="num dim">{ format::dollars(s.fee) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
        },
    );
    html! {
        <section class="page-grid" aria-label="Portfolio">
            <div class="panel">{ summary }</div>
            <div class="panel">{ charts }</div>
            <div class="panel"><div class="panel-head"><h2>{ "Positions" }</h2></div>{ positions }</div>
            <div class="split">
                <div class="panel"><div class="panel-head"><h2>{ "P&L by market" }</h2></div>{ by_market }</div>
                <div class="panel"><div class="panel-head"><h2>{ "Settlements" }</h2></div>{ settled }</div>
            </div>
        </section>
    }
}
