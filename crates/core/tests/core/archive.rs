//! History older than Kalshi's cutoff and orders the exchange no longer knows: a stored
//! resting order that is nowhere on the exchange is closed as unknown, once.

use desk_core::{AppEvent, OrderEvent};
use kalshi::model::Count;
use kalshi::model::order::{BookSide, OrderStatus};

use crate::harness::{Env, price, rest};

#[tokio::test]
async fn a_stored_resting_order_the_exchange_never_knew_is_closed_as_unknown_once() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticker = env.market().await.ticker;
    // A real resting order, and a copy of it under an id the exchange never issued (what
    // a store holds after the exchange lost or archived-and-dropped an order).
    let placed = rest(
        &env.a,
        &ticker,
        BookSide::Bid,
        price("0.30"),
        Count::from_contracts(2),
    )
    .await;
    let real = env.a.order(&placed.order_id).await.unwrap();
    let mut ghost = real.clone();
    ghost.order_id = uuid::Uuid::new_v4().to_string();
    ghost.client_order_id = String::new();
    session
        .store()
        .upsert_orders(session.scope(), &[ghost.clone()])
        .await
        .unwrap();

    session.request_sync();
    let closed = events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::Stored(o)) if o.order_id == ghost.order_id),
            "the unknown order closed",
        )
        .await;
    let AppEvent::Order(OrderEvent::Stored(order)) = closed else {
        unreachable!()
    };
    assert_eq!(order.status, OrderStatus::Canceled);
    assert_eq!(order.remaining_count_fp, Count::ZERO);
    let row = session
        .store()
        .order(session.scope(), &ghost.order_id)
        .await
        .unwrap()
        .unwrap();
    let reason = row.closed_unknown.expect("the reason is kept");
    assert!(reason.contains("no longer knows"), "{reason}");
    let revision = row.revision;

    // The next catch-up neither re-checks nor re-announces it, and the real order is
    // still resting.
    session.request_sync();
    let seen = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "the next catch-up")
        .await;
    assert!(
        !seen.iter().any(
            |e| matches!(e, AppEvent::Order(OrderEvent::Stored(o)) if o.order_id == ghost.order_id)
        ),
        "a closed unknown order is announced once"
    );
    let row = session
        .store()
        .order(session.scope(), &ghost.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.revision, revision);
    let real_row = session
        .store()
        .order(session.scope(), &real.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(real_row.status, OrderStatus::Resting);
    session.close().await;
}
