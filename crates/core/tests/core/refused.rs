//! A key whose private channels the exchange refuses (Kalshi's error 9), at start or on a
//! reconnect: the person is told once, orders and fills still reach the store over REST,
//! and live updates start again once the exchange accepts the subscribe.

use std::collections::HashMap;

use desk_core::{AppEvent, ErrorCode, FillOrigin, OrderTicket, Session};
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use kalshi::model::ws::Channel;
use kalshi_sim::server::FaultPatch;

use crate::harness::{Env, Events, fill_ids, open_collect, price, take};

fn is_refusal(event: &AppEvent) -> bool {
    matches!(event, AppEvent::Error(e) if e.code == ErrorCode::FeedFailed && e.retryable)
}

fn refuse_private(refuse: bool, drop_ws_now: bool) -> FaultPatch {
    FaultPatch {
        refuse_private_subscribe: Some(refuse),
        drop_ws_now,
        ..FaultPatch::default()
    }
}

/// A resting bid (10 at 0.45) of the session in the first open market: (ticker, order id).
async fn rest_a_bid(env: &Env, session: &Session) -> (String, String) {
    let ticker = env.market().await.ticker;
    let ticket = OrderTicket::limit(
        &ticker,
        BookSide::Bid,
        price("0.45"),
        Count::from_contracts(10),
    );
    let placed = session
        .place_order(ticket)
        .await
        .expect("orders work: the exchange answered a catch-up");
    (ticker, placed.order_id)
}

/// The counterparty sells `contracts` into the bid; returns the events up to the session's
/// announcement of the fill, which must have come by `origin`.
async fn sell_into(
    env: &Env,
    events: &mut Events,
    (ticker, order_id): &(String, String),
    contracts: i64,
    origin: FillOrigin,
) -> Vec<AppEvent> {
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.45"),
        Count::from_contracts(contracts),
    )
    .await;
    let seen = events
        .collect_until(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == *order_id),
            "the fill",
        )
        .await;
    assert!(
        matches!(seen.last(), Some(AppEvent::Fill(f)) if f.origin == origin),
        "expected a fill by {origin:?}: {:?}",
        seen.last()
    );
    seen
}

/// Once the private channels are back, fills go live again. A catch-up started by the
/// win-back may still be running and store the first fill over REST before its frame
/// arrives (a race the exchange allows), so the counterparty sells one contract at a time
/// until a fill is announced live; every fill is announced once either way.
async fn sell_until_live(env: &Env, events: &mut Events, bid: &(String, String)) -> Vec<AppEvent> {
    let mut seen = Vec::new();
    for _ in 0..4 {
        take(
            &env.b,
            &bid.0,
            BookSide::Ask,
            price("0.45"),
            Count::from_contracts(1),
        )
        .await;
        let batch = events
            .collect_until(
                |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == bid.1),
                "the fill",
            )
            .await;
        let live = matches!(batch.last(), Some(AppEvent::Fill(f)) if f.origin == FillOrigin::Live);
        seen.extend(batch);
        if live {
            return seen;
        }
    }
    panic!("no fill came live after the private channels were back: {seen:?}");
}

/// Waits (through the catch-ups each refusal starts) until the feed carries the fill and
/// user_orders channels again; returns the events seen meanwhile.
async fn private_channels_back(session: &Session, events: &mut Events) -> Vec<AppEvent> {
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

#[tokio::test]
async fn refused_private_channels_are_reported_caught_up_over_rest_and_retried() {
    let env = Env::start().await;
    env.faults(refuse_private(true, false));
    let (session, mut events, mut seen) = open_collect(env.config()).await;
    if !seen.iter().any(is_refusal) {
        seen.push(events.wait(is_refusal, "the refusal").await);
    }
    let bid = rest_a_bid(&env, &session).await;
    // No fill channel: the fill arrives through the catch-up that follows each refusal.
    seen.extend(sell_into(&env, &mut events, &bid, 2, FillOrigin::CatchUp).await);

    // The exchange accepts the channels again: the retry subscribes and fills go live.
    env.faults(refuse_private(false, false));
    seen.extend(private_channels_back(&session, &mut events).await);
    seen.extend(sell_until_live(&env, &mut events, &bid).await);
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
    assert!(exchange.len() >= 2, "the catch-up fill and a live one");
    assert_eq!(
        exchange.len(),
        counts.len(),
        "nothing announced that is not there"
    );
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
    let bid = rest_a_bid(&env, &session).await;
    // The key loses its portfolio permission and the connection drops: the feed's
    // re-subscribe on the new connection is refused.
    env.faults(refuse_private(true, true));
    events
        .wait(is_refusal, "the refusal after the reconnect")
        .await;
    sell_into(&env, &mut events, &bid, 2, FillOrigin::CatchUp).await;

    env.faults(refuse_private(false, false));
    private_channels_back(&session, &mut events).await;
    sell_until_live(&env, &mut events, &bid).await;
    let subs = session.feed_subscriptions().await.unwrap();
    assert_eq!(
        subs.iter().filter(|s| s.channel == Channel::Fill).count(),
        1,
        "subscribed once, not once per wake-up: {subs:?}"
    );
    session.close().await;
    env.sim.shutdown().await;
}
