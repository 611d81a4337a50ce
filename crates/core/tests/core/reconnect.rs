//! Fills that happen while the WebSocket is down arrive after the reconnect, exactly once.

use std::collections::HashMap;

use desk_core::{AppEvent, FillOrigin, OrderTicket};
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use kalshi_sim::server::FaultPatch;
use store::{FillFilter, PageRequest};

use crate::harness::{Env, Events, fill_ids, price, take};

/// Cuts the session's socket and keeps it cut (REST stays up); returns once the session
/// has seen the disconnect.
async fn cut_the_socket(env: &Env, events: &mut Events) {
    env.faults(FaultPatch {
        refuse_ws_for_ms: Some(600_000),
        drop_ws_now: true,
        ..FaultPatch::default()
    });
    events
        .wait(
            |e| matches!(e, AppEvent::Connection(c) if c.offline && !c.state.is_connected()),
            "the disconnect",
        )
        .await;
}

#[tokio::test]
async fn fills_during_a_disconnect_appear_once_after_the_reconnect() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let market = env.market().await;
    let ticker = market.ticker.as_str();
    let ticket = OrderTicket::limit(
        ticker,
        BookSide::Bid,
        price("0.40"),
        Count::from_contracts(10),
    );
    let placed = session.place_order(ticket).await.unwrap();
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.40"),
        Count::from_contracts(1),
    )
    .await;
    let before = events
        .wait(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == placed.order_id),
            "a live fill",
        )
        .await;

    cut_the_socket(&env, &mut events).await;
    assert!(session.is_offline(), "stale while disconnected");
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.40"),
        Count::from_contracts(4),
    )
    .await;
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.40"),
        Count::from_contracts(3),
    )
    .await;

    // Let it back in: the reconnect's catch-up brings the two missed fills.
    env.faults(FaultPatch {
        refuse_ws_for_ms: Some(0),
        ..FaultPatch::default()
    });
    let seen = events
        .collect_until(
            |e| matches!(e, AppEvent::Synced(_)),
            "the catch-up after reconnect",
        )
        .await;
    assert!(!session.is_offline(), "online again after the catch-up");
    // A second catch-up re-reads the same window (cursor overlap) and must announce nothing.
    session.request_sync();
    let again = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "a second catch-up")
        .await;

    let AppEvent::Fill(before) = before else {
        unreachable!()
    };
    let before = before.fill;
    for event in &seen {
        if let AppEvent::Fill(f) = event {
            assert_eq!(
                f.origin,
                FillOrigin::CatchUp,
                "missed fills come from the catch-up"
            );
        }
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in fill_ids(&seen).into_iter().chain(fill_ids(&again)) {
        *counts.entry(id).or_default() += 1;
    }
    let exchange = env.exchange_fills().await;
    assert_eq!(
        exchange.len(),
        3,
        "one live fill and two while disconnected"
    );
    for fill in &exchange {
        let announced = counts.get(&fill.fill_id).copied().unwrap_or(0);
        if fill.fill_id == before.fill_id {
            assert_eq!(announced, 0, "the live fill is not announced again");
        } else {
            assert_eq!(announced, 1, "a missed fill is announced exactly once");
        }
    }
    let stored = session
        .fill_history(&FillFilter::default(), &PageRequest::first(100))
        .await
        .unwrap();
    let mut stored_ids: Vec<String> = stored.items.iter().map(|f| f.fill_id.clone()).collect();
    let mut exchange_ids: Vec<String> = exchange.iter().map(|f| f.fill_id.clone()).collect();
    stored_ids.sort();
    exchange_ids.sort();
    assert_eq!(
        stored_ids, exchange_ids,
        "the store holds exactly the exchange's fills"
    );
    let order = session
        .store()
        .order(session.scope(), &placed.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        order.fill_count,
        Count::from_contracts(8),
        "the order's state caught up too"
    );

    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn orders_go_over_rest_while_the_socket_reconnects() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let market = env.market().await;
    let ticker = market.ticker.as_str();
    cut_the_socket(&env, &mut events).await;

    let ticket = OrderTicket::limit(
        ticker,
        BookSide::Bid,
        price("0.30"),
        Count::from_contracts(5),
    );
    let placed = session
        .place_order(ticket)
        .await
        .expect("a socket blip does not block placing over REST");
    session
        .cancel_order(&placed.order_id)
        .await
        .expect("nor cancelling");
    assert!(session.is_offline(), "still stale: the socket is down");
    let stored = session
        .store()
        .order(session.scope(), &placed.order_id)
        .await
        .unwrap()
        .expect("the read-back stored the order");
    assert_eq!(stored.status, kalshi::model::order::OrderStatus::Canceled);
    let exchange = env.exchange_orders().await;
    let on_exchange = exchange
        .iter()
        .find(|o| o.order_id == placed.order_id)
        .expect("the exchange has the order");
    assert_eq!(on_exchange.status, stored.status, "store == exchange");

    session.close().await;
    env.sim.shutdown().await;
}
