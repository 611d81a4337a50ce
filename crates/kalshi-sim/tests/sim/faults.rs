//! Fault injection through the admin route and the handle: error shares with Kalshi's
//! bodies, the exchange pause, WS drop commands, and plan validation.

use kalshi::model::exchange::ExchangeStatus;
use kalshi_sim::server::{FaultPatch, WsControl};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Sim, WAIT};

#[tokio::test]
async fn a_full_503_share_fails_every_request_until_reset() {
    let sim = Sim::start().await;
    let r = sim.admin("/faults", &json!({"share_503": 1.0})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["share_503"], 1.0);
    for endpoint in ["/exchange/status", "/markets"] {
        let r = sim.get(endpoint).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            r.body,
            json!({"error": {"code": "service_unavailable", "message": "service unavailable"}})
        );
    }
    let r = sim.get_a("/portfolio/balance").await;
    assert_eq!(
        r.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "before auth, too"
    );
    let r = sim
        .admin_request(reqwest::Method::DELETE, "/faults")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "admin routes are not subject to faults"
    );
    assert_eq!(sim.get("/markets").await.status, StatusCode::OK);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn rate_limit_faults_use_the_bare_string_body() {
    let sim = Sim::start_with(|c| {
        c.faults.add_spec("429=1").unwrap();
    })
    .await;
    let r = sim.get("/markets").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.body, json!({"error": "too many requests"}));
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_partial_share_fails_some_requests_and_not_others() {
    let sim = Sim::start().await;
    sim.handle
        .set_faults(&FaultPatch {
            share_500: Some(0.5),
            ..FaultPatch::default()
        })
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(sim.get("/exchange/status").await.status);
    }
    let failed = statuses
        .iter()
        .filter(|s| **s == StatusCode::INTERNAL_SERVER_ERROR)
        .count();
    assert!(failed > 0 && failed < 40, "{failed} of 40 failed");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::INTERNAL_SERVER_ERROR)
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn paused_exchange_refuses_changes_but_serves_reads() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    sim.admin("/faults", &json!({"exchange_paused": true}))
        .await;
    let status: ExchangeStatus =
        kalshi::model::from_str(&sim.get("/exchange/status").await.body.to_string()).unwrap();
    assert!(!status.exchange_active && !status.trading_active);
    assert!(status.exchange_estimated_resume_time.is_some());
    let order = json!({"ticker": ticker, "side": "bid", "count": "1", "price": "0.50",
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"});
    let r = sim.post_a("/portfolio/events/orders", &order).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.body["error"]["code"], "exchange_unavailable");
    assert_eq!(sim.get_a("/portfolio/balance").await.status, StatusCode::OK);
    sim.admin("/faults", &json!({"exchange_paused": false}))
        .await;
    assert_eq!(
        sim.post_a("/portfolio/events/orders", &order).await.status,
        StatusCode::CREATED
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn ws_controls_and_plan_validation() {
    let sim = Sim::start().await;
    let mut rx = sim.handle.faults().ws_control();
    let r = sim
        .admin("/faults", &json!({"drop_ws_now": true, "skip_seq": 1}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let cmd = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cmd, WsControl::DropAll);
    assert!(sim.handle.faults().take_seq_skip());
    assert!(!sim.handle.faults().take_seq_skip());

    let r = sim
        .admin("/faults", &json!({"refuse_ws_for_ms": 60_000}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let now = u64::try_from(sim.handle.state().clock.now_ms()).unwrap();
    assert!(sim.handle.faults().ws_refused(now));

    let bad = sim
        .admin("/faults", &json!({"share_429": 0.7, "share_503": 0.7}))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let typo = sim.admin("/faults", &json!({"share_530": 0.1})).await;
    assert_eq!(
        typo.status,
        StatusCode::BAD_REQUEST,
        "unknown fault fields are refused"
    );
    assert_eq!(
        sim.handle.faults().plan().share_429,
        0.0,
        "a refused patch changes nothing"
    );

    // Periodic drops: the server's timer sends DropAll on its own.
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_every_ms: Some(50),
            ..FaultPatch::default()
        })
        .unwrap();
    let cmd = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cmd, WsControl::DropAll);
    sim.handle.shutdown().await;
}
