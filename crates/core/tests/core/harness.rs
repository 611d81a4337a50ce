//! Shared fixtures: an in-process simulator on 127.0.0.1:0 with key B registered (the
//! counterparty), key A in a memory credential store for the session, a temp directory for
//! the database, fast tuning, and event helpers that wait with a timeout (never sleep).

use std::sync::Arc;
use std::time::Duration;

use desk_core::{
    AppEvent, DeskEnvironment, MemoryCredentialStore, Session, SessionConfig, SimulatorSetup,
    StoredKey, Tuning,
};
use futures_util::TryStreamExt;
use kalshi::auth::{Credentials, PrivateKey};
use kalshi::env::Environment;
use kalshi::model::fill::{Fill, GetFillsParams};
use kalshi::model::market::{GetMarketsParams, Market, MarketStatusFilter};
use kalshi::model::order::{BookSide, GetOrdersParams, Order, SelfTradePrevention, TimeInForce};
use kalshi::model::order_entry::{CreateOrderRequest, CreateOrderResponse};
use kalshi::model::{Count, Price};
use kalshi::rest::{Client, RetryPolicy, Tier};
use kalshi::ws::BackoffConfig;
use kalshi_sim::server::{AdminToken, FaultPatch};
use kalshi_sim::{SimConfig, SimHandle, Simulator};
use tempfile::TempDir;
use tokio::sync::broadcast::{self, error::RecvError};

/// Key id of the session's key (test key A).
pub const KEY_A: &str = "key-a";
/// Key id of the counterparty (test key B).
pub const KEY_B: &str = "key-b";

/// How long a test waits for something that should happen promptly.
pub const WAIT: Duration = Duration::from_secs(30);

fn armor(label: &str, body: &str) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.trim()
    )
}

/// Test key A (PKCS#1 private PEM).
pub fn key_a_pem() -> String {
    key_a_private()
}

fn key_a_private() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../../kalshi/test_data/keys/test_key_a.pkcs1.b64"),
    )
}

pub fn key_b_private() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../../kalshi/test_data/keys/test_key_b.pkcs1.b64"),
    )
}

pub fn key_b_public() -> String {
    armor(
        "PUBLIC KEY",
        include_str!("../../../kalshi/test_data/keys/test_key_b.spki.b64"),
    )
}

/// Short delays so reconnects and refreshes happen within milliseconds.
pub fn fast_tuning() -> Tuning {
    Tuning {
        retry: RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(300),
            max_retry_after: Duration::from_secs(5),
        },
        backoff: BackoffConfig {
            initial: Duration::from_millis(30),
            max: Duration::from_millis(200),
            ..BackoffConfig::default()
        },
        refresh_min_interval: Duration::from_millis(20),
        // Snapshots only from catch-ups, so tests know when one exists.
        snapshot_min_interval: Duration::from_secs(3600),
        snapshot_every: Duration::from_secs(3600),
        reconcile_retry: Duration::from_millis(50),
        private_retry: Duration::from_millis(50),
        ..Tuning::default()
    }
}

/// A simulator, a database directory and the clients a test drives the exchange with.
pub struct Env {
    /// The simulator.
    pub sim: SimHandle,
    /// Holds the database file.
    pub dir: TempDir,
    /// The session's credential store (key A, as the simulator key).
    pub creds: Arc<MemoryCredentialStore>,
    /// Key B's client: the counterparty.
    pub b: Client,
    /// Key A's own client, for acting on the account outside the session.
    pub a: Client,
}

impl Env {
    /// A quiet simulator (20 markets, no activity, empty books, no faults).
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// The same with the simulator's config adjusted by `tweak`.
    pub async fn start_with(tweak: impl FnOnce(&mut SimConfig)) -> Self {
        let mut config = SimConfig {
            markets: 20,
            keys: vec![(KEY_B.to_owned(), key_b_public())],
            admin_routes: true,
            seed_books: false,
            ..SimConfig::default()
        };
        tweak(&mut config);
        let sim = Simulator::start(config).await.expect("simulator starts");
        let creds = Arc::new(MemoryCredentialStore::new());
        let key = PrivateKey::from_pem(&key_a_private()).expect("key A loads");
        creds.put_key(
            DeskEnvironment::Simulator,
            &StoredKey::from_private_key(KEY_A, &key),
        );
        let environment =
            Environment::custom(&sim.rest_url(), &sim.ws_url()).expect("simulator URLs");
        let client = |creds: Credentials| {
            Client::builder(environment.clone())
                .credentials(creds)
                .tier(Tier::Custom {
                    read_per_sec: 500,
                    write_per_sec: 500,
                })
                .retry(fast_tuning().retry)
                .build()
                .expect("client builds")
        };
        let b = client(Credentials::from_pem(KEY_B, &key_b_private()).expect("key B loads"));
        let a = client(Credentials::from_pem(KEY_A, &key_a_private()).expect("key A loads"));
        Self {
            sim,
            dir: tempfile::tempdir().expect("temp dir"),
            creds,
            b,
            a,
        }
    }

    /// A Simulator session config using this simulator (registered through its admin
    /// route, as `cargo xtask run` would) and the temp database.
    pub fn config(&self) -> SessionConfig {
        let mut config = SessionConfig::new(
            DeskEnvironment::Simulator,
            self.dir.path().join("desk.sqlite"),
            self.creds.clone(),
        );
        config.simulator = SimulatorSetup::External {
            base_url: format!("http://{}", self.sim.addr()),
            admin_token: AdminToken::fixed(self.sim.admin_token()).expect("a usable token"),
        };
        config.tuning = fast_tuning();
        config
    }

    /// A Demo session config with key A, pointed at this simulator (which knows key A only
    /// after [`Env::register_a`]).
    pub fn demo_config(&self) -> SessionConfig {
        let creds = Arc::new(MemoryCredentialStore::new());
        let key = PrivateKey::from_pem(&key_a_private()).expect("key A loads");
        creds.put_key(
            DeskEnvironment::Demo,
            &StoredKey::from_private_key(KEY_A, &key),
        );
        let mut config = self.config();
        config.environment = DeskEnvironment::Demo;
        config.credentials = creds;
        config.endpoint = Some(
            Environment::custom(&self.sim.rest_url(), &self.sim.ws_url()).expect("simulator URLs"),
        );
        config
    }

    /// Opens a session and waits for its first catch-up.
    pub async fn open(&self) -> (Session, Events) {
        open_synced(self.config()).await
    }

    /// The first open market.
    pub async fn market(&self) -> Market {
        self.markets(1).await.remove(0)
    }

    /// The first `n` open markets.
    pub async fn markets(&self, n: u32) -> Vec<Market> {
        let page = self
            .b
            .markets(&GetMarketsParams {
                status: Some(MarketStatusFilter::Open),
                limit: Some(n),
                ..GetMarketsParams::default()
            })
            .await
            .expect("markets list");
        assert_eq!(page.markets.len(), n as usize, "enough open markets");
        page.markets
    }

    /// Registers key A with the simulator (the session does it itself when it opens).
    pub fn register_a(&self) {
        let key = PrivateKey::from_pem(&key_a_private()).expect("key A loads");
        self.sim
            .register_key(KEY_A, &key.public_key_pem())
            .expect("key A registers");
    }

    /// `POST /_sim{path}` with `body` (lifecycle and clock admin routes).
    pub async fn admin(&self, path: &str, body: serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.sim.admin_url()))
            .bearer_auth(self.sim.admin_token())
            .json(&body)
            .send()
            .await
            .expect("admin route answers");
        assert!(
            response.status().is_success(),
            "admin {path}: HTTP {}",
            response.status()
        );
    }

    /// Applies a fault patch.
    pub fn faults(&self, patch: FaultPatch) {
        self.sim.set_faults(&patch).expect("valid fault patch");
    }

    /// Every fill of key A on the exchange.
    pub async fn exchange_fills(&self) -> Vec<Fill> {
        self.a
            .fills_stream(GetFillsParams {
                limit: Some(1000),
                ..GetFillsParams::default()
            })
            .try_collect()
            .await
            .expect("fills list")
    }

    /// Every order of key A on the exchange.
    pub async fn exchange_orders(&self) -> Vec<Order> {
        self.a
            .orders_stream(GetOrdersParams {
                limit: Some(1000),
                ..GetOrdersParams::default()
            })
            .try_collect()
            .await
            .expect("orders list")
    }
}

/// Opens a session with `config` and waits for its first catch-up.
pub async fn open_synced(config: SessionConfig) -> (Session, Events) {
    let (session, events, _) = open_collect(config).await;
    (session, events)
}

/// Opens a session with `config`, waits for its first catch-up and returns the events up
/// to it.
pub async fn open_collect(config: SessionConfig) -> (Session, Events, Vec<AppEvent>) {
    let session = Session::open(config).await.expect("session opens");
    let mut events = Events(session.events());
    let seen = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "the first catch-up")
        .await;
    (session, events, seen)
}

/// An immediate-or-cancel order of `client` (the counterparty trading against resting
/// orders).
pub async fn take(
    client: &Client,
    ticker: &str,
    side: BookSide,
    price: Price,
    count: Count,
) -> CreateOrderResponse {
    let order = CreateOrderRequest::new(
        ticker,
        side,
        price,
        count,
        TimeInForce::ImmediateOrCancel,
        SelfTradePrevention::TakerAtCross,
    );
    send(client, order).await
}

/// A resting good-till-cancelled order of `client`.
pub async fn rest(
    client: &Client,
    ticker: &str,
    side: BookSide,
    price: Price,
    count: Count,
) -> CreateOrderResponse {
    let order = CreateOrderRequest::new(
        ticker,
        side,
        price,
        count,
        TimeInForce::GoodTillCanceled,
        SelfTradePrevention::TakerAtCross,
    );
    send(client, order).await
}

/// Sends a create with a fresh client order id (so the client may retry it under 429s).
async fn send(client: &Client, mut order: CreateOrderRequest) -> CreateOrderResponse {
    order.client_order_id = Some(uuid::Uuid::new_v4().to_string());
    client.create_order(&order).await.expect("order accepted")
}

/// `"0.40"` as a price.
pub fn price(text: &str) -> Price {
    Price::parse(text).expect("price literal")
}

/// A session's event stream with waiting helpers.
pub struct Events(pub broadcast::Receiver<AppEvent>);

impl Events {
    /// The next event (fails the test after [`WAIT`]).
    pub async fn next_event(&mut self) -> AppEvent {
        self.wait(|_| true, "any event").await
    }

    /// Waits for the first event matching `want` and returns it (the ones before are
    /// skipped).
    pub async fn wait(&mut self, want: impl Fn(&AppEvent) -> bool, what: &str) -> AppEvent {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.0.recv()).await {
                Ok(Ok(event)) if want(&event) => return event,
                Ok(Ok(_)) => {}
                Ok(Err(RecvError::Lagged(n))) => {
                    panic!("fell {n} events behind waiting for {what}")
                }
                Ok(Err(RecvError::Closed)) => panic!("the session ended before {what}"),
                Err(_) => panic!("timed out waiting for {what}"),
            }
        }
    }

    /// Collects events until one matches `until` (included), returning all of them.
    pub async fn collect_until(
        &mut self,
        until: impl Fn(&AppEvent) -> bool,
        what: &str,
    ) -> Vec<AppEvent> {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.0.recv()).await {
                Ok(Ok(event)) => {
                    let done = until(&event);
                    seen.push(event);
                    if done {
                        return seen;
                    }
                }
                Ok(Err(RecvError::Lagged(n))) => {
                    panic!("fell {n} events behind waiting for {what}")
                }
                Ok(Err(RecvError::Closed)) => panic!("the session ended before {what}"),
                Err(_) => panic!("timed out waiting for {what}"),
            }
        }
    }

    /// Everything still buffered after the session is gone.
    pub async fn drain(&mut self) -> Vec<AppEvent> {
        let mut seen = Vec::new();
        loop {
            match tokio::time::timeout(WAIT, self.0.recv()).await {
                Ok(Ok(event)) => seen.push(event),
                Ok(Err(RecvError::Lagged(n))) => panic!("fell {n} events behind"),
                Ok(Err(RecvError::Closed)) => return seen,
                Err(_) => panic!("the dropped session's event channel never closed"),
            }
        }
    }
}

/// The fill ids among `events`, in order.
pub fn fill_ids(events: &[AppEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            AppEvent::Fill(f) => Some(f.fill.fill_id.clone()),
            _ => None,
        })
        .collect()
}

/// Extension for test setup: `put` that panics instead of returning a `Result`.
pub trait PutKey {
    /// Stores `key` for `env`.
    fn put_key(&self, env: DeskEnvironment, key: &StoredKey);
}

impl PutKey for MemoryCredentialStore {
    fn put_key(&self, env: DeskEnvironment, key: &StoredKey) {
        use desk_core::CredentialStore as _;
        self.put(env, key).expect("memory store accepts keys");
    }
}
