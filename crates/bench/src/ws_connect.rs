//! WebSocket connect → first data message: a fresh signed feed (`kalshi::ws::Feed`, as the
//! app's session starts it) per sample; timed from spawning it to the first data frame
//! (the `orderbook_snapshot`) after subscribing to one market's `orderbook_delta`.

use std::time::{Duration, Instant};

use kalshi::auth::Credentials;
use kalshi::env::Environment;
use kalshi::model::ws::{Channel, Message};
use kalshi::ws::{Feed, FeedConfig, FeedEvent};
use tokio::sync::mpsc;

use crate::keys;
use crate::row::Row;
use crate::sim::SimProcess;
use crate::stats::Samples;

/// Longest wait for one step.
const WAIT: Duration = Duration::from_secs(10);

/// Measures `n` connects; returns the figure and its parts.
pub async fn run(sim: &SimProcess, ticker: &str, n: usize) -> Result<Vec<Row>, String> {
    let environment =
        Environment::custom(&sim.rest_url(), &sim.ws_url()).map_err(|e| e.to_string())?;
    let credentials =
        Credentials::from_pem(keys::KEY_B, &keys::b_private()).map_err(|e| e.to_string())?;
    let mut total = Samples::with_capacity(n);
    let mut handshake = Samples::with_capacity(n);
    let mut subscribe = Samples::with_capacity(n);
    // Two untimed connects first (connection setup code paths, page cache).
    for i in 0..n + 2 {
        let started = Instant::now();
        let config = FeedConfig::new(environment.clone(), credentials.clone());
        let (feed, mut events) = Feed::spawn(config).map_err(|e| e.to_string())?;
        wait_for(&mut events, "connected", |e| {
            matches!(e, FeedEvent::Connected)
        })
        .await?;
        let connected = started.elapsed();
        let (subscribed, data) = tokio::join!(
            feed.subscribe([Channel::OrderbookDelta], [ticker]),
            wait_for(&mut events, "the first data message", |e| matches!(
                e,
                FeedEvent::Message(m) if matches!(
                    **m,
                    Message::OrderbookSnapshot(_) | Message::OrderbookDelta(_) | Message::Ticker(_)
                )
            ))
        );
        subscribed.map_err(|e| format!("subscribe: {e}"))?;
        data?;
        let first = started.elapsed();
        feed.shutdown().await;
        if i >= 2 {
            total.push(first);
            handshake.push(connected);
            subscribe.push(first - connected);
        }
    }
    Ok(vec![
        Row::below(
            "latency",
            "ws_connect_to_first_data",
            "WS connect → first data message after subscribe (signed handshake, orderbook_delta → snapshot)",
            "ms",
            &total,
            "p99",
            20.0,
            Some("< 100 ms"),
        ),
        Row::below(
            "latency",
            "ws_handshake",
            "  of which: TCP + signed WebSocket handshake",
            "ms",
            &handshake,
            "p99",
            20.0,
            None,
        )
        .part_of("the WS connect figure"),
        Row::below(
            "latency",
            "ws_subscribe_to_snapshot",
            "  of which: subscribe → snapshot",
            "ms",
            &subscribe,
            "p99",
            20.0,
            None,
        )
        .part_of("the WS connect figure"),
    ])
}

async fn wait_for(
    events: &mut mpsc::Receiver<FeedEvent>,
    what: &str,
    want: impl Fn(&FeedEvent) -> bool,
) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(e)) if want(&e) => return Ok(()),
            Ok(Some(FeedEvent::Disconnected { reason })) => {
                return Err(format!("waiting for {what}: disconnected: {reason}"));
            }
            Ok(Some(_)) => {}
            Ok(None) => return Err(format!("the feed ended before {what}")),
            Err(_) => return Err(format!("no {what} within {WAIT:?}")),
        }
    }
}
