//! A key whose private channels the exchange refuses (Kalshi's error 9): the person is
//! told, orders and fills still reach the store over REST, and live updates start once
//! the exchange accepts the subscribe again.

use std::collections::HashMap;

use desk_core::{AppEvent, ErrorCode, FillOrigin, OrderTicket};
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use kalshi_sim::server::FaultPatch;

use kalshi::model::ws::Channel;

use crate::harness::{Env, Events, fill_ids, open_collect, price, take};

/// Waits (through the catch-ups each refusal starts) until the feed carries the fill and
/// user_orders channels again; returns the events seen meanwhile.
async fn private_channels_back(session: &desk_core::Session, events: &mut Events) -> Vec<AppEvent> {
    let mut seen = Vec::new();
    loop {
        let subs = session.feed_subscriptions().await.unwrap_or_default();
        let live = |c| subs.iter().any(|s| s.channel == c);
        if live(Channel::Fill) && live(Channel::UserOrders) {
            return seen;
        }
        seen.extend(
            events
                .collect_until(|e| matches!(e, AppEvent::Synced(_)), "another catch-up")
                .await,
        );
    }
}

fn is_refusal(event: &AppEvent) -> bool {
    matches!(event, AppEvent::Error(e) if e.code == ErrorCode::FeedFailed && e.retryable)
}

#[tokio::test]
async fn refused_private_channels_are_reported_caught_up_over_rest_and_retried() {
    let env = Env::start().await;
    env.faults(FaultPatch {
        refuse_private_subscribe: Some(true),
        ..FaultPatch::default()
    });
    let (session, mut events, mut seen) = open_collect(env.config()).await;
    if !seen.iter().any(is_refusal) {
        seen.push(events.wait(is_refusal, "the refusal").await);
    }
    let market = env.market().await;
    let ticker = market.ticker.as_str();
    let placed = session
        .place_order(OrderTicket::limit(
            ticker,
            BookSide::Bid,
            price("0.45"),
            Count::from_contracts(10),
        ))
        .await
        .expect("orders work: the exchange answered a catch-up");
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.45"),
        Count::from_contracts(2),
    )
    .await;
    // No fill channel: the fill arrives through the catch-up that follows each refusal.
    let refused_fill = events
        .wait(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == placed.order_id),
            "the fill, over REST",
        )
        .await;
    let AppEvent::Fill(refused_fill) = refused_fill else {
        unreachable!()
    };
    assert_eq!(refused_fill.origin, FillOrigin::CatchUp);
    seen.push(AppEvent::Fill(refused_fill));

    // The exchange accepts the channels again: the retry subscribes and fills go live.
    env.faults(FaultPatch {
        refuse_private_subscribe: Some(false),
        ..FaultPatch::default()
    });
    seen.extend(private_channels_back(&session, &mut events).await);
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.45"),
        Count::from_contracts(3),
    )
    .await;
    let live = events
        .collect_until(
            |e| {
                matches!(e, AppEvent::Fill(f)
                    if f.fill.order_id == placed.order_id && f.origin == FillOrigin::Live)
            },
            "a live fill",
        )
        .await;
    seen.extend(live);
    session.request_sync();
    seen.extend(
        events
            .collect_until(|e| matches!(e, AppEvent::Synced(_)), "a last catch-up")
            .await,
    );

    assert_eq!(
        seen.iter().filter(|e| is_refusal(e)).count(),
        1,
        "told once, not on every retry"
    );
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in fill_ids(&seen) {
        *counts.entry(id).or_default() += 1;
    }
    let exchange = env.exchange_fills().await;
    assert_eq!(exchange.len(), 2);
    for fill in &exchange {
        assert_eq!(
            counts.get(&fill.fill_id),
            Some(&1),
            "{} announced once",
            fill.fill_id
        );
    }
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn channels_refused_on_a_reconnect_are_reported_and_won_back() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let market = env.market().await;
    let ticker = market.ticker.as_str();
    let placed = session
        .place_order(OrderTicket::limit(
            ticker,
            BookSide::Bid,
            price("0.45"),
            Count::from_contracts(10),
        ))
        .await
        .unwrap();
    // The key loses its portfolio permission and the connection drops: the feed's
    // re-subscribe on the new connection is refused.
    env.faults(FaultPatch {
        refuse_private_subscribe: Some(true),
        drop_ws_now: true,
        ..FaultPatch::default()
    });
    events
        .wait(is_refusal, "the refusal after the reconnect")
        .await;
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.45"),
        Count::from_contracts(2),
    )
    .await;
    let fill = events
        .wait(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == placed.order_id),
            "the fill, over REST",
        )
        .await;
    assert!(matches!(fill, AppEvent::Fill(f) if f.origin == FillOrigin::CatchUp));

    env.faults(FaultPatch {
        refuse_private_subscribe: Some(false),
        ..FaultPatch::default()
    });
    private_channels_back(&session, &mut events).await;
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.45"),
        Count::from_contracts(3),
    )
    .await;
    events
        .wait(
            |e| {
                matches!(e, AppEvent::Fill(f)
                    if f.fill.order_id == placed.order_id && f.origin == FillOrigin::Live)
            },
            "a live fill once the exchange accepts again",
        )
        .await;
    let subs = session.feed_subscriptions().await.unwrap();
    assert_eq!(
        subs.iter().filter(|s| s.channel == Channel::Fill).count(),
        1,
        "subscribed once, not once per wake-up: {subs:?}"
    );
    session.close().await;
    env.sim.shutdown().await;
}
