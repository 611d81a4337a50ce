//! The markets list: search as you type, filters, sort, a virtualized list (only the
//! visible rows are in the DOM, pages of 500 fetched as the window reaches them), live
//! row updates with a brief highlight, the watchlist pinned on top, and a stale badge
//! when the rows come from the cache.

use std::collections::HashMap;

use gloo_events::EventListener;
use ipc::AppEvent;
use ipc::commands::markets::{ListMarkets, MarketRow, MarketSort, MarketStatus, SortDirection};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::app::{Route, now_ms, typing, use_app};
use crate::bindings::invoke;
use crate::components::common::{empty_state, error_state, input_value, set_css_var, skeleton};
use crate::format;
use crate::window::{reveal, window};

const ROW_H: u32 = 30;
const PAGE: u32 = 500;

#[derive(Debug, Clone, PartialEq)]
struct Query {
    text: String,
    status: Option<MarketStatus>,
    category: String,
    closing_within_ms: Option<u64>,
    sort: MarketSort,
    direction: SortDirection,
}

impl Query {
    fn request(&self, offset: u32, tickers: Option<Vec<String>>) -> ListMarkets {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        ListMarkets {
            query: opt(&self.text),
            status: self.status,
            category: opt(&self.category),
            series_ticker: None,
            event_ticker: None,
            tickers,
            closing_within_ms: self.closing_within_ms,
            sort: self.sort,
            direction: self.direction,
            offset,
            limit: PAGE,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
struct List {
    rows: Vec<MarketRow>,
    total: u64,
    stale: bool,
    as_of_ms: Option<i64>,
    loading: bool,
    error: Option<ipc::AppError>,
    /// Ticker → how many times it changed live (drives the highlight).
    flashes: HashMap<String, u32>,
}

fn row_view(
    m: &MarketRow,
    flash: u32,
    selected: bool,
    pinned: bool,
    on_open: Callback<String>,
    on_pin: Callback<String>,
) -> Html {
    let now = now_ms() as i64;
    let change = format::change(m.last_price, m.previous_price);
    let t = m.ticker.clone();
    let open = Callback::from(move |_| on_open.emit(t.clone()));
    let t = m.ticker.clone();
    let pin = Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        on_pin.emit(t.clone());
    });
    let flash_class = match flash {
        0 => None,
        n if n % 2 == 0 => Some("flash-a"),
        _ => Some("flash-b"),
    };
    html! {
        <div class={classes!("mrow", selected.then_some("selected"), flash_class)} role="row"
            aria-selected={selected.to_string()} onclick={open}>
            <button class={classes!("pin", pinned.then_some("pinned"))} onclick={pin}
                aria-label={if pinned { "Unpin" } else { "Pin to watchlist" }} title="Pin (P)">{ if pinned { "★" } else { "☆" } }</button>
            <div class="mcell title" role="cell">
                <span class="mtitle">{ &m.title }{ if m.yes_sub_title.is_empty() { String::new() } else { format!(" · {}", m.yes_sub_title) } }</span>
                <span class="mticker mono">{ &m.ticker }</span>
            </div>
            <div class="mcell num bid" role="cell">{ format::cents_opt(m.yes_bid) }</div>
            <div class="mcell num ask" role="cell">{ format::cents_opt(m.yes_ask) }</div>
            <div class="mcell num" role="cell">{ format::cents_opt(m.last_price) }</div>
            <div class={classes!("mcell", "num", change.as_ref().map(|c| c.1.class()))} role="cell">
                { change.map_or_else(|| format::DASH.to_owned(), |c| c.0) }</div>
            <div class="mcell num" role="cell">{ format::count_compact(m.volume_24h) }</div>
            <div class="mcell num" role="cell">{ format::count_compact(m.volume) }</div>
            <div class="mcell num" role="cell">{ format::count_compact(m.open_interest) }</div>
            <div class="mcell num dim" role="cell">{ format::time_left(m.close_ms, now) }</div>
        </div>
    }
}

/// The markets page.
#[function_component(MarketsPage)]
pub fn markets_page() -> Html {
    let ctx = use_app();
    let query = use_state(|| Query {
        text: String::new(),
        status: Some(MarketStatus::Active),
        category: String::new(),
        closing_within_ms: None,
        sort: MarketSort::Volume24h,
        direction: SortDirection::Descending,
    });
    let list = use_state(List::default);
    let list_ref = use_mut_ref(List::default);
    let watch = use_state(Vec::<MarketRow>::new);
    let scroll = use_state(|| (0u32, 600u32));
    let selected = use_state(|| 0usize);
    let retry = use_state(|| 0u32);
    let viewport = use_node_ref();
    let top_pad = use_node_ref();
    let bottom_pad = use_node_ref();
    let search = use_node_ref();
    let watchlist: Vec<String> = ctx
        .state
        .settings
        .as_ref()
        .map(|s| s.watchlist.clone())
        .unwrap_or_default();

    let set_list = {
        let list = list.clone();
        let list_ref = list_ref.clone();
        move |l: List| {
            *list_ref.borrow_mut() = l.clone();
            list.set(l);
        }
    };

    // A sync finished while the first page was being asked for: an answer from the empty
    // or stale cache of before it is asked again.
    let synced_while_loading = use_mut_ref(|| false);
    // First page whenever the query changes.
    {
        let set_list = set_list.clone();
        let list_ref = list_ref.clone();
        let synced_while_loading = synced_while_loading.clone();
        let retry = retry.clone();
        use_effect_with(((*query).clone(), *retry), move |(q, n)| {
            let req = q.request(0, None);
            let n = *n;
            let mut l = list_ref.borrow().clone();
            l.loading = true;
            l.error = None;
            set_list(l);
            *synced_while_loading.borrow_mut() = false;
            let list_ref = list_ref.clone();
            spawn_local(async move {
                let mut l = list_ref.borrow().clone();
                match invoke(&req).await {
                    Ok(page) => {
                        l.rows = page.markets;
                        l.total = page.total;
                        l.stale = page.stale;
                        l.as_of_ms = page.as_of_ms;
                    }
                    Err(e) => l.error = Some(e),
                }
                l.loading = false;
                let again = std::mem::take(&mut *synced_while_loading.borrow_mut())
                    && (l.stale || l.rows.is_empty());
                set_list(l);
                if again {
                    retry.set(n + 1);
                }
            });
        });
    }
    // A list answered from an empty or stale cache (the session was still catching up) is
    // asked again once the exchange has been reached. The session's last sync time says
    // so, not the `Synced` event: pages see only the latest of the events that arrive
    // between two renders, and a sync is often followed at once by market events.
    {
        let list_ref = list_ref.clone();
        let retry = retry.clone();
        let synced_at = ctx.state.session.as_ref().and_then(|s| s.last_synced_ms);
        use_effect_with(synced_at, move |at| {
            if at.is_some() {
                let l = list_ref.borrow();
                if l.loading {
                    *synced_while_loading.borrow_mut() = true;
                } else if l.stale || l.rows.is_empty() {
                    retry.set(*retry + 1);
                }
            }
        });
    }
    // The watchlist rows.
    {
        let watch = watch.clone();
        use_effect_with(watchlist.clone(), move |w| {
            if w.is_empty() {
                watch.set(Vec::new());
            } else {
                let q = Query {
                    text: String::new(),
                    status: None,
                    category: String::new(),
                    closing_within_ms: None,
                    sort: MarketSort::Ticker,
                    direction: SortDirection::Ascending,
                };
                let req = q.request(0, Some(w.clone()));
                let order = w.clone();
                spawn_local(async move {
                    if let Ok(mut page) = invoke(&req).await {
                        page.markets
                            .sort_by_key(|m| order.iter().position(|t| *t == m.ticker));
                        watch.set(page.markets);
                    }
                });
            }
        });
    }
    let win = window(
        list.total.min(list.rows.len() as u64 + u64::from(PAGE)) as usize,
        ROW_H,
        scroll.0,
        scroll.1,
        8,
    );
    // Next page when the window reaches rows not loaded yet.
    {
        let set_list = set_list.clone();
        let list_ref = list_ref.clone();
        let q = (*query).clone();
        let need =
            win.end > list.rows.len() && (list.rows.len() as u64) < list.total && !list.loading;
        use_effect_with((need, list.rows.len()), move |(need, loaded)| {
            if *need {
                let req = q.request(u32::try_from(*loaded).unwrap_or(u32::MAX), None);
                let mut l = list_ref.borrow().clone();
                l.loading = true;
                set_list(l);
                spawn_local(async move {
                    let mut l = list_ref.borrow().clone();
                    match invoke(&req).await {
                        Ok(page) => {
                            l.rows.extend(page.markets);
                            l.total = page.total;
                        }
                        Err(e) => l.error = Some(e),
                    }
                    l.loading = false;
                    set_list(l);
                });
            }
        });
    }
    // Live rows.
    {
        let set_list = set_list.clone();
        let list_ref = list_ref.clone();
        let watch = watch.clone();
        let event = ctx.state.event.clone();
        use_effect_with(event.as_ref().map(|e| e.0), move |_| {
            if let Some((_, ev)) = event
                && let AppEvent::Market(row) = &*ev
            {
                let mut l = list_ref.borrow().clone();
                if let Some(slot) = l.rows.iter_mut().find(|r| r.ticker == row.ticker) {
                    *slot = row.clone();
                    *l.flashes.entry(row.ticker.clone()).or_default() += 1;
                    set_list(l);
                }
                if watch.iter().any(|r| r.ticker == row.ticker) {
                    let rows = watch
                        .iter()
                        .map(|r| {
                            if r.ticker == row.ticker {
                                row.clone()
                            } else {
                                r.clone()
                            }
                        })
                        .collect();
                    watch.set(rows);
                }
            }
        });
    }
    // Spacer heights through the CSSOM (no inline styles under the CSP).
    {
        let (top, bottom) = (top_pad.clone(), bottom_pad.clone());
        use_effect_with((win.pad_top, win.pad_bottom), move |(t, b)| {
            set_css_var(&top, "height", &format!("{t}px"));
            set_css_var(&bottom, "height", &format!("{b}px"));
        });
    }
    // Measure the viewport once mounted.
    {
        let viewport = viewport.clone();
        let scroll = scroll.clone();
        use_effect_with((), move |_| {
            if let Some(el) = viewport.cast::<web_sys::HtmlElement>() {
                scroll.set((
                    0,
                    u32::try_from(el.client_height()).unwrap_or(600).max(ROW_H),
                ));
            }
        });
    }
    let onscroll = {
        let scroll = scroll.clone();
        let viewport = viewport.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = viewport.cast::<web_sys::HtmlElement>() {
                scroll.set((
                    u32::try_from(el.scroll_top()).unwrap_or(0),
                    u32::try_from(el.client_height()).unwrap_or(600),
                ));
            }
        })
    };
    let open = {
        let ctx = ctx.clone();
        Callback::from(move |t: String| ctx.go(Route::Market(t)))
    };
    let pin = {
        let ctx = ctx.clone();
        Callback::from(move |t: String| {
            if let Some(mut s) = ctx.state.settings.clone() {
                if let Some(i) = s.watchlist.iter().position(|w| *w == t) {
                    s.watchlist.remove(i);
                } else {
                    s.watchlist.push(t);
                }
                ctx.save_settings(s);
            }
        })
    };
    // Keyboard: / search, ↑↓ j k move, Enter open, p pin.
    {
        let ctx = ctx.clone();
        let selected = selected.clone();
        let list_ref = list_ref.clone();
        let open = open.clone();
        let pin = pin.clone();
        let search = search.clone();
        let viewport = viewport.clone();
        use_effect_with(*selected, move |sel| {
            let sel = *sel;
            let doc = web_sys::window().and_then(|w| w.document());
            let l = doc.map(|doc| {
                EventListener::new(&doc, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if ctx.modal.get() || typing(e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let rows = list_ref.borrow().rows.len();
                    let move_to = |i: usize| {
                        selected.set(i);
                        if let Some(el) = viewport.cast::<web_sys::HtmlElement>() {
                            let top = u32::try_from(el.scroll_top()).unwrap_or(0);
                            let h = u32::try_from(el.client_height()).unwrap_or(600);
                            if let Some(to) = reveal(i, ROW_H, top, h) {
                                el.set_scroll_top(i32::try_from(to).unwrap_or(i32::MAX));
                            }
                        }
                    };
                    match e.key().as_str() {
                        "/" => {
                            e.prevent_default();
                            if let Some(el) = search.cast::<web_sys::HtmlElement>() {
                                let _ = el.focus();
                            }
                        }
                        "ArrowDown" | "j" => {
                            e.prevent_default();
                            move_to((sel + 1).min(rows.saturating_sub(1)));
                        }
                        "ArrowUp" | "k" => {
                            e.prevent_default();
                            move_to(sel.saturating_sub(1));
                        }
                        "Enter" => {
                            if let Some(r) = list_ref.borrow().rows.get(sel) {
                                open.emit(r.ticker.clone());
                            }
                        }
                        "p" | "P" => {
                            if let Some(r) = list_ref.borrow().rows.get(sel) {
                                pin.emit(r.ticker.clone());
                            }
                        }
                        _ => {}
                    }
                })
            });
            move || drop(l)
        });
    }

    let set_q = |f: fn(&mut Query, String)| {
        let query = query.clone();
        Callback::from(move |e: Event| {
            let mut q = (*query).clone();
            f(&mut q, input_value(&e));
            query.set(q);
        })
    };
    let on_text = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let mut q = (*query).clone();
            q.text = input_value(&e);
            query.set(q);
        })
    };
    let header = |label: &'static str, sort: Option<MarketSort>| {
        let query = query.clone();
        let active = sort == Some(query.sort);
        let descending = query.direction == SortDirection::Descending;
        let arrow = if active {
            if descending { " ▼" } else { " ▲" }
        } else {
            ""
        };
        let click = Callback::from(move |_| {
            if let Some(s) = sort {
                let mut q = (*query).clone();
                if q.sort == s {
                    q.direction = match q.direction {
                        SortDirection::Ascending => SortDirection::Descending,
                        SortDirection::Descending => SortDirection::Ascending,
                    };
                } else {
                    q.sort = s;
                    q.direction = if s == MarketSort::CloseTime {
                        SortDirection::Ascending
                    } else {
                        SortDirection::Descending
                    };
                }
                query.set(q);
            }
        });
        html! {
            <div class={classes!("mcell", "hcell", sort.map(|_| "sortable"), active.then_some("active"))} role="columnheader"
                onclick={click} aria-sort={if active { if descending { "descending" } else { "ascending" } } else { "none" }}>
                { label }{ arrow }
            </div>
        }
    };
    let body = if let (Some(e), true) = (&list.error, list.rows.is_empty()) {
        let retry = retry.clone();
        error_state(
            "The markets could not be loaded",
            e,
            &Callback::from(move |()| retry.set(*retry + 1)),
        )
    } else if list.rows.is_empty() && list.loading {
        skeleton(14)
    } else if list.rows.is_empty() {
        empty_state(
            "No markets match",
            "Clear the search or the filters, or pick another status.",
        )
    } else {
        html! {
            <>
                <div ref={top_pad.clone()} class="pad"></div>
                { for (win.first..win.end).map(|i| match list.rows.get(i) {
                    Some(m) => {
                        let flash = list.flashes.get(&m.ticker).copied().unwrap_or(0);
                        let pinned = watchlist.contains(&m.ticker);
                        html! { <div key={m.ticker.clone()}>{ row_view(m, flash, i == *selected, pinned, open.clone(), pin.clone()) }</div> }
                    }
                    None => html! { <div key={format!("loading-{i}")} class="mrow loading"><div class="skeleton-row"></div></div> },
                }) }
                <div ref={bottom_pad.clone()} class="pad"></div>
            </>
        }
    };
    let stale = list.stale.then(|| {
        let ago = list.as_of_ms.map(|t| format!(" · as of {} ago", format::age((now_ms() as i64 - t).max(0) as u64))).unwrap_or_default();
        html! { <span class="chip chip-stale" title="The exchange could not be reached: rows come from the local cache">{ format!("OFFLINE · CACHED{ago}") }</span> }
    });
    html! {
        <section class="markets" aria-label="Markets">
            <div class="toolbar">
                <input ref={search} data-testid="market-search" class="input search" type="search" placeholder="Search title or ticker  ( / )"
                    aria-label="Search markets" value={query.text.clone()} oninput={on_text} />
                <select class="input" aria-label="Status" onchange={set_q(|q, v| q.status = match v.as_str() {
                    "active" => Some(MarketStatus::Active), "closed" => Some(MarketStatus::Closed),
                    "finalized" => Some(MarketStatus::Finalized), "initialized" => Some(MarketStatus::Initialized), _ => None })}>
                    <option value="active" selected={query.status == Some(MarketStatus::Active)}>{ "Open" }</option>
                    <option value="initialized" selected={query.status == Some(MarketStatus::Initialized)}>{ "Upcoming" }</option>
                    <option value="closed" selected={query.status == Some(MarketStatus::Closed)}>{ "Closed" }</option>
                    <option value="finalized" selected={query.status == Some(MarketStatus::Finalized)}>{ "Settled" }</option>
                    <option value="" selected={query.status.is_none()}>{ "Any status" }</option>
                </select>
                <input class="input narrow" placeholder="Category" aria-label="Category" value={query.category.clone()}
                    onchange={set_q(|q, v| q.category = v)} />
                <select class="input" aria-label="Closing" onchange={set_q(|q, v| q.closing_within_ms = v.parse().ok())}>
                    <option value="" selected={query.closing_within_ms.is_none()}>{ "Any close" }</option>
                    <option value="3600000">{ "Closing within 1h" }</option>
                    <option value="86400000">{ "Closing within 24h" }</option>
                    <option value="604800000">{ "Closing within 7d" }</option>
                </select>
                <span class="spacer"></span>
                { for stale }
                <span class="dim num">{ format!("{} markets", format::thousands(list.total)) }</span>
            </div>
            if !watch.is_empty() {
                <div class="watchlist" aria-label="Watchlist">
                    <div class="section-title">{ "Watchlist" }</div>
                    { for watch.iter().map(|m| row_view(m, list.flashes.get(&m.ticker).copied().unwrap_or(0), false, true, open.clone(), pin.clone())) }
                </div>
            }
            <div class="mtable" role="table" aria-rowcount={list.total.to_string()}>
                <div class="mrow mhead" role="row">
                    <div class="pin"></div>
                    { header("Market", Some(MarketSort::Ticker)) }
                    { header("Bid", None) }
                    { header("Ask", None) }
                    { header("Last", Some(MarketSort::LastPrice)) }
                    { header("24h", Some(MarketSort::Change24h)) }
                    { header("Vol 24h", Some(MarketSort::Volume24h)) }
                    { header("Volume", Some(MarketSort::Volume)) }
                    { header("Open int.", Some(MarketSort::OpenInterest)) }
                    { header("Closes", Some(MarketSort::CloseTime)) }
                </div>
                <div ref={viewport} class="mviewport" {onscroll}>{ body }</div>
            </div>
        </section>
    }
}
