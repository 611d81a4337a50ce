//! Components rendered into a real DOM (headless Chromium through
//! `wasm-bindgen-test-runner`; `cargo xtask test` runs it): what a trader sees and what a
//! click does. The app's pages need the shell's commands and are covered end to end; these
//! are the pieces that stand alone.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ipc::commands::market::PriceLevel;
use ipc::commands::orders::{BookSide, OrderStatus, OrderView, Outcome};
use ipc::{AppError, Count, ErrorCode, Money, Price};
use ui::book::ladder;
use ui::components::common::{Load, render_load};
use ui::components::ladder::{Ladder, LadderProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element on the page to render into.
fn root() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

/// Yew renders on its scheduler: polls `ready` on each turn of the event loop, up to a
/// second.
async fn until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..200 {
        if ready() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("{what} never showed");
}

fn texts(root: &web_sys::Element, css: &str) -> Vec<String> {
    let list = root.query_selector_all(css).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

fn level(cents: i64, contracts: i64) -> PriceLevel {
    PriceLevel {
        price: Price::from_units(cents * 100),
        count: Count::from_contracts(contracts),
    }
}

fn resting_yes_bid(cents: i64, contracts: i64) -> OrderView {
    let yes = Price::from_units(cents * 100);
    OrderView {
        order_id: "o1".into(),
        client_order_id: None,
        ticker: "KXT-1".into(),
        outcome: Outcome::Yes,
        book_side: BookSide::Bid,
        status: OrderStatus::Resting,
        yes_price: yes,
        no_price: yes.complement().unwrap(),
        initial_count: Count::from_contracts(contracts),
        fill_count: Count::ZERO,
        remaining_count: Count::from_contracts(contracts),
        fill_cost: Money::ZERO,
        fees: Money::ZERO,
        expires_ms: None,
        created_ms: 0,
        updated_ms: 0,
        closed_unknown: None,
    }
}

#[wasm_bindgen_test]
async fn the_no_ladder_mirrors_the_yes_book_marks_my_order_and_picks_a_price() {
    // YES bids 40¢ (10) and 39¢ (5), YES asks 44¢ (7); my YES bid of 3 at 40¢.
    let bids = [level(40, 10), level(39, 5)];
    let asks = [level(44, 7)];
    let data = ladder(Outcome::No, &bids, &asks, &[resting_yes_bid(40, 3)], 10);
    let picked = Rc::new(RefCell::new(None));
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |p: Price| *picked.borrow_mut() = Some(p))
    };
    let root = root();
    yew::Renderer::<Ladder>::with_root_and_props(
        root.clone(),
        LadderProps {
            title: "NO".into(),
            ladder: data,
            stale: false,
            on_pick,
        },
    )
    .render();
    until("the ladder rows", || texts(&root, ".ladder-row").len() == 3).await;

    // A YES bid at 40¢ is a NO ask at 60¢; the YES ask at 44¢ is a NO bid at 56¢.
    assert_eq!(texts(&root, ".ladder-row.ask .price"), ["61¢", "60¢"]);
    assert_eq!(texts(&root, ".ladder-row.bid .price"), ["56¢"]);
    assert_eq!(texts(&root, ".ladder-spread"), ["Spread 4¢"]);
    assert_eq!(
        texts(&root, ".ladder-row.ask .mine"),
        ["", "●3"],
        "my YES bid rests on the NO ladder's 60¢ ask level"
    );
    assert_eq!(texts(&root, ".ladder-head span")[1], "NO price");

    let bid = root
        .query_selector(".ladder-row.bid")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap();
    bid.click();
    assert_eq!(
        *picked.borrow(),
        Some(Price::from_units(5600)),
        "a click puts the level's price in the ticket"
    );
}

#[wasm_bindgen_test]
async fn an_empty_book_says_so() {
    let root = root();
    yew::Renderer::<Ladder>::with_root_and_props(
        root.clone(),
        LadderProps {
            title: "YES".into(),
            ladder: ladder(Outcome::Yes, &[], &[], &[], 10),
            stale: true,
            on_pick: Callback::noop(),
        },
    )
    .render();
    until("the empty ladder", || {
        !texts(&root, ".ladder-empty").is_empty()
    })
    .await;
    assert_eq!(texts(&root, ".ladder-empty"), ["No orders on the book."]);
    assert_eq!(texts(&root, ".ladder-spread"), ["No spread"]);
    assert!(
        root.query_selector(".ladder.stale").unwrap().is_some(),
        "a book that may be wrong is greyed"
    );
}

#[derive(Properties, PartialEq)]
struct LoadHost {
    load: Load<Vec<&'static str>>,
    reload: Callback<()>,
}

#[function_component(LoadView)]
fn load_view(p: &LoadHost) -> Html {
    render_load(
        &p.load,
        "Orders could not be loaded",
        &p.reload,
        3,
        |rows| {
            html! { <ul>{ for rows.iter().map(|r| html! { <li>{ *r }</li> }) }</ul> }
        },
    )
}

#[wasm_bindgen_test]
async fn a_load_is_a_skeleton_then_an_error_with_retry_never_blank() {
    let root_loading = root();
    yew::Renderer::<LoadView>::with_root_and_props(
        root_loading.clone(),
        LoadHost {
            load: Load::Loading,
            reload: Callback::noop(),
        },
    )
    .render();
    until("the skeleton", || {
        texts(&root_loading, ".skeleton-row").len() == 3
    })
    .await;

    let retried = Rc::new(RefCell::new(0));
    let reload = {
        let retried = retried.clone();
        Callback::from(move |()| *retried.borrow_mut() += 1)
    };
    let root_failed = root();
    yew::Renderer::<LoadView>::with_root_and_props(
        root_failed.clone(),
        LoadHost {
            load: Load::Failed(AppError::new(
                ErrorCode::Offline,
                "The exchange cannot be reached",
            )),
            reload,
        },
    )
    .render();
    until("the error", || {
        !texts(&root_failed, ".state-error").is_empty()
    })
    .await;
    assert_eq!(
        texts(&root_failed, ".state-title"),
        ["Orders could not be loaded"]
    );
    assert_eq!(
        texts(&root_failed, ".state-body"),
        ["The exchange cannot be reached"]
    );
    root_failed
        .query_selector(".state-error button")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    assert_eq!(*retried.borrow(), 1, "Retry asks again");
}
