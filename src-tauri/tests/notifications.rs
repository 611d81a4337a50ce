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

use std::io::BufReader;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
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

use common::{WAIT, counterparty, first_market, forward_fills, key_a_pem, key_b_public};

/// One `Notify` call as dbus-monitor printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Notify {
    summary: String,
    body: String,
}

/// `dbus-monitor` on the session bus, watching `Notify` calls; ended on drop.
struct Monitor {
    child: Child,
    calls: mpsc::Receiver<Notify>,
}

impl Monitor {
    fn start() -> Self {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "run under dbus-run-session (cargo xtask test does)"
        );
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor runs");
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready) = mpsc::channel();
        let (calls_tx, calls) = mpsc::channel();
        std::thread::spawn(move || parse(BufReader::new(stdout), &ready_tx, &calls_tx));
        // It prints NameLost once it has become a monitor: from then on it sees every call.
        ready
            .recv_timeout(WAIT)
            .expect("dbus-monitor became a monitor");
        Self { child, calls }
    }

    fn next(&self, what: &str) -> Notify {
        self.calls
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no Notify call for {what}"))
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads dbus-monitor's text: a `method call … member=Notify` line, then one argument per
/// line (app name, replaces id, icon, summary, body, actions, hints) up to the `int32`
/// expiry, which ends the call. Strings are printed raw, so a body may span lines.
fn parse(out: impl std::io::BufRead, ready: &mpsc::Sender<()>, calls: &mpsc::Sender<Notify>) {
    let mut call: Option<String> = None;
    for line in out.lines() {
        let Ok(line) = line else { return };
        if line.contains("member=NameLost") {
            let _ = ready.send(());
        }
        if line.starts_with("method call") && line.contains("member=Notify") {
            call = Some(String::new());
            continue;
        }
        let Some(text) = call.as_mut() else { continue };
        if line.trim_start().starts_with("int32 ") {
            let strings = strings(text);
            if let [_app, _icon, summary, body, ..] = strings.as_slice() {
                let _ = calls.send(Notify {
                    summary: summary.clone(),
                    body: body.clone(),
                });
            }
            call = None;
        } else {
            text.push_str(&line);
            text.push('\n');
        }
    }
}

/// The `string "…"` arguments, in order.
fn strings(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("string \"") {
        let after = &rest[start + "string \"".len()..];
        let Some(end) = after.find("\"\n") else { break };
        found.push(after[..end].to_owned());
        rest = &after[end + 2..];
    }
    found
}

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
