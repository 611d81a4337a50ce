//! A simulator with a state file (`SimConfig::state_path`) continues the same exchange
//! across restarts: accounts, books, history and keys survive, ids never repeat, an
//! unusable file is refused untouched, and time moves on while it is stopped.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use kalshi_sim::engine::Outcome;
use kalshi_sim::lifecycle::MarketResult;
use kalshi_sim::persist::StateError;
use kalshi_sim::server::StartError;
use kalshi_sim::{SimConfig, SimError, Simulator};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{KEY_A, KEY_B, Sim, key_a_public, key_b_public};

fn order(ticker: &str, side: &str, count: &str, price: &str) -> Value {
    json!({"ticker": ticker, "side": side, "count": count, "price": price,
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"})
}

async fn start(path: &Path) -> Sim {
    let path = path.to_owned();
    Sim::start_with(move |c| {
        c.state_path = Some(path);
        c.save_interval = Duration::from_secs(3600);
    })
    .await
}

/// Places an order for key A (`a == true`) or B; returns the order id.
async fn place(sim: &Sim, a: bool, body: &Value) -> String {
    let creds = if a { &sim.a } else { &sim.b };
    let r = sim
        .call(
            reqwest::Method::POST,
            "/portfolio/events/orders",
            Some(creds),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["order_id"].as_str().unwrap().to_owned()
}

fn ids(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap().to_owned())
        .collect()
}

/// Determines and settles `ticker` now (YES).
fn settle_now(sim: &Sim, ticker: &str) {
    let state = sim.handle.state();
    for step in 0..2 {
        state
            .mutate(|e, now| {
                let events = if step == 0 {
                    e.determine_market(ticker, MarketResult::Yes, now)?
                } else {
                    e.settle_market(ticker, now)?
                };
                Ok::<_, SimError>(Outcome { value: (), events })
            })
            .unwrap();
    }
}

#[tokio::test]
async fn a_restart_with_the_same_state_file_continues_the_exchange() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exchange.sim");
    let sim = start(&path).await;
    let markets = sim.get("/markets?status=open&limit=3").await.body["markets"].clone();
    let (m0, m1) = (
        markets[0]["ticker"].as_str().unwrap().to_owned(),
        markets[1]["ticker"].as_str().unwrap().to_owned(),
    );
    // A resting bid with a client order id, a fill in m0, and a settled position in m1.
    let mut resting = order(&m0, "bid", "10", "0.42");
    resting["client_order_id"] = json!("keep-me");
    let resting_id = place(&sim, true, &resting).await;
    place(&sim, false, &order(&m0, "ask", "5", "0.50")).await;
    place(&sim, true, &order(&m0, "bid", "5", "0.50")).await;
    place(&sim, false, &order(&m1, "ask", "3", "0.30")).await;
    place(&sim, true, &order(&m1, "bid", "3", "0.30")).await;
    settle_now(&sim, &m1);

    // `updated_ts` is the time of the read: everything else must be the same after.
    let money = |mut body: serde_json::Value| {
        body.as_object_mut().map(|o| o.remove("updated_ts"));
        body
    };
    let balance = money(sim.get_a("/portfolio/balance").await.body);
    let positions = sim.get_a("/portfolio/positions").await.body["market_positions"].clone();
    let fills = sim.get_a("/portfolio/fills").await.body["fills"].clone();
    let settlements = sim.get_a("/portfolio/settlements").await.body["settlements"].clone();
    let orders = sim.get_a("/portfolio/orders").await.body["orders"].clone();
    assert_eq!(settlements.as_array().unwrap().len(), 1, "{settlements}");
    let mut old_orders: HashSet<String> = ids(&orders, "order_id").into_iter().collect();
    old_orders.extend(ids(
        &sim.call(
            reqwest::Method::GET,
            "/portfolio/orders",
            Some(&sim.b),
            None,
        )
        .await
        .body["orders"],
        "order_id",
    ));
    let old_trades: HashSet<String> = ids(&fills, "trade_id").into_iter().collect();
    sim.handle.shutdown().await;

    let sim = start(&path).await;
    assert_eq!(
        money(sim.get_a("/portfolio/balance").await.body),
        balance,
        "balance kept"
    );
    assert_eq!(
        sim.get_a("/portfolio/positions").await.body["market_positions"],
        positions,
        "positions kept"
    );
    assert_eq!(
        sim.get_a("/portfolio/fills").await.body["fills"],
        fills,
        "fills kept"
    );
    assert_eq!(
        sim.get_a("/portfolio/settlements").await.body["settlements"],
        settlements,
        "settlements kept"
    );
    assert_eq!(
        sim.get_a("/portfolio/orders").await.body["orders"],
        orders,
        "order history kept"
    );
    let book = sim.get(&format!("/markets/{m0}/orderbook")).await.body;
    assert!(
        book.to_string().contains("0.4200"),
        "the resting bid is still on the book: {book}"
    );
    // The restored resting order is matchable, and everything new has a new id.
    let taker = place(&sim, false, &order(&m0, "ask", "10", "0.42")).await;
    assert!(
        !old_orders.contains(&taker),
        "order id {taker} repeats one of the first run"
    );
    let after = sim
        .get_a(&format!("/portfolio/orders/{resting_id}"))
        .await
        .body;
    assert_eq!(after["order"]["status"], "executed", "{after}");
    let fills = sim.get_a("/portfolio/fills").await.body["fills"].clone();
    let new_trades: Vec<String> = ids(&fills, "trade_id")
        .into_iter()
        .filter(|t| !old_trades.contains(t))
        .collect();
    assert_eq!(
        new_trades.len(),
        1,
        "one new fill with a new trade id: {fills}"
    );
    for _ in 0..3 {
        let id = place(&sim, true, &order(&m0, "bid", "1", "0.10")).await;
        assert!(
            !old_orders.contains(&id),
            "order id {id} repeats one of the first run"
        );
    }
    // client_order_id uniqueness survives the restart.
    let dup = sim.post_a("/portfolio/events/orders", &resting).await;
    assert_eq!(dup.status, StatusCode::CONFLICT, "{:?}", dup.body);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_damaged_or_newer_state_file_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8]); 3] = [
        ("garbage.sim", b"\x00\x01 not json"),
        (
            "newer.sim",
            br#"{"format":"kalshi-sim-state","version":99}"#,
        ),
        (
            "truncated.sim",
            br#"{"format":"kalshi-sim-state","version":1,"epoch":3"#,
        ),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = Simulator::start(SimConfig {
            markets: 10,
            state_path: Some(path.clone()),
            ..SimConfig::default()
        })
        .await
        .expect_err("an unusable state file is refused");
        match (&err, name) {
            (StartError::State(StateError::Version { found: 99, .. }), "newer.sim") => {}
            (StartError::State(StateError::Corrupt { .. }), "garbage.sim" | "truncated.sim") => {}
            _ => panic!("{name}: unexpected error {err:?}"),
        }
        assert!(
            err.to_string().contains(name),
            "the message names the file: {err}"
        );
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{name} is not overwritten"
        );
    }
}

#[tokio::test]
async fn one_state_file_serves_one_simulator_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exchange.sim");
    let sim = start(&path).await;
    let err = Simulator::start(SimConfig {
        state_path: Some(path.clone()),
        ..SimConfig::default()
    })
    .await
    .expect_err("a second simulator on the same file is refused");
    assert!(err.to_string().contains("in use"), "{err}");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn without_a_state_file_every_start_is_a_fresh_exchange() {
    let sim = Sim::start().await;
    let ticker = sim.open_market().await["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = place(&sim, true, &order(&ticker, "bid", "1", "0.10")).await;
    sim.handle.shutdown().await;
    let sim = Sim::start().await;
    assert_eq!(
        sim.get_a("/portfolio/orders").await.body["orders"],
        json!([]),
        "nothing carried over"
    );
    let again = place(&sim, true, &order(&ticker, "bid", "1", "0.10")).await;
    assert_eq!(first, again, "ephemeral ids are deterministic, as before");
    sim.handle.shutdown().await;
    let _ = (KEY_A, KEY_B, key_a_public(), key_b_public());
}

/// Ages a saved exchange by `ms`, as if the simulator had been stopped that long.
pub fn age_state_file(path: &Path, ms: i64) {
    let mut doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let offset = doc["clock_offset_ms"].as_i64().unwrap();
    doc["clock_offset_ms"] = json!(offset + ms);
    std::fs::write(path, serde_json::to_vec(&doc).unwrap()).unwrap();
}

#[tokio::test]
async fn markets_that_closed_while_stopped_settle_at_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exchange.sim");
    let sim = start(&path).await;
    // The open market that closes first.
    let markets = sim.get("/markets?status=open&limit=1000").await.body["markets"].clone();
    let first = markets
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|m| m["close_time"].as_str().unwrap().to_owned())
        .unwrap()
        .clone();
    let ticker = first["ticker"].as_str().unwrap().to_owned();
    place(&sim, false, &order(&ticker, "ask", "4", "0.40")).await;
    place(&sim, true, &order(&ticker, "bid", "4", "0.40")).await;
    let before = sim.get_a("/portfolio/balance").await.body["balance"]
        .as_i64()
        .unwrap();
    sim.handle.shutdown().await;

    age_state_file(&path, 40 * 24 * 3_600_000);
    let sim = start(&path).await;
    let market = sim.get(&format!("/markets/{ticker}")).await.body;
    assert_eq!(market["market"]["status"], "finalized", "{market}");
    let settlements = sim.get_a("/portfolio/settlements").await.body["settlements"].clone();
    let s = settlements
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["ticker"] == ticker.as_str())
        .unwrap_or_else(|| panic!("a settlement record for {ticker}: {settlements}"));
    let won = market["market"]["result"] == "yes";
    assert_eq!(
        s["revenue"].as_i64().unwrap(),
        if won { 400 } else { 0 },
        "{s}"
    );
    let after = sim.get_a("/portfolio/balance").await.body["balance"]
        .as_i64()
        .unwrap();
    assert_eq!(
        after - before,
        if won { 400 } else { 0 },
        "the payout reached the balance"
    );
    let positions = sim.get_a("/portfolio/positions").await.body["market_positions"].clone();
    assert!(
        !positions.to_string().contains(&ticker),
        "no open position left in {ticker}: {positions}"
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_change_is_saved_in_the_background_without_a_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exchange.sim");
    let saved_path = path.clone();
    let sim = Sim::start_with(move |c| {
        c.state_path = Some(saved_path);
        c.save_interval = Duration::from_millis(20);
    })
    .await;
    let ticker = sim.open_market().await["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut body = order(&ticker, "bid", "1", "0.10");
    body["client_order_id"] = json!("saved-in-background");
    place(&sim, true, &body).await;
    let deadline = std::time::Instant::now() + crate::harness::WAIT;
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains("saved-in-background") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the order was never saved"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sim.handle.shutdown().await;
}
