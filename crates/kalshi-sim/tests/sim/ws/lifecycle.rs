//! The `market_lifecycle_v2` channel: pause, resume, determination and settlement are
//! announced; the close is not (Kalshi has no message for it).

use kalshi::model::Price;
use kalshi::model::market::MarketResult;
use kalshi::model::ws::{Channel, MarketLifecycleEvent, Message};
use reqwest::StatusCode;
use serde_json::json;

use super::client::{WsClient, connect, open_markets};
use crate::harness::Sim;

async fn admin(sim: &Sim, path: &str, body: serde_json::Value) {
    let r = sim.admin(path, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {:?}", r.body);
}

async fn lifecycle(ws: &mut WsClient) -> kalshi::model::ws::MarketLifecycle {
    match ws.next().await {
        Message::MarketLifecycleV2(l) => l.msg,
        other => panic!("expected a lifecycle message, got {other:?}"),
    }
}

#[tokio::test]
async fn lifecycle_events_follow_the_market() {
    let sim = Sim::start().await;
    let ticker = open_markets(&sim, 1).await.remove(0);
    let mut ws = connect(&sim, &sim.a).await;
    let id = ws.subscribe(&[Channel::MarketLifecycleV2], &[]).await;
    ws.subscribed(id, Channel::MarketLifecycleV2).await;

    admin(&sim, &format!("/markets/{ticker}/pause"), json!({})).await;
    let l = lifecycle(&mut ws).await;
    assert_eq!(l.market_ticker, ticker);
    assert_eq!(
        (l.event_type, l.is_deactivated),
        (MarketLifecycleEvent::Deactivated, Some(true))
    );
    admin(&sim, &format!("/markets/{ticker}/activate"), json!({})).await;
    let l = lifecycle(&mut ws).await;
    assert_eq!(
        (l.event_type, l.is_deactivated),
        (MarketLifecycleEvent::Activated, Some(false))
    );
    admin(&sim, &format!("/markets/{ticker}/close"), json!({})).await;
    admin(
        &sim,
        &format!("/markets/{ticker}/determine"),
        json!({"result": "yes"}),
    )
    .await;
    let l = lifecycle(&mut ws).await;
    assert_eq!(
        l.event_type,
        MarketLifecycleEvent::Determined,
        "the close itself is not announced"
    );
    assert_eq!(l.result, Some(MarketResult::Yes));
    assert_eq!(l.settlement_value, Some(Price::ONE));
    assert!(l.determination_ts.is_some());
    admin(&sim, &format!("/markets/{ticker}/settle"), json!({})).await;
    let l = lifecycle(&mut ws).await;
    assert_eq!(l.event_type, MarketLifecycleEvent::Settled);
    assert!(l.settled_ts.is_some());
    sim.handle.shutdown().await;
}
