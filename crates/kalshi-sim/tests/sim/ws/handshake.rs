//! The upgrade: signature checks, the fault plan's refusal, heartbeats, pings, shutdown.

use kalshi::model::ws::{Channel, Message};
use kalshi_sim::server::FaultPatch;
use serde_json::Value;
use tokio_tungstenite::tungstenite::{self, Message as Frame};

use super::client::{connect, try_connect};
use crate::harness::Sim;

/// The HTTP status and JSON body of a refused handshake.
fn refusal(result: Result<super::client::WsClient, tungstenite::Error>) -> (u16, Value) {
    match result {
        Err(tungstenite::Error::Http(resp)) => {
            let body = resp.body().clone().unwrap_or_default();
            let json = serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("refusal body is not JSON ({e}): {body:?}"));
            (resp.status().as_u16(), json)
        }
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected the handshake to be refused"),
    }
}

#[tokio::test]
async fn an_unsigned_or_badly_signed_upgrade_gets_kalshis_401() {
    let sim = Sim::start().await;
    let (status, body) = refusal(try_connect(&sim, None, "").await);
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "invalid_credentials");
    // Signed for the wrong path: the signature covers `/trade-api/ws/v2`.
    let mut req =
        tungstenite::client::IntoClientRequest::into_client_request(sim.handle.ws_url()).unwrap();
    let headers = sim.a.headers_now("GET", "/trade-api/v2/ws").unwrap();
    for (k, v) in headers.pairs() {
        req.headers_mut().insert(k, v.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status().as_u16(), 401),
        other => panic!("a signature over another path must be refused, got {other:?}"),
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn refused_upgrades_get_503_while_the_fault_lasts() {
    let sim = Sim::start().await;
    sim.handle
        .set_faults(&FaultPatch {
            refuse_ws_for_ms: Some(600_000),
            ..FaultPatch::default()
        })
        .unwrap();
    let (status, body) = refusal(try_connect(&sim, Some(&sim.a), "").await);
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "service_unavailable");
    sim.handle
        .set_faults(&FaultPatch {
            refuse_ws_for_ms: Some(0),
            ..FaultPatch::default()
        })
        .unwrap();
    let mut ws = connect(&sim, &sim.a).await;
    let id = ws.subscribe(&[Channel::Ticker], &[]).await;
    ws.subscribed(id, Channel::Ticker).await;
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn the_server_pings_with_heartbeat_and_answers_pings() {
    let sim = Sim::start_with(|c| c.ws_heartbeat = std::time::Duration::from_millis(50)).await;
    let mut ws = try_connect(&sim, Some(&sim.a), "")
        .await
        .expect("handshake accepted");
    ws.send_frame(Frame::Ping(b"are you there".to_vec().into()))
        .await;
    let mut got_pong = false;
    let mut got_ping = false;
    while !(got_pong && got_ping) {
        match ws.frame().await {
            Some(Ok(Frame::Pong(p))) => {
                assert_eq!(&p[..], b"are you there", "a pong echoes the ping's payload");
                got_pong = true;
            }
            Some(Ok(Frame::Ping(p))) => {
                assert_eq!(&p[..], b"heartbeat", "Kalshi's ping payload");
                got_ping = true;
            }
            other => panic!("expected a ping or a pong, got {other:?}"),
        }
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn binary_frames_are_refused_with_code_1() {
    let sim = Sim::start().await;
    let mut ws = connect(&sim, &sim.a).await;
    ws.send_frame(Frame::Binary(vec![1, 2, 3].into())).await;
    assert_eq!(ws.error_code().await, (None, 1));
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_open_connections() {
    let sim = Sim::start().await;
    let mut ws = connect(&sim, &sim.a).await;
    let id = ws.subscribe(&[Channel::Trade], &[]).await;
    ws.subscribed(id, Channel::Trade).await;
    let handle = sim.handle;
    let stopped = tokio::spawn(handle.shutdown());
    loop {
        match ws.frame().await {
            Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(Frame::Ping(_))) => {}
            Some(Ok(other)) => {
                let m = other.into_text().map(|t| Message::from_json(t.as_str()));
                panic!("unexpected frame while shutting down: {m:?}");
            }
        }
    }
    stopped.await.expect("shutdown joins the connection task");
}
