//! Order submit → exchange ack through desk-core: `Session::place_order`, the call behind
//! the app's place-order command, on a session of the external simulator with a real
//! database file. Two figures per order: until the session announces
//! `OrderEvent::Accepted` (validation against the market fetched and cached in SQLite and
//! the balance, the signed create, the exchange's answer), timed by a thread blocked on
//! the event channel so tokio's scheduling does not delay the stamp; and until
//! `place_order` returns (plus the signed read-back of the order, stored in SQLite). Each
//! order rests (a 0.01 bid) and is cancelled outside the timing.
//!
//! Orders start [`PACE`] apart. Back to back, each iteration spends two writes (the create
//! and the cancel) of the client's rate limiter, which holds requests to the account's
//! tier as Kalshi requires; once its one-second burst is spent, every create waits for a
//! token and the figure becomes the tier's rate (5.6 ms an order at the simulator's 400
//! writes/s), not the latency of the path.

use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use desk_core::{
    AppEvent, CredentialStore, DeskEnvironment, MemoryCredentialStore, OrderEvent, OrderTicket,
    Session, SessionConfig, SimulatorSetup, StoredKey,
};
use kalshi::auth::PrivateKey;
use kalshi::model::order::BookSide;
use kalshi::model::{Count, Price};
use kalshi_sim::server::AdminToken;
use tokio::sync::broadcast::error::RecvError;

use crate::keys;
use crate::row::Row;
use crate::sim::SimProcess;
use crate::stats::Samples;

/// Longest wait for the session's first catch-up.
const WAIT: Duration = Duration::from_secs(60);

/// Time between the starts of two orders: 50 orders a second, far beyond a person and
/// within the write budget, so the limiter never holds one (at 10 ms it still ran dry
/// after about 250 orders).
const PACE: Duration = Duration::from_millis(20);

/// Measures `n` placements (after a few untimed ones).
pub async fn run(sim: &SimProcess, ticker: &str, n: usize) -> Result<Vec<Row>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let creds = Arc::new(MemoryCredentialStore::new());
    let key = PrivateKey::from_pem(&keys::a_private()).map_err(|e| e.to_string())?;
    creds
        .put(
            DeskEnvironment::Simulator,
            &StoredKey::from_private_key(keys::KEY_A, &key),
        )
        .map_err(|e| e.to_string())?;
    let mut config = SessionConfig::new(
        DeskEnvironment::Simulator,
        dir.path().join("desk.sqlite"),
        creds,
    );
    config.simulator = SimulatorSetup::External {
        base_url: sim.base.clone(),
        admin_token: AdminToken::fixed(&sim.admin_token).map_err(|e| e.to_string())?,
    };
    let session = Session::open(config)
        .await
        .map_err(|e| format!("session: {e}"))?;
    let mut events = session.events();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Ok(AppEvent::Synced(_))) => break,
            Ok(Ok(_) | Err(RecvError::Lagged(_))) => {}
            Ok(Err(RecvError::Closed)) => return Err("the session ended before syncing".into()),
            Err(_) => return Err("the session did not sync within a minute".into()),
        }
    }
    // Stamps every Accepted the moment it is sent (a blocked OS thread wakes at once).
    let (acks_tx, acks) = mpsc::channel::<(String, Instant)>();
    std::thread::spawn(move || {
        loop {
            match events.blocking_recv() {
                Ok(AppEvent::Order(OrderEvent::Accepted {
                    client_order_id, ..
                })) => {
                    if acks_tx.send((client_order_id, Instant::now())).is_err() {
                        return;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        }
    });
    let price = Price::parse("0.01").map_err(|e| e.to_string())?;
    let mut acked = Samples::with_capacity(n);
    let mut returned = Samples::with_capacity(n);
    for i in 0..n + 5 {
        let ticket = OrderTicket::limit(ticker, BookSide::Bid, price, Count::from_contracts(1));
        let started = Instant::now();
        let next = tokio::time::Instant::from_std(started + PACE);
        let order = session
            .place_order(ticket)
            .await
            .map_err(|e| format!("place_order: {e}"))?;
        let took = started.elapsed();
        let ack = loop {
            let (id, at) = acks
                .recv_timeout(WAIT)
                .map_err(|_| "no Accepted event for a placed order")?;
            if id == order.client_order_id {
                break at;
            }
        };
        if i >= 5 {
            acked.push(ack.saturating_duration_since(started));
            returned.push(took);
        }
        session
            .cancel_order(&order.order_id)
            .await
            .map_err(|e| format!("cancel_order: {e}"))?;
        // The load model (one order every PACE), not a wait for a condition.
        tokio::time::sleep_until(next).await;
    }
    session.close().await;
    Ok(vec![
        Row::below(
            "latency",
            "order_submit_to_ack",
            "order submit → exchange ack through desk-core (validate, sign, HTTP, store write) → Accepted event",
            "ms",
            &acked,
            "median",
            5.0,
            Some("< 200 ms"),
        )
        .note(
            "Session::place_order until OrderEvent::Accepted: signed GET market (validation) + \
             signed POST create; one order every 20 ms, inside the write rate limit",
        ),
        Row::below(
            "latency",
            "order_submit_to_return",
            "  place_order returned: the ack plus the signed read-back of the order, stored",
            "ms",
            &returned,
            "median",
            5.0,
            None,
        )
        .note("what the app's place-order command awaits; the UI row flips at the ack"),
    ])
}
