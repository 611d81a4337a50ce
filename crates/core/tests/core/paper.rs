//! The default Simulator setup is a paper exchange kept beside the store: a second run
//! continues the same account, and a reset starts a new exchange under a new scope while
//! the old scope's history stays readable.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use desk_core::{
    AppEvent, CredentialStore, DeskEnvironment, MemoryCredentialStore, OrderTicket, Session,
    SessionConfig, SimulatorSetup, reset_paper_account,
};
use kalshi::auth::Credentials;
use kalshi::env::Environment;
use kalshi::model::market::{GetMarketsParams, MarketStatusFilter};
use kalshi::model::order::BookSide;
use kalshi::model::portfolio::SubaccountParams;
use kalshi::model::{Count, Money};
use kalshi::rest::{Client, Tier};
use kalshi_sim::SimConfig;
use store::{OrderFilter, PageRequest, Scope};

use crate::harness::{Events, KEY_B, fast_tuning, key_b_private, key_b_public, price, rest};

fn config(dir: &Path, creds: Arc<MemoryCredentialStore>) -> SessionConfig {
    let mut config = SessionConfig::new(DeskEnvironment::Simulator, dir.join("desk.sqlite"), creds);
    config.simulator = SimulatorSetup::Paper(Box::new(SimConfig {
        markets: 10,
        keys: vec![(KEY_B.to_owned(), key_b_public())],
        seed_books: false,
        ..SimConfig::default()
    }));
    config.tuning = fast_tuning();
    config
}

/// A REST client of `creds` against the session's embedded exchange.
fn client(session: &Session, creds: Credentials) -> Client {
    let addr = session.simulator_addr().expect("an embedded simulator");
    let environment = Environment::custom(
        &format!("http://{addr}/trade-api/v2"),
        &format!("ws://{addr}/trade-api/ws/v2"),
    )
    .unwrap();
    Client::builder(environment)
        .credentials(creds)
        .tier(Tier::Custom {
            read_per_sec: 500,
            write_per_sec: 500,
        })
        .retry(fast_tuning().retry)
        .build()
        .unwrap()
}

async fn open(config: SessionConfig) -> (Session, Events) {
    let session = Session::open(config).await.unwrap();
    let mut events = Events(session.events());
    events
        .wait(|e| matches!(e, AppEvent::Synced(_)), "the first catch-up")
        .await;
    (session, events)
}

fn key_a(creds: &MemoryCredentialStore) -> Credentials {
    creds
        .get(DeskEnvironment::Simulator)
        .unwrap()
        .expect("a simulator key")
        .credentials()
        .unwrap()
}

async fn balance(client: &Client) -> Money {
    client
        .balance(&SubaccountParams::default())
        .await
        .unwrap()
        .balance_dollars
}

#[tokio::test]
async fn the_paper_exchange_continues_across_runs_and_a_reset_starts_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let creds = Arc::new(MemoryCredentialStore::new());
    let b_creds = Credentials::from_pem(KEY_B, &key_b_private()).unwrap();

    // Run 1: a fill and a resting order.
    let (session, mut events) = open(config(dir.path(), creds.clone())).await;
    let key_id = session.scope().key_id.clone();
    let b = client(&session, b_creds.clone());
    let ticker = b
        .markets(&GetMarketsParams {
            status: Some(MarketStatusFilter::Open),
            limit: Some(1),
            ..GetMarketsParams::default()
        })
        .await
        .unwrap()
        .markets
        .remove(0)
        .ticker;
    rest(
        &b,
        &ticker,
        BookSide::Ask,
        price("0.40"),
        Count::from_contracts(3),
    )
    .await;
    let filled = session
        .place_order(OrderTicket::limit(
            &ticker,
            BookSide::Bid,
            price("0.40"),
            Count::from_contracts(3),
        ))
        .await
        .unwrap();
    assert_eq!(filled.fill_count, Count::from_contracts(3));
    let resting = session
        .place_order(OrderTicket::limit(
            &ticker,
            BookSide::Bid,
            price("0.20"),
            Count::from_contracts(2),
        ))
        .await
        .unwrap();
    events
        .wait(|e| matches!(e, AppEvent::Fill(_)), "the fill")
        .await;
    let a = client(&session, key_a(&creds));
    let balance_1 = balance(&a).await;
    let refused = reset_paper_account(&config(dir.path(), creds.clone()))
        .await
        .expect_err("no reset while the exchange is open");
    assert!(refused.to_string().contains("close"), "{refused}");
    session.close().await;
    let first_ids: HashSet<String> = [filled.order_id.clone(), resting.order_id.clone()].into();

    // Run 2: the same account, the same orders, new ids for new orders.
    let (session, mut events) = open(config(dir.path(), creds.clone())).await;
    assert_eq!(session.scope().key_id, key_id, "the same key and scope");
    let a = client(&session, key_a(&creds));
    assert_eq!(balance(&a).await, balance_1, "the balance is kept");
    let positions = a.positions(&Default::default()).await.unwrap();
    let held = positions
        .market_positions
        .iter()
        .find(|p| p.ticker == ticker)
        .expect("the position is kept");
    assert_eq!(held.position_fp, Count::from_contracts(3));
    let b = client(&session, b_creds);
    rest(
        &b,
        &ticker,
        BookSide::Ask,
        price("0.20"),
        Count::from_contracts(1),
    )
    .await;
    events
        .wait(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == resting.order_id),
            "the restored resting order's fill",
        )
        .await;
    let new = session
        .place_order(OrderTicket::limit(
            &ticker,
            BookSide::Bid,
            price("0.10"),
            Count::from_contracts(1),
        ))
        .await
        .unwrap();
    assert!(
        !first_ids.contains(&new.order_id),
        "a new order gets a new id"
    );
    let rows = session
        .order_history(&OrderFilter::default(), &PageRequest::first(100))
        .await
        .unwrap()
        .items;
    let stored: HashSet<String> = rows.iter().map(|r| r.order_id.clone()).collect();
    assert!(
        first_ids.iter().all(|id| stored.contains(id)) && stored.contains(&new.order_id),
        "the first run's rows are not overwritten: {stored:?}"
    );
    // The order row follows its fill (reported separately); poll it with a timeout.
    let deadline = tokio::time::Instant::now() + crate::harness::WAIT;
    loop {
        let rows = session
            .order_history(&OrderFilter::default(), &PageRequest::first(100))
            .await
            .unwrap()
            .items;
        let row = rows
            .iter()
            .find(|r| r.order_id == resting.order_id)
            .unwrap();
        if row.fill_count == Count::from_contracts(1) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the restored resting order matched B's ask: {row:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    session.close().await;

    // Reset: a new key, scope and exchange; the old scope's orders stay readable.
    let new_key = reset_paper_account(&config(dir.path(), creds.clone()))
        .await
        .unwrap();
    assert_ne!(new_key, key_id);
    let (session, _events) = open(config(dir.path(), creds.clone())).await;
    assert_eq!(session.scope().key_id, new_key, "a new scope");
    let a = client(&session, key_a(&creds));
    assert_eq!(
        balance(&a).await,
        kalshi_sim::accounts::DEFAULT_BALANCE,
        "a fresh exchange"
    );
    let fresh = session
        .order_history(&OrderFilter::default(), &PageRequest::first(100))
        .await
        .unwrap()
        .items;
    assert!(fresh.is_empty(), "nothing in the new scope yet");
    let old_scope = Scope::new(DeskEnvironment::Simulator.store_environment(), key_id);
    let old_rows = session
        .store()
        .order_history(
            &old_scope,
            &OrderFilter::default(),
            &PageRequest::first(100),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(
        old_rows.len(),
        3,
        "the old scope's orders are still readable"
    );
    session.close().await;
}
