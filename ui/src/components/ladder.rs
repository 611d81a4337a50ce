//! The depth ladder of one outcome: asks above, the spread row, bids below; size bars
//! drawn as SVG (no inline styles under the CSP); the person's resting contracts marked;
//! a click on a level puts its price in the ticket. The spread row is scrolled into view
//! when the ladder first fills.

use ipc::Price;
use yew::prelude::*;

use crate::book::{Ladder as LadderData, LadderRow, RowSide};
use crate::format;

/// Properties of [`Ladder`].
#[derive(Properties, PartialEq, Debug)]
pub struct LadderProps {
    /// `YES` or `NO`.
    pub title: AttrValue,
    /// The rows.
    pub ladder: LadderData,
    /// True when the book may be wrong (greyed).
    pub stale: bool,
    /// A level was clicked.
    pub on_pick: Callback<Price>,
}

/// One outcome's ladder.
#[function_component(Ladder)]
pub fn ladder(p: &LadderProps) -> Html {
    let spread_ref = use_node_ref();
    let has_rows = !p.ladder.asks.is_empty() || !p.ladder.bids.is_empty();
    {
        let spread_ref = spread_ref.clone();
        use_effect_with(has_rows, move |has| {
            if *has && let Some(el) = spread_ref.cast::<web_sys::Element>() {
                let opts = web_sys::ScrollIntoViewOptions::new();
                opts.set_block(web_sys::ScrollLogicalPosition::Center);
                el.scroll_into_view_with_scroll_into_view_options(&opts);
            }
        });
    }
    let row = |r: &LadderRow| {
        let pick = {
            let on_pick = p.on_pick.clone();
            let price = r.price;
            Callback::from(move |_| on_pick.emit(price))
        };
        let side = match r.side {
            RowSide::Ask => "ask",
            RowSide::Bid => "bid",
        };
        html! {
            <button class={classes!("ladder-row", side)} onclick={pick}
                title={format!("Put {} in the ticket", format::cents(r.price))}>
                <span class="mine num">{ if r.mine.is_zero() { String::new() } else { format!("●{}", format::count(r.mine)) } }</span>
                <span class="price num">{ format::cents(r.price) }</span>
                <span class="size num">
                    <svg class="bar" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
                        <rect x={(100 - r.bar_pct).to_string()} y="0" width={r.bar_pct.to_string()} height="1" />
                    </svg>
                    <span class="size-text">{ format::count(r.count) }</span>
                </span>
            </button>
        }
    };
    html! {
        <div class={classes!("ladder", p.stale.then_some("stale"))}>
            <div class="ladder-head"><span>{ "Mine" }</span><span>{ format!("{} price", p.title) }</span><span>{ "Size" }</span></div>
            <div class="ladder-body">
                if !has_rows {
                    <div class="ladder-empty">{ "No orders on the book." }</div>
                }
                { for p.ladder.asks.iter().map(row) }
                <div ref={spread_ref} class="ladder-spread">
                    { match p.ladder.spread { Some(s) => format!("Spread {}", format::cents(s)), None => "No spread".to_owned() } }
                </div>
                { for p.ladder.bids.iter().map(row) }
            </div>
        </div>
    }
}
