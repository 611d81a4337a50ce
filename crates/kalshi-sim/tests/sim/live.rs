//! What the WS layer builds on: the event bus, activity and the sim clock.

use std::time::Duration;

use kalshi_sim::engine::Event;
use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use crate::harness::{Sim, WAIT};

#[tokio::test]
async fn engine_events_reach_the_bus_in_order() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let mut rx = sim.handle.state().subscribe();
    let order = json!({"ticker": ticker, "side": "bid", "count": "2", "price": "0.45",
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"});
    let r = sim.post_a("/portfolio/events/orders", &order).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = sim
        .delete_a(
            &format!(
                "/portfolio/events/orders/{}",
                r.body["order_id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let first = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    let second = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, first.id + 1, "batch ids have no gaps");
    let deltas = |b: &kalshi_sim::server::EventBatch| {
        b.events
            .iter()
            .filter_map(|e| match e {
                Event::BookDelta(d) => Some(d.delta.to_string()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(deltas(&first), ["2.00"], "the order rests");
    assert_eq!(deltas(&second), ["-2.00"], "the cancel removes it");
    assert!(first.events.iter().any(|e| matches!(e, Event::Order(_))));
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn activity_seeds_books_and_prints_trades() {
    let sim = Sim::start_with(|c| {
        c.activity = 200;
        c.seed_books = true;
    })
    .await;
    let (mut rx, books) = sim.handle.state().subscribe_with(|engine, _| {
        engine
            .markets()
            .iter()
            .filter(|m| m.best_bid().is_some())
            .count()
    });
    assert!(books > 0, "makers quote from the start");
    let traded = tokio::time::timeout(WAIT, async {
        loop {
            match rx.recv().await {
                Ok(batch) if batch.events.iter().any(|e| matches!(e, Event::Trade(_))) => {
                    break true;
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break false,
            }
        }
    })
    .await
    .expect("a trade prints while activity runs");
    assert!(traded);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn activity_can_be_stepped_by_hand() {
    let sim = Sim::start().await;
    let tape = sim.get("/markets/trades").await;
    assert_eq!(
        tape.body["trades"].as_array().unwrap().len(),
        0,
        "a still exchange"
    );
    let r = sim.admin("/activity/step", &json!({"steps": 300})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["events"].as_u64().unwrap() > 0);
    let quoted = sim
        .handle
        .state()
        .read(|engine, _| engine.markets().iter().any(|m| m.best_bid().is_some()));
    assert!(quoted, "makers quoted");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn advancing_the_clock_expires_orders_and_closes_markets() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let now_s = sim.handle.state().clock.now_ms() / 1000;
    let gtt = json!({"ticker": ticker, "side": "bid", "count": "1", "price": "0.30",
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross",
        "expiration_time": now_s + 60});
    let r = sim.post_a("/portfolio/events/orders", &gtt).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["order_id"].as_str().unwrap().to_owned();
    let r = sim.admin("/clock/advance", &json!({"ms": 120_000})).await;
    assert_eq!(r.status, StatusCode::OK);
    let o = sim.get_a(&format!("/portfolio/orders/{id}")).await;
    assert_eq!(
        o.body["order"]["status"], "canceled",
        "expired: {:?}",
        o.body
    );

    let close = time::OffsetDateTime::parse(
        m["close_time"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let until_close = close.unix_timestamp() * 1000 - sim.handle.state().clock.now_ms();
    let r = sim
        .admin(
            "/clock/advance",
            &json!({"ms": u64::try_from(until_close).unwrap() + Duration::from_secs(1).as_millis() as u64}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let after = sim.get(&format!("/markets/{ticker}")).await;
    assert_ne!(
        after.body["market"]["status"], "active",
        "{:?}",
        after.body["market"]["status"]
    );
    sim.handle.shutdown().await;
}
