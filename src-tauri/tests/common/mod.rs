//! Shared by the shell's integration tests: the test keys, a counterparty client on a
//! simulator, the core's fills forwarded onto the app's bus in the UI's shape, and waiting
//! with a timeout (never sleeping).
#![allow(dead_code, clippy::unwrap_used)]

pub mod notify_monitor;

use std::time::Duration;

use desk_core::{AppEvent as CoreEvent, FillEvent as CoreFill};
use ipc::events::{AppEvent, FillEvent};
use kalshi::auth::Credentials;
use kalshi::env::Environment;
use kalshi::model::order;
use kalshi::model::order::{SelfTradePrevention, TimeInForce};
use kalshi::model::order_entry::CreateOrderRequest;
use kalshi::model::{Count, Price};
use kalshi::rest::{Client, Tier};
use kalshi_desk::bus::Bus;
use tokio::sync::broadcast;

/// How long a test waits for something that should happen promptly.
pub const WAIT: Duration = Duration::from_secs(30);

/// Key A's id (the session's key).
pub const KEY_A: &str = "key-a";
/// Key B's id (the counterparty).
pub const KEY_B: &str = "key-b";

/// Key A's PKCS#1 PEM body (base64, 64-character lines).
pub const KEY_A_PKCS1_B64: &str =
    include_str!("../../../crates/kalshi/test_data/keys/test_key_a.pkcs1.b64");
/// Key A's PKCS#8 PEM body.
pub const KEY_A_PKCS8_B64: &str =
    include_str!("../../../crates/kalshi/test_data/keys/test_key_a.pkcs8.b64");
/// Key A's public key (SPKI PEM body).
pub const KEY_A_SPKI_B64: &str =
    include_str!("../../../crates/kalshi/test_data/keys/test_key_a.spki.b64");
const KEY_B_PKCS1_B64: &str =
    include_str!("../../../crates/kalshi/test_data/keys/test_key_b.pkcs1.b64");
const KEY_B_SPKI_B64: &str =
    include_str!("../../../crates/kalshi/test_data/keys/test_key_b.spki.b64");

/// PEM armour around a base64 body.
pub fn armor(label: &str, body: &str) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.trim()
    )
}

/// Key A as the PEM a person would paste.
pub fn key_a_pem() -> String {
    armor("RSA PRIVATE KEY", KEY_A_PKCS1_B64)
}

/// Key B's public PEM, to register it with a simulator.
pub fn key_b_public() -> (String, String) {
    (KEY_B.to_owned(), armor("PUBLIC KEY", KEY_B_SPKI_B64))
}

/// Key B's client on the simulator at `addr`.
pub fn counterparty(addr: std::net::SocketAddr) -> Client {
    let environment = Environment::custom(
        &format!("http://{addr}/trade-api/v2"),
        &format!("ws://{addr}/trade-api/ws/v2"),
    )
    .unwrap();
    let credentials =
        Credentials::from_pem(KEY_B, &armor("RSA PRIVATE KEY", KEY_B_PKCS1_B64)).unwrap();
    Client::builder(environment)
        .credentials(credentials)
        .tier(Tier::Custom {
            read_per_sec: 500,
            write_per_sec: 500,
        })
        .build()
        .unwrap()
}

/// The first open market's ticker.
pub async fn first_market(client: &Client) -> String {
    use kalshi::model::market::{GetMarketsParams, MarketStatusFilter};
    let page = client
        .markets(&GetMarketsParams {
            status: Some(MarketStatusFilter::Open),
            limit: Some(1),
            ..GetMarketsParams::default()
        })
        .await
        .unwrap();
    page.markets[0].ticker.clone()
}

/// Key B sells YES at `price` now (immediate or cancel): takes key A's resting bids.
pub async fn take_bids(client: &Client, ticker: &str, price: &str, count: i64) {
    let mut request = CreateOrderRequest::new(
        ticker,
        order::BookSide::Ask,
        Price::parse(price).unwrap(),
        Count::from_contracts(count),
        TimeInForce::ImmediateOrCancel,
        SelfTradePrevention::TakerAtCross,
    );
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    request.client_order_id = Some(format!("take-{nanos}"));
    client.create_order(&request).await.unwrap();
}

/// The core's fill in the UI's shape, through the same mapping the command layer
/// forwards events with.
pub fn fill_view(event: &CoreFill) -> Option<FillEvent> {
    let mapped = desk_core::ipc_view::EventMapper::new()
        .map(&desk_core::AppEvent::Fill(event.clone()), None)
        .pop();
    match mapped {
        Some(ipc::AppEvent::Fill(fill)) => Some(fill),
        _ => None,
    }
}

/// Forwards the session's fills onto the bus, as the command layer does.
pub fn forward_fills(mut events: broadcast::Receiver<CoreEvent>, bus: std::sync::Arc<Bus>) {
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(CoreEvent::Fill(fill)) => {
                    if let Some(fill) = fill_view(&fill) {
                        bus.publish(AppEvent::Fill(fill));
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

/// Waits for the first event matching `want`.
pub async fn wait_for<E: Clone>(
    events: &mut broadcast::Receiver<E>,
    want: impl Fn(&E) -> bool,
    what: &str,
) -> E {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Ok(event)) if want(&event) => return event,
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("{e} waiting for {what}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}
