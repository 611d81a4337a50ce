//! WS faults: dropping every connection now, and a forced seq gap.

use kalshi::model::ws::Channel;
use kalshi_sim::server::FaultPatch;
use tokio_tungstenite::tungstenite::Message as Frame;

use super::client::{connect, open_markets, order, place};
use crate::harness::Sim;

#[tokio::test]
async fn drop_now_closes_every_socket() {
    let sim = Sim::start().await;
    let mut a = connect(&sim, &sim.a).await;
    let mut b = connect(&sim, &sim.b).await;
    for ws in [&mut a, &mut b] {
        let id = ws.subscribe(&[Channel::Trade], &[]).await;
        ws.subscribed(id, Channel::Trade).await;
    }
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_now: true,
            ..FaultPatch::default()
        })
        .unwrap();
    for ws in [&mut a, &mut b] {
        loop {
            match ws.frame().await {
                Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(Frame::Ping(_))) => {}
                Some(Ok(other)) => panic!("expected the socket to close, got {other:?}"),
            }
        }
    }
    // New connections are still accepted.
    let mut again = connect(&sim, &sim.a).await;
    let id = again.subscribe(&[Channel::Trade], &[]).await;
    assert_eq!(
        again.subscribed(id, Channel::Trade).await,
        1,
        "a new connection starts its sids over"
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn skip_seq_leaves_a_gap_in_the_sid() {
    let sim = Sim::start().await;
    let ticker = open_markets(&sim, 1).await.remove(0);
    let mut ws = connect(&sim, &sim.a).await;
    let id = ws.subscribe(&[Channel::OrderbookDelta], &[&ticker]).await;
    ws.subscribed(id, Channel::OrderbookDelta).await;
    assert_eq!(ws.snapshot().await.seq, 1);
    sim.handle
        .set_faults(&FaultPatch {
            skip_seq: 1,
            ..FaultPatch::default()
        })
        .unwrap();
    place(&sim, &sim.a, &order(&ticker, "bid", "1", "0.30", "a-1")).await;
    place(&sim, &sim.a, &order(&ticker, "bid", "1", "0.31", "a-2")).await;
    assert_eq!(ws.delta().await.seq, 3, "seq 2 was skipped");
    assert_eq!(ws.delta().await.seq, 4, "then it continues by one");
    sim.handle.shutdown().await;
}
