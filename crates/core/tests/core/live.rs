//! The live pipeline: an order placed through the session fills, the fill is recorded once,
//! and the position and balance follow.

use desk_core::{
    AppEvent, FillEvent, FillOrigin, HistoryImport, OrderEvent, OrderTicket, PositionEvent,
};
use kalshi::model::order::{BookSide, OrderStatus};
use kalshi::model::{Count, Money};
use store::{FillFilter, PageRequest};

use crate::harness::{Env, fill_ids, price, take};

#[tokio::test]
async fn place_fill_record_then_position_and_balance() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    assert!(!session.is_offline(), "online after the first catch-up");
    let start = session.portfolio().await.unwrap();
    let start_balance = start.balance.expect("balance fetched by the catch-up");
    let market = env.market().await;
    let ticker = market.ticker.as_str();

    let ticket = OrderTicket::limit(
        ticker,
        BookSide::Bid,
        price("0.40"),
        Count::from_contracts(5),
    );
    let placed = session.place_order(ticket.clone()).await.unwrap();
    let pending = events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::Pending(_))),
            "the pending order",
        )
        .await;
    let AppEvent::Order(OrderEvent::Pending(pending)) = pending else {
        unreachable!()
    };
    assert_eq!(pending.client_order_id, placed.client_order_id);
    assert_eq!(
        pending.ticket, ticket,
        "the optimistic order shows what was asked"
    );
    events
        .wait(
            |e| {
                matches!(e, AppEvent::Order(OrderEvent::Accepted { client_order_id, order_id, .. })
                if *client_order_id == placed.client_order_id && *order_id == placed.order_id)
            },
            "the acceptance",
        )
        .await;
    assert!(
        session.pending_orders().is_empty(),
        "accepted orders are no longer pending"
    );

    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.40"),
        Count::from_contracts(5),
    )
    .await;
    // The fill, the position and the balance come in whatever order the exchange's
    // messages and the refresh produce them.
    let cost = Money::parse("2.00").unwrap();
    let (mut fill, mut position, mut balance) = (None, false, None);
    while fill.is_none() || !position || balance.is_none() {
        match events.next_event().await {
            AppEvent::Fill(FillEvent { fill: f, origin }) if f.order_id == placed.order_id => {
                assert_eq!(origin, FillOrigin::Live, "seen on the socket");
                let recorded = session
                    .fill_history(&FillFilter::default(), &PageRequest::first(100))
                    .await
                    .unwrap();
                assert_eq!(recorded.items.len(), 1, "the fill is in the store once");
                assert_eq!(
                    recorded.items[0].fill_id, f.fill_id,
                    "stored before announced"
                );
                fill = Some(f);
            }
            AppEvent::Position(PositionEvent::Stored(p)) if p.ticker == ticker => {
                position = p.position_fp == Count::from_contracts(5);
            }
            AppEvent::Balance(b) => balance = Some(b),
            _ => {}
        }
        // Only the balance after the fill counts.
        if let (Some(f), Some(b)) = (&fill, balance) {
            let expected = start_balance
                .checked_sub(cost)
                .and_then(|x| x.checked_sub(f.fee_cost))
                .unwrap();
            if b.balance != expected {
                balance = None;
            }
        }
    }
    let fill = fill.unwrap();
    assert_eq!(fill.count_fp, Count::from_contracts(5));
    assert_eq!(fill.yes_price_dollars, price("0.40"));

    let order = session
        .store()
        .order(session.scope(), &placed.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Executed);
    assert_eq!(order.fill_count, Count::from_contracts(5));
    assert_eq!(order.client_order_id, placed.client_order_id);
    let portfolio = session.portfolio().await.unwrap();
    assert_eq!(portfolio.positions.len(), 1);
    assert_eq!(portfolio.positions[0].position, Count::from_contracts(5));
    assert!(!portfolio.stale);

    session.request_sync();
    let later = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "another catch-up")
        .await;
    assert!(
        fill_ids(&later).is_empty(),
        "a catch-up never re-announces a stored fill"
    );

    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn the_first_catch_up_imports_history_without_calling_it_live() {
    let env = Env::start().await;
    let ticker = env.market().await.ticker;
    env.register_a();
    crate::harness::rest(
        &env.a,
        &ticker,
        BookSide::Bid,
        price("0.35"),
        Count::from_contracts(2),
    )
    .await;
    take(
        &env.b,
        &ticker,
        BookSide::Ask,
        price("0.35"),
        Count::from_contracts(2),
    )
    .await;

    let (session, _events, opening) = crate::harness::open_collect(env.config()).await;
    assert!(
        !opening.iter().any(|e| matches!(e, AppEvent::Fill(_))),
        "an import, not live fills: {opening:?}"
    );
    assert!(
        opening
            .iter()
            .any(|e| matches!(e, AppEvent::HistoryImported(HistoryImport { fills: 1, .. }))),
        "the earlier fill is imported: {opening:?}"
    );
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn settlements_are_caught_up_and_close_the_position() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticker = env.market().await.ticker;
    let ticket = OrderTicket::limit(
        &ticker,
        BookSide::Bid,
        price("0.40"),
        Count::from_contracts(2),
    );
    let placed = session.place_order(ticket).await.unwrap();
    take(
        &env.b,
        &ticker,
        BookSide::Ask,
        price("0.40"),
        Count::from_contracts(2),
    )
    .await;
    let before = events
        .collect_until(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == placed.order_id),
            "the fill",
        )
        .await;
    // Settle only once the position is stored: a refresh still in flight would otherwise
    // read the balance before the settlement and the positions after it, and never see
    // the position it is meant to close.
    let stored = |e: &AppEvent| matches!(e, AppEvent::Position(PositionEvent::Stored(p)) if p.ticker == ticker);
    if !before.iter().any(stored) {
        events.wait(stored, "the stored position").await;
    }
    env.admin(&format!("/markets/{ticker}/close"), serde_json::json!({}))
        .await;
    env.admin(
        &format!("/markets/{ticker}/determine"),
        serde_json::json!({ "result": "yes" }),
    )
    .await;
    env.admin(&format!("/markets/{ticker}/settle"), serde_json::json!({}))
        .await;

    session.request_sync();
    let seen = events
        .collect_until(
            |e| matches!(e, AppEvent::Synced(s) if s.changed_settlements > 0),
            "a catch-up with the settlement",
        )
        .await;
    let settlements = session
        .store()
        .settlements(session.scope(), &store::TimeRange::ALL)
        .await
        .unwrap();
    assert_eq!(settlements.len(), 1, "the settlement is stored");
    assert_eq!(settlements[0].ticker, ticker);
    assert_eq!(settlements[0].yes_count, Count::from_contracts(2));
    let closed = seen.iter().any(
        |e| matches!(e, AppEvent::Position(PositionEvent::Closed { ticker: t }) if *t == ticker),
    );
    assert!(closed, "the settled position is announced closed");
    let remaining = session.portfolio().await.unwrap().positions;
    assert!(
        remaining.iter().all(|p| p.ticker != ticker),
        "and gone from the stored positions: {remaining:?}"
    );
    session.close().await;
    env.sim.shutdown().await;
}
