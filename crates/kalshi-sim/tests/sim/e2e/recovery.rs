//! The feed's recovery under WebSocket faults: dropped connections (reconnect, resubscribe,
//! fresh snapshots) and seq gaps (resync on the same connection). Bot activity and our own
//! orders keep changing the books around every fault; once the simulator is quiet, the
//! books built with `kalshi::book` must equal the simulator's.

use kalshi::book::NoPriceScale;
use kalshi::model::order::BookSide;
use kalshi::model::order_entry::CancelOrderParams;
use kalshi::model::ws::{Channel, Message};
use kalshi::rest::Client;
use kalshi::ws::{ConnectionState, FeedEvent};
use kalshi_sim::server::FaultPatch;

use super::books::{Books, converge};
use super::support::{
    RECONNECT_DELAY, TestFeed, client, gtc, start_feed_with, start_sim, tradable_markets,
};
use super::truth::assert_agree;
use crate::harness::{KEY_A, Sim};

/// Seeded bot steps per churn (a few hit each subscribed market, as the universe is small).
const BOT_STEPS: u32 = 40;

/// Changes the books of `tickers`: seeded bot activity, a bid and an ask of ours in each
/// market, and (every other time) the cancel of that bid.
async fn churn(sim: &Sim, c: &Client, tickers: &[String], round: usize, tag: &str) {
    sim.handle.state().step_activity(BOT_STEPS);
    for (i, t) in tickers.iter().enumerate() {
        let k = i64::try_from(round * 7 + i * 3).expect("small");
        let bid = c
            .create_order(&gtc(
                t,
                BookSide::Bid,
                20 + k % 15,
                1 + k % 4,
                &format!("{tag}-{round}-{i}-bid"),
            ))
            .await
            .expect("bid accepted");
        c.create_order(&gtc(
            t,
            BookSide::Ask,
            80 - k % 15,
            1 + k % 3,
            &format!("{tag}-{round}-{i}-ask"),
        ))
        .await
        .expect("ask accepted");
        if round % 2 == 1 {
            c.cancel_order(&bid.order_id, &CancelOrderParams::default())
                .await
                .expect("cancel answered");
        }
    }
}

/// Has the server drop every WebSocket connection now.
fn drop_now(sim: &Sim) {
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_now: true,
            ..FaultPatch::default()
        })
        .expect("drop");
}

/// A simulator with three subscribed markets whose books the feed (NO levels in `scale`)
/// has synced.
async fn synced_feed(
    markets: usize,
    scale: NoPriceScale,
) -> (Sim, Client, Vec<String>, TestFeed, Books) {
    let sim = start_sim(markets).await;
    let maker = client(&sim, &sim.a);
    let tickers: Vec<String> = tradable_markets(&maker, 3)
        .await
        .into_iter()
        .map(|m| m.ticker)
        .collect();
    sim.handle.state().step_activity(200);
    let mut feed = start_feed_with(&sim, &sim.a, scale).await;
    feed.subscribe(&[Channel::OrderbookDelta], &tickers).await;
    let mut books = Books::new(&tickers, scale);
    converge(&sim, &mut feed, &mut books, &maker).await;
    (sim, maker, tickers, feed, books)
}

#[tokio::test]
async fn dropped_connections_reconnect_resubscribe_and_rebuild_books() {
    let (sim, maker, tickers, mut feed, mut books) = synced_feed(16, NoPriceScale::NoLeg).await;
    const DROPS: usize = 4;
    for round in 0..DROPS {
        churn(&sim, &maker, &tickers, round, "pre").await;
        drop_now(&sim);
        // The books keep moving while the feed is away.
        churn(&sim, &maker, &tickers, round, "away").await;
        let seen = books
            .follow_until(&mut feed, |e| matches!(e, FeedEvent::Reconnected))
            .await;
        let disconnected = seen
            .iter()
            .position(|e| matches!(e, FeedEvent::Disconnected { .. }))
            .expect("a disconnect before the reconnect");
        assert!(
            seen[disconnected..].iter().any(|e| matches!(
                e,
                FeedEvent::Reconnecting { retry_in, .. }
                    if (RECONNECT_DELAY..=RECONNECT_DELAY * 4).contains(retry_in)
            )),
            "the feed waits out its backoff: {seen:?}"
        );
        let states = feed.states_until_now().await;
        assert!(
            matches!(states.last(), Some(ConnectionState::Connected { .. })),
            "{states:?}"
        );
        assert!(
            states
                .iter()
                .any(|s| matches!(s, ConnectionState::Reconnecting { .. })),
            "the watch went through Reconnecting before Connected: {states:?}"
        );
        converge(&sim, &mut feed, &mut books, &maker).await;
    }
    // Two drops back to back: the second as soon as the new connection serves its first
    // snapshot (earlier, the server may not have started the connection's task yet).
    drop_now(&sim);
    books
        .follow_until(&mut feed, |e| matches!(e, FeedEvent::Reconnected))
        .await;
    books
        .follow_until(
            &mut feed,
            |e| matches!(e, FeedEvent::Message(m) if matches!(**m, Message::OrderbookSnapshot(_))),
        )
        .await;
    drop_now(&sim);
    churn(&sim, &maker, &tickers, DROPS, "rapid").await;
    books
        .follow_until(&mut feed, |e| matches!(e, FeedEvent::Reconnected))
        .await;
    converge(&sim, &mut feed, &mut books, &maker).await;
    assert!(feed.handle.state().borrow().is_connected());
    assert_eq!(books.seen.disconnects, DROPS + 2, "{:?}", books.seen);
    assert_eq!(books.seen.reconnects, DROPS + 2, "{:?}", books.seen);
    assert_eq!(books.seen.gaps, 0, "a new connection is not a gap");
    assert!(
        books.seen.snapshots >= tickers.len() * (DROPS + 1),
        "fresh snapshots per connection: {:?}",
        books.seen
    );
    assert_agree(&sim, &maker, KEY_A).await;
    feed.shutdown().await;
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn seq_gaps_are_resynced_on_the_same_connection() {
    let (sim, maker, tickers, mut feed, mut books) = synced_feed(16, NoPriceScale::NoLeg).await;
    // One-shot skips: each is noticed, resynced with fresh snapshots, and the books agree.
    for round in 0..3 {
        sim.handle
            .set_faults(&FaultPatch {
                skip_seq: 1,
                ..FaultPatch::default()
            })
            .expect("skip");
        churn(&sim, &maker, &tickers, round, "gap").await;
        let seen = books
            .follow_until(&mut feed, |e| matches!(e, FeedEvent::Gap { .. }))
            .await;
        match seen.last() {
            Some(FeedEvent::Gap {
                channel,
                expected,
                got,
                ..
            }) => {
                assert_eq!(*channel, Some(Channel::OrderbookDelta));
                assert_eq!(*got, expected + 1, "one seq skipped");
            }
            other => panic!("expected a gap, got {other:?}"),
        }
        converge(&sim, &mut feed, &mut books, &maker).await;
    }
    let one_shots = books.seen.gaps;
    assert_eq!(one_shots, 3, "{:?}", books.seen);
    assert!(books.seen.resynced >= 3, "{:?}", books.seen);

    // A run of periodic skips while the books move (resyncs may themselves be skipped).
    sim.handle
        .set_faults(&FaultPatch {
            skip_seq_every: Some(4),
            ..FaultPatch::default()
        })
        .expect("periodic skips");
    for round in 3..7 {
        churn(&sim, &maker, &tickers, round, "gaps").await;
        books.drain(&mut feed);
    }
    sim.handle
        .set_faults(&FaultPatch {
            reset: true,
            ..FaultPatch::default()
        })
        .expect("reset");
    // One more change after the reset, so a gap still unanswered cannot go unnoticed.
    churn(&sim, &maker, &tickers, 7, "after").await;
    converge(&sim, &mut feed, &mut books, &maker).await;
    assert!(books.seen.gaps > one_shots, "{:?}", books.seen);
    assert_eq!(
        books.seen.disconnects, 0,
        "gaps are repaired without reconnecting"
    );
    assert_agree(&sim, &maker, KEY_A).await;
    feed.shutdown().await;
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn periodic_drops_and_refused_upgrades_are_outlasted() {
    // This feed asks for NO levels in YES-leg prices (`use_yes_price`), which every
    // resubscribe must ask for again.
    let (sim, maker, tickers, mut feed, mut books) = synced_feed(16, NoPriceScale::YesLeg).await;
    // The server drops every connection every 300 ms while the books keep moving.
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_every_ms: Some(300),
            ..FaultPatch::default()
        })
        .expect("periodic drops");
    for round in 0..3 {
        churn(&sim, &maker, &tickers, round, "periodic").await;
        books
            .follow_until(&mut feed, |e| matches!(e, FeedEvent::Reconnected))
            .await;
    }
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_every_ms: Some(0),
            ..FaultPatch::default()
        })
        .expect("no more drops");
    converge(&sim, &mut feed, &mut books, &maker).await;
    let states = feed.states_until_now().await;
    let connections = states
        .iter()
        .filter(|s| matches!(s, ConnectionState::Connected { .. }))
        .count();
    assert!(connections >= 1, "{states:?}");

    // Upgrades refused for a while: attempts fail with 503 until the refusal ends.
    sim.handle
        .set_faults(&FaultPatch {
            refuse_ws_for_ms: Some(700),
            drop_ws_now: true,
            ..FaultPatch::default()
        })
        .expect("refuse upgrades");
    churn(&sim, &maker, &tickers, 3, "refused").await;
    let seen = books
        .follow_until(&mut feed, |e| matches!(e, FeedEvent::Reconnected))
        .await;
    assert!(
        seen.iter().any(|e| matches!(
            e,
            FeedEvent::Disconnected { reason } if reason.contains("HTTP 503")
        )),
        "refused attempts are reported: {seen:?}"
    );
    let states = feed.states_until_now().await;
    assert!(
        states
            .iter()
            .any(|s| matches!(s, ConnectionState::Reconnecting { attempt, .. } if *attempt >= 2)),
        "several attempts before the refusal ended: {states:?}"
    );
    converge(&sim, &mut feed, &mut books, &maker).await;
    assert!(books.seen.reconnects >= 4, "{:?}", books.seen);
    feed.shutdown().await;
    sim.handle.shutdown().await;
}
