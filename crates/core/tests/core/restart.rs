//! Killing a session mid-stream and reopening the same database loses nothing and doubles
//! nothing.

use std::collections::HashSet;

use desk_core::AppEvent;
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use store::{FillFilter, OrderFilter, PageRequest};

use crate::harness::{Env, fill_ids, open_collect, price, rest, take};

#[tokio::test]
async fn a_killed_session_reopens_with_nothing_lost_or_doubled() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let market = env.market().await;
    let ticker = market.ticker.clone();
    // Key A's resting orders, placed outside the session (the session only watches).
    for _ in 0..4 {
        rest(
            &env.a,
            &ticker,
            BookSide::Bid,
            price("0.45"),
            Count::from_contracts(5),
        )
        .await;
    }
    // The counterparty trades against them in a stream of one-contract fills.
    let b = env.b.clone();
    let taker_ticker = ticker.clone();
    let taker = tokio::spawn(async move {
        for _ in 0..20 {
            take(
                &b,
                &taker_ticker,
                BookSide::Ask,
                price("0.45"),
                Count::from_contracts(1),
            )
            .await;
        }
    });
    let mut announced = fill_ids(
        &events
            .collect_until(|e| matches!(e, AppEvent::Fill(_)), "the first fill")
            .await,
    );
    // Kill it mid-stream: no close, every task aborted.
    drop(session);
    announced.extend(fill_ids(&events.drain().await));
    taker.await.unwrap();

    let (session, mut events, opening) = open_collect(env.config()).await;
    announced.extend(fill_ids(&opening));
    let exchange = env.exchange_fills().await;
    assert_eq!(exchange.len(), 20, "20 fills of one contract");
    let exchange_ids: HashSet<&String> = exchange.iter().map(|f| &f.fill_id).collect();

    let stored = session
        .fill_history(&FillFilter::default(), &PageRequest::first(1000))
        .await
        .unwrap();
    let stored_ids: Vec<&String> = stored.items.iter().map(|f| &f.fill_id).collect();
    let unique: HashSet<&String> = stored_ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        stored_ids.len(),
        "nothing doubled in the store"
    );
    assert_eq!(
        unique, exchange_ids,
        "nothing lost: the store holds every exchange fill"
    );

    let announced_set: HashSet<&String> = announced.iter().collect();
    assert_eq!(
        announced_set.len(),
        announced.len(),
        "across the kill and the reopen no fill was announced twice"
    );
    assert!(announced_set.is_subset(&exchange_ids));

    session.request_sync();
    let after = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "a second catch-up")
        .await;
    assert!(fill_ids(&after).is_empty(), "nothing re-announced");

    let exchange_orders = env.exchange_orders().await;
    let stored_orders = session
        .order_history(&OrderFilter::default(), &PageRequest::first(1000))
        .await
        .unwrap();
    assert_eq!(
        stored_orders.items.len(),
        exchange_orders.len(),
        "every order, once"
    );
    for order in &exchange_orders {
        let row = stored_orders
            .items
            .iter()
            .find(|r| r.order_id == order.order_id)
            .expect("each exchange order is stored");
        assert_eq!(row.status, order.status, "order {} state", order.order_id);
        assert_eq!(row.fill_count, order.fill_count_fp);
        assert_eq!(row.remaining_count, order.remaining_count_fp);
    }
    session.close().await;
    env.sim.shutdown().await;
}
