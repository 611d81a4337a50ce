//! The SDK's own feed (`kalshi::ws`) against the simulator: subscribe, live deltas, a
//! forced seq gap it detects and resyncs with `get_snapshot`, a dropped connection it
//! reconnects and resubscribes, and a re-subscribe the server refuses.

use std::time::Duration;

use kalshi::env::Environment;
use kalshi::model::ws::{Channel, Message};
use kalshi::ws::{BackoffConfig, Feed, FeedConfig, FeedEvent, FeedHandle, NoJitter};
use kalshi_sim::server::FaultPatch;
use tokio::sync::mpsc;

use super::client::{open_markets, order, place};
use crate::harness::{Sim, WAIT};

async fn next_event(events: &mut mpsc::Receiver<FeedEvent>) -> FeedEvent {
    tokio::time::timeout(WAIT, events.recv())
        .await
        .expect("a feed event in time")
        .expect("the feed is running")
}

/// Events up to and including the first one `stop` accepts.
async fn until(
    events: &mut mpsc::Receiver<FeedEvent>,
    stop: impl Fn(&FeedEvent) -> bool,
) -> Vec<FeedEvent> {
    let mut seen = Vec::new();
    loop {
        let e = next_event(events).await;
        let done = stop(&e);
        seen.push(e);
        if done {
            return seen;
        }
    }
}

fn is_snapshot(e: &FeedEvent) -> bool {
    matches!(e, FeedEvent::Message(m) if matches!(**m, Message::OrderbookSnapshot(_)))
}

fn fast_feed(sim: &Sim) -> (FeedHandle, mpsc::Receiver<FeedEvent>) {
    let env = Environment::custom(&sim.handle.rest_url(), &sim.handle.ws_url()).unwrap();
    let mut config = FeedConfig::new(env, sim.a.clone());
    config.backoff = BackoffConfig {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        immediate_first: true,
        ..BackoffConfig::default()
    };
    Feed::spawn_with_jitter(config, Box::new(NoJitter)).unwrap()
}

#[tokio::test]
async fn the_sdk_feed_follows_gaps_and_drops() {
    let sim = Sim::start().await;
    let ticker = open_markets(&sim, 1).await.remove(0);
    let (feed, mut events) = fast_feed(&sim);
    until(&mut events, |e| matches!(e, FeedEvent::Connected)).await;
    let subs = tokio::time::timeout(
        WAIT,
        feed.subscribe([Channel::OrderbookDelta], [ticker.clone()]),
    )
    .await
    .expect("subscribe answered")
    .expect("subscribed");
    assert_eq!(subs.len(), 1);
    until(&mut events, is_snapshot).await;

    // A forced gap: the feed notices and asks for fresh snapshots on the same sid.
    sim.handle
        .set_faults(&FaultPatch {
            skip_seq: 1,
            ..FaultPatch::default()
        })
        .unwrap();
    place(&sim, &sim.a, &order(&ticker, "bid", "1", "0.30", "a-1")).await;
    let seen = until(&mut events, |e| matches!(e, FeedEvent::Gap { .. })).await;
    match seen.last() {
        Some(FeedEvent::Gap {
            sid,
            expected,
            got,
            channel,
        }) => {
            assert_eq!((*sid, *expected, *got), (subs[0].sid, 2, 3));
            assert_eq!(*channel, Some(Channel::OrderbookDelta));
        }
        other => panic!("expected a gap, got {other:?}"),
    }
    let seen = until(&mut events, is_snapshot).await;
    assert!(
        seen.iter()
            .any(|e| matches!(e, FeedEvent::Resynced { sid, .. } if *sid == subs[0].sid)),
        "the resync was accepted on the same sid: {seen:#?}"
    );

    // A dropped connection: the feed reconnects, resubscribes and gets a fresh snapshot.
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_now: true,
            ..FaultPatch::default()
        })
        .unwrap();
    until(&mut events, |e| matches!(e, FeedEvent::Reconnected)).await;
    let seen = until(&mut events, is_snapshot).await;
    match seen.last() {
        Some(FeedEvent::Message(m)) => match &**m {
            Message::OrderbookSnapshot(s) => {
                assert_eq!(s.seq, 1, "a new connection starts the sequence over");
                assert_eq!(s.msg.market_ticker, ticker);
                assert_eq!(s.msg.yes_dollars_fp.len(), 1, "the resting bid is in it");
            }
            other => panic!("expected a snapshot, got {other:?}"),
        },
        other => panic!("expected a snapshot, got {other:?}"),
    }
    feed.shutdown().await;
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_refused_resubscribe_is_reported_and_leaves_the_desired_set() {
    let sim = Sim::start().await;
    let ticker = open_markets(&sim, 1).await.remove(0);
    let (feed, mut events) = fast_feed(&sim);
    until(&mut events, |e| matches!(e, FeedEvent::Connected)).await;
    feed.subscribe([Channel::Fill, Channel::UserOrders], Vec::<String>::new())
        .await
        .expect("private channels subscribed");
    feed.subscribe([Channel::OrderbookDelta], [ticker.clone()])
        .await
        .expect("book subscribed");

    sim.handle
        .set_faults(&FaultPatch {
            refuse_private_subscribe: Some(true),
            drop_ws_now: true,
            ..FaultPatch::default()
        })
        .unwrap();
    let seen = until(&mut events, |e| {
        matches!(e, FeedEvent::SubscribeRefused { .. })
    })
    .await;
    let Some(FeedEvent::SubscribeRefused { channels, error }) = seen.last() else {
        unreachable!()
    };
    assert_eq!(channels, &[Channel::Fill, Channel::UserOrders]);
    assert_eq!(error.code, 9, "Kalshi's 'Authentication required'");
    let live = feed.list_subscriptions().await.unwrap();
    assert_eq!(
        live.iter().map(|s| s.channel).collect::<Vec<_>>(),
        [Channel::OrderbookDelta],
        "the book came back; the refused channels did not"
    );

    // Not re-sent on the next connection: only what is still wanted is restored.
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_now: true,
            ..FaultPatch::default()
        })
        .unwrap();
    let seen = until(&mut events, is_snapshot).await;
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, FeedEvent::SubscribeRefused { .. })),
        "{seen:#?}"
    );
    feed.shutdown().await;
    sim.handle.shutdown().await;
}
