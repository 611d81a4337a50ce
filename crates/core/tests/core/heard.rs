//! The status bar's "connected · 2 s": when the feed last heard from the exchange moves
//! with every message (the heartbeat pings included) and stops while the socket is cut.

use std::time::{Duration, Instant};

use desk_core::{AppEvent, Session};
use kalshi::ws::ConnectionState;
use kalshi_sim::server::FaultPatch;

use crate::harness::{Env, WAIT};

/// Waits until the session has heard from the exchange after `after`.
async fn heard_after(session: &Session, after: Option<Instant>, what: &str) -> Instant {
    tokio::time::timeout(WAIT, async {
        loop {
            match session.last_message_at() {
                Some(at) if Some(at) > after => return at,
                _ => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

#[tokio::test]
async fn the_last_message_clock_moves_while_connected_and_stops_while_cut() {
    // Pings every 20 ms, and nothing else happens on the socket.
    let env = Env::start_with(|c| c.ws_heartbeat = Duration::from_millis(20)).await;
    let (session, mut events) = env.open().await;
    let first = heard_after(&session, None, "a first message").await;
    let later = heard_after(&session, Some(first), "a later ping").await;

    env.faults(FaultPatch {
        refuse_ws_for_ms: Some(600_000),
        drop_ws_now: true,
        ..FaultPatch::default()
    });
    let lost = events
        .wait(
            |e| matches!(e, AppEvent::Connection(c) if !c.state.is_connected()),
            "the disconnect",
        )
        .await;
    let AppEvent::Connection(lost) = lost else {
        unreachable!()
    };
    assert!(lost.last_message_age.is_some(), "the event carries the age");
    let cut = session.last_message_at().unwrap();
    assert!(cut >= later);
    // Three refused reconnects later, nothing has been heard.
    let mut status = session.status_watch();
    tokio::time::timeout(
        WAIT,
        status.wait_for(
            |s| matches!(s.connection, ConnectionState::Reconnecting { attempt, .. } if attempt >= 3),
        ),
    )
    .await
    .expect("reconnect attempts in time")
    .expect("the session is open");
    assert_eq!(session.last_message_at(), Some(cut), "stopped while cut");
    let waited = cut.elapsed();
    assert!(
        session.last_message_age().unwrap() >= waited,
        "the age keeps growing"
    );

    env.faults(FaultPatch {
        refuse_ws_for_ms: Some(0),
        ..FaultPatch::default()
    });
    heard_after(&session, Some(cut), "a message after the reconnect").await;
    session.close().await;
    env.sim.shutdown().await;
}
