//! The Simulator environment with the simulator embedded: the key is made on first run,
//! kept in the credential store and reused; closing stops everything.

use std::sync::Arc;

use desk_core::{
    AppEvent, CredentialStore, DeskEnvironment, MemoryCredentialStore, Session, SessionConfig,
    SimulatorSetup,
};
use kalshi_sim::SimConfig;

use crate::harness::{Events, fast_tuning};

fn config(dir: &std::path::Path, creds: Arc<MemoryCredentialStore>) -> SessionConfig {
    let mut config = SessionConfig::new(DeskEnvironment::Simulator, dir.join("desk.sqlite"), creds);
    config.simulator = SimulatorSetup::Embedded(Box::new(SimConfig {
        markets: 10,
        ..SimConfig::default()
    }));
    config.tuning = fast_tuning();
    config
}

#[tokio::test]
async fn the_simulator_key_is_made_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let creds = Arc::new(MemoryCredentialStore::new());
    assert!(creds.get(DeskEnvironment::Simulator).unwrap().is_none());

    let session = Session::open(config(dir.path(), creds.clone()))
        .await
        .unwrap();
    let mut events = Events(session.events());
    events
        .wait(|e| matches!(e, AppEvent::Synced(_)), "the first catch-up")
        .await;
    let key = creds
        .get(DeskEnvironment::Simulator)
        .unwrap()
        .expect("the key was stored through the credential store");
    assert!(key.key_id.starts_with("desk-sim-"), "{}", key.key_id);
    assert_eq!(
        session.scope().key_id,
        key.key_id,
        "data is kept under that key"
    );
    let balance = session.portfolio().await.unwrap().balance;
    assert!(balance.is_some(), "the embedded exchange answered");
    session.close().await;

    let session = Session::open(config(dir.path(), creds.clone()))
        .await
        .unwrap();
    let mut events = Events(session.events());
    events
        .wait(|e| matches!(e, AppEvent::Synced(_)), "the catch-up")
        .await;
    assert_eq!(
        session.scope().key_id,
        key.key_id,
        "the same key on the next run"
    );
    session.close().await;
    session.close().await;
}

#[tokio::test]
async fn close_ends_every_task() {
    let dir = tempfile::tempdir().unwrap();
    let creds = Arc::new(MemoryCredentialStore::new());
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let session = Session::open(config(dir.path(), creds)).await.unwrap();
    let mut events = Events(session.events());
    events
        .wait(|e| matches!(e, AppEvent::Synced(_)), "the first catch-up")
        .await;
    let view = session.watch_market("ANY").unwrap();
    assert!(metrics.num_alive_tasks() > before);
    let addr = session.simulator_addr().expect("an embedded simulator");
    session.close().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the embedded simulator stopped listening"
    );
    assert!(
        session.feed_subscriptions().await.is_err(),
        "the feed is gone"
    );
    drop(view);
    drop(events);
    drop(session);
    // Connection tasks of the HTTP client end once it is dropped; give them their turn.
    let deadline = tokio::time::Instant::now() + crate::harness::WAIT;
    while metrics.num_alive_tasks() > before && tokio::time::Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        metrics.num_alive_tasks(),
        before,
        "no task outlives the session"
    );
}

#[tokio::test]
async fn the_default_embedded_exchange_serves_no_admin_routes() {
    let dir = tempfile::tempdir().unwrap();
    let creds = Arc::new(MemoryCredentialStore::new());
    let mut config = config(dir.path(), creds);
    // The app's default, made small and still; its admin setting is left as it is.
    let mut setup = SimulatorSetup::default();
    if let SimulatorSetup::Embedded(sim) = &mut setup {
        sim.markets = 10;
        sim.activity = 0;
    }
    config.simulator = setup;
    let session = Session::open(config).await.unwrap();
    let addr = session.simulator_addr().expect("an embedded simulator");
    let http = reqwest::Client::new();
    for path in ["/_sim/keys", "/_sim/faults", "/_sim/clock/advance"] {
        let r = http
            .post(format!("http://{addr}{path}"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND, "{path}");
    }
    let r = http
        .get(format!("http://{addr}/trade-api/v2/exchange/status"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "the exchange itself is served");
    session.close().await;
}
