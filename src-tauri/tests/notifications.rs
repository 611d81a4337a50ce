//! Fill notifications for real: a fill on the simulator, forwarded onto the app's bus as
//! the command layer does, reaches the session bus as one
//! `org.freedesktop.Notifications.Notify` call through tauri-plugin-notification (on Tauri's
//! mock runtime: no window needed), and a burst of fills within one second as one call.
//!
//! `cargo xtask test` runs this under `dbus-run-session` with a private bus; it watches the
//! calls with `dbus-monitor` (no notification server is needed to see them). A plain
//! `cargo test` skips it.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Instant;

use desk_core::{
    AppEvent as CoreEvent, CredentialStore as _, DeskEnvironment, MemoryCredentialStore,
    OrderTicket, Session, SessionConfig, SimulatorSetup, StoredKey,
};
use ipc::commands::settings::Settings;
use kalshi::auth::PrivateKey;
use kalshi::model::order::BookSide;
use kalshi::model::{Count, Price};
use kalshi_desk::bus::Bus;
use kalshi_desk::notify::{self, Pause, SystemToaster};
use kalshi_sim::SimConfig;

use common::notify_monitor::{Monitor, Notify};
use common::{counterparty, first_market, forward_fills, key_a_pem, key_b_public};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a D-Bus session bus (cargo xtask test runs it)"]
async fn a_fill_notifies_once_and_fills_within_a_second_notify_together() {
    let monitor = Monitor::start();

    // The shell's notifier with the real plugin on Tauri's mock runtime.
    let app = tauri::test::mock_builder()
        .plugin(tauri_plugin_notification::init())
        .build(tauri::test::mock_context(tauri::test::noop_assets()))
        .unwrap();
    let bus = Arc::new(Bus::new(Settings::default()));
    tokio::spawn(notify::run(
        bus.events(),
        bus.settings(),
        Pause::default(),
        SystemToaster(app.handle().clone()),
    ));

    // A session on an embedded simulator, key B as the counterparty.
    let dir = tempfile::tempdir().unwrap();
    let creds = Arc::new(MemoryCredentialStore::new());
    let key = PrivateKey::from_pem(&key_a_pem()).unwrap();
    creds
        .put(
            DeskEnvironment::Simulator,
            &StoredKey::from_private_key(common::KEY_A, &key),
        )
        .unwrap();
    let mut config = SessionConfig::new(
        DeskEnvironment::Simulator,
        dir.path().join("desk.sqlite"),
        creds,
    );
    config.simulator = SimulatorSetup::Embedded(Box::new(SimConfig {
        markets: 5,
        keys: vec![key_b_public()],
        // The test's own orders make the book: no makers' quotes to trade against.
        seed_books: false,
        ..SimConfig::default()
    }));
    let session = Session::open(config).await.unwrap();
    let mut events = session.events();
    forward_fills(session.events(), bus.clone());
    common::wait_for(
        &mut events,
        |e| matches!(e, CoreEvent::Synced(_)),
        "the catch-up",
    )
    .await;
    let b = counterparty(session.simulator_addr().unwrap());
    let ticker = first_market(&b).await;
    let price = |p: &str| Price::parse(p).unwrap();

    // One fill: one notification.
    session
        .place_order(OrderTicket::limit(
            &ticker,
            BookSide::Bid,
            price("0.40"),
            Count::from_contracts(5),
        ))
        .await
        .unwrap();
    common::take_bids(&b, &ticker, "0.40", 5).await;
    let first = monitor.next("the fill");
    assert_eq!(
        first,
        Notify {
            summary: format!("Filled: {ticker}"),
            body: "Buy Yes 5 at 40¢".into(),
        }
    );

    // Three fills in one sweep (three price levels): one notification.
    for p in ["0.32", "0.31", "0.30"] {
        session
            .place_order(OrderTicket::limit(
                &ticker,
                BookSide::Bid,
                price(p),
                Count::from_contracts(1),
            ))
            .await
            .unwrap();
    }
    let swept = Instant::now();
    common::take_bids(&b, &ticker, "0.30", 3).await;
    let group = monitor.next("the three fills");
    assert!(
        swept.elapsed() >= std::time::Duration::from_millis(900),
        "held for the second"
    );
    assert_eq!(group.summary, format!("3 fills in {ticker}"));
    assert_eq!(
        group.body,
        "Buy Yes 1 at 32¢\nBuy Yes 1 at 31¢\nBuy Yes 1 at 30¢"
    );
    assert!(
        monitor.calls.try_recv().is_err(),
        "nothing else was notified"
    );
    session.close().await;
}
