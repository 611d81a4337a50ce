//! The SDK's REST client and WebSocket feed set up for a local simulator, bounded waits,
//! and picking markets to trade in.

use std::time::Duration;

use futures_util::TryStreamExt as _;
use kalshi::auth::Credentials;
use kalshi::book::NoPriceScale;
use kalshi::env::Environment;
use kalshi::model::Price;
use kalshi::model::market::{GetMarketsParams, Market, MarketStatusFilter};
use kalshi::model::order::{BookSide, SelfTradePrevention, TimeInForce};
use kalshi::model::order_entry::CreateOrderRequest;
use kalshi::model::{Count, ws::Channel};
use kalshi::rest::{Client, RetryPolicy, Tier};
use kalshi::ws::{
    BackoffConfig, ConnectionState, Feed, FeedConfig, FeedEvent, FeedHandle, NoJitter,
};
use kalshi_sim::SimConfig;
use tokio::sync::mpsc;

use crate::harness::{Sim, WAIT};

/// Seed of every simulator here: universe, bots and fault rolls, so a failure reproduces.
pub const SEED: u64 = 0x00E2_E5EE_D001;

/// How long the feed waits before reconnecting: long enough that the `Reconnecting` state
/// is observed through the watch, short enough to keep tests quick.
pub const RECONNECT_DELAY: Duration = Duration::from_millis(150);

/// A simulator with the e2e seed, `markets` markets and keys A and B.
pub async fn start_sim(markets: usize) -> Sim {
    Sim::start_with(|c: &mut SimConfig| {
        c.seed = SEED;
        c.markets = markets;
    })
    .await
}

/// The simulator as an SDK environment.
pub fn env(sim: &Sim) -> Environment {
    Environment::custom(&sim.handle.rest_url(), &sim.handle.ws_url()).expect("sim URLs are valid")
}

/// The SDK client for `creds`: a tier the tests never hit (the simulator only rate-limits
/// when a fault says so) and a retry policy that outlasts a 90 % fault share quickly.
pub fn client(sim: &Sim, creds: &Credentials) -> Client {
    client_with(sim, creds, patient_retries())
}

/// As [`client`] with an explicit retry policy.
pub fn client_with(sim: &Sim, creds: &Credentials, retry: RetryPolicy) -> Client {
    Client::builder(env(sim))
        .credentials(creds.clone())
        .tier(Tier::Custom {
            read_per_sec: 10_000,
            write_per_sec: 10_000,
        })
        .timeout(WAIT)
        .retry(retry)
        .build()
        .expect("client builds")
}

/// Many quick retries: at a 90 % failure share, 200 attempts all fail with
/// probability 0.9^200 ≈ 7e-10 (and the rolls are seeded anyway).
pub fn patient_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 200,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(8),
        max_retry_after: Duration::from_secs(1),
    }
}

/// `n` open markets (through the client) that stay open for the whole test and accept
/// every cent from 0.05 to 0.95.
pub async fn tradable_markets(client: &Client, n: usize) -> Vec<Market> {
    let params = GetMarketsParams {
        status: Some(MarketStatusFilter::Open),
        limit: Some(100),
        ..GetMarketsParams::default()
    };
    let markets: Vec<Market> = client
        .markets_stream(params)
        .try_collect()
        .await
        .expect("markets list");
    let later = time::OffsetDateTime::now_utc() + time::Duration::hours(6);
    let picked: Vec<Market> = markets
        .into_iter()
        .filter(|m| m.status.is_tradable() && m.close_time > later)
        .filter(|m| (5..=95).all(|c| m.is_on_grid(cents(c))))
        .take(n)
        .collect();
    assert_eq!(picked.len(), n, "enough long-lived cent-grid markets");
    picked
}

/// `c` cents as a price.
pub fn cents(c: i64) -> Price {
    Price::from_units(c * 100)
}

/// Whole contracts.
pub fn contracts(n: i64) -> Count {
    Count::from_contracts(n)
}

/// A count from its decimal text, e.g. `"4.25"`.
pub fn count(text: &str) -> Count {
    Count::parse(text).expect("a valid count")
}

/// A limit order with a client order id.
pub fn limit(
    ticker: &str,
    side: BookSide,
    price_cents: i64,
    count: i64,
    tif: TimeInForce,
    client_order_id: &str,
) -> CreateOrderRequest {
    let mut req = CreateOrderRequest::new(
        ticker,
        side,
        cents(price_cents),
        contracts(count),
        tif,
        SelfTradePrevention::TakerAtCross,
    );
    req.client_order_id = Some(client_order_id.to_owned());
    req
}

/// A good-till-canceled limit order with a client order id.
pub fn gtc(
    ticker: &str,
    side: BookSide,
    price_cents: i64,
    count: i64,
    coid: &str,
) -> CreateOrderRequest {
    limit(
        ticker,
        side,
        price_cents,
        count,
        TimeInForce::GoodTillCanceled,
        coid,
    )
}

/// An immediate-or-cancel limit order with a client order id.
pub fn ioc(
    ticker: &str,
    side: BookSide,
    price_cents: i64,
    count: i64,
    coid: &str,
) -> CreateOrderRequest {
    limit(
        ticker,
        side,
        price_cents,
        count,
        TimeInForce::ImmediateOrCancel,
        coid,
    )
}

/// The SDK feed under test: its handle, its events, and every connection state it
/// published (recorded by a task watching the `watch`).
pub struct TestFeed {
    /// Commands and shutdown.
    pub handle: FeedHandle,
    /// The feed's event stream.
    pub events: mpsc::Receiver<FeedEvent>,
    states: mpsc::UnboundedReceiver<ConnectionState>,
}

/// Starts the feed for `creds` with a fast, jitter-free reconnect schedule and waits until
/// it is connected.
pub async fn start_feed(sim: &Sim, creds: &Credentials) -> TestFeed {
    start_feed_with(sim, creds, NoPriceScale::NoLeg).await
}

/// As [`start_feed`], asking for NO-side book levels in `scale`.
pub async fn start_feed_with(sim: &Sim, creds: &Credentials, scale: NoPriceScale) -> TestFeed {
    let mut config = FeedConfig::new(env(sim), creds.clone());
    config.use_yes_price = scale == NoPriceScale::YesLeg;
    config.backoff = BackoffConfig {
        initial: RECONNECT_DELAY,
        max: RECONNECT_DELAY * 4,
        factor: 2.0,
        // A connection that served a little while resets the schedule; drops that follow
        // each other faster make the next reconnect wait longer, up to `max`.
        stable_after: Duration::from_millis(20),
        immediate_first: false,
    };
    let (handle, events) =
        Feed::spawn_with_jitter(config, Box::new(NoJitter)).expect("feed config is valid");
    let mut watch = handle.state();
    let (tx, states) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let _ = tx.send(watch.borrow_and_update().clone());
        while watch.changed().await.is_ok() {
            if tx.send(watch.borrow_and_update().clone()).is_err() {
                break;
            }
        }
    });
    let mut feed = TestFeed {
        handle,
        events,
        states,
    };
    feed.until(|e| matches!(e, FeedEvent::Connected)).await;
    let seen = feed.states_until_now().await;
    assert!(
        matches!(seen.last(), Some(ConnectionState::Connected { .. })),
        "connected: {seen:?}"
    );
    feed
}

impl TestFeed {
    /// The next event within [`WAIT`].
    pub async fn next(&mut self) -> FeedEvent {
        tokio::time::timeout(WAIT, self.events.recv())
            .await
            .expect("a feed event in time")
            .expect("the feed is running")
    }

    /// Events up to and including the first one `stop` accepts.
    pub async fn until(&mut self, stop: impl Fn(&FeedEvent) -> bool) -> Vec<FeedEvent> {
        let mut seen = Vec::new();
        loop {
            let e = self.next().await;
            let done = stop(&e);
            seen.push(e);
            if done {
                return seen;
            }
        }
    }

    /// Subscribes (bounded wait) and returns the sids.
    pub async fn subscribe(&self, channels: &[Channel], tickers: &[String]) -> Vec<u64> {
        let infos = tokio::time::timeout(
            WAIT,
            self.handle
                .subscribe(channels.iter().copied(), tickers.iter().cloned()),
        )
        .await
        .expect("subscribe answered in time")
        .expect("subscribed");
        assert_eq!(infos.len(), channels.len(), "one sid per channel");
        infos.into_iter().map(|i| i.sid).collect()
    }

    /// Connection states recorded since the last call, up to and including the one the
    /// watch holds now (bounded wait). Call it once the feed is connected again, so the
    /// current value is that connection's `Connected`.
    pub async fn states_until_now(&mut self) -> Vec<ConnectionState> {
        let now = self.handle.state().borrow().clone();
        let mut seen = Vec::new();
        loop {
            let s = tokio::time::timeout(WAIT, self.states.recv())
                .await
                .expect("a connection state in time")
                .expect("the state watch is alive");
            let done = s == now;
            seen.push(s);
            if done {
                return seen;
            }
        }
    }

    /// Shuts the feed down and checks it reports `Offline`.
    pub async fn shutdown(self) {
        self.handle.shutdown().await;
        assert!(
            matches!(
                *self.handle.state().borrow(),
                ConnectionState::Offline { .. }
            ),
            "a shut-down feed is offline"
        );
    }
}
